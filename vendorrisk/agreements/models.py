from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorrisk.agreements.domain import AgreementKind, AgreementStatus, Dates
from vendorrisk.clock import now
from vendorrisk.db import Base, UTCDateTime, str_enum
from vendorrisk.vendors.models import Vendor


class Agreement(Base):
    """One agreement with a partner firm. A renewal is a new row that supersedes the old one,
    so the history of every NDA the firm signed stays readable."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    kind: Mapped[AgreementKind] = mapped_column(str_enum(AgreementKind), index=True)
    status: Mapped[AgreementStatus] = mapped_column(str_enum(AgreementStatus), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    signed_on: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    indefinite: Mapped[bool] = mapped_column(Boolean, default=False)
    review_on: Mapped[date | None] = mapped_column(Date, index=True)
    our_signatory: Mapped[str] = mapped_column(String(200), default="")
    their_signatory: Mapped[str] = mapped_column(String(200), default="")
    # How long confidentiality survives the end of the agreement; None with survives_indefinitely.
    survival_months: Mapped[int | None] = mapped_column(Integer)
    survives_indefinitely: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"), index=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    terminated_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    vendor: Mapped[Vendor] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared API

    @property
    def dates(self) -> Dates:
        return Dates(self.status, self.effective_on, self.expires_on, self.indefinite,
                     self.review_on, superseded=self.superseded_at is not None)


class AgreementDocument(Base):
    """A copy of the agreement: the signed PDF procurement files, or a countersigned copy a
    partner uploads for procurement to confirm. The bytes are stored encrypted."""

    __tablename__ = "agreement_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # signed | countersigned
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AgreementReminder(Base):
    """One reminder sent for one agreement at one lead time: the unique key makes "exactly once"
    a database guarantee, whatever the scheduler does."""

    __tablename__ = "agreement_reminder"
    __table_args__ = (UniqueConstraint("agreement_id", "lead_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    lead_days: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
