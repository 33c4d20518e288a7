"""Password policy, argon2 hashing and single-use tokens."""
from datetime import timedelta

import pytest

from webapp.extensions import db
from webapp.models import Account, AccountToken, utcnow
from webapp.credentials import (
    consume_token,
    find_token,
    hash_password,
    issue_token,
    password_problems,
    password_rules,
    verify_password,
)


def unmet(password, email="", names=()):
    return {rule.code for rule in password_problems(password, email, names)}


def test_a_good_password_meets_every_rule():
    assert unmet("Correct-Horse-42x", "alice@example.fr", ("Alice", "Martin")) == set()
    assert [rule.met for rule in password_rules("Correct-Horse-42x")] == [True] * 4


def test_length_rule():
    assert "length" in unmet("Aa1!aaaaaaa")  # 11 characters
    assert "length" not in unmet("Aa1!aaaaaaaa")


@pytest.mark.parametrize(
    "password, ok",
    [
        ("abcdefghijklmn", False),  # lower only
        ("abcdefghijkL12", True),  # lower, upper, digits
        ("abcdefghij12!!", True),  # lower, digits, special
        ("ABCDEFGHIJKL!!", False),  # upper, special
    ],
)
def test_three_kinds_out_of_four(password, ok):
    assert ("kinds" not in unmet(password)) is ok


@pytest.mark.parametrize(
    "password",
    ["password", "Password1234!", "!Password1234", "P@ssw0rd2024!", "Azerty123456!", "Motdepasse2024"],
)
def test_common_passwords_are_refused_even_dressed_up(password):
    # zxcvbn's list holds "password", "p@ssw0rd", "azerty", "motdepasse": digits and symbols
    # wrapped around them, or letter swaps, do not make them less guessable.
    assert "common" in unmet(password)


def test_personal_words_are_refused():
    assert "personal" in unmet("Alice.Dupont-2024x", "alice.dupont@example.fr")
    assert "personal" in unmet("xyMARTIN-2024!!", "a@example.fr", ("Alice", "Martin"))
    assert "personal" not in unmet("Correct-Horse-42x", "alice@example.fr", ("Alice", "Martin"))


def test_empty_password_meets_nothing():
    assert unmet("") == {"length", "kinds", "common", "personal"}


def test_argon2_hash_and_verify():
    stored = hash_password("Correct-Horse-42x")
    assert stored.startswith("$argon2id$")
    assert "Correct-Horse-42x" not in stored
    assert verify_password(stored, "Correct-Horse-42x") is True
    assert verify_password(stored, "correct-horse-42x") is False
    assert verify_password(None, "Correct-Horse-42x") is False
    assert verify_password("", "anything") is False
    assert verify_password("not-a-hash", "anything") is False


@pytest.fixture(name="account")
def bare_account(app):
    with app.app_context(), db.connection_context():
        return Account.create(
            email="t@example.fr", first_name="T", last_name="U", contact_email="t@example.fr",
            terms_accepted_at=utcnow(),
        )


def test_token_issue_find_consume(app, account):
    with app.app_context(), db.connection_context():
        token = issue_token(account, "activation", timedelta(hours=24))
        stored = AccountToken.get()
        assert stored.token_hash != token  # only the digest is stored
        record, state = find_token(token, "activation")
        assert state == "valid" and record.account.id == account.id
        assert find_token(token, "reset") == (None, "unknown")
        assert find_token("nope", "activation") == (None, "unknown")
        assert consume_token(record) is True
        assert consume_token(record) is False  # single use
        assert find_token(token, "activation")[1] == "used"


def test_newer_token_cancels_older(app, account):
    with app.app_context(), db.connection_context():
        old = issue_token(account, "activation", timedelta(hours=24))
        new = issue_token(account, "activation", timedelta(hours=24))
        assert find_token(old, "activation")[1] == "used"
        assert find_token(new, "activation")[1] == "valid"


def test_token_expires(app, account):
    with app.app_context(), db.connection_context():
        token = issue_token(account, "activation", timedelta(hours=24))
        AccountToken.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
        assert find_token(token, "activation")[1] == "expired"
