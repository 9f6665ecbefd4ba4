"""The data-sharing register: engagements, disclosures checked against the firm's NDA, approval,
reassessment and intake, a manager's override, what a firm holds, the register and its CSV, and
the dashboard's firms holding data."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import TEST_ACTOR, csrf_token, login, statements_for
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.agreements.models import Agreement
from vendorrisk.assessments import decisions
from vendorrisk.assessments.models import (
    AssessmentStatus,
    DecisionOutcome,
    Finding,
    FindingSeverity,
    FindingStatus,
)
from vendorrisk.audit.chain import Actor
from vendorrisk.audit.models import AuditEvent
from vendorrisk.db import get_db
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.offboarding import service as offboarding
from vendorrisk.offboarding.models import DestructionRequest
from vendorrisk.scheduling.cadence import Cadence
from vendorrisk.sharing import service as sharing
from vendorrisk.sharing.domain import Channel, CountUnit, EngagementStatus, Holding
from vendorrisk.sharing.models import Disclosure, Engagement
from vendorrisk.vendors.domain import DataCategory, VendorStatus
from vendorrisk.vendors.models import Vendor, VendorDataCategory

MANAGER = Actor(None, Role.MANAGER.value, "local")
IDENTITY, CONTACT, FINANCIAL = DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.FINANCIAL


def post(client, path: str, data: dict, page: str | None = None):
    """Post the form of ``page`` (default: ``path``) as a browser would."""
    return client.post(path, data={"csrf_token": csrf_token(client, page or path), **data})


def text_of(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def approved_firm(db_session, make_vendor, make_assessment):
    """A firm with a signed NDA and a decided assessment (through the real decision)."""

    def factory(name: str = "上海衡信律师事务所", *, categories=(IDENTITY, CONTACT),
                outcome: str = "approved", conditions: tuple[str, ...] = (),
                nda_expires: date | None = date(2027, 12, 31)) -> Vendor:
        firm = make_vendor(name=name, data_categories=frozenset(categories))
        if nda_expires is not None:
            db_session.add(Agreement(vendor_id=firm.id, kind=AgreementKind.NDA,
                                     status=AgreementStatus.SIGNED, title="NDA 2026",
                                     signed_on=date(2026, 1, 1), effective_on=date(2026, 1, 1),
                                     expires_on=nda_expires, indefinite=False))
        assessment = make_assessment(firm, contact_email=f"c{firm.id}@example.com")
        assessment.status = AssessmentStatus.REVIEWED
        for title in conditions:
            db_session.add(Finding(assessment_id=assessment.id, vendor_id=firm.id,
                                   source="reviewer", severity=FindingSeverity.HIGH, title=title,
                                   status=FindingStatus.OPEN))
        db_session.flush()
        decisions.decide(db_session, MANAGER, assessment.id, DecisionOutcome(outcome),
                         "Reviewed.")
        db_session.commit()
        return firm

    return factory


def open_engagement(client, firm, owner, **changes) -> str:
    """Open an engagement through the form; its page's path."""
    data = {"title": "Deregistration of 上海示例贸易有限公司",
            "client_reference": "上海示例贸易有限公司",
            "purpose": "File the deregistration (注销) with the market regulator.",
            "starts_on": "2026-11-20", "planned_end_on": "2027-03-31", "owner_id": owner.id,
            **changes}
    response = post(client, f"/sharing/engagements/new/{firm.id}", data)
    assert response.status_code == 302, text_of(response)
    return response.headers["Location"]


def disclosure_form(approver, **changes) -> dict:
    return {"categories": ["identity"], "approx_count": "40", "count_unit": "documents",
            "channel": "encrypted_upload", "disclosed_on": "2026-11-23",
            "return_by": "2027-03-31", "approved_by_id": approver.id, "action": "record",
            **changes}


def record(client, engagement_path: str, data: dict):
    return post(client, f"{engagement_path}/disclosures", data, engagement_path)


def disclosures(db_session) -> list[Disclosure]:
    db_session.expire_all()
    return list(db_session.scalars(select(Disclosure).order_by(Disclosure.id)))


def test_procurement_opens_an_engagement_and_records_an_allowed_disclosure(
        app, db_session, client, login_as, approved_firm, frozen_clock):
    firm = approved_firm()
    user = login_as(Role.PROCUREMENT)
    firm_page = text_of(client.get(f"/vendors/{firm.id}"))
    assert "Client data held" in firm_page and "The firm holds none of our clients" in firm_page
    path = open_engagement(client, firm, user)
    page = text_of(client.get(path))
    assert "Sharing with this firm today, until the planned end: allowed." in page
    assert "上海示例贸易有限公司" in page

    response = record(client, path, disclosure_form(user))
    assert response.status_code == 302
    [disclosure] = disclosures(db_session)
    nda = db_session.scalar(select(Agreement).where(Agreement.vendor_id == firm.id))
    assert disclosure.data_categories == {IDENTITY} and disclosure.holding == Holding.HELD
    assert (disclosure.approx_count, disclosure.count_unit) == (40, CountUnit.DOCUMENTS)
    assert disclosure.nda_agreement_id == nda.id and disclosure.decision_id is not None
    assert not disclosure.overridden and disclosure.approved_by_id == user.id
    assert "Disclosure recorded." in text_of(client.get(response.headers["Location"]))

    firm_page = text_of(client.get(f"/vendors/{firm.id}"))
    assert "Held since" in firm_page and "1 disclosures" in firm_page
    assert "NDA 2026" in firm_page and "In force" in firm_page
    assert "This firm holds our clients" not in firm_page
    events = {e.action: e for e in db_session.scalars(select(AuditEvent))}
    assert {"engagement.opened", "engagement.view", "disclosure.recorded",
            "disclosure.holdings"} <= set(events)
    for action in ("engagement.opened", "disclosure.recorded"):
        assert "上海示例" not in events[action].details  # ids and field names, never the client


def test_a_refused_disclosure_lists_every_reason_and_nothing_is_kept(
        app, db_session, client, login_as, approved_firm, frozen_clock):
    firm = approved_firm(nda_expires=date(2027, 1, 31))
    user = login_as(Role.PROCUREMENT)
    path = open_engagement(client, firm, user)
    asked = disclosure_form(user, categories=["identity", "financial"], approx_count="1234",
                            override_reason="I insist")
    response = record(client, path, asked)
    assert response.status_code == 422
    page = text_of(response)
    assert "It may not go:" in page
    assert ("The firm's NDA ends on 2027-01-31, before the data is due back on 2027-03-31: "
            "renew it, or set an earlier return-by date.") in page
    assert "The firm's intake does not declare financial and transaction records" in page
    assert "A manager can record it anyway, with a written reason." in page
    assert 'name="override_reason"' not in page  # procurement cannot override
    assert 'value="1234"' in page  # what was typed stays in the form
    assert disclosures(db_session) == []


def test_a_manager_overrides_a_refusal_with_a_reason_and_it_stands_out(
        app, db_session, client, login_as, approved_firm, make_user, frozen_clock):
    firm = approved_firm(nda_expires=date(2026, 11, 1))  # expired
    manager = login_as(Role.MANAGER)
    path = open_engagement(client, firm, manager)
    first = record(client, path, disclosure_form(manager))
    assert first.status_code == 422
    assert "The firm's NDA expired on 2026-11-01." in text_of(first)
    assert 'name="override_reason"' in text_of(first) and "Record it as an override" in text_of(
        first)
    second = record(client, path, disclosure_form(
        manager, override_reason="Court deadline on 25 Nov; renewal signed, awaiting scan."))
    assert second.status_code == 302
    [disclosure] = disclosures(db_session)
    assert disclosure.overridden and disclosure.overridden_by_id == manager.id
    assert disclosure.refused_because == "The firm's NDA expired on 2026-11-01."
    assert disclosure.nda_agreement_id is not None  # the expired NDA it relied on
    flashed = text_of(client.get(second.headers["Location"]))
    assert "recorded as an override" in flashed and "awaiting scan" in flashed

    register = text_of(client.get("/sharing/?overridden=1"))
    assert 'class="overridden"' in register and f"Override by {manager.name}" in register
    [override] = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "disclosure.override"))
    assert override.outcome == "override" and "nda_not_in_force" in override.details
    assert "Court" not in override.details  # the reason's text stays out of the log

    firm_page = text_of(client.get(f"/vendors/{firm.id}"))
    assert "This firm holds our clients" in firm_page
    assert "it has no signed NDA in force (Expired)" in firm_page


def test_a_suspended_or_offboarded_firm_gets_nothing_even_from_a_manager(
        app, db_session, client, login_as, approved_firm, frozen_clock):
    firm = approved_firm()
    manager = login_as(Role.MANAGER)
    path = open_engagement(client, firm, manager)
    vendor = db_session.get(Vendor, firm.id)
    vendor.status = VendorStatus.SUSPENDED
    db_session.commit()
    response = record(client, path, disclosure_form(manager, override_reason="Urgent."))
    assert response.status_code == 422
    page = text_of(response)
    assert "The firm is suspended: no client data may go to it" in page
    assert "cannot be overridden" in page
    vendor.status = VendorStatus.OFFBOARDED
    db_session.commit()
    assert "The firm is offboarded: nothing may be shared with it any more." in text_of(
        record(client, path, disclosure_form(manager, override_reason="Urgent.")))
    assert disclosures(db_session) == []
    refused = post(client, f"/sharing/engagements/new/{firm.id}", {
        "title": "t", "client_reference": "c", "purpose": "p", "starts_on": "2026-11-23",
        "planned_end_on": "2026-12-23", "owner_id": manager.id})
    assert refused.status_code == 422
    assert "This firm is offboarded: no engagement can be opened with it." in text_of(refused)


def test_approval_with_conditions_allows_it_and_shows_the_open_conditions_first(
        app, db_session, client, login_as, approved_firm, frozen_clock):
    firm = approved_firm(outcome="approved_with_conditions",
                         conditions=("Laptops are not encrypted",))
    user = login_as(Role.PROCUREMENT)
    path = open_engagement(client, firm, user)
    assert "Laptops are not encrypted" in text_of(client.get(path))  # before anything is typed
    checked = record(client, path, disclosure_form(user, action="check"))
    assert checked.status_code == 200
    page = text_of(checked)
    assert "It may go." in page
    assert "The firm was approved with conditions; 1 still open:" in page
    assert disclosures(db_session) == []  # checking saves nothing
    response = record(client, path, disclosure_form(user))
    assert response.status_code == 302
    assert "Laptops are not encrypted" in text_of(client.get(response.headers["Location"]))
    [disclosure] = disclosures(db_session)
    assert not disclosure.overridden
    [recorded] = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "disclosure.recorded"))
    assert "open_conditions" in recorded.details


def test_categories_added_to_the_intake_after_the_approval_need_a_new_decision(
        app, db_session, client, login_as, approved_firm, frozen_clock):
    firm = approved_firm(categories=(IDENTITY,))
    vendor = db_session.get(Vendor, firm.id)
    vendor.categories.append(VendorDataCategory(category=FINANCIAL))
    db_session.commit()
    user = login_as(Role.PROCUREMENT)
    path = open_engagement(client, firm, user)
    page = text_of(record(client, path, disclosure_form(user, categories=["financial"])))
    assert ("does not cover financial and transaction records, added to its intake since: a new "
            "decision must cover them first.") in page
    assert record(client, path, disclosure_form(user)).status_code == 302  # identity is covered


def test_bad_input_gets_a_clear_message_and_nothing_typed_is_lost(
        app, db_session, client, login_as, approved_firm, frozen_clock):
    firm = approved_firm()
    user = login_as(Role.PROCUREMENT)
    path = open_engagement(client, firm, user)
    cases = [
        ({"return_by": "2026-11-01"}, "The return-by date cannot be before the disclosure date."),
        ({"disclosed_on": "2026-11-26"}, "cannot be recorded more than a day before it is made"),
        ({"disclosed_on": "2026-11-01"}, "The engagement starts on 2026-11-20"),
        ({"categories": ["identity", "dna_samples"]}, "Unknown kind of client data: dna_samples"),
        ({"categories": []}, "Say which kinds of client data were sent."),
        ({"approx_count": "0"}, "at least 1"),
        ({"approx_count": "-5"}, "at least 1"),
        ({"approx_count": "many"}, "Not a valid integer value"),
        ({"return_by": ""}, "Give the disclosure date and the date by which"),
        ({"channel": "carrier_pigeon"}, "Not a valid choice"),
        ({"approved_by_id": "999999"}, "Choose who approved sending it"),
    ]
    for change, message in cases:
        response = record(client, path, disclosure_form(user, **change))
        assert response.status_code == 422, message
        page = text_of(response)
        assert message in page, message
        assert 'name="disclosed_on"' in page  # the form is back
    assert disclosures(db_session) == []

    bad_dates = post(client, f"/sharing/engagements/new/{firm.id}", {
        "title": "Transfer of equity", "client_reference": "某客户", "purpose": "Equity transfer",
        "starts_on": "2026-12-01", "planned_end_on": "2026-11-01", "owner_id": user.id})
    assert bad_dates.status_code == 422
    assert "The planned end cannot be before the start." in text_of(bad_dates)
    assert "Transfer of equity" in text_of(bad_dates)
    missing = post(client, f"/sharing/engagements/new/{firm.id}", {
        "title": "", "client_reference": "", "purpose": "", "starts_on": "",
        "planned_end_on": "", "owner_id": user.id})
    assert "Give the engagement a short title." in text_of(missing)
    assert len(db_session.scalars(select(Engagement)).all()) == 1  # only the first one


def test_editing_from_a_stale_form_is_refused_and_a_closed_engagement_takes_no_more_data(
        app, db_session, client, login_as, approved_firm, frozen_clock):
    firm = approved_firm()
    user = login_as(Role.PROCUREMENT)
    path = open_engagement(client, firm, user)
    edit = f"{path}/edit"
    stale = csrf_token(client, edit)
    page = text_of(client.get(edit))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    fields = {"title": "Deregistration, phase 2", "client_reference": "上海示例贸易有限公司",
              "purpose": "Same.", "starts_on": "2026-11-20", "planned_end_on": "2027-04-30",
              "owner_id": user.id, "version": version}
    assert client.post(edit, data={"csrf_token": stale, **fields}).status_code == 302
    again = client.post(edit, data={"csrf_token": stale, **fields, "title": "Other"})
    assert again.status_code == 422
    assert "Someone changed this engagement meanwhile" in text_of(again)

    record(client, path, disclosure_form(user))
    engagement = db_session.scalars(select(Engagement)).one()
    db_session.refresh(engagement)
    closed = post(client, f"{path}/close", {"version": engagement.version}, path)
    assert closed.status_code == 302
    db_session.expire_all()
    engagement = db_session.get(Engagement, engagement.id)
    assert engagement.status == EngagementStatus.CLOSED and engagement.closed_on == date(
        2026, 11, 23)
    page = text_of(client.get(path))
    assert "return or destruction to be confirmed" in page
    assert 'name="approx_count"' not in page  # no form on a closed engagement
    [held] = disclosures(db_session)
    assert held.holding == Holding.HELD  # closing is not returning
    late = client.post(f"{path}/disclosures", data={"csrf_token": csrf_token(client, "/sharing/"),
                                                   **disclosure_form(user)})
    assert late.status_code == 422 and "This engagement is closed" in text_of(late)


def seed_register(db_session, approved_firm, make_user):
    """Two firms and four disclosures made through the service: identity by upload, financial
    by courier (past its return date), contact by email (overridden), and one at the other
    firm."""
    law = approved_firm(categories=(IDENTITY, CONTACT, FINANCIAL))
    other = approved_firm("=HYPERLINK(\"http://x\")", categories=(IDENTITY,))
    owner = make_user(Role.PROCUREMENT, name="王芳")
    manager = make_user(Role.MANAGER, name="张伟")

    def engagement(firm, title):
        return sharing.open_engagement(db_session, TEST_ACTOR, firm.id, sharing.EngagementDetails(
            title, "上海示例贸易有限公司", "Deregistration.", date(2026, 1, 1), date(2027, 6, 30),
            owner.id))

    def disclose(e, categories, channel, on, back, actor=TEST_ACTOR, reason=None):
        return sharing.record_disclosure(db_session, actor, e.id, sharing.DisclosureDetails(
            categories, 10, CountUnit.RECORDS, channel, on, back, owner.id), Cadence(),
            override_reason=reason)[0]

    first, second = engagement(law, "=SUM(A1) deregistration"), engagement(other, "Audit")
    disclose(first, ["identity"], Channel.ENCRYPTED_UPLOAD, date(2026, 11, 2), date(2027, 1, 1))
    disclose(first, ["financial"], Channel.PAPER_COURIER, date(2026, 10, 1), date(2026, 11, 1))
    vendor = db_session.get(Vendor, law.id)
    vendor.categories = [c for c in vendor.categories if c.category != CONTACT]  # contact leaves
    db_session.flush()
    overridden = disclose(first, ["contact", "identity"], Channel.ENCRYPTED_EMAIL,
                          date(2026, 11, 20), date(2027, 2, 1),
                          Actor(manager.id, Role.MANAGER.value, "local"), "Client asked.")
    disclose(second, ["identity"], Channel.ENCRYPTED_UPLOAD, date(2026, 11, 21),
             date(2027, 1, 31))
    db_session.commit()
    return law, other, overridden


def test_the_register_filters_and_exports_every_match(app, db_session, client, login_as,
                                                      approved_firm, make_user, frozen_clock):
    _law, _other, overridden = seed_register(db_session, approved_firm, make_user)
    assert overridden.overridden
    login_as(Role.MANAGER)

    def shown(query: str) -> int:
        page = text_of(client.get(f"/sharing/?{query}"))
        return int(re.search(r'Disclosure register <span class="count">(\d+)', page).group(1))

    assert shown("") == 4
    assert shown("category=identity") == 3
    assert shown("channel=paper_courier") == 1
    assert shown("overridden=1") == 1
    assert shown("overdue=1") == 1  # the courier's return date has passed
    assert shown("holding=held&q=hyperlink") == 1
    assert shown("category=not-a-category&channel=nope") == 4  # ignored, not an error

    response = client.get("/sharing/export.csv?category=identity")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == list(sharing.EXPORT_COLUMNS) and len(rows) == 4
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    row = by_id[str(overridden.id)]
    assert row["firm"] == "上海衡信律师事务所" and row["client_reference"] == "上海示例贸易有限公司"
    assert row["engagement"] == "'=SUM(A1) deregistration"  # defused
    assert row["categories"] == "identity contact" and row["overridden"] == "yes"
    assert row["override_reason"] == "Client asked." and row["overridden_by"] == "张伟"
    assert "does not declare contact details" in row["refused_because"]
    assert any(r["firm"].startswith("'=HYPERLINK") for r in by_id.values())
    [export] = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "disclosure.export"))
    assert '"rows":3' in export.details and "HYPERLINK" not in export.details


def test_the_lists_cost_the_same_queries_however_many_disclosures(
        app, db_session, client, login_as, approved_firm, make_user, frozen_clock):
    law, _other, _overridden = seed_register(db_session, approved_firm, make_user)
    login_as(Role.MANAGER)
    engagement = db_session.scalars(select(Engagement).where(Engagement.vendor_id == law.id)).one()
    paths = ["/sharing/", "/sharing/export.csv", f"/sharing/engagements/{engagement.id}",
             "/sharing/engagements/", f"/vendors/{law.id}", "/dashboard"]
    before = [statements_for(app, client, p) for p in paths]
    approver = db_session.scalars(select(Disclosure)).first().approved_by_id
    for day in range(3, 13):
        sharing.record_disclosure(db_session, TEST_ACTOR, engagement.id, sharing.DisclosureDetails(
            ["identity"], day, CountUnit.RECORDS, Channel.ENCRYPTED_UPLOAD, date(2026, 11, day),
            date(2027, 1, 1), approver), Cadence())
    more = approved_firm("Another firm")
    sharing.open_engagement(db_session, TEST_ACTOR, more.id, sharing.EngagementDetails(
        "t", "c", "p", date(2026, 11, 1), date(2027, 1, 1), approver))
    db_session.commit()
    assert [statements_for(app, client, p) for p in paths] == before


def test_the_dashboard_lists_firms_holding_data_the_worrying_ones_first(
        app, db_session, client, login_as, approved_firm, make_user, frozen_clock):
    fine = approved_firm("A fine firm")
    lapsed = approved_firm("B firm whose NDA lapsed")
    late = approved_firm("C firm overdue for reassessment")
    idle = approved_firm("D firm holding nothing")
    owner = make_user(Role.PROCUREMENT)
    for firm in (fine, lapsed, late):
        e = sharing.open_engagement(db_session, TEST_ACTOR, firm.id, sharing.EngagementDetails(
            "t", "c", "p", date(2026, 1, 1), date(2027, 1, 1), owner.id))
        sharing.record_disclosure(db_session, TEST_ACTOR, e.id, sharing.DisclosureDetails(
            ["identity"], 5, CountUnit.DOCUMENTS, Channel.IN_PERSON, date(2026, 11, 1),
            date(2026, 12, 31), owner.id), Cadence())
    db_session.scalar(select(Agreement).where(Agreement.vendor_id == lapsed.id)).expires_on = \
        date(2026, 11, 10)
    db_session.get(Vendor, late.id).last_decided_at = datetime(2023, 1, 1, tzinfo=UTC)
    db_session.commit()
    login_as(Role.MANAGER)
    page = text_of(client.get("/dashboard"))
    section = page[page.index('id="holders-heading"'):]
    assert section.index(fine.name) > max(section.index(lapsed.name), section.index(late.name))
    assert idle.name not in section
    assert "no NDA in force" in section and "reassessment overdue" in section
    tile = re.search(r'<span class="big">(\d+)</span>firms holding client data with an NDA', page)
    assert tile.group(1) == "2"
    late_page = text_of(client.get(f"/vendors/{late.id}"))
    assert "its reassessment is overdue" in late_page


def test_a_partner_sees_what_its_firm_holds_of_ours_and_nothing_internal(
        app, db_session, client, approved_firm, make_user, frozen_clock):
    law, _other, overridden = seed_register(db_session, approved_firm, make_user)
    partner = make_user(Role.PARTNER, email="li.na@hengxin.example.com", vendor_id=law.id)
    login(client, partner.email)
    page = text_of(client.get("/partner/sharing/"))
    assert "=SUM(A1) deregistration" in page and "上海示例贸易有限公司" in page
    assert page.count("<tr>") == 4  # its three disclosures and the header, not the other firm's
    for internal in ("Client asked.", "张伟", "王芳", "Override", "does not declare"):
        assert internal not in page
    assert client.get("/sharing/").status_code == 403
    assert client.get(f"/sharing/engagements/{overridden.engagement_id}").status_code == 403


# --- asking the data back ---------------------------------------------------------------------

def requests_made(db_session) -> list[DestructionRequest]:
    db_session.expire_all()
    return list(db_session.scalars(select(DestructionRequest).order_by(DestructionRequest.id)))


def request_emails(db_session) -> list[OutboxEmail]:
    db_session.expire_all()
    return list(db_session.scalars(select(OutboxEmail).where(
        OutboxEmail.kind == "destruction_request").order_by(OutboxEmail.id)))


def test_closing_an_engagement_asks_for_exactly_its_data_back(
        app, db_session, client, login_as, approved_firm, frozen_clock):
    firm = approved_firm()
    user = login_as(Role.PROCUREMENT)
    first = open_engagement(client, firm, user)
    record(client, first, disclosure_form(user))
    second = open_engagement(client, firm, user, title="Annual filing")
    record(client, second, disclosure_form(user, categories=["contact"], approx_count="7",
                                           count_unit="records", channel="encrypted_email"))
    engagement = db_session.scalar(select(Engagement).order_by(Engagement.id))
    post(client, f"{first}/close", {"version": engagement.version}, first)

    [request] = requests_made(db_session)
    assert request.engagement_id == engagement.id and "closed" in request.reason
    [email] = request_emails(db_session)
    assert "identity; about 40 documents (encrypted upload)" in email.body_text
    assert "about 7 records" not in email.body_text  # the other engagement's stays
    token = re.search(r"/certificate/(\S+)", email.body_text).group(1)
    firm_side = app.test_client()
    firm_side.get(f"/certificate/{token}")
    assert "about 40" in text_of(firm_side.get("/certificate/upload"))
    firm_side.post("/certificate/upload", data={
        "csrf_token": csrf_token(firm_side, "/certificate/upload"),
        "certificate": (io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "return.pdf")},
        content_type="multipart/form-data")
    post(client, f"/offboarding/requests/{request.id}/confirm",
         {"outcome": "returned", "note": ""}, f"/vendors/{firm.id}")
    returned, kept = disclosures(db_session)
    assert (returned.holding, returned.returned_or_destroyed_on) == (Holding.RETURNED,
                                                                    date(2026, 11, 23))
    assert kept.holding == Holding.HELD


def test_data_past_its_return_date_is_asked_back_once(app, db_session, client, login_as,
                                                      approved_firm, frozen_clock):
    firm = approved_firm()
    user = login_as(Role.PROCUREMENT)
    path = open_engagement(client, firm, user)
    record(client, path, disclosure_form(user, return_by="2026-11-30"))
    settings = offboarding.OffboardingSettings(180, 30, "http://portal.example.com", "Test Co")

    def sweep() -> int:
        with get_db(app).new_session() as session:
            return offboarding.request_overdue_returns(session, settings, frozen_clock().date())

    assert sweep() == 0
    frozen_clock.advance(days=8)
    assert sweep() == 1 and sweep() == 0
    [request] = requests_made(db_session)
    assert "has passed" in request.reason and request.engagement_id is not None


def test_offboarding_closes_the_engagements_and_asks_for_everything_back(
        app, db_session, client, login_as, approved_firm, frozen_clock):
    firm = approved_firm()
    user = login_as(Role.PROCUREMENT)
    for title in ("One", "Two"):
        path = open_engagement(client, firm, user, title=title)
        record(client, path, disclosure_form(user))
    page = f"/vendors/{firm.id}"
    version = re.search(r'name="version"[^>]*value="(\d+)"', client.get(page).get_data(
        as_text=True)).group(1)
    post(client, f"/vendors/{firm.id}/offboard", {"reason": "contract ended",
                                                  "version": version}, page)
    db_session.expire_all()
    assert {e.status for e in db_session.scalars(select(Engagement))} == {
        EngagementStatus.CLOSED}
    [request] = requests_made(db_session)
    assert request.engagement_id is None
    assert request_emails(db_session)[0].body_text.count("about 40 documents") == 2
    request.certificate_storage, request.certificate_at = "a" * 64, frozen_clock()
    db_session.commit()
    post(client, f"/offboarding/requests/{request.id}/confirm",
         {"outcome": "destroyed", "note": ""}, page)
    assert {d.holding for d in disclosures(db_session)} == {Holding.DESTROYED}
