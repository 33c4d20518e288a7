"""Signing in (password, then a code when two-step sign-in applies) and signing out."""
import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.extensions import db
from webapp.mail.outbox import deliver_after_commit
from webapp.models import Account
from webapp.web.rendering import render
from webapp.account import bp
from webapp.mail.after_response import after_response
from webapp.web.limits import count_failure, page_when_limited, wait_text
from webapp.account.forms import SignInCodeForm, SignInForm
from webapp.account.known_devices import remember_device
from webapp.account.lockout import clear_failures, record_failure, wait_before_attempt
from webapp.account.service import authenticate, has_structure, take_welcome
from webapp.account.sessions import (
    PENDING_KEY, SIGN_IN_EMAIL_KEY, WELCOME_KEY, end_session, pending_sign_in, safe_next, start_pending_sign_in, start_session,
)
from webapp.account.two_factor import check_code, may_send_new_code, second_step_method, start_challenge


def landing(account, next_url):
    """Where a sign-in leads: the page that asked for it; else the welcome page with the guide's two
    choices (create a structure, ask to join one) the first time after activation or while the account
    has no structure; else "My account"."""
    asked = safe_next(next_url)
    if asked:
        return asked
    if take_welcome(account):
        session[WELCOME_KEY] = True
        return url_for("account.welcome")
    if not has_structure(account):
        return url_for("account.welcome")
    return url_for("account.my_account")


def pending_max_age():
    return current_app.config["SIGN_IN_CODE_MINUTES"] * 60


@bp.route("/connexion", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    prefilled = False
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
        if session.get(SIGN_IN_EMAIL_KEY):  # just activated in this browser
            form.email.data, prefilled = session[SIGN_IN_EMAIL_KEY], True
    if request.method == "POST" and form.validate():
        email = form.email.data
        wait = wait_before_attempt(email)
        if wait:
            form.password.errors.append(_(
                "Too many failed attempts with this address: try again in %(wait)s, or choose a new "
                "password with “Forgotten password”.", wait=wait_text(wait),
            ))
            return render("account/sign_in.html", status=429, form=form, failed=True)
        account = authenticate(email, form.password.data)
        if account is not None:
            clear_failures(email)
            return after_password(account, safe_next(form.next.data))
        record_failure(email)
        count_failure()
        form.password.errors.append(_l("Wrong e-mail address or password, or account not activated yet."))
        response = render("account/sign_in.html", status=422, form=form, failed=True)
        after_response()  # a lock notice leaves after the answer: same timing
        return response
    status = 422 if form.errors else 200
    return render("account/sign_in.html", status=status, form=form, failed=bool(form.errors), prefilled=prefilled)


@page_when_limited("account.sign_in")
def sign_in_limited():
    """Too many wrong passwords from this network or for this address: the form again with the address
    typed (limits.py puts when to retry above it)."""
    form = SignInForm()
    form.next.data = safe_next(form.next.data) or ""
    return render("account/sign_in.html", status=429, form=form, failed=True)


def after_password(account, next_url):
    method = second_step_method(account)
    if method is None:
        start_session(account)
        return remember_device(redirect(landing(account, next_url), code=303), account)
    with db.atomic():
        challenge = start_challenge(account, method)
    deliver_after_commit()
    start_pending_sign_in(account, challenge.id, next_url)
    return redirect(url_for("account.sign_in_code"), code=303)


def pending_account():
    """(pending dict, account) of a sign-in waiting for its code, or (None, None)."""
    pending = pending_sign_in(pending_max_age())
    account = Account.get_or_none(Account.id == pending["account_id"]) if pending else None
    if account is None or not account.is_active:
        return None, None
    return pending, account


def restart_sign_in():
    session.pop(PENDING_KEY, None)
    flash(_("Your sign-in has expired. Sign in again with your password."), "info")
    return redirect(url_for("account.sign_in"), code=303)


@bp.route("/connexion/code", methods=["GET", "POST"])
def sign_in_code():
    pending, account = pending_account()
    if account is None:
        return restart_sign_in()
    method = "totp" if account.totp_secret else "email"
    form = SignInCodeForm()
    if request.method == "POST" and form.validate():
        outcome = check_code(pending["challenge_id"], account, form.code.data)
        if outcome == "ok":
            start_session(account)
            return remember_device(redirect(landing(account, pending.get("next")), code=303), account)
        count_failure()
        if outcome == "expired":
            form.code.errors.append(
                _l("This code has expired or was replaced by a newer one. Ask for a new code.")
                if method == "email" else _l("This sign-in has expired. Sign in again with your password.")
            )
        elif outcome == "too_many":
            form.code.errors.append(
                _l("Too many wrong codes: this code no longer works. Ask for a new code.")
                if method == "email" else _l("Too many wrong codes. Sign in again with your password.")
            )
        else:
            form.code.errors.append(
                _l("This code is not right. Type the 6 digits of the latest e-mail, or ask for a new code.")
                if method == "email" else _l("This code is not right. Type the 6 digits the app shows now.")
            )
        form.code.data = ""
    status = 422 if form.errors else 200
    return render(
        "account/sign_in_code.html", status=status, form=form, method=method, account=account,
        minutes=current_app.config["SIGN_IN_CODE_MINUTES"], failed=bool(form.errors),
    )


@bp.post("/connexion/code/nouveau")
def new_sign_in_code():
    """Same answer whether or not a code was sent: at most one code per RESEND_INTERVAL_SECONDS."""
    pending, account = pending_account()
    if account is None or account.totp_secret:
        return restart_sign_in()
    if may_send_new_code(account):
        with db.atomic():
            challenge = start_challenge(account, "email")
        deliver_after_commit()
        pending.update(challenge_id=challenge.id, started=int(time.time()))
        session[PENDING_KEY] = pending
    flash(_("A new code is sent unless one was sent less than a minute ago. Use the code of the latest e-mail."), "info")
    return redirect(url_for("account.sign_in_code"), code=303)


@bp.post("/deconnexion")
def sign_out():
    end_session()  # revoked on the server; the visitor's choice of language stays
    flash(_("You are signed out."), "info")
    return redirect(url_for("pages.home"), code=303)
