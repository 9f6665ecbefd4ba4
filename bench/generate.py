"""Build a benchmark database: N partner firms, their assessments and answers, deterministically.

    python -m bench.generate --database-url sqlite:////tmp/b.db --instance /tmp/inst \\
        --vendors 100000 --assessments 20000 --answers 1000000 --manifest /tmp/b.json
    python -m bench.generate --database-url ... --instance ... --preset small   # 1,000 firms

Same seed, sizes and day, same data. The schema comes from the migrations; the rows are written
in batches with SQLAlchemy Core ``insert()`` on the ORM tables through the app's engine, so the
sealed columns (answers, submissions) are encrypted with the instance's storage keys like any
the portal writes. People go through the services (``accounts.create_user``, audited, with real
password hashes); the bulk rows write no audit events, so the audit chain stays whole.

What is made, per firm: the intake (tier from the real tiering function), one or two contacts,
usually an NDA. Assessments go to some firms (about one in seven gets a second cycle) on a
snapshot of ``questionnaires/client-data-confidentiality.yaml``, with statuses from sent to
completed; answers follow 64 answer profiles walked through the real questionnaire (so hidden
questions stay unanswered), submissions and decisions carry the scores the real scoring function
gives, failed critical controls become findings. Dates are set so that about 1% of decided firms
fall due for reassessment and a few percent of open assessments are overdue, as in a portal
whose worker keeps up. A few partner users (one per load connection) get accounts, and a
200-question assessment is kept for the PDF measurement when the answer budget allows.

The manifest (JSON) names what the benchmark needs: the accounts, the partner pages, firm ids,
the assessments whose reports it downloads, and the row counts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection, Engine

from bench.questionnaires import MAIN, enlarged, walk_answers
from vendorrisk import clock, create_app
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.agreements.models import Agreement
from vendorrisk.assessments.findings import REMEDIATION_DAYS
from vendorrisk.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Decision,
    DecisionOutcome,
    Finding,
    FindingSeverity,
    FindingStatus,
    Invitation,
    Submission,
)
from vendorrisk.assessments.service import snapshot
from vendorrisk.assessments.versions import load_version
from vendorrisk.audit.chain import Actor
from vendorrisk.db import get_db, unit_of_work
from vendorrisk.migrate import upgrade
from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires import conditions
from vendorrisk.questionnaires.schema import Questionnaire
from vendorrisk.questionnaires.scoring import Scorecard, score
from vendorrisk.scheduling.cadence import Cadence, add_months
from vendorrisk.storage.keyring import create_keyring_file
from vendorrisk.vendors.domain import Criticality, DataCategory, RiskTier, VendorKind, VendorStatus
from vendorrisk.vendors.models import Contact, Vendor, VendorDataCategory
from vendorrisk.vendors.tiering import Intake, assess_tier

BENCH_PASSWORD = "bench-password-not-a-secret"  # noqa: S105 - throwaway benchmark accounts
SEEDER = Actor.system("bench-generator")
BATCH = 5000
PROFILES = 64
PARTNER_USERS = 8  # load connections that save answers, each as its own partner
LEAD_DAYS = 30  # REASSESSMENT_LEAD_DAYS' default
PDF_QUESTIONS = 200
GENERATOR_VERSION = "2"  # bump when the data's shape changes; part of the cache key


@dataclass(frozen=True)
class Sizes:
    vendors: int
    assessments: int
    answers: int

    def label(self) -> str:
        return f"v{self.vendors}-a{self.assessments}-n{self.answers}"


PRESETS = {
    "small": Sizes(1_000, 200, 10_000),
    "full": Sizes(100_000, 20_000, 1_000_000),
}

KINDS = ((VendorKind.LAW_FIRM, 35), (VendorKind.ACCOUNTING_FIRM, 30),
         (VendorKind.IT_SERVICE, 20), (VendorKind.OTHER, 15))
CITIES = ("Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Suzhou", "Nanjing", "Guangzhou",
          "Chengdu", "Hong Kong", "Singapore", "Frankfurt", "London")
FIRST = ("Heng", "Xin", "Da", "Jin", "Tian", "Hua", "Zhong", "Kang", "Rui", "Ming", "Bo", "Yuan",
         "Sheng", "Tai", "Long", "Feng", "Cheng", "An", "De", "Fu")
SECOND = ("tong", "cheng", "hai", "yuan", "feng", "da", "xin", "li", "hua", "rong", "jia", "kai")
SUFFIX = {VendorKind.LAW_FIRM: "Law Firm", VendorKind.ACCOUNTING_FIRM: "CPA",
          VendorKind.IT_SERVICE: "Technology", VendorKind.OTHER: "Services"}
PEOPLE = ("Wang Fang", "Li Na", "Zhang Wei", "Liu Yang", "Chen Jing", "Yang Lei", "Zhao Min",
          "Huang Tao", "Zhou Jie", "Wu Xia", "Anna Keller", "Tom Baker")
# The latest cycle's status, weighted; an earlier cycle is always completed.
LATEST_STATUS = ((AssessmentStatus.COMPLETED, 58), (AssessmentStatus.IN_PROGRESS, 12),
                 (AssessmentStatus.SENT, 8), (AssessmentStatus.SUBMITTED, 5),
                 (AssessmentStatus.UNDER_REVIEW, 5), (AssessmentStatus.REVIEWED, 3),
                 (AssessmentStatus.RETURNED, 3), (AssessmentStatus.CANCELLED, 6))
SUBMITTED_OR_LATER = frozenset({AssessmentStatus.SUBMITTED, AssessmentStatus.UNDER_REVIEW,
                                AssessmentStatus.RETURNED, AssessmentStatus.REVIEWED,
                                AssessmentStatus.COMPLETED})
PARTIAL = frozenset({AssessmentStatus.IN_PROGRESS, AssessmentStatus.CANCELLED})
OPEN = frozenset({AssessmentStatus.SENT, AssessmentStatus.IN_PROGRESS, AssessmentStatus.RETURNED})


def weighted(rng: random.Random, table: Iterable[tuple[Any, int]]) -> Any:
    items = list(table)
    return rng.choices([v for v, _ in items], weights=[w for _, w in items])[0]


def at(day: date, rng: random.Random) -> datetime:
    """A moment in the working day (UTC) of ``day``."""
    return datetime(day.year, day.month, day.day, 1, tzinfo=UTC) + timedelta(
        minutes=rng.randrange(9 * 60))


@dataclass
class Plan:
    """One assessment before it becomes rows."""

    id: int
    vendor_id: int
    cycle: int
    status: AssessmentStatus
    sent: datetime
    due: date
    decided: datetime | None = None
    profile: int = 0
    answers: int = 0  # how many of the profile's answers it holds
    version_id: int = 0
    # The 200-question assessment's own answers (stored JSON) and scorecard, not a profile's.
    own_answers: dict[str, str] | None = None
    own_card: Scorecard | None = None


@dataclass
class Firm:
    id: int
    tier: RiskTier
    owner_id: int | None
    created: datetime
    contacts: list[int] = field(default_factory=list)
    contact_names: list[str] = field(default_factory=list)
    cycles: list[Plan] = field(default_factory=list)
    status: VendorStatus = VendorStatus.ACTIVE
    requested: bool = False


@dataclass
class Manifest:
    sizes: dict[str, int]
    seed: int
    generated_at: str
    password: str
    users: dict[str, str]
    partners: list[dict[str, Any]]
    vendor_ids: list[int]
    report_assessment_id: int | None
    pdf_assessment_id: int | None
    pdf_questions: int
    counts: dict[str, int]
    seconds: float


class Generator:
    def __init__(self, engine: Engine, sizes: Sizes, seed: int, today: date,
                 questionnaire: Questionnaire) -> None:
        self.engine, self.sizes, self.seed, self.today = engine, sizes, seed, today
        self.rng = random.Random(seed)
        self.questionnaire = questionnaire
        self.cadence = Cadence()
        self.firms: dict[int, Firm] = {}
        self.plans: list[Plan] = []
        self.profiles: list[dict[str, list[str]]] = []
        self.cards: dict[tuple[int, RiskTier], Scorecard] = {}

    # --- firms --------------------------------------------------------------------------------

    def firm_rows(self, procurement: list[int]) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for vendor_id in range(1, self.sizes.vendors + 1):
            kind = weighted(rng, KINDS)
            categories = frozenset(rng.sample(list(DataCategory), rng.choice((1, 1, 2, 2, 3))))
            intake = Intake(data_categories=categories,
                            record_count=int(10 ** rng.uniform(1, 5.7)),
                            stores_data=rng.random() < 0.5,
                            uses_subcontractors=rng.random() < 0.3,
                            criticality=weighted(rng, ((Criticality.LOW, 40),
                                                       (Criticality.MEDIUM, 40),
                                                       (Criticality.HIGH, 20))))
            tier = assess_tier(intake)
            created = at(self.today - timedelta(days=rng.randrange(30, 3 * 365)), rng)
            owner = rng.choice(procurement) if rng.random() < 0.9 else None
            self.firms[vendor_id] = Firm(vendor_id, tier.tier, owner, created)
            yield {
                "id": vendor_id, "kind": kind,
                "name": f"{rng.choice(FIRST)}{rng.choice(SECOND)} {SUFFIX[kind]} {vendor_id:06d}",
                "services": "Company deregistration and equity transfer filings",
                "website": f"https://firm{vendor_id}.example.com", "city": rng.choice(CITIES),
                "record_count": intake.record_count, "stores_data": intake.stores_data,
                "uses_subcontractors": intake.uses_subcontractors,
                "criticality": intake.criticality, "tier": tier.tier,
                "tier_rank": tier.tier.rank, "tier_points": tier.points,
                "status": VendorStatus.ACTIVE,  # set by finish_firms once the history is known
                "owner_id": owner, "created_at": created, "updated_at": created, "version": 1,
                "_categories": categories,
            }

    def contact_rows(self) -> Iterator[dict[str, Any]]:
        contact_id = 0
        for firm in self.firms.values():
            for index in range(1 + (self.rng.random() < 0.4)):
                contact_id += 1
                name = self.rng.choice(PEOPLE)
                firm.contacts.append(contact_id)
                firm.contact_names.append(name)
                yield {"id": contact_id, "vendor_id": firm.id, "name": name,
                       "email": f"c{contact_id}@firm{firm.id}.example.com",
                       "role": "Partner" if index == 0 else "Office manager",
                       "phone": f"+86 21 {5000_0000 + contact_id}", "is_primary": index == 0,
                       "created_at": firm.created}

    # --- assessments --------------------------------------------------------------------------

    def _months(self, firm: Firm) -> int:
        return self.cadence.months(firm.tier)

    def _decided_not_due(self, firm: Firm) -> datetime:
        """A decision recent enough that the firm is not due (its next one is past the lead)."""
        latest = self._months(firm) * 28 - LEAD_DAYS - 2
        return at(self.today - timedelta(days=self.rng.randint(1, max(1, latest))), self.rng)

    def _decided_due(self, firm: Firm) -> datetime:
        """A decision that makes the firm due now (the sweep's work of the last days)."""
        falls_due = self.today + timedelta(days=LEAD_DAYS - self.rng.randint(0, 7))
        return at(add_months(falls_due, -self._months(firm)), self.rng)

    def plan_assessments(self, main_version: int) -> None:
        rng, firms = self.rng, self.firms
        wanted = self.sizes.assessments
        assessed = min(len(firms), max(1, round(wanted / 1.15)) if wanted else 0)
        chosen = rng.sample(sorted(firms), assessed)
        twice = set(chosen[:max(0, wanted - assessed)])
        next_id = 0
        for vendor_id in chosen:
            firm = firms[vendor_id]
            latest = weighted(rng, LATEST_STATUS)
            statuses = [AssessmentStatus.COMPLETED, latest] if vendor_id in twice else [latest]
            for cycle, status in enumerate(statuses):
                next_id += 1
                plan = Plan(next_id, vendor_id, cycle, status, sent=firm.created,
                            due=firm.created.date(), profile=rng.randrange(PROFILES),
                            version_id=main_version)
                firm.cycles.append(plan)
                self.plans.append(plan)
            self._date_cycles(firm)

    def _date_cycles(self, firm: Firm) -> None:
        rng, months = self.rng, self._months(firm)
        latest = firm.cycles[-1]
        if latest.status == AssessmentStatus.COMPLETED:
            due_now = rng.random() < 0.01
            latest.decided = self._decided_due(firm) if due_now else self._decided_not_due(firm)
            firm.requested = not due_now and rng.random() < 0.002
        elif latest.status in OPEN:
            overdue = latest.status == AssessmentStatus.IN_PROGRESS and rng.random() < 0.2
            days = rng.randint(31, 60) if overdue else rng.randint(1, 13 if
                                                                   latest.status ==
                                                                   AssessmentStatus.SENT else 29)
            latest.sent = at(self.today - timedelta(days=days), rng)
        else:  # submitted, under review, reviewed: sent some weeks ago
            latest.sent = at(self.today - timedelta(days=rng.randint(20, 90)), rng)
        if latest.decided is not None:
            latest.sent = latest.decided - timedelta(days=rng.randint(20, 60))
        if len(firm.cycles) == 2:
            earlier = firm.cycles[0]
            # The reassessment was sent a lead time before the earlier decision fell due.
            earlier.decided = at(add_months(latest.sent.date() + timedelta(days=LEAD_DAYS),
                                            -months), rng)
            earlier.sent = earlier.decided - timedelta(days=rng.randint(20, 60))
        for plan in firm.cycles:
            plan.due = plan.sent.date() + timedelta(days=30)
            firm.created = min(firm.created, plan.sent - timedelta(days=30))

    def finish_firms(self) -> None:
        """Each firm's status from its history; firms never assessed get the rest of the mix."""
        for firm in self.firms.values():
            decided = [p for p in firm.cycles if p.decided is not None]
            if decided:
                firm.status = VendorStatus.SUSPENDED if self.rng.random() < 0.08 else \
                    VendorStatus.ACTIVE
            elif firm.cycles:
                firm.status = VendorStatus.ONBOARDING
            else:
                firm.status = weighted(self.rng, ((VendorStatus.ACTIVE, 45),
                                                  (VendorStatus.ONBOARDING, 35),
                                                  (VendorStatus.OFFBOARDED, 15),
                                                  (VendorStatus.SUSPENDED, 5)))

    # --- answers ------------------------------------------------------------------------------

    def make_profiles(self) -> None:
        rng = random.Random(f"{self.seed}/profiles")
        self.profiles = [walk_answers(self.questionnaire, rng.uniform(0.25, 0.95), rng,
                                      self.today) for _ in range(PROFILES)]

    def allot_answers(self) -> None:
        """Spread exactly ``sizes.answers`` answers: submitted assessments hold their profile's
        whole set, open ones part of it, sent ones none, then all scale to meet the total."""
        plans = [p for p in self.plans if p.own_answers is None]
        capacity = [len(self.profiles[p.profile]) for p in plans]
        share = [1.0 if p.status in SUBMITTED_OR_LATER else
                 self.rng.uniform(0.2, 0.9) if p.status in PARTIAL or
                 p.status == AssessmentStatus.RETURNED else 0.0 for p in plans]
        target = self.sizes.answers
        if target > sum(capacity):
            raise SystemExit(f"{target} answers do not fit in {len(plans)} assessments of "
                             f"at most {max(capacity, default=0)} answers each")
        if target == 0:
            return
        low, high = 0.0, 1.0
        while sum(min(c, math.ceil(c * s * high)) for c, s in zip(capacity, share, strict=True)) \
                < target:
            if high > 1e6:  # only unanswered (sent) assessments are left to fill
                share = [s or 0.5 for s in share]
                high = 1.0
                continue
            high *= 2
        for _ in range(60):
            mid = (low + high) / 2
            total = sum(min(c, math.ceil(c * s * mid)) for c, s in zip(capacity, share,
                                                                        strict=True))
            low, high = (mid, high) if total < target else (low, mid)
        counts = [min(c, math.ceil(c * s * high)) for c, s in zip(capacity, share, strict=True)]
        excess = sum(counts) - target
        for index in sorted(range(len(counts)), key=lambda i: -counts[i]):
            if excess <= 0:
                break
            cut = min(excess, counts[index] - (1 if share[index] else 0))
            counts[index] -= max(0, cut)
            excess -= max(0, cut)
        for plan, count in zip(plans, counts, strict=True):
            plan.answers = count

    def card(self, plan: Plan) -> Scorecard:
        if plan.own_card is not None:
            return plan.own_card
        tier = self.firms[plan.vendor_id].tier
        key = (plan.profile, tier)
        if key not in self.cards:
            values = self.profiles[plan.profile]
            given = {qid: rules.parse(self.questionnaire.question(qid), raw)  # type: ignore[arg-type]
                     for qid, raw in values.items()}
            self.cards[key] = score(self.questionnaire,
                                    {k: v for k, v in given.items() if v is not None}, tier=tier)
        return self.cards[key]

    def stored_json(self, qid: str, raw: list[str]) -> str:
        return stored_json(self.questionnaire, qid, raw)

    def answers_json(self, plan: Plan) -> list[tuple[str, str]]:
        if plan.own_answers is not None:
            return list(plan.own_answers.items())
        return [(qid, self.stored_json(qid, raw))
                for qid, raw in list(self.profiles[plan.profile].items())[:plan.answers]]


def stored_json(questionnaire: Questionnaire, qid: str, raw: list[str]) -> str:
    """Form values as the answer's stored JSON, the way ``answering.record_answer`` writes it."""
    parsed = rules.parse(questionnaire.question(qid), raw)  # type: ignore[arg-type]
    assert parsed is not None
    value = list(parsed.value) if isinstance(parsed.value, tuple) else parsed.value
    return json.dumps(value, ensure_ascii=False)


def batches(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    for batch in batches(rows):
        conn.execute(insert(table), batch)
        n += len(batch)
    return n


def _vendors_and_categories(gen: Generator, conn: Connection, procurement: list[int]) -> None:
    categories: list[dict[str, Any]] = []
    vendor_table, category_table = Vendor.__table__, VendorDataCategory.__table__
    for batch in batches(gen.firm_rows(procurement)):
        for row in batch:
            categories.extend({"vendor_id": row["id"], "category": c}
                              for c in sorted(row.pop("_categories")))
        conn.execute(insert(vendor_table), batch)  # type: ignore[arg-type]
        write(conn, category_table, categories)  # type: ignore[arg-type]
        categories.clear()


def _agreement_rows(gen: Generator, procurement: list[int]) -> Iterator[dict[str, Any]]:
    rng, today = gen.rng, gen.today
    agreement_id = 0
    for firm in gen.firms.values():
        if not firm.cycles and rng.random() < 0.5:
            continue  # assessed firms need an NDA in force; half the others have one
        agreement_id += 1
        effective = firm.created.date() + timedelta(days=rng.randint(1, 20))
        roll = rng.random()
        indefinite = roll < 0.1
        expires = None if indefinite else (
            today + timedelta(days=rng.randint(0, 60)) if roll < 0.105 else
            today - timedelta(days=rng.randint(1, 200)) if roll < 0.13 and not firm.cycles else
            today + timedelta(days=rng.randint(61, 3 * 365)))
        yield {"id": agreement_id, "vendor_id": firm.id, "kind": AgreementKind.NDA,
               "status": AgreementStatus.SIGNED, "title": "Mutual NDA",
               "signed_on": effective, "effective_on": effective, "expires_on": expires,
               "indefinite": indefinite, "our_signatory": "Martin Weber",
               "their_signatory": firm.contact_names[0], "survival_months": 36,
               "survives_indefinitely": False, "notes": "",
               "created_at": at(effective, rng), "created_by_id": rng.choice(procurement),
               "version": 1}


def _assessment_rows(gen: Generator, reviewer: list[int], manager: int
                     ) -> Iterator[dict[str, Any]]:
    for plan in gen.plans:
        scored = plan.status in SUBMITTED_OR_LATER
        card = gen.card(plan) if scored else None
        reviewed = plan.status in (AssessmentStatus.REVIEWED, AssessmentStatus.COMPLETED)
        yield {"id": plan.id, "vendor_id": plan.vendor_id,
               "questionnaire_version_id": plan.version_id,
               "questionnaire_key": MAIN if plan.own_answers is None
               else f"{MAIN}-{PDF_QUESTIONS}q",
               "cycle": plan.cycle, "status": plan.status, "due_date": plan.due,
               "created_by_id": manager if plan.cycle else gen.firms[plan.vendor_id].owner_id,
               "created_at": plan.sent, "sent_at": plan.sent,
               "score": card.overall if card else None,
               "confidence_percent": card.confidence_percent if card else None,
               "residual_risk": card.residual_risk if card else None,
               "scored_at": plan.sent + timedelta(days=10) if card else None,
               "reviewer_id": gen.rng.choice(reviewer) if reviewed else None,
               "reviewed_at": plan.sent + timedelta(days=15) if reviewed else None,
               "decided_at": plan.decided}


def _answer_rows(gen: Generator) -> Iterator[dict[str, Any]]:
    answer_id = 0
    encoded = [{qid: gen.stored_json(qid, raw) for qid, raw in profile.items()}
               for profile in gen.profiles]
    for plan in gen.plans:
        when = plan.sent + timedelta(days=3)
        chosen = plan.own_answers.items() if plan.own_answers is not None else \
            list(encoded[plan.profile].items())[:plan.answers]
        for qid, value_json in chosen:
            answer_id += 1
            yield {"id": answer_id, "assessment_id": plan.id, "question_id": qid,
                   "value_json": value_json, "not_applicable": False, "version": 1,
                   "updated_at": when, "updated_by_id": None}


def _submission_rows(gen: Generator) -> Iterator[dict[str, Any]]:
    contents: dict[tuple[int, int], tuple[str, str]] = {}
    submission_id = 0
    for plan in gen.plans:
        if plan.status not in SUBMITTED_OR_LATER:
            continue
        key = (-plan.id if plan.own_answers is not None else plan.profile, plan.answers)
        if key not in contents:
            content = json.dumps({"answers": {qid: {"value": json.loads(value_json),
                                                    "not_applicable": False}
                                              for qid, value_json in gen.answers_json(plan)},
                                  "evidence": []}, ensure_ascii=False, sort_keys=True)
            contents[key] = (content, hashlib.sha256(content.encode()).hexdigest())
        content, digest = contents[key]
        firm = gen.firms[plan.vendor_id]
        submission_id += 1
        yield {"id": submission_id, "assessment_id": plan.id,
               "submitted_at": plan.sent + timedelta(days=9), "submitted_by_id": None,
               "attested_name": firm.contact_names[0], "attested_position": "Partner",
               "statement": "I confirm these answers are true and complete.",
               "digest": digest, "content_json": content}


def _decision_rows(gen: Generator, manager: int) -> Iterator[dict[str, Any]]:
    decision_id = 0
    for plan in gen.plans:
        if plan.decided is None:
            continue
        card = gen.card(plan)
        firm = gen.firms[plan.vendor_id]
        latest = plan is firm.cycles[-1]
        outcome = DecisionOutcome.REJECTED if latest and firm.status == VendorStatus.SUSPENDED \
            else weighted(gen.rng, ((DecisionOutcome.APPROVED, 85),
                                    (DecisionOutcome.APPROVED_WITH_CONDITIONS, 15)))
        decision_id += 1
        yield {"id": decision_id, "assessment_id": plan.id, "outcome": outcome,
               "reason": "Controls reviewed against the questionnaire.",
               "decided_by_id": manager, "decided_at": plan.decided, "score": card.overall,
               "residual_risk": card.residual_risk, "conditions_json": "[]"}


def _finding_rows(gen: Generator) -> Iterator[dict[str, Any]]:
    finding_id = 0
    for plan in gen.plans:
        if plan.status not in SUBMITTED_OR_LATER:
            continue
        firm = gen.firms[plan.vendor_id]
        raised = plan.sent + timedelta(days=10)
        for auto in gen.card(plan).findings[:3]:
            severity = FindingSeverity(auto.severity.value)
            finding_id += 1
            closed = plan is not firm.cycles[-1] or gen.rng.random() < 0.4
            question = gen.questionnaire.question(auto.question_id)
            yield {"id": finding_id, "assessment_id": plan.id, "vendor_id": plan.vendor_id,
                   "question_id": auto.question_id, "source": "scoring",
                   "code": auto.reason.value, "severity": severity,
                   "title": (question.text.get("en", auto.question_id) if question
                             else auto.question_id)[:300],
                   "description": "", "remediation": "",
                   "due_date": raised.date() + timedelta(days=REMEDIATION_DAYS[severity]),
                   "owner_id": firm.owner_id,
                   "status": FindingStatus.CLOSED if closed else FindingStatus.OPEN,
                   "created_at": raised, "created_by_id": None,
                   "closed_at": raised + timedelta(days=30) if closed else None,
                   "closed_by_id": None}


def _invitation_rows(gen: Generator, seed: int) -> Iterator[dict[str, Any]]:
    invitation_id = 0
    for plan in gen.plans:
        if plan.status not in OPEN and plan.status not in SUBMITTED_OR_LATER:
            continue
        firm = gen.firms[plan.vendor_id]
        invitation_id += 1
        token = hashlib.sha256(f"bench/{seed}/{plan.id}".encode()).hexdigest()
        yield {"id": invitation_id, "token_hash": token, "assessment_id": plan.id,
               "contact_id": firm.contacts[0], "created_at": plan.sent,
               "expires_at": plan.sent + timedelta(days=14),
               "used_at": None if plan.status == AssessmentStatus.SENT else
               plan.sent + timedelta(days=1), "revoked_at": None, "email_id": None}


def _vendor_updates(gen: Generator, conn: Connection) -> None:
    """The firm's status, latest decision and offboarding, known once the history is planned."""
    rows = []
    for firm in gen.firms.values():
        decided = [p for p in firm.cycles if p.decided is not None]
        last = max(decided, key=lambda p: p.decided) if decided else None  # type: ignore[arg-type,return-value]
        card = gen.card(last) if last else None
        offboarded = at(gen.today - timedelta(days=gen.rng.randint(1, 170)), gen.rng) \
            if firm.status == VendorStatus.OFFBOARDED else None
        rows.append({"b_id": firm.id, "status": firm.status,
                     "residual_risk": card.residual_risk if card else None,
                     "control_score": card.overall if card else None,
                     "last_decided_at": last.decided if last else None,
                     "reassessment_requested_at": at(gen.today - timedelta(days=1), gen.rng)
                     if firm.requested else None,
                     "reassessment_reason": "critical finding" if firm.requested else "",
                     "offboarded_at": offboarded,
                     "purge_due_on": offboarded.date() + timedelta(days=180) if offboarded
                     else None, "created_at": firm.created})
    from sqlalchemy import bindparam, update

    table = Vendor.__table__
    statement = update(table).where(table.c.id == bindparam("b_id"))  # type: ignore[attr-defined]
    for batch in batches(rows):
        conn.execute(statement, batch)


def _reset_sequences(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in ("vendor", "contact", "agreement", "assessment", "answer", "submission",
                  "decision", "finding", "invitation"):
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                          f"GREATEST((SELECT max(id) FROM {table}), 1))"))


def _save_question(questionnaire: Questionnaire) -> tuple[str, str]:
    """A yes/no question in the first section that no other question depends on: saving it
    alternately yes and no changes nothing else on the page (the section, the question)."""
    referenced = {ref for q in questionnaire.questions if q.condition is not None
                  for ref in conditions.references(q.condition)}
    section = questionnaire.sections[0]
    question = next(q for q in section.questions
                    if q.type == "yes_no" and q.id not in referenced and q.condition is None)
    return section.id, question.id


def _pdf_assessment(gen: Generator, app: Any, folder: Path, budget: int) -> Plan | None:
    """A completed assessment of a 200-question questionnaire, if the answer budget allows
    (its answers count in the total). Only its questionnaire version is written here."""
    if budget < 10 * PDF_QUESTIONS:
        return None
    source = enlarged(PDF_QUESTIONS)
    (folder / f"{MAIN}-{PDF_QUESTIONS}q.yaml").write_text(source, encoding="utf-8")
    with unit_of_work(app) as session:
        version = snapshot(session, folder, f"{MAIN}-{PDF_QUESTIONS}q")
        big = load_version(version)
        version_id = version.id
    values = walk_answers(big, 0.7, random.Random(f"{gen.seed}/pdf"), gen.today)
    if len(values) * 10 > budget:
        return None
    given = {qid: rules.parse(big.question(qid), raw) for qid, raw in values.items()}  # type: ignore[arg-type]
    plan = Plan(0, 0, 0, AssessmentStatus.COMPLETED, gen.firms[1].created if gen.firms else
                clock.now(), gen.today, version_id=version_id,
                own_answers={qid: stored_json(big, qid, raw) for qid, raw in values.items()})
    plan.answers = len(values)
    plan.own_card = score(big, {k: v for k, v in given.items() if v is not None},
                          tier=RiskTier.HIGH)
    return plan


def _attach_pdf_assessment(gen: Generator, plan: Plan) -> bool:
    """Give the 200-question assessment to a firm whose latest assessment is completed (not
    among its cycles: it never decides the firm); False if there is none."""
    donor = next((p for p in gen.plans if p.status == AssessmentStatus.COMPLETED
                  and p is gen.firms[p.vendor_id].cycles[-1]), None)
    if donor is None:
        return False
    plan.id, plan.vendor_id = len(gen.plans) + 1, donor.vendor_id
    plan.sent, plan.due, plan.decided = donor.sent, donor.due, donor.decided
    gen.plans.append(plan)
    return True


def generate(app: Any, sizes: Sizes, seed: int) -> Manifest:
    started = time.perf_counter()
    engine = get_db(app).engine
    upgrade(engine)
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(Vendor.__table__)):
            raise SystemExit("the database already holds partner firms; give an empty one")
    today = clock.now().date()
    with unit_of_work(app) as session:
        def user(email: str, name: str, role: Role, **extra: Any) -> int:
            return accounts.create_user(session, SEEDER, email=email, name=name, role=role,
                                        password=BENCH_PASSWORD, min_length=12, **extra).id

        user("admin@bench.example.com", "Bench Admin", Role.ADMIN)
        manager = user("manager@bench.example.com", "Bench Manager", Role.MANAGER)
        procurement = [user(f"procurement{n}@bench.example.com", f"Buyer {n}", Role.PROCUREMENT)
                       for n in range(1, max(3, min(20, sizes.vendors // 5000)) + 1)]
        main_version = snapshot(session, Path(app.config["QUESTIONNAIRES_DIR"]), MAIN)
        questionnaire = load_version(main_version)
        main_version_id = main_version.id
    gen = Generator(engine, sizes, seed, today, questionnaire)
    gen.make_profiles()
    with tempfile.TemporaryDirectory() as folder:
        pdf = _pdf_assessment(gen, app, Path(folder), sizes.answers) \
            if sizes.assessments > 1 else None
    if pdf:
        gen.sizes = Sizes(sizes.vendors, sizes.assessments - 1, sizes.answers - pdf.answers)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        _vendors_and_categories(gen, conn, procurement)
        counts["contact"] = write(conn, Contact.__table__, gen.contact_rows())  # type: ignore[arg-type]
    gen.plan_assessments(main_version_id)
    if pdf and not _attach_pdf_assessment(gen, pdf):
        raise SystemExit("no completed assessment to set the 200-question one beside; "
                         "give more assessments")
    gen.finish_firms()
    gen.allot_answers()
    reviewers = procurement[:3]
    with engine.begin() as conn:
        _vendor_updates(gen, conn)
        counts["agreement"] = write(conn, Agreement.__table__,  # type: ignore[arg-type]
                                    _agreement_rows(gen, procurement))
        counts["assessment"] = write(conn, Assessment.__table__,  # type: ignore[arg-type]
                                     _assessment_rows(gen, reviewers, manager))
        counts["invitation"] = write(conn, Invitation.__table__,  # type: ignore[arg-type]
                                     _invitation_rows(gen, seed))
    with engine.begin() as conn:
        counts["answer"] = write(conn, Answer.__table__,  # type: ignore[arg-type]
                                 _answer_rows(gen))
    with engine.begin() as conn:
        counts["submission"] = write(conn, Submission.__table__,  # type: ignore[arg-type]
                                     _submission_rows(gen))
        counts["decision"] = write(conn, Decision.__table__,  # type: ignore[arg-type]
                                   _decision_rows(gen, manager))
        counts["finding"] = write(conn, Finding.__table__,  # type: ignore[arg-type]
                                  _finding_rows(gen))
        _reset_sequences(conn)
    partners = _partner_users(gen, app)
    if engine.dialect.name == "postgresql":
        # Autovacuum analyzes a real database as it fills; a bulk-loaded one has no statistics
        # yet, and the planner then probes agreements through the wrong index (the dashboard's
        # NDA counts: 555 ms instead of 5 at 1,000 firms). SQLite gets none, as in production,
        # where the portal never runs ANALYZE.
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    with engine.connect() as conn:
        for table in ("vendor", "vendor_data_category", "contact", "agreement", "assessment",
                      "answer", "submission", "decision", "finding", "invitation",
                      "user_account"):
            counts[table] = conn.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
    report = next((p.id for p in gen.plans if p.status == AssessmentStatus.COMPLETED
                   and p.version_id == main_version_id), None)
    step = max(1, sizes.vendors // 200)
    return Manifest(
        sizes=asdict(sizes), seed=seed, generated_at=clock.now().isoformat(timespec="seconds"),
        password=BENCH_PASSWORD,
        users={"admin": "admin@bench.example.com", "manager": "manager@bench.example.com",
               "procurement": "procurement1@bench.example.com"},
        partners=partners, vendor_ids=list(range(1, sizes.vendors + 1, step))[:200],
        report_assessment_id=report, pdf_assessment_id=pdf.id if pdf else None,
        pdf_questions=PDF_QUESTIONS, counts=counts,
        seconds=round(time.perf_counter() - started, 1))


def _partner_users(gen: Generator, app: Any) -> list[dict[str, Any]]:
    """One partner account per load connection, each at a firm with an assessment in progress
    that shows the question the benchmark saves."""
    section_id, question_id = _save_question(gen.questionnaire)
    candidates = [p for p in gen.plans if p.status == AssessmentStatus.IN_PROGRESS
                  and p.own_answers is None and p.due > gen.today
                  and p is gen.firms[p.vendor_id].cycles[-1]]
    partners = []
    with unit_of_work(app) as session:
        for n, plan in enumerate(candidates[:PARTNER_USERS], start=1):
            firm = gen.firms[plan.vendor_id]
            email = f"partner{n}@bench.example.com"
            accounts.create_user(session, SEEDER, email=email, name=firm.contact_names[0],
                                 role=Role.PARTNER, password=BENCH_PASSWORD, min_length=12,
                                 vendor_id=firm.id, contact_id=firm.contacts[0])
            partners.append({"email": email, "vendor_id": firm.id, "assessment_id": plan.id,
                             "section_id": section_id, "question_id": question_id})
    return partners


def build_app(database_url: str, instance: Path) -> Any:
    instance.mkdir(parents=True, exist_ok=True)
    os.environ["VENDORRISK_INSTANCE"] = str(instance)
    if "VENDORRISK_STORAGE_KEYS" not in os.environ:
        create_keyring_file(instance / "storage_keys.json")
    return create_app({"ENV_NAME": "production", "DATABASE_URL": database_url,
                       "SECRET_KEY": os.environ.get("VENDORRISK_SECRET_KEY", "bench-generator")})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--instance", type=Path, required=True,
                        help="instance folder (its storage_keys.json seals the answers)")
    parser.add_argument("--preset", choices=sorted(PRESETS))
    parser.add_argument("--vendors", type=int)
    parser.add_argument("--assessments", type=int)
    parser.add_argument("--answers", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--manifest", type=Path, help="where to write the manifest (JSON)")
    args = parser.parse_args(argv)
    base = PRESETS[args.preset] if args.preset else PRESETS["full"]
    sizes = Sizes(args.vendors if args.vendors is not None else base.vendors,
                  args.assessments if args.assessments is not None else base.assessments,
                  args.answers if args.answers is not None else base.answers)
    if min(asdict(sizes).values()) < 0 or sizes.vendors < 1:
        parser.error("sizes must be positive")
    app = build_app(args.database_url, args.instance)
    manifest = generate(app, sizes, args.seed)
    text_ = json.dumps(asdict(manifest), indent=2)
    if args.manifest:
        args.manifest.write_text(text_ + "\n", encoding="utf-8")
    print(text_ if not args.manifest else
          f"{sizes.label()}: {manifest.counts} in {manifest.seconds} s", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
