"""The captcha of the sign-up page: challenges (service.py) and their image, audio and check routes."""
from flask import Blueprint

bp = Blueprint("captcha", __name__, url_prefix="/captcha")

from webapp.captcha import views  # noqa: E402,F401  (routes register themselves on bp)
