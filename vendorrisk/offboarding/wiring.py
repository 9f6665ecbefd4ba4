"""The offboarding services wired to the running app: its settings, folders and renderer. Used
by the views and by the worker's jobs (which run inside an app context)."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import get_locale
from sqlalchemy.orm import Session

from vendorrisk.audit.chain import Actor
from vendorrisk.offboarding import purge
from vendorrisk.offboarding import service as offboarding
from vendorrisk.reports import pdf
from vendorrisk.storage import EncryptedFiles, keyring_for


def certificates() -> EncryptedFiles:
    """Certificates of return or destruction, and our certificates of destruction: kept after a
    firm's data is purged, under the master key, since they are the proof of it."""
    return EncryptedFiles(current_app.config["CERTIFICATES_DIR"], keyring_for(current_app))


def settings() -> offboarding.OffboardingSettings:
    config = current_app.config
    return offboarding.OffboardingSettings(
        retention_days=int(config["OFFBOARDING_RETENTION_DAYS"]),
        certificate_days=int(config["DESTRUCTION_CERTIFICATE_DAYS"]),
        public_url=config["PUBLIC_URL"], organization=config["ORGANIZATION_NAME"])


def render_certificate(report: purge.DestructionReport) -> bytes:
    html = render_template("reports/destruction_certificate.html", report=report,
                           today=report.destroyed_at.date(), locale=get_locale() or "en")
    return pdf.render(html, current_app.config["REPORT_RENDER_TIMEOUT"])


def purge_stores() -> purge.Stores:
    keyring = keyring_for(current_app)
    return purge.Stores(
        evidence=EncryptedFiles(current_app.config["UPLOAD_DIR"], keyring),
        agreements=EncryptedFiles(current_app.config["AGREEMENTS_DIR"], keyring),
        certificates=certificates())


def purge_now(session: Session, actor: Actor, vendor_id: int) -> None:
    """The purge with the app's stores and renderer: for the view and for the worker's job."""
    purge.purge(session, actor, vendor_id, purge_stores(), render_certificate)

