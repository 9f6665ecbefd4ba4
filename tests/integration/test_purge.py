"""Purging an offboarded firm: markers planted in everything it told us are found nowhere
afterwards, not in a dump of the database nor in the document folders; a certificate of
destruction says what went; the audit log still verifies."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.conftest import PASSWORD, TEST_ACTOR, csrf_token, login, make_app, vendor_details
from tests.databases import scratch_database
from tests.partner_helpers import ANSWER_AND_FILE, PDF
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.assessments import service as assessments
from vendorrisk.assessments.models import (
    Answer,
    Assessment,
    Finding,
    FindingSeverity,
    FindingStatus,
)
from vendorrisk.audit.chain import Actor
from vendorrisk.backup.databases import libpq_connection
from vendorrisk.db import get_db, unit_of_work
from vendorrisk.errors import Forbidden
from vendorrisk.keys.models import VendorKey
from vendorrisk.migrate import upgrade
from vendorrisk.offboarding import purge, wiring
from vendorrisk.offboarding import service as offboarding
from vendorrisk.sharing.domain import Channel, CountUnit, EngagementStatus, Holding
from vendorrisk.sharing.models import Disclosure, Engagement
from vendorrisk.storage import EncryptedFiles, keyring_for
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.models import Vendor

MARKER = "Purge7f3aMarker"


def database_dump(app) -> bytes:
    """Every byte a dump of the database holds: the SQLite file itself (free pages included),
    or pg_dump's plain SQL."""
    engine = get_db(app).engine
    if engine.dialect.name == "sqlite":
        engine.dispose()
        path = Path(engine.url.database)
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return path.read_bytes()
    dsn, environment = libpq_connection(engine.url)
    return subprocess.run([shutil.which("pg_dump") or "pg_dump", "--format=plain",  # noqa: S603
                           "--dbname", dsn], env=environment, check=True,
                          capture_output=True).stdout


def folder_bytes(*folders: Path) -> bytes:
    return b"".join(path.read_bytes() for folder in folders if folder.exists()
                    for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def portal(tmp_path):
    with scratch_database(tmp_path, "purge") as url:
        questionnaires = tmp_path / "questionnaires"
        questionnaires.mkdir()
        (questionnaires / "answer-and-file.yaml").write_text(ANSWER_AND_FILE, encoding="utf-8")
        app = make_app(url, UPLOAD_DIR=str(tmp_path / "uploads"),
                       AGREEMENTS_DIR=str(tmp_path / "agreements"),
                       CERTIFICATES_DIR=str(tmp_path / "certificates"),
                       REPORT_CACHE_DIR=str(tmp_path / "cache"),
                       QUESTIONNAIRES_DIR=str(questionnaires))
        upgrade(get_db(app).engine)
        yield app
        get_db(app).engine.dispose()


def plant_everywhere(app) -> tuple[int, str]:
    """A firm that told us MARKER in every way it can; returns its id and a manager's email."""
    with unit_of_work(app) as session:
        firm = vendors.register_vendor(session, TEST_ACTOR, vendor_details(name="衡信律师事务所"))
        contact = vendors.add_contact(session, TEST_ACTOR, firm.id, name=f"{MARKER} Li",
                                      email="li.na.purge@hengxin.example.com", role="",
                                      phone="", is_primary=True)
        sent = assessments.send(session, TEST_ACTOR, assessments.Portal.from_config(app.config),
                                Path(app.config["QUESTIONNAIRES_DIR"]),
                                assessments.SendRequest(firm.id, "answer-and-file",
                                                        frozenset({contact.id}),
                                                        date.today() + timedelta(days=30)))
        accounts.create_user(session, TEST_ACTOR, email=contact.email, name=f"{MARKER} Partner",
                             role=Role.PARTNER, password=PASSWORD, min_length=12,
                             vendor_id=firm.id)
        accounts.create_user(session, TEST_ACTOR, email="manager@example.com", name="Martin",
                             role=Role.MANAGER, password=PASSWORD, min_length=12)
        nda = agreements.record(session, TEST_ACTOR,
                          EncryptedFiles(app.config["AGREEMENTS_DIR"], keyring_for(app)),
                          10**6, firm.id, agreements.AgreementDetails(
                              AgreementKind.NDA, AgreementStatus.SENT, notes=MARKER),
                          agreements.Upload("nda.pdf", PDF))
        manager = session.scalar(select(User).where(User.email == "manager@example.com"))
        engagement = Engagement(vendor_id=firm.id, title="Deregistration",
                                client_reference="Client X", purpose="Filing",
                                starts_on=date.today(),
                                planned_end_on=date.today() + timedelta(days=60),
                                owner_id=manager.id, status=EngagementStatus.OPEN)
        session.add(engagement)
        session.flush()
        session.add(Disclosure(engagement_id=engagement.id, vendor_id=firm.id, approx_count=3,
                               count_unit=CountUnit.DOCUMENTS, channel=Channel.ENCRYPTED_UPLOAD,
                               disclosed_on=date.today(), return_by=date.today(),
                               approved_by_id=manager.id, nda_agreement_id=nda.id,
                               holding=Holding.HELD))
        session.add(Finding(assessment_id=sent.id, vendor_id=firm.id, source="reviewer",
                            severity=FindingSeverity.LOW, title="Shredding",
                            description=f"{MARKER} shreds nothing", status=FindingStatus.OPEN))
        firm_id, assessment_id, email = firm.id, sent.id, contact.email
    partner = app.test_client()
    assert login(partner, email).status_code == 302
    path = f"/partner/assessments/{assessment_id}/policies"
    partner.post(path, data={"csrf_token": csrf_token(partner, path), "q-practice": MARKER,
                             "v-practice": "", "f-policy": (io.BytesIO(PDF + MARKER.encode()),
                                                            f"{MARKER}.pdf")},
                 content_type="multipart/form-data")
    submit = f"/partner/assessments/{assessment_id}/submit"
    assert partner.post(submit, data={"csrf_token": csrf_token(partner, submit),
                                      "name": f"{MARKER} Attester", "position": "Partner",
                                      "confirm": "y"}).status_code == 302
    with unit_of_work(app) as session:
        assert session.scalar(select(func.count(Answer.id)).where(
            Answer.assessment_id == assessment_id)) == 1  # the text; the file is evidence
        vendor = session.get(Vendor, firm_id)
        offboarding.offboard(session, TEST_ACTOR, firm_id, vendor.version, "engagement ended",
                             offboarding.OffboardingSettings(180, 30, "http://portal.example",
                                                             "Test Co"))
    return firm_id, "manager@example.com"


def test_purging_leaves_no_marker_in_a_database_dump_or_the_folders(portal, tmp_path):
    firm_id, manager_email = plant_everywhere(portal)
    folders = [Path(portal.config[name]) for name in ("UPLOAD_DIR", "AGREEMENTS_DIR")]
    assert MARKER.encode() in database_dump(portal)  # planted, in plaintext columns too
    manager = portal.test_client()
    assert login(manager, manager_email).status_code == 302
    page = f"/vendors/{firm_id}"
    wrong = manager.post(f"/vendors/{firm_id}/purge", data={
        "csrf_token": csrf_token(manager, page), "confirm_name": "not the name"},
        follow_redirects=True)
    assert "Type the firm&#39;s name exactly" in wrong.get_data(as_text=True)

    done = manager.post(f"/vendors/{firm_id}/purge", data={
        "csrf_token": csrf_token(manager, page), "confirm_name": "衡信律师事务所"},
        follow_redirects=True)
    assert "The firm&#39;s data was destroyed" in done.get_data(as_text=True)

    assert MARKER.encode() not in database_dump(portal)
    assert MARKER.encode() not in folder_bytes(*folders)
    assert not list(EncryptedFiles(folders[0], keyring_for(portal)).names())  # files gone
    with unit_of_work(portal) as session:
        assert session.scalar(select(func.count(VendorKey.id))) == 0  # crypto-shredded
        vendor = session.get(Vendor, firm_id)
        assert vendor.purged_at is not None and vendor.name == "衡信律师事务所"
        assert session.scalar(select(func.count(Assessment.id))) == 1  # our records stay
        [disclosure] = session.scalars(select(Disclosure))
        assert disclosure.nda_agreement_id is None and disclosure.approx_count == 3
    certificate = manager.get(f"/vendors/{firm_id}/destruction-certificate.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(certificate.data)).pages)
    assert "Certificate of destruction" in text and "衡信律师事务所" in text
    assert re.search(r"answers\s*1", text) and "Martin" in text  # counts, and who ordered it
    assert MARKER not in text
    verified = portal.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    again = manager.post(f"/vendors/{firm_id}/purge", data={
        "csrf_token": csrf_token(manager, page), "confirm_name": "衡信律师事务所"},
        follow_redirects=True)
    assert "purged already" in again.get_data(as_text=True)


def test_the_worker_purges_when_retention_ends_and_procurement_cannot(portal):
    firm_id, _manager = plant_everywhere(portal)
    with unit_of_work(portal) as session, pytest.raises(Forbidden):
        purge.purge(session, Actor(1, "procurement", "local"), firm_id,
                    wiring.purge_stores(), wiring.render_certificate)
    from vendorrisk.scheduling.jobs import purge_expired

    assert purge_expired(portal) == "purged 0"  # 180 days to go
    with unit_of_work(portal) as session:
        session.get(Vendor, firm_id).purge_due_on = date.today()
    assert purge_expired(portal) == "purged 1"
    with unit_of_work(portal) as session:
        assert session.get(Vendor, firm_id).purge_certificate is not None
