from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorrisk.accounts.models import User
from vendorrisk.clock import now
from vendorrisk.db import Base, UTCDateTime, str_enum
from vendorrisk.vendors.domain import Criticality, DataCategory, RiskTier, VendorKind, VendorStatus


class Vendor(Base):
    """A partner firm. The tier is derived from the intake by vendors/tiering.py and stored so the
    list can filter and sort on an index; the service recomputes it whenever the intake changes."""

    __tablename__ = "vendor"
    __table_args__ = (
        Index("ix_vendor_status_tier_rank", "status", "tier_rank"),
        # The list filtered by status and tier, sorted by name (the default sort): the count and
        # the page are both read from this index (benchmark, issue 10: 95 ms -> 5 ms at 100,000).
        Index("ix_vendor_status_tier_name", "status", "tier", "name"),
        Index("ix_vendor_owner_id_tier_rank", "owner_id", "tier_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[VendorKind] = mapped_column(str_enum(VendorKind), index=True)
    services: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    stores_data: Mapped[bool] = mapped_column(Boolean, default=False)
    uses_subcontractors: Mapped[bool] = mapped_column(Boolean, default=False)
    criticality: Mapped[Criticality] = mapped_column(str_enum(Criticality))
    tier: Mapped[RiskTier] = mapped_column(str_enum(RiskTier), index=True)
    # RiskTier.rank, stored beside the tier so "riskiest first" is an index scan, not a CASE sort.
    tier_rank: Mapped[int] = mapped_column(SmallInteger, index=True)
    tier_points: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[VendorStatus] = mapped_column(str_enum(VendorStatus), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The latest decided assessment's result, kept here (by the decision) so the portfolio
    # dashboard groups firms in one query instead of finding each firm's latest assessment.
    residual_risk: Mapped[RiskTier | None] = mapped_column(str_enum(RiskTier), index=True)
    control_score: Mapped[float | None] = mapped_column(Float)
    last_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # An early reassessment asked for (a critical finding, an NDA renewal, an incident): the
    # reassessment sweep sends it at its next run and clears this.
    reassessment_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reassessment_reason: Mapped[str] = mapped_column(String(200), default="")
    # Offboarding: when it happened, and the day the data kept about the firm is to be purged.
    offboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    purge_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The certificate of destruction we produced when purging (a PDF in CERTIFICATES_DIR).
    purge_certificate: Mapped[str | None] = mapped_column(String(64), unique=True)
    purge_certificate_sha256: Mapped[str] = mapped_column(String(64), default="",
                                                          server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    owner: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[owner_id])
    categories: Mapped[list[VendorDataCategory]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="VendorDataCategory.category"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="vendor", cascade="all, delete-orphan", lazy="raise",
        order_by="Contact.name",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared API

    @property
    def data_categories(self) -> frozenset[DataCategory]:
        return frozenset(link.category for link in self.categories)


class VendorDataCategory(Base):
    """Which kinds of client data the firm will touch (one row per category)."""

    __tablename__ = "vendor_data_category"

    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendor.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[DataCategory] = mapped_column(
        str_enum(DataCategory), primary_key=True, index=True
    )


class Contact(Base):
    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("vendor_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    vendor: Mapped[Vendor] = relationship(back_populates="contacts", lazy="raise")
