"""render(): the whole page, or only one named block of it for an htmx request."""
from flask import make_response, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment():
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template, block=None, status=200, **context):
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
