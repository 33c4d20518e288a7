from flask import Blueprint

bp = Blueprint("new_structure", __name__, url_prefix="/structures")

from webapp.structures.new import views  # noqa: E402,F401  (routes register themselves on bp)
