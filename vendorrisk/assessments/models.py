from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorrisk.accounts.models import User
from vendorrisk.clock import now
from vendorrisk.db import Base, UTCDateTime, str_enum
from vendorrisk.keys.columns import SealedText
from vendorrisk.vendors.domain import RiskTier
from vendorrisk.vendors.models import Contact, Vendor


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"  # to the partner, with questions reopened for clarification
    REVIEWED = "reviewed"  # every answer reviewed: waiting for a manager's decision
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
    # The score of the latest submission (recomputed as reviewers accept answers), kept here so
    # lists and the portfolio dashboard read it without re-scoring every assessment.
    score: Mapped[float | None] = mapped_column(Float)
    confidence_percent: Mapped[float | None] = mapped_column(Float)
    residual_risk: Mapped[RiskTier | None] = mapped_column(str_enum(RiskTier), index=True)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

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
    value_json: Mapped[str] = mapped_column(SealedText("answer.value_json"), default="null")
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
    value_json: Mapped[str] = mapped_column(SealedText("answer_change.value_json"))
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
    # Set when the file backs a partner's response to a finding rather than an answer.
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"), index=True)
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
    # Exactly what the digest covers: every submitted answer, so sealed like the answers.
    content_json: Mapped[str] = mapped_column(SealedText("submission.content_json"))


class ReviewState(StrEnum):
    ACCEPTED = "accepted"
    CLARIFICATION_REQUESTED = "clarification_requested"


class AnswerReview(Base):
    """A reviewer's verdict on one answer of one assessment.

    It applies to the answer version it names: once the partner changes that answer (after a
    clarification request) the verdict is stale and the answer is reviewed again. An acceptance
    carried over from an earlier assessment, where the answer has not changed since, names it.
    """

    __tablename__ = "answer_review"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    state: Mapped[ReviewState] = mapped_column(str_enum(ReviewState))
    answer_version: Mapped[int | None] = mapped_column(Integer)  # None: there was no answer
    carried_over_from_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"),
                                                             index=True)
    # Returned to the partner with this question open to change, until the next submission.
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class FindingSeverity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(FindingSeverity).index(self)


class FindingStatus(StrEnum):
    OPEN = "open"
    RESPONDED = "responded"  # the partner sent a remediation plan; the reviewer's turn
    CLOSED = "closed"


class Finding(Base):
    """A gap to remediate: raised by scoring (a failed critical control) or by a reviewer."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    question_id: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(10))  # scoring | reviewer
    code: Mapped[str] = mapped_column(String(40), default="")  # why scoring raised it
    severity: Mapped[FindingSeverity] = mapped_column(str_enum(FindingSeverity), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    remediation: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[FindingStatus] = mapped_column(str_enum(FindingStatus), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    vendor: Mapped[Vendor] = relationship(lazy="raise")


class ReviewComment(Base):
    """A comment on an answer, a finding or the whole assessment.

    ``internal`` comments are for the company's reviewers only and never reach a partner page,
    email or export; a partner's own comments are never internal.
    """

    __tablename__ = "review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    question_id: Mapped[str | None] = mapped_column(String(100))
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"), index=True)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    # Partners write here too (notes on reopened answers, remediation plans), so it is sealed.
    body: Mapped[str] = mapped_column(SealedText("review_comment.body"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    author: Mapped[User | None] = relationship(lazy="raise")


class DecisionOutcome(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"


class Decision(Base):
    """A manager's decision on a reviewed assessment, with the score it was taken on."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), unique=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(str_enum(DecisionOutcome))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    score: Mapped[float | None] = mapped_column(Float)
    residual_risk: Mapped[RiskTier | None] = mapped_column(str_enum(RiskTier))
    conditions_json: Mapped[str] = mapped_column(Text, default="[]")  # the open findings' ids
    # The firm's intake categories when decided (space-separated DataCategory values): what the
    # approval covers for sharing client data. None: decided before this was recorded.
    data_categories: Mapped[str | None] = mapped_column(String(200))
