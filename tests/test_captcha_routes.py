import re
from datetime import timedelta

import pytest
from factories import HX, csrf

from webapp.captcha import service as captcha
from webapp.extensions import db
from webapp.models import CaptchaChallenge, utcnow


@pytest.fixture
def strict(app):
    """Real answers only: the test-mode shortcut would hide wrong-answer behaviour."""
    app.config["CAPTCHA_TEST_MODE"] = False
    return app


def issue(app):
    with app.app_context(), db.connection_context():
        challenge = captcha.issue_challenge()
        return challenge.public_id, captcha.answer_for(challenge.public_id)


def stored(app, public_id):
    with app.app_context(), db.connection_context():
        return CaptchaChallenge.get(CaptchaChallenge.public_id == public_id)


def hx_post(client, url, data):
    headers = dict(HX, **{"X-CSRFToken": csrf(client, "/")})
    return client.post(url, data=data, headers=headers)


def assert_fragment(response):
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "no-store"
    return body


def shown_id(body):
    return re.search(r'name="captcha_id" value="([^"]+)"', body).group(1)


def test_image_and_audio(client, app):
    public_id, _ = issue(app)
    image = client.get(f"/captcha/{public_id}.png")
    assert image.status_code == 200
    assert image.mimetype == "image/png"
    assert image.headers["Cache-Control"] == "no-store"
    assert image.data.startswith(b"\x89PNG")
    sound = client.get(f"/captcha/{public_id}.wav")
    assert sound.status_code == 200
    assert sound.mimetype == "audio/wav"
    assert sound.data[:4] == b"RIFF"


def test_unknown_or_expired_media_is_404(client, app):
    assert client.get("/captcha/nope.png").status_code == 404
    assert client.get("/captcha/nope.wav").status_code == 404
    public_id, _ = issue(app)
    with app.app_context(), db.connection_context():
        CaptchaChallenge.update(expires_at=utcnow() - timedelta(seconds=1)).where(
            CaptchaChallenge.public_id == public_id
        ).execute()
    assert client.get(f"/captcha/{public_id}.png").status_code == 404


def test_new_image_fragment(client):
    response = hx_post(client, "/captcha/new", {})
    assert response.status_code == 200
    body = assert_fragment(response)
    assert 'id="captcha"' in body
    public_id = shown_id(body)
    assert f"/captcha/{public_id}.png" in body
    assert f"/captcha/{public_id}.wav" in body
    assert 'id="captcha_answer"' in body and 'autocomplete="off"' in body
    assert re.search(r'<button[^>]*id="submit-signup"[^>]*disabled', body)


def test_post_without_csrf_is_refused(client):
    assert client.post("/captcha/new", headers=HX).status_code == 400


def test_validate_success(client, strict):
    public_id, answer = issue(strict)
    data = {"captcha_id": public_id, "captcha_answer": answer.lower()}
    response = hx_post(client, "/captcha/validate", data)
    assert response.status_code == 200
    body = assert_fragment(response)
    assert 'id="captcha-solved"' in body
    assert "Captcha validé" in body or "Captcha validated" in body  # before the fr catalogue
    assert 'name="captcha_answer"' not in body
    assert f'name="captcha_id" value="{public_id}"' in body
    button = re.search(r'<button[^>]*id="submit-signup"[^>]*>', body).group(0)
    assert 'hx-swap-oob="true"' in button and "disabled" not in button
    assert stored(strict, public_id).solved_at is not None


def test_validate_wrong_answer_gives_a_new_image(client, strict):
    public_id, answer = issue(strict)
    wrong = "".join("2" if c != "2" else "3" for c in answer)
    data = {"captcha_id": public_id, "captcha_answer": wrong}
    response = hx_post(client, "/captcha/validate", data)
    assert response.status_code == 422
    body = assert_fragment(response)
    assert "ne correspondent pas" in body or "do not match" in body
    assert shown_id(body) != public_id
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="captcha_answer-hint captcha_answer-error"' in body
    assert stored(strict, public_id).attempts == 1


def test_validate_expired_gives_a_new_image(client, strict):
    public_id, answer = issue(strict)
    with strict.app_context(), db.connection_context():
        CaptchaChallenge.update(expires_at=utcnow() - timedelta(seconds=1)).where(
            CaptchaChallenge.public_id == public_id
        ).execute()
    data = {"captcha_id": public_id, "captcha_answer": answer}
    response = hx_post(client, "/captcha/validate", data)
    assert response.status_code == 422
    body = assert_fragment(response)
    assert "expiré" in body or "expired" in body
    assert shown_id(body) != public_id


def test_validate_empty_answer_keeps_the_image(client, strict):
    public_id, _ = issue(strict)
    response = hx_post(client, "/captcha/validate", {"captcha_id": public_id})
    assert response.status_code == 422
    body = assert_fragment(response)
    assert shown_id(body) == public_id
    assert stored(strict, public_id).attempts == 0


def test_validate_in_test_mode(client, app):
    public_id, _ = issue(app)
    data = {"captcha_id": public_id, "captcha_answer": "passed"}
    assert hx_post(client, "/captcha/validate", data).status_code == 200


def test_plain_browser_gets_a_whole_page(client):
    response = client.post("/captcha/new", data={"csrf_token": csrf(client, "/")})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in body and 'id="captcha"' in body
    assert "hx-swap-oob" not in body
