"""A manager decides on a reviewed assessment: approve, approve with conditions, or reject.

The decision records who decided, when, why, the score it was taken on and the kinds of client
data the firm's intake declared (what an approval covers when client data is shared). It
completes the assessment and sets the firm's status and current residual risk. Open findings
are what conditions are made of: approving outright while findings are open is refused, so a
condition is never forgotten.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments import findings
from vendorrisk.assessments.models import (
    AssessmentStatus,
    Decision,
    DecisionOutcome,
)
from vendorrisk.assessments.service import get_assessment
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError, Forbidden
from vendorrisk.text import clean_text
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import VendorStatus

DECIDERS = frozenset({Role.MANAGER, Role.ADMIN})
VENDOR_STATUS_AFTER = {
    DecisionOutcome.APPROVED: VendorStatus.ACTIVE,
    DecisionOutcome.APPROVED_WITH_CONDITIONS: VendorStatus.ACTIVE,
    DecisionOutcome.REJECTED: VendorStatus.SUSPENDED,  # no client data may go to the firm
}


def decide(session: Session, actor: Actor, assessment_id: int, outcome: DecisionOutcome,
           reason: str) -> Decision:
    if actor.role not in DECIDERS:
        raise Forbidden("Only a manager decides on an assessment.")
    assessment = get_assessment(session, assessment_id)
    if assessment.status != AssessmentStatus.REVIEWED:
        raise DomainError("Only a reviewed assessment can be decided; finish the review first.")
    reason = clean_text(reason, missing="Write the reason for the decision.",
                        too_long="Keep the reason under {limit} characters.")
    conditions = findings.open_of_assessment(session, assessment.id)
    if outcome == DecisionOutcome.APPROVED and conditions:
        raise DomainError(f"{len(conditions)} finding(s) are still open: approve with conditions, "
                          "or have them closed first.")
    if outcome == DecisionOutcome.APPROVED_WITH_CONDITIONS and not conditions:
        raise DomainError("No finding is open, so there is no condition to attach: approve "
                          "outright, or raise the findings that are the conditions.")
    now = clock.now()
    decision = Decision(
        assessment_id=assessment.id, outcome=outcome, reason=reason, decided_by_id=actor.user_id,
        decided_at=now, score=assessment.score, residual_risk=assessment.residual_risk,
        conditions_json=json.dumps([f.id for f in conditions]
                                   if outcome == DecisionOutcome.APPROVED_WITH_CONDITIONS
                                   else []))
    session.add(decision)
    assessment.status, assessment.decided_at = AssessmentStatus.COMPLETED, now
    vendor = vendors.record_decision(session, actor, assessment.vendor_id,
                                     VENDOR_STATUS_AFTER[outcome],
                                     residual_risk=assessment.residual_risk,
                                     control_score=assessment.score, decided_at=now)
    # What the approval covers when client data is shared with the firm (sharing/domain.py).
    decision.data_categories = " ".join(sorted(c.value for c in vendor.data_categories))
    session.flush()
    audit.record(session, actor, "assessment.decide", object_type="assessment",
                 object_id=assessment.id, details={"decision_id": decision.id,
                                                   "outcome": outcome.value,
                                                   "conditions": len(conditions)})
    return decision


def decision_of(session: Session, assessment_id: int) -> Decision | None:
    return session.scalar(select(Decision).where(Decision.assessment_id == assessment_id))
