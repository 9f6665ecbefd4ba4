"""Settings: safe defaults, then the instance folder, then ``VENDORRISK_*`` environment variables.

The defaults are the production posture (secure cookies, no debug); development and the test suite
relax them explicitly. Secrets never live here: the secret key comes from the environment or from
``instance/secret_key``, which ``make run`` creates on first start.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vendorrisk.incidents.domain import DEFAULT_NOTIFICATION_HOURS
from vendorrisk.scheduling.cadence import Cadence

ENV_PREFIX = "VENDORRISK_"


class DefaultConfig:
    ENV_NAME = "production"  # production | development | testing
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # default: SQLite file in the instance folder
    SQL_ECHO = False

    # Sessions: server-side records referenced from a signed cookie (see security/sessions.py).
    SESSION_COOKIE_NAME = "vr_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    # Login throttling, counted in the database so every worker shares it.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_IP = 20
    LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)

    PASSWORD_MIN_LENGTH = 12
    EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    UPLOAD_DIR: str | None = None  # default: "uploads" in the instance folder
    # Signed agreements, encrypted with the keys of instance/storage_keys.json (or
    # VENDORRISK_STORAGE_KEYS); default: "agreements" in the instance folder.
    AGREEMENTS_DIR: str | None = None
    # Offboarding: what we hold about a firm is purged this many days after the relationship
    # ends; the firm has DESTRUCTION_CERTIFICATE_DAYS to return or destroy our clients' data and
    # certify it. Certificates are kept (encrypted) in CERTIFICATES_DIR, default
    # "certificates" in the instance folder.
    OFFBOARDING_RETENTION_DAYS = 180
    DESTRUCTION_CERTIFICATE_DAYS = 30
    CERTIFICATES_DIR: str | None = None
    # Rendered PDF reports, encrypted like the documents; default: "report-cache" in the
    # instance folder. A report taking longer than the timeout (seconds) is stopped.
    REPORT_CACHE_DIR: str | None = None
    REPORT_RENDER_TIMEOUT = 60
    # Where `flask backup create` writes (created 0700); default: "backups" in the instance folder.
    BACKUP_DIR: str | None = None
    AGREEMENT_WARNING_DAYS = 60  # an agreement ending within this many days is "expiring"
    AGREEMENT_REMINDER_DAYS = (60, 30, 7, 0)  # reminders this many days before expiry
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024  # a section's form with several files
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which has its own limits
    WTF_CSRF_SSL_STRICT = True

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    SUPPORTED_LOCALES = ("en",)

    # Email leaves through the outbox; "mailbox" keeps it on an admin page instead of sending.
    MAIL_TRANSPORT = "smtp"  # smtp | mailbox
    MAIL_SENDER = "VendorRisk <vendorrisk@localhost>"
    MAIL_SMTP_HOST = "localhost"
    MAIL_SMTP_PORT = 25
    MAIL_SMTP_SECURITY = "starttls"  # none | starttls | ssl
    MAIL_SMTP_USERNAME = ""
    MAIL_SMTP_PASSWORD = ""
    MAIL_SMTP_TIMEOUT = 30
    MAIL_MAX_ATTEMPTS = 8

    # The company running the portal, as partners read it in emails; and the portal's address
    # for links in emails (jobs have no request to take it from).
    ORGANIZATION_NAME = "Our company"
    PUBLIC_URL = "http://127.0.0.1:5000"
    INVITATION_LIFETIME = timedelta(days=14)
    # Questionnaires marked requires_nda go only to firms with a signed NDA in force.
    REQUIRE_NDA_FOR_QUESTIONNAIRES = True
    # Hours the company has, from learning of an incident involving client data, to notify the
    # regulator and the affected clients (GDPR Art. 33: 72 hours; set your own obligations).
    INCIDENT_NOTIFICATION_HOURS: Mapping[str, int] = MappingProxyType(
        dict(DEFAULT_NOTIFICATION_HOURS))

    # The worker (`flask worker`): how often each job runs, in seconds; how often the leader
    # checks in (heartbeat, "run now" requests); how often a standby tries to take over.
    WORKER_JOB_INTERVALS: Mapping[str, float] = MappingProxyType(
        {"deliver_mail": 30, "agreement_reminders": 3600, "reassessments": 3600,
         "late_reminders": 3600, "incident_deadlines": 900,
         "destruction_certificates": 3600, "purges": 3600})
    WORKER_POLL_SECONDS = 5
    WORKER_STANDBY_SECONDS = 10

    # Months from a decision to the firm's next reassessment, per inherent risk tier (the
    # defaults are Cadence's). A tier left out keeps its default; a riskier tier may not wait
    # longer than a calmer one.
    REASSESSMENT_LEAD_DAYS = 30  # a reassessment is sent this long before it falls due
    REASSESSMENT_MONTHS: Mapping[str, int] = MappingProxyType(asdict(Cadence()))

    QUESTIONNAIRES_DIR = str(Path(__file__).resolve().parent.parent / "questionnaires")
    VENDORS_PER_PAGE = 25
    WORKLIST_PER_PAGE = 50  # the dashboard's lists of overdue assessments and findings
    AUDIT_EVENTS_PER_PAGE = 50
    # Trust X-Forwarded-For from this many proxies (0 = use the socket address only).
    TRUSTED_PROXIES = 0


class DevelopmentConfig(DefaultConfig):
    ENV_NAME = "development"
    MAIL_TRANSPORT = "mailbox"
    ORGANIZATION_NAME = "上海示例企业服务有限公司 (Example Company Services)"
    SESSION_COOKIE_SECURE = False  # the embedded default serves plain http on 127.0.0.1
    WTF_CSRF_SSL_STRICT = False


class TestingConfig(DevelopmentConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-a-secret"  # noqa: S105 - the test suite's own key


CONFIGS: dict[str, type[DefaultConfig]] = {
    "production": DefaultConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}


def settings_from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """``VENDORRISK_FOO=bar`` becomes ``FOO``; JSON literals (numbers, true/false) are decoded."""
    settings: dict[str, Any] = {}
    for key, raw in environ.items():
        # The storage keys are read by vendorrisk.storage itself and never enter app.config,
        # where an error page or a debug dump could show them.
        if not key.startswith(ENV_PREFIX) or key in (ENV_PREFIX + "ENV", ENV_PREFIX + "INSTANCE",
                                                      ENV_PREFIX + "STORAGE_KEYS"):
            continue
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        if isinstance(value, list | dict):
            value = raw  # structured settings are never taken from the environment
        settings[key.removeprefix(ENV_PREFIX)] = value
    return settings


def read_instance_secret(instance_path: str) -> str | None:
    path = Path(instance_path) / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip() or None
    return None
