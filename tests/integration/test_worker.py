"""The worker: one leader runs every job, a sweep at start, failures recorded, outages survived.

These tests run real workers (threads, and ``flask worker`` processes) on a database of their own,
since a worker's connections cannot see a test's uncommitted transaction.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.conftest import (
    MINI_QUESTIONNAIRE,
    PASSWORD,
    TEST_ACTOR,
    csrf_token,
    login,
    make_app,
    vendor_details,
)
from tests.databases import BACKEND, scratch_database
from tests.netproxy import tcp_proxy
from tests.smtp import smtp_server
from vendorrisk import clock
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.roles import Role
from vendorrisk.db import get_db, unit_of_work
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.migrate import upgrade
from vendorrisk.scheduling import service
from vendorrisk.scheduling.jobs import JOBS, Job
from vendorrisk.scheduling.models import JobState, WorkerStatus
from vendorrisk.scheduling.worker import Worker
from vendorrisk.vendors import service as vendors

FAST = {"WORKER_POLL_SECONDS": 0.1, "WORKER_STANDBY_SECONDS": 0.1,
        # Long intervals: in these tests a job runs at start (the sweep) or when asked to.
        "WORKER_JOB_INTERVALS": {"deliver_mail": 3600, "agreement_reminders": 3600,
                                                 "reassessments": 3600, "late_reminders": 3600,
                                                 "incident_deadlines": 3600,
                                                 "destruction_certificates": 3600,
                                                 "purges": 3600,
                                                 "count": 3600}}


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    with scratch_database(tmp_path, "worker") as url:
        yield url


@pytest.fixture
def worker_app(database_url: str):
    app = make_app(database_url, **FAST)
    upgrade(get_db(app).engine)
    yield app
    get_db(app).engine.dispose()


def eventually(check: Callable[[], Any], timeout: float = 20, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or check}")


@contextmanager
def running(worker: Worker) -> Iterator[Worker]:
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.stop()
        thread.join(15)
        assert not thread.is_alive(), "the worker did not stop"


def job_state(app, name: str) -> JobState | None:
    with unit_of_work(app) as session:
        return session.get(JobState, name)


class CountingJob:
    """A job that counts its runs and can be told to fail the first few times."""

    def __init__(self, failures: int = 0) -> None:
        self.runs = 0
        self.failures = failures
        self.lock = threading.Lock()

    def __call__(self, app) -> str:
        with self.lock:
            self.runs += 1
            if self.runs <= self.failures:
                raise RuntimeError(f"the mail relay refused us (run {self.runs})")
            return f"run {self.runs}"

    def job(self) -> tuple[Job, ...]:
        return (Job("count", "Count", self),)


# --- delivery in the background (the questionnaire issue's outbox) ---------------------------

def test_invitations_go_out_from_the_worker_and_the_link_works(worker_app, tmp_path):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "mini-screen.yaml").write_text(MINI_QUESTIONNAIRE, encoding="utf-8")
    with smtp_server() as (inbox, port):
        worker_app.config.update(
            MAIL_TRANSPORT="smtp", MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port,
            MAIL_SMTP_SECURITY="none", QUESTIONNAIRES_DIR=str(folder),
            PUBLIC_URL="http://portal.example.com")
        with unit_of_work(worker_app) as session:
            accounts.create_user(session, TEST_ACTOR, email="buyer@example.com", name="Buyer",
                                 role=Role.PROCUREMENT, password=PASSWORD, min_length=12)
            vendor = vendors.register_vendor(session, TEST_ACTOR, vendor_details())
            vendors.add_contact(session, TEST_ACTOR, vendor.id, name="李娜",
                                email="li.na@hengxin.example.com", role="Partner", phone="",
                                is_primary=True)
        client = worker_app.test_client()
        login(client, "buyer@example.com")
        with running(Worker(worker_app)) as worker:
            eventually(worker.leading.is_set, what="the worker to lead")
            path = f"/assessments/new/{vendor.id}"
            page = client.get(path).get_data(as_text=True)
            contacts = re.findall(r'<input checked[^>]*name="contacts"[^>]*value="(\d+)"', page)
            sent = client.post(path, data={
                "csrf_token": csrf_token(client, path), "questionnaire": "mini-screen",
                "contacts": contacts, "due_date": (date.today() + timedelta(days=21)).isoformat()})
            assert sent.status_code == 302
            # The job's interval is an hour: the request asks the worker to deliver now.
            eventually(lambda: _request_delivery(worker_app) or inbox.messages, what="the email")
        [message] = inbox.messages
    link = re.search(r"http://portal\.example\.com(/invite/\S+)", message.get_content()).group(1)
    opened = worker_app.test_client().get(link)
    assert opened.status_code == 302 and opened.headers["Location"] == "/invite/accept"
    with unit_of_work(worker_app) as session:
        assert session.scalar(select(OutboxEmail.status)) == "sent"


def _request_delivery(app) -> None:
    with unit_of_work(app) as session:
        if session.get(JobState, "deliver_mail").run_requested_at is None:
            service.request_run(session, TEST_ACTOR, "deliver_mail")


# --- scheduling, leadership, failures ---------------------------------------------------------

def test_every_job_runs_once_at_start_and_its_run_is_recorded(worker_app):
    counter = CountingJob()
    with running(Worker(worker_app, jobs=counter.job())):
        state = eventually(lambda: (s := job_state(worker_app, "count")) and s.last_outcome == "ok"
                           and s, what="the catch-up run")
        time.sleep(0.5)  # several polls later, still one run: the interval is an hour
        assert counter.runs == 1
    assert state.last_summary == "run 1" and state.last_started_at <= state.last_finished_at
    state = job_state(worker_app, "count")  # the next run is published on the leader's poll
    assert state.next_run_at > state.last_finished_at + timedelta(minutes=59)
    with unit_of_work(worker_app) as session:
        assert session.get(WorkerStatus, 1) is not None


def test_of_two_workers_one_leads_and_the_other_takes_over_when_it_stops(worker_app):
    counter = CountingJob()
    first, second = Worker(worker_app, jobs=counter.job()), Worker(worker_app, jobs=counter.job())
    with running(first), running(second):
        leader = eventually(lambda: (first.leading.is_set() and first)
                            or (second.leading.is_set() and second), what="a leader")
        standby = second if leader is first else first
        eventually(lambda: counter.runs == 1, what="the first sweep")
        time.sleep(0.5)
        assert not standby.leading.is_set() and counter.runs == 1
        leader.stop()
        eventually(standby.leading.is_set, what="the standby to take over")
        eventually(lambda: counter.runs == 2, what="the new leader's sweep")


def test_a_failing_job_is_recorded_and_runs_again_when_asked(worker_app):
    counter = CountingJob(failures=1)
    with running(Worker(worker_app, jobs=counter.job())):
        failed = eventually(lambda: (s := job_state(worker_app, "count"))
                            and s.last_outcome == "error" and s, what="the failure")
        assert "RuntimeError: the mail relay refused us (run 1)" in failed.last_error
        with unit_of_work(worker_app) as session:  # as "Run now" does, for a test-only job
            session.get(JobState, "count").run_requested_at = clock.now()
        recovered = eventually(lambda: (s := job_state(worker_app, "count"))
                               and s.last_outcome == "ok" and s, what="the second run")
    assert recovered.last_summary == "run 2"
    assert "run 1" in recovered.last_error  # the last error stays visible, with its time
    assert recovered.last_error_at < recovered.last_finished_at


@pytest.mark.skipif(BACKEND != "postgresql", reason="a SQLite file cannot go away under an open "
                    "connection; the PostgreSQL run covers this")
def test_the_database_going_away_is_logged_and_the_worker_resumes(database_url, caplog):
    url = make_url(database_url)
    with tcp_proxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        app = make_app(url.set(host="127.0.0.1", port=proxy.port)
                       .render_as_string(hide_password=False), **FAST)
        upgrade(get_db(app).engine)
        counter = CountingJob()
        worker = Worker(app, jobs=counter.job())
        with running(worker):
            eventually(lambda: counter.runs == 1, what="the first sweep")
            proxy.cut()
            eventually(lambda: not worker.leading.is_set(), what="the worker to notice")
            time.sleep(0.5)  # it keeps trying, and keeps failing, without dying
            assert "cannot take the leader lock" in caplog.text
            proxy.restore()
            eventually(worker.leading.is_set, what="the worker to lead again")
            eventually(lambda: counter.runs == 2, what="the catch-up sweep after the outage")
            state = eventually(lambda: (s := job_state(app, "count")) and s.last_summary
                               == "run 2" and s, what="the run to be recorded")
        assert state.last_outcome == "ok"
        get_db(app).engine.dispose()


# --- the real command -------------------------------------------------------------------------

def _worker_process(database_url: str, instance: Path) -> subprocess.Popen[str]:
    settings = {"ENV": "testing", "INSTANCE": str(instance), "DATABASE_URL": database_url,
                "WORKER_POLL_SECONDS": "0.2", "WORKER_STANDBY_SECONDS": "0.2",
                "MAIL_TRANSPORT": "mailbox"}
    environment = {**os.environ, **{f"VENDORRISK_{key}": value for key, value in settings.items()}}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "vendorrisk", "worker"],
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def test_two_worker_processes_started_together_elect_one_leader(worker_app, database_url,
                                                                tmp_path):
    with unit_of_work(worker_app) as session:
        session.add(OutboxEmail(kind="test", to_address="a@example.com", subject="Hello",
                                body_text="Hi", status="pending"))
    processes = [_worker_process(database_url, tmp_path) for _ in range(2)]
    try:
        eventually(lambda: (s := job_state(worker_app, "deliver_mail")) and s.last_outcome,
                   what="a delivery run")
        time.sleep(1)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=30)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    leaders = [output for output in outputs if "is the leader" in output]
    assert len(leaders) == 1, outputs
    assert sum("stands by" in output for output in outputs) == 1, outputs
    assert job_state(worker_app, "deliver_mail").last_summary == "sent 1, retrying 0, failed 0"


def test_the_worker_refuses_a_database_it_cannot_coordinate_on(tmp_path):
    process = _worker_process("sqlite://", tmp_path)
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 1
    assert "the worker needs PostgreSQL or a SQLite file" in output
    assert "Traceback" not in output


# --- the admins' Jobs page --------------------------------------------------------------------

def test_admins_see_each_job_and_can_run_one_now(worker_app):
    with unit_of_work(worker_app) as session:
        accounts.create_user(session, TEST_ACTOR, email="admin@example.com", name="Admin",
                             role=Role.ADMIN, password=PASSWORD, min_length=12)
    client = worker_app.test_client()
    login(client, "admin@example.com")
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "No worker has run yet" in page
    assert all(job.name in page for job in JOBS)
    with running(Worker(worker_app)):
        first = eventually(lambda: (s := job_state(worker_app, "deliver_mail"))
                           and s.last_outcome == "ok" and s, what="the sweep")
        # The page shows what the worker recorded: its heartbeat comes with its first poll.
        page = eventually(lambda: (text := client.get("/admin/jobs/").get_data(as_text=True))
                          and "is running" in text and text, what="the heartbeat")
        assert "sent 0, retrying 0, failed 0" in page
        response = client.post("/admin/jobs/deliver_mail/run",
                               data={"csrf_token": csrf_token(client, "/admin/jobs/")})
        assert response.status_code == 302
        eventually(lambda: job_state(worker_app, "deliver_mail").last_started_at
                   > first.last_started_at, what="the requested run")
    assert client.post("/admin/jobs/no-such-job/run", data={
        "csrf_token": csrf_token(client, "/admin/jobs/")}).status_code == 404
