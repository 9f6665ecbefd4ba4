"""Ending a relationship: access ends at once, the firm is asked for our clients' data back and
certifies its return or destruction through a single-use link; late certificates are chased."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from sqlalchemy import select

from tests.conftest import TEST_ACTOR, csrf_token, login
from tests.partner_helpers import PDF
from tests.review_helpers import QUESTIONNAIRE
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.assessments.models import Assessment, AssessmentStatus, Invitation
from vendorrisk.audit.models import AuditEvent
from vendorrisk.db import get_db
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.offboarding import service as offboarding
from vendorrisk.offboarding.models import DestructionRequest
from vendorrisk.storage import EncryptedFiles, keyring_for
from vendorrisk.vendors.domain import VendorStatus
from vendorrisk.vendors.models import Vendor

SETTINGS = offboarding.OffboardingSettings(retention_days=180, certificate_days=30,
                                           public_url="http://portal.example.com",
                                           organization="Test Co")


def offboard(client, vendor_id: int, reason: str = "engagement completed"):
    page = f"/vendors/{vendor_id}"
    version = re.search(r'name="version"[^>]*value="(\d+)"',
                        client.get(page).get_data(as_text=True)).group(1)
    return client.post(f"/vendors/{vendor_id}/offboard", data={
        "csrf_token": csrf_token(client, page), "reason": reason, "version": version})


def request_links(db_session) -> list[str]:
    db_session.expire_all()
    return [re.search(r"http://\S+/certificate/(\S+)", email.body_text).group(1)
            for email in db_session.scalars(select(OutboxEmail).where(
                OutboxEmail.kind == "destruction_request").order_by(OutboxEmail.id))]


def test_offboarding_ends_access_at_once_and_asks_for_the_data_back(
        app, db_session, partner_with, login_as, client, frozen_clock):
    firm, sent, partner = partner_with(QUESTIONNAIRE)
    partner_client = app.test_client()
    login(partner_client, partner.email)
    assert partner_client.get("/partner/").status_code == 200
    login_as(Role.PROCUREMENT)
    status_form = client.post(f"/vendors/{firm.id}/status", data={
        "csrf_token": csrf_token(client, f"/vendors/{firm.id}"), "status": "offboarded",
        "version": firm.version}, follow_redirects=True)
    assert db_session.get(Vendor, firm.id).status != VendorStatus.OFFBOARDED  # not that way
    assert "Choose a valid status" in status_form.get_data(as_text=True)
    assert offboard(client, firm.id, reason="").status_code == 302  # a reason is required
    db_session.expire_all()
    assert db_session.get(Vendor, firm.id).status != VendorStatus.OFFBOARDED

    assert offboard(client, firm.id).status_code == 302
    db_session.expire_all()
    vendor = db_session.get(Vendor, firm.id)
    today = frozen_clock().date()
    assert vendor.status == VendorStatus.OFFBOARDED
    assert vendor.purge_due_on == today + timedelta(days=180)
    assert db_session.get(Assessment, sent.id).status == AssessmentStatus.CANCELLED
    assert all(i.revoked_at for i in db_session.scalars(select(Invitation).where(
        Invitation.assessment_id == sent.id)))
    assert not db_session.get(User, partner.id).is_enabled
    ended = partner_client.get("/partner/")  # the session ended with the relationship
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/login")
    [request] = db_session.scalars(select(DestructionRequest))
    assert request.due_on == today + timedelta(days=30) and request.reason == \
        "engagement completed"
    [email] = db_session.scalars(select(OutboxEmail).where(
        OutboxEmail.kind == "destruction_request"))
    assert email.to_address == "li.na@hengxin.example.com"
    assert "return or securely destroy" in email.body_text and "请归还或销毁" in email.subject
    page = client.get(f"/vendors/{firm.id}").get_data(as_text=True)
    assert "No certificate yet" in page
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action ==
                                                          "vendor.offboard"))
    assert '"logins_disabled":1' in event.details.replace(" ", "")


def test_the_firm_certifies_through_the_emailed_link_and_procurement_confirms(
        app, db_session, partner_with, login_as, client, frozen_clock):
    firm, _sent, _partner = partner_with(QUESTIONNAIRE)
    login_as(Role.PROCUREMENT)
    offboard(client, firm.id)
    [token] = request_links(db_session)
    firm_side = app.test_client()
    opened = firm_side.get(f"/certificate/{token}")
    assert opened.status_code == 302 and token not in opened.headers["Location"]
    form = firm_side.get("/certificate/upload").get_data(as_text=True)
    assert "上海衡信律师事务所" in form and "engagement completed" in form

    def upload(name: str, data: bytes):
        return firm_side.post("/certificate/upload", data={
            "csrf_token": csrf_token(firm_side, "/certificate/upload"),
            "certificate": (io.BytesIO(data), name)}, content_type="multipart/form-data")

    refused = upload("certificate.exe", b"MZ\x90\x00")
    assert refused.status_code == 200 and "is not a PDF" in refused.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.scalar(select(DestructionRequest)).certificate_storage is None
    thanks = upload("销毁证明.pdf", PDF)
    assert "Certificate received" in thanks.get_data(as_text=True)
    assert app.test_client().get(f"/certificate/{token}").status_code == 410  # used up

    page = client.get(f"/vendors/{firm.id}").get_data(as_text=True)
    assert "销毁证明.pdf" in page
    request = db_session.scalar(select(DestructionRequest))
    download = client.get(f"/offboarding/requests/{request.id}/certificate")
    assert download.data == PDF and download.headers["Content-Disposition"].startswith(
        "attachment")
    confirmed = client.post(f"/offboarding/requests/{request.id}/confirm", data={
        "csrf_token": csrf_token(client, f"/vendors/{firm.id}"), "outcome": "destroyed",
        "note": "Checked the seal."},
        follow_redirects=True)
    assert "confirmed" in confirmed.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.scalar(select(DestructionRequest)).confirmed_at == frozen_clock()


def test_a_late_certificate_is_chased_weekly_with_a_new_link(app, db_session, partner_with,
                                                              login_as, client, frozen_clock):
    firm, _sent, _partner = partner_with(QUESTIONNAIRE)
    user = login_as(Role.PROCUREMENT)
    offboard(client, firm.id)
    [first] = request_links(db_session)

    def remind() -> int:
        with get_db(app).new_session() as session:
            return offboarding.remind_overdue(session, SETTINGS, frozen_clock().date())

    assert remind() == 0  # not due yet
    frozen_clock.advance(days=31)
    login(client, user.email)
    assert "late certifying the return or destruction" in client.get("/dashboard").get_data(
        as_text=True)
    assert remind() == 1 and remind() == 0
    _first, second = request_links(db_session)
    assert app.test_client().get(f"/certificate/{first}").status_code == 410  # replaced
    assert app.test_client().get(f"/certificate/{second}").status_code == 302
    frozen_clock.advance(days=7)
    assert remind() == 1


def test_the_ndas_surviving_confidentiality_is_kept_after_the_end(
        app, db_session, partner_with, login_as, client, frozen_clock):
    firm, _sent, _partner = partner_with(QUESTIONNAIRE)
    today = frozen_clock().date()
    agreements.record(db_session, TEST_ACTOR,
                      EncryptedFiles(app.config["AGREEMENTS_DIR"], keyring_for(app)), 10**6,
                      firm.id, agreements.AgreementDetails(
                          AgreementKind.NDA, AgreementStatus.SIGNED, signed_on=today,
                          effective_on=today, expires_on=today + timedelta(days=700),
                          survival_months=24),
                      agreements.Upload("nda.pdf", PDF))
    db_session.commit()
    login_as(Role.PROCUREMENT)
    offboard(client, firm.id)
    db_session.expire_all()
    request = db_session.scalar(select(DestructionRequest))
    assert request.confidentiality_until == date(2028, 11, 23)  # 24 months from the end
    [email] = db_session.scalars(select(OutboxEmail).where(
        OutboxEmail.kind == "destruction_request"))
    assert "continues until 2028-11-23" in email.body_text
    assert "continues until Nov 23, 2028" in client.get(f"/vendors/{firm.id}").get_data(
        as_text=True)
