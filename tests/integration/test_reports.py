"""PDF reports and CSV exports, read back as their readers would: the PDF's text through pypdf,
a page through pdftoppm, the CSV through the csv module."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import TEST_ACTOR, login
from tests.review_helpers import (
    QUESTIONNAIRE,
    complete_review,
    decide,
    manager_client,
    save,
    submit,
)
from tests.review_helpers import raise_finding as raise_finding_as
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.audit.models import AuditEvent
from vendorrisk.reports import pdf
from vendorrisk.storage import EncryptedFiles, keyring_for
from vendorrisk.vendors.domain import RiskTier

CHINESE_NOTE = "客户档案存放在上海的加密服务器上"


def pdf_text(data: bytes) -> str:
    """The PDF's text without any whitespace: where a line wraps is the layout's business."""
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
                   .split())


def squashed(text: str) -> str:
    return "".join(text.split())


def font_names(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def report_events(db_session) -> list[dict]:
    db_session.expire_all()
    return [json.loads(event.details) for event in db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.download").order_by(AuditEvent.id))]


@pytest.fixture(autouse=True)
def report_cache(app, tmp_path):
    """A cache per test: the rolled-back database reuses ids, and equal HTML is a cache hit."""
    previous = app.config["REPORT_CACHE_DIR"]
    app.config["REPORT_CACHE_DIR"] = str(tmp_path / "report-cache")
    yield
    app.config["REPORT_CACHE_DIR"] = previous


@pytest.fixture
def decided(app, db_session, partner_with, make_user):
    """A high-tier firm that answered (with a note), was reviewed, got a reviewer's finding and
    was approved with conditions; a signed-in manager."""
    firm, sent, partner = partner_with(QUESTIONNAIRE)
    firm.tier = RiskTier.HIGH
    db_session.commit()
    partner_client = app.test_client()
    login(partner_client, partner.email)
    assert save(partner_client, sent.id, {"nda": "no", "encryption": "yes",
                                          "notes": CHINESE_NOTE}).status_code == 302
    assert submit(partner_client, sent.id).status_code == 302
    reviewer = app.test_client()
    login(reviewer, make_user(Role.PROCUREMENT, name="陈静").email)
    raise_finding_as(reviewer, sent.id, title="Laptops are not encrypted")
    complete_review(reviewer, sent.id)
    manager = manager_client(app, make_user)
    decide(manager, sent.id, "approved_with_conditions",
           reason="NDA clause to be added within 30 days.")
    return sent, manager, reviewer


# --- the assessment report --------------------------------------------------------------------

def test_the_assessment_report_tells_the_whole_story(decided):
    sent, manager, _reviewer = decided
    response = manager.get(f"/assessments/{sent.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    text = pdf_text(response.data)
    for expected in (
            "上海衡信律师事务所", "Review test", "version 1.0.0",  # cover
            "Approved with conditions", "NDA clause to be added within 30 days.", "陈静",
            "Contents", "Inherent risk", "Score and residual risk", "Residual risk",
            "Laptops are not encrypted", "Enable full-disk encryption on every laptop.",
            "No NDA is on record for this firm",  # the NDA flag
            "Do you sign an NDA with every client", CHINESE_NOTE,  # every answer
            "Sign-off", "Signature"):
        assert squashed(expected) in text, expected
    pages = len(PdfReader(io.BytesIO(response.data)).pages)
    assert f"1/{pages}" in text and f"{pages}/{pages}" in text  # footer page numbers
    # Chinese is drawn with a CJK font, not as empty boxes in a Latin one.
    assert any("CJK" in name for name in font_names(response.data)), (
        "no CJK font in the PDF: install fonts-noto-cjk")


def test_a_report_waits_for_the_first_submission(client, login_as, make_vendor,
                                                 make_assessment):
    sent = make_assessment(make_vendor())
    login_as(Role.MANAGER)
    response = client.get(f"/assessments/{sent.id}/report.pdf")
    assert response.status_code == 409
    assert "once the partner has submitted" in response.get_data(as_text=True)


def test_partners_get_no_reports(app, decided, db_session):
    sent, _manager, _reviewer = decided
    partner = app.test_client()
    login(partner, "li.na@hengxin.example.com")
    for path in (f"/assessments/{sent.id}/report.pdf", "/reports/portfolio.pdf",
                 "/reports/assessments.csv", "/reports/findings.csv", "/vendors/export.csv"):
        assert partner.get(path).status_code == 403, path


def test_an_unchanged_report_comes_from_the_cache(app, db_session, decided):
    sent, manager, reviewer = decided
    path = f"/assessments/{sent.id}/report.pdf"
    first, second = manager.get(path), manager.get(path)
    assert first.data == second.data
    assert [e["cache"] for e in report_events(db_session)] == ["miss", "hit"]
    raise_finding_as(reviewer, sent.id, title="Visitors are not escorted")
    changed = manager.get(path)
    assert [e["cache"] for e in report_events(db_session)][-1] == "miss"
    assert squashed("Visitors are not escorted") in pdf_text(changed.data)
    cached = EncryptedFiles(Path(app.config["REPORT_CACHE_DIR"]) / f"assessment-{sent.id}",
                            keyring_for(app))
    assert len(list(cached.names())) == 1  # the older copy was removed
    assert b"%PDF" not in next(cached.folder.glob("*/*")).read_bytes()  # kept encrypted


def test_a_report_that_takes_too_long_is_stopped_with_a_clear_message(app, db_session,
                                                                       decided):
    sent, manager, _reviewer = decided
    app.config["REPORT_RENDER_TIMEOUT"] = 0.001
    try:
        response = manager.get(f"/assessments/{sent.id}/report.pdf")
    finally:
        app.config["REPORT_RENDER_TIMEOUT"] = 60
    assert response.status_code == 503
    assert "took longer than 0.001 seconds" in response.get_data(as_text=True)
    assert manager.get(f"/assessments/{sent.id}/report.pdf").status_code == 200
    assert [e["cache"] for e in report_events(db_session)] == ["miss"]  # nothing half-kept


# --- nothing from outside gets into a PDF -----------------------------------------------------

@pytest.fixture
def canary(tmp_path):
    """A secret file and a loopback web server; neither may ever be read by the renderer."""
    secret = tmp_path / "canary.txt"
    secret.write_text("CANARY-SECRET-7f3a", encoding="utf-8")
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(302)  # and were it fetched, a redirect to the secret file
            self.send_header("Location", secret.as_uri())
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield secret, f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def hostile_markup(secret: Path, server: str) -> str:
    return (f'<img src="{secret.as_uri()}"><img src="{server}/img.png">'
            f'<link rel="stylesheet" href="{server}/x.css">'
            f'<link rel="attachment" href="{secret.as_uri()}">'
            f'<a rel="attachment" href="{server}/a.txt">a</a>'
            f'<object data="{secret.as_uri()}"></object><iframe src="{server}/frame"></iframe>'
            f'<style>@import url("{server}/import.css"); '
            f'body {{ background: url("{secret.as_uri()}"); }}</style>'
            f'<svg><image href="{server}/svg.png" width="10" height="10"/></svg>')


def assert_nothing_fetched(data: bytes, hits: list[str]) -> None:
    reader = PdfReader(io.BytesIO(data))
    assert hits == []
    assert "CANARY-SECRET-7f3a" not in pdf_text(data)
    assert b"CANARY-SECRET-7f3a" not in data
    assert reader.attachments == {}
    assert all(not page.images for page in reader.pages)


def test_an_answer_full_of_markup_is_printed_as_text_and_fetches_nothing(
        app, db_session, partner_with, make_user, canary):
    secret, server, hits = canary
    markup = hostile_markup(secret, server)
    _firm, sent, partner = partner_with(QUESTIONNAIRE)
    partner_client = app.test_client()
    login(partner_client, partner.email)
    assert save(partner_client, sent.id, {"nda": "no", "encryption": "yes",
                                          "notes": markup}).status_code == 302
    assert submit(partner_client, sent.id).status_code == 302
    manager = manager_client(app, make_user)
    response = manager.get(f"/assessments/{sent.id}/report.pdf")
    assert response.status_code == 200
    assert squashed(f'<img src="{secret.as_uri()}">') in pdf_text(response.data)
    assert_nothing_fetched(response.data, hits)


def test_the_renderer_itself_loads_only_the_bundled_stylesheet(canary):
    """The second wall, should a template ever let markup through unescaped."""
    secret, server, hits = canary
    html = ('<link rel="stylesheet" href="vendorrisk-asset:report.css">'
            '<header class="page-header">RUNNING-HEADER</header>'
            f'<p>first page</p>{hostile_markup(secret, server)}'
            '<p style="page-break-before: always">second page</p>')
    data = pdf.render(html, timeout=60)
    assert_nothing_fetched(data, hits)
    first, second = (page.extract_text() for page in PdfReader(io.BytesIO(data)).pages[:2])
    # The bundled stylesheet did load: it moves the header into the margin of every page but
    # the first.
    assert "RUNNING-HEADER" not in first and "RUNNING-HEADER" in second


# --- the portfolio report ---------------------------------------------------------------------

def test_the_portfolio_report_has_the_dashboards_figures_and_lists(decided, make_vendor):
    _sent, manager, _reviewer = decided
    make_vendor(name="Quillmark Translation Services")
    response = manager.get("/reports/portfolio.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for expected in ("Vendor risk portfolio", "Key figures", "Risk across the portfolio",
                     "Riskiest firms", "上海衡信律师事务所", "firms without a signed NDA in force",
                     "Quillmark Translation Services", "Overdue work", "Reassessments due"):
        assert squashed(expected) in text, expected


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
def test_a_printed_page_has_ink_where_a_reader_looks(decided, tmp_path):
    from PIL import Image

    sent, manager, _reviewer = decided
    path = tmp_path / "report.pdf"
    path.write_bytes(manager.get(f"/assessments/{sent.id}/report.pdf").data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1",  # noqa: S603, S607
                    "-singlefile", str(path), str(tmp_path / "cover")], check=True)
    cover = Image.open(tmp_path / "cover.png").convert("L")
    width, height = cover.size
    top, bottom = (cover.crop((0, 0, width, height // 2)), cover.crop((0, height // 2, width,
                                                                        height)))
    inked = [sum(half.histogram()[:128]) / (half.width * half.height) for half in (top, bottom)]
    assert 0.002 < inked[0] < 0.3  # the title and the facts
    assert inked[1] < 0.05  # an A4 cover, mostly white below


# --- CSV exports ------------------------------------------------------------------------------

def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # a BOM: spreadsheet programs then read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_firm_export_follows_the_lists_filters_and_flags_missing_ndas(
        app, db_session, client, login_as, make_vendor):
    covered = make_vendor(name="北京恒力会计师事务所")
    make_vendor(name="=HYPERLINK(\"http://evil.example\")")
    today = date.today()
    agreements.record(db_session, TEST_ACTOR,
                      EncryptedFiles(app.config["AGREEMENTS_DIR"], keyring_for(app)), 1024,
                      covered.id, agreements.AgreementDetails(
                          AgreementKind.NDA, AgreementStatus.SIGNED, signed_on=today,
                          effective_on=today, expires_on=today + timedelta(days=365)),
                      agreements.Upload("nda.pdf", b"%PDF-1.7 signed"))
    db_session.commit()
    login_as(Role.PROCUREMENT)
    rows = {row["name"]: row for row in csv_rows(client.get("/vendors/export.csv"))}
    assert rows["北京恒力会计师事务所"]["nda_in_force"] == "yes"
    assert rows["'=HYPERLINK(\"http://evil.example\")"]["nda_in_force"] == "no"  # defused
    assert rows["北京恒力会计师事务所"]["inherent_tier"] in {tier.value for tier in RiskTier}
    missing = {row["name"] for row in csv_rows(client.get("/vendors/export.csv?nda=missing"))}
    assert "北京恒力会计师事务所" not in missing and len(missing) == len(rows) - 1


def test_assessment_and_finding_exports(decided, db_session):
    sent, manager, _reviewer = decided
    [row] = [r for r in csv_rows(manager.get("/reports/assessments.csv"))
             if r["id"] == str(sent.id)]
    assert row["firm"] == "上海衡信律师事务所" and row["decision"] == "approved_with_conditions"
    assert row["status"] == "completed" and row["residual_risk"] and row["score"]
    assert row["reviewer"] == "陈静" and row["last_submitted_on"] == date.today().isoformat()
    findings = [r for r in csv_rows(manager.get("/reports/findings.csv"))
                if r["assessment_id"] == str(sent.id)]
    assert {r["title"] for r in findings} >= {"Laptops are not encrypted"}
    assert {r["overdue"] for r in findings} == {"False"}
    only_closed = csv_rows(manager.get("/reports/findings.csv?status=closed"))
    assert all(r["status"] == "closed" for r in only_closed)
    exported = list(db_session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(("assessment.export", "finding.export")))))
    assert len(exported) == 3
