"""Procurement registers, finds and maintains partner firms."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_token, statements_for
from vendorrisk.accounts.roles import Role
from vendorrisk.audit.models import AuditEvent
from vendorrisk.vendors.domain import Criticality, DataCategory, RiskTier, VendorKind, VendorStatus
from vendorrisk.vendors.models import Vendor


def intake_form(client, **changes):
    data = {
        "csrf_token": csrf_token(client, "/vendors/new"),
        "name": "上海衡信律师事务所 (Shanghai Hengxin Law Firm)",
        "kind": "law_firm",
        "services": "Deregistration filings and creditor announcements",
        "city": "上海",
        "website": "https://hengxin.example.com",
        "data_categories": ["identity", "contact", "financial"],
        "record_count": "5000",
        "stores_data": "y",
        "uses_subcontractors": "y",
        "criticality": "high",
        "owner_id": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_procurement_registers_a_firm_and_sees_its_tier_and_why(client, login_as, db_session):
    login_as(Role.PROCUREMENT)
    response = client.post("/vendors/new", data=intake_form(client))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "上海衡信律师事务所 (Shanghai Hengxin Law Firm)" in page
    assert "Inherent risk: Critical" in page
    assert "Handles bank and transaction records (+3)" in page
    assert "Keeps client data on its own systems (+2)" in page
    vendor = db_session.scalar(select(Vendor).where(Vendor.name.startswith("上海衡信")))
    assert vendor.tier == RiskTier.CRITICAL
    assert vendor.status == VendorStatus.ONBOARDING
    assert vendor.data_categories == {DataCategory.IDENTITY, DataCategory.CONTACT,
                                      DataCategory.FINANCIAL}


def test_a_small_contact_only_vendor_is_low_tier(client, login_as, db_session):
    login_as(Role.PROCUREMENT)
    client.post("/vendors/new", data=intake_form(
        client, name="Helpdesk Co", kind="it_service", data_categories=["contact"],
        record_count="40", stores_data=None, uses_subcontractors=None, criticality="low"))
    vendor = db_session.scalar(select(Vendor).where(Vendor.name == "Helpdesk Co"))
    assert vendor.tier == RiskTier.LOW


def test_bad_intake_is_refused_with_messages_and_keeps_what_was_typed(client, login_as):
    login_as(Role.PROCUREMENT)
    response = client.post("/vendors/new", data=intake_form(
        client, record_count="-5", kind="space_agency", website="not a url"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not a valid choice" in html
    assert "Number must be between 0 and 1000000000" in html or "between 0" in html
    assert "Invalid URL" in html
    assert "Deregistration filings and creditor announcements" in html  # nothing typed is lost
    assert "上海衡信律师事务所" in html


def test_a_duplicate_firm_name_is_refused(client, login_as, make_vendor):
    login_as(Role.PROCUREMENT)
    make_vendor(name="Hengxin Law")
    response = client.post("/vendors/new", data=intake_form(client, name="  hengxin   LAW "))
    assert response.status_code == 200
    assert "already registered" in response.get_data(as_text=True)


def test_editing_the_intake_recomputes_the_tier(client, login_as, make_vendor, db_session):
    login_as(Role.PROCUREMENT)
    vendor = make_vendor(data_categories=frozenset({DataCategory.CONTACT}), record_count=10,
                         criticality=Criticality.LOW)
    assert vendor.tier == RiskTier.LOW
    form_page = client.get(f"/vendors/{vendor.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', form_page).group(1)
    data = intake_form(client, name=vendor.name, version=version,
                       data_categories=["financial", "business_secrets"], record_count="50000")
    assert client.post(f"/vendors/{vendor.id}/edit", data=data).status_code == 302
    db_session.expire_all()
    assert db_session.get(Vendor, vendor.id).tier == RiskTier.CRITICAL


def test_a_stale_edit_is_refused_and_the_newer_change_kept(client, login_as, make_vendor,
                                                           db_session):
    login_as(Role.PROCUREMENT)
    vendor = make_vendor(city="Shanghai")
    stale_version = str(vendor.version)
    first = intake_form(client, name=vendor.name, city="Beijing", version=stale_version)
    assert client.post(f"/vendors/{vendor.id}/edit", data=first).status_code == 302
    second = intake_form(client, name=vendor.name, city="Shenzhen", version=stale_version)
    response = client.post(f"/vendors/{vendor.id}/edit", data=second)
    assert response.status_code == 200
    assert "Someone else changed this firm" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Vendor, vendor.id).city == "Beijing"


def test_lifecycle_status_changes_and_impossible_moves_are_explained(client, login_as,
                                                                      make_vendor, db_session):
    login_as(Role.PROCUREMENT)
    vendor = make_vendor()

    def move(status: str):
        page = client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
        version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
        return client.post(f"/vendors/{vendor.id}/status", data={
            "csrf_token": csrf_token(client, f"/vendors/{vendor.id}"), "status": status,
            "version": version}, follow_redirects=True)

    assert "Status changed." in move("active").get_data(as_text=True)
    refused = move("onboarding").get_data(as_text=True)
    assert "cannot become onboarding" in refused
    # Offboarding has its own form (tests/integration/test_offboarding.py).
    assert "Choose a valid status" in move("offboarded").get_data(as_text=True)
    assert "Status changed." in move("suspended").get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Vendor, vendor.id).status == VendorStatus.SUSPENDED


def test_contacts_are_added_listed_and_removed(client, login_as, make_vendor):
    login_as(Role.PROCUREMENT)
    vendor = make_vendor()
    response = client.post(f"/vendors/{vendor.id}/contacts", data={
        "csrf_token": csrf_token(client, f"/vendors/{vendor.id}"), "name": "李娜",
        "email": "Li.Na@Hengxin.example.com", "role": "合伙人", "phone": "+86 21 5555 0101"})
    assert response.status_code == 302
    page = client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
    assert "李娜" in page and "li.na@hengxin.example.com" in page and "primary" in page
    contact_id = re.search(r"/contacts/(\d+)/delete", page).group(1)
    client.post(f"/vendors/{vendor.id}/contacts/{contact_id}/delete",
                data={"csrf_token": csrf_token(client, f"/vendors/{vendor.id}")})
    assert "李娜" not in client.get(f"/vendors/{vendor.id}").get_data(as_text=True)


def test_a_bad_contact_shows_the_error_on_the_firm_page(client, login_as, make_vendor):
    login_as(Role.PROCUREMENT)
    vendor = make_vendor()
    response = client.post(f"/vendors/{vendor.id}/contacts", data={
        "csrf_token": csrf_token(client, f"/vendors/{vendor.id}"), "name": "Bad Email",
        "email": "not-an-email"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Bad Email" in html and ("Invalid email" in html or "valid email" in html)


def test_managers_see_firms_but_cannot_change_them(client, login_as, make_vendor):
    login_as(Role.MANAGER)
    vendor = make_vendor()
    page = client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
    assert vendor.name in page
    assert "Edit intake" not in page and "Add contact" not in page
    assert client.get(f"/vendors/{vendor.id}/edit").status_code == 403


def test_the_list_searches_filters_sorts_and_pages(client, login_as, make_vendor):
    login_as(Role.MANAGER)
    for n in range(30):
        make_vendor(name=f"Accounting {n:02d}", kind=VendorKind.ACCOUNTING_FIRM)
    make_vendor(name="上海衡信律师事务所", kind=VendorKind.LAW_FIRM, city="上海",
                data_categories=frozenset({DataCategory.FINANCIAL}), record_count=50_000,
                stores_data=True, criticality=Criticality.HIGH)
    html = client.get("/vendors/?q=衡信").get_data(as_text=True)
    assert "上海衡信律师事务所" in html and "Accounting 00" not in html
    html = client.get("/vendors/?kind=law_firm").get_data(as_text=True)
    assert "上海衡信律师事务所" in html and "Accounting 0" not in html
    html = client.get("/vendors/?tier=critical").get_data(as_text=True)
    assert "上海衡信律师事务所" in html and "Accounting 0" not in html
    first = client.get("/vendors/?kind=accounting_firm&sort=name").get_data(as_text=True)
    assert "Accounting 00" in first and "Accounting 25" not in first and "Page 1 of 2" in first
    second = client.get("/vendors/?kind=accounting_firm&sort=name&page=2").get_data(as_text=True)
    assert "Accounting 25" in second and "Accounting 00" not in second
    desc = client.get("/vendors/?sort=tier&dir=desc").get_data(as_text=True)
    assert desc.index("上海衡信律师事务所") < desc.index("Accounting 29")
    assert client.get("/vendors/?page=999&tier=bogus&owner=x").status_code == 200


def test_search_treats_like_wildcards_literally(client, login_as, make_vendor):
    login_as(Role.MANAGER)
    make_vendor(name="100% Audit")
    make_vendor(name="Plain Audit")
    html = client.get("/vendors/?q=100%25").get_data(as_text=True)
    assert "100% Audit" in html and "Plain Audit" not in html


def test_the_list_issues_the_same_number_of_queries_however_many_firms(app, client, login_as,
                                                                       make_vendor):
    login_as(Role.MANAGER)
    for _ in range(3):
        make_vendor()
    small = statements_for(app, client, "/vendors/?sort=tier")
    for _ in range(60):
        make_vendor()
    large = statements_for(app, client, "/vendors/?sort=tier")
    assert small == large


def test_viewing_and_changing_a_firm_is_audited(client, login_as, make_vendor, db_session):
    user = login_as(Role.PROCUREMENT)
    vendor = make_vendor()
    client.get(f"/vendors/{vendor.id}")
    client.get("/vendors/?tier=high")
    actions = db_session.execute(
        select(AuditEvent.action, AuditEvent.object_id, AuditEvent.actor_id, AuditEvent.ip)
        .where(AuditEvent.actor_id == user.id)).all()
    assert ("vendor.view", str(vendor.id), user.id, "127.0.0.1") in actions
    assert any(action == "vendor.list" for action, *_ in actions)


def test_the_dashboard_shows_the_register_at_a_glance(client, login_as, make_vendor):
    user = login_as(Role.PROCUREMENT)
    make_vendor(name="Risky Onboarding", data_categories=frozenset({DataCategory.FINANCIAL}),
                record_count=50_000, stores_data=True, criticality=Criticality.HIGH,
                owner_id=user.id)
    make_vendor(name="Calm Onboarding", data_categories=frozenset({DataCategory.CONTACT}),
                record_count=5, criticality=Criticality.LOW)
    html = client.get("/dashboard").get_data(as_text=True)
    onboarding = html.split("Still onboarding, riskiest first")[1].split("</section>")[0]
    assert onboarding.index("Risky Onboarding") < onboarding.index("Calm Onboarding")
    mine = html.split("Firms you own")[1]
    assert "Risky Onboarding" in mine and "Calm Onboarding" not in mine
