from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vendorrisk.clock import now
from vendorrisk.db import Base, UTCDateTime


class OutboxEmail(Base):
    """An email waiting to be sent, or its record once sent (the transactional outbox).

    A request only writes this row, in the same transaction as the change it reports, so a
    rolled-back change sends nothing and a committed one is never lost. The worker delivers it.
    """

    __tablename__ = "outbox_email"
    __table_args__ = (Index("ix_outbox_email_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # e.g. "invitation"
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    transport: Mapped[str] = mapped_column(String(10), default="")  # how it left: smtp | mailbox
