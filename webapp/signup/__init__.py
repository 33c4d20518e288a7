from flask import Blueprint

bp = Blueprint("signup", __name__, url_prefix="/inscription")

from webapp.signup import views, views_link  # noqa: E402,F401  (routes register themselves on bp)
