"""Password policy and hashing, single-use e-mailed tokens."""
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

from webapp.models import AccountToken, utcnow

MIN_PASSWORD_LENGTH = 12
MIN_CHARACTER_KINDS = 3

password_hasher = PasswordHasher()
# Verifying against this when an account does not exist costs the same time as a real check.
_DUMMY_HASH = password_hasher.hash("not-a-real-password-only-for-timing")


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    met: bool


@lru_cache(maxsize=1)
def common_passwords():
    """zxcvbn's list of the 30,000 most common passwords, lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


# Digits and symbols people wrap around a common word ("!Password1234"), and the usual letter swaps.
_WRAPPING = re.compile(r"^[\d\W_]+|[\d\W_]+$")
_LEET = str.maketrans("@4310$5!7", "aaeiossit")


def is_common_password(password):
    """True for a listed password, or a listed word dressed up with digits, symbols or l33t swaps."""
    lowered = (password or "").lower()
    listed = common_passwords()
    core = _WRAPPING.sub("", lowered)
    return any(
        candidate in listed
        for candidate in (lowered, core, _WRAPPING.sub("", lowered.translate(_LEET)), core.translate(_LEET))
        if candidate
    )


def character_kinds(password):
    return {
        "upper": any(c.isupper() for c in password),
        "lower": any(c.islower() for c in password),
        "digit": any(c.isdigit() for c in password),
        "special": any(not c.isalnum() for c in password),
    }


def _personal_words(email="", names=()):
    words = set()
    local = (email or "").split("@")[0].lower()
    words.update(w for w in re.split(r"[^a-z0-9]+", local) if len(w) >= 3)
    if len(local) >= 3:
        words.add(local)
    for name in names:
        words.update(w for w in re.split(r"[\s'-]+", (name or "").lower()) if len(w) >= 3)
    return words


def password_rules(password, email="", names=()):
    """The rules of the policy, each with whether `password` meets it (drives the live checklist)."""
    password = password or ""
    kinds = character_kinds(password)
    lowered = password.lower()
    personal = _personal_words(email, names)
    return [
        Rule("length", _l("At least 12 characters"), len(password) >= MIN_PASSWORD_LENGTH),
        Rule(
            "kinds",
            _l("At least 3 kinds among upper case, lower case, digits and special characters"),
            sum(kinds.values()) >= MIN_CHARACTER_KINDS,
        ),
        Rule(
            "common",
            _l("Not a common password"),
            bool(password) and not is_common_password(password),
        ),
        Rule(
            "personal",
            _l("Does not contain your e-mail address or your name"),
            bool(password) and not any(word in lowered for word in personal),
        ),
    ]


def password_problems(password, email="", names=()):
    return [rule for rule in password_rules(password, email, names) if not rule.met]


def hash_password(password):
    return password_hasher.hash(password)


def verify_password(password_hash, password):
    """True when `password` matches; runs a full argon2 check even without a hash."""
    try:
        return password_hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def normalise_secret_answer(answer):
    return " ".join((answer or "").lower().split())


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(account, purpose, lifetime):
    """Create a single-use token; any older unused token of the same purpose stops working."""
    now = utcnow()
    AccountToken.update(used_at=now).where(
        (AccountToken.account == account)
        & (AccountToken.purpose == purpose)
        & AccountToken.used_at.is_null()
    ).execute()
    token = secrets.token_urlsafe(32)
    AccountToken.create(
        account=account,
        purpose=purpose,
        token_hash=token_digest(token),
        expires_at=now + lifetime,
    )
    return token


def find_token(token, purpose):
    """Return (AccountToken or None, state) where state is "valid", "expired", "used" or "unknown"."""
    record = AccountToken.get_or_none(
        (AccountToken.token_hash == token_digest(token or "")) & (AccountToken.purpose == purpose)
    )
    if record is None:
        return None, "unknown"
    if record.used_at is not None:
        return record, "used"
    if record.expires_at <= utcnow():
        return record, "expired"
    return record, "valid"


def consume_token(record):
    """Mark a token used; False when another request used it first."""
    updated = (
        AccountToken.update(used_at=utcnow())
        .where((AccountToken.id == record.id) & AccountToken.used_at.is_null())
        .execute()
    )
    return updated == 1


def hours(n):
    return timedelta(hours=n)
