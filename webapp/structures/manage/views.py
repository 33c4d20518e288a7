"""The managers' pages: attachment requests, members and roles."""
from flask import abort, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from webapp.auth import login_required, structure_for_manager, structure_for_member
from webapp.mail.outbox import deliver_after_commit
from webapp.models import AttachmentRequest, Role
from webapp.web.rendering import render, wants_fragment
from webapp.web.url_converters import parse_id
from webapp.structures.manage import bp
from webapp.structures.manage.attachments import MAX_REASON_LENGTH, decide, pending_requests
from webapp.structures.manage.forms import DecisionForm, InviteForm
from webapp.structures.manage.invitations import pending_invitations
from webapp.structures.manage.roles import ROLE_LABELS, RoleError, change_role, detach_member, member_of, members_of, transfer_principal


@bp.app_template_filter("role_label")
def role_label(role):
    return ROLE_LABELS.get(role, role)


def _chosen_requests(structure):
    """(action, ids) from the form: a row's own button wins over the batch buttons and checkboxes."""
    single = request.form.get("single", "")
    if single:
        action, _sep, raw_ids = single.partition(":")
        raw_ids = [raw_ids]
    else:
        action, raw_ids = request.form.get("action", ""), request.form.getlist("request_id")
    if action not in ("approve", "refuse"):
        abort(400)
    ids = [parse_id(value) for value in raw_ids]
    if None in ids:
        abort(404)  # not an id any request can have: nothing is decided
    known = {r.id for r in AttachmentRequest.select(AttachmentRequest.id).where(
        AttachmentRequest.id.in_(ids) & (AttachmentRequest.structure == structure))}
    if any(i not in known for i in ids):
        abort(404)  # another structure's request, or a made-up id: nothing is decided
    return action, ids


def _outcome_message(outcome, name):
    if outcome == "approved":
        return _("%(name)s is now a user of the structure; an e-mail tells them.", name=name)
    if outcome == "refused":
        return _("The request of %(name)s was refused; an e-mail tells them.", name=name)
    return _("The request of %(name)s had already been decided by another manager.", name=name)


def _announcements(outcomes):
    """(category, message) of each decision, for the status region above the table."""
    return [("warning" if outcome == "already_decided" else "success", _outcome_message(outcome, name))
            for outcome, name in outcomes]


# Without JavaScript the decision redirects (POST, redirect, GET): its outcomes wait in the session
# for the page it returns to, which shows them above the table rather than in the flashed notices.
DECIDED_KEY = "requests_decided"


def _remember_outcomes(structure, decided):
    session[DECIDED_KEY] = {"structure": structure.id, "outcomes": [[d.outcome, d.requester_name] for d in decided]}


def _recalled_outcomes(structure):
    saved = session.pop(DECIDED_KEY, None)
    if not isinstance(saved, dict) or saved.get("structure") != structure.id:
        return []
    return [(outcome, name) for outcome, name in saved.get("outcomes", [])]


@bp.route("/structures/<int:structure_id>/demandes", methods=["GET", "POST"])
@login_required
def requests(structure_id):
    structure, _membership = structure_for_manager(structure_id)
    form = DecisionForm()
    row_errors, decided, problem, outcomes = {}, [], None, []
    if request.method == "GET":
        outcomes = _recalled_outcomes(structure)
    else:
        action, ids = _chosen_requests(structure)
        reasons = {i: (request.form.get(f"reason_{i}") or "").strip() for i in ids}
        for i, text in reasons.items():
            if len(text) > MAX_REASON_LENGTH:
                row_errors[i] = lazy_ngettext("The reason is too long: at most %(num)d character.",
                                              "The reason is too long: at most %(num)d characters.", MAX_REASON_LENGTH)
        form.validate()
        if not ids:
            problem = _l("Select at least one request, then choose to approve or refuse.")
        if not (row_errors or form.errors or problem):
            decided = decide(structure, g.account, action, ids, reasons, form.reason.data or "")
            deliver_after_commit()
            if not wants_fragment():
                _remember_outcomes(structure, decided)
                return redirect(url_for("structures.requests", structure_id=structure.id), code=303)
            outcomes = [(d.outcome, d.requester_name) for d in decided]
    failed = bool(row_errors or form.errors or problem)
    return render(
        "structures/requests.html", "requests", status=422 if failed else 200,
        structure=structure, form=form, rows=_rows(structure, decided), row_errors=row_errors,
        problem=problem, failed=failed, announcements=_announcements(outcomes),
    )


def _rows(structure, decided):
    """The pending requests, with the ones just decided kept in place to show their outcome."""
    rows = [{"id": r.id, "request": r, "outcome": None} for r in pending_requests(structure)]
    rows += [{"id": d.request_id, "decision": d, "outcome": d.outcome,
              "message": _outcome_message(d.outcome, d.requester_name)}
             for d in decided]
    return sorted(rows, key=lambda row: row["id"])


def members_page(structure, membership, status=200, errors=None, invite_form=None):
    return render(
        "structures/members.html", status=status, structure=structure, membership=membership,
        members=members_of(structure), roles=ROLE_LABELS, errors=errors or {},
        invite_form=invite_form or InviteForm(formdata=None), failed=status != 200,
        invitations=pending_invitations(structure),
    )


@bp.get("/structures/<int:structure_id>/membres")
@login_required
def members(structure_id):
    structure, membership = structure_for_manager(structure_id)
    return members_page(structure, membership)


def _target(structure, membership_id):
    target = member_of(structure, membership_id)
    if target is None:
        abort(404)
    return target


def _apply(structure, membership, target, change, done_message):
    try:
        change()
    except RoleError as error:
        return members_page(structure, membership, status=422, errors={target.id: str(error)})
    flash(done_message, "success")
    return redirect(url_for("structures.members", structure_id=structure.id), code=303)


@bp.post("/structures/<int:structure_id>/membres/<int:membership_id>/role")
@login_required
def set_role(structure_id, membership_id):
    structure, membership = structure_for_manager(structure_id)
    target = _target(structure, membership_id)
    role = request.form.get("role", "")
    return _apply(
        structure, membership, target,
        lambda: change_role(structure, g.account, membership, target, role),
        _("The role of %(name)s was changed.", name=target.account.full_name),
    )


@bp.post("/structures/<int:structure_id>/membres/<int:membership_id>/transfert")
@login_required
def transfer(structure_id, membership_id):
    structure, membership = structure_for_manager(structure_id)
    target = _target(structure, membership_id)
    return _apply(
        structure, membership, target,
        lambda: transfer_principal(structure, g.account, membership, target),
        _("%(name)s is now the principal manager; you are a secondary manager.", name=target.account.full_name),
    )


@bp.post("/structures/<int:structure_id>/membres/<int:membership_id>/detacher")
@login_required
def detach(structure_id, membership_id):
    structure, membership = structure_for_manager(structure_id)
    target = _target(structure, membership_id)
    if membership is not None and target.id == membership.id:
        return leave(structure_id)
    return _apply(
        structure, membership, target,
        lambda: detach_member(structure, g.account, membership, target),
        _("%(name)s was detached from the structure.", name=target.account.full_name),
    )


@bp.post("/structures/<int:structure_id>/quitter")
@login_required
def leave(structure_id):
    structure, membership = structure_for_member(structure_id)
    try:
        detach_member(structure, g.account, membership, membership)
    except RoleError as error:
        flash(str(error), "error")
        if membership.role in Role.MANAGERS:
            return redirect(url_for("structures.members", structure_id=structure.id), code=303)
        return redirect(url_for("account.my_account"), code=303)
    flash(_("You left %(structure)s.", structure=structure.public_name), "success")
    return redirect(url_for("account.my_account"), code=303)
