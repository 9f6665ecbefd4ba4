from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorrisk.clock import now
from vendorrisk.db import Base, UTCDateTime, str_enum
from vendorrisk.vendors.models import Contact, Vendor


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({AssessmentStatus.DRAFT, AssessmentStatus.SENT,
                           AssessmentStatus.IN_PROGRESS, AssessmentStatus.RETURNED})


class QuestionnaireVersion(Base):
    """The exact questionnaire file an assessment was sent with, kept byte for byte.

    One row per distinct content: sending the same file twice reuses the row, and editing the
    file later creates a new row while assessments in flight keep theirs.
    """

    __tablename__ = "questionnaire_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class Assessment(Base):
    """One questionnaire sent to one partner firm."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("vendor_id", "questionnaire_key", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id"), index=True)
    # Copied from the version so "one assessment per firm, questionnaire and cycle" is a constraint.
    questionnaire_key: Mapped[str] = mapped_column(String(100))
    cycle: Mapped[int] = mapped_column(Integer)  # 0 = initial, N = Nth reassessment
    status: Mapped[AssessmentStatus] = mapped_column(str_enum(AssessmentStatus), index=True)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    vendor: Mapped[Vendor] = relationship(lazy="raise")
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(lazy="raise")
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="assessment", lazy="raise", order_by="Invitation.id")


class Invitation(Base):
    """A single-use link for one contact to one assessment. Only the token's SHA-256 is kept."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_email.id"), index=True)

    assessment: Mapped[Assessment] = relationship(back_populates="invitations", lazy="raise")
    contact: Mapped[Contact] = relationship(lazy="raise")


class Answer(Base):
    """The current answer to one question of one assessment.

    ``version`` is an optimistic lock: a save names the version it was made from, and a save
    from a stale page is refused with the newer value instead of silently overwriting it.
    """

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    value_json: Mapped[str] = mapped_column(Text, default="null")
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared API


class AnswerChange(Base):
    """Every saved version of an answer, oldest first: the answer's history."""

    __tablename__ = "answer_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    value_json: Mapped[str] = mapped_column(Text)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)


class EvidenceFile(Base):
    """A file a partner attached to an answer; the bytes live in the upload folder."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Submission(Base):
    """A partner's submission: who attested what, when, and the digest of what was submitted.

    An assessment returned for clarification and submitted again gets another row.
    """

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    attested_name: Mapped[str] = mapped_column(String(200))
    attested_position: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical submitted content
    content_json: Mapped[str] = mapped_column(Text)  # exactly what the digest covers
