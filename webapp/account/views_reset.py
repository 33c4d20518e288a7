"""Forgotten password: ask for a link, then choose a new password on the page it opens."""
from flask import current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.web.limits import page_when_limited
from webapp.web.rendering import render
from webapp.credentials import password_rules
from webapp.account import bp
from webapp.mail.after_response import after_response
from webapp.account.forms import SECRET_QUESTIONS, ForgotPasswordForm, ResetPasswordForm, check_new_password
from webapp.account.password_reset import check_secret_answer, complete_reset, request_password_reset, reset_state
from webapp.account.known_devices import remember_device
from webapp.account.sessions import clear_session


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if request.method == "POST" and form.validate():
        # The look-up and the e-mail wait until the answer has left: same answer, same time, any address.
        after_response(request_password_reset, form.email.data)
        return redirect(url_for("account.forgot_password_sent"), code=303)
    status = 422 if form.errors else 200
    return render("account/forgot_password.html", status=status, form=form, failed=bool(form.errors))


@page_when_limited("account.forgot_password")
def forgot_password_limited():
    return render("account/forgot_password.html", status=429, form=ForgotPasswordForm(), failed=True)


@bp.get("/mot-de-passe-oublie/envoye")
def forgot_password_sent():
    return render("account/forgot_password_sent.html", hours=current_app.config["RESET_TOKEN_HOURS"])


def invalid_link(record, state):
    return render("account/reset_link_invalid.html", state=state, status=410 if record else 404)


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
def reset_password(token):
    record, state = reset_state(token)
    if state != "valid":
        return invalid_link(record, state)
    account = record.account
    form = ResetPasswordForm()
    if request.method == "POST":
        form.validate()
        check_new_password(form, account)
        if form.secret_answer.data and not form.secret_answer.errors:
            outcome = check_secret_answer(record, form.secret_answer.data)
            if outcome == "dead":
                return invalid_link(record, "too_many")
            if outcome == "wrong":
                form.secret_answer.errors.append(_l(
                    "This answer does not match the one you chose. Capital letters and extra spaces do "
                    "not matter; check the spelling and accents."
                ))
                form.secret_answer.data = ""
        if not form.errors:
            if not complete_reset(record, form.password.data):
                return invalid_link(record, "used")
            if g.get("account") is not None and g.account.id == account.id:
                clear_session()
            flash(_("Your password has been changed and every session of your account has ended. Sign in with your new password."), "success")
            if account.totp_secret:  # as loaded before the reset removed it
                flash(_("Your authenticator app was removed from your account: once signed in, set it up again in “My account”."), "info")
            # Whoever completed a reset holds the mailbox and the secret answer: this browser is the
            # owner's, so no lockout or per-address limit set off by someone else keeps it out.
            return remember_device(redirect(url_for("account.sign_in"), code=303), account)
    return render(
        "account/reset_password.html", status=422 if form.errors else 200, form=form, account=account,
        token=token, question=dict(SECRET_QUESTIONS).get(account.secret_question, ""),
        rules=password_rules(form.password.data, account.email, (account.first_name, account.last_name)),
        failed=bool(form.errors),
    )


@bp.post("/mot-de-passe/nouveau/<token>/regles")
def reset_password_rules(token):
    record, state = reset_state(token)
    if state != "valid":
        return invalid_link(record, state)
    account = record.account
    rules = password_rules(request.form.get("password", ""), account.email, (account.first_name, account.last_name))
    return render("account/reset_password.html", "password_rules", rules=rules, token=token)
