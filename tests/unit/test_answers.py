"""The answer rules shared by the partner pages, saving and submitting."""

from __future__ import annotations

import pytest

from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires.answers import StoredAnswer
from vendorrisk.questionnaires.schema import loads

QUESTIONNAIRE = loads("""\
id: rules
version: "1"
languages: [en]
title: Rules
sections:
  - id: s
    title: S
    questions:
      - id: holds-paper
        type: yes_no
        text: Paper
      - id: shredder
        type: single_choice
        allow_na: true
        show_if: holds-paper == 'yes'
        text: Shredder
        options:
          - {id: strip, text: Strip, score: 20}
          - {id: micro, text: Micro, score: 100}
      - id: certificate
        type: yes_no
        show_if: shredder == 'micro'
        text: Certificate
      - id: staff
        type: number
        min: 0
        max: 500
        text: Staff
      - id: when
        type: date
        required: false
        text: When
      - id: channels
        type: multi_choice
        text: Channels
        options:
          - {id: email, text: Email, score: 50}
          - {id: portal, text: Portal, score: 50}
          - {id: none, text: None of these, score: 0, exclusive: true}
""")
Q = QUESTIONNAIRE.question


@pytest.mark.parametrize("qid,raw,expected", [
    ("holds-paper", ["yes"], StoredAnswer("yes")),
    ("shredder", ["__na__"], StoredAnswer(None, not_applicable=True)),
    ("staff", ["1,200"], None),  # above max: see the error test
    ("staff", [" 12 "], StoredAnswer(12.0)),
    ("when", ["2026-03-31"], StoredAnswer("2026-03-31")),
    ("channels", ["portal", "email", "portal"], StoredAnswer(("email", "portal"))),
    ("holds-paper", ["", " "], None),
])
def test_raw_form_values_become_answers(qid, raw, expected):
    if qid == "staff" and raw == ["1,200"]:
        with pytest.raises(rules.InvalidAnswer, match="500 or less"):
            rules.parse(Q(qid), raw)
        return
    assert rules.parse(Q(qid), raw) == expected


@pytest.mark.parametrize("qid,raw,message", [
    ("holds-paper", ["maybe"], "Choose one of the options."),
    ("holds-paper", ["__na__"], "cannot be answered “Not applicable”"),
    ("staff", ["twelve"], "Enter a number"),
    ("staff", ["nan"], "Enter a number"),
    ("staff", ["-1"], "Enter 0 or more."),
    ("when", ["31/03/2026"], "YYYY-MM-DD"),
    ("channels", ["email", "none"], "cannot be combined"),
    ("channels", ["fax"], "Choose among the options"),
])
def test_bad_values_are_refused_with_a_reason(qid, raw, message):
    with pytest.raises(rules.InvalidAnswer, match=message):
        rules.parse(Q(qid), raw)


def test_hiding_cascades_through_follow_ups():
    answers = {"holds-paper": StoredAnswer("yes"), "shredder": StoredAnswer("micro")}
    assert {"shredder", "certificate"} <= rules.visible_questions(QUESTIONNAIRE, answers)
    answers["holds-paper"] = StoredAnswer("no")  # the shredder answer is still stored...
    visible = rules.visible_questions(QUESTIONNAIRE, answers)
    assert "shredder" not in visible and "certificate" not in visible  # ...but hides its child


def test_not_applicable_counts_as_answered_but_matches_no_option():
    answers = {"holds-paper": StoredAnswer("yes"), "shredder": StoredAnswer(None, True)}
    assert "certificate" not in rules.visible_questions(QUESTIONNAIRE, answers)


def test_progress_counts_visible_required_questions_only():
    answers = {"holds-paper": StoredAnswer("no"), "staff": StoredAnswer(3.0)}
    visible = rules.visible_questions(QUESTIONNAIRE, answers)
    progress = rules.progress(QUESTIONNAIRE.questions, visible, answers)
    assert (progress.answered, progress.required, progress.percent) == (2, 3, 67)


def test_answers_read_back_as_people_write_them():
    assert rules.form_values(StoredAnswer(12.0)) == ["12"]
    assert rules.display(Q("channels"), StoredAnswer(("email", "portal")), "en", "-", "N/A") \
        == "Email; Portal"
    assert rules.display(Q("shredder"), StoredAnswer(None, True), "en", "-", "N/A") == "N/A"
    assert rules.display(Q("staff"), None, "en", "no answer", "N/A") == "no answer"
