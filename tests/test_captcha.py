import wave
from datetime import timedelta

import pytest

from webapp.captcha import service as captcha
from webapp.captcha.service import CheckResult
from webapp.extensions import db
from webapp.models import CaptchaChallenge, utcnow


@pytest.fixture
def ctx(app):
    app.config["CAPTCHA_TEST_MODE"] = False
    with app.app_context(), db.connection_context():
        yield app


def reload(challenge):
    return CaptchaChallenge.get_by_id(challenge.id)


def expire(challenge):
    CaptchaChallenge.update(expires_at=utcnow() - timedelta(seconds=1)).where(
        CaptchaChallenge.id == challenge.id
    ).execute()


def test_issue_stores_only_a_hash(ctx):
    challenge = captcha.issue_challenge()
    answer = captcha.answer_for(challenge.public_id)
    assert len(answer) == 6 and set(answer) <= set(captcha.ALPHABET)
    assert len(challenge.public_id) == 32
    row = reload(challenge)
    stored = " ".join(str(value) for value in row.__data__.values())
    assert answer not in stored
    assert row.answer_hash == captcha.answer_hash(row.public_id, answer)
    assert len(row.answer_hash) == 64
    ttl = ctx.config["CAPTCHA_TTL_SECONDS"]
    assert abs((row.expires_at - utcnow()).total_seconds() - ttl) < 5


def test_answer_depends_on_the_secret_key(ctx):
    challenge = captcha.issue_challenge()
    answer = captcha.answer_for(challenge.public_id)
    assert captcha.answer_for(challenge.public_id) == answer
    ctx.config["SECRET_KEY"] = "another-secret-key-for-this-test-only"
    assert captcha.answer_for(challenge.public_id) != answer  # 1 chance in 262,144 to collide


def test_correct_answer_solves_and_is_case_and_space_insensitive(ctx):
    challenge = captcha.issue_challenge()
    answer = captcha.answer_for(challenge.public_id)
    typed = " " + answer[:3] + " " + answer[3:].lower() + " "
    assert captcha.check_answer(challenge.public_id, typed) is CheckResult.CORRECT
    assert reload(challenge).solved_at is not None
    assert captcha.normalise(" ab c\t") == "ABC"


def test_wrong_answers_are_counted_until_the_challenge_dies(ctx):
    ctx.config["CAPTCHA_MAX_ATTEMPTS"] = 3
    challenge = captcha.issue_challenge()
    answer = captcha.answer_for(challenge.public_id)
    wrong = "".join("2" if c != "2" else "3" for c in answer)
    for _ in range(3):
        assert captcha.check_answer(challenge.public_id, wrong) is CheckResult.WRONG
    assert reload(challenge).attempts == 3
    assert captcha.check_answer(challenge.public_id, answer) is CheckResult.EXPIRED
    assert reload(challenge).solved_at is None
    assert not captcha.spend(challenge.public_id, answer)


def test_expired_and_unknown(ctx):
    challenge = captcha.issue_challenge()
    answer = captcha.answer_for(challenge.public_id)
    expire(challenge)
    assert captcha.check_answer(challenge.public_id, answer) is CheckResult.EXPIRED
    assert not captcha.spend(challenge.public_id, answer)
    assert captcha.check_answer("no-such-id", answer) is CheckResult.UNKNOWN
    assert captcha.check_answer("", answer) is CheckResult.UNKNOWN
    assert not captcha.spend("no-such-id", answer)


def test_spend_after_solving_succeeds_once(ctx):
    challenge = captcha.issue_challenge()
    assert not captcha.spend(challenge.public_id)  # not solved, no answer
    captcha.check_answer(challenge.public_id, captcha.answer_for(challenge.public_id))
    assert captcha.spend(challenge.public_id)
    assert reload(challenge).spent_at is not None
    assert not captcha.spend(challenge.public_id)
    answer = captcha.answer_for(challenge.public_id)
    assert captcha.check_answer(challenge.public_id, answer) is CheckResult.SPENT


def test_spend_with_the_answer_checks_it_now(ctx):
    challenge = captcha.issue_challenge()
    answer = captcha.answer_for(challenge.public_id)
    wrong = "".join("2" if c != "2" else "3" for c in answer)
    assert not captcha.spend(challenge.public_id, wrong)
    assert reload(challenge).attempts == 1
    assert captcha.spend(challenge.public_id, answer.lower())
    assert not captcha.spend(challenge.public_id, answer)


def test_solving_restarts_the_clock(ctx):
    challenge = captcha.issue_challenge()
    CaptchaChallenge.update(expires_at=utcnow() + timedelta(seconds=5)).where(
        CaptchaChallenge.id == challenge.id
    ).execute()
    captcha.check_answer(challenge.public_id, captcha.answer_for(challenge.public_id))
    remaining = (reload(challenge).expires_at - utcnow()).total_seconds()
    assert remaining > ctx.config["CAPTCHA_TTL_SECONDS"] - 5


def test_test_mode_accepts_passed(ctx):
    challenge = captcha.issue_challenge()
    assert captcha.check_answer(challenge.public_id, "passed") is CheckResult.WRONG
    ctx.config["CAPTCHA_TEST_MODE"] = True
    other = captcha.issue_challenge()
    assert captcha.check_answer(other.public_id, " Passed ") is CheckResult.CORRECT
    third = captcha.issue_challenge()
    assert captcha.spend(third.public_id, "PASSED")
    expired = captcha.issue_challenge()
    expire(expired)
    assert captcha.check_answer(expired.public_id, "PASSED") is CheckResult.EXPIRED


def test_renders_png_and_wav_from_the_public_id(ctx):
    challenge = captcha.issue_challenge()
    png = captcha.render_image(reload(challenge))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    wav = captcha.render_audio(reload(challenge))
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"


def test_purge_expired(ctx):
    live = captcha.issue_challenge()
    old = captcha.issue_challenge()
    used = captcha.issue_challenge()
    expire(old)
    captcha.spend(used.public_id, captcha.answer_for(used.public_id))
    assert captcha.purge_expired() == 2
    assert [c.id for c in CaptchaChallenge.select()] == [live.id]


def test_live_challenge(ctx):
    challenge = captcha.issue_challenge()
    assert captcha.live_challenge(challenge.public_id).id == challenge.id
    assert captcha.live_challenge(None) is None
    assert captcha.live_challenge("x" * 200) is None
    expire(challenge)
    assert captcha.live_challenge(challenge.public_id) is None


def test_the_audio_speaks_the_digits_in_the_page_language(app):
    french, english = captcha.audio_for("fr"), captcha.audio_for("en")
    assert sorted(french.choices) == list("0123456789")  # the portal's French recordings
    assert "A" in english.choices  # the library's English voice (letters too)
    for digit in "0123456789":
        with wave.open(str(captcha.VOICES / "fr" / digit / "espeak-fr.wav")) as recording:
            assert (recording.getframerate(), recording.getsampwidth(), recording.getnchannels()) == (8000, 1, 1)
            assert 0.1 < recording.getnframes() / 8000 < 1.0  # a spoken digit, trimmed of silence
    with app.test_request_context("/?lang=fr"):
        app.preprocess_request()
        challenge = captcha.issue_challenge()
        wav = captcha.render_audio(challenge)
        assert wav[:4] == b"RIFF"
