"""Issue, render, check and spend captcha challenges (image and audio).

How the answer is kept out of the database: the answer is *derived* from the challenge's public id
with an HMAC keyed by SECRET_KEY, so any worker can re-render the image and the audio from the
public id alone, and the table holds only an HMAC of (public id + answer) and the challenge's state.
Reading the database is not enough to read the answers; reading SECRET_KEY would be, which is also
true of sessions and CSRF tokens. No rendered file and no in-process cache: every gunicorn worker
gives the same answer for the same public id.

Alphabet: digits only. The captcha library ships recorded voices for 0-9 and A-Z, but the letters
are spoken with their English names, which French users mishear (English "G" sounds like French
"J", English "E" like French "I"). The digits are spoken in the page's language: French ones
recorded once with eSpeak NG (voices/README.md), the library's English ones otherwise. 1 and 7 look alike
once the font is warped, so they are left out: 8 symbols, 6 characters, 262,144 answers, and a
challenge dies after CAPTCHA_MAX_ATTEMPTS tries.
"""
import enum
import functools
import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from pathlib import Path

from captcha.audio import AudioCaptcha
from captcha.image import ImageCaptcha
from flask import current_app, has_request_context
from flask_babel import get_locale

from webapp.models import CaptchaChallenge, utcnow

PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]+")
ALPHABET = "02345689"
ANSWER_LENGTH = 6
TEST_MODE_ANSWER = "PASSED"
IMAGE_SIZE = (240, 80)

VOICES = Path(__file__).resolve().parent / "voices"


@functools.lru_cache(maxsize=4)
def audio_for(language):
    """The digits spoken in `language` when the portal has them (voices/<language>/), else English.
    Each AudioCaptcha loads its voice files once per process, on first use."""
    folder = VOICES / language
    return AudioCaptcha(voicedir=str(folder)) if folder.is_dir() else AudioCaptcha()


class CheckResult(enum.Enum):
    CORRECT = "correct"
    WRONG = "wrong"
    EXPIRED = "expired"  # past its lifetime, or dead after too many wrong answers
    UNKNOWN = "unknown"
    SPENT = "spent"

    @property
    def ok(self):
        return self is CheckResult.CORRECT


def normalise(answer):
    return "".join((answer or "").split()).upper()


def _key(purpose):
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    # One key per purpose, so the hash stored in the database is not the answer-derivation key.
    return hmac.new(secret, b"captcha:" + purpose, hashlib.sha256).digest()


def answer_for(public_id):
    """The challenge's answer, recomputed from its public id (never stored)."""
    digest = hmac.new(_key(b"answer"), public_id.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")  # 256 bits for 18 needed: the modulo bias is nil
    chars = []
    for _ in range(ANSWER_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def answer_hash(public_id, answer):
    message = (public_id + normalise(answer)).encode()
    return hmac.new(_key(b"hash"), message, hashlib.sha256).hexdigest()


def issue_challenge():
    # Issuing is where the table grows, so it is also where dead challenges go.
    purge_expired()
    public_id = secrets.token_urlsafe(24)
    ttl = current_app.config["CAPTCHA_TTL_SECONDS"]
    return CaptchaChallenge.create(
        public_id=public_id,
        answer_hash=answer_hash(public_id, answer_for(public_id)),
        expires_at=utcnow() + timedelta(seconds=ttl),
    )


def find_challenge(public_id):
    # Issued ids are token_urlsafe: anything else (a NUL byte breaks a PostgreSQL query) is unknown.
    if not public_id or len(public_id) > 43 or not PUBLIC_ID.fullmatch(public_id):
        return None
    return CaptchaChallenge.get_or_none(CaptchaChallenge.public_id == public_id)


def is_live(challenge):
    """Can still be shown and answered: not expired, not spent, not dead of wrong answers."""
    if challenge is None or challenge.spent_at is not None or challenge.expires_at <= utcnow():
        return False
    if challenge.solved_at is None:
        return challenge.attempts < current_app.config["CAPTCHA_MAX_ATTEMPTS"]
    return True


def live_challenge(public_id):
    """The challenge if it can still be shown and answered (or spent, once solved), else None."""
    challenge = find_challenge(public_id)
    return challenge if is_live(challenge) else None


def render_image(challenge):
    width, height = IMAGE_SIZE
    return ImageCaptcha(width=width, height=height).generate(answer_for(challenge.public_id)).getvalue()


def render_audio(challenge, language=None):
    """The answer spoken in `language` (by default the request's, English outside a request)."""
    if language is None:
        language = get_locale().language if has_request_context() else "en"
    return bytes(audio_for(language).generate(answer_for(challenge.public_id)))


def _matches(challenge, answer):
    if current_app.config["CAPTCHA_TEST_MODE"] and normalise(answer) == TEST_MODE_ANSWER:
        return True
    return hmac.compare_digest(answer_hash(challenge.public_id, answer), challenge.answer_hash)


def _state(challenge):
    if challenge is None:
        return CheckResult.UNKNOWN
    if challenge.spent_at is not None:
        return CheckResult.SPENT
    if not is_live(challenge):
        return CheckResult.EXPIRED
    return None


def check_answer(public_id, answer):
    """Check an answer typed by the user; a correct one marks the challenge solved."""
    challenge = find_challenge(public_id)
    state = _state(challenge)
    if state is not None:
        return state
    if challenge.solved_at is not None:
        return CheckResult.CORRECT if _matches(challenge, answer) else CheckResult.WRONG
    # Count the attempt first, atomically, so parallel guesses cannot exceed the limit.
    max_attempts = current_app.config["CAPTCHA_MAX_ATTEMPTS"]
    counted = (
        CaptchaChallenge.update(attempts=CaptchaChallenge.attempts + 1)
        .where(
            (CaptchaChallenge.id == challenge.id)
            & (CaptchaChallenge.attempts < max_attempts)
            & CaptchaChallenge.solved_at.is_null()
        )
        .execute()
    )
    if not counted:  # another request got there first: solved it, or used the last attempt
        challenge = find_challenge(public_id)
        state = _state(challenge)
        if state is not None:
            return state
        return CheckResult.CORRECT if _matches(challenge, answer) else CheckResult.WRONG
    if not _matches(challenge, answer):
        return CheckResult.WRONG
    # Solving restarts the clock: the user still has to fill in the rest of the form.
    ttl = current_app.config["CAPTCHA_TTL_SECONDS"]
    now = utcnow()
    CaptchaChallenge.update(solved_at=now, expires_at=now + timedelta(seconds=ttl)).where(
        CaptchaChallenge.id == challenge.id
    ).execute()
    return CheckResult.CORRECT


def spend(public_id, answer=None):
    """Consume the challenge for one form submission.

    Succeeds once: if the challenge was solved beforehand (JS path), or if `answer` is correct now
    (no-JS path, the answer comes with the form).
    """
    challenge = find_challenge(public_id)
    if _state(challenge) is not None:
        return False
    if challenge.solved_at is None:
        if answer is None or check_answer(public_id, answer) is not CheckResult.CORRECT:
            return False
    spent = (
        CaptchaChallenge.update(spent_at=utcnow())
        .where(
            (CaptchaChallenge.id == challenge.id)
            & CaptchaChallenge.spent_at.is_null()
            & CaptchaChallenge.solved_at.is_null(False)
        )
        .execute()
    )
    return spent == 1


def purge_expired():
    """Delete challenges past their lifetime and those already spent. Returns how many."""
    return (
        CaptchaChallenge.delete()
        .where((CaptchaChallenge.expires_at <= utcnow()) | CaptchaChallenge.spent_at.is_null(False))
        .execute()
    )
