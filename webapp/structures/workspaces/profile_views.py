"""Structure profile: managers edit the structure's fields for its type; its identifier and type stay fixed."""
from flask import flash, g, redirect, url_for
from flask_babel import gettext as _

from webapp.auth import is_manager, login_required, structure_for_manager, structure_for_member_or_admin
from webapp.extensions import db
from webapp.structures.identifiers import identifier_type
from webapp.models import Structure
from webapp.web.rendering import render
from webapp.structures.check import IdentifierCheck
from webapp.structures.fields import STRUCTURE_TYPES, form_field_name, in_page_order, validate_structure
from webapp.structures.manage.registration import may_give_siret
from webapp.structures.workspaces import bp
from webapp.structures.workspaces.forms import ProfileForm
from webapp.structures.workspaces.service import record

PAGE = "workspaces/profile.html"


def read_only_rows(structure, form):
    """(label, value) of each field of the structure's type, for members who may not edit."""
    kind = identifier_type(structure.identifier_type)
    types = dict(STRUCTURE_TYPES)
    rows = []
    for column in in_page_order(kind.fields):
        value = getattr(structure, column)
        if column == "non_diffusible":
            value = _("Yes") if value else _("No")
        elif column == "structure_type":
            value = types.get(value, value)
        rows.append((form[form_field_name(column)].label.text, value))
    return rows


def page_context(structure, membership, form, **extra):
    return dict(
        structure=structure, form=form, kind=identifier_type(structure.identifier_type),
        check=IdentifierCheck("valid", structure.identifier), can_manage=is_manager(membership),
        rows=read_only_rows(structure, form), may_give_siret=may_give_siret(structure, membership), **extra,
    )


@bp.get("/<int:structure_id>/fiche")
@login_required
def profile(structure_id):
    structure, membership = structure_for_member_or_admin(structure_id)
    form = ProfileForm(structure, formdata=None)
    return render(PAGE, **page_context(structure, membership, form))


@bp.post("/<int:structure_id>/fiche")
@login_required
def save_profile(structure_id):
    structure, membership = structure_for_manager(structure_id)
    form = ProfileForm(structure)
    form.validate()
    # The identifier is the structure's own: checked as valid, never looked up again nor changed.
    validate_structure(form, IdentifierCheck("valid", structure.identifier))
    if form.errors:
        return render(PAGE, status=422, **page_context(structure, membership, form, failed=True))
    values = form.structure_values()
    values.pop("feature_payment_requests")  # features are edited on the workspaces page
    values.pop("feature_dume")
    with db.atomic():
        Structure.update(**values).where(Structure.id == structure.id).execute()
        record(structure, g.account, "profile_updated")
    flash(_("The structure's details are saved."), "success")
    return redirect(url_for(".profile", structure_id=structure.id), code=303)
