"""The figures taken inside one process, not under load: SQL statements per page, scoring time,
PDF rendering time, the reassessment sweep; and the worker's memory (a ``flask worker`` child).
"""

from __future__ import annotations

import random
import signal
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

from flask import Flask
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

from bench import web
from bench.questionnaires import enlarged, walk_answers
from vendorrisk.db import get_db
from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires import schema
from vendorrisk.questionnaires.scoring import score
from vendorrisk.reports import pdf
from vendorrisk.scheduling import jobs
from vendorrisk.scheduling.models import JobState


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database meanwhile (its text), in order."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_per_page(app: Flask, pages: dict[str, tuple[str, str]],
                        password: str) -> dict[str, int]:
    """SQL statements per request for each page ``name: (user email, path)``, counted on the
    second request of a signed-in user (the first fills caches and the session's last-seen)."""
    counts: dict[str, int] = {}
    engine = get_db(app).engine
    clients: dict[str, Any] = {}
    for name, (email, path) in pages.items():
        if email not in clients:
            clients[email] = app.test_client()
            web.sign_in_client(clients[email], email, password)
        client = clients[email]
        first = client.get(path)
        if first.status_code != 200:
            raise RuntimeError(f"{name}: GET {path} answered {first.status_code}")
        with counting(engine) as statements:
            client.get(path)
        counts[name] = len(statements)
    return counts


def statements_per_save(app: Flask, email: str, password: str, path: str,
                        question_id: str) -> int:
    client = app.test_client()
    web.sign_in_client(client, email, password)
    page = client.get(path).get_data(as_text=True)
    token, version = web.csrf_token(page), web.answer_version(page, question_id)
    counts = []
    for value in ("yes", "no"):
        with counting(get_db(app).engine) as statements:
            response = client.post(path, data={"csrf_token": token, f"v-{question_id}":
                                               "" if version is None else str(version),
                                               f"q-{question_id}": value},
                                   headers={"Accept": "application/json"})
        if response.status_code != 200:
            raise RuntimeError(f"saving answered {response.status_code}: {response.data[:200]!r}")
        version = response.get_json()["versions"][question_id]
        counts.append(len(statements))
    return counts[-1]


@dataclass(frozen=True)
class Timing:
    median_ms: float
    runs: int


def timed(work: Callable[[], object], runs: int) -> Timing:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return Timing(statistics.median(times), runs)


def scoring_time(n_answers: int = 1000, runs: int = 7) -> dict[str, Any]:
    """``scoring.score`` over ``n_answers`` answers: a questionnaire enlarged until a firm's
    walk through it gives that many, then the first ``n_answers`` of them."""
    questions = n_answers + n_answers // 4
    while True:
        questionnaire = schema.loads(enlarged(questions))
        values = walk_answers(questionnaire, 0.7, random.Random(1), date(2026, 1, 1))
        if len(values) >= n_answers:
            break
        questions += n_answers // 4
    given = {qid: rules.parse(questionnaire.question(qid), raw)  # type: ignore[arg-type]
             for qid, raw in list(values.items())[:n_answers]}
    answers = {qid: a for qid, a in given.items() if a is not None}
    score(questionnaire, answers)  # warm
    timing = timed(lambda: score(questionnaire, answers), runs)
    return {"answers": len(answers), "questions": len(questionnaire.questions),
            "median_ms": round(timing.median_ms, 1), "runs": runs}


def pdf_times(app: Flask, email: str, password: str, assessment_id: int,
              runs: int = 3) -> dict[str, Any]:
    """The assessment report's HTML as the route makes it, then rendered by ``pdf.render``
    (forkserver child, with its limits) and by ``pdf.render_in_process`` (WeasyPrint alone,
    same fetcher), each ``runs`` times after one warm-up."""
    captured: list[str] = []
    original = pdf.render

    def capture(html: str, timeout: float) -> bytes:
        captured.append(html)
        return original(html, timeout)

    client = app.test_client()
    web.sign_in_client(client, email, password)
    with mock.patch.object(pdf, "render", capture):
        response = client.get(f"/assessments/{assessment_id}/report.pdf")
    if response.status_code != 200 or not captured:
        raise RuntimeError(f"the report answered {response.status_code} (rendered: "
                           f"{bool(captured)})")
    html = captured[0]
    render_timeout = float(app.config["REPORT_RENDER_TIMEOUT"])
    original(html, render_timeout)
    pdf.render_in_process(html)
    child = timed(lambda: original(html, render_timeout), runs)
    alone = timed(lambda: pdf.render_in_process(html), runs)
    return {"html_kb": round(len(html.encode()) / 1024), "pdf_kb": round(len(response.data) / 1024),
            "render_ms": round(child.median_ms), "weasyprint_ms": round(alone.median_ms),
            "ratio": round(child.median_ms / alone.median_ms, 2), "runs": runs}


def sweep(app: Flask) -> dict[str, Any]:
    """One run of the reassessment sweep job, its statements counted."""
    engine = get_db(app).engine
    with counting(engine) as statements:
        started = time.perf_counter()
        with app.app_context():
            summary = jobs.start_reassessments(app)
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "statements": len(statements), "summary": summary}


def worker_memory(env: dict[str, str], flask: str, app: Flask, log: Path,
                  timeout: float = 900) -> dict[str, Any]:
    """Start ``flask worker``, wait until each job has run once, and read its memory."""
    engine = get_db(app).engine
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM job_state"))
        conn.execute(text("DELETE FROM worker_status"))
    started = time.perf_counter()
    with log.open("w") as output:
        child = subprocess.Popen([flask, "--app", "vendorrisk", "worker"],
                                 env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        names = {job.name for job in jobs.JOBS}
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"the worker stopped (exit {child.returncode}); see {log}")
            with engine.connect() as conn:
                done = set(conn.scalars(select(JobState.name).where(
                    JobState.last_finished_at.is_not(None))))
            if names <= done:
                break
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"the worker's jobs did not all finish in {timeout} s")
            time.sleep(1)
        seconds = time.perf_counter() - started
        status = _proc_status(child.pid)
        with engine.connect() as conn:
            outcomes = dict(conn.execute(select(JobState.name, JobState.last_outcome)).all())
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return {"rss_mb": status.get("VmRSS"), "hwm_mb": status.get("VmHWM"),
            "first_round_seconds": round(seconds, 1),
            "failed_jobs": sorted(name for name, outcome in outcomes.items() if outcome != "ok")}


def _proc_status(pid: int) -> dict[str, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)  # kB -> MB
    return values
