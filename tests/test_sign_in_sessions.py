"""Server-side sessions: signing out ends a copied cookie too; idle and absolute lifetimes; password
changes end the other sessions; at most one write a minute."""
from datetime import timedelta

from factories import NEW_PASSWORD, PASSWORD, account, csrf

from webapp.extensions import db
from webapp.models import Account, SignInSession, utcnow


def sessions(app):
    with app.app_context(), db.connection_context():
        return list(SignInSession.select().order_by(SignInSession.id))


def age_sessions(app, **moments):
    """Move the stored timestamps into the past, as if that much time had gone by."""
    with app.app_context(), db.connection_context():
        SignInSession.update({getattr(SignInSession, name): utcnow() - delta for name, delta in moments.items()}).execute()


def copy_cookie(source, target):
    target.set_cookie("session", source.get_cookie("session").value)


def signed_in(client):
    return client.get("/mon-compte").status_code == 200


def test_a_cookie_copied_before_sign_out_opens_nothing_after(app, client, active_alice, auth):
    assert auth.sign_in().status_code == 303
    thief = app.test_client()
    copy_cookie(client, thief)
    assert signed_in(thief)  # the copy works while the session lives
    assert auth.sign_out().status_code == 303
    response = thief.get("/mon-compte")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    [row] = sessions(app)
    assert row.revoked_at is not None
    assert not signed_in(client)


def test_the_cookie_carries_a_token_whose_hash_only_is_stored(app, client, active_alice, auth):
    auth.sign_in()
    with client.session_transaction() as session:
        token = session["sign_in_session"]
        assert "account_id" not in session and "session_version" not in session
    [row] = sessions(app)
    assert len(token) >= 40 and token not in row.token_hash and len(row.token_hash) == 64
    assert row.account_id == account(app).id and row.revoked_at is None


def test_a_session_idle_too_long_ends_and_next_is_kept(app, client, active_alice, auth):
    auth.sign_in()
    age_sessions(app, last_seen_at=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"], seconds=1))
    response = client.get("/mon-compte/coordonnees")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion?next=/mon-compte/coordonnees"
    page = client.get(response.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "You were signed out after 30 minutes without activity. Sign in again to go on." in page
    assert 'name="next" type="hidden" value="/mon-compte/coordonnees"' in page
    assert sessions(app)[0].revoked_at is not None
    response = auth.sign_in(next="/mon-compte/coordonnees")
    assert response.headers["Location"] == "/mon-compte/coordonnees" and signed_in(client)


def test_a_session_used_within_the_idle_limit_lives_on(app, client, active_alice, auth):
    auth.sign_in()
    age_sessions(app, last_seen_at=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1))
    assert signed_in(client)
    [row] = sessions(app)
    assert utcnow() - row.last_seen_at < timedelta(seconds=5)  # the activity moved the idle clock


def test_a_session_ends_at_its_absolute_lifetime_even_when_active(app, client, active_alice, auth):
    auth.sign_in()
    age_sessions(app, created_at=timedelta(hours=app.config["SESSION_MAX_HOURS"], seconds=1),
                 last_seen_at=timedelta(seconds=10))
    response = client.get("/mon-compte?lang=en")
    assert response.status_code == 302 and "next=/mon-compte" in response.headers["Location"]
    page = client.get("/connexion?lang=en").get_data(as_text=True)
    assert "Your session has reached its maximum length of 12 hours. Sign in again to go on." in page


def test_the_lifetimes_are_settings(app, client, active_alice, auth):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=1)
    auth.sign_in()
    age_sessions(app, last_seen_at=timedelta(minutes=6))
    assert not signed_in(client)
    assert "after 5 minutes without activity" in client.get("/connexion?lang=en").get_data(as_text=True)
    auth.sign_in()
    age_sessions(app, created_at=timedelta(minutes=61))
    assert not signed_in(client)
    assert "maximum length of 1 hour." in client.get("/connexion?lang=en").get_data(as_text=True)


def test_last_seen_is_written_at_most_once_a_minute(app, client, active_alice, auth):
    auth.sign_in()
    age_sessions(app, last_seen_at=timedelta(seconds=30))
    before = sessions(app)[0].last_seen_at
    for _ in range(3):
        assert signed_in(client)
    assert sessions(app)[0].last_seen_at == before  # under a minute: no write
    age_sessions(app, last_seen_at=timedelta(seconds=61))
    assert signed_in(client)
    assert utcnow() - sessions(app)[0].last_seen_at < timedelta(seconds=5)


def test_a_password_change_ends_the_other_sessions_only(app, client, active_alice, outbox, auth):
    auth.sign_in()
    other = app.test_client()
    auth.sign_in(client=other)
    token = csrf(client, "/mon-compte")
    response = client.post("/mon-compte/mot-de-passe", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    assert signed_in(client) and not signed_in(other)
    assert [row.revoked_at is None for row in sessions(app)] == [True, False]


def test_a_cookie_in_another_browser_is_refused_without_ending_the_owners_session(app, client, active_alice, auth):
    auth.sign_in()
    thief = app.test_client()
    copy_cookie(client, thief)
    thief.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (elsewhere)"
    assert not signed_in(thief)
    assert signed_in(client)


def test_an_unknown_or_forged_token_is_not_signed_in(app, client, active_alice):
    for token in ("x" * 43, "", "y" * 5000, 12):
        with client.session_transaction() as session:
            session["sign_in_session"] = token
        assert not signed_in(client)


def test_signing_in_clears_the_accounts_ended_sessions(app, client, active_alice, auth):
    for _ in range(3):
        auth.sign_in()
        auth.sign_out()
    auth.sign_in()
    assert [row.revoked_at for row in sessions(app)] == [None]


def test_signing_in_again_ends_the_browsers_previous_session(app, client, active_alice, auth):
    auth.sign_in()
    before = app.test_client()
    copy_cookie(client, before)
    auth.sign_in()
    assert signed_in(client) and not signed_in(before)
    assert [row.revoked_at for row in sessions(app)] == [None]  # the ended one was cleared at sign-in


def test_a_new_sign_in_stopped_at_the_second_step_still_ends_the_previous_session(app, client, active_alice, auth):
    auth.sign_in()
    before = app.test_client()
    copy_cookie(client, before)
    app.config["TWO_FACTOR"] = "mandatory"
    assert auth.sign_in().headers["Location"] == "/connexion/code"
    assert not signed_in(before) and not signed_in(client)
    assert sessions(app)[0].revoked_at is not None


def test_a_deleted_account_takes_its_sessions_along(app, client, active_alice, auth):
    auth.sign_in()
    with app.app_context(), db.connection_context():
        Account.delete().where(Account.email == "alice@example.fr").execute()
        assert SignInSession.select().count() == 0
    assert not signed_in(client)


def test_an_htmx_request_after_the_session_ended_sends_the_whole_page_to_sign_in(app, client, active_alice, auth):
    auth.sign_in()
    age_sessions(app, last_seen_at=timedelta(hours=1))
    response = client.post("/mon-compte/mot-de-passe/regles", data={"password": "x"}, headers={
        "HX-Request": "true", "HX-Current-URL": "http://localhost/mon-compte/mot-de-passe?lang=en",
        "X-CSRFToken": csrf(client)})
    assert response.status_code == 401 and response.get_data() == b""
    assert response.headers["HX-Redirect"] == "/connexion?next=/mon-compte/mot-de-passe?lang%3Den"
