"""VendorRisk: vet and supervise the partner firms that handle your clients' data."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from vendorrisk import config as settings
from vendorrisk import db
from vendorrisk.audit.chain import forget_rolled_back_entries

PROJECT_ROOT = Path(__file__).resolve().parent.parent

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()


class ConfigurationError(RuntimeError):
    """The portal cannot start as configured; the message says what to set."""


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application. No side effects: creates no tables, starts no jobs, sends nothing."""
    overrides = dict(overrides or {})
    env_name = overrides.get("ENV_NAME") or os.environ.get("VENDORRISK_ENV", "production")
    if env_name not in settings.CONFIGS:
        raise ConfigurationError(
            f"VENDORRISK_ENV={env_name!r} is not one of {', '.join(settings.CONFIGS)}"
        )
    app = Flask(
        __name__,
        instance_path=os.environ.get("VENDORRISK_INSTANCE") or None,
        instance_relative_config=True,
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _load_config(app, env_name, overrides)
    database = db.init_app(app, app.config["DATABASE_URL"])
    forget_rolled_back_entries(database.sessionmaker)
    _use_storage_keys(app, database)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    _init_login(app)
    if app.config["TRUSTED_PROXIES"]:
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    _register_blueprints(app)
    _register_request_hooks(app)
    from vendorrisk import errors_web, templating

    errors_web.register(app)
    templating.register(app)
    from vendorrisk.cli import register as register_cli

    register_cli(app)
    return app


def _load_config(app: Flask, env_name: str, overrides: dict[str, Any]) -> None:
    app.config.from_object(settings.CONFIGS[env_name])
    app.config.from_pyfile("config.py", silent=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.read_instance_secret(app.instance_path)
    app.config.update(settings.settings_from_environment(os.environ))
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise ConfigurationError(
            "No secret key: set VENDORRISK_SECRET_KEY or write one to "
            f"{Path(app.instance_path) / 'secret_key'} (make run creates it)."
        )
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")
    if not app.config.get("AGREEMENTS_DIR"):
        app.config["AGREEMENTS_DIR"] = str(Path(app.instance_path) / "agreements")
    if not app.config.get("CERTIFICATES_DIR"):
        app.config["CERTIFICATES_DIR"] = str(Path(app.instance_path) / "certificates")
    if not app.config.get("REPORT_CACHE_DIR"):
        app.config["REPORT_CACHE_DIR"] = str(Path(app.instance_path) / "report-cache")
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'vendorrisk.db'}"


def _use_storage_keys(app: Flask, database: db.Database) -> None:
    """Encrypted columns are sealed with the app's keyring, read when a value needs it (so,
    like the documents, never kept in app.config)."""
    from vendorrisk.keys.columns import use_keyring
    from vendorrisk.storage.files import keyring_for

    use_keyring(database.engine, lambda: keyring_for(app))


def _select_locale() -> str | None:
    from flask import current_app, has_request_context, request

    if not has_request_context():
        return None  # a job or a command: the default locale
    return request.accept_languages.best_match(current_app.config["SUPPORTED_LOCALES"])


def _init_login(app: Flask) -> None:
    from vendorrisk.accounts import service as accounts

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # server-side sessions (accounts.service) do this job

    @login_manager.user_loader
    def load_user(token: str) -> Any:
        policy = accounts.SessionPolicy(
            idle_timeout=app.config["SESSION_IDLE_TIMEOUT"],
            absolute_lifetime=app.config["SESSION_ABSOLUTE_LIFETIME"],
        )
        return accounts.load_session_user(db.session(), token, policy)


def _register_blueprints(app: Flask) -> None:
    from vendorrisk.accounts.views import bp as accounts_bp
    from vendorrisk.accounts.views import users_bp
    from vendorrisk.agreements.views import bp as agreements_bp
    from vendorrisk.agreements.views import partner_bp as partner_agreements_bp
    from vendorrisk.assessments.finding_views import bp as findings_bp
    from vendorrisk.assessments.finding_views import partner_bp as partner_findings_bp
    from vendorrisk.assessments.partner_views import bp as partner_bp
    from vendorrisk.assessments.review_views import bp as review_bp
    from vendorrisk.assessments.views import bp as assessments_bp
    from vendorrisk.audit.views import bp as audit_bp
    from vendorrisk.dashboard.views import bp as dashboard_bp
    from vendorrisk.incidents.views import bp as incidents_bp
    from vendorrisk.incidents.views import partner_bp as partner_incidents_bp
    from vendorrisk.mail.views import bp as mailbox_bp
    from vendorrisk.offboarding.views import bp as offboarding_bp
    from vendorrisk.reports.views import bp as reports_bp
    from vendorrisk.scheduling.views import bp as jobs_bp
    from vendorrisk.sharing.views import bp as sharing_bp
    from vendorrisk.sharing.views import partner_bp as partner_sharing_bp
    from vendorrisk.vendors.views import bp as vendors_bp

    for blueprint in (accounts_bp, users_bp, agreements_bp, assessments_bp, audit_bp,
                      dashboard_bp, findings_bp, incidents_bp, jobs_bp, mailbox_bp, offboarding_bp,
                      partner_agreements_bp, partner_bp, partner_findings_bp,
                      partner_incidents_bp, partner_sharing_bp, reports_bp, review_bp,
                      sharing_bp, vendors_bp):
        app.register_blueprint(blueprint)


def _register_request_hooks(app: Flask) -> None:
    from werkzeug.wrappers import Response

    from vendorrisk.security import headers, policy

    @app.before_request
    def _choose_unit_of_work() -> None:
        # Before anything opens the request's unit of work: GET pages read (see db.session).
        from flask import g, request

        g.db_read_only = db.read_only_request(
            request.method, app.view_functions.get(request.endpoint or ""))

    @app.before_request
    def _enforce_policy() -> Response | None:
        return policy.enforce(app)

    @app.after_request
    def _finish(response: Response) -> Response:
        # The request's unit of work commits once, here; a failing commit becomes a 500 page.
        db.commit_if_open()
        return headers.apply(response, secure=app.config["SESSION_COOKIE_SECURE"])
