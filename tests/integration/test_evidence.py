"""Partners attach evidence; only real files of allowed types get in, and only the right people
get them out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, login
from tests.partner_helpers import PDF, docx, upload
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments.models import Answer, EvidenceFile


def test_a_partner_attaches_a_pdf_and_downloads_it_back(client, evidence_setup, db_session):
    _firm, sent, partner, folder = evidence_setup
    login(client, partner.email)
    response = upload(client, sent.id, {"policy": ("保密制度 2026.pdf", PDF)})
    assert response.status_code == 302
    page = client.get(f"/partner/assessments/{sent.id}/policies").get_data(as_text=True)
    assert "保密制度 2026.pdf" in page and "1 of 2 required questions answered" in page
    link = re.search(r'href="(/partner/evidence/\d+)"', page).group(1)
    download = client.get(link)
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/octet-stream"
    stored = db_session.scalar(select(EvidenceFile))
    on_disk = [p for p in folder.rglob("*") if p.is_file()]
    assert [p.name for p in on_disk] == [stored.storage_name]  # a random name, not the original
    assert "static" not in str(on_disk[0])
    assert b"%PDF" not in on_disk[0].read_bytes()  # encrypted at rest


def test_office_documents_and_text_are_accepted(client, evidence_setup):
    _firm, sent, partner, _folder = evidence_setup
    login(client, partner.email)
    assert upload(client, sent.id, {"policy": ("policy.docx", docx())}).status_code == 302
    assert upload(client, sent.id, {"staff-ndas": ("list.csv", "名字,日期\n".encode())},
                  {"staff-ndas": "yes"}).status_code == 302


@pytest.mark.parametrize("name,content,message", [
    ("policy.exe", b"MZ\x90\x00", "not a file type the portal accepts"),
    ("page.html", b"<script>alert(1)</script>", "not a file type the portal accepts"),
    ("fake.pdf", b"just some text", "does not contain what its name says"),
    ("fake.docx", b"PK\x03\x04not a zip", "does not contain what its name says"),
    ("binary.txt", b"\x00\x01\x02", "does not contain what its name says"),
    ("empty.pdf", b"", "is empty"),
])
def test_wrong_files_are_refused_and_the_answers_beside_them_are_kept(
        client, evidence_setup, db_session, name, content, message):
    _firm, sent, partner, folder = evidence_setup
    login(client, partner.email)
    response = upload(client, sent.id, {"policy": (name, content)}, {"staff-ndas": "yes"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db_session.scalar(select(EvidenceFile)) is None
    assert db_session.scalar(select(Answer).where(Answer.question_id == "staff-ndas"))
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_a_file_over_the_size_cap_gets_a_clear_message(app, client, evidence_setup):
    _firm, sent, partner, _folder = evidence_setup
    login(client, partner.email)
    app.config["EVIDENCE_MAX_BYTES"] = 1024
    try:
        response = upload(client, sent.id, {"policy": ("big.pdf", PDF + b"0" * 2048)})
    finally:
        app.config["EVIDENCE_MAX_BYTES"] = 20 * 1024 * 1024
    assert response.status_code == 422 and "the limit is" in response.get_data(as_text=True)


def test_a_removed_file_is_gone_from_page_and_disk(client, evidence_setup):
    _firm, sent, partner, folder = evidence_setup
    login(client, partner.email)
    upload(client, sent.id, {"policy": ("policy.pdf", PDF)})
    page = client.get(f"/partner/assessments/{sent.id}/policies").get_data(as_text=True)
    remove = re.search(r'formaction="(/partner/evidence/\d+/remove)"', page).group(1)
    token = csrf_token(client, f"/partner/assessments/{sent.id}/policies")
    assert client.post(remove, data={"csrf_token": token}).status_code == 302
    assert "policy.pdf" not in client.get(
        f"/partner/assessments/{sent.id}/policies").get_data(as_text=True)
    assert not any(p.is_file() for p in Path(folder).rglob("*"))


def test_evidence_reaches_the_firm_and_reviewers_and_nobody_else(app, client, evidence_setup,
                                                                 make_vendor, make_user,
                                                                 login_as, db_session):
    _firm, sent, partner, _folder = evidence_setup
    login(client, partner.email)
    upload(client, sent.id, {"policy": ("policy.pdf", PDF)})
    item = db_session.scalar(select(EvidenceFile))
    stranger_firm = make_vendor(name="Other Firm")
    stranger = make_user(Role.PARTNER, email="s@other.example.com", vendor_id=stranger_firm.id)
    browser = app.test_client()
    login(browser, stranger.email)
    assert browser.get(f"/partner/evidence/{item.id}").status_code == 404
    assert browser.post(f"/partner/evidence/{item.id}/remove",
                        data={"csrf_token": csrf_token(browser, "/partner/")}).status_code == 404
    assert browser.get(f"/assessments/evidence/{item.id}").status_code == 403
    reviewer = app.test_client()
    login(reviewer, make_user(Role.PROCUREMENT).email)
    assert reviewer.get(f"/assessments/evidence/{item.id}").data == PDF
