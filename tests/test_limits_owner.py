"""Per-address limits never keep the owner out: an attacker's wrong sign-ins, reset requests, activation
resends or sign-ups for an address, from other clients, leave the owner's own requests answered."""
import time
from datetime import timedelta

import pytest
from factories import NEW_PASSWORD, WRONG_PASSWORD, csrf, forgot, from_ip, open_page, reset, reset_path, signup_data

from webapp.account.lockout import SignInFailure
from webapp.extensions import db
from webapp.models import utcnow


@pytest.fixture
def limits():
    """Limits of this test (the defaults of limits.py otherwise); a test overrides it by parametrizing."""
    return {}


@pytest.fixture
def app_config(app_config, limits):
    return dict(app_config, RATELIMIT_ENABLED=True, TWO_FACTOR="off", **limits)


def let_lockout_pass(app, lock=True):
    """Move the database lockout's waits (and its short lock) into the past, as if they had ended."""
    past = utcnow() - timedelta(seconds=1)
    moments = {SignInFailure.next_attempt_at: past}
    if lock:
        moments[SignInFailure.locked_until] = past
    with app.app_context(), db.connection_context():
        SignInFailure.update(moments).execute()


def owners_browser(app, auth):
    """The owner signs in once from this browser (it gets the known-device cookie), then signs out."""
    browser = from_ip(app, "10.9.1.1")
    assert auth.sign_in(client=browser).status_code == 303
    auth.sign_out(client=browser)
    return browser


@pytest.fixture
def limiter_clock(monkeypatch):
    """The clock of the in-memory limit counters, to move forward as if the attacker had waited."""
    import limits.storage.memory

    class Clock:
        offset = 0.0

        def time(self):
            return time.time() + self.offset

        def advance(self, seconds):
            self.offset += seconds

    clock = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    return clock


def test_44_wrong_sign_ins_from_elsewhere_leave_the_owner_signing_in(app, active_alice, limiter_clock, auth):
    browser = owners_browser(app, auth)
    attacker = from_ip(app, "10.9.0.1")
    codes = []
    for _ in range(44):  # as reported: one client, the default limits, each wait of the lockout waited out
        codes.append(auth.sign_in(password=WRONG_PASSWORD, client=attacker).status_code)
        let_lockout_pass(app)
    assert codes[:10] == [422] * 10 and codes[-1] == 429  # the attacker is stopped...
    assert auth.sign_in(client=browser).status_code == 303  # ...the owner's browser is not
    # A new browser meets the limit, for its window (a minute) at most: never a lock for good.
    newcomer = from_ip(app, "10.9.2.1")
    refused = auth.sign_in(client=newcomer)
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 60
    limiter_clock.advance(wait + 1)
    let_lockout_pass(app)  # the database's lock is short too (LOCKOUT_SECONDS)
    assert auth.sign_in(client=newcomer).status_code == 303


@pytest.mark.parametrize("limits", [{"RATELIMIT_SIGN_IN": "3/minute", "RATELIMIT_SIGN_IN_ACCOUNT": "3/minute"}])
def test_right_passwords_are_not_counted(app, active_alice, auth):
    office = from_ip(app, "10.9.3.1")  # colleagues behind one address, all signing in right
    assert [auth.sign_in(client=office).status_code for _ in range(5)] == [303] * 5


@pytest.mark.parametrize("limits", [{"RATELIMIT_SIGN_IN_ACCOUNT": "3/minute", "LOCKOUT_DELAY_AFTER": 50,
                                     "LOCKOUT_THRESHOLD": 50}])
def test_wrong_passwords_from_anywhere_count_for_the_address_but_not_for_the_owners_browser(app, active_alice, auth):
    browser = owners_browser(app, auth)
    codes = [auth.sign_in(password=WRONG_PASSWORD, client=from_ip(app, f"10.9.4.{i}")).status_code for i in range(4)]
    assert codes == [422, 422, 422, 429]
    assert auth.sign_in(client=from_ip(app, "10.9.4.9")).status_code == 429
    # The owner's browser is told what is wrong.
    assert auth.sign_in(password=WRONG_PASSWORD, client=browser).status_code == 422
    assert auth.sign_in(client=browser).status_code == 303


def answered(response):
    """Close the response as the WSGI server does once it has left: the deferred look-up and e-mail run."""
    response.close()
    return response


def test_reset_requests_from_elsewhere_never_refuse_the_owner(app, active_alice, outbox):
    assert [forgot(from_ip(app, f"10.9.5.{i}"), "alice@example.fr").status_code for i in range(8)] == [303] * 8
    assert forgot(from_ip(app, "10.9.5.99"), "alice@example.fr").status_code == 303
    resets = [m for m in outbox() if m.kind == "password_reset"]
    # The database allows one link per RESEND_INTERVAL_SECONDS: it went to the owner, who can use it.
    assert len(resets) == 1 and resets[0].recipient == "alice@example.fr"


def test_a_reset_makes_the_owners_new_browser_known_while_an_attack_goes_on(app, active_alice, outbox, auth):
    attacker = from_ip(app, "10.9.5.1")
    for _ in range(12):  # past the database's lock threshold and the per-address limit
        auth.sign_in(password=WRONG_PASSWORD, client=attacker)
        let_lockout_pass(app, lock=False)
    newcomer = from_ip(app, "10.9.5.2")
    assert auth.sign_in(client=newcomer).status_code == 429
    assert forgot(newcomer, "alice@example.fr").status_code == 303
    [message] = [m for m in outbox() if m.kind == "password_reset"]
    assert reset(newcomer, reset_path(message)).status_code == 303
    assert auth.sign_in(password=NEW_PASSWORD, client=newcomer).status_code == 303
    # The lock and the limit still hold for others.
    assert auth.sign_in(password=NEW_PASSWORD, client=from_ip(app, "10.9.5.3")).status_code == 429


def resend(client, email="alice@example.fr"):
    return answered(client.post("/inscription/nouveau-lien", data={"email": email, "csrf_token": csrf(client)}))


def sign_up(client, email="alice@example.fr"):
    token, captcha_id = open_page(client)
    data = signup_data(login_email=email, login_email_confirm=email)
    return answered(client.post("/inscription", data=dict(data, csrf_token=token, captcha_id=captcha_id)))


def test_activation_resends_from_elsewhere_never_refuse_the_owner(app, outbox):
    assert sign_up(from_ip(app, "10.9.6.1")).status_code == 303  # a held sign-up, its link e-mailed
    assert [resend(from_ip(app, f"10.9.6.{i}")).status_code for i in range(10, 18)] == [303] * 8
    assert resend(from_ip(app, "10.9.6.99")).status_code == 303
    links = [m for m in outbox() if m.kind == "activation_link"]
    assert len(links) == 1 and links[0].recipient == "alice@example.fr"  # the interval still holds


def test_sign_ups_with_the_owners_address_never_refuse_the_owner(app):
    assert [sign_up(from_ip(app, f"10.9.7.{i}")).status_code for i in range(7)] == [303] * 7
    assert sign_up(from_ip(app, "10.9.7.99")).status_code == 303
