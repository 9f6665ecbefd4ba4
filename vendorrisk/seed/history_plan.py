"""What each demo firm has been through: its questionnaires, how far each got, how it answered.

A table rather than dice, so the demo tells the same story on every machine and each firm's
history reads as a sentence. Days count back from the moment the demo is loaded; the story's
other steps follow at the fixed pace of ``history.py``. The mix across the thirty firms:

- decided (12): approved (6, one of them since offboarded), approved with conditions (4, with
  findings open, some overdue, some remediated), rejected (2, now suspended);
- reviewed, waiting for a manager's decision (3); submitted, waiting for review (3);
- returned for clarification (2); in progress (4, one overdue); sent, not started (3, one
  overdue); nothing yet (3 onboarding firms).

Six firms are on their second cycle, so their earlier answers were carried forward and the
reviewer sees what changed. Decisions date from 4 to 35 months back, so with the default cadence
(critical 6 months, high 12, medium 24, low 36) some reassessments are overdue and some fall due
within 90 days.

Every firm sent the full questionnaire signed the NDA two weeks before (the portal sends it only
under one); one of those NDAs is about to expire.

Answer quality follows the firm: ``quality`` (0 to 1) is how well-run it is; ``weak`` are the
critical controls it fails (scoring raises a finding for each); ``gaps`` are ordinary controls it
answers poorly, on which the reviewer raises a finding by hand. A firm fixes in its next cycle
what was found in the one before.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from vendorrisk.assessments.models import DecisionOutcome

FULL, SCREEN = "client-data-confidentiality", "pre-engagement-screen"
APPROVED = DecisionOutcome.APPROVED
WITH_CONDITIONS = DecisionOutcome.APPROVED_WITH_CONDITIONS
REJECTED = DecisionOutcome.REJECTED


class Stage(IntEnum):
    """How far a cycle got; each stage includes every earlier one."""

    SENT = 1
    IN_PROGRESS = 2
    SUBMITTED = 3
    RETURNED = 4  # the reviewer asked about ``clarify`` and sent it back
    REVIEWED = 5
    DECIDED = 6


@dataclass(frozen=True)
class Cycle:
    questionnaire: str
    sent: int  # days ago
    stage: Stage
    due_in: int = 30  # days from sending
    sections: int | None = None  # IN_PROGRESS: the partner saved the first this many sections
    weak: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    clarify: tuple[str, ...] = ()  # asked about once; answered better when it comes back
    outcome: DecisionOutcome | None = None
    closed: int = 0  # after the decision: findings remediated and closed, oldest first
    responded: int = 0  # then: findings with a remediation plan waiting for the reviewer

    def __post_init__(self) -> None:
        # Catch a plan that would quietly stop short of its stage.
        if self.stage == Stage.RETURNED and not self.clarify:
            raise ValueError("A returned cycle names the answers the reviewer asked about.")
        if (self.stage == Stage.IN_PROGRESS) != (self.sections is not None):
            raise ValueError("A cycle in progress, and only one, says how many sections.")
        if (self.stage == Stage.DECIDED) != (self.outcome is not None):
            raise ValueError("A decided cycle, and only one, has an outcome.")


@dataclass(frozen=True)
class Plan:
    quality: float
    cycles: tuple[Cycle, ...] = ()
    offboarded: int | None = None  # days ago, after its history
    nda_years: int = 3  # the term of the NDA it signs before its first full questionnaire
    registered: int | None = None  # days ago; default: a month before its first questionnaire

    @property
    def registered_days_ago(self) -> int:
        return self.registered if self.registered is not None else self.cycles[0].sent + 30


D, R = Stage.DECIDED, Stage.REVIEWED

# Keyed by the firm's English name (the part in brackets, if it has one).
PLANS: dict[str, Plan] = {
    # --- decided --------------------------------------------------------------------------
    "Shanghai Hengxin Law Firm": Plan(0.9, (
        Cycle(FULL, 168, D, gaps=("a-mfa",), outcome=WITH_CONDITIONS, responded=1),)),
    "Shanghai Mingcheng Law Firm": Plan(0.85, (
        Cycle(FULL, 325, D, clarify=("h-training",), outcome=APPROVED),)),
    "Beijing Zhengping Law Firm": Plan(0.75, (Cycle(FULL, 688, D, outcome=APPROVED),),
                                       nda_years=2),  # so its NDA is about to expire
    "Shenzhen Qihong Law Firm": Plan(0.6, (
        Cycle(FULL, 838, D, weak=("a-leaver-revocation",), gaps=("b-restore-test",),
              outcome=WITH_CONDITIONS, closed=1),)),
    "Hangzhou Zhihe Law Firm": Plan(0.8, (Cycle(SCREEN, 1061, D, outcome=APPROVED),)),
    "Shanghai Chengli CPA Firm": Plan(0.8, (
        Cycle(FULL, 498, D, weak=("e-laptop-encryption",), outcome=WITH_CONDITIONS, closed=1),
        Cycle(FULL, 143, D, outcome=APPROVED))),
    "Shanghai Runheng Tax Agents": Plan(0.55, (
        Cycle(FULL, 473, D, weak=("e-laptop-encryption",), gaps=("a-mfa",),
              outcome=WITH_CONDITIONS, responded=1),)),
    "Shanghai Hezhang Bookkeeping Co., Ltd.": Plan(0.65, (
        Cycle(FULL, 353, D, gaps=("h-training", "a-access-review"), outcome=WITH_CONDITIONS,
              closed=1),)),
    "Sandpiper Tax Advisory": Plan(0.8, (Cycle(FULL, 383, D, outcome=APPROVED),)),
    "Shanghai Anli Law Firm": Plan(0.3, (
        Cycle(FULL, 240, D, clarify=("a-mfa",),
              weak=("a-need-to-know", "d-end-of-engagement", "i-client-notification"),
              outcome=REJECTED),)),
    "Quillmark Translation Services": Plan(0.6, (
        Cycle(FULL, 918, D, gaps=("a-access-review",), outcome=WITH_CONDITIONS, closed=1),
        Cycle(FULL, 288, D, weak=("s-agreements", "a-leaver-revocation"), outcome=REJECTED))),
    "Hangzhou Zhengze CPA Firm": Plan(0.7, (Cycle(FULL, 1008, D, outcome=APPROVED),),
                                      offboarded=240),
    # --- reviewed, waiting for a decision -------------------------------------------------
    "Shanghai Dingcang Archive Management Co., Ltd.": Plan(0.85, (
        Cycle(FULL, 618, D, gaps=("b-restore-test",), outcome=WITH_CONDITIONS, closed=1),
        Cycle(FULL, 22, R))),
    "Calderbrook Audit Partners": Plan(0.8, (
        Cycle(FULL, 418, D, outcome=APPROVED),
        Cycle(FULL, 32, R, clarify=("e-transit",), gaps=("a-access-review",)))),
    "Ironleaf Document Destruction": Plan(0.7, (
        Cycle(FULL, 25, R, weak=("a-individual-accounts",)),)),
    # --- submitted, waiting for review ----------------------------------------------------
    "Stratoquay Cloud Services": Plan(0.9, (
        Cycle(FULL, 268, D, gaps=("e-key-rotation",), outcome=WITH_CONDITIONS, closed=1),
        Cycle(FULL, 18, Stage.SUBMITTED))),
    "Harbourline Solicitors": Plan(0.75, (Cycle(SCREEN, 8, Stage.SUBMITTED),)),
    "Shanghai Jiehan City Courier Co., Ltd.": Plan(0.45, (
        Cycle(FULL, 16, Stage.SUBMITTED, weak=("e-laptop-encryption",)),)),
    # --- returned for clarification -------------------------------------------------------
    "Lucidscan Imaging Services": Plan(0.6, (
        Cycle(FULL, 50, Stage.RETURNED, clarify=("a-mfa", "b-restore-test")),)),
    "Shanghai Qiqian E-Signature Technology Co., Ltd.": Plan(0.75, (
        Cycle(FULL, 28, Stage.RETURNED, due_in=45, clarify=("e-transit",)),)),
    # --- in progress ----------------------------------------------------------------------
    "Kestrel & Vane Rechtsanwälte PartG mbB": Plan(0.7, (
        Cycle(FULL, 12, Stage.IN_PROGRESS, sections=5),)),
    "Foliant Document Cloud": Plan(0.85, (Cycle(FULL, 50, Stage.IN_PROGRESS, sections=9),)),
    "Shanghai Zhengtong Notarization Support Co., Ltd.": Plan(0.7, (
        Cycle(SCREEN, 9, Stage.IN_PROGRESS, sections=1),)),
    "Beijing Hengli CPA Firm": Plan(0.7, (
        Cycle(SCREEN, 1031, D, gaps=("sc-insurance",), outcome=WITH_CONDITIONS, closed=1),
        Cycle(SCREEN, 20, Stage.IN_PROGRESS, sections=3))),
    # --- sent, not started ----------------------------------------------------------------
    "Hangzhou Xinqiao Payroll Software Co., Ltd.": Plan(0.7, (Cycle(FULL, 6, Stage.SENT),)),
    "Quayside Managed IT": Plan(0.7, (Cycle(SCREEN, 50, Stage.SENT),)),
    "Pixelwharf Web Studio": Plan(0.7, (Cycle(SCREEN, 10, Stage.SENT),)),
    # --- onboarding, nothing sent yet -----------------------------------------------------
    "Lumen Ledger Accounting Pte. Ltd.": Plan(0.7, registered=12),
    "Ostwind Cloud GmbH": Plan(0.7, registered=30),
    "Tidewell Corporate Services Limited": Plan(0.7, registered=4),
}


def english_name(name: str) -> str:
    """"上海衡信律师事务所 (Shanghai Hengxin Law Firm)" -> "Shanghai Hengxin Law Firm"."""
    if name.endswith(")") and " (" in name:
        return name[name.rindex(" (") + 2:-1]
    return name


def plan_for(name: str) -> Plan:
    return PLANS[english_name(name)]
