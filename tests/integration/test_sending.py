"""Procurement sends a questionnaire; the partner follows the emailed link and gets in, once."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import MINI_QUESTIONNAIRE, TEST_ACTOR, csrf_token
from tests.smtp import smtp_server
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments.models import Assessment, AssessmentStatus, QuestionnaireVersion
from vendorrisk.db import get_db
from vendorrisk.mail import service as mail
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import VendorStatus


@pytest.fixture
def firm(db_session, make_vendor):
    vendor = make_vendor(name="上海衡信律师事务所")
    for name, email, primary in (("李娜", "li.na@hengxin.example.com", True),
                                 ("Wang Wei", "wang.wei@hengxin.example.com", False)):
        vendors.add_contact(db_session, TEST_ACTOR, vendor.id, name=name, email=email,
                            role="Partner", phone="", is_primary=primary)
    db_session.commit()
    return vendor


def send_form(client, vendor, **changes):
    """Fill in the send form as procurement would; by default for the primary contact only."""
    path = f"/assessments/new/{vendor.id}"
    page = client.get(path).get_data(as_text=True)
    checked = re.findall(r'<input checked[^>]*name="contacts"[^>]*value="(\d+)"', page)
    due = date.today() + timedelta(days=21)
    data = {"csrf_token": csrf_token(client, path), "questionnaire": "mini-screen",
            "contacts": checked, "due_date": due.isoformat()}
    data.update(changes)
    return client.post(f"/assessments/new/{vendor.id}", data=data)


def deliver_to_inbox(app) -> list:
    with smtp_server() as (inbox, port):
        mail.deliver_due(get_db(app).new_session,
                         mail.SmtpTransport("127.0.0.1", port, security="none", timeout=5),
                         "VendorRisk <noreply@example.com>", mail.RetryPolicy())
    return inbox.messages


def link_in(message) -> str:
    return re.search(r"http://portal\.example\.com(/invite/\S+)", message.get_content()).group(1)


PARTNER_PASSWORD = "partner passphrase 1"


def accept(client, link: str, password: str = PARTNER_PASSWORD):
    opened = client.get(link)
    assert opened.status_code == 302 and opened.headers["Location"] == "/invite/accept"
    return client.post("/invite/accept", data={
        "csrf_token": csrf_token(client, "/invite/accept"), "name": "李娜",
        "password": password, "confirm": password})


def test_a_questionnaire_goes_out_by_email_and_the_partner_gets_in(app, client, login_as,
                                                                   questionnaires, firm,
                                                                   db_session):
    login_as(Role.PROCUREMENT)
    response = send_form(client, firm)
    assert response.status_code == 302, response.get_data(as_text=True)
    assessment = db_session.scalar(select(Assessment))
    assert assessment.status == AssessmentStatus.SENT and assessment.cycle == 0
    [message] = deliver_to_inbox(app)
    assert message["To"] == "li.na@hengxin.example.com"
    assert "上海示例企业服务有限公司" in message["Subject"]
    body = message.get_content()
    assert "Mini screen" in body and "李娜，您好" in body and "“简易筛查”" in body
    partner = app.test_client()
    response = accept(partner, link_in(message))
    assert response.status_code == 302 and response.headers["Location"] == "/partner/"
    home = partner.get("/partner/").get_data(as_text=True)
    assert "Mini screen" in home
    user = db_session.scalar(select(User).where(User.email == "li.na@hengxin.example.com"))
    assert user.role == Role.PARTNER and user.vendor_id == firm.id
    assert partner.get("/vendors/").status_code == 403
    assert partner.get("/dashboard").status_code == 403


def test_the_link_works_once(app, client, login_as, questionnaires, firm):
    login_as(Role.PROCUREMENT)
    send_form(client, firm)
    link = link_in(deliver_to_inbox(app)[0])
    accept(app.test_client(), link)
    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "already used" in again.get_data(as_text=True)


def test_an_expired_link_is_refused_clearly(app, client, login_as, questionnaires, firm,
                                            frozen_clock):
    login_as(Role.PROCUREMENT)
    send_form(client, firm, due_date=(frozen_clock.current.date() + timedelta(days=30))
              .isoformat())
    link = link_in(deliver_to_inbox(app)[0])
    frozen_clock.advance(days=15)
    response = app.test_client().get(link)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_a_made_up_link_gives_no_access(app, db_session):
    response = app.test_client().get("/invite/" + "A" * 43)
    assert response.status_code == 410 and "not valid" in response.get_data(as_text=True)
    assert app.test_client().get("/invite/accept").status_code == 410


def test_resending_withdraws_the_old_link(app, client, login_as, questionnaires, firm,
                                          db_session):
    login_as(Role.PROCUREMENT)
    send_form(client, firm)
    old_link = link_in(deliver_to_inbox(app)[0])
    assessment = db_session.scalar(select(Assessment))
    page = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    resend_path = re.search(r'action="(/assessments/invitations/\d+/resend)"', page).group(1)
    token = csrf_token(client, f"/assessments/{assessment.id}")
    client.post(resend_path, data={"csrf_token": token})
    new_link = link_in(deliver_to_inbox(app)[0])
    assert app.test_client().get(old_link).status_code == 410
    assert accept(app.test_client(), new_link).status_code == 302


def test_the_assessment_keeps_the_questionnaire_it_was_sent_with(app, client, login_as,
                                                                 questionnaires, firm,
                                                                 db_session):
    login_as(Role.PROCUREMENT)
    send_form(client, firm)
    (questionnaires / "mini-screen.yaml").write_text(
        MINI_QUESTIONNAIRE.replace("Will you sign our NDA?", "Changed later?").replace(
            '"1.0.0"', '"1.1.0"'), encoding="utf-8")
    version = db_session.scalar(select(QuestionnaireVersion))
    assert "Will you sign our NDA?" in version.source and version.version == "1.0.0"
    assert len(version.content_hash) == 64


def test_sending_is_refused_with_reasons(app, client, login_as, questionnaires, firm,
                                         make_vendor, db_session):
    login_as(Role.PROCUREMENT)
    past = send_form(client, firm, due_date="2020-01-01")
    assert "The due date must be in the future." in past.get_data(as_text=True)
    nobody = send_form(client, firm, contacts=[])
    assert "Choose at least one of this firm" in nobody.get_data(as_text=True)
    assert send_form(client, firm).status_code == 302
    twice = send_form(client, firm)
    assert "already has this questionnaire open" in twice.get_data(as_text=True)
    other = make_vendor(name="Other Firm")
    vendors.set_status(db_session, TEST_ACTOR, other.id, VendorStatus.SUSPENDED,
                       expected_version=other.version)
    db_session.commit()
    suspended = send_form(client, other)
    assert "questionnaires are not sent to suspended" in suspended.get_data(as_text=True)
    assert len(db_session.scalars(select(Assessment)).all()) == 1


def test_a_partner_sees_only_its_own_firms_assessments(app, client, login_as, questionnaires,
                                                       firm, make_vendor, db_session):
    login_as(Role.PROCUREMENT)
    other = make_vendor(name="Other Law Firm")
    vendors.add_contact(db_session, TEST_ACTOR, other.id, name="Zhang San",
                        email="zhang@other.example.com", role="", phone="", is_primary=True)
    db_session.commit()
    send_form(client, firm)
    send_form(client, other, questionnaire="mini-screen")
    messages = deliver_to_inbox(app)
    mine = next(m for m in messages if m["To"] == "li.na@hengxin.example.com")
    partner = app.test_client()
    accept(partner, link_in(mine))
    home = partner.get("/partner/").get_data(as_text=True)
    assert home.count("Mini screen") == 1
    other_assessment = db_session.scalar(select(Assessment).where(Assessment.vendor_id == other.id))
    assert partner.get(f"/assessments/{other_assessment.id}").status_code == 403
