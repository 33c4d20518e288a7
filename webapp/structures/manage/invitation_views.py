"""Sending an invitation (managers) and opening its link (the invited person)."""
from flask import flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.auth import login_required, structure_for_manager
from webapp.mail.outbox import deliver_after_commit
from webapp.quotas import LimitReached
from webapp.web.rendering import render
from webapp.structures.manage import bp
from webapp.structures.manage.forms import InvitationSignupForm, InviteForm
from webapp.structures.manage.invitations import (
    INVITATION_DAYS,
    InvitationError,
    accept_invitation,
    accept_with_new_account,
    active_account_for,
    cancel_invitation,
    find_invitation,
    invite,
)
from webapp.structures.manage.views import members_page


@bp.post("/structures/<int:structure_id>/invitations")
@login_required
def send_invitation(structure_id):
    structure, membership = structure_for_manager(structure_id)
    form = InviteForm()
    if form.validate():
        try:
            _invitation, resent = invite(structure, g.account, form.email.data, locale=str(get_locale()))
        except InvitationError as error:
            form.email.errors.append(str(error))
        except LimitReached as error:
            return _refused(structure, membership, form, error)
        else:
            deliver_after_commit()
            if resent:
                flash(ngettext("A new invitation was sent to %(email)s; the link sent before no longer works. "
                               "The new link is valid for %(num)d day.",
                               "A new invitation was sent to %(email)s; the link sent before no longer works. "
                               "The new link is valid for %(num)d days.", INVITATION_DAYS, email=form.email.data),
                      "success")
            else:
                flash(ngettext("An invitation was sent to %(email)s. The link is valid for %(num)d day.",
                               "An invitation was sent to %(email)s. The link is valid for %(num)d days.",
                               INVITATION_DAYS, email=form.email.data), "success")
            return redirect(url_for("structures.members", structure_id=structure.id), code=303)
    return members_page(structure, membership, status=422, invite_form=form)


def _refused(structure, membership, form, error):
    """The form again, with the typed address and when to try again (429 and Retry-After for a rate)."""
    form.email.errors.append(str(error))
    response = members_page(structure, membership, status=429 if error.retry_after else 422, invite_form=form)
    if error.retry_after:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.post("/structures/<int:structure_id>/invitations/<int:invitation_id>/annuler")
@login_required
def cancel(structure_id, invitation_id):
    structure, _membership = structure_for_manager(structure_id)
    email = cancel_invitation(structure, g.account, invitation_id)
    if email is None:
        flash(_("This invitation was no longer pending: it had been accepted, cancelled or had expired."), "warning")
    else:
        flash(_("The invitation sent to %(email)s is cancelled: its link no longer works.", email=email), "success")
    return redirect(url_for("structures.members", structure_id=structure.id) + "#invitations", code=303)


def _invalid(state):
    return render("structures/invitation_invalid.html", state=state, status=404 if state == "unknown" else 410)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token):
    record, state = find_invitation(token)
    if state != "valid":
        return _invalid(state)
    account = g.get("account")
    existing = active_account_for(record)
    if account is not None or existing is not None:
        return _signed_in_or_sign_in(record, token, account)
    form = InvitationSignupForm()
    if request.method == "POST":
        form.validate()
        form.check_password(record.email)
        if not form.errors:
            try:
                created = accept_with_new_account(
                    record, form.first_name.data.strip(), form.last_name.data.strip(), form.password.data,
                    form.secret_question.data, form.secret_answer.data, locale=str(get_locale()),
                )
            except InvitationError:
                created = "exists"
            if created is None:
                return _invalid("used")
            if created != "exists":
                flash(_("Your account is active and attached to %(structure)s. Sign in with your new password.",
                        structure=record.structure.public_name), "success")
                return redirect(url_for("account.sign_in"), code=303)
            return redirect(url_for("structures.invitation", token=token), code=303)
    return render(
        "structures/invitation.html", status=422 if form.errors else 200, invitation=record, token=token,
        mode="new_account", form=form, failed=bool(form.errors),
    )


def _signed_in_or_sign_in(record, token, account):
    if account is None:
        # The address has an account: its owner signs in, then comes back here.
        return render("structures/invitation.html", invitation=record, token=token, mode="sign_in",
                      sign_in_url=url_for("account.sign_in", next=url_for("structures.invitation", token=token)))
    if account.email != record.email:
        return render("structures/invitation.html", invitation=record, token=token, mode="other_account",
                      status=403)
    if request.method == "POST":
        try:
            accepted = accept_invitation(record, account)
        except InvitationError:
            accepted = False
        if not accepted:
            return _invalid("used")
        flash(_("You are now a user of %(structure)s.", structure=record.structure.public_name), "success")
        return redirect(url_for("account.my_account"), code=303)
    return render("structures/invitation.html", invitation=record, token=token, mode="accept")
