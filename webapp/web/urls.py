"""Addresses that leave the portal (e-mails, OpenID Connect): PORTAL_BASE_URL, never the request's Host."""
from flask import current_app, url_for


def base_url():
    return current_app.config["PORTAL_BASE_URL"].rstrip("/")


def external_url(endpoint, **values):
    """The absolute address of `endpoint`, for a link that is read outside a request to this portal."""
    return base_url() + url_for(endpoint, **values)
