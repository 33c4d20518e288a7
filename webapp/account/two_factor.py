"""The second sign-in step: a code e-mailed for this sign-in, or one from an authenticator app (TOTP).

Each sign-in attempt past the password gets a SignInCode row (the "challenge"): it carries the
attempt counter for both methods, so the limit holds on the server whatever the browser sends
back. For an e-mail code the row also holds an HMAC of the code; for TOTP it holds TOTP_MARKER.
"""
import base64
import hashlib
import hmac
import secrets
import time
from datetime import timedelta

import pyotp
import qrcode
import qrcode.image.svg
from flask import current_app
from flask_babel import lazy_gettext as _l

from webapp.mail.outbox import queue_email
from webapp.models import Account, SignInCode, utcnow

MODES = ("mandatory", "optional", "off")
TOTP_MARKER = "totp"
CODE_DIGITS = 6


def two_factor_mode():
    """The operator's setting; an unknown value is taken as "mandatory" (fail safe)."""
    mode = str(current_app.config.get("TWO_FACTOR", "mandatory")).strip().lower()
    return mode if mode in MODES else "mandatory"


def second_step_method(account):
    """"totp", "email" or None (the password is enough)."""
    mode = two_factor_mode()
    if mode == "off":
        return None
    if account.totp_secret:
        return "totp"
    if mode == "mandatory" or account.email_codes_enabled:
        return "email"
    return None


def code_digest(account_id, code):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{account_id}:{code}".encode(), hashlib.sha256).hexdigest()


def clean_code(code):
    """The digits typed, without the spaces or dashes people add; "" when it cannot be a code."""
    digits = "".join(c for c in (code or "") if c not in " -\u00a0")
    return digits if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit() else ""


def start_challenge(account, method):
    """A new challenge for this sign-in; older ones stop working. Call inside db.atomic()."""
    now = utcnow()
    SignInCode.update(used_at=now).where(
        (SignInCode.account == account) & SignInCode.used_at.is_null()
    ).execute()
    minutes = current_app.config["SIGN_IN_CODE_MINUTES"]
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    challenge = SignInCode.create(
        account=account,
        code_hash=code_digest(account.id, code) if method == "email" else TOTP_MARKER,
        expires_at=now + timedelta(minutes=minutes),
    )
    if method == "email":
        queue_email(
            account.email, "sign_in_code", _l("Your sign-in code"), locale=account.locale,
            account=account, code=code, minutes=minutes,
        )
    return challenge


def may_send_new_code(account):
    """False while the latest code is younger than RESEND_INTERVAL_SECONDS (per account, not session)."""
    latest = (
        SignInCode.select(SignInCode.created_at)
        .where(SignInCode.account == account)
        .order_by(SignInCode.created_at.desc())
        .first()
    )
    interval = timedelta(seconds=current_app.config["RESEND_INTERVAL_SECONDS"])
    return latest is None or utcnow() - latest.created_at >= interval


def check_code(challenge_id, account, code):
    """"ok", "wrong", "too_many" (a new code is needed) or "expired"."""
    now = utcnow()
    challenge = SignInCode.get_or_none((SignInCode.id == challenge_id) & (SignInCode.account == account))
    if challenge is None or challenge.used_at is not None or challenge.expires_at <= now:
        return "expired"
    limit = current_app.config["SIGN_IN_CODE_MAX_ATTEMPTS"]
    # Count the attempt before comparing: simultaneous guesses cannot go past the limit.
    counted = SignInCode.update(attempts=SignInCode.attempts + 1).where(
        (SignInCode.id == challenge.id) & (SignInCode.attempts < limit) & SignInCode.used_at.is_null()
    ).execute()
    if not counted:
        return "too_many"
    code = clean_code(code)
    if challenge.code_hash == TOTP_MARKER:
        right = bool(code) and accept_totp(account, code)
    else:
        right = bool(code) and hmac.compare_digest(code_digest(account.id, code), challenge.code_hash)
    if right:
        used = SignInCode.update(used_at=now).where(
            (SignInCode.id == challenge.id) & SignInCode.used_at.is_null()
        ).execute()
        return "ok" if used else "expired"
    return "too_many" if challenge.attempts + 1 >= limit else "wrong"


# --- Authenticator app ---------------------------------------------------------------------------


def new_totp_secret():
    return pyotp.random_base32()


def provisioning_uri(secret, account):
    return pyotp.TOTP(secret).provisioning_uri(
        name=account.email, issuer_name=current_app.config["PORTAL_NAME"]
    )


def qr_code_data_uri(uri):
    """The otpauth URI as an SVG QR code in a data: URI (the CSP allows img data:, nothing inline)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def matching_step(secret, code, now=None):
    """The time step whose code this is, within one step either side (valid_window=1), else None."""
    code = clean_code(code)
    if not code or not secret:
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // totp.interval)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_totp(account, code):
    """True for a right code not used before: a code seen once is refused for the rest of its window."""
    step = matching_step(account.totp_secret, code)
    if step is None:
        return False
    updated = Account.update(totp_last_step=step).where(
        (Account.id == account.id)
        & (Account.totp_last_step.is_null() | (Account.totp_last_step < step))
    ).execute()
    return updated == 1


def confirm_totp(account, secret, code):
    """Save the secret once the user proved their app produces its codes."""
    step = matching_step(secret, code)
    if step is None:
        return False
    account.totp_secret = secret
    account.totp_last_step = step
    account.save()
    return True


def disable_totp(account):
    account.totp_secret = None
    account.totp_last_step = None
    account.save()


def set_email_codes(account, enabled):
    account.email_codes_enabled = bool(enabled)
    account.save()
