"""Keys of the data at rest: rotating everything to a new master key and removing the old one,
destroying one firm's key (crypto-shredding), answers sealed in the database, and converting
what was stored before encryption."""

from __future__ import annotations

import io
import itertools
import json
import re
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.conftest import (
    MINI_QUESTIONNAIRE,
    TEST_ACTOR,
    csrf_token,
    login,
    make_app,
    vendor_details,
)
from tests.databases import scratch_database
from tests.partner_helpers import ANSWER_AND_FILE, PDF, upload
from tests.review_helpers import submit
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments import review
from vendorrisk.assessments import service as assessments
from vendorrisk.assessments.models import Answer, EvidenceFile, ReviewComment
from vendorrisk.audit.chain import Actor
from vendorrisk.audit.models import AuditEvent
from vendorrisk.db import get_db, unit_of_work
from vendorrisk.errors import Forbidden
from vendorrisk.keys import service as keys
from vendorrisk.keys.models import VendorKey
from vendorrisk.migrate import downgrade, upgrade
from vendorrisk.storage import EncryptedFiles, create_keyring_file, keyring_for
from vendorrisk.vendors import service as vendors

MARKER = "Shredder-7f3a-石"
SEALED = (("answer", "value_json"), ("answer_change", "value_json"),
          ("submission", "content_json"), ("review_comment", "body"))


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def instance_keys(app, tmp_path, monkeypatch):
    """The app's keys in an instance keyring file (as `keys new` needs), and its own folders."""
    monkeypatch.delenv("VENDORRISK_STORAGE_KEYS")
    previous = app.instance_path, app.config["UPLOAD_DIR"], app.config["AGREEMENTS_DIR"]
    app.instance_path = str(tmp_path / "instance")
    app.config.update(UPLOAD_DIR=str(tmp_path / "uploads"),
                      AGREEMENTS_DIR=str(tmp_path / "agreements"))
    path = tmp_path / "instance" / "storage_keys.json"
    create_keyring_file(path)
    yield path
    app.instance_path = previous[0]
    app.config.update(UPLOAD_DIR=previous[1], AGREEMENTS_DIR=previous[2])


def raw_values(db_session) -> list[str]:
    return [value for table, column in SEALED
            for value in db_session.scalars(text(f"SELECT {column} FROM {table}"))]  # noqa: S608


@pytest.fixture
def firm_answering(app, partner_with, make_user):
    """A firm (named ``name``) whose partner answered with MARKER, attached a PDF and
    submitted; a procurement client that recorded the firm's signed NDA."""
    procurement = app.test_client()
    login(procurement, make_user(Role.PROCUREMENT).email)
    numbers = itertools.count(1)

    def factory(name: str = "上海衡信律师事务所"):
        firm, sent, user = partner_with(ANSWER_AND_FILE, name=name,
                                        email=f"partner{next(numbers)}@example.com")
        partner = app.test_client()
        login(partner, user.email)
        response = upload(partner, sent.id, {"policy": ("policy.pdf", PDF)},
                          {"practice": f"Locked bins, then {MARKER}"})
        assert response.status_code == 302, response.get_data(as_text=True)
        assert submit(partner, sent.id).status_code == 302
        _record_nda(procurement, firm.id)
        return firm, sent, partner, procurement

    return factory


def _record_nda(procurement, vendor_id: int) -> None:
    path = f"/agreements/new/{vendor_id}"
    response = procurement.post(path, data={
        "csrf_token": csrf_token(procurement, path), "kind": "nda", "status": "signed",
        "title": "NDA", "signed_on": "2026-01-05", "effective_on": "2026-01-05",
        "expires_on": "2030-01-05", "review_on": "", "our_signatory": "王芳",
        "their_signatory": "李娜", "survival_months": "60", "notes": "",
        "document": (io.BytesIO(PDF), "nda.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)


def links(client, path: str, pattern: str) -> list[str]:
    return re.findall(pattern, client.get(path).get_data(as_text=True))


def everything_reads(sent, partner_client, procurement, firm) -> None:
    """What users see: the answer, the receipt, the evidence and the agreement."""
    page = partner_client.get(f"/partner/assessments/{sent.id}/policies").get_data(as_text=True)
    assert MARKER in page
    assert MARKER in partner_client.get(f"/partner/assessments/{sent.id}/receipt") \
        .get_data(as_text=True)
    [evidence] = links(partner_client, f"/partner/assessments/{sent.id}/policies",
                       r'href="(/partner/evidence/\d+)"')
    assert partner_client.get(evidence).data == PDF
    [document] = links(procurement, f"/vendors/{firm.id}", r'href="(/agreements/\d+)"')
    [download] = links(procurement, document, r'href="(/agreements/documents/\d+)"')
    assert procurement.get(download).data == PDF


# --- rotation ---------------------------------------------------------------------------------

def test_after_keys_new_and_rotate_everything_reads_without_the_old_key(
        instance_keys, app, db_session, firm_answering):
    firm, sent, partner_client, procurement = firm_answering()
    review.comment(db_session, TEST_ACTOR, sent.id, "practice", f"Quoting: {MARKER}", False)
    db_session.commit()
    old_key = json.loads(instance_keys.read_text())["active"]

    added = cli(app, "keys", "new")
    assert added.exit_code == 0, added.output
    keyring = json.loads(instance_keys.read_text())
    new_key = keyring["active"]
    assert new_key != old_key and set(keyring["keys"]) == {old_key, new_key}
    assert stat.S_IMODE(instance_keys.stat().st_mode) == 0o600
    assert keyring["keys"][new_key] not in added.output  # key material is never printed

    rotated = cli(app, "keys", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "firm keys: 1 rewrapped" in rotated.output
    assert "answer.value_json: 1 re-encrypted" in rotated.output
    assert "evidence files: 1 current" in rotated.output  # under the firm's key: untouched
    status = cli(app, "keys", "status").output
    assert f"{old_key}: 0 firm keys, 0 files, 0 values - holds nothing: can be removed" in status
    assert "Under firms' own keys: 2 files" in status
    again = cli(app, "keys", "rotate")
    assert again.exit_code == 0 and "rewrapped" not in again.output  # nothing left to do

    del keyring["keys"][old_key]
    instance_keys.write_text(json.dumps(keyring))
    assert keyring_for(app).key_ids == {new_key}
    everything_reads(sent, partner_client, procurement, firm)
    db_session.expire_all()
    assert MARKER in db_session.scalar(select(ReviewComment.body))
    assert not any(value.startswith(f"vrf1:{old_key}:") for value in raw_values(db_session))


def test_keys_new_refuses_keys_from_the_environment_and_says_what_to_do(app):
    result = cli(app, "keys", "new")
    assert result.exit_code == 1
    assert "come from VENDORRISK_STORAGE_KEYS" in result.output and "Traceback" not in result.output


def test_a_rotation_that_cannot_open_an_item_says_so_and_does_the_rest(
        instance_keys, app, db_session, firm_answering):
    firm_answering()
    db_session.execute(text("UPDATE answer SET value_json = 'vrf1:gone:AAAAAAAAAAAAAAAAAAAAAAAAAA"
                            "AAAAAAAAAAAAAAAA'"))
    db_session.commit()
    assert cli(app, "keys", "new").exit_code == 0

    result = cli(app, "keys", "rotate")

    assert result.exit_code == 1
    assert "failed: answer.value_json row" in result.output and "no key 'gone'" in result.output
    assert result.output.strip().endswith("Fix them and run keys rotate again.")
    assert "firm keys: 1 rewrapped" in result.output


# --- crypto-shredding ---------------------------------------------------------------------------

def test_destroying_a_firms_key_makes_its_documents_unreadable_and_no_one_elses(
        app, db_session, firm_answering, make_user, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "AGREEMENTS_DIR", str(tmp_path / "agreements"))
    firm_a, sent_a, partner_a, procurement = firm_answering("Firm A")
    firm_b, sent_b, partner_b, _ = firm_answering("Firm B")
    evidence_a = links(partner_a, f"/partner/assessments/{sent_a.id}/policies",
                       r'href="(/partner/evidence/\d+)"')[0]
    documents_a = links(procurement, links(procurement, f"/vendors/{firm_a.id}",
                                           r'href="(/agreements/\d+)"')[0],
                        r'href="(/agreements/documents/\d+)"')

    with pytest.raises(Forbidden):
        keys.destroy_vendor_key(db_session, Actor(make_user(Role.PROCUREMENT).id,
                                                  "procurement", "local"), firm_a.id)
    admin = make_user(Role.ADMIN)
    destroyed = keys.destroy_vendor_key(db_session, Actor(admin.id, "admin", "local"), firm_a.id)
    db_session.commit()

    assert destroyed is not None and destroyed.startswith(f"vendor-{firm_a.id}-")
    for client, path in ((partner_a, evidence_a), (procurement, documents_a[0])):
        page = client.get(path)
        assert page.status_code == 410
        assert "the firm&#39;s encryption key was destroyed" in page.get_data(as_text=True)
    everything_reads(sent_b, partner_b, procurement, firm_b)
    event = db_session.scalar(select(AuditEvent).where(
        AuditEvent.action == "vendor.data_key_destroyed"))
    details = json.loads(event.details)
    assert event.object_id == str(firm_a.id)  # ids only, nothing about the firm
    assert details["key_id"] == destroyed and set(details) == {"key_id", "vendor_key_id"}
    assert keys.destroy_vendor_key(db_session, TEST_ACTOR, firm_a.id) is None  # idempotent
    rotated = cli(app, "keys", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "1 unreadable: their firm's key was destroyed" in rotated.output


def test_a_new_document_after_destruction_gets_a_new_key(app, db_session, evidence_setup):
    firm, sent, partner, _folder = evidence_setup
    client = app.test_client()
    login(client, partner.email)
    assert upload(client, sent.id, {"policy": ("one.pdf", PDF)}).status_code == 302
    first = keys.destroy_vendor_key(db_session, TEST_ACTOR, firm.id)
    db_session.commit()
    assert upload(client, sent.id, {"policy": ("two.pdf", PDF)}).status_code == 302
    second = db_session.scalar(select(VendorKey.key_id).where(VendorKey.vendor_id == firm.id))
    assert second not in (None, first)
    downloads = links(client, f"/partner/assessments/{sent.id}/policies",
                      r'href="(/partner/evidence/\d+)"')
    assert [client.get(link).status_code for link in downloads] == [410, 200]


# --- answers in the database --------------------------------------------------------------------

def test_a_partners_answer_never_reaches_the_database_in_plaintext(
        app, db_session, firm_answering, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "AGREEMENTS_DIR", str(tmp_path / "agreements"))
    _firm, sent, _partner, _procurement = firm_answering()
    review.comment(db_session, TEST_ACTOR, sent.id, "practice", f"Quoting: {MARKER}", False)
    db_session.commit()
    values = raw_values(db_session)
    assert len(values) == 4 and all(value.startswith("vrf1:test:") for value in values)
    assert not any(MARKER in value or "Locked bins" in value for value in values)
    assert db_session.scalar(select(Answer.value_json)) == json.dumps(
        f"Locked bins, then {MARKER}", ensure_ascii=False)
    with pytest.raises(TypeError, match="cannot be searched"):
        select(Answer).where(Answer.value_json == "x")


# --- what was stored before encryption ----------------------------------------------------------

def test_old_plaintext_and_master_sealed_items_are_refused_or_read_then_converted(
        instance_keys, app, db_session, partner_with):
    _firm, sent, partner = partner_with(ANSWER_AND_FILE)
    client = app.test_client()
    login(client, partner.email)
    for name in ("old-plain.pdf", "old-sealed.pdf", "damaged.pdf"):
        answers = {"practice": MARKER} if name == "damaged.pdf" else None
        assert upload(client, sent.id, {"policy": (name, PDF)}, answers).status_code == 302
    plain, sealed, damaged = db_session.scalars(select(EvidenceFile).order_by(EvidenceFile.id))
    master = EncryptedFiles(app.config["UPLOAD_DIR"], keyring_for(app))
    # As stored before encryption, and before firms had keys; and a file that is neither.
    master.path_of(plain.storage_name).write_bytes(PDF)
    master.write(sealed.storage_name, PDF)
    master.path_of(damaged.storage_name).write_bytes(b"%PDF-1.7 not what was uploaded")
    master.write("ab" * 20, b"an upload whose record was rolled back")
    # As migration 0015 marks what was stored before encryption.
    db_session.execute(text("UPDATE answer_change SET value_json = :v"),
                       {"v": "plain:" + json.dumps(MARKER, ensure_ascii=False)})
    db_session.commit()

    refused = client.get(f"/partner/evidence/{plain.id}")
    assert refused.status_code == 410
    assert "not been converted yet" in refused.get_data(as_text=True)
    assert client.get(f"/partner/evidence/{sealed.id}").data == PDF
    status = cli(app, "keys", "status").output
    assert "Not encrypted yet: 2 files, 1 values - run keys rotate" in status
    assert "Files no record refers to (left alone): 1" in status

    result = cli(app, "keys", "rotate")

    assert result.exit_code == 1 and f"evidence files {damaged.storage_name}" in result.output
    assert ("evidence files: 1 left alone: no record refers to them, 1 moved under their "
            "firm's key, 1 sealed (were not encrypted)") in result.output
    assert "answer_change.value_json: 1 sealed (were not encrypted)" in result.output
    assert [client.get(f"/partner/evidence/{item.id}").data for item in (plain, sealed)] \
        == [PDF, PDF]
    assert all(value.startswith("vrf1:") for value in raw_values(db_session))
    assert master.path_of(damaged.storage_name).read_bytes() == b"%PDF-1.7 not what was uploaded"


def test_the_migration_marks_old_values_and_a_downgrade_refuses_sealed_ones(tmp_path):
    with scratch_database(tmp_path, "keys") as url:
        fresh = make_app(url, UPLOAD_DIR=str(tmp_path / "u"), AGREEMENTS_DIR=str(tmp_path / "a"),
                         QUESTIONNAIRES_DIR=str(Path(__file__).parents[2] / "questionnaires"))
        engine = get_db(fresh).engine
        try:
            upgrade(engine)
            comment_id = _a_comment(fresh, tmp_path, "sealed note")
            with pytest.raises(RuntimeError, match=r"review_comment\.body holds 1 encrypted"):
                downgrade(engine, "0014")
            with engine.begin() as connection:  # as if written by the code before 0015
                connection.execute(text("UPDATE review_comment SET body = 'plain:old note'"))
            downgrade(engine, "0014")
            with engine.connect() as connection:
                assert connection.scalar(text("SELECT body FROM review_comment")) == "old note"
            upgrade(engine)
            with unit_of_work(fresh) as session:
                assert session.get(ReviewComment, comment_id).body == "old note"
            assert cli(fresh, "keys", "rotate").exit_code == 0
            with engine.connect() as connection:
                assert connection.scalar(text("SELECT body FROM review_comment")) \
                    .startswith("vrf1:test:")
            with unit_of_work(fresh) as session:
                assert session.get(ReviewComment, comment_id).body == "old note"
        finally:
            engine.dispose()


def _a_comment(app, tmp_path: Path, body: str) -> int:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "mini-screen.yaml").write_text(MINI_QUESTIONNAIRE, encoding="utf-8")
    with unit_of_work(app) as session:
        firm = vendors.register_vendor(session, TEST_ACTOR, vendor_details(name="Old Firm"))
        contact = vendors.add_contact(session, TEST_ACTOR, firm.id, name="李娜",
                                      email="li@example.com", role="", phone="", is_primary=True)
        portal = assessments.Portal("Test Co", "http://portal.example.com", timedelta(days=14))
        sent = assessments.send(session, TEST_ACTOR, portal, folder, assessments.SendRequest(
            firm.id, "mini-screen", frozenset({contact.id}), date.today() + timedelta(days=30)))
        return review.comment(session, TEST_ACTOR, sent.id, None, body, False).id
