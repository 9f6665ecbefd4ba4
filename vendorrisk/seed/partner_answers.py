"""How a demo firm fills in a questionnaire: the form values a firm like it would give.

Facts about the firm (where it keeps data, whether it uses subcontractors, what kind of firm it
is) come from its intake, so answers agree with the register. Controls follow its profile. Each
question draws from its own random stream, keyed by firm and question, so a firm gives the same
answer in every cycle unless its profile says it changed, and the demo is the same everywhere.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires.schema import Option, Question, Questionnaire
from vendorrisk.seed.demo_data import DemoVendor
from vendorrisk.seed.history_plan import english_name
from vendorrisk.seed.texts import SUBCONTRACTORS, TEXT_ANSWERS
from vendorrisk.vendors.domain import VendorKind

MAINLAND_CITIES = frozenset({"Shanghai", "Beijing", "Shenzhen", "Hangzhou"})
PASSING = 70  # a critical control the firm does not fail is answered at least this well
FIRM_TYPES = {VendorKind.LAW_FIRM: "law-firm", VendorKind.ACCOUNTING_FIRM: "accounting-firm",
              VendorKind.IT_SERVICE: "it-services", VendorKind.OTHER: "other"}
SUBCONTRACTOR_TYPES = {VendorKind.LAW_FIRM: ["professional", "it-support"],
                       VendorKind.ACCOUNTING_FIRM: ["cloud"],
                       VendorKind.IT_SERVICE: ["cloud", "it-support"],
                       VendorKind.OTHER: ["freelance", "cloud"]}


@dataclass(frozen=True)
class Profile:
    quality: float  # 0 to 1: how well the firm is run
    weak: frozenset[str] = frozenset()  # answered as badly as possible
    gaps: frozenset[str] = frozenset()  # answered poorly, though not with nothing
    best: frozenset[str] = frozenset()  # fixed since the last cycle, or clarified: the best


def _yes(flag: bool) -> list[str]:
    return ["yes" if flag else "no"]


def _location(demo: DemoVendor) -> list[str]:
    if demo.city not in MAINLAND_CITIES:
        return ["outside-only"]
    return ["mainland-and-outside" if demo.uses_subcontractors else "mainland-only"]


def _eu_data(demo: DemoVendor) -> list[str]:
    if demo.city == "Frankfurt":
        return ["yes"]
    return ["no"] if demo.city in MAINLAND_CITIES else ["unsure"]


def _holds_paper(demo: DemoVendor) -> bool:
    return demo.kind != VendorKind.IT_SERVICE or "paper" in demo.services


# Answers that follow from the intake, not from how well the firm is run.
FACTS: dict[str, Callable[[DemoVendor], list[str]]] = {
    "g-holds-paper": lambda demo: _yes(_holds_paper(demo)),
    "g-data-location": _location,
    "sc-data-location": _location,
    "g-eu-data": _eu_data,
    "s-uses-subcontractors": lambda demo: _yes(demo.uses_subcontractors),
    "sc-subcontractors": lambda demo: _yes(demo.uses_subcontractors),
    "s-subcontractor-types": lambda demo: SUBCONTRACTOR_TYPES[demo.kind],
    "sc-firm-type": lambda demo: [FIRM_TYPES[demo.kind]],
}


def form_values(questionnaire: Questionnaire, demo: DemoVendor, profile: Profile,
                today: date) -> dict[str, list[str]]:
    """What the firm enters, question id to raw form values, for the questions it sees.

    Walked in order, as the partner fills in the pages: an answer can reveal or hide the
    questions after it, and hidden ones get nothing (the service would not save them)."""
    values: dict[str, list[str]] = {}
    given: dict[str, rules.StoredAnswer] = {}
    for question in questionnaire.questions:
        if question.type == "evidence" or \
                question.id not in rules.visible_questions(questionnaire, given):
            continue
        dice = random.Random(f"{demo.name}/{question.id}")  # noqa: S311 - no secret here
        raw = _answer(question, demo, profile, today, dice)
        parsed = rules.parse(question, raw)
        if parsed is not None:
            values[question.id], given[question.id] = raw, parsed
    return values


def _answer(question: Question, demo: DemoVendor, profile: Profile, today: date,
            rng: random.Random) -> list[str]:
    if question.id in FACTS:
        return FACTS[question.id](demo)
    if question.type == "text":
        return [_text(question, demo, rng)] if question.required else []
    if question.type == "number":
        low = max(3, int(question.minimum or 0))
        return [str(rng.randint(low, int(question.maximum or low + 60)))]
    if question.type == "date":  # when something last happened
        return [(today - timedelta(days=rng.randint(20, 300))).isoformat()]
    if question.id in profile.weak:
        return [_worst(question).id]
    if question.id in profile.gaps:
        return [min((o for o in question.options if o.score > 0), key=lambda o: o.score,
                    default=_worst(question)).id]
    if question.id in profile.best:
        return _best(question)
    if question.type == "multi_choice":
        return _several(question, profile.quality, rng)
    return [_likely(question, profile.quality, rng).id]


def _text(question: Question, demo: DemoVendor, rng: random.Random) -> str:
    contact = demo.contacts[0]
    template = TEXT_ANSWERS.get(question.id, "Described in our policies; details on request.")
    return template.format(firm=english_name(demo.name), person=contact.name,
                           person_role=contact.role, city=demo.city,
                           credit_code=f"9131{rng.randrange(10**13, 10**14)}",
                           subcontractors=SUBCONTRACTORS[demo.kind.value])


def _worst(question: Question) -> Option:
    """"None of these" where the question has it, else the lowest-scoring option."""
    exclusive = [o for o in question.options if o.exclusive]
    return exclusive[0] if exclusive else min(question.options, key=lambda o: o.score)


def _best(question: Question) -> list[str]:
    if question.type == "multi_choice":
        return [o.id for o in question.options if not o.exclusive]
    return [max(question.options, key=lambda o: o.score).id]


def _several(question: Question, quality: float, rng: random.Random) -> list[str]:
    """Better-run firms tick more of the good practices."""
    choices = [o for o in question.options if not o.exclusive]
    count = max(0, min(len(choices), round(quality * len(choices) + rng.uniform(-1.5, 1))))
    if count == 0:
        return [_worst(question).id]
    return [o.id for o in rng.sample(choices, count)]


def _likely(question: Question, quality: float, rng: random.Random) -> Option:
    """The option nearest to what a firm of this quality does, give or take; a critical control
    that the profile does not list as weak is passed."""
    if not question.scored or question.weight == 0:
        return rng.choice(question.options)
    target = quality * 100 - 12 + rng.gauss(0, 18)
    options = [o for o in question.options if not question.critical or o.score >= PASSING]
    return min(options or question.options, key=lambda o: abs(o.score - target))
