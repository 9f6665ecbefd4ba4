"""The record of the worker's runs: written by the worker, read and nudged from the admin page."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import NotFound
from vendorrisk.scheduling.jobs import JOBS
from vendorrisk.scheduling.models import JobState, WorkerStatus

OK, ERROR = "ok", "error"
MAX_ERROR_LENGTH = 4000


def _state(session: Session, name: str) -> JobState:
    state = session.get(JobState, name)
    if state is None:
        state = JobState(name=name, last_outcome="", last_summary="", last_error="")
        session.add(state)
    return state


def ensure_states(session: Session, names: list[str]) -> None:
    """One row per job before any job runs, so concurrent runs never race to insert it."""
    for name in names:
        _state(session, name)


def record_start(session: Session, name: str, started_at: datetime) -> None:
    _state(session, name).last_started_at = started_at


def record_success(session: Session, name: str, finished_at: datetime, summary: str) -> None:
    state = _state(session, name)
    state.last_finished_at, state.last_outcome, state.last_summary = finished_at, OK, summary


def record_failure(session: Session, name: str, finished_at: datetime, error: str) -> None:
    state = _state(session, name)
    state.last_finished_at, state.last_outcome, state.last_summary = finished_at, ERROR, ""
    state.last_error, state.last_error_at = error[:MAX_ERROR_LENGTH], finished_at


def record_schedule(session: Session, next_runs: dict[str, datetime | None]) -> None:
    for name, next_run_at in next_runs.items():
        _state(session, name).next_run_at = next_run_at


def heartbeat(session: Session, holder: str, leader_since: datetime) -> None:
    status = session.get(WorkerStatus, 1)
    if status is None:
        session.add(WorkerStatus(id=1, holder=holder, leader_since=leader_since,
                                 last_seen_at=clock.now()))
        return
    status.holder, status.leader_since, status.last_seen_at = holder, leader_since, clock.now()


def take_run_requests(session: Session) -> list[str]:
    """The jobs an admin asked to run now; each request is taken once."""
    states = session.scalars(select(JobState).where(JobState.run_requested_at.is_not(None))
                             .with_for_update()).all()
    for state in states:
        state.run_requested_at = None
    return [state.name for state in states]


def request_run(session: Session, actor: Actor, name: str) -> None:
    if name not in {job.name for job in JOBS}:
        raise NotFound("No such job.")
    _state(session, name).run_requested_at = clock.now()
    audit.record(session, actor, "job.run_requested", object_type="job", object_id=name)


def overview(session: Session) -> tuple[dict[str, JobState | None], WorkerStatus | None]:
    """Every registered job with its state (None before the worker first ran), and the leader."""
    states = {state.name: state for state in session.scalars(select(JobState))}
    return {job.name: states.get(job.name) for job in JOBS}, session.get(WorkerStatus, 1)


def worker_alive(status: WorkerStatus | None, poll_interval: timedelta) -> bool:
    """A leader that missed three polls in a row is taken to be gone."""
    return status is not None and clock.now() - status.last_seen_at <= 3 * poll_interval
