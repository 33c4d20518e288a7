"""Settings. Every value can be set from an environment variable of the same name."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    PORTAL_ENV = os.environ.get("PORTAL_ENV", "development")  # or "production"
    PORTAL_NAME = os.environ.get("PORTAL_NAME", "Portail e-facturation")
    PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    DATABASE_URL = os.environ.get(
        "DATABASE_URL", "sqlite:///" + str(INSTANCE_DIR / "portal.sqlite3")
    )

    # Flask-Mail. With no MAIL_SERVER, e-mails land in the dev mailbox page.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@portal.localhost")
    MAIL_TIMEOUT_SECONDS = env_int("MAIL_TIMEOUT_SECONDS", 10)
    OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)

    CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE")
    CAPTCHA_TTL_SECONDS = env_int("CAPTCHA_TTL_SECONDS", 600)
    CAPTCHA_MAX_ATTEMPTS = env_int("CAPTCHA_MAX_ATTEMPTS", 5)

    ACTIVATION_TOKEN_HOURS = env_int("ACTIVATION_TOKEN_HOURS", 24)
    ATTACHMENT_REMINDER_DAYS = env_int("ATTACHMENT_REMINDER_DAYS", 7)

    # Second sign-in step: "mandatory" (e-mail code, or the authenticator app once set up),
    # "optional" (only for users who turned it on in "My account") or "off".
    TWO_FACTOR = os.environ.get("TWO_FACTOR", "mandatory" if PORTAL_ENV == "production" else "optional")
    SIGN_IN_CODE_MINUTES = env_int("SIGN_IN_CODE_MINUTES", 10)
    SIGN_IN_CODE_MAX_ATTEMPTS = env_int("SIGN_IN_CODE_MAX_ATTEMPTS", 5)
    RESET_TOKEN_HOURS = env_int("RESET_TOKEN_HOURS", 1)
    RESET_MAX_ANSWER_ATTEMPTS = env_int("RESET_MAX_ANSWER_ATTEMPTS", 5)  # then the reset link dies
    # One activation link, reset link or sign-in code per address in this interval.
    RESEND_INTERVAL_SECONDS = env_int("RESEND_INTERVAL_SECONDS", 60)

    # Register (INSEE Sirene). "local" reads the table filled by `flask sirene import`.
    SIRENE_PROVIDER = os.environ.get("SIRENE_PROVIDER", "local")
    # Load the bundled demo register into an empty register table on start.
    SIRENE_DEMO = env_bool("SIRENE_DEMO", PORTAL_ENV != "production")
    # SIRENE_PROVIDER may name a fallback chain, e.g. "local,insee": the first provider that has
    # the record wins, "unknown" passes to the next one.
    INSEE_API_URL = os.environ.get("INSEE_API_URL", "https://api.insee.fr/api-sirene/3.11")
    INSEE_API_KEY = os.environ.get("INSEE_API_KEY", "")  # sent as X-INSEE-Api-Key-Integration
    SIRENE_RECHERCHE_API_URL = os.environ.get(
        "SIRENE_RECHERCHE_API_URL", "https://recherche-entreprises.api.gouv.fr"
    )
    SIRENE_TIMEOUT_SECONDS = float(os.environ.get("SIRENE_TIMEOUT_SECONDS") or 4)  # connect + read
    SIRENE_CACHE_SIZE = env_int("SIRENE_CACHE_SIZE", 1024)  # API answers kept; 0: no cache
    SIRENE_CACHE_TTL_SECONDS = env_int("SIRENE_CACHE_TTL_SECONDS", 3600)
    SIRENE_CACHE_NEGATIVE_TTL_SECONDS = env_int("SIRENE_CACHE_NEGATIVE_TTL_SECONDS", 60)

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "webapp" / "translations")
    LANGUAGES = ("fr", "en")

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = PORTAL_ENV == "production"
    TEMPLATES_AUTO_RELOAD = PORTAL_ENV != "production"

    # Rate limits (webapp/limits.py). Counters in memory per process by default; with several
    # workers or machines use Redis: RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "portal")
    RATELIMIT_HEADERS_ENABLED = True
    # Each limit: Flask-Limiter notation, e.g. RATELIMIT_SIGN_IN="30/minute;300/hour".
    # Each limit can be set from the environment too (names and defaults: DEFAULT_LIMITS in limits.py).

    # Sign-in lockout per account (webapp/account/lockout.py): after LOCKOUT_DELAY_AFTER failures
    # each attempt waits (1 s, 2 s, 4 s ... at most LOCKOUT_MAX_DELAY_SECONDS); after
    # LOCKOUT_THRESHOLD failures within LOCKOUT_WINDOW_SECONDS the account is locked for
    # LOCKOUT_SECONDS (short: an attacker must not keep the owner out), and the owner is e-mailed.
    LOCKOUT_DELAY_AFTER = env_int("LOCKOUT_DELAY_AFTER", 3)
    LOCKOUT_MAX_DELAY_SECONDS = env_int("LOCKOUT_MAX_DELAY_SECONDS", 4)
    LOCKOUT_THRESHOLD = env_int("LOCKOUT_THRESHOLD", 10)
    LOCKOUT_WINDOW_SECONDS = env_int("LOCKOUT_WINDOW_SECONDS", 900)
    LOCKOUT_SECONDS = env_int("LOCKOUT_SECONDS", 300)

    # Largest request body accepted (a 413 page above it). The sign-up form is a few kilobytes.
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 256 * 1024)
    MAX_FORM_MEMORY_SIZE = env_int("MAX_FORM_MEMORY_SIZE", 256 * 1024)

    # `flask outbox work`: seconds between passes over the outbox when it is empty.
    OUTBOX_WORKER_INTERVAL = float(os.environ.get("OUTBOX_WORKER_INTERVAL") or 5)

    # --- Operations and front-end delivery (issue 6) ---
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (ProxyFix).
    # 0 (default): none, the headers are ignored; 1 behind one nginx on the same machine.
    TRUST_PROXY_COUNT = env_int("TRUST_PROXY_COUNT", 0)
    # Static files carry ?v=<content hash> in their URLs: browsers may keep them this long (seconds).
    STATIC_MAX_AGE = env_int("STATIC_MAX_AGE", 31536000)
    # gzip text responses above COMPRESS_MIN_BYTES when the client accepts it (0 when the proxy does).
    COMPRESS_RESPONSES = env_bool("COMPRESS_RESPONSES", True)
    COMPRESS_MIN_BYTES = env_int("COMPRESS_MIN_BYTES", 500)
    # One JSON line per request on stderr (logger "portal.access").
    REQUEST_LOG = env_bool("REQUEST_LOG", True)
    # Rebranding without touching templates: a logo and one extra stylesheet overriding the design
    # tokens (see static/css/brand.css). Both URLs may be absolute or relative to the site.
    PORTAL_LOGO_URL = os.environ.get("PORTAL_LOGO_URL", "")
    PORTAL_BRAND_CSS_URL = os.environ.get("PORTAL_BRAND_CSS_URL", "")

    # --- OpenID Connect provider (webapp/oidc/, issue 13) ---
    OIDC_CODE_SECONDS = env_int("OIDC_CODE_SECONDS", 60)  # an authorization code works once, this long
    OIDC_ACCESS_TOKEN_SECONDS = env_int("OIDC_ACCESS_TOKEN_SECONDS", 600)
    OIDC_ID_TOKEN_SECONDS = env_int("OIDC_ID_TOKEN_SECONDS", 600)
    OIDC_REFRESH_TOKEN_DAYS = env_int("OIDC_REFRESH_TOKEN_DAYS", 30)  # rotated at each use
    OIDC_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("OIDC_WEBHOOK_TIMEOUT_SECONDS") or 5)
