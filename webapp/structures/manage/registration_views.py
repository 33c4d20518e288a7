"""The principal manager gives a structure "being registered" its SIRET: type it, see what the business
register says, choose whose details to keep, confirm (manage/registration.py)."""
from babel import Locale
from flask import abort, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from webapp.auth import login_required, structure_for_member
from webapp.models import Role
from webapp.structures.fields import STRUCTURE_TYPES
from webapp.structures.manage import bp
from webapp.structures.manage.forms import SiretForm
from webapp.structures.manage.registration import (
    BEING_REGISTERED, SiretRefused, done_message, give_siret, look_up,
)
from webapp.web.rendering import render

PAGE = "structures/siret.html"
# The structure's columns the register fills, in the profile's order, with their labels.
COMPARED = (
    ("company_name", _l("Company name")),
    ("label", _l("Structure label")),
    ("structure_type", _l("Structure type")),
    ("address_line", _l("Address")),
    ("address_complement_1", _l("Address line 2")),
    ("postcode", _l("Postcode")),
    ("city", _l("City")),
    ("country", _l("Country")),
)
REGISTER_FIELDS = {"company_name": "name", "label": "usual_name", "address_line": "address_line",
                   "address_complement_1": "address_complement", "postcode": "postcode", "city": "city",
                   "country": "country", "structure_type": "structure_type"}


def _structure_for_principal(structure_id):
    structure, membership = structure_for_member(structure_id)
    if structure.identifier_type != BEING_REGISTERED:
        abort(404)  # it has its identifier already
    if membership.role != Role.PRINCIPAL_MANAGER:
        abort(403)
    return structure


def _shown(column, value):
    if column == "country" and value:
        return Locale.parse(str(get_locale())).territories.get(value, value)
    if column == "structure_type":
        return dict(STRUCTURE_TYPES).get(value, value)
    return value


def comparison(structure, details):
    """(label, the structure's value, the register's value or None when the register hides it) per column."""
    rows = []
    for column, label in COMPARED:
        current = _shown(column, getattr(structure, column))
        hidden = REGISTER_FIELDS[column] in details.record.masked_fields
        proposed = None if hidden else _shown(column, details.values.get(column, ""))
        if current or proposed or hidden:
            rows.append((label, current, proposed))
    return rows


def page(structure, form, details=None, status=200):
    return render(PAGE, status=status, structure=structure, form=form, details=details,
                  rows=comparison(structure, details) if details else [], failed=status != 200)


@bp.route("/structures/<int:structure_id>/siret", methods=["GET", "POST"])
@login_required
def give_siret_page(structure_id):
    structure = _structure_for_principal(structure_id)
    if request.method == "GET":
        return page(structure, SiretForm(formdata=None))
    form = SiretForm()
    form.validate()
    if form.errors:  # the session expired (CSRF), or an absurd length
        return page(structure, form, status=422)
    if request.form.get("action") == "edit":
        return page(structure, form)  # "Change the SIRET": the first step again, the SIRET kept
    try:
        details = look_up(form.siret.data)
    except SiretRefused as refused:
        form.siret.errors.append(str(refused))
        return page(structure, form, status=422)
    form.siret.data = details.siret
    if request.form.get("action") != "confirm":
        return page(structure, form, details)  # what the register says, and the choice of details
    if form.details.data not in ("register", "keep"):
        form.details.errors.append(_l(
            "Choose whether the structure takes the business register's details or keeps its own."))
        return page(structure, form, details, status=422)
    try:
        updated = give_siret(structure, g.account, form.siret.data, form.details.data == "register")
    except SiretRefused as refused:
        form.siret.errors.append(str(refused))
        return page(structure, form, status=422)
    flash(done_message(updated), "success")
    return redirect(url_for("workspaces.profile", structure_id=structure.id), code=303)
