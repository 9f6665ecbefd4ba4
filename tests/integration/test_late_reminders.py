"""Late questionnaires and findings are chased weekly; expired links are reported once."""

from __future__ import annotations

from sqlalchemy import select

from tests.review_helpers import QUESTIONNAIRE
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments.models import Finding, FindingSeverity, FindingStatus
from vendorrisk.db import get_db
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.scheduling import reminders


def sweep(app) -> reminders.LateReport:
    return reminders.send_late_reminders(get_db(app).new_session, "http://portal.example.com",
                                         "Test Co")


def emails(db_session, kind: str) -> list[OutboxEmail]:
    db_session.expire_all()
    return list(db_session.scalars(select(OutboxEmail).where(OutboxEmail.kind == kind)))


def test_a_late_questionnaire_is_chased_once_a_week(app, db_session, partner_with,
                                                    frozen_clock):
    _firm, sent, _partner = partner_with(QUESTIONNAIRE)
    assert sweep(app).assessments == 0  # not due yet
    frozen_clock.advance(days=(sent.due_date - frozen_clock().date()).days + 1)  # a day late
    assert sweep(app).assessments == 1 and sweep(app).assessments == 0
    [email] = emails(db_session, "late_assessment")
    assert email.to_address == "li.na@hengxin.example.com"
    assert "Review test" in email.subject and "http://portal.example.com/partner/" in \
        email.body_text
    frozen_clock.advance(days=3)
    assert sweep(app).assessments == 0  # same week
    frozen_clock.advance(days=4)
    assert sweep(app).assessments == 1  # a week later


def test_a_late_finding_goes_to_the_firm_and_its_owner(app, db_session, make_vendor, make_user,
                                                       frozen_clock, partner_with):
    firm, sent, _partner = partner_with(QUESTIONNAIRE)
    owner = make_user(Role.PROCUREMENT)
    firm.owner_id = owner.id
    db_session.add(Finding(assessment_id=sent.id, vendor_id=firm.id, source="reviewer",
                           severity=FindingSeverity.HIGH, title="Encrypt the laptops",
                           status=FindingStatus.OPEN,
                           due_date=frozen_clock().date()))
    db_session.commit()
    assert sweep(app).findings == 0  # due today is not late
    frozen_clock.advance(days=1)
    assert sweep(app).findings == 1
    assert sorted(e.to_address for e in emails(db_session, "late_finding")) == sorted(
        ["li.na@hengxin.example.com", owner.email])


def test_an_invitation_that_expired_unused_is_reported_to_the_owner_once(
        app, db_session, make_user, frozen_clock, partner_with):
    firm, _sent, _partner = partner_with(QUESTIONNAIRE)
    owner = make_user(Role.PROCUREMENT)
    firm.owner_id = owner.id
    db_session.commit()
    frozen_clock.advance(days=15)  # invitations live 14 days
    report = sweep(app)
    assert report.invitations == 1 and sweep(app).invitations == 0
    [email] = emails(db_session, "late_invitation")
    assert email.to_address == owner.email and "expired unused" in email.subject
