"""Questionnaires for the benchmark: a real file, enlarged to a given number of questions, and
the answers a firm of a given quality gives to one.

An enlarged questionnaire repeats the real file's sections with suffixed ids (``-2``, ``-3``…),
rewriting each copy's ``show_if`` to name the copy's own questions, then cuts the last copy so
the file has exactly the number of questions asked for. It is a valid questionnaire file
(``schema.loads`` checks it), so the portal snapshots, shows, scores and reports it like any.
"""

from __future__ import annotations

import copy
import random
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires import schema
from vendorrisk.questionnaires.schema import Question, Questionnaire

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"
MAIN = "client-data-confidentiality"
WORD = re.compile(r"[a-z0-9][a-z0-9_-]*")


def source_of(key: str = MAIN) -> str:
    return (QUESTIONNAIRES / f"{key}.yaml").read_text(encoding="utf-8")


def _rename_condition(condition: str, renamed: dict[str, str]) -> str:
    """``condition`` with the question ids outside its quoted strings renamed."""
    parts = re.split(r"('[^']*'|\"[^\"]*\")", condition)
    return "".join(part if index % 2 else
                   WORD.sub(lambda m: renamed.get(m.group(0), m.group(0)), part)
                   for index, part in enumerate(parts))


def enlarged(n_questions: int, key: str = MAIN) -> str:
    """The YAML source of ``key`` repeated and cut to exactly ``n_questions`` questions."""
    original: dict[str, Any] = yaml.safe_load(source_of(key))
    sections: list[dict[str, Any]] = []
    total, copy_no = 0, 1
    while total < n_questions:
        renamed = {q["id"]: q["id"] if copy_no == 1 else f"{q['id']}-{copy_no}"
                   for s in original["sections"] for q in s["questions"]}
        for section in original["sections"]:
            if total >= n_questions:
                break
            new = copy.deepcopy(section)
            if copy_no > 1:
                new["id"] = f"{section['id']}-{copy_no}"
                new["title"] = {lang: f"{text} ({copy_no})" for lang, text in
                                section["title"].items()}
            new["questions"] = new["questions"][:n_questions - total]
            for question in new["questions"]:
                question["id"] = renamed[question["id"]]
                if "show_if" in question:
                    question["show_if"] = _rename_condition(str(question["show_if"]), renamed)
            total += len(new["questions"])
            sections.append(new)
        copy_no += 1
    result = {**original, "id": f"{original['id']}-{n_questions}q",
              "title": {lang: f"{text} ({n_questions} questions)"
                        for lang, text in original["title"].items()},
              "sections": sections}
    text = yaml.safe_dump(result, allow_unicode=True, sort_keys=False, width=1000)
    schema.loads(text, f"{result['id']}.yaml")  # refuses anything the portal would refuse
    return text


def walk_answers(questionnaire: Questionnaire, quality: float, rng: random.Random,
                 today: date) -> dict[str, list[str]]:
    """The raw form values a firm of ``quality`` (0 to 1) enters, in order, for the questions
    it sees: an answer can show or hide the questions after it, as on the partner's pages."""
    values: dict[str, list[str]] = {}
    given: dict[str, rules.StoredAnswer] = {}
    known: dict[str, object] = {}
    for question in questionnaire.questions:
        if question.type == "evidence":
            continue
        if question.condition is not None and not _holds(question, known):
            continue
        raw = _raw(question, quality, rng, today)
        try:
            parsed = rules.parse(question, raw)
        except rules.InvalidAnswer:
            continue
        if parsed is not None:
            values[question.id], given[question.id] = raw, parsed
            known[question.id] = rules._condition_value(parsed)
    return values


def _holds(question: Question, known: dict[str, object]) -> bool:
    from vendorrisk.questionnaires import conditions

    assert question.condition is not None
    return bool(conditions.evaluate(question.condition, known))


def _raw(question: Question, quality: float, rng: random.Random, today: date) -> list[str]:
    if question.type == "text":
        reference = f"{rng.randrange(10**6):06d}"
        return [f"Handled by our compliance team under written procedures (ref. {reference})."]
    if question.type == "number":
        low = int(question.minimum or 0)
        return [str(rng.randint(low, int(question.maximum or low + 60)))]
    if question.type == "date":
        return [(today - timedelta(days=rng.randint(20, 300))).isoformat()]
    options = list(question.options)
    if question.type == "multi_choice":
        plain = [o for o in options if not o.exclusive] or options
        count = max(1, min(len(plain), round(quality * len(plain) + rng.uniform(-1.5, 1))))
        return [o.id for o in rng.sample(plain, count)]
    target = quality * 100 - 10 + rng.gauss(0, 20)
    return [min(options, key=lambda o: abs(o.score - target)).id]
