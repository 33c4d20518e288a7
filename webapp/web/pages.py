"""Home page, the footer's pages (terms of use, legal notice, personal data, accessibility, help) and
the error pages.

The footer's pages describe the portal as it is and the operator who runs it: who that is comes from
the settings (config.py: OPERATOR_NAME, OPERATOR_ADDRESS, SUPPORT_EMAIL, SUPPORT_PHONE,
DATA_PROTECTION_EMAIL, HOSTING_PROVIDER, ACCESSIBILITY_STATUS), with fallbacks so that every page
names someone to write to.
"""
from dataclasses import dataclass

from flask import Blueprint, current_app
from flask_wtf.csrf import CSRFError

from config import ConfigurationError
from webapp.web.rendering import render

bp = Blueprint("pages", __name__)

ACCESSIBILITY_STATUSES = ("not_audited", "partial", "full")


@bp.record_once
def check_settings(state):
    status = state.app.config.get("ACCESSIBILITY_STATUS")
    if status not in ACCESSIBILITY_STATUSES:
        raise ConfigurationError(
            f"ACCESSIBILITY_STATUS={status!r} is not known: use not_audited (no audit yet), partial or full"
        )


@dataclass(frozen=True)
class Operator:
    """Who runs this portal, as the footer's pages name them."""

    name: str
    address: str
    support_email: str
    support_phone: str
    data_protection_email: str
    host: str  # the hosting provider; the operator itself when it hosts the portal

    @classmethod
    def from_config(cls, config):
        name = config["OPERATOR_NAME"].strip() or config["PORTAL_NAME"]
        support = config["SUPPORT_EMAIL"].strip()
        return cls(
            name=name,
            address=config["OPERATOR_ADDRESS"].strip(),
            support_email=support,
            support_phone=config["SUPPORT_PHONE"].strip(),
            data_protection_email=config["DATA_PROTECTION_EMAIL"].strip() or support,
            host=config["HOSTING_PROVIDER"].strip() or name,
        )


def render_footer_page(template, **context):
    return render(template, operator=Operator.from_config(current_app.config), **context)


def names_a_portal(name):
    """Whether the name says "portal" itself: the French heading is then "Bienvenue sur le Portail
    e-facturation", and otherwise "Bienvenue sur le portail Chorus"."""
    words = name.split()
    return bool(words) and words[0].lower() in ("portail", "portal")


@bp.get("/")
def home():
    return render("pages/home.html", names_a_portal=names_a_portal(current_app.config["PORTAL_NAME"]))


@bp.get("/conditions-generales")
def terms():
    return render("pages/terms.html")


@bp.get("/mentions-legales")
def legal_notice():
    return render_footer_page("pages/legal_notice.html")


@bp.get("/donnees-personnelles")
def privacy():
    return render_footer_page("pages/privacy.html")


@bp.get("/accessibilite")
def accessibility():
    return render_footer_page("pages/accessibility.html", compliance=current_app.config["ACCESSIBILITY_STATUS"])


@bp.get("/aide")
def help_page():
    return render_footer_page("pages/help.html")


def register_error_pages(app):
    @app.errorhandler(403)
    def forbidden(error):
        return render("errors/403.html", status=403)

    @app.errorhandler(404)
    def not_found(error):
        return render("errors/404.html", status=404)

    @app.errorhandler(405)
    def method_not_allowed(error):
        return render("errors/404.html", status=405)

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render("errors/csrf.html", status=400)

    @app.errorhandler(500)
    def server_error(error):
        return render("errors/500.html", status=500)
