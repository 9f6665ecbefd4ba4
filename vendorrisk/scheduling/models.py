from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vendorrisk.db import Base, UTCDateTime


class JobState(Base):
    """What admins see of one scheduled job: its last run, the next, and a pending "run now".

    One row per job, written by the worker around every run; the web app only reads it and sets
    ``run_requested_at``, which the worker picks up on its next poll.
    """

    __tablename__ = "job_state"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_outcome: Mapped[str] = mapped_column(String(10), default="")  # "" | ok | error
    last_summary: Mapped[str] = mapped_column(Text, default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    run_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WorkerStatus(Base):
    """The current leader's heartbeat, so the admin page can say whether any worker is running."""

    __tablename__ = "worker_status"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1: there is one leader
    holder: Mapped[str] = mapped_column(String(200))  # host and process id
    leader_since: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReminderSent(Base):
    """One reminder about one thing (an overdue assessment, finding or an expired invitation)
    under one key (e.g. the week it was overdue): the unique key makes "once" a database fact."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(20))  # assessment | finding | invitation
    subject_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recipients: Mapped[int] = mapped_column(Integer, default=0)
