"""The portal as an OpenID Connect provider for the operator's platforms (README, "Integrating your
platform"): sign-in, consent, tokens, the `structures` claim, and webhooks about structures.

The features never import this package: it listens to the core's signals (webapp/models.py) and
publishes them as webhooks (platform_events.py).
"""
from flask import Blueprint

bp = Blueprint("oidc", __name__)


def init_oidc(app):
    """Register the routes, the Authlib server and the `flask oidc` commands."""
    from webapp.oidc import applications, authorize, csp, logout, views  # noqa: F401  (routes and hooks on bp)
    from webapp.oidc import platform_events
    from webapp.oidc.cli import oidc_cli
    from webapp.oidc.server import init_server
    from webapp.oidc.webhooks import deliver_webhooks
    from webapp.mail.cli import add_delivery

    init_server(app)
    platform_events.listen()
    app.register_blueprint(bp)
    app.cli.add_command(oidc_cli)
    add_delivery(app, "webhooks", deliver_webhooks)  # `flask outbox deliver/work` sends them too
