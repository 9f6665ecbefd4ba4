"""Every model, imported once so the metadata Alembic compares against is complete."""

from vendorrisk.accounts.models import LoginFailure, User, UserSession
from vendorrisk.agreements.models import Agreement, AgreementDocument, AgreementReminder
from vendorrisk.assessments.models import (
    Answer,
    AnswerChange,
    AnswerReview,
    Assessment,
    Decision,
    EvidenceFile,
    Finding,
    Invitation,
    QuestionnaireVersion,
    ReviewComment,
    Submission,
)
from vendorrisk.audit.models import AuditChainHead, AuditEvent
from vendorrisk.db import Base
from vendorrisk.incidents.models import Incident, IncidentNotification
from vendorrisk.keys.models import VendorKey
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.offboarding.models import DestructionRequest
from vendorrisk.scheduling.models import JobState, ReminderSent, WorkerStatus
from vendorrisk.sharing.models import Disclosure, DisclosureCategory, Engagement
from vendorrisk.vendors.models import Contact, Vendor, VendorDataCategory

__all__ = [
    "Agreement",
    "AgreementDocument",
    "AgreementReminder",
    "Answer",
    "AnswerChange",
    "AnswerReview",
    "Assessment",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "Contact",
    "Decision",
    "DestructionRequest",
    "Disclosure",
    "DisclosureCategory",
    "Engagement",
    "EvidenceFile",
    "Finding",
    "Incident",
    "IncidentNotification",
    "Invitation",
    "JobState",
    "LoginFailure",
    "OutboxEmail",
    "QuestionnaireVersion",
    "ReminderSent",
    "ReviewComment",
    "Submission",
    "User",
    "UserSession",
    "Vendor",
    "VendorDataCategory",
    "VendorKey",
    "WorkerStatus",
]
