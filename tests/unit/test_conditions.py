"""The show_if language: how conditions read, what they mean, and how mistakes are reported."""

from __future__ import annotations

import ast
import json
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorrisk.questionnaires import conditions
from vendorrisk.questionnaires.conditions import (
    KEYWORDS,
    And,
    Answered,
    Compare,
    ConditionError,
    Contains,
    In,
    Literal,
    Node,
    Not,
    Or,
    QuestionShape,
    Ref,
    evaluate,
    parse,
    references,
    to_json,
    to_source,
    type_errors,
)


def eq(qid: str, value: str | float) -> Compare:
    return Compare("==", Ref(qid), Literal(value))


def syntax_error(source: str) -> ConditionError:
    with pytest.raises(ConditionError) as caught:
        parse(source)
    return caught.value


def holds(source: str, **answers: object) -> bool:
    # Keyword arguments cannot contain '-', so tests spell such ids with '_'.
    return evaluate(parse(source), answers)


# --- reading conditions -----------------------------------------------------------------------


def test_a_comparison_reads_question_operator_value():
    assert parse("nda-template == 'yes'") == eq("nda-template", "yes")


def test_and_groups_before_or():
    assert parse("a == 'x' or b == 'y' and c == 'z'") == Or((eq("a", "x"), And((eq("b", "y"),
                                                                              eq("c", "z")))))
    assert parse("a == 'x' and b == 'y' or c == 'z'") == Or((And((eq("a", "x"), eq("b", "y"))),
                                                             eq("c", "z")))


def test_not_binds_tighter_than_and():
    assert parse("not a == 'x' and b == 'y'") == And((Not(eq("a", "x")), eq("b", "y")))
    assert parse("not not answered(a)") == Not(Not(Answered(Ref("a"))))


def test_parentheses_regroup_and_do_not_leave_a_trace_in_the_tree():
    assert parse("(a == 'x' or b == 'y') and c == 'z'") == And((Or((eq("a", "x"), eq("b", "y"))),
                                                                eq("c", "z")))
    assert parse("not (a == 'x' or b == 'y')") == Not(Or((eq("a", "x"), eq("b", "y"))))
    assert parse("((a == 'x'))") == eq("a", "x")


def test_a_run_of_the_same_connective_is_one_flat_node():
    assert parse("a == 1 and b == 2 and c == 3") == And((eq("a", 1), eq("b", 2), eq("c", 3)))
    assert parse("a == 1 or b == 2 or c == 3") == Or((eq("a", 1), eq("b", 2), eq("c", 3)))


def test_in_takes_a_list_of_strings_and_numbers():
    assert parse("hosting in ['own-dc', \"colocation\"]") == In(Ref("hosting"),
                                                                ("own-dc", "colocation"))
    assert parse("staff in [1, 2.5, -3]") == In(Ref("staff"), (1.0, 2.5, -3.0))


def test_contains_and_answered():
    assert parse("subprocessors contains 'cloud'") == Contains(Ref("subprocessors"), "cloud")
    assert parse("answered(remote-policy)") == Answered(Ref("remote-policy"))


def test_the_readme_examples_parse():
    assert parse("staff-count >= 10 and stores-paper == 'yes'") == And((
        Compare(">=", Ref("staff-count"), Literal(10)), eq("stores-paper", "yes")))
    assert parse("not (remote-work == 'no') or answered(remote-policy)") == Or((
        Not(eq("remote-work", "no")), Answered(Ref("remote-policy"))))


@pytest.mark.parametrize("source,expected", [
    ("2fa-enabled == 'yes'", eq("2fa-enabled", "yes")),
    ("staff > 10", Compare(">", Ref("staff"), Literal(10))),
    ("10-k == 'filed'", eq("10-k", "filed")),
    ("q_1 == 'x'", eq("q_1", "x")),
    ("365days >= 2", Compare(">=", Ref("365days"), Literal(2))),
    ("balance >= -2.5", Compare(">=", Ref("balance"), Literal(-2.5))),
    ("balance>=-2.5", Compare(">=", Ref("balance"), Literal(-2.5))),
    ("1e3 == 'x'", eq("1e3", "x")),  # no exponents: a digit-led word with a letter is an id
    ("a == b-1", Compare("==", Ref("a"), Ref("b-1"))),
])
def test_ids_may_have_hyphens_and_lead_with_digits_but_bare_digits_are_numbers(source, expected):
    assert parse(source) == expected


@pytest.mark.parametrize("source,value", [
    (r"q == 'it\'s'", "it's"),
    (r'q == "say \"hi\""', 'say "hi"'),
    (r"q == 'back\\slash'", "back\\slash"),
    ("q == \"it's\"", "it's"),
    ("q == 'and or not'", "and or not"),
    ("q == '保密'", "保密"),
    ("q == ''", ""),
])
def test_strings_take_either_quote_and_backslash_escapes(source, value):
    assert parse(source) == eq("q", value)


@pytest.mark.parametrize("source", [
    "a=='x'and(b!='y'or not answered(c))",
    "  a  ==  'x'  and  ( b != 'y' or not answered ( c ) )  ",
    "a == 'x'\n\tand (b != 'y'\r\n or not answered(c))",
])
def test_whitespace_does_not_matter(source):
    assert parse(source) == And((eq("a", "x"), Or((Compare("!=", Ref("b"), Literal("y")),
                                                   Not(Answered(Ref("c")))))))


def test_a_constant_on_the_left_is_kept_as_written():
    assert parse("'yes' == nda") == Compare("==", Literal("yes"), Ref("nda"))


# --- syntax errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("source,fragment,column", [
    ("q == 'abc", "unterminated string", 6),
    ('q == "abc\\"', "unterminated string", 6),
    ("q = 'x'", "unknown operator '='", 3),
    ("q === 'x'", "unknown operator '==='", 3),
    ("q == 'x' &&", "unexpected character '&'", 10),
    ("q == 'x' || r == 'y'", "unexpected character '|'", 10),
    ("q == 'x' r == 'y'", "expected 'and', 'or' or the end", 10),
    ("q == 'x')", "no matching '('", 9),
    ("(q == 'x'", "never closed", 1),
    ("(q == 'x' r", "expected ')'", 11),
    ("q ==", "expected a question id, a string or a number after '=='", 5),
    ("== 'x'", "expected a condition", 1),
    ("q == 'x' and", "expected a condition, found the end", 13),
    ("q == 'x' or or r == 'y'", "expected a condition, found 'or'", 13),
    ("q", "expected ==, !=, <, <=, >, >=, in or contains after question id 'q'", 2),
    ("", "the condition is empty", 1),
    ("   \n ", "the condition is empty", 1),
    ("in == 'x'", "'in' is a reserved word", 1),
    ("q == 'x' or contains == 'y'", "'contains' is a reserved word", 13),
    ("answered(and)", "answered(...) takes a question id", 10),
    ("answered('q')", "answered(...) takes a question id", 10),
    ("q == true", "'true' is a reserved word", 6),
    ("'a' == 'b'", "compares two constants", 1),
    ("1 < 2", "compares two constants", 1),
    ("'x' in ['x']", "left side of 'in' must be a question id", 1),
    ("q in []", "the list after 'in' is empty", 7),
    ("q in ['a',]", "a list holds strings and numbers", 11),
    ("q in [a]", "write option ids in quotes", 7),
    ("q in 'a'", "expected '[' after 'in'", 6),
    ("q contains 1", "'contains' takes an option id in quotes", 12),
    ("Staff > 1", "capital letters", 1),
    ("q AND r", "capital letters", 3),
    ("q == 1.2.3", "'1.2.3' is not a number", 6),
    ("q == -x", "unexpected character '-'", 6),
    ("q == 'a\\n'", "a backslash in a string may only escape", 8),
    ("q\u00a0== 'x'", "unexpected character U+00A0", 2),
    ("q == 1" + "0" * 400, "too large", 6),
])
def test_syntax_errors_name_the_problem_and_its_column(source, fragment, column):
    error = syntax_error(source)
    assert fragment in error.message
    assert error.position == column - 1
    assert str(error) == f"{error.message} at column {column}"


def test_the_first_problem_in_the_text_is_the_one_reported():
    # The stray '&' comes after the missing operand, so the operand is reported.
    assert syntax_error("q == and &&").position == 5


def test_a_condition_error_is_a_value_error():
    assert isinstance(syntax_error("q ="), ValueError)


def test_absurd_nesting_is_refused_instead_of_overflowing_the_stack():
    deep = "(" * 1000 + "a == 1" + ")" * 1000
    assert "nested more than" in syntax_error(deep).message
    assert "nested more than" in syntax_error("not " * 1000 + "a == 1").message
    assert parse("(" * 20 + "a == 1" + ")" * 20) == eq("a", 1)


# --- meaning ----------------------------------------------------------------------------------


def test_equality_with_an_answered_yes_no_question():
    assert holds("nda == 'yes'", nda="yes")
    assert not holds("nda == 'yes'", nda="no")
    assert holds("nda != 'yes'", nda="no")


def test_and_is_evaluated_before_or():
    # Grouped as (a or b) and c this would be false.
    assert holds("a == 'x' or b == 'y' and c == 'z'", a="x", b="n", c="n")
    assert not holds("(a == 'x' or b == 'y') and c == 'z'", a="x", b="n", c="n")


@pytest.mark.parametrize("source", [
    "q == 'x'", "q != 'x'", "q < 3", "q >= 3", "q in ['x', 3]", "q contains 'x'", "q == r",
    "answered(q)", "'x' != q",
])
def test_every_test_of_an_unanswered_question_is_false_even_not_equal(source):
    assert not holds(source, r="x")


def test_so_not_of_a_test_on_an_unanswered_question_is_true():
    assert holds("not q == 'x'")
    assert holds("not (q != 'x')")
    assert not holds("q != 'x'")
    assert holds("answered(q) and q != 'x'", q="y")


def test_a_none_value_counts_as_unanswered():
    assert not holds("answered(q)", q=None)
    assert not holds("q != 'x'", q=None)


def test_answered_is_true_for_any_answer_at_all():
    for value in ("", "no", 0, frozenset(), ["file.pdf"], date(2024, 1, 1)):
        assert holds("answered(q)", q=value)


def test_multi_choice_contains_tests_one_chosen_option():
    assert holds("subs contains 'cloud'", subs=frozenset({"cloud", "couriers"}))
    assert holds("subs contains 'cloud'", subs=["cloud"])
    assert not holds("subs contains 'cloud'", subs=frozenset({"couriers"}))
    assert not holds("subs contains 'cloud'", subs="cloud")  # a string is not a set of options
    assert not holds("subs contains 'cloud'", subs=frozenset({1, 2}))


def test_multi_choice_equality_means_exactly_that_one_option():
    assert holds("subs == 'cloud'", subs=frozenset({"cloud"}))
    assert not holds("subs == 'cloud'", subs=frozenset({"cloud", "couriers"}))
    assert holds("subs != 'cloud'", subs=frozenset({"cloud", "couriers"}))
    assert holds("subs != 'cloud'", subs=frozenset())


def test_in_matches_any_listed_value():
    assert holds("hosting in ['own-dc', 'colocation']", hosting="colocation")
    assert not holds("hosting in ['own-dc', 'colocation']", hosting="cloud")
    assert holds("staff in [5, 10]", staff=10)
    assert not holds("staff in ['10']", staff=10)


@pytest.mark.parametrize("source,staff,expected", [
    ("staff > 10", 12, True),
    ("staff > 10", 10, False),
    ("staff >= 10", 10, True),
    ("staff >= 10", 10.0, True),
    ("staff < 10.5", 10, True),
    ("staff <= -1", -1, True),
    ("staff == 10", 10.0, True),
    ("staff != 10", 11, True),
    ("10 < staff", 12, True),
    ("10 >= staff", 12, False),
    ("staff > 10", 10**400, True),
    ("staff == 10", float("nan"), False),
])
def test_numbers_compare_numerically(source, staff, expected):
    assert holds(source, staff=staff) is expected


@pytest.mark.parametrize("source", ["staff == 12", "staff != 12", "staff > 10", "staff < 100"])
def test_a_numeric_string_is_not_a_number_and_mismatches_are_false_both_ways(source):
    assert holds(source, staff="12") is False


@pytest.mark.parametrize("answer", [date(2024, 6, 30), "2024-06-30",
                                    datetime(2024, 6, 30, 23, 59)])
def test_dates_compare_chronologically(answer):
    assert holds("signed >= '2024-01-01'", signed=answer)
    assert holds("signed < '2024-12-01'", signed=answer)
    assert holds("'2025-01-01' > signed", signed=answer)
    assert holds("signed == '2024-06-30'", signed=answer)
    assert not holds("signed > '2024-06-30'", signed=answer)


@pytest.mark.parametrize("source,answer", [
    ("signed > '2024-02-30'", date(2024, 6, 30)),  # not a real day
    ("signed != '2024-02-30'", date(2024, 6, 30)),
    ("signed > '30/06/2024'", date(2024, 6, 30)),
    ("signed > '20240101'", date(2024, 6, 30)),  # fromisoformat takes this; the language does not
    ("signed > 2024", date(2024, 6, 30)),
    ("signed != 2024", date(2024, 6, 30)),
    ("signed > '2024-01-01'", "last summer"),
    ("signed > '2024-01-01'", 20240101),
])
def test_dates_that_do_not_parse_make_the_comparison_false(source, answer):
    assert holds(source, signed=answer) is False


def test_text_does_not_order_lexically():
    assert not holds("name > 'a'", name="b")
    assert holds("name == 'Acme'", name="Acme")


@pytest.mark.parametrize("answer", [
    "x", "", 3, -0.0, float("nan"), float("inf"), True, frozenset({"x"}), ["x", 2], [[1]],
    {"x": 1}, b"x", date.max, datetime.min, object(), (), 10**1000,
])
@pytest.mark.parametrize("source", [
    "q == 'x'", "q != 3", "q < 3", "q >= '2024-01-01'", "q in ['x', 1]", "q contains 'x'",
    "q == r", "q > r",
])
def test_odd_answers_never_raise(answer, source):
    assert isinstance(evaluate(parse(source), {"q": answer, "r": answer}), bool)


def test_two_questions_compare_when_their_answers_have_the_same_kind():
    assert holds("offices > staff", offices=3, staff=2)
    assert holds("ends > starts", starts=date(2024, 1, 1), ends="2024-02-01")
    assert holds("a == b", a="yes", b="yes")
    assert not holds("a != b", a="yes", b=1)
    assert not holds("a == b", a="yes")


# --- text and JSON forms ----------------------------------------------------------------------


@pytest.mark.parametrize("source,canonical", [
    ('a=="x"', "a == 'x'"),
    ("a == 'x' or b == 'y' and c == 'z'", "a == 'x' or b == 'y' and c == 'z'"),
    ("(a == 'x' or b == 'y') and c == 'z'", "(a == 'x' or b == 'y') and c == 'z'"),
    ("(a == 'x' and b == 'y') and c == 'z'", "(a == 'x' and b == 'y') and c == 'z'"),
    ("not (remote-work == 'no')", "not remote-work == 'no'"),
    ("not (a == 1 and b == 2)", "not (a == 1 and b == 2)"),
    ("x in [1.50, -2, 'a']", "x in [1.5, -2, 'a']"),
    (r"""q == "it's \\ \"ok\"" """, r"q == 'it\'s \\ " + '"ok"' + "'"),
    ("answered( q )", "answered(q)"),
])
def test_to_source_writes_the_canonical_form(source, canonical):
    assert to_source(parse(source)) == canonical
    assert parse(canonical) == parse(source)


def test_numbers_are_written_without_exponents():
    assert to_source(Compare(">", Ref("q"), Literal(1e20))) == "q > 100000000000000000000"
    assert to_source(Compare(">", Ref("q"), Literal(1e-7))) == "q > 0.0000001"


def test_to_json_is_the_documented_tree():
    node = parse("not (remote-work == 'no') or answered(remote-policy) "
                 "or hosting in ['own-dc', 3] and subs contains 'cloud'")
    assert to_json(node) == {"kind": "or", "operands": [
        {"kind": "not", "operand": {"kind": "compare", "op": "==",
                                    "left": {"ref": "remote-work"}, "right": {"value": "no"}}},
        {"kind": "answered", "ref": "remote-policy"},
        {"kind": "and", "operands": [
            {"kind": "in", "ref": "hosting", "values": ["own-dc", 3.0]},
            {"kind": "contains", "ref": "subs", "value": "cloud"},
        ]},
    ]}


def test_references_are_in_order_of_first_use_without_repeats():
    node = parse("b == 1 and (a == 'x' or answered(b)) or c contains 'x' or 3 < a or d == e")
    assert references(node) == ("b", "a", "c", "d", "e")


@pytest.mark.parametrize("build", [
    lambda: Ref("and"),
    lambda: Ref("10"),
    lambda: Ref("Upper"),
    lambda: Literal(float("nan")),
    lambda: Literal(True),
    lambda: Compare("=", Ref("a"), Literal(1)),
    lambda: Compare("==", Literal(1), Literal(2)),
    lambda: In(Ref("a"), ()),
    lambda: And((eq("a", 1),)),
    lambda: Or(()),
    lambda: Not("a == 1"),
])
def test_trees_that_no_text_could_produce_are_refused(build):
    with pytest.raises(ValueError):
        build()


def test_nodes_are_immutable_and_hashable():
    node = parse("a == 'x' and b in [1, 2]")
    assert hash(node) == hash(parse("a=='x' and b in [1,2]"))
    with pytest.raises(AttributeError):
        node.operands = ()  # type: ignore[misc]


# --- type checking ----------------------------------------------------------------------------

SHAPES = {
    "nda-template": QuestionShape("yes_no", frozenset({"yes", "no"})),
    "hosting": QuestionShape("single_choice", frozenset({"own-dc", "colocation", "cloud"})),
    "region": QuestionShape("single_choice", frozenset({"eu", "cn"})),
    "subs": QuestionShape("multi_choice", frozenset({"cloud", "couriers"})),
    "staff": QuestionShape("number", frozenset()),
    "offices": QuestionShape("number", frozenset()),
    "signed": QuestionShape("date", frozenset()),
    "expires": QuestionShape("date", frozenset()),
    "notes": QuestionShape("text", frozenset()),
    "other-notes": QuestionShape("text", frozenset()),
    "policy": QuestionShape("evidence", frozenset()),
    "sharing": QuestionShape("yes_no", frozenset({"yes", "no"})),
}


def problems(source: str) -> list[str]:
    return type_errors(parse(source), SHAPES.get)


@pytest.mark.parametrize("source", [
    "nda-template == 'yes'", "'no' != nda-template", "hosting in ['own-dc', 'cloud']",
    "subs contains 'cloud'", "staff >= 10", "staff in [1, 2]", "10 < staff",
    "signed < '2025-01-01'", "signed == '2024-02-29'", "notes == 'none'", "notes != ''",
    "answered(policy)", "answered(subs)", "staff < offices", "signed <= expires",
    "nda-template == sharing", "hosting != region", "not (subs contains 'couriers')",
])
def test_well_typed_conditions_have_no_problems(source):
    assert problems(source) == []


def test_an_unknown_question_is_reported_by_name():
    assert problems("ghost == 'yes' or answered(nda-template)") == [
        "refers to unknown question 'ghost'"]


def test_an_option_id_the_question_does_not_have_is_reported_with_the_options():
    assert problems("nda-template == 'maybe'") == [
        "'maybe' is not an option of question 'nda-template' (options: no, yes)"]
    assert problems("hosting in ['cloud', 'basement']") == [
        "'basement' is not an option of question 'hosting' (options: cloud, colocation, own-dc)"]


@pytest.mark.parametrize("source,fragment", [
    ("nda-template < 'yes'", "'<' is for number and date questions, but question "
                             "'nda-template' is yes_no; use == or !="),
    ("hosting == 1", "compare it with an option id in quotes, not the number 1"),
    ("hosting in [1]", "not the number 1"),
    ("hosting contains 'cloud'", "'contains' is for multi_choice questions, but question "
                                 "'hosting' is single_choice; write hosting == 'cloud'"),
])
def test_yes_no_and_single_choice_take_option_ids_with_equality_and_in(source, fragment):
    [problem] = problems(source)
    assert fragment in problem


@pytest.mark.parametrize("source,fragment", [
    ("subs == 'cloud'", "question 'subs' is multi_choice, so '==' cannot test it; "
                        "write subs contains 'cloud'"),
    ("subs != 'cloud'", "write not subs contains 'cloud'"),
    ("subs in ['cloud']", "'in' cannot test it; write subs contains 'option'"),
    ("subs > 1", "'>' cannot test it"),
    ("subs contains 'trucks'", "'trucks' is not an option of question 'subs' "
                               "(options: cloud, couriers)"),
])
def test_multi_choice_is_tested_with_contains_only(source, fragment):
    [problem] = problems(source)
    assert fragment in problem


@pytest.mark.parametrize("source,fragment", [
    ("staff > '10'", "question 'staff' is a number, so compare it with a number without quotes, "
                     "not the string '10'"),
    ("staff in [1, '2']", "list numbers without quotes, not the string '2'"),
    ("staff contains '1'", "'contains' is for multi_choice questions"),
])
def test_numbers_compare_with_numbers_only(source, fragment):
    [problem] = problems(source)
    assert fragment in problem


@pytest.mark.parametrize("source,fragment", [
    ("signed > '2024-13-01'", "'2024-13-01' is not a date of the form 'YYYY-MM-DD'"),
    ("signed > '1/2/2024'", "is not a date of the form"),
    ("signed == 2024", "compare it with a date in quotes like '2025-12-31', not the number 2024"),
    ("signed in ['2024-01-01']", "'in' is for yes_no, single_choice and number questions, but "
                                 "question 'signed' is date"),
])
def test_dates_compare_with_iso_date_strings_only(source, fragment):
    [problem] = problems(source)
    assert fragment in problem


@pytest.mark.parametrize("source,fragment", [
    ("notes < 'm'", "'<' is for number and date questions, but question 'notes' is text"),
    ("notes == 3", "question 'notes' is text, so compare it with a string in quotes"),
    ("notes in ['a']", "question 'notes' is text"),
    ("policy == 'yes'", "question 'policy' is an evidence question; only answered(policy)"),
    ("policy in ['x']", "only answered(policy)"),
    ("policy contains 'x'", "only answered(policy)"),
])
def test_text_takes_string_equality_and_evidence_only_answered(source, fragment):
    [problem] = problems(source)
    assert fragment in problem


@pytest.mark.parametrize("source,fragment", [
    ("staff == signed", "cannot compare question 'staff' (number) with question 'signed' (date)"),
    ("nda-template == hosting", "(yes_no) with question 'hosting' (single_choice)"),
    ("notes == other-notes", "(text) with question 'other-notes' (text)"),
    ("subs == subs", "(multi_choice) with question 'subs' (multi_choice)"),
    ("hosting < region", "questions 'hosting' and 'region' are single_choice; use == or !="),
])
def test_two_questions_compare_only_when_same_typed_numbers_dates_or_choices(source, fragment):
    [problem] = problems(source)
    assert fragment in problem


def test_every_problem_is_reported_once_in_order():
    assert problems("ghost == 1 or staff == 'x' or ghost == 2 or staff == 'x' or spook == 3") == [
        "refers to unknown question 'ghost'",
        "question 'staff' is a number, so compare it with a number without quotes, not the "
        "string 'x'",
        "refers to unknown question 'spook'",
    ]


# --- purity -----------------------------------------------------------------------------------


def test_conditions_import_only_the_standard_library():
    tree = ast.parse(Path(conditions.__file__).read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names}
    modules |= {node.module for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module}
    assert {m for m in modules if m.split(".")[0] not in sys.stdlib_module_names} == set()


def test_conditions_never_evaluate_python():
    tree = ast.parse(Path(conditions.__file__).read_text(encoding="utf-8"))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    # re.compile is fine; the builtins and ast.literal_eval are not.
    assert not names & {"eval", "exec", "compile", "__import__", "ast"}
    assert "literal_eval" not in attributes


# --- properties -------------------------------------------------------------------------------

question_ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True).filter(
    lambda text: text not in KEYWORDS and not text.isdigit())
numbers = st.floats(allow_nan=False, allow_infinity=False)
OPERATORS = st.sampled_from(conditions.COMPARISON_OPERATORS)


def condition_trees(ids: st.SearchStrategy[str], strings: st.SearchStrategy[str],
                    nums: st.SearchStrategy[float]) -> st.SearchStrategy[Node]:
    refs = st.builds(Ref, ids)
    values = st.one_of(strings, nums)
    literals = st.builds(Literal, values)
    leaves = st.one_of(
        st.builds(Compare, OPERATORS, refs, st.one_of(refs, literals)),
        st.builds(Compare, OPERATORS, literals, refs),
        st.builds(In, refs, st.lists(values, min_size=1, max_size=4).map(tuple)),
        st.builds(Contains, refs, strings),
        st.builds(Answered, refs),
    )

    def branches(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        several = st.lists(children, min_size=2, max_size=4).map(tuple)
        return st.one_of(st.builds(Not, children), st.builds(And, several),
                         st.builds(Or, several))

    return st.recursive(leaves, branches, max_leaves=12)


any_trees = condition_trees(question_ids, st.text(), numbers)

# A small shared vocabulary so generated answers actually meet the generated conditions.
POOL_IDS = ["a", "b-2", "3c"]
pool_strings = st.sampled_from(["x", "y", "", "2024-06-30", "2024-02-30", "12"]) | st.text()
pool_numbers = st.sampled_from([0.0, -1.0, 12.0, 2.5]) | numbers
pool_trees = condition_trees(st.sampled_from(POOL_IDS), pool_strings, pool_numbers)
answer_values = st.one_of(
    pool_strings,
    st.integers(),
    st.floats(),  # NaN and infinities included
    st.booleans(),
    st.frozensets(pool_strings),
    st.lists(st.one_of(pool_strings, st.integers())),
    st.dates(),
    st.datetimes(),
    st.dictionaries(st.text(), st.integers()),
)
answer_maps = st.dictionaries(st.sampled_from(POOL_IDS), answer_values)

token_soup = st.lists(st.sampled_from([
    "a", "b-2", "3c", "10", "-2.5", "'x'", '"y"', "'", "\\", "==", "!=", "<", "<=", ">", ">=",
    "=", "!", "(", ")", "[", "]", ",", "and", "or", "not", "in", "contains", "answered", "true",
    " ", "\t",
]), max_size=14).map("".join)


@given(any_trees)
def test_canonical_source_reads_back_as_the_same_tree(node):
    assert parse(to_source(node)) == node


@given(st.one_of(st.text(), token_soup))
def test_any_text_either_parses_or_raises_a_condition_error_inside_it(source):
    try:
        node = parse(source)
    except ConditionError as error:
        assert 0 <= error.position <= len(source)
    else:
        assert parse(to_source(node)) == node


@given(pool_trees, answer_maps)
def test_evaluation_never_raises_and_returns_a_bool(node, answers):
    assert evaluate(node, answers) in (True, False)
    assert evaluate(Not(node), answers) is not evaluate(node, answers)


@given(pool_trees, answer_maps)
def test_a_constant_may_stand_on_either_side(node, answers):
    mirrored = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
    if isinstance(node, Compare):
        flipped = Compare(mirrored[node.op], node.right, node.left)
        assert evaluate(flipped, answers) is evaluate(node, answers)


@given(st.sampled_from(POOL_IDS), pool_strings | pool_numbers, answer_maps)
def test_equal_and_not_equal_are_never_both_true(qid, value, answers):
    ref, literal = Ref(qid), Literal(value)
    assert not (evaluate(Compare("==", ref, literal), answers)
                and evaluate(Compare("!=", ref, literal), answers))


@given(pool_trees)
def test_without_answers_every_test_is_false(node):
    for leaf in [node, *getattr(node, "operands", ())]:
        if not isinstance(leaf, Not | And | Or):
            assert evaluate(leaf, {}) is False


@given(any_trees)
def test_the_json_form_is_plain_json_and_names_the_same_questions(node):
    payload = to_json(node)
    assert json.loads(json.dumps(payload, allow_nan=False)) == payload
    assert set(references(node)) <= set(_json_refs(payload))


def _json_refs(payload: object) -> list[str]:
    if isinstance(payload, dict):
        found = [payload["ref"]] if isinstance(payload.get("ref"), str) else []
        return found + [r for value in payload.values() for r in _json_refs(value)]
    if isinstance(payload, list):
        return [r for item in payload for r in _json_refs(item)]
    return []
