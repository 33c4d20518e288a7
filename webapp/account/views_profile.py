""""My account": the overview, personal details, password and secret question."""
from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.auth import login_required
from webapp.models import AttachmentRequest
from webapp.web.limits import wait_text
from webapp.mail.outbox import deliver_after_commit
from webapp.web.rendering import render
from webapp.credentials import password_rules
from webapp.account import bp
from webapp.account.forms import SECRET_QUESTIONS, check_new_password
from webapp.account.password_check import check_current_password as check_current_password_throttled
from webapp.account.profile import change_password, change_secret_question, set_survey_consent, update_details
from webapp.account.profile_forms import ChangePasswordForm, DetailsForm, SecretQuestionForm, SurveyConsentForm
from webapp.account.service import account_overview
from webapp.account.sessions import current_browser
from webapp.account.two_factor import second_step_method, two_factor_mode

WRONG_CURRENT_PASSWORD = _l("This is not your current password. Type the password you sign in with.")


@bp.get("/mon-compte")
@login_required
def my_account():
    memberships, pending = account_overview(g.account)
    return render(
        "account/my_account.html", account=g.account, memberships=memberships,
        pending=pending, questions=dict(SECRET_QUESTIONS),
        two_factor_mode=two_factor_mode(), second_step=second_step_method(g.account),
        pending_counts=AttachmentRequest.pending_counts_for(g.account),
    )


@bp.post("/mon-compte/enquetes")
@login_required
def survey_consent():
    """The consent to satisfaction surveys the sign-up asked for: withdrawn or given again here."""
    form = SurveyConsentForm()
    if not form.validate():
        abort(400)  # the page's buttons send "give" or "withdraw"; anything else is not from the page
    set_survey_consent(g.account, form.giving())
    if g.account.survey_consent:
        flash(_("Your consent is recorded: you may receive satisfaction surveys about the portal. "
                "You can withdraw it here at any time."), "success")
    else:
        flash(_("Your consent is withdrawn: you will no longer receive satisfaction surveys about the portal."),
              "success")
    return redirect(url_for("account.my_account"), code=303)


@bp.route("/mon-compte/coordonnees", methods=["GET", "POST"])
@login_required
def edit_details():
    account = g.account
    form = DetailsForm(obj=account) if request.method == "GET" else DetailsForm()
    if request.method == "POST" and form.validate():
        update_details(account, form.values())
        flash(_("Your details have been saved."), "success")
        return redirect(url_for("account.my_account"), code=303)
    return render(
        "account/details.html", status=422 if form.errors else 200, form=form, account=account,
        failed=bool(form.errors),
    )


def check_current_password(form, account):
    """An error on the field for a wrong password, or while wrong ones make it wait (password_check.py)."""
    if form.current_password.data and not form.current_password.errors:
        right, wait = check_current_password_throttled(account, form.current_password.data)
        if wait:
            form.current_password.errors.append(_(
                "Too many wrong passwords: try again in %(wait)s. If you have forgotten your password, "
                "sign out and choose a new one with “Forgotten password”.", wait=wait_text(wait),
            ))
        elif not right:
            form.current_password.errors.append(WRONG_CURRENT_PASSWORD)


def rules_for(account, password):
    return password_rules(password, account.email, (account.first_name, account.last_name))


@bp.route("/mon-compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def edit_password():
    account = g.account
    form = ChangePasswordForm()
    if request.method == "POST":
        form.validate()
        check_new_password(form, account)
        check_current_password(form, account)
        if not form.errors:
            change_password(account, form.password.data, **current_browser())
            deliver_after_commit()
            flash(_("Your password has been changed. Your other sessions have ended; an e-mail confirms the change."), "success")
            return redirect(url_for("account.my_account"), code=303)
    return render(
        "account/change_password.html", status=422 if form.errors else 200, form=form, account=account,
        rules=rules_for(account, form.password.data), failed=bool(form.errors),
    )


@bp.post("/mon-compte/mot-de-passe/regles")
@login_required
def edit_password_rules():
    rules = rules_for(g.account, request.form.get("password", ""))
    return render("account/change_password.html", "password_rules", rules=rules)


@bp.route("/mon-compte/question-secrete", methods=["GET", "POST"])
@login_required
def edit_secret_question():
    account = g.account
    form = SecretQuestionForm()
    if request.method == "GET":
        form.secret_question.data = account.secret_question
    if request.method == "POST":
        form.validate()
        check_current_password(form, account)
        if not form.errors:
            change_secret_question(account, form.secret_question.data, form.secret_answer.data)
            flash(_("Your secret question has been changed."), "success")
            return redirect(url_for("account.my_account"), code=303)
    return render(
        "account/secret_question.html", status=422 if form.errors else 200, form=form,
        failed=bool(form.errors),
    )
