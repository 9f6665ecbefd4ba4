"""What an answer may be, which questions are visible, and how far a questionnaire is filled in.

Pure domain code over the loaded questionnaire: the partner pages, saving and (later) submitting
and scoring all use these functions, so the browser, the server and the score agree on one rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from vendorrisk.questionnaires import conditions
from vendorrisk.questionnaires.schema import Question, Questionnaire

NOT_APPLICABLE = "__na__"  # the form value of "Not applicable"; never a valid option id
MAX_TEXT_LENGTH = 10_000

# A stored answer value: option id, option ids, text, number or ISO date, or N/A.
Value = str | float | tuple[str, ...]


@dataclass(frozen=True)
class StoredAnswer:
    value: Value | None
    not_applicable: bool = False


class InvalidAnswer(ValueError):
    """The partner's input does not fit the question; the message says how to fix it."""


def from_json(value: object, not_applicable: bool) -> StoredAnswer:
    """An answer as stored in JSON (a list for several options) back in its Python shape."""
    return StoredAnswer(tuple(value) if isinstance(value, list) else value,  # type: ignore[arg-type]
                        not_applicable)


def parse(question: Question, raw: list[str]) -> StoredAnswer | None:
    """Turn the form's raw strings into an answer; None means "no answer" (left blank)."""
    values = [item.strip() for item in raw if item.strip()]
    if not values:
        return None
    if values == [NOT_APPLICABLE]:
        if not question.allow_na:
            raise InvalidAnswer("This question cannot be answered “Not applicable”.")
        return StoredAnswer(None, not_applicable=True)
    parser = _PARSERS.get(question.type)
    if parser is None:
        raise InvalidAnswer("This question is answered with a file upload.")
    return StoredAnswer(parser(question, values))


def _one_option(question: Question, values: list[str]) -> Value:
    if len(values) != 1 or question.option(values[0]) is None:
        raise InvalidAnswer("Choose one of the options.")
    return values[0]


def _many_options(question: Question, values: list[str]) -> Value:
    chosen = tuple(dict.fromkeys(values))
    options = [question.option(value) for value in chosen]
    if any(option is None for option in options):
        raise InvalidAnswer("Choose among the options shown.")
    if len(chosen) > 1 and any(option.exclusive for option in options if option):
        raise InvalidAnswer("“" + next(o.text.get("en", o.id) for o in options if o and o.exclusive)
                            + "” cannot be combined with other choices.")
    return tuple(sorted(chosen))


def _text(question: Question, values: list[str]) -> Value:
    text = "\n".join(values)
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidAnswer(f"Keep the answer under {MAX_TEXT_LENGTH:,} characters "
                            f"(it has {len(text):,}).")
    return text


def _number(question: Question, values: list[str]) -> Value:
    try:
        number = float(values[0].replace(",", ""))
    except ValueError:
        raise InvalidAnswer("Enter a number, such as 12 or 3.5.") from None
    if not math.isfinite(number):
        raise InvalidAnswer("Enter a number, such as 12 or 3.5.")
    if question.minimum is not None and number < question.minimum:
        raise InvalidAnswer(f"Enter {question.minimum:g} or more.")
    if question.maximum is not None and number > question.maximum:
        raise InvalidAnswer(f"Enter {question.maximum:g} or less.")
    return number


def _date(question: Question, values: list[str]) -> Value:
    try:
        return date.fromisoformat(values[0]).isoformat()
    except ValueError:
        raise InvalidAnswer("Enter a date as YYYY-MM-DD, for example 2026-03-31.") from None


_PARSERS = {
    "yes_no": _one_option,
    "single_choice": _one_option,
    "multi_choice": _many_options,
    "text": _text,
    "number": _number,
    "date": _date,
}


def _condition_value(answer: StoredAnswer) -> object:
    if answer.not_applicable:
        return NOT_APPLICABLE  # answered, but equal to no option (README: "Not applicable")
    if isinstance(answer.value, tuple):
        return frozenset(answer.value)
    return answer.value


def visible_questions(questionnaire: Questionnaire,
                      answers: Mapping[str, StoredAnswer]) -> frozenset[str]:
    """Walk the questions in order: a question is visible when it has no condition or its
    condition holds over the answers of the visible questions before it (hiding cascades)."""
    visible: set[str] = set()
    known: dict[str, object] = {}
    for question in questionnaire.questions:
        if question.condition is None or conditions.evaluate(question.condition, known):
            visible.add(question.id)
            answer = answers.get(question.id)
            if answer is not None:
                known[question.id] = _condition_value(answer)
    return frozenset(visible)


def with_dependents(questionnaire: Questionnaire, question_ids: frozenset[str]) -> frozenset[str]:
    """The questions given and every question whose ``show_if`` depends on one of them, however
    indirectly: reopening an answer must reopen the follow-ups it may reveal."""
    result = set(question_ids)
    for question in questionnaire.questions:  # a condition names earlier questions only
        if question.condition is not None and \
                set(conditions.references(question.condition)) & result:
            result.add(question.id)
    return frozenset(result)


@dataclass(frozen=True)
class Progress:
    answered: int
    required: int

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else round(100 * self.answered / self.required)


def progress(questions: Iterable[Question], visible: frozenset[str],
             answers: Mapping[str, StoredAnswer],
             with_files: frozenset[str] = frozenset()) -> Progress:
    """Required, visible questions answered, among those given (a section or the whole);
    an evidence question is answered by attaching a file."""
    required = [q for q in questions if q.required and q.id in visible]
    done = sum(1 for q in required
               if (q.id in with_files if q.type == "evidence" else q.id in answers))
    return Progress(done, len(required))


def form_values(answer: StoredAnswer | None) -> list[str]:
    """An answer as the form shows it again (the inverse of ``parse``)."""
    if answer is None:
        return []
    if answer.not_applicable:
        return [NOT_APPLICABLE]
    if answer.value is None:
        return []
    if isinstance(answer.value, tuple):
        return list(answer.value)
    if isinstance(answer.value, float):
        return [f"{answer.value:g}"]
    return [str(answer.value)]


def display(question: Question, answer: StoredAnswer | None, language: str,
            none_text: str, na_text: str) -> str:
    """An answer as a sentence fragment a person reads: option labels, numbers without '.0'."""
    if answer is None or (answer.value is None and not answer.not_applicable):
        return none_text
    if answer.not_applicable:
        return na_text
    if question.options:
        chosen = answer.value if isinstance(answer.value, tuple) else (answer.value,)
        return "; ".join(o.text.get(language) or next(iter(o.text.values()))
                         for o in question.options if o.id in chosen)
    return form_values(answer)[0]


@dataclass(frozen=True)
class Missing:
    question: Question
    reason: str  # "unanswered" | "file" (an evidence question) | "evidence" (proof of a claim)


def evidence_needed(question: Question, answer: StoredAnswer | None) -> bool:
    """README: proof is required when the answer claims the control (scores above 0)."""
    if not question.requires_evidence or answer is None or answer.not_applicable:
        return False
    chosen = answer.value if isinstance(answer.value, tuple) else (answer.value,)
    return any(o.score > 0 for o in question.options if o.id in chosen) or not question.options


def missing(questionnaire: Questionnaire, answers: Mapping[str, StoredAnswer],
            with_files: frozenset[str]) -> list[Missing]:
    """What still stands between the partner and submitting, in questionnaire order."""
    visible = visible_questions(questionnaire, answers)
    result: list[Missing] = []
    for question in questionnaire.questions:
        if question.id not in visible:
            continue
        if question.type == "evidence":
            if question.required and question.id not in with_files:
                result.append(Missing(question, "file"))
        elif question.required and question.id not in answers:
            result.append(Missing(question, "unanswered"))
        elif evidence_needed(question, answers.get(question.id)) and \
                question.id not in with_files:
            result.append(Missing(question, "evidence"))
    return result
