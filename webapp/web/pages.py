"""Home page, terms of use and the error pages."""
from flask import Blueprint
from flask_wtf.csrf import CSRFError

from webapp.web.rendering import render

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render("pages/home.html")


@bp.get("/conditions-generales")
def terms():
    return render("pages/terms.html")


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
