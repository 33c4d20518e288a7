"""Who is signed in, and what they may do: every view checks rights here, never trusting URL ids."""
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, g, make_response, redirect, request, url_for

from webapp.models import Membership, Role, Structure


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("account") is None:
            return sign_in_first()
        return view(*args, **kwargs)

    return wrapped


def admin_required():
    """Inside a view behind login_required: only the portal's administrators go on."""
    if not g.account.is_admin:
        abort(403)


def is_manager(membership):
    """The signed-in account may manage the structure of `membership` (or is a portal administrator)."""
    return g.account.is_admin or (membership is not None and membership.role in Role.MANAGERS)


def sign_in_first():
    """To the sign-in page, then back here (the sign-in view checks that `next` stays on this site).

    An htmx request comes from a page whose session ended while it was open: the whole page goes to
    the sign-in form (not the form swapped into a fragment), and comes back to that page afterwards.
    """
    if request.headers.get("HX-Request") == "true":
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = page.path + ("?" + page.query if page.query else "") if page.path else None
        response = make_response("", 401)
        response.headers["HX-Redirect"] = url_for("account.sign_in", next=back)
        return response
    return redirect(url_for("account.sign_in", next=request.full_path.rstrip("?")))


def membership_of(account, structure):
    if account is None or structure is None:
        return None
    return Membership.of(account, structure)


def structure_or_404(structure_id):
    structure = Structure.get_or_none(Structure.id == structure_id)
    if structure is None:
        abort(404)
    return structure


def structure_for_member(structure_id):
    """The structure if the signed-in account belongs to it, else 403 (404 for unknown ids)."""
    structure = structure_or_404(structure_id)
    membership = membership_of(g.account, structure)
    if membership is None:
        abort(403)
    return structure, membership


def structure_for_manager(structure_id):
    """The structure if the signed-in account manages it (or is a portal administrator), else 403."""
    structure, membership = structure_for_member_or_admin(structure_id)
    if not (g.account.is_admin or (membership is not None and membership.role in Role.MANAGERS)):
        abort(403)
    return structure, membership


def structure_for_member_or_admin(structure_id):
    structure = structure_or_404(structure_id)
    membership = membership_of(g.account, structure)
    if membership is None and not g.account.is_admin:
        abort(403)
    return structure, membership
