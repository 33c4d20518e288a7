"""The authorization endpoint: the portal's own sign-in (two-step included), then the consent page.

A request that cannot be trusted to name its client's redirect URI (unknown client, unregistered or
modified redirect_uri) gets an error page here, never a redirect; every other error goes back to the
client's redirect URI in the OAuth format, with `state` and `iss` (RFC 9207).
"""
import time
from urllib.parse import urlencode

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oidc.core.errors import ConsentRequiredError, LoginRequiredError
from flask import g, redirect, request, session, url_for
from flask_wtf import FlaskForm

from webapp.account.sessions import clear_session
from webapp.extensions import db
from webapp.web.rendering import render
from webapp.oidc import bp
from webapp.oidc.models import Consent
from webapp.oidc.server import current_server, issuer
from webapp.oidc.tokens import AUTH_TIME_KEY


@bp.before_app_request
def note_auth_time():
    """When this browser signed in: sign-in starts a fresh session, so the first request after it
    finds no time yet (this hook runs after the account blueprint loaded g.account)."""
    if g.get("account") is not None and AUTH_TIME_KEY not in session:
        session[AUTH_TIME_KEY] = int(time.time())


def error_page(error):
    return render("oidc/error.html", status=400, error=error.error, description=error.get_error_description())


def with_issuer(response):
    if response.status_code in (301, 302, 303) and response.location:
        response.location = add_params_to_uri(response.location, [("iss", issuer())])
    return response


def error_response(error, grant=None):
    if grant is not None and error.redirect_uri is None:
        error.redirect_uri = grant.redirect_uri
    error.state = request.values.get("state")
    if not error.redirect_uri:
        return error_page(error)
    return with_issuer(current_server().handle_error_response(None, error))


def this_request_without(*names):
    """The authorization URL again, for after the sign-in, less the parameters it has satisfied."""
    params = [(k, v) for k, v in request.args.items(multi=True) if k not in names]
    prompts = [p for p in request.args.get("prompt", "").split() if p != "login"]
    if prompts:
        params.append(("prompt", " ".join(prompts)))
    return url_for("oidc.authorize") + "?" + urlencode(params)


def send_to_sign_in(fresh):
    next_url = this_request_without("prompt", "max_age")
    if fresh:
        clear_session()  # prompt=login or max_age: the person proves who they are again
    return redirect(url_for("account.sign_in", next=next_url), code=302)


def too_old(grant):
    raw = request.args.get("max_age")
    if raw is None:
        return False
    if not raw.isdigit() or len(raw) > 10:
        raise InvalidRequestError("'max_age' must be a number of seconds.", redirect_uri=grant.redirect_uri)
    return time.time() - int(session.get(AUTH_TIME_KEY) or 0) > int(raw)


def remembered(account, client, scope):
    consent = Consent.get_or_none((Consent.account == account.id) & (Consent.client == client.id))
    return consent is not None and set(scope.split()) <= set(consent.scope.split())


def remember(account, client, scope):
    with db.atomic():
        consent = Consent.get_or_none((Consent.account == account.id) & (Consent.client == client.id))
        if consent is None:
            Consent.create(account=account.id, client=client.id, scope=scope)
        else:
            consent.scope = " ".join(sorted(set(consent.scope.split()) | set(scope.split())))
            consent.save()


def issue(grant, account):
    return with_issuer(current_server().create_authorization_response(grant=grant, grant_user=account))


@bp.route("/oidc/authorize", methods=["GET", "POST"])
def authorize():
    try:
        grant = current_server().get_consent_grant(end_user=g.account)  # prompt=none: login_required
    except OAuth2Error as error:
        return error_response(error)
    except ValueError:  # Authlib would not quote a forbidden character (e.g. '"' in response_type)
        return error_page(InvalidRequestError("The request holds characters OAuth does not allow."))
    prompts = request.args.get("prompt", "").split()
    if g.account is None:
        if "none" in prompts:  # Authlib checks this for OpenID requests only
            return error_response(LoginRequiredError(), grant)
        return send_to_sign_in(fresh=False)
    client, scope = grant.client, grant.request.scope or ""
    if request.method == "POST":
        return decide(grant, client, scope)
    try:
        stale = "login" in prompts or too_old(grant)
    except OAuth2Error as error:
        return error_response(error, grant)
    if stale:
        if "none" in prompts:
            return error_response(LoginRequiredError(), grant)
        return send_to_sign_in(fresh=True)
    if "consent" not in prompts and remembered(g.account, client, scope):
        return issue(grant, g.account)
    if "none" in prompts:
        return error_response(ConsentRequiredError(), grant)
    return consent_page(client, scope)


def consent_page(client, scope, status=200):
    return render("oidc/consent.html", status=status, client=client, scopes=scope.split(), form=FlaskForm(),
                  action=request.full_path)


def decide(grant, client, scope):
    if not FlaskForm().validate():
        return consent_page(client, scope, status=400)
    if request.form.get("decision") != "allow":
        return issue(grant, None)  # access_denied, back to the client
    remember(g.account, client, scope)
    return issue(grant, g.account)
