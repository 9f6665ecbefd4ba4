from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorrisk.accounts.models import User
from vendorrisk.agreements.models import Agreement
from vendorrisk.clock import now
from vendorrisk.db import Base, UTCDateTime, str_enum
from vendorrisk.sharing.domain import Channel, CountUnit, EngagementStatus, Holding
from vendorrisk.vendors.domain import DataCategory
from vendorrisk.vendors.models import Vendor


class Engagement(Base):
    """A piece of work a partner firm does for one of our clients ("deregistration of client
    company X, handled by law firm Y"), under which client data is disclosed to it."""

    __tablename__ = "engagement"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # Which client it is for (e.g. the client company's name): business data, kept short.
    client_reference: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    planned_end_on: Mapped[date] = mapped_column(Date, index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[EngagementStatus] = mapped_column(str_enum(EngagementStatus), index=True)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    vendor: Mapped[Vendor] = relationship(lazy="raise")
    owner: Mapped[User] = relationship(lazy="raise", foreign_keys=[owner_id])
    disclosures: Mapped[list[Disclosure]] = relationship(
        back_populates="engagement", lazy="raise",
        order_by="[Disclosure.disclosed_on.desc(), Disclosure.id.desc()]")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared API


class Disclosure(Base):
    """One transfer of client data to the firm under an engagement: the facts about it, never
    the data itself. ``override_reason`` set means a manager overrode the policy's refusal,
    whose reasons ``refused_because`` keeps as they read then."""

    __tablename__ = "disclosure"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id"), index=True)
    # The engagement's firm, copied so the register and the holdings filter on one index.
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    approx_count: Mapped[int] = mapped_column(Integer)
    count_unit: Mapped[CountUnit] = mapped_column(str_enum(CountUnit))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), index=True)
    disclosed_on: Mapped[date] = mapped_column(Date, index=True)
    return_by: Mapped[date] = mapped_column(Date, index=True)
    # The internal user who approved sending it.
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # What the policy relied on when it was recorded.
    nda_agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"), index=True)
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                         index=True)
    refused_because: Mapped[str] = mapped_column(Text, default="")  # one reason per line
    holding: Mapped[Holding] = mapped_column(str_enum(Holding), index=True)
    returned_or_destroyed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    engagement: Mapped[Engagement] = relationship(back_populates="disclosures", lazy="raise")
    vendor: Mapped[Vendor] = relationship(lazy="raise")
    approved_by: Mapped[User] = relationship(lazy="raise", foreign_keys=[approved_by_id])
    overridden_by: Mapped[User | None] = relationship(lazy="raise",
                                                      foreign_keys=[overridden_by_id])
    nda: Mapped[Agreement | None] = relationship(lazy="raise")
    categories: Mapped[list[DisclosureCategory]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DisclosureCategory.category")

    @property
    def data_categories(self) -> frozenset[DataCategory]:
        return frozenset(link.category for link in self.categories)

    @property
    def overridden(self) -> bool:
        return self.override_reason is not None


class DisclosureCategory(Base):
    """A kind of client data (the intake's categories) in a disclosure, one row per kind."""

    __tablename__ = "disclosure_category"

    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosure.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[DataCategory] = mapped_column(str_enum(DataCategory), primary_key=True,
                                                   index=True)
