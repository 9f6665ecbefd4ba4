"""`seed demo` loads a lived-in portfolio, made by the services, and loads it only once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import rolled_back
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import Standing
from vendorrisk.assessments import evidence, reassessment
from vendorrisk.assessments.files_web import storage
from vendorrisk.assessments.models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentStatus,
    Decision,
    DecisionOutcome,
    EvidenceFile,
    Finding,
    FindingStatus,
)
from vendorrisk.assessments.service import get_assessment
from vendorrisk.audit.chain import Actor, verify
from vendorrisk.audit.models import AuditEvent
from vendorrisk.db import Base
from vendorrisk.incidents.models import Incident
from vendorrisk.offboarding.models import DestructionRequest
from vendorrisk.seed.demo_data import DEMO_VENDORS
from vendorrisk.seed.history_plan import PLANS, english_name
from vendorrisk.sharing.domain import EngagementStatus
from vendorrisk.sharing.models import Disclosure, Engagement
from vendorrisk.vendors.models import Vendor


def seed(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def seeded(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """The demo, loaded once for this module's stories (it takes seconds), inside one outer
    transaction rolled back at the end, as conftest's db_session does for a single test."""
    folders = {key: app.config[key] for key in ("UPLOAD_DIR", "AGREEMENTS_DIR")}
    app.config.update({key: str(tmp_path_factory.mktemp(key.lower())) for key in folders})
    try:
        with rolled_back(app) as session:
            seed(app)
            yield session
    finally:
        app.config.update(folders)


def latest_assessments(session: Session) -> dict[str, Assessment | None]:
    """Each firm's newest assessment, by the firm's English name."""
    latest: dict[str, Assessment | None] = {}
    for vendor in session.scalars(select(Vendor)):
        latest[english_name(vendor.name)] = session.scalar(
            select(Assessment).where(Assessment.vendor_id == vendor.id)
            .order_by(Assessment.cycle.desc(), Assessment.id.desc()).limit(1))
    return latest


def test_every_demo_firm_has_a_history_plan() -> None:
    assert {english_name(demo.name) for demo in DEMO_VENDORS} == set(PLANS)


def test_the_firms_are_spread_across_the_assessment_lifecycle(seeded: Session) -> None:
    statuses = Counter(a.status.value if a else "none"
                       for a in latest_assessments(seeded).values())
    assert statuses == {"completed": 12, "reviewed": 3, "submitted": 3, "returned": 2,
                        "in_progress": 4, "sent": 3, "none": 3}
    outcomes = Counter(seeded.scalars(select(Decision.outcome)))
    assert outcomes[DecisionOutcome.REJECTED] == 2
    assert outcomes[DecisionOutcome.APPROVED] and outcomes[DecisionOutcome.APPROVED_WITH_CONDITIONS]
    # The history leads each firm to the status the demo data gives it (a rejection suspends).
    status_of = dict(seeded.execute(select(Vendor.name, Vendor.status)).all())
    assert all(status_of[demo.name] == demo.status for demo in DEMO_VENDORS)


def test_overdue_work_is_waiting_on_the_dashboard(seeded: Session) -> None:
    today = datetime.now(UTC).date()
    overdue_assessments = seeded.scalar(select(func.count(Assessment.id)).where(
        Assessment.status.in_(OPEN_STATUSES), Assessment.due_date < today))
    overdue_findings = seeded.scalar(select(func.count(Finding.id)).where(
        Finding.status != FindingStatus.CLOSED, Finding.due_date < today))
    assert overdue_assessments and overdue_findings
    assert set(seeded.scalars(select(Finding.status))) == set(FindingStatus)


def test_decided_firms_carry_their_residual_risk_and_control_score(seeded: Session) -> None:
    now = datetime.now(UTC)
    decided = list(seeded.scalars(select(Vendor).where(Vendor.last_decided_at.is_not(None))))
    assert len(decided) == 16  # twelve decided now, four more on their reassessment
    assert all(v.residual_risk is not None and v.control_score is not None for v in decided)
    ages = [now - v.last_decided_at for v in decided]
    assert min(ages) > timedelta(days=100) and max(ages) < timedelta(days=3 * 365)
    undecided = seeded.scalars(select(Vendor).where(Vendor.last_decided_at.is_(None)))
    assert all(v.residual_risk is None and v.control_score is None for v in undecided)


def test_answers_follow_how_well_a_firm_is_run(seeded: Session) -> None:
    scores = {english_name(v.name): v.control_score
              for v in seeded.scalars(select(Vendor).where(Vendor.control_score.is_not(None)))}
    assert scores["Shanghai Hengxin Law Firm"] > 80 > scores["Shanghai Anli Law Firm"]
    # A failed critical control is a finding raised by scoring, not by hand.
    assert seeded.scalar(select(func.count(Finding.id)).where(Finding.source == "scoring"))


def test_a_reassessment_shows_the_reviewer_what_changed(seeded: Session) -> None:
    second = get_assessment(seeded, seeded.scalar(select(Assessment.id).where(
        Assessment.cycle == 1, Assessment.status == AssessmentStatus.SUBMITTED)))
    previous = reassessment.previous_completed(seeded, second)
    assert previous is not None
    changed = Counter(before.changed for before in
                      reassessment.compare(seeded, second, previous).values())
    assert 0 < changed[True] < changed[False]


def test_partners_answered_with_real_pdf_evidence(app: Flask, seeded: Session) -> None:
    files = list(seeded.scalars(select(EvidenceFile)))
    assert files and {f.content_type for f in files} == {"application/pdf"}
    with app.app_context():
        data = evidence.read(seeded, Actor.system("test"), storage(), files[0])
    assert data.startswith(b"%PDF-1.4")
    partners = seeded.scalar(select(func.count(User.id)).where(User.role == Role.PARTNER))
    assert partners == 24  # one per firm that opened its invitation


def test_the_full_questionnaire_went_out_only_under_a_signed_nda(seeded: Session) -> None:
    full = list(seeded.scalars(select(Assessment).where(
        Assessment.questionnaire_key == "client-data-confidentiality")))
    assert full and all(agreements.nda_standing(seeded, a.vendor_id, a.sent_at.date()).in_force
                        for a in full)
    today = datetime.now(UTC).date()
    standings = {agreements.nda_standing(seeded, a.vendor_id, today) for a in full}
    assert Standing.EXPIRING in standings  # a renewal to chase


def test_the_audit_chain_verifies_and_reads_in_time_order(seeded: Session) -> None:
    assert verify(seeded).ok
    times = list(seeded.scalars(select(AuditEvent.occurred_at).order_by(AuditEvent.id)))
    assert times == sorted(times)


def test_a_second_run_changes_nothing(app: Flask, seeded: Session) -> None:
    def counts() -> dict[str, int]:
        return {table.name: seeded.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables}

    before = counts()
    output = seed(app)
    assert "0 firms created, 30 already present; assessment history written for 0" in output
    assert counts() == before


def test_the_register_holds_client_data_shared_under_the_policy_and_one_asked_back(
        seeded: Session) -> None:
    engagements = list(seeded.scalars(select(Engagement)))
    assert len(engagements) == 4 and sum(e.status == EngagementStatus.CLOSED
                                         for e in engagements) == 1
    shared = list(seeded.scalars(select(Disclosure)))
    assert len(shared) == 4 and not any(d.overridden for d in shared)  # all the policy allowed
    [request] = seeded.scalars(select(DestructionRequest).where(
        DestructionRequest.engagement_id.is_not(None)))  # the closed engagement's
    assert request.engagement_id in {e.id for e in engagements}
    assert seeded.scalar(select(DestructionRequest).where(  # the offboarded firm's
        DestructionRequest.engagement_id.is_(None))) is not None
    assert seeded.scalar(select(Incident)).reported_by_partner
