"""Application factory."""
from pathlib import Path

from flask import Flask, request, session
from flask_babel import get_locale
from peewee import PostgresqlDatabase
from playhouse import db_url

import config as config_module
from config import ConfigurationError  # noqa: F401  (webapp.ConfigurationError, as before)

from webapp.extensions import babel, csrf, db, htmx
from webapp.extensions import mail as mail_extension
from webapp.web.limits import init_limits
from webapp.web.url_converters import register_url_converters
from webapp.oidc import init_oidc

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides=None):
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(config_module.INSTANCE_DIR),
    )
    app.config.from_object(config_module.Config)
    app.config.update(overrides or {})
    check_production_settings(app.config)

    init_database(app)
    csrf.init_app(app)
    mail_extension.init_app(app)
    htmx.init_app(app)
    init_i18n(app)
    register_url_converters(app)  # before the blueprints: bounds every <int:...> of their routes
    register_blueprints(app)
    init_oidc(app)  # OpenID Connect provider: routes, Authlib server, `flask oidc` commands
    init_limits(app)
    register_cli(app)
    register_hooks(app)

    with app.app_context():
        create_tables()
        if app.config["SIRENE_DEMO"]:
            from webapp.register import load_demo_register, register_is_empty

            if register_is_empty():
                load_demo_register(db.obj)
    return app


def check_production_settings(cfg):
    """A known PORTAL_ENV and the defaults it implies, then production's refusals (see config.py)."""
    config_module.apply_environment(cfg)
    problems = config_module.production_problems(cfg)
    if problems:
        raise ConfigurationError(config_module.refusal_message(problems))


def open_database(url):
    """A pooled connection per worker thread: connecting (and, on SQLite, checkpointing the WAL when
    the last connection closes) on every request cost more than the request's own queries."""
    scheme, sep, rest = url.partition("://")
    if "+pool" not in scheme and scheme in ("sqlite", "postgresql", "postgres"):
        url = f"{scheme}+pool{sep}{rest}"
    options = {"max_connections": 32, "stale_timeout": 300}
    if scheme.startswith("sqlite"):
        path = rest[1:] if rest.startswith("/") else rest
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        options["pragmas"] = {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1}
        # BEGIN IMMEDIATE: a transaction that reads then writes would otherwise fail with "database is
        # locked" (SQLITE_BUSY_SNAPSHOT, which busy_timeout does not wait for) when another worker
        # wrote in between; taking the write lock up front makes concurrent writers queue instead.
        options["lock_type"] = "IMMEDIATE"
        # The pool hands a returned connection to whichever thread asks next (one at a time).
        options["check_same_thread"] = False
    return db_url.connect(url, **options)


def init_database(app):
    db.initialize(open_database(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            db.close()


def create_tables():
    from webapp.register import REGISTER_MODELS
    from webapp.account.lockout import LOCKOUT_MODELS
    from webapp.models import PORTAL_MODELS
    from webapp.signup.models import SIGNUP_MODELS
    from webapp.oidc.models import OIDC_MODELS

    with db.connection_context(), db.atomic():
        if isinstance(db.obj, PostgresqlDatabase):
            # PostgreSQL: several gunicorn workers start at once; one creates the tables, the others wait.
            db.execute_sql("SELECT pg_advisory_xact_lock(4707301)")
        db.create_tables(PORTAL_MODELS + SIGNUP_MODELS + LOCKOUT_MODELS + OIDC_MODELS + REGISTER_MODELS, safe=True)


def select_locale():
    requested = request.args.get("lang")
    languages = babel_languages()
    if requested in languages:
        session["lang"] = requested
        return requested
    if session.get("lang") in languages:
        return session["lang"]
    return "fr"


def babel_languages():
    from flask import current_app

    return current_app.config["LANGUAGES"]


def init_i18n(app):
    from webapp.i18n import compile_catalogues, url_with_language

    compile_catalogues(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["url_with_language"] = url_with_language


def register_blueprints(app):
    from webapp.account import bp as account_bp
    from webapp.captcha.views import bp as captcha_bp
    from webapp.mail.devmail import bp as devmail_bp
    from webapp.web.pages import bp as pages_bp
    from webapp.structures.new import bp as new_structure_bp
    from webapp.mail.admin import bp as outbox_admin_bp
    from webapp.signup import bp as signup_bp
    from webapp.structures.public_directory import bp as structure_directory_bp
    from webapp.structures.manage import bp as structures_bp
    from webapp.structures.workspaces import bp as workspaces_bp

    from webapp.web.health import bp as health_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(signup_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(captcha_bp)
    app.register_blueprint(new_structure_bp)
    app.register_blueprint(workspaces_bp)
    app.register_blueprint(structure_directory_bp)
    app.register_blueprint(structures_bp)
    app.register_blueprint(outbox_admin_bp)
    if app.config["DEV_MAILBOX"]:
        app.register_blueprint(devmail_bp)
    if app.config["PORTAL_ENV"] == "development":
        from webapp.styleguide import bp as styleguide_bp

        app.register_blueprint(styleguide_bp)


def register_cli(app):
    from webapp.database import init_db_command
    from webapp.register import sirene_cli
    from webapp.mail.admin import outbox_cli
    from webapp.structures.manage.cli import admin_cli, attachments_cli

    app.cli.add_command(init_db_command)
    app.cli.add_command(sirene_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(attachments_cli)
    app.cli.add_command(admin_cli)


def register_hooks(app):
    from webapp.web.request_log import init_request_logging
    from webapp.web.pages import register_error_pages
    from webapp.web.chunked_bodies import limit_chunked_bodies
    from webapp.web.headers import add_security_headers
    from webapp.web.static import init_static_assets

    from webapp.i18n import remember_language

    register_error_pages(app)
    app.before_request(remember_language)  # after the account blueprint has loaded g.account
    app.after_request(add_security_headers)
    init_static_assets(app)
    init_request_logging(app)  # registered last, so its after_request runs first and times the view
    limit_chunked_bodies(app)  # a chunked body over MAX_CONTENT_LENGTH: 413, never read truncated
    if app.config["TRUST_PROXY_COUNT"] > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["TRUST_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)
