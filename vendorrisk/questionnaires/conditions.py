"""The `show_if` condition language: parse, check, evaluate and serialise.

The language is documented in questionnaires/README.md ("Conditions (show_if)"). A condition is
parsed once into an immutable tree of frozen dataclasses; that tree is what the server evaluates
on save and submit, and what `to_json` hands to the browser's small evaluator, so both sides
walk the same structure instead of each parsing text. Nothing here ever uses `eval`.

Grammar (`not` binds tighter than `and`, which binds tighter than `or`)::

    expr       := or
    or         := and ("or" and)*
    and        := unary ("and" unary)*
    unary      := "not" unary | primary
    primary    := "(" expr ")" | "answered" "(" IDENT ")" | comparison
    comparison := operand OP operand              OP: == != < <= > >=
                | IDENT "in" "[" literal ("," literal)* "]"
                | IDENT "contains" STRING
    operand    := IDENT | literal
    literal    := STRING | NUMBER

IDENT is a question id, ``[a-z0-9][a-z0-9_-]*``; a word made only of digits (with at most one
``.`` and an optional leading ``-``) is a NUMBER instead, so ``2fa-enabled`` is a question and
``10`` is a number. STRING is single- or double-quoted; inside it a backslash escapes only the
quote character and the backslash. The words and, or, not, in, contains, answered, true and
false are reserved and can never be question ids.

Pure standard library on purpose (see DESIGN.md): views, the validator, the browser payload and
the tests all use the same functions.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

__all__ = [
    "And",
    "AnswerValue",
    "Answered",
    "Compare",
    "ConditionError",
    "Contains",
    "In",
    "Literal",
    "Node",
    "Not",
    "Or",
    "QuestionShape",
    "Ref",
    "evaluate",
    "parse",
    "references",
    "to_json",
    "to_source",
    "type_errors",
]

KEYWORDS = frozenset({"and", "or", "not", "in", "contains", "answered", "true", "false"})
COMPARISON_OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
ORDER_OPERATORS = frozenset({"<", "<=", ">", ">="})
QUESTION_TYPES = frozenset({
    "yes_no", "single_choice", "multi_choice", "text", "number", "date", "evidence",
})
# Nesting is limited so a hostile or broken file can never exhaust the parser's recursion, and so
# every tree `parse` returns is shallow enough for the recursive functions below.
MAX_NESTING = 50

# ASCII classes only: `\d` would also accept Arabic-Indic and other Unicode digits.
_IDENT = re.compile(r"[a-z0-9][a-z0-9_-]*")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_WORD_START = _WORD_CHARS - {"-", "."}  # a leading '-' starts a word only before a digit
_OPERATOR_CHARS = frozenset("=!<>")
_WHITESPACE = frozenset(" \t\r\n")
_PUNCTUATION = frozenset("()[],")
_OPTION_TYPES = frozenset({"yes_no", "single_choice"})
_COMPARABLE_PAIR_TYPES = frozenset({"number", "date", "yes_no", "single_choice"})
_MIRRORED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class ConditionError(ValueError):
    """A syntax error in a condition, with the 0-based character offset where it was found."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, position)  # both in args, so the error pickles and compares
        self.message = message
        self.position = position

    def __str__(self) -> str:
        # Columns count characters from the start of the condition text, starting at 1.
        return f"{self.message} at column {self.position + 1}"


# --- the tree ---------------------------------------------------------------------------------
# The constructors refuse trees that no source text could produce, so `to_source` and `to_json`
# are total: every Node has a canonical text that parses back to an equal Node.


@dataclass(frozen=True)
class Ref:
    """A reference to a question by its id."""

    id: str

    def __post_init__(self) -> None:
        if not _is_question_id(self.id):
            raise ValueError(f"{self.id!r} cannot be a question id in a condition")


@dataclass(frozen=True)
class Literal:
    """A constant: a string, or a number (always stored as a finite float)."""

    value: str | float

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _checked_literal(self.value))


@dataclass(frozen=True)
class Compare:
    """`left op right`; at least one side is a question."""

    op: str
    left: Ref | Literal
    right: Ref | Literal

    def __post_init__(self) -> None:
        if self.op not in COMPARISON_OPERATORS:
            raise ValueError(f"unknown comparison operator {self.op!r}")
        if not all(isinstance(side, Ref | Literal) for side in (self.left, self.right)):
            raise ValueError("both sides of a comparison must be a Ref or a Literal")
        if isinstance(self.left, Literal) and isinstance(self.right, Literal):
            raise ValueError("a comparison needs at least one question")


@dataclass(frozen=True)
class In:
    """`ref in [v1, v2, ...]`: the answer equals one of the values."""

    ref: Ref
    values: tuple[str | float, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.values, tuple) or not self.values:
            raise ValueError("'in' needs a non-empty tuple of values")
        object.__setattr__(self, "values", tuple(_checked_literal(v) for v in self.values))


@dataclass(frozen=True)
class Contains:
    """`ref contains 'option'`: the option is among those chosen in a multi_choice answer."""

    ref: Ref
    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise ValueError("'contains' takes a string")


@dataclass(frozen=True)
class Answered:
    """`answered(ref)`: the question is visible and has an answer."""

    ref: Ref


@dataclass(frozen=True)
class Not:
    operand: Node

    def __post_init__(self) -> None:
        if not isinstance(self.operand, Node):
            raise ValueError("'not' needs a condition node")


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]

    def __post_init__(self) -> None:
        _check_operands(self.operands, "and")


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]

    def __post_init__(self) -> None:
        _check_operands(self.operands, "or")


Node = Compare | In | Contains | Answered | Not | And | Or
# What `evaluate` accepts per question type; see its docstring.
AnswerValue = str | int | float | date | Collection[Any]


def _is_question_id(text: object) -> bool:
    # A digits-only id would read back as a number, so it can never be referenced.
    return (isinstance(text, str) and _IDENT.fullmatch(text) is not None
            and text not in KEYWORDS and _NUMBER.fullmatch(text) is None)


def _checked_literal(value: object) -> str | float:
    if isinstance(value, str):
        return value
    # bool is an int subclass, but True is not a number anyone meant to write.
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise ValueError(f"{value!r} is not a string or a finite number")


def _check_operands(operands: object, word: str) -> None:
    if not isinstance(operands, tuple) or len(operands) < 2:
        raise ValueError(f"'{word}' needs a tuple of at least two operands")
    if not all(isinstance(operand, Node) for operand in operands):
        raise ValueError(f"the operands of '{word}' must be condition nodes")


# --- tokens -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # ident, keyword, number, string, op, punct, end, error
    text: str
    position: int
    value: str | float = ""
    error: ConditionError | None = None


def _tokenize(source: str) -> list[_Token]:
    # A lexical error becomes an "error" token instead of being raised here, so the parser reports
    # whichever problem comes first in the text.
    tokens: list[_Token] = []
    index = 0
    while True:
        while index < len(source) and source[index] in _WHITESPACE:
            index += 1
        if index == len(source):
            tokens.append(_Token("end", "", index))
            return tokens
        try:
            token = _next_token(source, index)
        except ConditionError as error:
            tokens.append(_Token("error", "", error.position, error=error))
            return tokens
        tokens.append(token)
        index = token.position + len(token.text)


def _next_token(source: str, start: int) -> _Token:
    char = source[start]
    nxt = source[start + 1: start + 2]
    if char in "'\"":
        return _string_token(source, start)
    if char in _PUNCTUATION:
        return _Token("punct", char, start)
    if char in _OPERATOR_CHARS:
        return _operator_token(source, start)
    if char in _WORD_START or (char == "-" and nxt.isascii() and nxt.isdigit()):
        return _word_token(source, start)
    raise ConditionError(_unexpected_character(char), start)


def _unexpected_character(char: str) -> str:
    hints = {"&": "; write 'and'", "|": "; write 'or'"}
    shown = repr(char) if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
    return f"unexpected character {shown}{hints.get(char, '')}"


def _string_token(source: str, start: int) -> _Token:
    quote = source[start]
    chars: list[str] = []
    index = start + 1
    while index < len(source):
        char = source[index]
        if char == quote:
            return _Token("string", source[start: index + 1], start, "".join(chars))
        if char == "\\":
            escaped = source[index + 1: index + 2]
            if escaped not in (quote, "\\"):
                raise ConditionError(f"a backslash in a string may only escape {quote} or \\",
                                     index)
            char = escaped
            index += 1
        chars.append(char)
        index += 1
    raise ConditionError("unterminated string", start)


def _operator_token(source: str, start: int) -> _Token:
    end = start
    while end < len(source) and source[end] in _OPERATOR_CHARS:
        end += 1
    text = source[start:end]
    if text in COMPARISON_OPERATORS:
        return _Token("op", text, start)
    hints = {"=": "; write '==' to compare", "!": "; write 'not'", "===": "; write '=='",
             "=<": "; write '<='", "=>": "; write '>='", "<>": "; write '!='"}
    raise ConditionError(f"unknown operator '{text}'{hints.get(text, '')}", start)


def _word_token(source: str, start: int) -> _Token:
    end = start + 1
    while end < len(source) and source[end] in _WORD_CHARS:
        end += 1
    word = source[start:end]
    if _NUMBER.fullmatch(word):
        number = float(word)
        if not math.isfinite(number):
            raise ConditionError(f"the number {word} is too large", start)
        return _Token("number", word, start, number)
    if _IDENT.fullmatch(word):
        return _Token("keyword" if word in KEYWORDS else "ident", word, start, word)
    raise ConditionError(_bad_word(word), start)


def _bad_word(word: str) -> str:
    if word.lower() != word and _IDENT.fullmatch(word.lower()):
        return f"'{word}' has capital letters; question ids and keywords are lowercase"
    if word[0] in "0123456789-" and set(word) <= set("0123456789.-"):
        return f"'{word}' is not a number; numbers look like 12, -3 or 2.5"
    return (f"'{word}' is neither a question id nor a number; question ids use a-z, 0-9, '_' "
            "and '-' and start with a letter or digit")


# --- parser -----------------------------------------------------------------------------------


def parse(source: str) -> Node:
    """Parse a condition, or raise ConditionError naming the first problem and its position."""
    parser = _Parser(_tokenize(source))
    if parser.peek().kind == "end":
        raise ConditionError("the condition is empty", 0)
    node = parser.expression(0)
    parser.expect_end()
    return node


class _Parser:
    """Recursive descent over the token list, one method per grammar rule."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> _Token:
        token = self.tokens[self.index]
        if token.error is not None:
            raise token.error
        return token

    def take(self) -> _Token:
        token = self.peek()
        if token.kind != "end":
            self.index += 1
        return token

    def accept(self, kind: str, text: str) -> _Token | None:
        token = self.peek()
        return self.take() if (token.kind, token.text) == (kind, text) else None

    def expect(self, kind: str, text: str, message: str) -> _Token:
        token = self.accept(kind, text)
        if token is None:
            found = self.peek()
            raise ConditionError(f"{message}, found {_describe(found)}", found.position)
        return token

    def expect_end(self) -> None:
        token = self.peek()
        if token.kind == "end":
            return
        if (token.kind, token.text) == ("punct", ")"):
            raise ConditionError("this ')' has no matching '('", token.position)
        raise ConditionError("expected 'and', 'or' or the end of the condition, found "
                             f"{_describe(token)}", token.position)

    def expression(self, depth: int) -> Node:
        operands = [self.conjunction(depth)]
        while self.accept("keyword", "or"):
            operands.append(self.conjunction(depth))
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def conjunction(self, depth: int) -> Node:
        operands = [self.unary(depth)]
        while self.accept("keyword", "and"):
            operands.append(self.unary(depth))
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def unary(self, depth: int) -> Node:
        token = self.accept("keyword", "not")
        if token is None:
            return self.primary(depth)
        _check_depth(token, depth)
        return Not(self.unary(depth + 1))

    def primary(self, depth: int) -> Node:
        opening = self.accept("punct", "(")
        if opening is not None:
            _check_depth(opening, depth)
            node = self.expression(depth + 1)
            if self.peek().kind == "end":  # point at the bracket that was left open
                raise ConditionError("this '(' is never closed", opening.position)
            self.expect("punct", ")", "expected ')'")
            return node
        if self.accept("keyword", "answered"):
            return self.answered()
        return self.comparison()

    def answered(self) -> Answered:
        self.expect("punct", "(", "expected '(' after 'answered'")
        token = self.peek()
        if token.kind != "ident":
            raise ConditionError(f"answered(...) takes a question id, found {_describe(token)}",
                                 token.position)
        self.take()
        self.expect("punct", ")", "expected ')' after the question id")
        return Answered(Ref(str(token.value)))

    def comparison(self) -> Compare | In | Contains:
        first = self.peek()
        left = self.operand("expected a condition")
        token = self.peek()
        if token.kind == "op":
            self.take()
            right = self.operand(f"expected a question id, a string or a number after "
                                 f"'{token.text}'")
            if isinstance(left, Literal) and isinstance(right, Literal):
                raise ConditionError("compares two constants; one side must be a question id",
                                     first.position)
            return Compare(token.text, left, right)
        if token.kind == "keyword" and token.text in ("in", "contains"):
            if not isinstance(left, Ref):
                raise ConditionError(f"the left side of '{token.text}' must be a question id",
                                     first.position)
            self.take()
            return self.in_list(left) if token.text == "in" else self.contains(left)
        raise ConditionError(f"expected ==, !=, <, <=, >, >=, in or contains after "
                             f"{_describe(first)}, found {_describe(token)}", token.position)

    def operand(self, expected: str) -> Ref | Literal:
        token = self.peek()
        if token.kind == "ident":
            self.take()
            return Ref(str(token.value))
        if token.kind in ("string", "number"):
            self.take()
            return Literal(token.value)
        if token.kind == "keyword" and token.text in ("true", "false"):
            raise ConditionError(f"'{token.text}' is a reserved word, not a value; yes/no answers "
                                 "are the option ids 'yes' and 'no'", token.position)
        if token.kind == "keyword" and token.text not in ("and", "or"):
            raise ConditionError(f"'{token.text}' is a reserved word and cannot be a question id",
                                 token.position)
        raise ConditionError(f"{expected}, found {_describe(token)}", token.position)

    def in_list(self, ref: Ref) -> In:
        self.expect("punct", "[", "expected '[' after 'in'")
        if (closing := self.accept("punct", "]")) is not None:
            raise ConditionError("the list after 'in' is empty", closing.position)
        values = [self.list_item()]
        while self.accept("punct", ","):
            values.append(self.list_item())
        self.expect("punct", "]", "expected ',' or ']' in the list")
        return In(ref, tuple(values))

    def list_item(self) -> str | float:
        token = self.peek()
        if token.kind in ("string", "number"):
            self.take()
            return token.value
        hint = f"; write option ids in quotes, like '{token.text}'" if token.kind == "ident" \
            else ""
        raise ConditionError(f"a list holds strings and numbers, found {_describe(token)}{hint}",
                             token.position)

    def contains(self, ref: Ref) -> Contains:
        token = self.peek()
        if token.kind != "string":
            raise ConditionError(f"'contains' takes an option id in quotes, found "
                                 f"{_describe(token)}", token.position)
        self.take()
        return Contains(ref, str(token.value))


def _check_depth(token: _Token, depth: int) -> None:
    if depth >= MAX_NESTING:
        raise ConditionError(f"the condition is nested more than {MAX_NESTING} levels deep",
                             token.position)


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the condition"
    if token.kind == "ident":
        return f"question id '{token.text}'"
    if token.kind == "number":
        return f"the number {token.text}"
    if token.kind == "string":
        return f"the string {token.text}"
    return f"'{token.text}'"


# --- walking the tree -------------------------------------------------------------------------


def _leaves(node: Node) -> Iterator[Compare | In | Contains | Answered]:
    """The comparisons of a condition, left to right."""
    match node:
        case Not(operand):
            yield from _leaves(operand)
        case And(operands) | Or(operands):
            for operand in operands:
                yield from _leaves(operand)
        case Compare() | In() | Contains() | Answered():
            yield node
        case _:
            raise TypeError(f"not a condition node: {node!r}")


def _refs(leaf: Compare | In | Contains | Answered) -> list[Ref]:
    if isinstance(leaf, Compare):
        return [side for side in (leaf.left, leaf.right) if isinstance(side, Ref)]
    return [leaf.ref]


def references(node: Node) -> tuple[str, ...]:
    """The question ids a condition uses, in order of first appearance, each once."""
    ids = (ref.id for leaf in _leaves(node) for ref in _refs(leaf))
    return tuple(dict.fromkeys(ids))


# --- text form --------------------------------------------------------------------------------


def to_source(node: Node) -> str:
    """The canonical text of a condition: single quotes, one space around words and operators,
    and parentheses only where the grouping needs them, so ``parse(to_source(n)) == n``."""
    match node:
        case Compare(op, left, right):
            return f"{_operand_source(left)} {op} {_operand_source(right)}"
        case In(ref, values):
            return f"{ref.id} in [{', '.join(_literal_source(v) for v in values)}]"
        case Contains(ref, value):
            return f"{ref.id} contains {_string_source(value)}"
        case Answered(ref):
            return f"answered({ref.id})"
        case Not(operand):
            return f"not {_grouped(operand, (And, Or))}"
        case And(operands):
            # `(a and b) and c` is a different tree from `a and b and c`, so it keeps its brackets.
            return " and ".join(_grouped(o, (And, Or)) for o in operands)
        case Or(operands):
            return " or ".join(_grouped(o, (Or,)) for o in operands)
    raise TypeError(f"not a condition node: {node!r}")


def _grouped(node: Node, needs_brackets: tuple[type, ...]) -> str:
    text = to_source(node)
    return f"({text})" if isinstance(node, needs_brackets) else text


def _operand_source(operand: Ref | Literal) -> str:
    return operand.id if isinstance(operand, Ref) else _literal_source(operand.value)


def _literal_source(value: str | float) -> str:
    return _string_source(value) if isinstance(value, str) else _number_source(value)


def _string_source(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _number_source(value: float) -> str:
    # The grammar has no exponent, so 1e+20 must be spelled out; Decimal(repr(x)) is the
    # shortest decimal that reads back as exactly x.
    return format(Decimal(repr(value)), "f").removesuffix(".0")


# --- JSON form --------------------------------------------------------------------------------


def to_json(node: Node) -> dict[str, Any]:
    """The condition as a plain JSON tree for the browser's evaluator.

    Every node is an object with a ``"kind"``::

        {"kind": "compare", "op": "==", "left": OPERAND, "right": OPERAND}
        {"kind": "in", "ref": "hosting", "values": ["own-dc", 3.0]}
        {"kind": "contains", "ref": "subprocessors", "value": "cloud"}
        {"kind": "answered", "ref": "remote-policy"}
        {"kind": "not", "operand": NODE}
        {"kind": "and", "operands": [NODE, NODE, ...]}      (two or more)
        {"kind": "or", "operands": [NODE, NODE, ...]}       (two or more)

    where OPERAND is ``{"ref": "question-id"}`` or ``{"value": "yes"}`` / ``{"value": 10.0}``.
    Numbers are always JSON numbers and strings always JSON strings, so the browser can tell the
    number 10 from the option id "10". The browser must apply the rules in `evaluate`'s docstring.
    """
    match node:
        case Compare(op, left, right):
            return {"kind": "compare", "op": op, "left": _operand_json(left),
                    "right": _operand_json(right)}
        case In(ref, values):
            return {"kind": "in", "ref": ref.id, "values": list(values)}
        case Contains(ref, value):
            return {"kind": "contains", "ref": ref.id, "value": value}
        case Answered(ref):
            return {"kind": "answered", "ref": ref.id}
        case Not(operand):
            return {"kind": "not", "operand": to_json(operand)}
        case And(operands):
            return {"kind": "and", "operands": [to_json(o) for o in operands]}
        case Or(operands):
            return {"kind": "or", "operands": [to_json(o) for o in operands]}
    raise TypeError(f"not a condition node: {node!r}")


def _operand_json(operand: Ref | Literal) -> dict[str, str | float]:
    return {"ref": operand.id} if isinstance(operand, Ref) else {"value": operand.value}


# --- evaluation -------------------------------------------------------------------------------


def evaluate(node: Node, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether the condition holds for these answers. Never raises for any answer values.

    ``answers`` must hold only questions that are VISIBLE and ANSWERED: the caller drops hidden
    and unanswered ones first, which is how hiding cascades. A value of None counts as absent.
    Values by question type: yes_no and single_choice an option id (str); multi_choice a
    collection of option ids (frozenset, list, ...); number an int or float; date a
    ``datetime.date`` or an ISO ``"YYYY-MM-DD"`` string; text a str; evidence anything non-empty.

    - A comparison, ``in`` or ``contains`` about a question missing from ``answers`` is false,
      and that includes ``!=``. So ``not (q == 'x')`` is TRUE for an unanswered q, while
      ``q != 'x'`` is FALSE: write ``answered(q) and ...`` or ``not (...)`` deliberately.
    - Numbers compare numerically, but only int/float with numbers: the string "12" is not 12.
    - Order comparisons (< <= > >=) otherwise work only between dates: a date answer, or a string
      of the exact form YYYY-MM-DD that is a real date, on both sides; compared chronologically.
    - A multi_choice answer ``== 'x'`` means exactly {'x'} was chosen; ``contains`` is the usual
      test. ``in [...]`` means ``==`` one of the values.
    - Values of different kinds are not comparable: the comparison is false, for ``!=`` too.
    - A literal on the left works like one on the right: ``10 < staff`` is ``staff > 10``.
    """
    match node:
        case And(operands):
            return all(evaluate(o, answers) for o in operands)
        case Or(operands):
            return any(evaluate(o, answers) for o in operands)
        case Not(operand):
            return not evaluate(operand, answers)
        case Answered(ref):
            return answers.get(ref.id) is not None
        case Contains(ref, value):
            chosen = _choices(answers.get(ref.id))
            return chosen is not None and value in chosen
        case In(ref, values):
            answer = answers.get(ref.id)
            return answer is not None and any(_compare("==", answer, v) for v in values)
        case Compare(op, left, right):
            return _evaluate_compare(op, left, right, answers)
    raise TypeError(f"not a condition node: {node!r}")


def _evaluate_compare(op: str, left: Ref | Literal, right: Ref | Literal,
                      answers: Mapping[str, AnswerValue]) -> bool:
    if isinstance(left, Literal):  # put the question on the left, mirroring the operator
        op, left, right = _MIRRORED[op], right, left
    answer = answers.get(left.id) if isinstance(left, Ref) else None
    other = answers.get(right.id) if isinstance(right, Ref) else right.value
    if answer is None or other is None:
        return False
    return _compare(op, answer, other)


def _compare(op: str, answer: object, other: object) -> bool:
    pair = _comparable(answer, other, ordered=op in ORDER_OPERATORS)
    if pair is None:
        return False
    left, right = pair
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    return bool(_ORDER[op](left, right))


def _comparable(a: object, b: object, *, ordered: bool) -> tuple[Any, Any] | None:
    """Both values converted to one comparable kind, or None when their kinds differ."""
    if _is_number(a) and _is_number(b):
        return a, b
    if ordered or isinstance(a, date) or isinstance(b, date):
        dates = _as_date(a), _as_date(b)
        return dates if None not in dates else None
    if isinstance(a, str) and isinstance(b, str):
        return a, b
    sets = _choices(a, single=True), _choices(b, single=True)
    return sets if None not in sets else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):  # comparing a datetime with a date raises, so drop the time
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:  # well-formed but not a real day, like 2024-02-30
            return None
    return None


def _choices(value: object, *, single: bool = False) -> frozenset[str] | None:
    """A multi_choice answer as a set of option ids; with single=True a lone string is {it}."""
    if isinstance(value, str):
        return frozenset({value}) if single else None
    if isinstance(value, bytes | bytearray | Mapping) or not isinstance(value, Collection):
        return None
    items = list(value)
    return frozenset(items) if all(isinstance(item, str) for item in items) else None


# --- type checking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionShape:
    """What the type checker needs to know about a referenced question."""

    type: str  # yes_no, single_choice, multi_choice, text, number, date or evidence
    option_ids: frozenset[str]  # {"yes", "no"} for yes_no; empty for types without options


ShapeOf = Callable[[str], QuestionShape | None]


def type_errors(node: Node, shape_of: ShapeOf) -> list[str]:
    """Problems with how a condition uses its questions, in order, each reported once.

    Messages do not name the question that owns the condition (the validator adds that); they
    name the referenced question. A later or self reference is the validator's to report, since
    only it knows the order of the file.
    """
    messages: list[str] = []
    for leaf in _leaves(node):
        for message in _leaf_errors(leaf, shape_of):
            if message not in messages:
                messages.append(message)
    return messages


def _leaf_errors(leaf: Compare | In | Contains | Answered, shape_of: ShapeOf) -> list[str]:
    shapes = {ref.id: shape_of(ref.id) for ref in _refs(leaf)}
    unknown = [f"refers to unknown question '{qid}'" for qid, s in shapes.items() if s is None]
    if unknown:
        return unknown
    odd = [f"question '{qid}' has type '{s.type}', which conditions do not know"
           for qid, s in shapes.items() if s is not None and s.type not in QUESTION_TYPES]
    if odd:
        return odd
    match leaf:
        case Compare(op, Ref() as left, Ref() as right):
            return _pair_errors(op, left.id, right.id, shape_of)
        case Compare(op, Ref(qid), Literal(value)) | Compare(op, Literal(value), Ref(qid)):
            return _compare_errors(op, qid, _shape(shape_of, qid), value)
        case In(Ref(qid), values):
            return _in_errors(qid, _shape(shape_of, qid), values)
        case Contains(Ref(qid), value):
            return _contains_errors(qid, _shape(shape_of, qid), value)
    return []  # answered() suits every type


def _shape(shape_of: ShapeOf, qid: str) -> QuestionShape:
    shape = shape_of(qid)
    assert shape is not None  # unknown questions were reported before this is called
    return shape


def _compare_errors(op: str, qid: str, shape: QuestionShape, value: str | float) -> list[str]:
    kind = shape.type
    if kind == "evidence":
        return [_only_answered(qid)]
    if kind == "multi_choice":
        test = f"{qid} contains {_literal_source(value)}" if isinstance(value, str) \
            else f"{qid} contains 'option'"
        suggestion = f"not {test}" if op == "!=" else test
        return [f"question '{qid}' is multi_choice, so '{op}' cannot test it; write {suggestion}"]
    if op in ORDER_OPERATORS and kind not in ("number", "date"):
        return [f"'{op}' is for number and date questions, but question '{qid}' is {kind}; "
                "use == or !="]
    if kind in _OPTION_TYPES:
        return _option_errors(qid, shape, (value,))
    if kind == "number" and isinstance(value, str):
        return [f"question '{qid}' is a number, so compare it with a number without quotes, not "
                f"the string {_string_source(value)}"]
    if kind == "date":
        return _date_errors(qid, value)
    if kind == "text" and not isinstance(value, str):
        return [f"question '{qid}' is text, so compare it with a string in quotes, not the "
                f"number {_number_source(value)}"]
    return []


def _option_errors(qid: str, shape: QuestionShape, values: tuple[str | float, ...]) -> list[str]:
    options = ", ".join(sorted(shape.option_ids)) or "none"
    errors = []
    for value in values:
        if not isinstance(value, str):
            errors.append(f"question '{qid}' is {shape.type}, so compare it with an option id in "
                          f"quotes, not the number {_number_source(value)} (options: {options})")
        elif value not in shape.option_ids:
            errors.append(f"{_string_source(value)} is not an option of question '{qid}' "
                          f"(options: {options})")
    return errors


def _date_errors(qid: str, value: str | float) -> list[str]:
    if not isinstance(value, str):
        return [f"question '{qid}' is a date, so compare it with a date in quotes like "
                f"'2025-12-31', not the number {_number_source(value)}"]
    if _as_date(value) is None:
        return [f"{_string_source(value)} is not a date of the form 'YYYY-MM-DD' (question "
                f"'{qid}' is a date)"]
    return []


def _in_errors(qid: str, shape: QuestionShape, values: tuple[str | float, ...]) -> list[str]:
    kind = shape.type
    if kind in _OPTION_TYPES:
        return _option_errors(qid, shape, values)
    if kind == "number":
        return [f"question '{qid}' is a number, so list numbers without quotes, not the string "
                f"{_string_source(v)}" for v in values if isinstance(v, str)]
    if kind == "multi_choice":
        return [f"question '{qid}' is multi_choice, so 'in' cannot test it; write "
                f"{qid} contains 'option' (joined with 'or' for several options)"]
    if kind == "evidence":
        return [_only_answered(qid)]
    return [f"'in' is for yes_no, single_choice and number questions, but question '{qid}' is "
            f"{kind}"]


def _contains_errors(qid: str, shape: QuestionShape, value: str) -> list[str]:
    if shape.type == "multi_choice":
        return _option_errors(qid, shape, (value,))
    if shape.type == "evidence":
        return [_only_answered(qid)]
    hint = f"; write {qid} == {_string_source(value)}" if shape.type in _OPTION_TYPES else ""
    return [f"'contains' is for multi_choice questions, but question '{qid}' is "
            f"{shape.type}{hint}"]


def _pair_errors(op: str, left: str, right: str, shape_of: ShapeOf) -> list[str]:
    kinds = _shape(shape_of, left).type, _shape(shape_of, right).type
    if kinds[0] != kinds[1] or kinds[0] not in _COMPARABLE_PAIR_TYPES:
        return [f"cannot compare question '{left}' ({kinds[0]}) with question '{right}' "
                f"({kinds[1]}); two questions compare only when both are number, date, yes_no "
                "or single_choice questions of the same type"]
    if op in ORDER_OPERATORS and kinds[0] in _OPTION_TYPES:
        return [f"'{op}' is for number and date questions, but questions '{left}' and '{right}' "
                f"are {kinds[0]}; use == or !="]
    return []


def _only_answered(qid: str) -> str:
    return f"question '{qid}' is an evidence question; only answered({qid}) can test it"
