"""Import a Google VSAQ questionnaire (github.com/google/vsaq) into our YAML format.

Pure domain code: VSAQ text in, our YAML text plus a list of notes out. Everything that cannot be
carried over exactly is reported as an `ImportNote`; nothing is dropped silently. The result is
checked with `schema.loads` before it is returned, so the caller never gets an invalid file.

Reading the input
-----------------
VSAQ's published files are JavaScript-flavoured JSON: they start with ``//`` licence comments and
build long texts with ``"..." + "..."``. Both are accepted, as are ``/* */`` comments, single-quoted
strings and trailing commas. The file must be an object with a ``questionnaire`` list; VSAQ wraps
everything in one root block, whose text becomes the title unless ``title`` is given.

Mapping
-------
=============================  ===================================================================
VSAQ                           our format
=============================  ===================================================================
root block (the single         questionnaire title (unless ``title=`` is given); its child blocks
top-level block)               become the sections
block holding only blocks      not a section of its own: its child blocks are the sections, their
(and info/spacer)              titles prefixed with its text ("Application: HTTPS ..."); its info
                               texts go into the description of the next section
any other block                a section: block id -> section id (lowercase, other characters ->
                               '-'), block text -> title
block nested in a section      flattened into that section, in order; its text is put at the head
                               of the help of its first question; its ``cond`` is and-ed into the
                               show_if of every question inside it
``yesno``                      ``yes_no``; non-default ``yes``/``no`` labels become the texts of
                               the two options ``yes`` (score 100) and ``no`` (score 0)
``check`` on its own           ``yes_no`` (ticked = yes)
``radiogroup`` / ``radio``     ``single_choice``; each choice an option (id from the choice id,
run outside a group            score 50); consecutive loose radios form one question
``checkgroup``                 ``multi_choice``; each choice an option with score 50
group with a single choice     ``yes_no`` whose text is the choice (a one-option choice question
                               is not allowed); the group text goes into the help
``defaultChoice: true``        an extra option ``none-of-the-above`` ("None of the above.", score
                               50; ``exclusive`` on multi_choice)
``line`` / ``box``             ``text`` (``line`` with ``inputType`` number/date: ``number`` /
                               ``date``); ``placeholder`` -> "Example: ..." in the help
``upload``                     ``evidence``
``tip`` with ``why``           ``text`` question: text = the ``why`` prompt, help = the tip (with
                               its warning name and severity), show_if = the tip's ``cond``
``tip`` without ``why``        help of the preceding question in the section (VSAQ tips comment on
                               the answer just given, e.g. "You shouldn't click the box above"), or
                               of the next one when none precedes, or the section description
``info``                       help of the next question in the section, or the section
                               description when none follows; an info right before a group that
                               has no text of its own, or before loose radios, becomes that
                               question's text
``spacer``                     ignored (layout only), no note
unknown item type              its text goes to the help of the next question; nested ``items``
                               are imported as if it were a block; a note
``required``                   ``required``; everything else gets ``required: false``
``cond``                       ``show_if`` (below)
ids                            lowercase; characters other than a-z, 0-9, '_' and '-' -> '-';
                               at least one letter and never a condition keyword; clashes get
                               -2, -3 ... Items without an id get one from the common prefix of
                               their choice ids, else ``<section>-<n>``
HTML in texts                  plain text: paragraphs and <br> become line breaks, <li> "- ",
                               links "text (url)", entities decoded
=============================  ===================================================================

Scores: VSAQ has none. Every scored question keeps the default weight 1, yes/no questions score
yes 100 / no 0, evidence 100 when attached, and every choice option a neutral 50. One note says
so; the scoring has to be reviewed before the questionnaire is used.

Conditions
----------
VSAQ evaluates ``!``, ``&&``, ``||`` and parentheses strictly left to right (``a || b && c`` is
``(a || b) && c``); the translation keeps that grouping. A reference means:

- a ``yesno`` id (or ``id/yes``): ``q == 'yes'``; ``id/no``: ``q == 'no'``
- a radio choice id: ``group == 'choice'``; a check choice id: ``group contains 'choice'``
- a standalone ``check`` id: ``q == 'yes'``; a radiogroup/checkgroup id: ``answered(group)``
- ``id/value`` of a line, box, upload or tip: ``answered(q)``
- ``^id`` (visible): the translated visibility of that item, inlined; ``false``: false

A condition that refers to a later or unknown item, to the item itself, to something that is not
a question, or that uses strings or ``matches()``/``contains()``, cannot be expressed: it is
dropped (the question stays visible whenever its enclosing blocks are) and a note names the item
and the original ``cond``. Block conditions are translated once per block and dropped the same way.

Notes
-----
One summary note that scores and weights are defaults. Then, per item: a dropped condition (with
the reason); a bare yes/no reference read as ``/yes``; a condition that is never true; a warning
tip (imported as a text question, or kept in help); a conditional tip or info whose text is now
always shown; a generated id (item or section block) and an id clash; a single-choice group turned
into yes/no; a group without text; ``defaultChoice``; ``choicesConds``; loose radios; an unknown
item type; ignored fields; ``inputType``/``inputPattern``/``maxlength``; ``auth``,
``vsaq-invisible`` and ``default``; a block without questions; items outside any block.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import yaml

from vendorrisk.questionnaires import conditions, schema
from vendorrisk.questionnaires.conditions import (
    And,
    Answered,
    Compare,
    Contains,
    Literal,
    Node,
    Not,
    Or,
    Ref,
)

__all__ = ["ImportNote", "ImportResult", "VsaqImportError", "import_vsaq"]


@dataclass(frozen=True)
class ImportNote:
    """Something that could not be mapped exactly, reported, never silently dropped."""

    path: str  # where in the VSAQ JSON, e.g. "questionnaire[0].items[5] (id 'app_encryption')"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    yaml_text: str  # our format, ready to write to questionnaires/<id>.yaml
    notes: tuple[ImportNote, ...]
    question_count: int


class VsaqImportError(ValueError):
    """The input is not a VSAQ questionnaire (or, never expected, the result would be invalid)."""


NEUTRAL_SCORE = 50
DEFAULT_CHOICE_TEXT = "None of the above."  # what VSAQ appends for defaultChoice: true
SCORING_NOTE = (
    "VSAQ has no scores or weights: every scored question keeps the default weight 1, yes/no "
    "questions score yes 100 / no 0, evidence 100 when a file is attached, and every choice "
    f"option scores a neutral {NEUTRAL_SCORE}. Review the scoring before using this "
    "questionnaire.")

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_QUESTION_TYPES = frozenset({"yesno", "check", "radiogroup", "checkgroup", "radio", "line", "box",
                             "upload"})
_GROUP_TYPES = frozenset({"radiogroup", "checkgroup"})
_COMMON_FIELDS = frozenset({"type", "id", "cond", "text", "className", "auth", "default"})
_FIELDS: dict[str, frozenset[str]] = {
    "block": frozenset({"items"}),
    "info": frozenset(),
    "spacer": frozenset(),
    "tip": frozenset({"warn", "severity", "name", "why", "todo", "customTitle"}),
    "yesno": frozenset({"yes", "no", "required"}),
    "check": frozenset({"required"}),
    "radio": frozenset({"required"}),
    "radiogroup": frozenset({"choices", "choicesConds", "defaultChoice", "required"}),
    "checkgroup": frozenset({"choices", "choicesConds", "defaultChoice", "required"}),
    "line": frozenset({"inputType", "placeholder", "inputPattern", "inputTitle", "required",
                       "maxlength"}),
    "box": frozenset({"placeholder", "inputPattern", "inputTitle", "required", "maxlength"}),
    "upload": frozenset({"required"}),
}
_STRING_FIELDS = ("id", "cond", "text", "why", "name", "severity", "todo", "customTitle",
                  "placeholder", "inputType", "inputPattern", "inputTitle", "yes", "no", "auth",
                  "className")


def import_vsaq(source: str | bytes, *, questionnaire_id: str, version: str = "1.0.0",
                title: str | None = None, language: str = "en") -> ImportResult:
    """Convert a VSAQ questionnaire; raise VsaqImportError when the input is not one."""
    if not _SLUG.match(questionnaire_id or ""):
        raise VsaqImportError(f"questionnaire id '{questionnaire_id}' is not valid: use a-z, 0-9 "
                              "and '-', starting with a letter or digit")
    if not version or not version.strip():
        raise VsaqImportError("the version must not be empty")
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*", language or ""):
        raise VsaqImportError(f"'{language}' is not a language code such as 'en' or 'zh'")
    document = _read_document(source)
    importer = _Importer()
    sections, default_title = importer.run(document)
    doc: dict[str, Any] = {
        "id": questionnaire_id,
        "version": version,
        "languages": [language],
        "title": (title or "").strip() or default_title or questionnaire_id,
        "sections": sections,
    }
    yaml_text = _HEADER + yaml.dump(_quoted(doc), Dumper=_Dumper, sort_keys=False,
                                    allow_unicode=True, default_flow_style=False,
                                    width=_NO_FOLDING)
    try:
        loaded = schema.loads(yaml_text, f"{questionnaire_id}.yaml")
    except schema.QuestionnaireError as error:
        problems = "\n".join(f"  {problem}" for problem in error.problems)
        raise VsaqImportError("the importer produced a file that does not validate (a bug in "
                              f"the importer, please report it):\n{problems}") from error
    return ImportResult(yaml_text, tuple(importer.notes), len(loaded.questions))


_NO_FOLDING = 1_000_000  # one line per string: easier to review and to diff
_HEADER = ("# Imported from a VSAQ questionnaire. VSAQ has no scores or weights, so those are\n"
           "# defaults: review them, and the importer's notes, before using this file.\n")


# --- reading VSAQ's JavaScript-flavoured JSON ---------------------------------------------------

def _read_document(source: str | bytes) -> dict[str, Any]:
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise VsaqImportError(f"not a VSAQ file: not UTF-8 text ({error.reason} at byte "
                                  f"{error.start})") from error
    elif isinstance(source, str):
        text = source.removeprefix("\ufeff")
    else:
        raise VsaqImportError(f"expected the text of a VSAQ file, got {type(source).__name__}")
    if not text.strip():
        raise VsaqImportError("not a VSAQ file: it is empty")
    try:
        document = json.loads(_strict_json(text))
    except json.JSONDecodeError as error:
        raise VsaqImportError(f"not a VSAQ file: not valid JSON at line {error.lineno}, column "
                              f"{error.colno}: {error.msg}") from error
    except RecursionError as error:
        raise VsaqImportError("not a VSAQ file: nested too deeply") from error
    if not isinstance(document, dict):
        raise VsaqImportError("not a VSAQ file: expected a JSON object with a 'questionnaire' "
                              f"list, found {_json_kind(document)}")
    if "questionnaire" not in document:
        if "extensions" in document:
            raise VsaqImportError("this is a VSAQ template extension ('extensions'), not a "
                                  "questionnaire: import the base questionnaire it extends")
        raise VsaqImportError("not a VSAQ file: the JSON object has no 'questionnaire' list "
                              f"(it has: {', '.join(sorted(map(str, document))) or 'nothing'})")
    if not isinstance(document["questionnaire"], list):
        raise VsaqImportError("not a VSAQ file: 'questionnaire' must be a list of items, found "
                              f"{_json_kind(document['questionnaire'])}")
    if not document["questionnaire"]:
        raise VsaqImportError("the VSAQ questionnaire is empty: 'questionnaire' has no items")
    _check_shape(document["questionnaire"], "questionnaire")
    return document


def _json_kind(value: object) -> str:
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "true/false",
             int: "a number", float: "a number", type(None): "null"}
    return kinds.get(type(value), type(value).__name__)


def _strict_json(text: str) -> str:
    """Rewrite comments, string concatenation, single quotes and trailing commas as strict JSON.

    Line breaks are kept, so json's line numbers still point at the original text.
    """
    out: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char in "\"'":
            start = index
            value, index = _string_literal(text, index)
            while True:  # "a" + "b" + ...
                after = _skip_blank(text, index)
                if after < length and text[after] == "+":
                    following = _skip_blank(text, after + 1)
                    if following < length and text[following] in "\"'":
                        more, index = _string_literal(text, following)
                        value += more
                        continue
                break
            out.append(json.dumps(value, ensure_ascii=False))
            out.append("\n" * text.count("\n", start, index))
        elif text.startswith("//", index):
            end = text.find("\n", index)
            index = length if end < 0 else end
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            if end < 0:
                raise VsaqImportError(f"not a VSAQ file: the comment opened on line "
                                      f"{_line(text, index)} is never closed")
            out.append("\n" * text.count("\n", index, end))
            index = end + 2
        elif char == ",":
            after = _skip_blank(text, index + 1)
            if not (after < length and text[after] in "]}"):  # drop trailing commas
                out.append(char)
            index += 1
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _skip_blank(text: str, index: int) -> int:
    """The index of the next character that is neither whitespace nor inside a comment."""
    while index < len(text):
        if text[index].isspace():
            index += 1
        elif text.startswith("//", index):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            if end < 0:
                return len(text)
            index = end + 2
        else:
            break
    return index


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _string_literal(text: str, start: int) -> tuple[str, int]:
    """A JavaScript string literal at `start`: its value and the index after its closing quote."""
    quote = text[start]
    chars: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == quote:
            return _join_surrogates("".join(chars)), index + 1
        if char == "\n":
            break
        if char == "\\" and index + 1 < len(text):
            escaped = text[index + 1]
            index += 2
            if escaped in _ESCAPES:
                chars.append(_ESCAPES[escaped])
            elif escaped in "ux":
                width = 4 if escaped == "u" else 2
                digits = text[index:index + width]
                if not re.fullmatch(rf"[0-9a-fA-F]{{{width}}}", digits):
                    raise VsaqImportError(f"not a VSAQ file: bad \\{escaped} escape in the string "
                                          f"on line {_line(text, start)}")
                chars.append(chr(int(digits, 16)))
                index += width
            elif escaped == "\n":
                pass  # a line continuation
            else:
                chars.append(escaped)
            continue
        chars.append(char)
        index += 1
    raise VsaqImportError(f"not a VSAQ file: the string on line {_line(text, start)} is never "
                          "closed")


def _join_surrogates(value: str) -> str:
    if not any("\ud800" <= char <= "\udfff" for char in value):
        return value
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _check_shape(items: object, path: str) -> None:
    """Reject input whose structure is not VSAQ's, naming the first wrong place."""
    if not isinstance(items, list):
        raise VsaqImportError(f"not a VSAQ file: {path} must be a list of items, found "
                              f"{_json_kind(items)}")
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            raise VsaqImportError(f"not a VSAQ file: {where} must be an object with a 'type', "
                                  f"found {_json_kind(item)}")
        if not isinstance(item.get("type"), str) or not item["type"].strip():
            raise VsaqImportError(f"not a VSAQ file: {where} has no 'type'")
        for key in _STRING_FIELDS:
            if key in item and not isinstance(item[key], str | type(None)):
                raise VsaqImportError(f"not a VSAQ file: {where}.{key} must be a string, found "
                                      f"{_json_kind(item[key])}")
        if item["type"] == "block" and "items" not in item:
            raise VsaqImportError(f"not a VSAQ file: {where} is a block without 'items'")
        if "items" in item:
            _check_shape(item["items"], f"{where}.items")
        for key in ("choices", "choicesConds"):
            if key in item and item[key] is not None:
                _check_choices(item[key], f"{where}.{key}")


def _check_choices(choices: object, path: str) -> None:
    if not isinstance(choices, list):
        raise VsaqImportError(f"not a VSAQ file: {path} must be a list, found "
                              f"{_json_kind(choices)}")
    for index, choice in enumerate(choices):
        if not (isinstance(choice, dict) and len(choice) == 1
                and isinstance(next(iter(choice.values())), str)):
            raise VsaqImportError(f"not a VSAQ file: {path}[{index}] must be an object with "
                                  'exactly one entry, {"choice_id": "text"}')


# --- plain text from VSAQ's HTML ----------------------------------------------------------------

_BREAK = "\x00"  # stands for a paragraph break while the text is collected
_BLOCK_TAGS = frozenset({"p", "div", "ul", "ol", "table", "tr", "blockquote", "pre", "h1", "h2",
                         "h3", "h4", "h5", "h6", "hr", "dl"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append(_BREAK)
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("dt", "dd"):
            self.parts.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(_BREAK)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            if href and href.strip() and not href.strip().lower().startswith(
                    ("javascript:", "#")) and href.strip() not in label:
                self.parts.append(f" ({href.strip()})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(value: object) -> str:
    """VSAQ's HTML text as plain text (links kept as "text (url)"); '' for nothing."""
    if not isinstance(value, str) or not value.strip():
        return ""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts).replace("\r\n", "\n").replace("\xa0", " ")
    paragraphs = []
    for paragraph in text.split(_BREAK):
        lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in paragraph.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


# --- VSAQ conditions ----------------------------------------------------------------------------

class _Unmappable(Exception):
    """A condition (or part of one) that show_if cannot express; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_COND_TOKEN = re.compile(r'\s*(?:(&&|\|\||[!(),&|])|("(?:[^"\\]|\\.)*")|([^\s()!&|,"]+))')


def _tokenize_cond(source: str) -> list[str]:
    tokens: list[str] = []
    index = 0
    while index < len(source):
        if source[index:].strip() == "":
            break
        match = _COND_TOKEN.match(source, index)
        if match is None:
            raise _Unmappable("it is not a valid VSAQ condition")
        token = match.group(1) or match.group(2) or match.group(3)
        if token in ("&", "|"):
            raise _Unmappable(f"it uses a single '{token}', which VSAQ rejects")
        tokens.append(token)
        index = match.end()
    return tokens


# A VSAQ condition tree: ("ref", name) | ("not", t) | ("&&", a, b) | ("||", a, b) | ("str", s)
# | ("call", name)
_Tree = tuple[Any, ...]


class _CondParser:
    """VSAQ's grammar: '!' binds to the next operand; '&&' and '||' are applied left to right."""

    def __init__(self, source: str) -> None:
        self.tokens = _tokenize_cond(source)
        self.index = 0

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _Unmappable("it ends too early")
        self.index += 1
        return token

    def parse(self) -> _Tree | None:
        if not self.tokens:
            return None
        tree = self.sequence()
        if self.peek() is not None:
            raise _Unmappable(f"it has an unexpected '{self.peek()}'")
        return tree

    def sequence(self) -> _Tree:
        tree = self.unary()
        while self.peek() in ("&&", "||"):
            operator = self.take()
            tree = (operator, tree, self.unary())
        return tree

    def unary(self) -> _Tree:
        if self.peek() == "!":
            self.take()
            return ("not", self.unary())
        return self.primary()

    def primary(self) -> _Tree:
        word = self.take()
        if word == "(":
            tree = self.sequence()
            if self.take() != ")":
                raise _Unmappable("a '(' is not closed")
            return tree
        if word.startswith('"'):
            return ("str", word)
        if word in ("&&", "||", ")", ",", "!"):
            raise _Unmappable(f"it has an unexpected '{word}'")
        if self.peek() == "(":  # matches(...), contains(...)
            depth = 0
            while True:
                part = self.take()
                depth += {"(": 1, ")": -1}.get(part, 0)
                if depth == 0:
                    break
            return ("call", word)
        return ("ref", word)


def _and(parts: Iterable[Node | bool]) -> Node | bool:
    operands: list[Node] = []
    for part in parts:
        if part is False:
            return False
        if part is True:
            continue
        operands.extend(part.operands if isinstance(part, And) else [part])
    if not operands:
        return True
    return operands[0] if len(operands) == 1 else And(tuple(operands))


def _or(parts: Iterable[Node | bool]) -> Node | bool:
    operands: list[Node] = []
    for part in parts:
        if part is True:
            return True
        if part is False:
            continue
        operands.extend(part.operands if isinstance(part, Or) else [part])
    if not operands:
        return False
    return operands[0] if len(operands) == 1 else Or(tuple(operands))


def _not(part: Node | bool) -> Node | bool:
    return (not part) if isinstance(part, bool) else Not(part)


@dataclass(frozen=True)
class _Target:
    """How a condition tests a VSAQ id that has already been imported."""

    kind: str  # yesno, check, choice, multichoice, group, value, none
    question: str = ""
    option: str = ""
    what: str = ""  # the VSAQ item type, for messages


@dataclass(frozen=True)
class _Visibility:
    node: Node | bool
    exact: bool


# --- the import ---------------------------------------------------------------------------------

@dataclass
class _Pending:
    text: str
    path: str
    note: str | None = None  # completed by appending where the text went


@dataclass
class _Section:
    id: str
    title: str
    questions: list[dict[str, Any]] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    last_question: dict[str, Any] | None = None  # the last one that is not a tip's clarification


@dataclass
class _Context:
    """Where the walk is: the conditions of the enclosing blocks."""

    parts: tuple[Node | bool, ...] = ()
    exact: bool = True

    def visibility(self, own: Node | bool = True, own_exact: bool = True) -> _Visibility:
        return _Visibility(_and((*self.parts, own)), self.exact and own_exact)


class _Importer:
    def __init__(self) -> None:
        self.notes: list[ImportNote] = []
        self.all_ids: dict[str, str] = {}  # every VSAQ id in the file -> its item type
        self.reserved: set[str] = set()  # explicit question ids, so generated ones avoid them
        self.question_ids: set[str] = set()
        self.seen_ids: set[str] = set()  # VSAQ ids of the questions imported so far
        self.section_ids: set[str] = set()
        self.targets: dict[str, _Target] = {}
        self.visibility: dict[str, _Visibility] = {}
        self.sections: list[_Section] = []
        self.section_intro: list[_Pending] = []  # waiting for the next section's description
        self.scored = False
        self.last_visibility = _Visibility(True, True)
        self.remarks: list[str] = []  # said about a condition that was translated

    # -- driving --------------------------------------------------------------------------------

    def run(self, document: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
        top = [(item, f"questionnaire[{i}]") for i, item in enumerate(document["questionnaire"])]
        self._index_ids(top)
        extra = sorted(set(document) - {"questionnaire", "version"})
        if extra:
            self.note("(file)", f"ignored top-level field(s) {', '.join(map(repr, extra))}")
        default_title = ""
        blocks = [(item, path) for item, path in top if item["type"] == "block"]
        if len(top) == 1 and blocks:
            root, path = blocks[0]
            default_title = plain_text(root.get("text"))
            context = self._enter_block(root, path, _Context())
            children = _children(root, path)
            if _is_wrapper(children):
                self._plan(children, context, prefix="")
            else:
                self._section(root, path, children, context, prefix="")
        elif _is_wrapper(top):
            self._plan(top, _Context(), prefix="")
        else:
            self._section(None, "questionnaire", top, _Context(), prefix="")
        if not self.sections:
            raise VsaqImportError("the VSAQ questionnaire has no questions to import (only "
                                  "blocks, texts and tips)")
        if self.section_intro:  # texts after the last section
            last = self.sections[-1]
            last.pending = self.section_intro
            self._settle(last)
        if self.scored:
            self.notes.insert(0, ImportNote("questionnaire", SCORING_NOTE))
        return [self._section_dict(section) for section in self.sections], default_title

    def note(self, path: str, message: str) -> None:
        self.notes.append(ImportNote(path, message))

    def _index_ids(self, items: list[tuple[dict[str, Any], str]]) -> None:
        for item, _path in _walk_all(items):
            vsaq_id = item.get("id")
            if isinstance(vsaq_id, str) and vsaq_id.strip():
                self.all_ids.setdefault(vsaq_id, item["type"])
                question_like = item["type"] in _QUESTION_TYPES or (
                    item["type"] == "tip" and plain_text(item.get("why")))
                if question_like and item["type"] != "radio":
                    self.reserved.add(_id_like(vsaq_id))
            for choice_id, _ in _choices(item.get("choices")):
                self.all_ids.setdefault(choice_id, "radio" if item["type"] == "radiogroup"
                                        else "check")

    def _plan(self, items: list[tuple[dict[str, Any], str]], context: _Context,
              prefix: str) -> None:
        """A block that holds only blocks: each child block is a section (or another wrapper)."""
        for item, path in items:
            if item["type"] == "info":
                self._check_fields(item, path)
                self._record_non_question(item, context)
                note = (f"this text is shown in VSAQ only when `{item['cond']}`; it now always "
                        "shows, in ") if item.get("cond") else None
                if text := plain_text(item.get("text")):
                    self.section_intro.append(_Pending(text, _where(item, path), note))
                continue
            if item["type"] != "block":
                continue  # spacer
            inner = self._enter_block(item, path, context)
            children = _children(item, path)
            title = _join_title(prefix, plain_text(item.get("text")))
            if _is_wrapper(children):
                self._plan(children, inner, title)
            else:
                self._section(item, path, children, inner, prefix)

    def _section(self, block: dict[str, Any] | None, path: str,
                 items: list[tuple[dict[str, Any], str]], context: _Context,
                 prefix: str) -> None:
        title = _join_title(prefix, plain_text(block.get("text")) if block else "")
        notes_before = len(self.notes)
        section_id = self._section_id(block, path, title)
        section = _Section(section_id, title or section_id)
        if block is None:
            self.note(path, f"items outside any block were put into section '{section_id}'")
        id_note = self.notes[-1] if len(self.notes) > notes_before else None
        intro, self.section_intro = self.section_intro, []
        self._walk(items, context, section)
        if not section.questions:
            self.section_ids.discard(section_id)
            if id_note is not None:  # there is no section whose id would need explaining
                self.notes.remove(id_note)
            where = _where(block, path) if block else path
            moved = [_Pending(title, where, "this block has no questions, so it is not a "
                              "section: its title and texts were moved to ")
                     ] if title or section.pending else []
            self.section_intro = intro + moved + section.pending
            return
        section.pending = intro + section.pending
        self._settle(section)
        self.sections.append(section)

    def _settle(self, section: _Section) -> None:
        """Put the texts no question took into the section's description (first, the intro)."""
        target = f"the description of section '{section.id}'"
        for pending in section.pending:
            section.description.append(pending.text)
            if pending.note:
                self.note(pending.path, f"{pending.note}{target}")
        section.pending = []

    # -- walking a section ----------------------------------------------------------------------

    def _walk(self, items: list[tuple[dict[str, Any], str]], context: _Context,
              section: _Section) -> None:
        index = 0
        while index < len(items):
            item, path = items[index]
            kind = item["type"]
            if kind == "radio":
                run = [items[index]]
                while index + 1 < len(items) and items[index + 1][0]["type"] == "radio":
                    index += 1
                    run.append(items[index])
                self._loose_radios(run, context, section)
            elif kind == "block":
                inner = self._enter_block(item, path, context)
                if heading := plain_text(item.get("text")):
                    section.pending.append(_Pending(heading, path))
                self._walk(_children(item, path), inner, section)
            elif kind == "info":
                following = items[index + 1][0] if index + 1 < len(items) else None
                self._info(item, path, context, section, following)
            elif kind == "tip":
                self._tip(item, path, context, section)
            elif kind == "spacer":
                self._check_fields(item, path)
            elif kind in _QUESTION_TYPES:
                self._question(item, path, context, section)
            else:
                self._unknown(item, path, context, section)
            index += 1

    def _enter_block(self, block: dict[str, Any], path: str, context: _Context) -> _Context:
        self._check_fields(block, path)
        own, exact = self._condition(block, _where(block, path), own_ids=set(),
                                     dropped="its questions no longer depend on it")
        inner = _Context((*context.parts, own), context.exact and exact)
        if isinstance(block.get("id"), str):
            self.visibility.setdefault(block["id"], inner.visibility())
            self.targets.setdefault(block["id"], _Target("none", what="block"))
        return inner

    def _info(self, item: dict[str, Any], path: str, context: _Context, section: _Section,
              following: dict[str, Any] | None) -> None:
        self._check_fields(item, path)
        self._record_non_question(item, context)
        text = plain_text(item.get("text"))
        if not text:
            return
        if following is not None and not item.get("cond") and (
                following["type"] == "radio"  # a radio's own text is its option's label
                or (following["type"] in _GROUP_TYPES and not plain_text(following.get("text"))
                    and len(_choices(following.get("choices"))) >= 2)):
            following["_vsaq_question_text"] = text  # this info is the group's question
            return
        note = None
        if item.get("cond"):
            note = (f"this text is shown in VSAQ only when `{item['cond']}`; it now always shows, "
                    "in ")
        section.pending.append(_Pending(text, _where(item, path), note))

    def _tip(self, item: dict[str, Any], path: str, context: _Context,
             section: _Section) -> None:
        self._check_fields(item, path)
        where = _where(item, path)
        body = _tip_help(item)
        why = plain_text(item.get("why"))
        warn = str(item.get("warn") or "").strip().lower() == "yes"
        if why:
            question = self._add_question(
                item, path, context, section, qtype="text", text=why, help_parts=[body],
                generated_from=[], is_clarification=True)
            if warn:
                severity = plain_text(item.get("severity")) or "unspecified"
                self.note(where, f"VSAQ flags this as a warning (severity {severity}); our "
                          "format has no warnings, so it is imported as the optional text "
                          f"question '{question['id']}' with the warning in its help and does "
                          "not affect the score")
            return
        self._record_non_question(item, context)
        if not body:
            return
        reasons = []
        if warn:
            severity = plain_text(item.get("severity")) or "unspecified"
            reasons.append(f"VSAQ flags it as a warning (severity {severity}), which our format "
                           "does not have")
        if item.get("cond"):
            reasons.append(f"VSAQ shows it only when `{item['cond']}`, but help is always shown")
        note = ("; ".join(reasons) + ": its text is kept in ") if reasons else None
        if section.last_question is not None:
            _append_help(section.last_question, body)
            if note:
                self.note(where, f"{note}the help of question '{section.last_question['id']}'")
        else:
            section.pending.append(_Pending(body, where, note))

    def _unknown(self, item: dict[str, Any], path: str, context: _Context,
                 section: _Section) -> None:
        where = _where(item, path)
        text = plain_text(item.get("text"))
        nested = isinstance(item.get("items"), list) and item["items"]
        parts = [f"unknown item type '{item['type']}'"]
        if text:
            parts.append("its text is kept as help (next question or section description)")
            section.pending.append(_Pending(text, where))
        if nested:
            parts.append("its nested items are imported as if it were a block")
        if not text and not nested:
            parts.append("it has no text or items to import")
        self.note(where, "; ".join(parts))
        self._record_non_question(item, context)
        if nested:
            inner = self._enter_block(item, path, context)
            self._walk(_children(item, path), inner, section)

    # -- questions ------------------------------------------------------------------------------

    def _question(self, item: dict[str, Any], path: str, context: _Context,
                  section: _Section) -> None:
        self._check_fields(item, path)
        kind = item["type"]
        if kind in _GROUP_TYPES:
            self._group(item, path, context, section)
            return
        where = _where(item, path)
        text = plain_text(item.get("text"))
        help_parts: list[str] = []
        if kind in ("line", "box"):
            qtype = "text"
            input_type = (item.get("inputType") or "").strip().lower()
            if kind == "line" and input_type in ("number", "date"):
                qtype = input_type
            elif input_type and input_type != "text":
                self.note(where, f"inputType '{input_type}' is not checked by our format: the "
                          "answer is free text")
            if placeholder := plain_text(item.get("placeholder")):
                help_parts.append(f"Example: {placeholder}")
            limits = [key for key in ("inputPattern", "inputTitle", "maxlength") if item.get(key)]
            if limits:
                self.note(where, f"input validation ({', '.join(limits)}) is not carried over: "
                          "our text questions accept any answer")
        elif kind == "upload":
            qtype = "evidence"
        else:  # yesno, check
            qtype = "yes_no"
        options = None
        if kind == "yesno":
            yes, no = plain_text(item.get("yes")), plain_text(item.get("no"))
            if (yes and yes.lower() != "yes") or (no and no.lower() != "no"):
                options = [{"id": "yes", "text": yes or "Yes", "score": 100},
                           {"id": "no", "text": no or "No", "score": 0}]
        self._add_question(item, path, context, section, qtype=qtype, text=text,
                           help_parts=help_parts, options=options, generated_from=[])

    def _group(self, item: dict[str, Any], path: str, context: _Context,
               section: _Section) -> None:
        where = _where(item, path)
        kind = item["type"]
        multi = kind == "checkgroup"
        choices = _choices(item.get("choices"))
        text = item.pop("_vsaq_question_text", "") or plain_text(item.get("text"))
        if item.get("choicesConds"):
            listed = ", ".join(f"{cid}: `{cond}`" for cid, cond in _choices(item["choicesConds"]))
            self.note(where, f"conditions on single choices (choicesConds) cannot be expressed: "
                      f"those options are always offered ({listed})")
        if not choices:
            self.note(where, f"this {kind} has no choices, so there is nothing to ask: skipped")
            self._record_non_question(item, context)
            return
        if len(choices) == 1 and not _truthy(item.get("defaultChoice")):
            choice_id, choice_text = choices[0]
            help_parts = [text] if text else []
            question = self._add_question(
                item, path, context, section, qtype="yes_no",
                text=plain_text(choice_text) or text, help_parts=help_parts,
                generated_from=[choice_id])
            self.note(where, f"this {kind} has a single choice ('{choice_id}'), and a choice "
                      "question needs two: imported as the yes/no question "
                      f"'{question['id']}' (yes = the choice is selected)")
            self.targets.setdefault(choice_id, _Target("yesno", question["id"], what=kind))
            self.visibility.setdefault(choice_id, self.last_visibility)
            return
        if not text:
            text = "Select all that apply." if multi else "Select one."
            self.note(where, f"this {_label(item)} has no question text: used '{text}'")
        options: list[dict[str, Any]] = []
        option_ids: set[str] = set()
        mapping: list[tuple[str, str]] = []
        for number, (choice_id, choice_text) in enumerate(choices, start=1):
            wanted = _id_like(choice_id)
            option_id = _unique(wanted or f"option-{number}", option_ids)
            if option_id != wanted:
                self.note(f"{path}.choices[{number - 1}] (id '{choice_id}')", (
                    f"option id '{wanted}' is used twice in this question"
                    if wanted else f"the choice id '{choice_id}' has no usable characters")
                    + f": this option is '{option_id}'")
            option_ids.add(option_id)
            options.append({"id": option_id, "text": plain_text(choice_text) or choice_id,
                            "score": NEUTRAL_SCORE})
            mapping.append((choice_id, option_id))
        if _truthy(item.get("defaultChoice")):
            option_id = _unique("none-of-the-above", option_ids)
            extra: dict[str, Any] = {"id": option_id, "text": DEFAULT_CHOICE_TEXT,
                                     "score": NEUTRAL_SCORE}
            if multi:
                extra["exclusive"] = True
            options.append(extra)
            self.note(where, f"defaultChoice: added the option '{option_id}' "
                      f"(\"{DEFAULT_CHOICE_TEXT}\"); VSAQ gives it a random id, so no condition "
                      "can refer to it")
        question = self._add_question(
            item, path, context, section, qtype="multi_choice" if multi else "single_choice",
            text=text, help_parts=[], options=options,
            generated_from=[choice_id for choice_id, _ in choices])
        for choice_id, option_id in mapping:
            target = _Target("multichoice" if multi else "choice", question["id"], option_id,
                             "check" if multi else "radio")
            self.targets.setdefault(choice_id, target)
            self.visibility.setdefault(choice_id, self.last_visibility)
        if isinstance(item.get("id"), str):
            self.targets.setdefault(item["id"], _Target("group", question["id"], what=kind))

    def _loose_radios(self, run: list[tuple[dict[str, Any], str]], context: _Context,
                      section: _Section) -> None:
        """Radios directly in a block: VSAQ makes all of them one group."""
        first, path = run[0]
        for item, item_path in run:
            self._check_fields(item, item_path)
        as_group = {
            "type": "radiogroup",
            "_vsaq_label": "run of radio buttons",
            "text": first.pop("_vsaq_question_text", ""),
            "choices": [{str(item.get("id") or f"choice-{n}"): item.get("text") or ""}
                        for n, (item, _) in enumerate(run, start=1)],
        }
        conds = [item.get("cond") for item, _ in run if item.get("cond")]
        before = len(section.questions)
        self._group(as_group, path, context, section)
        if len(section.questions) > before:
            self.note(path, f"{len(run)} radio button(s) outside a radiogroup were imported as "
                      f"the question '{section.questions[-1]['id']}'" + (
                          f"; their own conditions were dropped "
                          f"({', '.join(f'`{c}`' for c in conds)})" if conds else ""))

    def _add_question(self, item: dict[str, Any], path: str, context: _Context,
                      section: _Section, *, qtype: str, text: str, help_parts: list[str],
                      generated_from: list[str], options: list[dict[str, Any]] | None = None,
                      is_clarification: bool = False) -> dict[str, Any]:
        where = _where(item, path)
        question_id = self._question_id(item, path, section, generated_from)
        own_ids = {item["id"]} if isinstance(item.get("id"), str) else set()
        own_ids.update(choice_id for choice_id, _ in _choices(item.get("choices")))
        own, own_exact = self._condition(item, where, own_ids, dropped=None)
        visibility = context.visibility(own, own_exact)
        if not text:
            text = f"(no question text in VSAQ: {item.get('id') or question_id})"
            self.note(where, f"this {item['type']} has no text: used '{text}'")
        pending_parts = []
        for pending in section.pending:
            pending_parts.append(pending.text)
            if pending.note:
                self.note(pending.path, f"{pending.note}the help of question '{question_id}'")
        section.pending = []
        question: dict[str, Any] = {"id": question_id, "type": qtype, "text": text}
        help_text = "\n\n".join(part for part in (*pending_parts, *help_parts) if part)
        if help_text:
            question["help"] = help_text
        question["required"] = _truthy(item.get("required"))
        if visibility.node is False:
            self.note(where, "the conditions around this question can never be true in VSAQ "
                      "(it is never shown there); imported without a condition")
        elif visibility.node is not True:
            question["show_if"] = conditions.to_source(visibility.node)
        if options is not None:
            question["options"] = options
        if qtype in schema.SCORED_TYPES:
            self.scored = True
        section.questions.append(question)
        if not is_clarification:
            section.last_question = question
        if isinstance(item.get("id"), str):
            self.visibility.setdefault(item["id"], visibility)
            kinds = {"yesno": "yesno", "check": "check", "line": "value", "box": "value",
                     "upload": "value", "tip": "value"}
            if item["type"] in kinds:
                self.targets.setdefault(item["id"], _Target(kinds[item["type"]], question_id,
                                                            what=item["type"]))
        self.last_visibility = visibility
        return question

    def _record_non_question(self, item: dict[str, Any], context: _Context) -> None:
        if not isinstance(item.get("id"), str):
            return
        own_ids = {item["id"]}
        try:
            own = self._translate(item.get("cond") or "", own_ids)
            exact = True
        except _Unmappable:
            own, exact = True, False
        self.visibility.setdefault(item["id"], context.visibility(own, exact))
        self.targets.setdefault(item["id"], _Target("none", what=item["type"]))

    def _auth_notes(self, item: dict[str, Any], where: str) -> None:
        if item.get("auth") == "readonly":
            self.note(where, "VSAQ makes this answer read-only ('auth: readonly'); here it can "
                      "be answered")
        if "default" in item:
            self.note(where, f"the default answer {json.dumps(item['default'])} is not carried "
                      "over: the question starts unanswered")

    def _check_fields(self, item: dict[str, Any], path: str) -> None:
        where = _where(item, path)
        known = _COMMON_FIELDS | _FIELDS.get(item["type"], frozenset())
        unknown = sorted(key for key in item if key not in known and not key.startswith("_vsaq"))
        if unknown:
            self.note(where, f"ignored field(s) {', '.join(map(repr, unknown))}, which have no "
                      "equivalent")
        if item.get("auth") == "admin":
            self.note(where, "VSAQ shows this only to administrators ('auth: admin'); here "
                      "everyone sees it")
        if item.get("className") == "vsaq-invisible":
            self.note(where, "VSAQ hides this ('className: vsaq-invisible'); here it is shown")
        self._auth_notes(item, where)

    # -- ids ------------------------------------------------------------------------------------

    def _question_id(self, item: dict[str, Any], path: str, section: _Section,
                     generated_from: list[str]) -> str:
        where = _where(item, path)
        vsaq_id = item.get("id")
        if isinstance(vsaq_id, str) and vsaq_id.strip():
            wanted = _id_like(vsaq_id)
            question_id = _unique(wanted, self.question_ids)
            if question_id != wanted:
                duplicate = vsaq_id in self.seen_ids
                self.note(where, f"the id '{vsaq_id}' becomes '{wanted}', which an earlier "
                          f"question already has: this question is '{question_id}'" + (
                              f" (VSAQ rejects duplicate ids; conditions that refer to "
                              f"'{vsaq_id}' mean the first one)" if duplicate else ""))
            self.seen_ids.add(vsaq_id)
        else:
            prefix = _common_prefix([_id_like(choice) for choice in generated_from])
            base = prefix or f"{section.id}-{len(section.questions) + 1}"
            question_id = _unique(base, self.question_ids | self.reserved)
            if "_vsaq_label" not in item:  # a run of radios is reported by its caller
                self.note(where, f"this {item['type']} has no id: it was given the id "
                          f"'{question_id}'")
        self.question_ids.add(question_id)
        return question_id

    def _section_id(self, block: dict[str, Any] | None, path: str, title: str) -> str:
        block_id = block.get("id") if block else None
        if isinstance(block_id, str) and _slug(block_id):
            wanted = _slug(block_id)
        else:
            wanted = _slug(title) or f"section-{len(self.sections) + 1}"
            if block is not None:
                self.note(_where(block, path), f"this block has no id: its section was given "
                          f"the id '{_unique(wanted, self.section_ids)}'")
        section_id = _unique(wanted, self.section_ids)
        if section_id != wanted and isinstance(block_id, str) and _slug(block_id):
            self.note(_where(block, path), f"section id '{wanted}' is already used: this "
                      f"section is '{section_id}'")
        self.section_ids.add(section_id)
        return section_id

    # -- conditions -----------------------------------------------------------------------------

    def _condition(self, item: dict[str, Any], where: str, own_ids: set[str],
                   dropped: str | None) -> tuple[Node | bool, bool]:
        cond = item.get("cond")
        if not cond or not cond.strip():
            return True, True
        self.remarks = []
        try:
            translated = self._translate(cond, own_ids)
        except _Unmappable as problem:
            consequence = dropped or "the question is shown whenever its blocks are"
            self.note(where, f"the condition `{cond}` cannot be expressed ({problem.reason}): "
                      f"it was dropped, so {consequence}")
            return True, False
        for remark in dict.fromkeys(self.remarks):
            self.note(where, f"in the condition `{cond}`, {remark}")
        return translated, True

    def _translate(self, cond: str, own_ids: set[str]) -> Node | bool:
        tree = _CondParser(cond).parse()
        return True if tree is None else self._node(tree, own_ids)

    def _node(self, tree: _Tree, own_ids: set[str]) -> Node | bool:
        kind = tree[0]
        if kind == "not":
            return _not(self._node(tree[1], own_ids))
        if kind == "&&":
            return _and([self._node(tree[1], own_ids), self._node(tree[2], own_ids)])
        if kind == "||":
            return _or([self._node(tree[1], own_ids), self._node(tree[2], own_ids)])
        if kind == "str":
            raise _Unmappable(f"it uses the string {tree[1]}, which show_if cannot test here")
        if kind == "call":
            raise _Unmappable(f"it calls {tree[1]}(), which show_if does not have")
        return self._reference(tree[1], own_ids)

    def _reference(self, word: str, own_ids: set[str]) -> Node | bool:
        if word == "false":
            return False
        visible = word.startswith("^")
        name = word[1:] if visible else word
        suffix = ""
        for ending in ("/yes", "/no", "/value"):
            if name.endswith(ending):
                name, suffix = name[: -len(ending)], ending
                break
        if name in own_ids:
            raise _Unmappable(f"it refers to '{name}', which is this item itself")
        if visible:
            seen = self.visibility.get(name)
            if seen is None:
                raise self._missing(name)
            if not seen.exact:
                raise _Unmappable(f"it tests whether '{name}' is visible, and that item's own "
                                  "condition could not be expressed")
            return seen.node
        target = self.targets.get(name)
        if target is None:
            raise self._missing(name)
        if target.kind == "yesno":
            if suffix == "/value":
                return Answered(Ref(target.question))
            if not suffix and target.what == "yesno":
                self.remarks.append(f"the bare yes/no id '{name}' was read as '{name}/yes' (VSAQ "
                                    "itself reads a bare yes/no id as false)")
            return Compare("==", Ref(target.question), Literal("no" if suffix == "/no"
                                                               else "yes"))
        if target.kind == "check":  # VSAQ reads a checkbox as ticked whatever the suffix
            return Compare("==", Ref(target.question), Literal("yes"))
        if target.kind == "choice":
            return Compare("==", Ref(target.question), Literal(target.option))
        if target.kind == "multichoice":
            return Contains(Ref(target.question), target.option)
        if target.kind == "group":
            return Answered(Ref(target.question))
        if target.kind == "value":
            if suffix == "/value":
                return Answered(Ref(target.question))
            raise _Unmappable(f"it refers to the {target.what} '{name}' without '/value', "
                              "which VSAQ always reads as false")
        raise _Unmappable(f"it refers to '{name}' ({target.what}), which is not a question")

    def _missing(self, name: str) -> _Unmappable:
        if name in self.all_ids:
            return _Unmappable(f"it refers to '{name}', which comes later; a condition may only "
                               "use earlier questions")
        return _Unmappable(f"it refers to '{name}', which is not an item in this file")

    # -- output ---------------------------------------------------------------------------------

    def _section_dict(self, section: _Section) -> dict[str, Any]:
        result: dict[str, Any] = {"id": section.id, "title": section.title}
        description = "\n\n".join(text for text in section.description if text)
        if description:
            result["description"] = description
        order = ("id", "type", "text", "help", "required", "show_if", "options")
        result["questions"] = [{key: question[key] for key in order if key in question}
                               for question in section.questions]
        return result


# --- small helpers ------------------------------------------------------------------------------

def _walk_all(items: list[tuple[dict[str, Any], str]]
              ) -> Iterator[tuple[dict[str, Any], str]]:
    for item, path in items:
        yield item, path
        if isinstance(item.get("items"), list):
            yield from _walk_all(_children(item, path))


def _children(item: dict[str, Any], path: str) -> list[tuple[dict[str, Any], str]]:
    return [(child, f"{path}.items[{i}]") for i, child in enumerate(item.get("items") or [])]


def _is_wrapper(items: list[tuple[dict[str, Any], str]]) -> bool:
    """Only blocks (plus texts and spacers): the blocks are sections, not this container."""
    kinds = [item["type"] for item, _ in items]
    return "block" in kinds and all(kind in ("block", "spacer", "info") for kind in kinds)


def _choices(value: object) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        return []
    return [next(iter(choice.items())) for choice in value
            if isinstance(choice, dict) and len(choice) == 1]


def _where(item: dict[str, Any] | None, path: str) -> str:
    if item is None:
        return path
    if isinstance(item.get("id"), str) and item["id"].strip():
        return f"{path} (id '{item['id']}')"
    return f"{path} ({item.get('_vsaq_label') or item.get('type', 'item')})"


def _label(item: dict[str, Any]) -> str:
    return str(item.get("_vsaq_label") or item["type"])


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return value is True or (isinstance(value, int | float) and value != 0)


def _append_help(question: dict[str, Any], text: str) -> None:
    question["help"] = f"{question['help']}\n\n{text}" if question.get("help") else text


def _tip_help(item: dict[str, Any]) -> str:
    warn = str(item.get("warn") or "").strip().lower() == "yes"
    heading = plain_text(item.get("customTitle"))
    name = plain_text(item.get("name"))
    if warn:
        severity = plain_text(item.get("severity"))
        label = f"Warning ({severity})" if severity else "Warning"
        heading = f"{heading or label}: {name}" if name else (heading or label)
    elif name and not heading:
        heading = name
    parts = [heading, plain_text(item.get("text"))]
    if todo := plain_text(item.get("todo")):
        parts.append(f"To do: {todo}")
    return "\n\n".join(part for part in parts if part)


def _join_title(prefix: str, title: str) -> str:
    return f"{prefix}: {title}" if prefix and title else (prefix or title)


def _id_like(raw: str) -> str:
    """A VSAQ id as a question or option id: lowercase, a-z 0-9 _ -, one letter, no keyword."""
    text = re.sub(r"[^a-z0-9_-]", "-", raw.strip().lower())
    text = re.sub(r"-{2,}", "-", text).strip("-_")
    if not text:
        return ""
    if not re.search(r"[a-z]", text) or text in conditions.KEYWORDS:
        text = f"q-{text}"
    return text


def _slug(raw: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", raw.strip().lower()).strip("-")
    return text[:60].rstrip("-")


def _common_prefix(ids: list[str]) -> str:
    ids = [i for i in ids if i]
    if not ids:
        return ""
    prefix = ids[0]
    for other in ids[1:]:
        while not other.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix.rstrip("_-")
    if len(prefix) < 3 or not re.search(r"[a-z]", prefix) or prefix in conditions.KEYWORDS:
        return ""
    return prefix


def _unique(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


class _Quoted(str):
    """A string value that is always written in double quotes."""

    __slots__ = ()


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_quoted(dumper: yaml.SafeDumper, data: _Quoted) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style='"')


_Dumper.add_representer(_Quoted, _represent_quoted)


def _quoted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _quoted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_quoted(item) for item in value]
    if isinstance(value, str):
        return _Quoted(value)
    return value
