"""A real browser (Debian's Chromium driven by Playwright) signs in and registers a firm."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, TEST_ACTOR, make_app, vendor_details
from tests.databases import scratch_database
from tests.integration.test_answering import QUESTIONNAIRE as ANSWER_TEST
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments import service as assessments
from vendorrisk.db import get_db, unit_of_work
from vendorrisk.migrate import upgrade
from vendorrisk.vendors import service as vendors

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps reaching for Google's services on this closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("questionnaires")
    (folder / "answer-test.yaml").write_text(ANSWER_TEST, encoding="utf-8")
    with scratch_database(tmp_path_factory.mktemp("e2e"), "e2e") as url:
        app = make_app(url, QUESTIONNAIRES_DIR=str(folder),
                       UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")))
        upgrade(get_db(app).engine)
        with unit_of_work(app) as session:
            accounts.create_user(session, TEST_ACTOR, email="chen.jing@example.com",
                                 name="陈静", role=Role.PROCUREMENT, password=PASSWORD,
                                 min_length=12)
            firm = vendors.register_vendor(session, TEST_ACTOR, vendor_details(name="Partner LLP"))
            contact = vendors.add_contact(session, TEST_ACTOR, firm.id, name="Li Na",
                                          email="li.na@partner.example.com", role="", phone="",
                                          is_primary=True)
            assessments.send(session, TEST_ACTOR, assessments.Portal(
                "Test Co", "http://127.0.0.1", timedelta(days=14)), folder,
                assessments.SendRequest(firm.id, "answer-test", frozenset({contact.id}),
                                        date.today() + timedelta(days=30)))
            accounts.create_user(session, TEST_ACTOR, email=contact.email, name="Li Na",
                                 role=Role.PARTNER, password=PASSWORD, min_length=12,
                                 vendor_id=firm.id, contact_id=contact.id)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            get_db(app).engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_procurement_signs_in_and_registers_a_firm(live_server, browser):
    page = browser.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{live_server}/vendors/")
        assert "/login" in page.url
        page.fill("input[name=email]", "chen.jing@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/vendors/")
        page.click("text=Register a firm")
        page.fill("input[name=name]", "上海衡信律师事务所")
        page.select_option("select[name=kind]", "law_firm")
        page.fill("textarea[name=services]", "Company deregistration filings")
        for category in ("identity", "financial", "business_secrets"):
            page.check(f"input[name=data_categories][value={category}]")
        page.fill("input[name=record_count]", "12000")
        page.check("input[name=stores_data]")
        page.check("input[name=uses_subcontractors]")
        page.select_option("select[name=criticality]", "high")
        page.click("button:has-text('Register firm')")
        page.wait_for_url("**/vendors/*")
        assert page.locator("h1").inner_text() == "上海衡信律师事务所"
        assert "Inherent risk: Critical" in page.content()
        assert page.locator(".reasons li").count() >= 5
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "vendor-detail.png"), full_page=True)
        page.click("text=Partner firms")
        assert "上海衡信律师事务所" in page.locator("table").inner_text()
        assert console_errors == []  # e.g. nothing blocked by the Content-Security-Policy
    finally:
        page.close()


def test_a_partner_sees_follow_ups_appear_and_answers_save_themselves(live_server, browser):
    from playwright.sync_api import expect

    page = browser.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", "li.na@partner.example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.click("text=Answer test")
        shredder = page.locator("#question-shredder")
        assert shredder.is_hidden()
        page.check("#question-holds-paper input[value=yes]")
        shredder.wait_for(state="visible")  # shown at once, without a reload
        page.check("#question-shredder input[value=micro]")
        page.locator("#autosave-status").filter(has_text="Saved").wait_for()
        page.check("#question-holds-paper input[value=no]")
        shredder.wait_for(state="hidden")  # and hidden again
        page.fill("#question-staff input[type=number]", "7")
        page.locator("#question-staff input[type=number]").blur()
        expect(page.locator("input[name='v-staff']")).to_have_value(re.compile(r"\d+"))
        page.reload()
        assert page.locator("#question-holds-paper input[value=no]").is_checked()
        assert page.locator("#question-staff input[type=number]").input_value() == "7"
        assert shredder.is_hidden()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "partner-section.png"), full_page=True)
        assert console_errors == []  # the script runs under the Content-Security-Policy
    finally:
        page.close()
