"""Reassessments start on time, once, whatever the scheduler does: late, doubled or down."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import TEST_ACTOR, make_app, vendor_details
from tests.databases import scratch_database
from vendorrisk import clock
from vendorrisk.assessments import findings
from vendorrisk.assessments import service as assessments
from vendorrisk.assessments.models import Assessment, AssessmentStatus, FindingSeverity
from vendorrisk.db import get_db, unit_of_work
from vendorrisk.migrate import upgrade
from vendorrisk.scheduling import sweeps
from vendorrisk.scheduling.cadence import Cadence, add_months
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import VendorStatus
from vendorrisk.vendors.models import Contact

START = date(2027, 3, 1)
LEAD = timedelta(days=30)


def settings(folder: Path) -> sweeps.SweepSettings:
    return sweeps.SweepSettings(
        folder=folder, portal=assessments.Portal("Test Co", "http://portal.example.com",
                                                 timedelta(days=14)),
        cadence=Cadence(), lead=LEAD, require_nda=False)


def decided_firms(session, folder: Path, count: int, spread_days: int) -> dict[int, date]:
    """``count`` active firms, each with a completed assessment, whose next cycle is to be sent
    (due date minus the lead) on one of ``spread_days`` days from START. Returns firm -> day."""
    version = assessments.snapshot(session, folder, "mini-screen")
    cadence, send_on = Cadence(), {}
    for n in range(count):
        firm = vendors.register_vendor(session, TEST_ACTOR, vendor_details(name=f"Firm {n:04d}"))
        vendors.add_contact(session, TEST_ACTOR, firm.id, name="李娜", role="", phone="",
                            email=f"contact{n}@example.com", is_primary=True)
        day = START + timedelta(days=n % spread_days)
        decided = add_months(day + LEAD, -cadence.months(firm.tier))
        decided_at = datetime.combine(decided, time(9), UTC)
        firm.status, firm.last_decided_at = VendorStatus.ACTIVE, decided_at
        session.add(Assessment(vendor_id=firm.id, questionnaire_version_id=version.id,
                               questionnaire_key="mini-screen", cycle=0,
                               status=AssessmentStatus.COMPLETED, due_date=decided,
                               decided_at=decided_at))
        send_on[firm.id] = day
    session.commit()
    return send_on


def sweep_on(app, day: date, folder: Path) -> sweeps.SweepReport:
    clock.use(lambda: datetime.combine(day, time(6), UTC))
    try:
        return sweeps.start_due_reassessments(get_db(app).new_session, settings(folder))
    finally:
        clock.use(None)


def cycles(session) -> dict[int, list[Assessment]]:
    session.expire_all()
    found: dict[int, list[Assessment]] = {}
    for assessment in session.scalars(select(Assessment).where(Assessment.cycle > 0)):
        found.setdefault(assessment.vendor_id, []).append(assessment)
    return found


def test_a_thousand_firms_over_ten_days_with_a_three_day_outage_get_one_each(
        app, db_session, questionnaires):
    send_on = decided_firms(db_session, questionnaires, 1000, 10)
    outage = {START + timedelta(days=d) for d in (3, 4, 5)}  # 72 hours without a sweep
    started_by_day = {}
    for offset in range(11):
        day = START + timedelta(days=offset)
        if day in outage:
            continue
        started_by_day[day] = sweep_on(app, day, questionnaires).started
        sweep_on(app, day, questionnaires)  # a doubled tick changes nothing
    started = cycles(db_session)
    assert len(started) == 1000 and all(len(found) == 1 for found in started.values())
    assert all(found[0].cycle == 1 and found[0].status == AssessmentStatus.SENT
               for found in started.values())
    # On time when the sweep ran; the days of the outage caught up at the first sweep after.
    assert started_by_day[START] == 100
    assert started_by_day[START + timedelta(days=6)] == 400
    created = {vendor_id: found[0].created_at.date() for vendor_id, found in started.items()}
    assert all(created[v] == (START + timedelta(days=6) if d in outage else d)
               for v, d in send_on.items())


def test_firms_not_yet_due_or_already_reassessed_are_left_alone(app, db_session,
                                                                questionnaires):
    decided_firms(db_session, questionnaires, 4, 4)
    assert sweep_on(app, START + timedelta(days=1), questionnaires).started == 2
    report = sweep_on(app, START + timedelta(days=3), questionnaires)
    assert (report.started, report.already) == (2, 2)
    assert len(cycles(db_session)) == 4


def test_a_firm_the_sweep_cannot_reach_is_reported_and_blocks_no_one(app, db_session,
                                                                     questionnaires):
    send_on = decided_firms(db_session, questionnaires, 3, 1)
    unreachable = next(iter(send_on))
    for contact in db_session.scalars(select(Contact).where(Contact.vendor_id == unreachable)):
        db_session.delete(contact)
    db_session.commit()
    report = sweep_on(app, START, questionnaires)
    assert report.started == 2
    assert report.problems == {unreachable: "the firm has no contact to send the reassessment to"}
    assert unreachable not in cycles(db_session)


def test_two_sweeps_at_once_start_each_reassessment_once(tmp_path, questionnaires):
    """Two workers' sweeps racing on a real database of their own (no shared test transaction):
    the unique (firm, questionnaire, cycle) key lets one win, the other skips."""
    with scratch_database(tmp_path, "sweep") as url:
        app = make_app(url)
        upgrade(get_db(app).engine)
        with unit_of_work(app) as session:
            decided_firms(session, questionnaires, 40, 1)
        reports: list[sweeps.SweepReport] = []
        clock.use(lambda: datetime.combine(START, time(6), UTC))
        try:
            threads = [threading.Thread(target=lambda: reports.append(
                sweeps.start_due_reassessments(get_db(app).new_session,
                                               settings(questionnaires)))) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        finally:
            clock.use(None)
        with unit_of_work(app) as session:
            per_firm = session.execute(select(Assessment.vendor_id, func.count(Assessment.id))
                                       .where(Assessment.cycle == 1)
                                       .group_by(Assessment.vendor_id)).all()
        get_db(app).engine.dispose()
    assert len(per_firm) == 40 and all(n == 1 for _firm, n in per_firm)
    assert sum(r.started for r in reports) == 40 and not any(r.problems for r in reports)


def test_a_critical_finding_on_an_approved_firm_brings_its_reassessment_forward(
        app, db_session, questionnaires):
    send_on = decided_firms(db_session, questionnaires, 1, 1)
    firm_id = next(iter(send_on))
    completed = db_session.scalar(select(Assessment).where(Assessment.vendor_id == firm_id))
    early = START - timedelta(days=200)  # long before the cadence makes it due
    clock.use(lambda: datetime.combine(early, time(9), UTC))
    try:
        findings.raise_finding(db_session, TEST_ACTOR, completed.id, findings.NewFinding(
            severity=FindingSeverity.CRITICAL, title="Client files found on a public share",
            description="Seen during an audit.", remediation="Remove and investigate.",
            due_date=None, owner_id=None))
        db_session.commit()
    finally:
        clock.use(None)
    report = sweep_on(app, early, questionnaires)
    assert report.started == 1
    [started] = cycles(db_session)[firm_id]
    assert started.due_date == early + timedelta(days=30)
    assert sweep_on(app, early + timedelta(days=1), questionnaires).started == 0  # asked once
