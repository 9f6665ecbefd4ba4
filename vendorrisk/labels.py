"""What people read for each stored value, translated through gettext."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from vendorrisk.accounts.roles import Role
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus, Standing
from vendorrisk.assessments.models import (
    AssessmentStatus,
    DecisionOutcome,
    FindingSeverity,
    FindingStatus,
    ReviewState,
)
from vendorrisk.incidents.domain import IncidentStatus, NotificationOutcome, Recipient
from vendorrisk.questionnaires.scoring import CoverageStatus, FindingReason, ScoreBand
from vendorrisk.sharing.domain import Channel, CountUnit, EngagementStatus, Holding
from vendorrisk.vendors.domain import Criticality, DataCategory, RiskTier, VendorKind, VendorStatus

# Pairs, not a dict literal: StrEnum members of different enums with the same value (an
# assessment "sent", an agreement "sent") are equal keys, and a dict would keep one label.
_PAIRS = (
    (VendorKind.LAW_FIRM, _l("Law firm")),
    (VendorKind.ACCOUNTING_FIRM, _l("Accounting firm")),
    (VendorKind.IT_SERVICE, _l("IT service")),
    (VendorKind.OTHER, _l("Other")),
    (DataCategory.IDENTITY, _l("Identity documents")),
    (DataCategory.CONTACT, _l("Contact details")),
    (DataCategory.FINANCIAL, _l("Financial and transaction records")),
    (DataCategory.BUSINESS_SECRETS, _l("Business secrets")),
    (Criticality.LOW, _l("Low")),
    (Criticality.MEDIUM, _l("Medium")),
    (Criticality.HIGH, _l("High")),
    (RiskTier.LOW, _l("Low")),
    (RiskTier.MEDIUM, _l("Medium")),
    (RiskTier.HIGH, _l("High")),
    (RiskTier.CRITICAL, _l("Critical")),
    (VendorStatus.ONBOARDING, _l("Onboarding")),
    (VendorStatus.ACTIVE, _l("Active")),
    (VendorStatus.SUSPENDED, _l("Suspended")),
    (VendorStatus.OFFBOARDED, _l("Offboarded")),
    (AssessmentStatus.DRAFT, _l("Draft")),
    (AssessmentStatus.SENT, _l("Sent")),
    (AssessmentStatus.IN_PROGRESS, _l("In progress")),
    (AssessmentStatus.SUBMITTED, _l("Submitted")),
    (AssessmentStatus.UNDER_REVIEW, _l("Under review")),
    (AssessmentStatus.RETURNED, _l("Returned for clarification")),
    (AssessmentStatus.REVIEWED, _l("Reviewed, awaiting decision")),
    (AssessmentStatus.COMPLETED, _l("Completed")),
    (AssessmentStatus.CANCELLED, _l("Cancelled")),
    # Severity shares its words (and, being a StrEnum, its dictionary keys) with the tiers.
    (FindingSeverity.LOW, _l("Low")),
    (FindingSeverity.MEDIUM, _l("Medium")),
    (FindingSeverity.HIGH, _l("High")),
    (FindingSeverity.CRITICAL, _l("Critical")),
    (FindingStatus.OPEN, _l("Open")),
    (FindingStatus.RESPONDED, _l("Partner responded")),
    (FindingStatus.CLOSED, _l("Closed")),
    (ReviewState.ACCEPTED, _l("Accepted")),
    (ReviewState.CLARIFICATION_REQUESTED, _l("Clarification requested")),
    (DecisionOutcome.APPROVED, _l("Approved")),
    (DecisionOutcome.APPROVED_WITH_CONDITIONS, _l("Approved with conditions")),
    (DecisionOutcome.REJECTED, _l("Rejected")),
    (ScoreBand.STRONG, _l("Strong")),
    (ScoreBand.ADEQUATE, _l("Adequate")),
    (ScoreBand.WEAK, _l("Weak")),
    (ScoreBand.POOR, _l("Poor")),
    (CoverageStatus.MET, _l("Met")),
    (CoverageStatus.PARTIAL, _l("Partly met")),
    (CoverageStatus.GAP, _l("Gap")),
    (CoverageStatus.NOT_ASSESSED, _l("Not assessed")),
    (FindingReason.CRITICAL_FAILED, _l("the answer fails the control")),
    (FindingReason.CRITICAL_UNANSWERED, _l("not answered")),
    (FindingReason.CRITICAL_EVIDENCE_MISSING, _l("claimed without the required evidence")),
    (AgreementKind.NDA, _l("Non-disclosure agreement (NDA)")),
    (AgreementKind.DPA, _l("Data processing agreement (DPA)")),
    (AgreementKind.MSA, _l("Master services agreement")),
    (AgreementStatus.REQUESTED, _l("Requested")),
    (AgreementStatus.SENT, _l("Sent for signature")),
    (AgreementStatus.SIGNED, _l("Signed")),
    (AgreementStatus.TERMINATED, _l("Terminated")),
    (Standing.PENDING, _l("Not signed yet")),
    (Standing.NOT_YET_EFFECTIVE, _l("Signed, not yet in effect")),
    (Standing.VALID, _l("In force")),
    (Standing.EXPIRING, _l("Expiring soon")),
    (Standing.REVIEW_DUE, _l("In force, review overdue")),
    (Standing.EXPIRED, _l("Expired")),
    (Standing.TERMINATED, _l("Terminated")),
    (Standing.SUPERSEDED, _l("Superseded by a renewal")),
    (IncidentStatus.OPEN, _l("Open")),
    (IncidentStatus.CONTAINED, _l("Contained")),
    (IncidentStatus.CLOSED, _l("Closed")),
    (Recipient.REGULATOR, _l("Regulator")),
    (Recipient.CLIENTS, _l("Affected clients")),
    (NotificationOutcome.NOTIFIED, _l("Notified")),
    (NotificationOutcome.NOT_REQUIRED, _l("Not required")),
    (EngagementStatus.OPEN, _l("Open")),
    (EngagementStatus.CLOSED, _l("Closed")),
    (Channel.ENCRYPTED_UPLOAD, _l("Encrypted upload")),
    (Channel.ENCRYPTED_EMAIL, _l("Encrypted email")),
    (Channel.PAPER_COURIER, _l("Paper, by courier")),
    (Channel.IN_PERSON, _l("In person")),
    (CountUnit.RECORDS, _l("records")),
    (CountUnit.DOCUMENTS, _l("documents")),
    (Holding.HELD, _l("Held by the firm")),
    (Holding.RETURNED, _l("Returned")),
    (Holding.DESTROYED, _l("Destroyed")),
    (Role.ADMIN, _l("Administrator")),
    (Role.PROCUREMENT, _l("Procurement")),
    (Role.MANAGER, _l("Manager")),
    (Role.PARTNER, _l("Partner")),
)
LABELS = {(type(member), member): text for member, text in _PAIRS}


def label(value: object) -> str:
    found = LABELS.get((type(value), value))
    return str(found) if found is not None else str(value)


def choices(enum_type: type) -> list[SelectChoice]:
    """Form choices with lazy labels, so each request renders them in its own language."""
    return [SelectChoice(member.value, LABELS[(enum_type, member)]) for member in enum_type]
