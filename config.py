"""Settings. Every value can be set from an environment variable of the same name."""
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"

# The only modes. Every mode other than explicit development is production: an unset PORTAL_ENV is
# production, and any other spelling ("Production", "prod", "staging") refuses to start.
ENVIRONMENTS = ("development", "production")

# Settings whose default follows PORTAL_ENV: they are None in Config when their variable is unset, and
# apply_environment() fills them in after the app's overrides, so an override of PORTAL_ENV moves them too.
ENVIRONMENT_DEFAULTS = {
    "development": {
        "TWO_FACTOR": "optional",
        "SIRENE_DEMO": True,
        "DEV_MAILBOX": True,
        "SESSION_COOKIE_SECURE": False,
        "TEMPLATES_AUTO_RELOAD": True,
        "RATELIMIT_STORAGE_URI": "memory://",
    },
    # No RATELIMIT_STORAGE_URI default in production: the operator chooses Redis, or memory:// for one worker.
    "production": {
        "TWO_FACTOR": "mandatory",
        "SIRENE_DEMO": False,
        "DEV_MAILBOX": False,
        "SESSION_COOKIE_SECURE": True,
        "TEMPLATES_AUTO_RELOAD": False,
    },
}


class ConfigurationError(RuntimeError):
    """The app refuses to start with settings that are unknown or unsafe."""


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_bool_or_none(name):
    """None when the variable is unset or empty (its default then follows PORTAL_ENV)."""
    return env_bool(name) if os.environ.get(name, "").strip() else None


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    PORTAL_ENV = os.environ.get("PORTAL_ENV") or "production"  # or exactly "development"
    PORTAL_NAME = os.environ.get("PORTAL_NAME", "Portail e-facturation")
    PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")
    # Who runs this portal, shown in the footer's pages (legal notice, personal data, accessibility,
    # help; webapp/web/pages.py). Empty values fall back as said there: the operator is PORTAL_NAME,
    # the host is the operator, the data-protection address is SUPPORT_EMAIL.
    OPERATOR_NAME = os.environ.get("OPERATOR_NAME", "")
    OPERATOR_ADDRESS = os.environ.get("OPERATOR_ADDRESS", "")
    SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "support@portal.localhost")
    SUPPORT_PHONE = os.environ.get("SUPPORT_PHONE", "")
    DATA_PROTECTION_EMAIL = os.environ.get("DATA_PROTECTION_EMAIL", "")
    HOSTING_PROVIDER = os.environ.get("HOSTING_PROVIDER", "")
    # not_audited (the default: no accessibility audit yet), partial or full (after an audit).
    ACCESSIBILITY_STATUS = os.environ.get("ACCESSIBILITY_STATUS", "not_audited")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    DATABASE_URL = os.environ.get(
        "DATABASE_URL", "sqlite:///" + str(INSTANCE_DIR / "portal.sqlite3")
    )

    # Flask-Mail. With no MAIL_SERVER, e-mails land in the dev mailbox page.
    # The development mailbox (/dev/mailbox/, loopback clients only): on in development, refused in production.
    DEV_MAILBOX = env_bool_or_none("DEV_MAILBOX")
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
    # Default: "mandatory" in production, "optional" in development.
    TWO_FACTOR = os.environ.get("TWO_FACTOR") or None
    SIGN_IN_CODE_MINUTES = env_int("SIGN_IN_CODE_MINUTES", 10)
    SIGN_IN_CODE_MAX_ATTEMPTS = env_int("SIGN_IN_CODE_MAX_ATTEMPTS", 5)
    RESET_TOKEN_HOURS = env_int("RESET_TOKEN_HOURS", 1)
    RESET_MAX_ANSWER_ATTEMPTS = env_int("RESET_MAX_ANSWER_ATTEMPTS", 5)  # then the reset link dies
    # One activation link, reset link or sign-in code per address in this interval.
    RESEND_INTERVAL_SECONDS = env_int("RESEND_INTERVAL_SECONDS", 60)

    # Register (INSEE Sirene). "local" reads the table filled by `flask sirene import`.
    SIRENE_PROVIDER = os.environ.get("SIRENE_PROVIDER", "local")
    # Load the bundled demo register into an empty register table on start (default: development only).
    SIRENE_DEMO = env_bool_or_none("SIRENE_DEMO")
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
    # Dates and times are stored in UTC and shown in this zone, named beside them ("heure : France").
    PORTAL_TIMEZONE = os.environ.get("PORTAL_TIMEZONE") or "Europe/Paris"
    BABEL_DEFAULT_TIMEZONE = PORTAL_TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "webapp" / "translations")
    LANGUAGES = ("fr", "en")

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None  # True in production (ENVIRONMENT_DEFAULTS)
    TEMPLATES_AUTO_RELOAD = None  # True in development

    # Rate limits (webapp/web/limits.py). Development counts in memory per process; production must say
    # where: RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (shared by every worker and machine), or
    # memory:// to acknowledge a single worker (gunicorn.conf.py refuses memory:// with several).
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or None
    # Redis unreachable: count in this worker's memory until it answers again, rather than a 500 on
    # every limited page (sign-in included).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = env_bool("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
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

    # Who sends the outbox (webapp/mail/delivery.py): "background" (a thread in each web process, the
    # default), "worker" (only a separate `flask outbox work`), "inline" (in the request; tests only,
    # refused in production: a silent SMTP server would hold the web worker).
    OUTBOX_DELIVERY = os.environ.get("OUTBOX_DELIVERY") or "background"
    # Seconds between passes over the outbox when it is empty (background thread and `flask outbox work`).
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

    # --- Limits counted in the database (webapp/quotas.py); 0 turns a limit off ---
    # Invitations sent in the last 24 hours: by one manager, by one structure's managers, and to one
    # address across every structure. A pending invitation is sent again (with a new link, the old
    # one dies) only INVITATION_RESEND_HOURS after it went out; before that it can be cancelled.
    INVITATIONS_PER_ACCOUNT_PER_DAY = env_int("INVITATIONS_PER_ACCOUNT_PER_DAY", 20)
    INVITATIONS_PER_STRUCTURE_PER_DAY = env_int("INVITATIONS_PER_STRUCTURE_PER_DAY", 50)
    INVITATIONS_PER_ADDRESS_PER_DAY = env_int("INVITATIONS_PER_ADDRESS_PER_DAY", 3)
    INVITATION_RESEND_HOURS = env_int("INVITATION_RESEND_HOURS", 24)
    # A signed-in account: the structures it may be principal manager of, structures it may create per
    # hour, attachment requests it may have awaiting a decision, and requests it may file per hour.
    MAX_STRUCTURES_PER_ACCOUNT = env_int("MAX_STRUCTURES_PER_ACCOUNT", 20)
    STRUCTURE_CREATIONS_PER_HOUR = env_int("STRUCTURE_CREATIONS_PER_HOUR", 10)
    MAX_PENDING_ATTACHMENT_REQUESTS = env_int("MAX_PENDING_ATTACHMENT_REQUESTS", 10)
    ATTACHMENT_REQUESTS_PER_HOUR = env_int("ATTACHMENT_REQUESTS_PER_HOUR", 10)

    # --- Sessions and known browsers (issue 9) ---
    # A signed-in session is a row in the database (webapp/account/sign_in_sessions.py): signing out,
    # a password change or a reset revokes it. It also ends after SESSION_IDLE_MINUTES without a
    # request, and SESSION_MAX_HOURS after the sign-in whatever happens; then the person signs in again.
    SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
    SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
    # A browser that completed a sign-in is "known" (not locked out by failures from elsewhere) for
    # this many days after its last sign-in; a password reset or change forgets the others.
    KNOWN_DEVICE_DAYS = env_int("KNOWN_DEVICE_DAYS", 30)

    # --- OpenID Connect provider (webapp/oidc/, issue 13) ---
    OIDC_CODE_SECONDS = env_int("OIDC_CODE_SECONDS", 60)  # an authorization code works once, this long
    OIDC_ACCESS_TOKEN_SECONDS = env_int("OIDC_ACCESS_TOKEN_SECONDS", 600)
    OIDC_ID_TOKEN_SECONDS = env_int("OIDC_ID_TOKEN_SECONDS", 600)
    OIDC_REFRESH_TOKEN_DAYS = env_int("OIDC_REFRESH_TOKEN_DAYS", 30)  # rotated at each use
    OIDC_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("OIDC_WEBHOOK_TIMEOUT_SECONDS") or 5)


OUTBOX_DELIVERY_MODES = ("background", "worker", "inline")


def apply_environment(cfg):
    """Refuse an unknown PORTAL_ENV, then fill in the settings whose default follows it (left None)."""
    mode = cfg.get("PORTAL_ENV")
    if mode not in ENVIRONMENTS:
        raise ConfigurationError(
            f"PORTAL_ENV={mode!r} is not a known mode: set it to exactly 'production' (also the default "
            "when PORTAL_ENV is unset), or to 'development' on a developer's machine"
        )
    for name, value in ENVIRONMENT_DEFAULTS[mode].items():
        if cfg.get(name) is None:
            cfg[name] = value
    try:
        ZoneInfo(cfg.get("PORTAL_TIMEZONE") or "")
    except (ValueError, ZoneInfoNotFoundError):
        raise ConfigurationError(
            f"PORTAL_TIMEZONE={cfg.get('PORTAL_TIMEZONE')!r} is not a time zone: use an IANA name such as Europe/Paris"
        ) from None
    cfg["BABEL_DEFAULT_TIMEZONE"] = cfg["PORTAL_TIMEZONE"]
    if cfg.get("OUTBOX_DELIVERY") not in OUTBOX_DELIVERY_MODES:
        raise ConfigurationError(
            f"OUTBOX_DELIVERY={cfg.get('OUTBOX_DELIVERY')!r} is not a known mode: set it to 'background' (the "
            "default), 'worker' (a separate `flask outbox work` sends) or, in tests, 'inline'"
        )


def production_problems(cfg):
    """What makes these settings unsafe in production (empty outside production)."""
    if cfg.get("PORTAL_ENV") != "production":
        return []
    problems = []
    key = cfg.get("SECRET_KEY") or ""
    if key == DEFAULT_SECRET_KEY or len(key) < 32:
        problems.append("SECRET_KEY must be set to a random value of 32+ characters")
    if cfg.get("CAPTCHA_TEST_MODE"):
        problems.append("CAPTCHA_TEST_MODE must be off")
    if not cfg.get("MAIL_SERVER"):
        problems.append("MAIL_SERVER must be set (there is no development mailbox in production)")
    if cfg.get("OUTBOX_DELIVERY") == "inline":
        problems.append("OUTBOX_DELIVERY must be 'background' or 'worker' (inline delivery makes a web worker "
                        "wait on the SMTP server)")
    if cfg.get("DEV_MAILBOX"):
        problems.append("DEV_MAILBOX must be off (the development mailbox shows every e-mail, links included)")
    if cfg.get("RATELIMIT_ENABLED") and not cfg.get("RATELIMIT_STORAGE_URI"):
        problems.append("RATELIMIT_STORAGE_URI must be set: redis://127.0.0.1:6379/0 shares the counters "
                        "between workers; memory:// is for a single worker")
    return problems


def refusal_message(problems):
    return ("Refusing to start in production (PORTAL_ENV=production, the default when it is unset; on a "
            "developer's machine set PORTAL_ENV=development, as scripts/start does): " + "; ".join(problems))


def several_workers_problem(workers, cfg=None):
    """For gunicorn.conf.py: with memory:// each worker counts the rate limits alone, so N workers let
    N times the limit through. None when the settings are fine for this many workers."""
    cfg = vars(Config) if cfg is None else cfg
    if cfg.get("PORTAL_ENV") != "production" or not cfg.get("RATELIMIT_ENABLED") or workers <= 1:
        return None
    storage = cfg.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not storage.startswith("memory://"):
        return None
    return (f"Refusing to start {workers} workers with rate-limit counters in memory: each worker would count "
            "alone. Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (shared storage), or GUNICORN_WORKERS=1.")
