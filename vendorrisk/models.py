"""Every model, imported once so the metadata Alembic compares against is complete."""

from vendorrisk.accounts.models import LoginFailure, User, UserSession
from vendorrisk.assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    EvidenceFile,
    Invitation,
    QuestionnaireVersion,
    Submission,
)
from vendorrisk.audit.models import AuditChainHead, AuditEvent
from vendorrisk.db import Base
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.scheduling.models import JobState, WorkerStatus
from vendorrisk.vendors.models import Contact, Vendor, VendorDataCategory

__all__ = [
    "Answer",
    "AnswerChange",
    "Assessment",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "Contact",
    "EvidenceFile",
    "Invitation",
    "JobState",
    "LoginFailure",
    "OutboxEmail",
    "QuestionnaireVersion",
    "Submission",
    "User",
    "UserSession",
    "Vendor",
    "VendorDataCategory",
    "WorkerStatus",
]
