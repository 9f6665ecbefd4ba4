"""The worker process: wait to become leader, then run every job on its interval with APScheduler.

Web processes never run jobs; only ``flask --app vendorrisk worker`` does. Every job runs once at
start (the catch-up sweep after any outage), then on its interval. Whatever a job raises, the
worker records it and goes on; if the leader lock is lost (the database went away), the worker
stops its jobs and stands by until it can lead again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.db import get_db, unit_of_work
from vendorrisk.scheduling import service
from vendorrisk.scheduling.jobs import JOBS, Job
from vendorrisk.scheduling.leader import LeaderLock, WorkerSetupError, leader_lock_for

log = logging.getLogger("vendorrisk.scheduling")


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


class Worker:
    def __init__(self, app: Flask, lock: LeaderLock | None = None,
                 jobs: tuple[Job, ...] = JOBS) -> None:
        self.app = app
        self.jobs = {job.name: job for job in jobs}
        unscheduled = sorted(set(self.jobs) - set(app.config["WORKER_JOB_INTERVALS"]))
        if unscheduled:
            raise WorkerSetupError("WORKER_JOB_INTERVALS gives no interval for "
                                   + ", ".join(unscheduled))
        self.lock = lock or leader_lock_for(get_db(app).engine)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.stopping = threading.Event()
        self.wake = threading.Event()  # set on stop, or when leadership is lost
        self.leading = threading.Event()
        self.scheduler: BackgroundScheduler | None = None
        self.leader_since: datetime | None = None

    @property
    def poll_interval(self) -> timedelta:
        return timedelta(seconds=float(self.app.config["WORKER_POLL_SECONDS"]))

    def run(self) -> None:
        """Block until ``stop()``: lead when possible, stand by otherwise."""
        log.info("worker %s started", self.holder)
        standing_by = False
        while not self.stopping.is_set():
            if self._try_to_lead():
                self._lead()
                standing_by = False
                continue
            if not standing_by:
                log.info("worker %s stands by: another worker leads", self.holder)
                standing_by = True
            self.stopping.wait(float(self.app.config["WORKER_STANDBY_SECONDS"]))
        log.info("worker %s stopped", self.holder)

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()

    def _try_to_lead(self) -> bool:
        try:
            return self.lock.acquire()
        except Exception as error:  # the database is unreachable: stand by and try again
            log.warning("cannot take the leader lock: %s", describe(error))
            return False

    def _lead(self) -> None:
        log.info("worker %s is the leader", self.holder)
        self.leader_since = clock.now()
        self._record(lambda session: service.ensure_states(session, list(self.jobs)))
        self.wake.clear()
        self.scheduler = self._schedule()
        self.leading.set()
        try:
            self.scheduler.start()
            # The poll runs here, not as a scheduled job: a job thread must never call into the
            # scheduler, whose shutdown holds its job-store lock while waiting for job threads.
            self._poll()
            while not (self.stopping.is_set()
                       or self.wake.wait(self.poll_interval.total_seconds())):
                self._poll()
        finally:
            self.leading.clear()
            self.scheduler.shutdown(wait=True)  # let a running job finish before letting go
            self.lock.release()

    def _schedule(self) -> BackgroundScheduler:
        scheduler = BackgroundScheduler(
            timezone=UTC, executors={"default": ThreadPoolExecutor(4)},
            # A run missed while the worker was busy or down is done once, late, not many times.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        intervals = self.app.config["WORKER_JOB_INTERVALS"]
        start = datetime.now(UTC)  # the catch-up sweep: every job runs right away
        for name in self.jobs:
            scheduler.add_job(self.run_job, IntervalTrigger(seconds=float(intervals[name])),
                              args=[name], id=name, next_run_time=start)
        return scheduler

    def run_job(self, name: str) -> None:
        job = self.jobs[name]
        self._record(lambda session: service.record_start(session, name, clock.now()))
        try:
            with self.app.app_context():
                summary = job.run(self.app)
        except Exception as error:
            log.exception("job %s failed", name)
            message = describe(error)
            self._record(lambda session: service.record_failure(
                session, name, clock.now(), message))
        else:
            log.info("job %s: %s", name, summary)
            self._record(lambda session: service.record_success(
                session, name, clock.now(), summary))

    def _poll(self) -> None:
        """Keep the heartbeat, take "run now" requests, publish the next runs, and notice a lost
        leader lock. Runs in the leader's own thread."""
        if not self.lock.still_held():
            log.error("worker %s lost the leader lock; standing by", self.holder)
            self.wake.set()
            return
        requested: list[str] = []

        def poll(session: Session) -> None:
            assert self.leader_since is not None
            service.heartbeat(session, self.holder, self.leader_since)
            requested.extend(service.take_run_requests(session))
            service.record_schedule(session, {name: self._next_run(name) for name in self.jobs})

        self._record(poll)
        for name in requested:
            if name in self.jobs and self.scheduler is not None:
                self.scheduler.modify_job(name, next_run_time=datetime.now(UTC))

    def _next_run(self, name: str) -> datetime | None:
        scheduled = self.scheduler.get_job(name) if self.scheduler else None
        return scheduled.next_run_time if scheduled else None

    def _record(self, write: Callable[[Session], None]) -> None:
        """Bookkeeping never stops a job: when the database is down it is only logged."""
        try:
            with unit_of_work(self.app) as session:
                write(session)
        except Exception as error:
            log.warning("could not record the worker's state: %s", describe(error))
