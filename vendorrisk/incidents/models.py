from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorrisk.clock import now
from vendorrisk.db import Base, UTCDateTime, str_enum
from vendorrisk.incidents.domain import IncidentStatus, NotificationOutcome, Recipient
from vendorrisk.vendors.domain import RiskTier
from vendorrisk.vendors.models import Vendor


class Incident(Base):
    """A security incident at a partner firm, as procurement or the firm itself reported it."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)  # what happened
    severity: Mapped[RiskTier] = mapped_column(str_enum(RiskTier), index=True)
    client_data: Mapped[bool] = mapped_column(Boolean)  # our clients' data was involved
    # The vendor intake's categories (DataCategory values), space-separated.
    data_categories: Mapped[str] = mapped_column(String(200), default="")
    records_affected: Mapped[int | None] = mapped_column(Integer)
    occurred_on: Mapped[date | None] = mapped_column(Date)
    detected_on: Mapped[date] = mapped_column(Date)
    # When the company learnt of it: the notification deadlines count from here.
    learnt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    containment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[IncidentStatus] = mapped_column(str_enum(IncidentStatus), index=True)
    reported_by_partner: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    vendor: Mapped[Vendor] = relationship(lazy="raise")
    notifications: Mapped[list[IncidentNotification]] = relationship(
        back_populates="incident", lazy="raise", order_by="IncidentNotification.due_at")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared API


class IncidentNotification(Base):
    """A notification the company owes because of an incident, with its deadline and outcome."""

    __tablename__ = "incident_notification"
    __table_args__ = (UniqueConstraint("incident_id", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    recipient: Mapped[Recipient] = mapped_column(str_enum(Recipient))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    outcome: Mapped[NotificationOutcome | None] = mapped_column(str_enum(NotificationOutcome))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")  # how, to whom, or why not owed

    incident: Mapped[Incident] = relationship(back_populates="notifications", lazy="raise")
