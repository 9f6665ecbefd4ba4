"""Loading questionnaire files: what a good file gives, and the precise errors a bad one gets."""

from __future__ import annotations

import textwrap

import pytest

from vendorrisk.questionnaires.schema import QuestionnaireError, loads

GOOD = """\
id: screen
version: "1.0.0"
languages: [en, zh]
title: {en: Screen, zh: 筛查}
sections:
  - id: confidentiality
    title: {en: Confidentiality, zh: 保密}
    weight: 2
    questions:
      - id: nda
        type: yes_no
        text: {en: 'Do you sign NDAs?', zh: 是否签署保密协议？}
        critical: true
        requires_evidence: true
        frameworks: {iso27001: [A.6.6], gdpr: ["Art. 28(3)(b)"]}
      - id: period
        type: single_choice
        show_if: nda == 'yes'
        text: {en: 'How long?', zh: 多久？}
        options:
          - {id: none, text: {en: Ends, zh: 终止}, score: 0}
          - {id: forever, text: {en: Forever, zh: 永久}, score: 100}
      - id: notes
        type: text
        required: false
        text: {en: 'Anything else?', zh: 其他？}
"""


def problems_of(source: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        loads(textwrap.dedent(source), "q.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_a_correct_file_loads_with_defaults_applied():
    questionnaire = loads(GOOD, "q.yaml")
    assert questionnaire.id == "screen" and questionnaire.version == "1.0.0"
    assert [q.id for q in questionnaire.questions] == ["nda", "period", "notes"]
    nda = questionnaire.question("nda")
    assert nda.critical and nda.requires_evidence and nda.weight == 1 and nda.required
    assert [(o.id, o.score) for o in nda.options] == [("yes", 100), ("no", 0)]
    assert nda.frameworks["gdpr"] == ("Art. 28(3)(b)",)
    assert questionnaire.question("period").condition is not None
    assert questionnaire.question("notes").scored is False
    assert questionnaire.sections[0].weight == 2
    assert len(questionnaire.content_hash) == 64


def test_the_content_hash_identifies_the_exact_bytes():
    edited = GOOD.replace("'How long?'", "'How long ?'")
    assert loads(GOOD).content_hash != loads(edited).content_hash


def test_an_unquoted_no_is_reported_with_its_line_not_turned_into_false():
    source = GOOD.replace("{id: none, text: {en: Ends,", "{id: none, text: {en: no,")
    [problem] = problems_of(source)
    assert problem.startswith("q.yaml:21: [period]")
    assert "`no` was read by YAML as a true/false value" in problem
    assert "put it in quotes ('no')" in problem


def test_a_bare_number_where_text_is_expected_is_reported():
    [problem] = problems_of(GOOD.replace('version: "1.0.0"', "version: 1.10"))
    assert "q.yaml:2:" in problem and "`1.10` was read by YAML as a number" in problem


def test_an_unquoted_yes_option_id_is_reported():
    source = GOOD.replace("{id: forever,", "{id: yes,")
    assert any("`yes` was read by YAML as a true/false value" in p for p in problems_of(source))


def test_duplicate_question_ids_name_both_lines():
    source = GOOD.replace("- id: notes", "- id: nda")
    assert any("q.yaml:23: [nda] question id 'nda' is already used at line 10" in p
               for p in problems_of(source))


def test_show_if_syntax_errors_point_at_the_column():
    [problem] = problems_of(GOOD.replace("show_if: nda == 'yes'", "show_if: nda = 'yes'"))
    assert problem.startswith("q.yaml:18: [period] show_if:") and "column 5" in problem


def test_show_if_unknown_and_later_references_are_reported():
    unknown = problems_of(GOOD.replace("show_if: nda == 'yes'", "show_if: ndaa == 'yes'"))
    assert any("unknown question 'ndaa'" in p for p in unknown)
    later = GOOD.replace("show_if: nda == 'yes'", "show_if: answered(notes)")
    assert any("refers to 'notes', which comes later" in p for p in problems_of(later))
    itself = GOOD.replace("show_if: nda == 'yes'", "show_if: answered(period)")
    assert any("refers to the question itself" in p for p in problems_of(itself))


def test_show_if_option_that_does_not_exist_is_reported():
    source = GOOD.replace("show_if: nda == 'yes'", "show_if: nda == 'maybe'")
    assert any("'maybe' is not an option" in p for p in problems_of(source))


def test_an_option_without_a_score_is_reported():
    source = GOOD.replace("{id: forever, text: {en: Forever, zh: 永久}, score: 100}",
                          "{id: forever, text: {en: Forever, zh: 永久}}")
    assert any("[period] option: missing field 'score'" in p for p in problems_of(source))


def test_scores_outside_0_to_100_are_reported():
    source = GOOD.replace("score: 100}", "score: 150}")
    assert any("option score must be from 0 to 100, not 150" in p for p in problems_of(source))


def test_a_missing_translation_is_reported():
    source = GOOD.replace(", zh: 其他？}", "}")
    assert any("[notes] text: missing field 'zh'" in p for p in problems_of(source))


def test_unknown_fields_and_types_are_reported():
    typo = problems_of(GOOD.replace("show_if:", "show-if:"))
    assert any("unknown field 'show-if'" in p for p in typo)
    bad_type = problems_of(GOOD.replace("type: text", "type: essay"))
    assert any("unknown type 'essay'" in p for p in bad_type)


def test_type_specific_rules():
    weighted_text = GOOD.replace("        required: false\n", "        weight: 2\n")
    assert any("a text question is not scored: remove its weight" in p
               for p in problems_of(weighted_text))
    one_option = GOOD.replace("          - {id: none, text: {en: Ends, zh: 终止}, score: 0}\n", "")
    assert any("needs at least two options" in p for p in problems_of(one_option))
    bad_flag = GOOD.replace("critical: true", "critical: yes")
    assert any("critical must be true or false, not `yes`" in p for p in problems_of(bad_flag))


def test_a_critical_question_that_can_never_pass_is_reported():
    source = GOOD.replace("score: 100}", "score: 40}").replace(
        "      - id: notes", "        critical: true\n      - id: notes")
    assert any("critical question can never pass" in p for p in problems_of(source))


def test_every_problem_is_reported_not_just_the_first():
    source = GOOD.replace("type: text", "type: essay").replace("score: 100}", "score: 150}")
    assert len(problems_of(source)) >= 2


@pytest.mark.parametrize("source,expected", [
    ("", "the file is empty"),
    ("id: [unclosed", "not valid YAML"),
    ("- just\n- a list\n", "must be a mapping"),
])
def test_files_that_are_not_questionnaires_get_a_clear_message(source, expected):
    assert any(expected in p for p in problems_of(source))


def test_non_utf8_bytes_are_reported():
    with pytest.raises(QuestionnaireError, match="not UTF-8"):
        loads(b"id: \xff\xfe", "q.yaml")


def test_an_all_digit_question_id_is_refused_because_conditions_read_it_as_a_number():
    assert any("with at least one letter" in p
               for p in problems_of(GOOD.replace("- id: notes", "- id: '10'")))


def with_scoring(block: str) -> str:
    """GOOD with a `scoring:` block; its first field lands on line 6."""
    return GOOD.replace("sections:\n", f"scoring:\n{textwrap.indent(block, '  ')}\nsections:\n",
                        1)


def test_the_scoring_parameters_default_when_the_file_gives_none():
    questionnaire = loads(GOOD)
    assert (questionnaire.critical_fail_below, questionnaire.critical_cap,
            questionnaire.missing_evidence_penalty) == (50, 40, 50)


def test_the_scoring_block_overrides_each_parameter():
    questionnaire = loads(with_scoring("critical_fail_below: 60\ncritical_cap: 30.5\n"
                                       "missing_evidence_penalty: 100"))
    assert (questionnaire.critical_fail_below, questionnaire.critical_cap,
            questionnaire.missing_evidence_penalty) == (60, 30.5, 100)
    assert loads(with_scoring("critical_cap: 25")).missing_evidence_penalty == 50


@pytest.mark.parametrize("block,expected", [
    ("critical_cap: 120", "q.yaml:6: critical_cap must be from 0 to 100, not 120"),
    ("missing_evidence_penalty: -5",
     "q.yaml:6: missing_evidence_penalty must be from 0 to 100, not -5"),
    ("critical_fail_below: 100.5",
     "q.yaml:6: critical_fail_below must be from 0 to 100, not 100.5"),
    ("critical_cap: high", "q.yaml:6: critical_cap must be a number, not `high`"),
    ("missing_evidence_penalty: '50'", "q.yaml:6: missing_evidence_penalty must be a number"),
    ("critical_cap: .nan", "q.yaml:6: critical_cap must be a number, not `.nan`"),
    ("critical-cap: 40", "q.yaml:6: scoring: unknown field 'critical-cap' (allowed: critical_cap, "
                         "critical_fail_below, missing_evidence_penalty)"),
    ("critical_cap: 40\ncritical_cap: 30",
     "q.yaml:7: scoring: field 'critical_cap' is given twice"),
])
def test_a_bad_scoring_parameter_is_reported_with_its_line(block, expected):
    [problem] = problems_of(with_scoring(block))
    assert problem.startswith(expected)


def test_a_scoring_block_that_is_not_a_mapping_is_reported():
    source = GOOD.replace("sections:\n", "scoring: 40\nsections:\n", 1)
    assert problems_of(source) == ["q.yaml:5: scoring must be a mapping of fields"]


def test_the_critical_threshold_from_the_scoring_block_checks_the_options():
    source = with_scoring("critical_fail_below: 100").replace("score: 100}", "score: 90}") \
        .replace("      - id: notes", "        critical: true\n      - id: notes")
    assert any("[period] critical question can never pass: no option scores 100 or more" in p
               for p in problems_of(source))


def test_a_weight_0_question_cannot_be_critical():
    [problem] = problems_of(GOOD.replace("type: yes_no\n", "type: yes_no\n        weight: 0\n"))
    assert problem == ("q.yaml:14: [nda] a question with weight 0 is not scored, so it cannot be "
                       "critical")
