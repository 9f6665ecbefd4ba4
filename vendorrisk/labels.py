"""What people read for each stored value, translated through gettext."""

from __future__ import annotations

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
from vendorrisk.i18n import N_, gettext, lazy_gettext
from vendorrisk.incidents.domain import IncidentStatus, NotificationOutcome, Recipient
from vendorrisk.questionnaires.scoring import CoverageStatus, FindingReason, ScoreBand
from vendorrisk.sharing.domain import Channel, CountUnit, EngagementStatus, Holding
from vendorrisk.vendors.domain import Criticality, DataCategory, RiskTier, VendorKind, VendorStatus

# Pairs, not a dict literal: StrEnum members of different enums with the same value (an
# assessment "sent", an agreement "sent") are equal keys, and a dict would keep one label.
_PAIRS = (
    (VendorKind.LAW_FIRM, N_("Law firm")),
    (VendorKind.ACCOUNTING_FIRM, N_("Accounting firm")),
    (VendorKind.IT_SERVICE, N_("IT service")),
    (VendorKind.OTHER, N_("Other")),
    (DataCategory.IDENTITY, N_("Identity documents")),
    (DataCategory.CONTACT, N_("Contact details")),
    (DataCategory.FINANCIAL, N_("Financial and transaction records")),
    (DataCategory.BUSINESS_SECRETS, N_("Business secrets")),
    (Criticality.LOW, N_("Low")),
    (Criticality.MEDIUM, N_("Medium")),
    (Criticality.HIGH, N_("High")),
    (RiskTier.LOW, N_("Low")),
    (RiskTier.MEDIUM, N_("Medium")),
    (RiskTier.HIGH, N_("High")),
    (RiskTier.CRITICAL, N_("Critical")),
    (VendorStatus.ONBOARDING, N_("Onboarding")),
    (VendorStatus.ACTIVE, N_("Active")),
    (VendorStatus.SUSPENDED, N_("Suspended")),
    (VendorStatus.OFFBOARDED, N_("Offboarded")),
    (AssessmentStatus.DRAFT, N_("Draft")),
    (AssessmentStatus.SENT, N_("Sent")),
    (AssessmentStatus.IN_PROGRESS, N_("In progress")),
    (AssessmentStatus.SUBMITTED, N_("Submitted")),
    (AssessmentStatus.UNDER_REVIEW, N_("Under review")),
    (AssessmentStatus.RETURNED, N_("Returned for clarification")),
    (AssessmentStatus.REVIEWED, N_("Reviewed, awaiting decision")),
    (AssessmentStatus.COMPLETED, N_("Completed")),
    (AssessmentStatus.CANCELLED, N_("Cancelled")),
    # Severity shares its words (and, being a StrEnum, its dictionary keys) with the tiers.
    (FindingSeverity.LOW, N_("Low")),
    (FindingSeverity.MEDIUM, N_("Medium")),
    (FindingSeverity.HIGH, N_("High")),
    (FindingSeverity.CRITICAL, N_("Critical")),
    (FindingStatus.OPEN, N_("Open")),
    (FindingStatus.RESPONDED, N_("Partner responded")),
    (FindingStatus.CLOSED, N_("Closed")),
    (ReviewState.ACCEPTED, N_("Accepted")),
    (ReviewState.CLARIFICATION_REQUESTED, N_("Clarification requested")),
    (DecisionOutcome.APPROVED, N_("Approved")),
    (DecisionOutcome.APPROVED_WITH_CONDITIONS, N_("Approved with conditions")),
    (DecisionOutcome.REJECTED, N_("Rejected")),
    (ScoreBand.STRONG, N_("Strong")),
    (ScoreBand.ADEQUATE, N_("Adequate")),
    (ScoreBand.WEAK, N_("Weak")),
    (ScoreBand.POOR, N_("Poor")),
    (CoverageStatus.MET, N_("Met")),
    (CoverageStatus.PARTIAL, N_("Partly met")),
    (CoverageStatus.GAP, N_("Gap")),
    (CoverageStatus.NOT_ASSESSED, N_("Not assessed")),
    (FindingReason.CRITICAL_FAILED, N_("the answer fails the control")),
    (FindingReason.CRITICAL_UNANSWERED, N_("not answered")),
    (FindingReason.CRITICAL_EVIDENCE_MISSING, N_("claimed without the required evidence")),
    (AgreementKind.NDA, N_("Non-disclosure agreement (NDA)")),
    (AgreementKind.DPA, N_("Data processing agreement (DPA)")),
    (AgreementKind.MSA, N_("Master services agreement")),
    (AgreementStatus.REQUESTED, N_("Requested")),
    (AgreementStatus.SENT, N_("Sent for signature")),
    (AgreementStatus.SIGNED, N_("Signed")),
    (AgreementStatus.TERMINATED, N_("Terminated")),
    (Standing.PENDING, N_("Not signed yet")),
    (Standing.NOT_YET_EFFECTIVE, N_("Signed, not yet in effect")),
    (Standing.VALID, N_("In force")),
    (Standing.EXPIRING, N_("Expiring soon")),
    (Standing.REVIEW_DUE, N_("In force, review overdue")),
    (Standing.EXPIRED, N_("Expired")),
    (Standing.TERMINATED, N_("Terminated")),
    (Standing.SUPERSEDED, N_("Superseded by a renewal")),
    (IncidentStatus.OPEN, N_("Open")),
    (IncidentStatus.CONTAINED, N_("Contained")),
    (IncidentStatus.CLOSED, N_("Closed")),
    (Recipient.REGULATOR, N_("Regulator")),
    (Recipient.CLIENTS, N_("Affected clients")),
    (NotificationOutcome.NOTIFIED, N_("Notified")),
    (NotificationOutcome.NOT_REQUIRED, N_("Not required")),
    (EngagementStatus.OPEN, N_("Open")),
    (EngagementStatus.CLOSED, N_("Closed")),
    (Channel.ENCRYPTED_UPLOAD, N_("Encrypted upload")),
    (Channel.ENCRYPTED_EMAIL, N_("Encrypted email")),
    (Channel.PAPER_COURIER, N_("Paper, by courier")),
    (Channel.IN_PERSON, N_("In person")),
    (CountUnit.RECORDS, N_("records")),
    (CountUnit.DOCUMENTS, N_("documents")),
    (Holding.HELD, N_("Held by the firm")),
    (Holding.RETURNED, N_("Returned")),
    (Holding.DESTROYED, N_("Destroyed")),
    (Role.ADMIN, N_("Administrator")),
    (Role.PROCUREMENT, N_("Procurement")),
    (Role.MANAGER, N_("Manager")),
    (Role.PARTNER, N_("Partner")),
)
LABELS = {(type(member), member): text for member, text in _PAIRS}


def label(value: object) -> str:
    found = LABELS.get((type(value), value))
    return gettext(found) if found is not None else str(value)


def choices(enum_type: type) -> list[SelectChoice]:
    """Form choices with lazy labels, so each request renders them in its own language."""
    return [SelectChoice(member.value, lazy_gettext(LABELS[(enum_type, member)]))
            for member in enum_type]
