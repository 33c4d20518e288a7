"""'Authorised applications' in "My account": the relying parties a person let in, and taking it back."""
from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from webapp.auth import login_required
from webapp.extensions import db
from webapp.web.rendering import render
from webapp.oidc import bp
from webapp.oidc.models import Consent, OAuthClient
from webapp.oidc.tokens import revoke_client_for_account

SCOPE_LABELS = ("openid", "profile", "email", "structures")  # the order the pages list them


def consents_of(account):
    return list(
        Consent.select(Consent, OAuthClient).join(OAuthClient, on=(Consent.client == OAuthClient.id))
        .where(Consent.account == account.id).order_by(OAuthClient.name, Consent.id)
    )


@bp.get("/mon-compte/applications")
@login_required
def applications():
    return render("oidc/applications.html", consents=consents_of(g.account), form=FlaskForm())


@bp.post("/mon-compte/applications/<int:consent_id>/retirer")
@login_required
def withdraw(consent_id):
    consent = Consent.get_or_none((Consent.id == consent_id) & (Consent.account == g.account.id))
    if consent is not None and FlaskForm().validate():
        with db.atomic():
            revoke_client_for_account(g.account, consent.client)
            consent.delete_instance()
        flash(_("%(name)s no longer has access to your account.", name=consent.client.name), "success")
    return redirect(url_for("oidc.applications"), code=303)
