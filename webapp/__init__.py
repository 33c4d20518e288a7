"""Application factory."""
from pathlib import Path

from flask import Flask

import config as config_module
from config import ConfigurationError  # noqa: F401  (webapp.ConfigurationError, as before)

from webapp.database import create_tables, init_database
from webapp.extensions import csrf, db, htmx
from webapp.i18n import init_i18n
from webapp.extensions import mail as mail_extension
from webapp.account.known_devices import known_device
from webapp.mail.after_response import init_after_response
from webapp.mail.delivery import init_delivery
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
    init_limits(app, known_browser=known_device)
    init_delivery(app)  # the outbox's background thread (OUTBOX_DELIVERY)
    init_after_response(app)  # work after the answer runs once it has been sent (mail/after_response.py)
    register_periodic_jobs(app)  # run by that thread
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


def register_blueprints(app):
    from webapp.account import bp as account_bp
    from webapp.captcha import bp as captcha_bp
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


def register_periodic_jobs(app):
    from webapp.account.unactivated import PURGE_EVERY_SECONDS, purge_job
    from webapp.mail.delivery import add_periodic_job

    add_periodic_job(app, "purge-unactivated-accounts", purge_job, PURGE_EVERY_SECONDS)


def register_cli(app):
    from webapp.database import init_db_command
    from webapp.register import sirene_cli
    from webapp.mail.cli import outbox_cli
    from webapp.structures.manage.cli import admin_cli, attachments_cli
    from webapp.account.cli import accounts_cli

    app.cli.add_command(init_db_command)
    app.cli.add_command(sirene_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(attachments_cli)
    app.cli.add_command(admin_cli)
    app.cli.add_command(accounts_cli)


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
