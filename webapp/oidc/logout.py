"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) on Authlib's EndSessionEndpoint.

With a valid id_token_hint for the person signed in, the portal signs them out at once and returns
to the post_logout_redirect_uri (matched exactly against the client's registered ones). Without one,
or for someone else's token, it asks first: a link alone must not sign a person out.
"""
from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InvalidRequestError
from flask import g, request
from flask_wtf import FlaskForm

from webapp.extensions import csrf
from webapp.web.rendering import render
from webapp.oidc import bp
from webapp.oidc.authorize import error_page
from webapp.oidc.claims import sub_for
from webapp.oidc.server import current_server

PASSED_ON = ("id_token_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales")


def validated():
    try:
        return current_server().validate_endpoint_request("end_session"), None
    except OAuth2Error as error:
        return None, error_page(error)
    except ValueError:  # a token error description Authlib would not quote
        return None, error_page(InvalidRequestError("The id_token_hint is not valid."))


def finish(end_session_request):
    response = current_server().create_endpoint_response("end_session", end_session_request)
    return response or render("oidc/logged_out.html")


@bp.route("/oidc/logout", methods=["GET", "POST"])
@csrf.exempt  # relying parties may POST here; this view changes nothing without a valid hint
def end_session():
    end_session_request, error = validated()
    if error is not None:
        return error
    claims = end_session_request.id_token_claims
    someone_else = g.account is not None and claims is not None and claims.get("sub") != sub_for(g.account)
    if g.account is not None and (end_session_request.needs_confirmation or someone_else):
        fields = {name: request.values[name] for name in PASSED_ON if request.values.get(name)}
        return render("oidc/logout_confirm.html", form=FlaskForm(), fields=fields,
                      client=end_session_request.client)
    return finish(end_session_request)


@bp.post("/oidc/logout/confirm")
def confirm_logout():
    end_session_request, error = validated()
    if error is not None:
        return error
    if not FlaskForm().validate():
        return error_page(InvalidRequestError("The confirmation form has expired: try again."))
    if end_session_request.redirect_uri is None and end_session_request.client is not None:
        # The person confirmed: a post_logout_redirect_uri registered for the named client is legitimate.
        uri = request.values.get("post_logout_redirect_uri")
        if uri and uri in end_session_request.client.logout_uris:
            state = request.values.get("state")
            end_session_request.redirect_uri = add_params_to_uri(uri, {"state": state}) if state else uri
    return finish(end_session_request)
