"""Managers' side of a structure: attachment requests, members and roles, invitations, administration."""
from flask import Blueprint

bp = Blueprint("structures", __name__)

from webapp.structures.manage import admin_views, invitation_views, registration_views, views  # noqa: E402,F401  (routes register themselves on bp)
