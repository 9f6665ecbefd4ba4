"""Every scheduled job: a database-driven, idempotent sweep, so a missed or doubled run is harmless.

A job takes the app and returns a one-line summary for the admins' Jobs page. How often each runs
is the ``WORKER_JOB_INTERVALS`` setting (seconds), so operators tune it without touching code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask

from vendorrisk import clock
from vendorrisk.agreements import reminders
from vendorrisk.assessments.service import Portal
from vendorrisk.audit.chain import Actor
from vendorrisk.db import get_db
from vendorrisk.errors import DomainError
from vendorrisk.i18n import lazy_gettext as _l
from vendorrisk.incidents import reminders as incident_reminders
from vendorrisk.mail import service as mail
from vendorrisk.offboarding import purge, wiring
from vendorrisk.offboarding import service as offboarding
from vendorrisk.scheduling import reminders as late
from vendorrisk.scheduling import sweeps
from vendorrisk.scheduling.cadence import Cadence


@dataclass(frozen=True)
class Job:
    name: str
    title: object  # a lazy translation, shown on the Jobs page
    run: Callable[[Flask], str]


def deliver_mail(app: Flask) -> str:
    report = mail.deliver_configured(get_db(app).new_session, app.config)
    return f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"


def remind_agreements(app: Flask) -> str:
    report = reminders.send_due(get_db(app).new_session,
                                tuple(app.config["AGREEMENT_REMINDER_DAYS"]),
                                app.config["ORGANIZATION_NAME"])
    return f"reminded {report.sent}, passed {report.passed}"


def start_reassessments(app: Flask) -> str:
    config = app.config
    report = sweeps.start_due_reassessments(get_db(app).new_session, sweeps.SweepSettings(
        folder=Path(config["QUESTIONNAIRES_DIR"]), portal=Portal.from_config(config),
        cadence=Cadence.from_months(config["REASSESSMENT_MONTHS"]),
        lead=timedelta(days=int(config["REASSESSMENT_LEAD_DAYS"])),
        require_nda=bool(config["REQUIRE_NDA_FOR_QUESTIONNAIRES"])))
    problems = "; ".join(f"firm {vendor_id}: {why}" for vendor_id, why in
                         sorted(report.problems.items())[:5])
    summary = f"started {report.started}, already started {report.already}"
    return f"{summary}, not sent {len(report.problems)} ({problems})" if problems else summary


def remind_late(app: Flask) -> str:
    report = late.send_late_reminders(get_db(app).new_session, app.config["PUBLIC_URL"],
                                      app.config["ORGANIZATION_NAME"])
    return (f"late questionnaires {report.assessments}, late findings {report.findings}, "
            f"expired invitations {report.invitations}")


def remind_incident_deadlines(app: Flask) -> str:
    report = incident_reminders.send_deadline_reminders(get_db(app).new_session,
                                                        app.config["PUBLIC_URL"])
    return f"due within a day {report.soon}, overdue {report.overdue}"


def remind_certificates(app: Flask) -> str:
    today = clock.now().date()
    with app.app_context(), get_db(app).new_session() as session:
        asked = offboarding.request_overdue_returns(session, wiring.settings(), today)
        sent = offboarding.remind_overdue(session, wiring.settings(), today)
    return f"asked for overdue returns {asked}, reminded {sent}"


def purge_expired(app: Flask) -> str:
    """Offboarded firms whose retention period has ended: each purged in its own transaction,
    so one failure never blocks the others."""
    with app.app_context():
        with get_db(app).new_session() as session:
            due = purge.due_for_purge(session, clock.now().date())
        failed = []
        for vendor_id in due:
            with get_db(app).new_session() as session:
                try:
                    wiring.purge_now(session, Actor.system("retention"), vendor_id)
                    session.commit()
                except DomainError as error:
                    session.rollback()
                    failed.append(f"firm {vendor_id}: {error.message}")
    summary = f"purged {len(due) - len(failed)}"
    return f"{summary}, failed {len(failed)} ({'; '.join(failed[:5])})" if failed else summary


JOBS: tuple[Job, ...] = (
    Job("deliver_mail", _l("Deliver the email outbox"), deliver_mail),
    Job("agreement_reminders", _l("Remind of expiring agreements"), remind_agreements),
    Job("reassessments", _l("Start reassessments that fall due"), start_reassessments),
    Job("late_reminders", _l("Remind of late questionnaires, findings and expired links"),
        remind_late),
    Job("incident_deadlines", _l("Remind of incident notifications owed"),
        remind_incident_deadlines),
    Job("destruction_certificates", _l("Ask for client data past its return date, and remind "
                                       "firms of missing certificates of destruction"),
        remind_certificates),
    Job("purges", _l("Purge offboarded firms whose retention period has ended"), purge_expired),
)


def by_name() -> dict[str, Job]:
    return {job.name: job for job in JOBS}
