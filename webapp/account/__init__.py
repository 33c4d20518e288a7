from flask import Blueprint

bp = Blueprint("account", __name__)

# Routes and hooks register themselves on bp.
from webapp.account import (  # noqa: E402,F401
    sessions, views, views_personal_data, views_profile, views_reset, views_sign_in, views_two_factor, views_welcome,
)
