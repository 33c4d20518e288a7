"""Captcha endpoints: the image and audio of a challenge, and the htmx fragments of the widget.

The fragments replace `<div id="captcha">` inside the sign-up form. A plain browser never needs
them (the answer is posted with the sign-up form and checked there), but they still answer one:
the same template renders a small whole page around the same block.
"""
from flask import abort, make_response, request
from flask_babel import gettext as _

from webapp.captcha import bp, service
from webapp.web.rendering import render, wants_fragment


TEMPLATE = "captcha/widget.html"


def live_challenge_or_404(public_id):
    challenge = service.live_challenge(public_id)
    if challenge is None:
        abort(404)
    return challenge


def media_response(body, mimetype):
    response = make_response(body)
    response.mimetype = mimetype
    # Each request draws the same answer differently: never let a cache keep one.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<public_id>.png")
def image(public_id):
    return media_response(service.render_image(live_challenge_or_404(public_id)), "image/png")


@bp.get("/<public_id>.wav")
def audio(public_id):
    return media_response(service.render_audio(live_challenge_or_404(public_id)), "audio/wav")


def render_widget(challenge, solved=False, error=None, announcement="", status=200):
    response = render(
        TEMPLATE,
        block="captcha",
        status=status,
        captcha=challenge,
        captcha_solved=solved,
        captcha_error=error,
        announcement=announcement,
        fragment=wants_fragment(),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/new")
def new():
    return render_widget(service.issue_challenge(), announcement=_("New image displayed."))


@bp.post("/validate")
def validate():
    public_id = request.form.get("captcha_id", "")
    answer = request.form.get("captcha_answer", "")
    challenge = service.find_challenge(public_id)

    if not service.normalise(answer) and service.is_live(challenge):
        message = _("Enter the characters of the image.")
        return render_widget(challenge, error=message, announcement=message, status=422)

    result = service.check_answer(public_id, answer)
    if result is service.CheckResult.CORRECT:
        return render_widget(
            challenge,
            solved=True,
            announcement=_("Captcha validated: you can now create your account."),
        )
    if result is service.CheckResult.WRONG:
        message = _("The characters typed do not match the image: copy those of the new image.")
    else:  # expired, dead after too many tries, already used, or never issued
        message = _("The image has expired: copy the characters of the new image.")
    return render_widget(
        service.issue_challenge(), error=message, announcement=message, status=422
    )
