"""Two-step sign-in in "My account": the authenticator app (set up, turn off) and e-mailed codes."""
from flask import abort, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.auth import login_required
from webapp.web.rendering import render
from webapp.account import bp
from webapp.account.profile_forms import PasswordCheckForm, TotpConfirmForm
from webapp.account.two_factor import (
    confirm_totp,
    disable_totp,
    new_totp_secret,
    provisioning_uri,
    qr_code_data_uri,
    second_step_method,
    set_email_codes,
    two_factor_mode,
)
from webapp.account.views_profile import check_current_password

SETUP_KEY = "totp_setup_secret"  # the secret being set up: saved on the account once confirmed


def two_factor_page(form=None, status=200):
    return render(
        "account/two_factor.html", status=status, account=g.account, mode=two_factor_mode(),
        method=second_step_method(g.account), form=form or PasswordCheckForm(),
        failed=status != 200,
    )


def password_confirmed(form):
    if not form.validate():
        return False
    check_current_password(form, g.account)  # throttled like every current-password check
    return not form.errors


@bp.get("/mon-compte/double-authentification")
@login_required
def two_factor_settings():
    return two_factor_page()


@bp.route("/mon-compte/double-authentification/application", methods=["GET", "POST"])
@login_required
def totp_setup():
    if two_factor_mode() == "off" or g.account.totp_secret:
        return redirect(url_for("account.two_factor_settings"), code=303)
    secret = session.get(SETUP_KEY)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[SETUP_KEY] = new_totp_secret()
    form = TotpConfirmForm()
    if request.method == "POST" and password_confirmed(form):
        if confirm_totp(g.account, secret, form.code.data):
            session.pop(SETUP_KEY, None)
            flash(_("The authenticator app is set up: you will type one of its codes at each sign-in."), "success")
            return redirect(url_for("account.two_factor_settings"), code=303)
        form.code.errors.append(_l(
            "This code is not right. Type the 6 digits the app shows now for this account; check that "
            "the time of your phone is correct."
        ))
        form.code.data = ""
    uri = provisioning_uri(secret, g.account)
    return render(
        "account/totp_setup.html", status=422 if form.errors else 200, form=form, secret=secret,
        grouped_secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        uri=uri, qr_code=qr_code_data_uri(uri), failed=bool(form.errors),
    )


@bp.post("/mon-compte/double-authentification/application/desactiver")
@login_required
def totp_disable():
    form = PasswordCheckForm()
    if not g.account.totp_secret:
        return redirect(url_for("account.two_factor_settings"), code=303)
    if not password_confirmed(form):
        return two_factor_page(form, status=422)
    disable_totp(g.account)
    flash(_("The authenticator app is no longer used to sign in."), "success")
    return redirect(url_for("account.two_factor_settings"), code=303)


@bp.post("/mon-compte/double-authentification/courriel")
@login_required
def email_codes():
    """Opt in to (or out of) e-mailed codes; only when the operator leaves two-step sign-in optional."""
    if two_factor_mode() != "optional":
        abort(403)
    enable = request.form.get("enable") == "1"
    form = PasswordCheckForm()
    if not enable and not password_confirmed(form):  # turning protection off takes the password
        return two_factor_page(form, status=422)
    set_email_codes(g.account, enable)
    flash(_("A code sent by e-mail will be asked at each sign-in.") if enable
          else _("Signing in no longer asks for a code sent by e-mail."), "success")
    return redirect(url_for("account.two_factor_settings"), code=303)
