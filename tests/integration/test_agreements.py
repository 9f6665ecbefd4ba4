"""Procurement records NDAs; the dates decide coverage; the signed PDF is kept encrypted."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import MINI_QUESTIONNAIRE, TEST_ACTOR, csrf_token, login
from tests.partner_helpers import PDF
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements import reminders
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.agreements.models import Agreement, AgreementDocument, AgreementReminder
from vendorrisk.assessments import service as assessments
from vendorrisk.audit.models import AuditEvent
from vendorrisk.db import get_db
from vendorrisk.errors import DomainError
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.scheduling import jobs
from vendorrisk.storage.files import EncryptedFiles, keyring_for
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.models import Vendor

TODAY = date.today()


@pytest.fixture
def documents(app, tmp_path):
    previous = app.config["AGREEMENTS_DIR"]
    app.config["AGREEMENTS_DIR"] = str(tmp_path / "agreements")
    yield tmp_path / "agreements"
    app.config["AGREEMENTS_DIR"] = previous


def nda_form(**changes):
    data = {"kind": "nda", "status": "signed", "title": "Mutual NDA 2026",
            "signed_on": (TODAY - timedelta(days=30)).isoformat(),
            "effective_on": (TODAY - timedelta(days=30)).isoformat(),
            "expires_on": (TODAY + timedelta(days=700)).isoformat(), "review_on": "",
            "our_signatory": "王芳", "their_signatory": "李娜", "survival_months": "60",
            "notes": "", "document": (io.BytesIO(PDF), "nda-signed.pdf")}
    data.update(changes)
    return data


def post_form(client, path: str, data: dict):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data},
                       content_type="multipart/form-data")


def test_a_signed_nda_is_recorded_with_its_pdf_stored_encrypted(client, login_as, make_vendor,
                                                                db_session, documents):
    login_as(Role.PROCUREMENT)
    firm = make_vendor()
    response = post_form(client, f"/agreements/new/{firm.id}", nda_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    agreement = db_session.scalar(select(Agreement))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "In force" in page and "nda-signed.pdf" in page
    document = db_session.scalar(select(AgreementDocument))
    stored = next(path for path in documents.rglob("*") if path.is_file())
    assert PDF not in stored.read_bytes() and b"%PDF" not in stored.read_bytes()
    download = client.get(f"/agreements/documents/{document.id}")
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert db_session.scalar(select(AuditEvent).where(
        AuditEvent.action == "agreement.document_download")) is not None
    assert agreement.vendor_id == firm.id


@pytest.mark.parametrize(("changes", "message"), [
    ({"expires_on": (TODAY - timedelta(days=60)).isoformat()}, "after the signature"),
    ({"document": (io.BytesIO(b"not a pdf"), "nda.docx")}, "not a PDF"),
    ({"document": (io.BytesIO(b"MZ\x90\x00"), "nda.pdf")}, "does not contain what its name"),
    ({"document": (io.BytesIO(b""), "")}, "Attach the signed agreement"),
    ({"survival_months": "0"}, "Number must be between"),
])
def test_bad_input_is_refused_clearly_and_keeps_what_was_typed(client, login_as, make_vendor,
                                                               db_session, documents, changes,
                                                               message):
    login_as(Role.PROCUREMENT)
    firm = make_vendor()
    response = post_form(client, f"/agreements/new/{firm.id}", nda_form(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "Mutual NDA 2026" in page  # the form comes back filled in
    assert db_session.scalar(select(Agreement)) is None
    assert not documents.exists() or not any(p.is_file() for p in documents.rglob("*"))


def test_a_questionnaire_with_client_data_needs_an_nda_in_force(app, db_session, make_vendor,
                                                                questionnaires, documents):
    (questionnaires / "mini-screen.yaml").write_text(
        MINI_QUESTIONNAIRE.replace("version:", "requires_nda: true\nversion:", 1),
        encoding="utf-8")
    firm = make_vendor()
    contact = vendors.add_contact(db_session, TEST_ACTOR, firm.id, name="李娜",
                                  email="li.na@example.com", role="", phone="", is_primary=True)
    db_session.commit()
    portal = assessments.Portal("Test Co", "http://portal.example.com", timedelta(days=14))
    request = assessments.SendRequest(firm.id, "mini-screen", frozenset({contact.id}),
                                      TODAY + timedelta(days=30))
    with pytest.raises(DomainError, match="no signed NDA in force"):
        assessments.send(db_session, TEST_ACTOR, portal, questionnaires, request)
    db_session.rollback()
    # With the setting off the portal sends it anyway.
    assert assessments.send(db_session, TEST_ACTOR, portal, questionnaires, request,
                            require_nda=False).id


def test_renewal_supersedes_and_keeps_the_history(client, login_as, make_vendor, db_session,
                                                  documents):
    login_as(Role.PROCUREMENT)
    firm = make_vendor()
    first = post_form(client, f"/agreements/new/{firm.id}", nda_form(
        expires_on=(TODAY + timedelta(days=20)).isoformat()))
    old_id = int(first.headers["Location"].rsplit("/", 1)[1])
    assert "Expiring soon" in client.get(f"/agreements/{old_id}").get_data(as_text=True)
    renewed = post_form(client, f"/agreements/{old_id}/renew", nda_form(
        title="Mutual NDA 2028", signed_on=TODAY.isoformat(), effective_on=TODAY.isoformat(),
        expires_on=(TODAY + timedelta(days=1000)).isoformat()))
    assert renewed.status_code == 302
    page = client.get(renewed.headers["Location"]).get_data(as_text=True)
    assert "Mutual NDA 2028" in page and "Superseded by a renewal" in page  # in the history
    assert post_form(client, f"/agreements/{old_id}/renew", nda_form()).status_code == 200
    db_session.expire_all()
    firm_now = db_session.get(Vendor, firm.id)  # a renewed NDA brings the reassessment forward
    assert firm_now.reassessment_requested_at is not None
    assert firm_now.reassessment_reason.startswith("NDA renewed")


def test_the_partner_sees_its_agreement_and_uploads_a_countersigned_copy(
        app, client, login_as, make_vendor, make_user, db_session, documents):
    login_as(Role.PROCUREMENT)
    firm = make_vendor()
    response = post_form(client, f"/agreements/new/{firm.id}", nda_form())
    agreement_id = int(response.headers["Location"].rsplit("/", 1)[1])
    partner = app.test_client()
    login(partner, make_user(Role.PARTNER, vendor_id=firm.id).email)
    page = partner.get("/partner/agreements/").get_data(as_text=True)
    assert "In force" in page and "nda-signed.pdf" in page
    uploaded = partner.post(
        f"/partner/agreements/{agreement_id}/countersigned",
        data={"csrf_token": csrf_token(partner, "/partner/agreements/"),
              "document": (io.BytesIO(PDF), "countersigned.pdf")},
        content_type="multipart/form-data")
    assert uploaded.status_code == 302
    assert "awaiting confirmation" in partner.get("/partner/agreements/").get_data(as_text=True)
    copy = db_session.scalar(select(AgreementDocument).where(
        AgreementDocument.role == "countersigned"))
    client.post(
        f"/agreements/documents/{copy.id}/confirm",
        data={"csrf_token": csrf_token(client, f"/agreements/{agreement_id}")})
    db_session.expire_all()
    assert db_session.get(AgreementDocument, copy.id).confirmed_at is not None
    # Another firm's partner reaches neither the agreement nor its documents.
    stranger = app.test_client()
    login(stranger, make_user(Role.PARTNER, vendor_id=make_vendor().id).email)
    assert "Mutual NDA" not in stranger.get("/partner/agreements/").get_data(as_text=True)
    assert stranger.get(f"/partner/agreements/documents/{copy.id}").status_code == 404


# --- reminders ----------------------------------------------------------------------------------

def signed_nda(db_session, app, vendor_id: int, expires_on: date, tmp_path) -> Agreement:
    agreement = agreements.record(
        db_session, TEST_ACTOR, EncryptedFiles(tmp_path / "docs", keyring_for(app)), 10**6,
        vendor_id, agreements.AgreementDetails(
            AgreementKind.NDA, AgreementStatus.SIGNED, signed_on=date(2025, 1, 1),
            effective_on=date(2025, 1, 1), expires_on=expires_on),
        agreements.Upload("nda.pdf", PDF))
    db_session.commit()
    return agreement


def sweep(app) -> reminders.ReminderReport:
    return reminders.send_due(get_db(app).new_session, (60, 30, 7, 0), "Test Co")


def test_the_reminder_job_runs_as_the_worker_runs_it(app, db_session, make_vendor, frozen_clock,
                                                     tmp_path):
    """In an app context without a request, as in the worker: no gettext, no request needed."""
    firm = make_vendor()
    vendors.add_contact(db_session, TEST_ACTOR, firm.id, name="李娜", email="li.na@example.com",
                        role="", phone="", is_primary=True)
    signed_nda(db_session, app, firm.id, frozen_clock().date() + timedelta(days=7), tmp_path)
    with app.app_context():
        assert jobs.remind_agreements(app) == "reminded 1, passed 2"
    [email] = reminder_emails(db_session)
    assert "non-disclosure agreement" in email.body_text and "保密协议" in email.body_text


def reminder_emails(db_session) -> list[OutboxEmail]:
    return list(db_session.scalars(select(OutboxEmail).where(
        OutboxEmail.kind == "agreement_reminder").order_by(OutboxEmail.id)))


def test_each_reminder_goes_out_once_at_its_lead_time(app, db_session, make_vendor, make_user,
                                                      frozen_clock, tmp_path):
    owner = make_user(Role.PROCUREMENT)
    firm = make_vendor(owner_id=owner.id)
    vendors.add_contact(db_session, TEST_ACTOR, firm.id, name="李娜", email="li.na@example.com",
                        role="", phone="", is_primary=True)
    today = frozen_clock().date()
    signed_nda(db_session, app, firm.id, today + timedelta(days=45), tmp_path)
    assert (sweep(app).sent, sweep(app).sent) == (1, 0)  # the 60-day reminder, once
    assert sorted(e.to_address for e in reminder_emails(db_session)) == sorted(
        ["li.na@example.com", owner.email])
    frozen_clock.advance(days=15)  # 30 days left
    assert sweep(app).sent == 1
    frozen_clock.advance(days=28)  # 2 days left: the 7-day reminder, though the sweep was late
    assert sweep(app).sent == 1
    frozen_clock.advance(days=2)  # the day itself
    assert sweep(app).sent == 1 and sweep(app).sent == 0
    assert len(reminder_emails(db_session)) == 8  # four reminders, two recipients each
    assert "expires today" in reminder_emails(db_session)[-1].subject


def test_lead_times_that_fall_due_together_send_one_email(app, db_session, make_vendor,
                                                          frozen_clock, tmp_path):
    firm = make_vendor()
    vendors.add_contact(db_session, TEST_ACTOR, firm.id, name="李娜", email="li.na@example.com",
                        role="", phone="", is_primary=True)
    signed_nda(db_session, app, firm.id, frozen_clock().date() + timedelta(days=5), tmp_path)
    report = sweep(app)
    assert (report.sent, report.passed) == (1, 2)  # the 7-day one; 60 and 30 recorded as passed
    assert len(reminder_emails(db_session)) == 1
    recorded = set(db_session.scalars(select(AgreementReminder.lead_days)))
    assert recorded == {60, 30, 7}


def test_a_terminated_agreement_gets_no_reminder(app, db_session,
                                                                     make_vendor, frozen_clock,
                                                                     tmp_path):
    firm = make_vendor()
    soon = frozen_clock().date() + timedelta(days=3)
    ended = signed_nda(db_session, app, firm.id, soon, tmp_path)
    agreements.terminate(db_session, TEST_ACTOR, ended.id, ended.version, frozen_clock().date())
    db_session.commit()
    assert sweep(app).sent == 0


def test_the_firm_page_flags_a_missing_nda_and_lists_agreements(client, login_as, make_vendor,
                                                                 documents):
    login_as(Role.PROCUREMENT)
    firm = make_vendor()
    page = client.get(f"/vendors/{firm.id}").get_data(as_text=True)
    assert "No signed NDA in force" in page
    post_form(client, f"/agreements/new/{firm.id}", nda_form())
    page = client.get(f"/vendors/{firm.id}").get_data(as_text=True)
    assert "No signed NDA in force" not in page and "Mutual NDA 2026" in page


def test_the_register_filters_by_standing_and_window_and_exports_csv(client, login_as,
                                                                    make_vendor, documents):
    login_as(Role.PROCUREMENT)
    soon, later = make_vendor(name="Soon LLP"), make_vendor(name="=HYPERLINK Later LLP")
    post_form(client, f"/agreements/new/{soon.id}", nda_form(
        expires_on=(TODAY + timedelta(days=20)).isoformat()))
    post_form(client, f"/agreements/new/{later.id}", nda_form())
    expiring = client.get("/agreements/?standing=expiring").get_data(as_text=True)
    assert "Soon LLP" in expiring and "Later LLP" not in expiring
    window = client.get("/agreements/?within=30").get_data(as_text=True)
    assert "Soon LLP" in window and "Later LLP" not in window
    assert "Later LLP" in client.get("/agreements/?within=bogus&kind=nope").get_data(
        as_text=True)  # unknown filters are ignored
    export = client.get("/agreements/export.csv")
    text = export.data.decode("utf-8-sig")
    assert export.mimetype == "text/csv" and text.splitlines()[0].startswith("firm,kind")
    assert "'=HYPERLINK Later LLP" in text  # a formula-like cell is defused
    assert "Soon LLP,nda,Mutual NDA 2026,signed,expiring" in text


def test_the_dashboard_counts_missing_and_ending_ndas_and_links_to_them(
        app, client, login_as, make_vendor, db_session, documents):
    login_as(Role.MANAGER)
    bare = make_vendor(name="Bare LLP")
    for name, days in (("Covered LLP", 700), ("Ending LLP", 45)):
        agreements.record(
            db_session, TEST_ACTOR, EncryptedFiles(documents, keyring_for(app)), 10**6,
            make_vendor(name=name).id, agreements.AgreementDetails(
                AgreementKind.NDA, AgreementStatus.SIGNED, signed_on=TODAY - timedelta(days=1),
                effective_on=TODAY - timedelta(days=1), expires_on=TODAY + timedelta(days=days)),
            agreements.Upload("nda.pdf", PDF))
    db_session.commit()
    page = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'nda=missing[^>]*><span class="big">1</span>', page)
    assert re.search(r'within=30[^>]*><span class="big">0</span>', page)
    assert re.search(r'within=60[^>]*><span class="big">1</span>', page)
    listed = client.get("/vendors/?q=LLP").get_data(as_text=True)
    assert listed.count(">no NDA</span>") == 1  # Bare LLP's row is flagged, the others not
    missing = client.get("/vendors/?status=current&nda=missing").get_data(as_text=True)
    assert bare.name in missing and "Covered LLP" not in missing and "Ending LLP" not in missing
    ending = client.get("/agreements/?kind=nda&within=60").get_data(as_text=True)
    assert "Ending LLP" in ending and "Covered LLP" not in ending
