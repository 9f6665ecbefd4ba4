"""Email leaves through the outbox: delivered over real SMTP, retried with backoff, never lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.smtp import free_port, smtp_server
from vendorrisk.accounts.roles import Role
from vendorrisk.db import get_db
from vendorrisk.mail import service as mail
from vendorrisk.mail.models import OutboxEmail

SENDER = "VendorRisk <noreply@vendorrisk.example.com>"
POLICY = mail.RetryPolicy(max_attempts=3)


def smtp(port: int) -> mail.SmtpTransport:
    return mail.SmtpTransport(host="127.0.0.1", port=port, security="none", timeout=5)


def queue_one(db_session, body: str = "Open https://portal/invite/abc to begin.") -> OutboxEmail:
    email = mail.enqueue(db_session, kind="invitation", to="li.na@hengxin.example.com",
                         subject="Security questionnaire from 上海某公司", body=body)
    db_session.commit()
    return email


def deliver(app, transport) -> mail.DeliveryReport:
    return mail.deliver_due(get_db(app).new_session, transport, SENDER, POLICY)


def test_a_queued_email_arrives_over_smtp_and_its_body_is_not_kept(app, db_session):
    email = queue_one(db_session)
    with smtp_server() as (inbox, port):
        report = deliver(app, smtp(port))
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [received] = inbox.messages
    assert received["To"] == "li.na@hengxin.example.com"
    assert received["Subject"] == "Security questionnaire from 上海某公司"
    assert "https://portal/invite/abc" in received.get_content()
    db_session.expire_all()
    stored = db_session.get(OutboxEmail, email.id)
    assert stored.status == "sent" and stored.transport == "smtp"
    assert "invite/abc" not in stored.body_text  # the single-use link does not linger


def test_delivery_sends_each_message_once(app, db_session):
    queue_one(db_session)
    with smtp_server() as (inbox, port):
        deliver(app, smtp(port))
        deliver(app, smtp(port))
    assert len(inbox.messages) == 1


def test_a_server_that_is_down_means_retry_with_backoff_then_success(app, db_session,
                                                                     frozen_clock):
    email = queue_one(db_session)
    port = free_port()  # nothing listens here yet
    report = deliver(app, smtp(port))
    assert report.retrying == 1
    db_session.expire_all()
    waiting = db_session.get(OutboxEmail, email.id)
    assert waiting.status == "pending" and waiting.attempts == 1
    assert "Connection" in waiting.last_error or "refused" in waiting.last_error
    assert (waiting.next_attempt_at - frozen_clock.current).total_seconds() == 60
    with smtp_server(port) as (inbox, _):
        assert deliver(app, smtp(port)).sent == 0  # not due yet: backoff respected
        frozen_clock.advance(minutes=1)
        assert deliver(app, smtp(port)).sent == 1
    assert len(inbox.messages) == 1


def test_the_backoff_doubles_and_is_capped():
    policy = mail.RetryPolicy()
    assert [policy.delay_after(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert policy.delay_after(30) == policy.max_delay


def test_a_permanently_refused_recipient_fails_at_once_and_is_visible(app, db_session, client,
                                                                       login_as):
    email = queue_one(db_session)
    with smtp_server() as (inbox, port):
        inbox.refuse_with = "550 5.1.1 mailbox unavailable"
        report = deliver(app, smtp(port))
    assert report.failed == 1
    login_as(Role.ADMIN)
    page = client.get("/admin/mailbox/?status=failed").get_data(as_text=True)
    assert "Security questionnaire from 上海某公司" in page and "recipient refused" in page
    db_session.expire_all()
    assert db_session.get(OutboxEmail, email.id).body_text.startswith("Open")  # kept to retry


def test_giving_up_after_the_last_attempt_and_an_admin_retry(app, db_session, client, login_as,
                                                             frozen_clock):
    email = queue_one(db_session)
    port = free_port()
    for _ in range(POLICY.max_attempts):
        deliver(app, smtp(port))
        frozen_clock.advance(hours=7)
    db_session.expire_all()
    assert db_session.get(OutboxEmail, email.id).status == "failed"
    login_as(Role.ADMIN)
    path = f"/admin/mailbox/{email.id}"
    response = client.post(f"{path}/retry", data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    with smtp_server(port) as (inbox, _):
        assert deliver(app, smtp(port)).sent == 1
    assert len(inbox.messages) == 1


def test_mail_queued_in_a_rolled_back_change_is_never_sent(app, db_session):
    mail.enqueue(db_session, kind="invitation", to="a@example.com", subject="s", body="b")
    db_session.rollback()
    assert db_session.scalars(select(OutboxEmail)).all() == []


def test_a_bad_address_is_refused_when_queued(db_session):
    with pytest.raises(mail.DomainError, match="Cannot send email"):
        mail.enqueue(db_session, kind="x", to="not an address", subject="s", body="b")


def test_in_development_the_mailbox_keeps_messages_for_admins_to_read(app, db_session, client,
                                                                      login_as):
    email = queue_one(db_session)
    assert deliver(app, mail.MailboxTransport()).sent == 1
    login_as(Role.ADMIN)
    page = client.get(f"/admin/mailbox/{email.id}").get_data(as_text=True)
    assert "https://portal/invite/abc" in page and "mailbox" in page


def test_the_deliver_command_reports_what_it_did(app, db_session):
    queue_one(db_session)
    with smtp_server() as (inbox, port):
        app.config.update(MAIL_TRANSPORT="smtp", MAIL_SMTP_HOST="127.0.0.1",
                          MAIL_SMTP_PORT=port, MAIL_SMTP_SECURITY="none")
        try:
            result = app.test_cli_runner().invoke(args=["mail", "deliver"])
        finally:
            app.config.update(MAIL_TRANSPORT="mailbox", MAIL_SMTP_PORT=25,
                              MAIL_SMTP_HOST="localhost", MAIL_SMTP_SECURITY="starttls")
    assert result.exit_code == 0, result.output
    assert "Sent 1, will retry 0, failed 0." in result.output
    assert len(inbox.messages) == 1


def test_a_misconfigured_transport_is_a_clear_error(app, db_session):
    app.config["MAIL_TRANSPORT"] = "pigeon"
    try:
        result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    finally:
        app.config["MAIL_TRANSPORT"] = "mailbox"
    assert result.exit_code == 1 and "MAIL_TRANSPORT must be smtp or mailbox" in result.output
