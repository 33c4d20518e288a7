from flask import Blueprint

bp = Blueprint("structure_directory", __name__, url_prefix="/annuaire")

from webapp.structures.public_directory import views  # noqa: E402,F401  (routes register themselves on bp)
