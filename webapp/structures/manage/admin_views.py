"""The portal administrator's page: structures left without a manager, naming a principal manager."""
from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.auth import admin_required, login_required
from webapp.mail.outbox import deliver_after_commit
from webapp.models import Account, Structure
from webapp.web.rendering import render
from webapp.forms import select_choices, without_control_characters
from webapp.structures.manage import bp
from webapp.structures.manage.forms import AppointForm
from webapp.structures.manage.roles import RoleError, appoint_principal, find_structures, member_of, members_of, structures_without_manager


@bp.get("/administration/structures")
@login_required
def admin_structures():
    admin_required()
    query = without_control_characters(request.args.get("q", ""))[:40]
    found = find_structures(query) if query else None
    return render(
        "structures/admin_structures.html", "results", query=query, found=found,
        orphans=structures_without_manager(),
    )


def _appoint_form(structure, members):
    form = AppointForm()
    form.member.choices = select_choices(
        [("", _l("Choose a member"))] + [(str(m.id), f"{m.account.full_name} ({m.account.email})") for m in members]
    )
    return form


@bp.route("/administration/structures/<int:structure_id>", methods=["GET", "POST"])
@login_required
def admin_structure(structure_id):
    admin_required()
    structure = Structure.get_or_none(Structure.id == structure_id)
    if structure is None:
        abort(404)
    members = members_of(structure)
    form = _appoint_form(structure, members)
    if request.method == "POST" and form.validate():
        if form.member.data:
            target = member_of(structure, form.member.data) if form.member.data.isdigit() else None
            account, field = (target.account if target else None), form.member
        else:
            account = Account.get_or_none(Account.email == form.email.data)
            field = form.email
        try:
            if field is form.member and account is None:
                raise RoleError(_l("Choose a member from the list."))
            appoint_principal(structure, g.account, account)
        except RoleError as error:
            field.errors.append(str(error))
        else:
            deliver_after_commit()
            flash(_("%(name)s is now a principal manager of %(structure)s.",
                    name=account.full_name, structure=structure.public_name), "success")
            return redirect(url_for("structures.admin_structure", structure_id=structure.id), code=303)
    return render(
        "structures/admin_structure.html", status=422 if form.errors else 200, structure=structure,
        members=members, form=form, failed=bool(form.errors),
    )
