from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorrisk.agreements.domain import Survival
from vendorrisk.clock import now
from vendorrisk.db import Base, UTCDateTime
from vendorrisk.vendors.models import Vendor


class DestructionRequest(Base):
    """We asked a firm to return or destroy the client data it holds and to send a signed
    certificate saying so, by ``due_on``. The firm uploads it through a single-use link (its
    logins end with the relationship); procurement confirms it."""

    __tablename__ = "destruction_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    # One engagement's disclosures (it closed, or their return-by date passed); None: all the
    # firm holds, when the relationship ends.
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))  # why, in our words (shown to the firm)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                        index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    # The upload link: only its hash is kept; a reminder issues a new link.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    certificate_name: Mapped[str] = mapped_column(String(255), default="")
    certificate_storage: Mapped[str | None] = mapped_column(String(64), unique=True)
    certificate_sha256: Mapped[str] = mapped_column(String(64), default="")
    certificate_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                        index=True)
    note: Mapped[str] = mapped_column(Text, default="")  # procurement's, when confirming
    # The firm's duty of confidentiality after the end, from its NDA: kept here because the
    # agreement itself is destroyed when the firm's data is purged.
    confidentiality_until: Mapped[date | None] = mapped_column(Date)
    confidentiality_indefinite: Mapped[bool] = mapped_column(Boolean, default=False,
                                                             server_default=false())

    vendor: Mapped[Vendor] = relationship(lazy="raise")

    @property
    def confidentiality(self) -> Survival:
        return Survival(self.confidentiality_until, self.confidentiality_indefinite)

    def overdue(self, today: date) -> bool:
        return self.confirmed_at is None and self.due_on < today
