from flask import Blueprint

bp = Blueprint("workspaces", __name__, url_prefix="/structures")

from webapp.structures.workspaces import profile_views, views  # noqa: E402,F401  (routes register themselves on bp)
