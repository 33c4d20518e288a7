"""Activation of a new account and resending the activation link."""
from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _

from webapp.extensions import db
from webapp.web.rendering import render
from webapp.credentials import password_rules
from webapp.account.activation import queue_activation_link
from webapp.forms import without_control_characters
from webapp.account import bp
from webapp.mail.after_response import after_response
from webapp.account.forms import ActivationForm, check_new_password
from webapp.account.service import activate_account, activation_state, can_resend_activation, find_account, issued_recently
from webapp.account.sessions import SIGN_IN_EMAIL_KEY


def rules_context(account, password):
    return password_rules(password, account.email, (account.first_name, account.last_name))


@bp.route("/activation/<token>", methods=["GET", "POST"])
def activate(token):
    record, state = activation_state(token)
    if state != "valid":
        return render("account/link_invalid.html", state=state, status=410 if record else 404)
    account = record.account
    form = ActivationForm()
    if request.method == "POST":
        form.validate()
        check_new_password(form, account)  # every error at once, not one round per rule
        if not form.errors:
            if not activate_account(record, form.password.data, form.secret_question.data, form.secret_answer.data):
                return render("account/link_invalid.html", state="used", status=410)
            flash(_("Your account is active. Sign in with your new password."), "success")
            # The sign-in page fills the address in from the session, never from the URL (logs, history).
            session[SIGN_IN_EMAIL_KEY] = account.email
            return redirect(url_for("account.sign_in"), code=303)
    status = 422 if form.errors else 200
    return render(
        "account/activate.html", status=status, form=form, account=account, token=token,
        rules=rules_context(account, form.password.data), failed=bool(form.errors),
    )


@bp.post("/activation/<token>/regles")
def password_rules_fragment(token):
    """The live checklist of the password rules, while the user types."""
    record, state = activation_state(token)
    if state != "valid":
        return render("account/link_invalid.html", state=state, status=410 if record else 404)
    rules = rules_context(record.account, request.form.get("password", ""))
    return render("account/activate.html", "password_rules", rules=rules, token=token)


@bp.post("/activation/nouveau-lien")
def resend_activation():
    """Same answer whatever the address and however often: it never tells whether an account exists.

    The request does the same work for every address; the look-up and the e-mail happen after the
    answer has left. Throttled per address in the database (RESEND_INTERVAL_SECONDS since the last
    link), not per session.
    """
    email = without_control_characters(request.form.get("email") or session.get("signup_email") or "")
    flash(_("If an account awaiting activation uses this address, a new link has been sent to it. Links can be resent once a minute."), "info")
    target = "signup.check_mail" if session.get("signup_email") else "account.sign_in"
    after_response(send_activation_link_if_due, email)
    return redirect(url_for(target), code=303)


def send_activation_link_if_due(email):
    """Queue a new activation link for a pending account with this address, at most once an interval."""
    account = find_account(email) if email.strip() else None
    if can_resend_activation(account) and not issued_recently(account, "activation"):
        with db.atomic():
            queue_activation_link(account)
