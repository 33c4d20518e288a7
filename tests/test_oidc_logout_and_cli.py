"""RP-initiated logout, and the `flask oidc` commands (clients, webhooks, key rotation)."""
import base64
import json
from datetime import timedelta

from factories import add_oidc_client, csrf_in, exchange

from webapp.extensions import db
from webapp.models import utcnow
from webapp.oidc.models import OAuthClient, SigningKey, digest


def id_token(code_for, client, rp_client):
    code, _ = code_for(client, rp_client)
    return exchange(client, rp_client, code).get_json()["id_token"]


def kid_of(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "==="))["kid"]


def signed_in(client):
    return client.get("/mon-compte").status_code == 200


def test_logout_with_id_token_hint_returns_to_the_registered_uri(client, person, rp, code_for):
    hint = id_token(code_for, client, rp)
    response = client.get("/oidc/logout", query_string={
        "id_token_hint": hint, "post_logout_redirect_uri": "https://rp.example/bye", "state": "s1"})
    assert response.status_code == 302 and response.headers["Location"] == "https://rp.example/bye?state=s1"
    assert not signed_in(client)


def test_logout_never_redirects_to_an_unregistered_uri(client, person, rp, code_for):
    hint = id_token(code_for, client, rp)
    response = client.get("/oidc/logout", query_string={
        "id_token_hint": hint, "post_logout_redirect_uri": "https://evil.example/bye"})
    assert response.status_code == 200 and "Location" not in response.headers
    assert "Vous êtes déconnecté" in response.get_data(as_text=True) and not signed_in(client)


def test_logout_without_hint_asks_first_then_may_return_to_the_client(client, person, rp, auth):
    auth.sign_in()
    params = {"client_id": rp["client_id"], "post_logout_redirect_uri": "https://rp.example/bye", "state": "s2"}
    page = client.get("/oidc/logout", query_string=params)
    assert page.status_code == 200 and signed_in(client)  # a link alone signs nobody out
    assert "form-action 'self' https://rp.example" in page.headers["Content-Security-Policy"]
    assert client.post("/oidc/logout/confirm", data=params).status_code == 400  # no CSRF token
    response = client.post("/oidc/logout/confirm", data={**params, "csrf_token": csrf_in(page.get_data(as_text=True))})
    assert response.status_code == 302 and response.headers["Location"] == "https://rp.example/bye?state=s2"
    assert not signed_in(client)


def test_a_forged_id_token_hint_is_refused(client, person, rp, code_for):
    hint = id_token(code_for, client, rp)
    header, payload, signature = hint.split(".")
    for bad in (f"{header}.{payload}.{signature[:-4]}AAAA", "not-a-token", "a.b.c", '"é'):
        response = client.get("/oidc/logout", query_string={"id_token_hint": bad,
                                                           "post_logout_redirect_uri": "https://rp.example/bye"})
        assert response.status_code == 400 and "Location" not in response.headers
    assert signed_in(client)


def test_add_list_remove_clients(app, runner):
    made = add_oidc_client(runner, "Plateforme", "--redirect-uri", "https://a.example/cb",
                           "--redirect-uri", "https://b.example/cb")
    assert set(made) == {"client_id", "client_secret"} and len(made["client_secret"]) >= 43
    public = add_oidc_client(runner, "Appli", "--redirect-uri", "http://127.0.0.1:5001/callback", "--public")
    assert public["client_secret"] is None
    with app.app_context(), db.connection_context():
        stored = OAuthClient.get(OAuthClient.client_id == made["client_id"])
        assert stored.secret_hash == digest(made["client_secret"]) and made["client_secret"] not in stored.secret_hash
    listed = [json.loads(line) for line in runner.invoke(args=["oidc", "list-clients"]).output.splitlines()]
    assert [c["name"] for c in listed] == ["Plateforme", "Appli"] and listed[1]["public"] is True
    assert listed[0]["redirect_uris"] == ["https://a.example/cb", "https://b.example/cb"]
    assert "client_secret" not in json.dumps(listed)
    assert runner.invoke(args=["oidc", "remove-client", made["client_id"]]).exit_code == 0
    assert runner.invoke(args=["oidc", "remove-client", made["client_id"]]).exit_code != 0
    assert len(runner.invoke(args=["oidc", "list-clients"]).output.splitlines()) == 1


def test_add_client_refuses_bad_redirect_uris(app, runner):
    for uri in ("ftp://a.example/cb", "https://a.example/cb#frag", "https://a.example/c b", "/relative",
                "https://a.example/cb;x", "javascript:alert(1)"):
        result = runner.invoke(args=["oidc", "add-client", "X", "--redirect-uri", uri])
        assert result.exit_code != 0 and uri.split("#")[0] in result.output, uri
    assert runner.invoke(args=["oidc", "add-client", "X"]).exit_code != 0  # --redirect-uri is required
    app.config["PORTAL_ENV"] = "production"
    result = runner.invoke(args=["oidc", "add-client", "X", "--redirect-uri", "http://rp.example/cb"])
    assert result.exit_code != 0 and "use https" in result.output


def test_set_webhook_prints_a_new_secret(app, runner, rp):
    result = runner.invoke(args=["oidc", "set-webhook", rp["client_id"], "https://platform.example/hooks"])
    printed = json.loads(result.output.strip().splitlines()[-1])
    assert printed["webhook_url"] == "https://platform.example/hooks" and len(printed["webhook_secret"]) >= 43
    again = json.loads(runner.invoke(args=["oidc", "set-webhook", rp["client_id"], "https://platform.example/hooks"])
                       .output.strip().splitlines()[-1])
    assert again["webhook_secret"] != printed["webhook_secret"]
    assert runner.invoke(args=["oidc", "set-webhook", "nobody", "https://x.example"]).exit_code != 0
    assert runner.invoke(args=["oidc", "set-webhook", rp["client_id"], "file:///etc/passwd"]).exit_code != 0
    off = json.loads(runner.invoke(args=["oidc", "set-webhook", rp["client_id"], ""]).output.strip().splitlines()[-1])
    assert off == {"client_id": rp["client_id"], "webhook_url": None, "webhook_secret": None}


def test_rotated_key_stays_published_until_its_tokens_expire(app, client, runner, person, rp, code_for):
    old_token = id_token(code_for, client, rp)
    old_kid = kid_of(old_token)
    assert runner.invoke(args=["oidc", "rotate-keys"]).exit_code == 0
    kids = [k["kid"] for k in client.get("/oidc/jwks").get_json()["keys"]]
    assert len(kids) == 2 and old_kid in kids
    new_token = id_token(code_for, client, rp)
    assert kid_of(new_token) == kids[0] != old_kid
    with app.app_context(), db.connection_context():
        lifetime = app.config["OIDC_ID_TOKEN_SECONDS"]
        SigningKey.update(retired_at=utcnow() - timedelta(seconds=lifetime + 120)).where(
            SigningKey.kid == old_kid).execute()
    assert [k["kid"] for k in client.get("/oidc/jwks").get_json()["keys"]] == [kids[0]]
    assert runner.invoke(args=["oidc", "rotate-keys"]).exit_code == 0
    with app.app_context(), db.connection_context():
        assert SigningKey.select().where(SigningKey.kid == old_kid).count() == 0  # pruned
