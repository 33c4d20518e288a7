"""Create a structure, or ask to join one, once signed in: the sign-up page's structure part and fragments."""
from dataclasses import replace

from flask import g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.auth import login_required
from webapp.mail.outbox import deliver_after_commit
from webapp.quotas import LimitReached
from webapp.web.rendering import render, wants_fragment
from webapp.structures.check import check_identifier
from webapp.structures.fields import validate_structure
from webapp.structures.lifecycle import unclaimed
from webapp.structures.form_flow import check_changing_no_field, form_submitted, identifier_typed, type_chosen
from webapp.structures.new import bp
from webapp.structures.new.forms import StructureOnlyForm
from webapp.structures.new.outcomes import flash_outcome, outcome_message
from webapp.structures.new.service import create_or_join, relation_to, request_attachment

CREATE = "new_structure/create.html"
ATTACH = "new_structure/attach.html"

def for_signed_in_user(check, attach=False):
    """The sign-up wording of a check, told to someone who is signed in (and may already belong)."""
    structure = check.structure
    if structure is not None:
        already = relation_to(g.account, structure)
        name = structure.public_name if already == "member" else structure.name_for_outsiders
        if already in ("member", "pending"):
            return replace(check, message=outcome_message(already, name)[0])
        if attach:
            return replace(check, message=_(
                "Structure found: “%(name)s”. Submit to ask its managers to attach your account.", name=name))
        if unclaimed(structure):
            return replace(check, message=_(
                "This structure is already declared in the portal as “%(name)s”, by an account that was "
                "never activated: submitting makes you its principal manager.", name=name))
        return replace(check, message=_(
            "This structure already exists in the portal as “%(name)s”: submitting sends an "
            "attachment request to its managers.", name=name))
    if attach and check.status == "no_identifier":
        return replace(check, message=_l(
            "A structure of this type has no identifier to search by: ask one of its managers to invite you."))
    if attach and not check.is_error and check.status != "empty":
        return replace(check, status="absent", notes=[], message=_l(
            "No structure with this identifier is in the portal yet: you can create it."))
    return check


def context(form, check, attach=False, **extra):
    return dict(form=form, kind=form.chosen_type(), check=for_signed_in_user(check, attach), **extra)


def refused(template, form, field, error, page):
    """The form again, as typed, with the limit on `field` and when to try again."""
    field.errors.append(str(error))
    response = render(template, status=429 if error.retry_after else 422, **page)
    if error.retry_after:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def finish(outcome):
    deliver_after_commit()  # the managers' e-mail about a request
    flash_outcome(outcome)
    if outcome.kind in ("created", "taken_over", "member"):
        return redirect(url_for("workspaces.workspaces_page", structure_id=outcome.structure.id), code=303)
    return redirect(url_for("account.my_account"), code=303)


@bp.get("/nouvelle")
@login_required
def create_page():
    return render(CREATE, **context(StructureOnlyForm(formdata=None), check_identifier("", ""), quiet=True))


@bp.post("/nouvelle/type")
@login_required
def create_type():
    form = StructureOnlyForm()
    return render(CREATE, "structure_block", **context(form, type_chosen(form), quiet=True))


@bp.post("/nouvelle/identifiant")
@login_required
def create_identifier():
    if wants_fragment():
        check = check_changing_no_field(request.form)
        if check is not None:  # the feedback line alone: no form to bind
            return render(CREATE, "identifier_check", check=for_signed_in_user(check), changes=None)
    form = StructureOnlyForm()
    check, changes = identifier_typed(form)
    return render(CREATE, "identifier_check", **context(form, check, changes=changes))


@bp.post("/nouvelle")
@login_required
def create_submit():
    form = StructureOnlyForm()
    action = request.form.get("action", "create")
    check = form_submitted(form, final=action == "create")
    if action != "create":  # JS off: "Show the fields" and "Check the identifier" post the whole form
        return render(CREATE, **context(form, check, quiet=action == "type"))
    form.validate()
    validate_structure(form, check)
    if form.errors:
        return render(CREATE, status=422, **context(form, check, failed=True))
    values = {} if check.structure else form.structure_values()
    try:
        outcome = create_or_join(g.account, form.identifier_type.data, check.identifier, values)
    except LimitReached as error:
        # The identifier field is absent for types without one: the type field always shows.
        field = form.identifier if check.structure else form.identifier_type
        return refused(CREATE, form, field, error, context(form, check, failed=True))
    return finish(outcome)


@bp.get("/rattachement")
@login_required
def attach_page():
    return render(ATTACH, **context(StructureOnlyForm(formdata=None), check_identifier("", ""), attach=True, quiet=True))


@bp.post("/rattachement/type")
@login_required
def attach_type():
    form = StructureOnlyForm()
    return render(ATTACH, "structure_block", **context(form, type_chosen(form), attach=True, quiet=True))


@bp.post("/rattachement/identifiant")
@login_required
def attach_identifier():
    form = StructureOnlyForm()
    check, _changes = identifier_typed(form)  # the attach page has no structure fields to change
    return render(ATTACH, "identifier_check", **context(form, check, attach=True))


@bp.post("/rattachement")
@login_required
def attach_submit():
    form = StructureOnlyForm()
    action = request.form.get("action", "attach")
    check = form_submitted(form, final=False)
    if action != "attach":
        return render(ATTACH, **context(form, check, attach=True, quiet=action == "type"))
    form.validate()
    if form.chosen_type() is None:
        form.identifier_type.errors.append(_l("Choose the type of identifier of your structure."))
    elif check.is_error:
        form.identifier.errors.append(check.message)
    elif check.structure is None:
        form.identifier.errors.append(_l("No structure with this identifier is in the portal."))
    if form.errors:
        return render(ATTACH, status=422, **context(form, check, attach=True, failed=True))
    try:
        outcome = request_attachment(g.account, check.structure)
    except LimitReached as error:
        return refused(ATTACH, form, form.identifier, error, context(form, check, attach=True, failed=True))
    return finish(outcome)
