"""Activation, sign-in, sign-out, "my account" and resending the activation link."""
import time

from flask import flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..mail import deliver_after_commit
from ..extensions import db
from ..models import Account
from ..rendering import render
from ..security import password_rules
from ..signup.service import queue_activation_link
from ..structure_form import without_control_characters
from . import bp
from .forms import SECRET_QUESTIONS, ActivationForm, SignInForm
from .service import (
    RESEND_INTERVAL,
    account_overview,
    activate_account,
    activation_state,
    authenticate,
    can_resend_activation,
    policy_problems_for,
)


@bp.before_app_request
def load_signed_in_account():
    account_id = session.get("account_id")
    g.account = Account.get_or_none(Account.id == account_id) if account_id else None
    if g.account is not None and not g.account.is_active:
        g.account = None


def rules_context(account, password):
    return password_rules(password, account.email, (account.first_name, account.last_name))


def check_new_password(form, account):
    if form.password.data and not form.password.errors:
        problems = policy_problems_for(account, form.password.data)
        if problems:
            form.password.errors.append(
                _l("Your password does not follow the rules: %(rules)s.", rules="; ".join(str(p.label).lower() for p in problems))
            )
    if form.password.data and form.password_confirm.data and form.password.data != form.password_confirm.data:
        form.password_confirm.errors.append(_l("The two passwords differ: type the same password twice."))


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
    """Same answer whatever the address: it never tells whether an account exists."""
    email = without_control_characters(request.form.get("email") or session.get("signup_email") or "")
    email = email.strip().lower()[:254]
    last = session.get("resent_at", 0)
    if email and time.time() - last >= RESEND_INTERVAL.total_seconds():
        session["resent_at"] = time.time()
        account = Account.get_or_none(Account.email == email)
        if can_resend_activation(account):
            with db.atomic():
                queue_activation_link(account)
            deliver_after_commit()
    flash(_("If an account awaiting activation uses this address, a new link has been sent to it. Links can be resent once a minute."), "info")
    if session.get("signup_email"):
        return redirect(url_for("signup.check_mail"), code=303)
    return redirect(url_for("account.sign_in"), code=303)


@bp.route("/connexion", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    if request.method == "POST" and form.validate():
        account = authenticate(form.email.data, form.password.data)
        if account is not None:
            session.clear()
            session["account_id"] = account.id
            session["lang"] = account.locale
            return redirect(url_for("account.my_account"), code=303)
        form.password.errors.append(_l("Wrong e-mail address or password, or account not activated yet."))
    status = 422 if form.errors else 200
    return render("account/sign_in.html", status=status, form=form, failed=bool(form.errors))


@bp.post("/deconnexion")
def sign_out():
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang  # signing out does not undo the visitor's choice of language
    flash(_("You are signed out."), "info")
    return redirect(url_for("pages.home"), code=303)


@bp.get("/mon-compte")
def my_account():
    if g.account is None:
        return redirect(url_for("account.sign_in"))
    memberships, pending = account_overview(g.account)
    return render(
        "account/my_account.html", account=g.account, memberships=memberships,
        pending=pending, questions=dict(SECRET_QUESTIONS),
    )
