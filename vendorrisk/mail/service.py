"""The outbox: enqueue inside the business transaction, deliver later with retries and backoff.

Delivery claims each message with a short lease before sending, so two deliverers never send the
same message at once; a crash between sending and recording lets the lease run out and the message
go again (at-least-once, the only honest promise SMTP allows).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Protocol

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError, NotFound
from vendorrisk.mail.models import OutboxEmail

PENDING, SENT, FAILED = "pending", "sent", "failed"
STATUSES = (PENDING, SENT, FAILED)
CLAIM_LEASE = timedelta(minutes=5)
REDACTED = "[The body was removed after delivery: it may have held a single-use link.]"


class DeliveryError(Exception):
    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    name: str
    keeps_body: bool  # whether the outbox keeps the body after delivery (the dev mailbox does)

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    security: str = "starttls"  # none | starttls | ssl
    username: str = ""
    password: str = ""
    timeout: float = 30.0
    name: str = "smtp"
    keeps_body: bool = False

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as smtp:
                if self.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"recipient refused: {error.recipients}", permanent=True) from error
        except smtplib.SMTPResponseException as error:
            text = error.smtp_error.decode("utf-8", "replace") if isinstance(
                error.smtp_error, bytes) else str(error.smtp_error)
            raise DeliveryError(f"SMTP {error.smtp_code}: {text}",
                                permanent=500 <= error.smtp_code < 600) from error
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)


@dataclass(frozen=True)
class MailboxTransport:
    """Development default: nothing leaves the machine; admins read the messages in Mailbox."""

    name: str = "mailbox"
    keeps_body: bool = True

    def send(self, message: EmailMessage) -> None:
        return None


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=6)

    def delay_after(self, attempts: int) -> timedelta:
        return min(self.first_delay * (2 ** max(0, attempts - 1)), self.max_delay)


def transport_from_config(config: Mapping[str, Any]) -> Transport:
    kind = config["MAIL_TRANSPORT"]
    if kind == "mailbox":
        return MailboxTransport()
    if kind == "smtp":
        security = config["MAIL_SMTP_SECURITY"]
        if security not in ("none", "starttls", "ssl"):
            raise DomainError(f"MAIL_SMTP_SECURITY must be none, starttls or ssl, not {security!r}")
        return SmtpTransport(host=config["MAIL_SMTP_HOST"], port=int(config["MAIL_SMTP_PORT"]),
                             security=security, username=config["MAIL_SMTP_USERNAME"],
                             password=config["MAIL_SMTP_PASSWORD"],
                             timeout=float(config["MAIL_SMTP_TIMEOUT"]))
    raise DomainError(f"MAIL_TRANSPORT must be smtp or mailbox, not {kind!r}")


def enqueue(session: Session, *, kind: str, to: str, subject: str, body: str) -> OutboxEmail:
    try:
        address = validate_email(to, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise DomainError(f"Cannot send email to {to!r}: {error}") from error
    email = OutboxEmail(kind=kind, to_address=address, subject=subject[:300], body_text=body,
                        status=PENDING, attempts=0, next_attempt_at=clock.now())
    session.add(email)
    session.flush()
    return email


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{email.id}",
                                       domain=sender.rpartition("@")[2].strip(">") or None)
    message.set_content(email.body_text)
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _claim(session: Session, email_id: int) -> bool:
    now = clock.now()
    claimed = session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.status == PENDING,
               OutboxEmail.next_attempt_at <= now)
        .values(next_attempt_at=now + CLAIM_LEASE)
    ).rowcount
    session.commit()
    return claimed == 1


def _record(session: Session, email: OutboxEmail, transport: Transport, policy: RetryPolicy,
            error: DeliveryError | None, report: DeliveryReport) -> None:
    now = clock.now()
    email.attempts += 1
    if error is None:
        email.status, email.sent_at, email.transport = SENT, now, transport.name
        email.last_error = ""
        if not transport.keeps_body:
            email.body_text = REDACTED
        report.sent += 1
    elif error.permanent or email.attempts >= policy.max_attempts:
        email.status, email.last_error = FAILED, str(error)[:2000]
        report.failed += 1
    else:
        email.next_attempt_at = now + policy.delay_after(email.attempts)
        email.last_error = str(error)[:2000]
        report.retrying += 1
    session.commit()


def deliver_due(new_session: Callable[[], Session], transport: Transport, sender: str,
                policy: RetryPolicy, batch_size: int = 100) -> DeliveryReport:
    """Send what is due, each message in its own transaction so one failure blocks no other."""
    report = DeliveryReport()
    with new_session() as session:
        due = session.scalars(
            select(OutboxEmail.id)
            .where(OutboxEmail.status == PENDING, OutboxEmail.next_attempt_at <= clock.now())
            .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id).limit(batch_size)
        ).all()
        for email_id in due:
            if not _claim(session, email_id):
                continue  # another deliverer took it
            email = session.get(OutboxEmail, email_id)
            assert email is not None
            error: DeliveryError | None = None
            try:
                transport.send(build_message(email, sender))
            except DeliveryError as caught:
                error = caught
            _record(session, email, transport, policy, error, report)
    return report


def deliver_configured(new_session: Callable[[], Session],
                       config: Mapping[str, Any]) -> DeliveryReport:
    """One delivery run as the app is configured: what the worker and ``mail deliver`` do."""
    return deliver_due(new_session, transport_from_config(config), config["MAIL_SENDER"],
                       RetryPolicy(max_attempts=int(config["MAIL_MAX_ATTEMPTS"])))


def retry_now(session: Session, actor: Actor, email_id: int) -> OutboxEmail:
    email = session.get(OutboxEmail, email_id)
    if email is None:
        raise NotFound("No such message.")
    if email.status == SENT:
        raise DomainError("This message was already sent.")
    email.status, email.attempts, email.next_attempt_at = PENDING, 0, clock.now()
    audit.record(session, actor, "mail.retry", object_type="outbox_email", object_id=email.id)
    return email


def page(session: Session, status: str, page_number: int, per_page: int
         ) -> tuple[list[OutboxEmail], int]:
    query = select(OutboxEmail)
    count = select(func.count(OutboxEmail.id))
    if status in STATUSES:
        query, count = query.where(OutboxEmail.status == status), count.where(
            OutboxEmail.status == status)
    rows = session.scalars(query.order_by(OutboxEmail.id.desc()).limit(per_page)
                           .offset((page_number - 1) * per_page)).all()
    return list(rows), session.scalar(count) or 0


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxEmail.status, func.count(OutboxEmail.id))
                           .group_by(OutboxEmail.status))
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(dict(rows.all()))  # type: ignore[arg-type]
    return counts
