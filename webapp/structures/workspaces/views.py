"""Mes espaces de travail: the workspaces a structure offers (managers) and those a member opens."""
from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from webapp.auth import is_manager, login_required, structure_for_manager, structure_for_member_or_admin
from webapp.web.rendering import render, wants_fragment
from webapp.structures.workspaces import bp
from webapp.structures.workspaces.catalogue import workspace
from webapp.structures.workspaces.forms import FeaturesForm
from webapp.structures.workspaces.service import set_features, set_offered, set_opened, workspace_state, workspace_states

PAGE = "workspaces/page.html"
CHOICES = {"yes": True, "no": False}


def page_context(structure, membership, **extra):
    return dict(
        structure=structure, membership=membership, can_manage=is_manager(membership),
        states=workspace_states(structure, membership),
        features_form=FeaturesForm(formdata=None, obj=structure), **extra,
    )


@bp.get("/<int:structure_id>/espaces-de-travail")
@login_required
def workspaces_page(structure_id):
    structure, membership = structure_for_member_or_admin(structure_id)
    return render(PAGE, **page_context(structure, membership))


def row_response(structure, membership, code, message, status=200):
    """The row alone for htmx (with the message for the live region), else back to the page."""
    if wants_fragment():
        return render(
            PAGE, "workspace_row", status=status, structure=structure, membership=membership,
            can_manage=is_manager(membership), state=workspace_state(structure, membership, code),
            live_message=message,
        )
    flash(message, "success" if status == 200 else "error")
    return redirect(url_for(".workspaces_page", structure_id=structure.id, _anchor=f"workspace-{code}"), code=303)


def chosen(name):
    value = request.form.get(name)
    return CHOICES.get(value)


@bp.post("/<int:structure_id>/espaces-de-travail/<code>/ouverture")
@login_required
def toggle_opened(structure_id, code):
    structure, membership = structure_for_member_or_admin(structure_id)
    item = workspace(code)
    if item is None:
        abort(404)
    if membership is None:
        abort(403)  # an administrator who is not a member has no workspaces of their own
    opened = chosen("opened")
    if opened is None:
        return row_response(structure, membership, code, _("Choose Yes or No."), status=422)
    if not set_opened(membership, code, opened):
        return row_response(structure, membership, code,
                            _("The structure does not offer the workspace “%(name)s”.", name=item.label), status=422)
    message = (_("The workspace “%(name)s” is open.", name=item.label) if opened
               else _("The workspace “%(name)s” is closed.", name=item.label))
    return row_response(structure, membership, code, message)


@bp.post("/<int:structure_id>/espaces-de-travail/<code>/offre")
@login_required
def toggle_offered(structure_id, code):
    structure, membership = structure_for_manager(structure_id)
    item = workspace(code)
    if item is None:
        abort(404)
    offered = chosen("offered")
    if offered is None:
        return row_response(structure, membership, code, _("Choose Yes or No."), status=422)
    set_offered(structure, code, offered, g.account)
    message = (_("The structure offers the workspace “%(name)s”.", name=item.label) if offered
               else _("The structure no longer offers the workspace “%(name)s”.", name=item.label))
    return row_response(structure, membership, code, message)


@bp.post("/<int:structure_id>/fonctionnalites")
@login_required
def save_features(structure_id):
    structure, membership = structure_for_manager(structure_id)
    form = FeaturesForm()
    if not form.validate():
        abort(400)
    set_features(structure, bool(form.feature_payment_requests.data), bool(form.feature_dume.data), g.account)
    message = _("The features are saved.")
    if wants_fragment():
        return render(PAGE, "features", **page_context(structure, membership, live_message=message))
    flash(message, "success")
    return redirect(url_for(".workspaces_page", structure_id=structure.id, _anchor="features"), code=303)
