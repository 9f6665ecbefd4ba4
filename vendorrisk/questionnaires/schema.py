"""Load and validate questionnaire files (the format is documented in questionnaires/README.md).

Pure domain code: YAML text in, immutable dataclasses or a list of precise problems out. The file
is read from PyYAML's node tree rather than its Python objects, so every value keeps its line and
YAML's implicit typing (``no`` becoming False, ``1.10`` becoming 1.1) is caught and reported
instead of being silently accepted.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vendorrisk.questionnaires import conditions
from vendorrisk.questionnaires.conditions import ConditionError, QuestionShape

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A letter somewhere, so a condition never reads the id as a number.
QUESTION_ID = re.compile(r"^(?=[a-z0-9_-]*[a-z])[a-z0-9][a-z0-9_-]*$")
OPTION_TYPES = frozenset({"yes_no", "single_choice", "multi_choice"})
SCORED_TYPES = OPTION_TYPES | {"evidence"}
QUESTION_TYPES = SCORED_TYPES | {"text", "number", "date"}
FRAMEWORKS = MappingProxyType({
    "iso27001": "ISO/IEC 27001:2022 Annex A",
    "nist_csf": "NIST CSF 2.0",
    "gdpr": "GDPR",
    "pipl": "PIPL",
})
# Defaults of the file's `scoring:` block: the per-questionnaire parameters of the scoring method
# (questionnaires/README.md, "Scoring"). They live here rather than in scoring.py because the
# loader applies them and scoring.py imports this module, not the other way round. The keys are
# the names of the Questionnaire fields they fill.
SCORING_DEFAULTS: Mapping[str, float] = MappingProxyType({
    "critical_fail_below": 50.0,  # a critical question scoring under this fails on its own
    "critical_cap": 40.0,  # the overall score of a questionnaire with a failed critical question
    "missing_evidence_penalty": 50.0,  # percent taken off a claim whose required proof is missing
})

_YAML_TYPE_NAMES = {
    "tag:yaml.org,2002:bool": "a true/false value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}
_STR = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # 1-based
    question: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        about = f" [{self.question}]" if self.question else ""
        return f"{where}:{about} {self.message}"


class QuestionnaireError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Option:
    id: str
    text: Mapping[str, str]
    score: float
    exclusive: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    section_id: str
    type: str
    text: Mapping[str, str]
    help: Mapping[str, str] | None = None
    weight: float = 0.0
    required: bool = True
    critical: bool = False
    requires_evidence: bool = False
    allow_na: bool = False
    show_if: str | None = None
    condition: conditions.Node | None = None
    frameworks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None

    @property
    def scored(self) -> bool:
        return self.type in SCORED_TYPES and self.weight > 0

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: Mapping[str, str]
    weight: float
    questions: tuple[Question, ...]
    description: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    languages: tuple[str, ...]
    title: Mapping[str, str]
    sections: tuple[Section, ...]
    content_hash: str  # SHA-256 of the file's bytes: the identity of this exact version
    description: Mapping[str, str] | None = None
    # Answering it shows the firm details of the client data it will handle, so it is sent only
    # to firms with a signed NDA in force (the REQUIRE_NDA_FOR_QUESTIONNAIRES setting).
    requires_nda: bool = False
    critical_fail_below: float = SCORING_DEFAULTS["critical_fail_below"]
    critical_cap: float = SCORING_DEFAULTS["critical_cap"]
    missing_evidence_penalty: float = SCORING_DEFAULTS["missing_evidence_penalty"]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def yes_no_options() -> tuple[Option, ...]:
    return (Option("yes", {"en": "Yes", "zh": "是"}, 100.0),
            Option("no", {"en": "No", "zh": "否"}, 0.0))


# --- reading YAML nodes with their lines -------------------------------------------------------

class _Reader:
    """Turns YAML nodes into values, collecting every problem instead of stopping at the first."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ("en",)
        self.show_if_nodes: dict[str, Node] = {}  # so condition errors point at their own line

    def fail(self, node: Node | None, message: str, question: str | None = None) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.filename, line, question, message))

    def mapping(self, node: Node, what: str, allowed: Iterable[str], required: Iterable[str],
                question: str | None = None) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.fail(node, f"{what} must be a mapping of fields", question)
            return None
        fields_: dict[str, Node] = {}
        allowed = set(allowed)
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str) or key_node.tag != _STR:
                self.fail(key_node, f"{what}: field names must be plain words", question)
            elif key in fields_:
                self.fail(key_node, f"{what}: field '{key}' is given twice", question)
            elif key not in allowed:
                self.fail(key_node, f"{what}: unknown field '{key}' (allowed: "
                          f"{', '.join(sorted(allowed))})", question)
            else:
                fields_[key] = value_node
        for key in required:
            if key not in fields_:
                self.fail(node, f"{what}: missing field '{key}'", question)
        return fields_

    def sequence(self, node: Node, what: str, question: str | None = None) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.fail(node, f"{what} must be a list", question)
            return []
        return list(node.value)

    def string(self, node: Node, what: str, question: str | None = None) -> str | None:
        if isinstance(node, ScalarNode) and node.tag == _STR:
            if not node.value.strip():
                self.fail(node, f"{what} is empty", question)
                return None
            return node.value
        if isinstance(node, ScalarNode):
            kind = _YAML_TYPE_NAMES.get(node.tag, "something other than text")
            self.fail(node, f"{what}: `{node.value}` was read by YAML as {kind}; "
                      f"put it in quotes ('{node.value}') if you mean the text", question)
            return None
        self.fail(node, f"{what} must be text", question)
        return None

    def number(self, node: Node, what: str, question: str | None = None) -> float | None:
        if isinstance(node, ScalarNode) and node.tag in ("tag:yaml.org,2002:int",
                                                         "tag:yaml.org,2002:float"):
            try:
                return float(node.value.replace("_", ""))
            except ValueError:
                pass
        self.fail(node, f"{what} must be a number, not `{getattr(node, 'value', '...')}`",
                  question)
        return None

    def boolean(self, node: Node, what: str, question: str | None = None) -> bool | None:
        if isinstance(node, ScalarNode) and node.value in ("true", "false"):
            return node.value == "true"
        self.fail(node, f"{what} must be true or false, not `{getattr(node, 'value', '...')}`",
                  question)
        return None

    def text(self, node: Node, what: str, question: str | None = None) -> dict[str, str] | None:
        """A text in every language of the file (or a plain string in a one-language file)."""
        if isinstance(node, ScalarNode) and len(self.languages) == 1:
            value = self.string(node, what, question)
            return {self.languages[0]: value} if value is not None else None
        fields_ = self.mapping(node, what, self.languages, self.languages, question)
        if fields_ is None:
            return None
        texts = {lang: self.string(n, f"{what} ({lang})", question) for lang, n in fields_.items()}
        if any(value is None for value in texts.values()) or len(texts) < len(self.languages):
            return None
        return {lang: value for lang, value in texts.items() if value is not None}


# --- the questionnaire --------------------------------------------------------------------------

def _pattern_id(reader: _Reader, node: Node, what: str, pattern: re.Pattern[str],
                question: str | None = None) -> str | None:
    value = reader.string(node, what, question)
    if value is not None and not pattern.match(value):
        reader.fail(node, f"{what} `{value}` may use only a-z, 0-9 and '-'"
                    + (" or '_', with at least one letter," if pattern is QUESTION_ID else "")
                    + " and must start with a letter or digit", question)
        return None
    return value


def _options(reader: _Reader, node: Node, qid: str, qtype: str) -> tuple[Option, ...]:
    options: list[Option] = []
    seen: set[str] = set()
    for option_node in reader.sequence(node, "options", qid):
        allowed = {"id", "text", "score"} | ({"exclusive"} if qtype == "multi_choice" else set())
        fields_ = reader.mapping(option_node, "option", allowed, ("id", "text", "score"), qid)
        if fields_ is None:
            continue
        oid = _pattern_id(reader, fields_["id"], "option id", QUESTION_ID, qid) \
            if "id" in fields_ else None
        text = reader.text(fields_["text"], "option text", qid) if "text" in fields_ else None
        score = reader.number(fields_["score"], "option score", qid) if "score" in fields_ else None
        if score is not None and not 0 <= score <= 100:
            reader.fail(fields_["score"], f"option score must be from 0 to 100, not {score:g}", qid)
            score = None
        if oid is not None and oid in seen:
            reader.fail(fields_["id"], f"option id '{oid}' is used twice", qid)
            oid = None
        exclusive = (reader.boolean(fields_["exclusive"], "exclusive", qid)
                     if "exclusive" in fields_ else False)
        if oid is not None and text is not None and score is not None:
            seen.add(oid)
            options.append(Option(oid, MappingProxyType(text), score, bool(exclusive)))
    return tuple(options)


def _check_options(reader: _Reader, node: Node, qid: str, qtype: str,
                   options: tuple[Option, ...], given: bool) -> tuple[Option, ...]:
    if qtype == "yes_no":
        if not given:
            return yes_no_options()
        if sorted(o.id for o in options) != ["no", "yes"]:
            reader.fail(node, "a yes_no question's options must be exactly 'yes' and 'no'", qid)
        return options
    if qtype in OPTION_TYPES:
        # Count what was written, so an option with its own error is not reported twice.
        written = len(node.value) if isinstance(node, SequenceNode) else len(options)
        if written < 2 and given:
            reader.fail(node, f"a {qtype} question needs at least two options", qid)
        elif not given:
            reader.fail(node, f"a {qtype} question needs options", qid)
        return options
    if given:
        reader.fail(node, f"a {qtype} question has no options", qid)
    return ()


QUESTION_FIELDS = ("id", "type", "text", "help", "weight", "required", "critical",
                   "requires_evidence", "allow_na", "show_if", "frameworks", "options",
                   "min", "max", "unit")


def _frameworks(reader: _Reader, node: Node, qid: str) -> dict[str, tuple[str, ...]]:
    fields_ = reader.mapping(node, "frameworks", FRAMEWORKS, (), qid) or {}
    result: dict[str, tuple[str, ...]] = {}
    for key, list_node in fields_.items():
        ids = [reader.string(n, f"{key} control id", qid)
               for n in reader.sequence(list_node, f"frameworks.{key}", qid)]
        result[key] = tuple(i for i in ids if i is not None)
    return result


def _flag(reader: _Reader, fields_: dict[str, Node], name: str, default: bool, qid: str) -> bool:
    if name not in fields_:
        return default
    value = reader.boolean(fields_[name], name, qid)
    return default if value is None else value


def _question(reader: _Reader, node: Node, section_id: str) -> Question | None:
    fields_ = reader.mapping(node, "question", QUESTION_FIELDS, ("id", "type", "text"))
    if fields_ is None or "id" not in fields_:
        return None
    qid = _pattern_id(reader, fields_["id"], "question id", QUESTION_ID)
    if qid is None:
        return None
    qtype = reader.string(fields_["type"], "type", qid) if "type" in fields_ else None
    if qtype is not None and qtype not in QUESTION_TYPES:
        reader.fail(fields_["type"], f"unknown type '{qtype}' (one of: "
                    f"{', '.join(sorted(QUESTION_TYPES))})", qid)
        qtype = None
    text = reader.text(fields_["text"], "text", qid) if "text" in fields_ else None
    help_ = reader.text(fields_["help"], "help", qid) if "help" in fields_ else None
    if qtype is None:
        return None
    # A bad text is already reported; keep the question so its other fields (show_if, options,
    # id clashes) are checked too. The file fails to load either way.
    text = text or {}
    weight = 1.0 if qtype in SCORED_TYPES else 0.0
    if "weight" in fields_:
        if qtype not in SCORED_TYPES:
            reader.fail(fields_["weight"], f"a {qtype} question is not scored: remove its weight",
                        qid)
        else:
            value = reader.number(fields_["weight"], "weight", qid)
            if value is not None and value < 0:
                reader.fail(fields_["weight"], "weight must be 0 or more", qid)
            elif value is not None:
                weight = value
    critical = _flag(reader, fields_, "critical", False, qid)
    if critical and qtype not in SCORED_TYPES:
        reader.fail(fields_["critical"], f"a {qtype} question is not scored, so it cannot be "
                    "critical", qid)
    elif critical and weight == 0:
        # The critical gate only judges questions that count in the score (README, "Scoring").
        reader.fail(fields_["critical"], "a question with weight 0 is not scored, so it cannot "
                    "be critical", qid)
    options = _check_options(reader, fields_.get("options", node), qid, qtype,
                             _options(reader, fields_["options"], qid, qtype)
                             if "options" in fields_ else (), "options" in fields_)
    number_limits = {key: reader.number(fields_[key], key, qid) for key in ("min", "max")
                     if key in fields_}
    if qtype != "number" and (number_limits or "unit" in fields_):
        reader.fail(node, "min, max and unit are for number questions only", qid)
    minimum, maximum = number_limits.get("min"), number_limits.get("max")
    if minimum is not None and maximum is not None and minimum > maximum:
        reader.fail(fields_["min"], "min is greater than max", qid)
    show_if = reader.string(fields_["show_if"], "show_if", qid) if "show_if" in fields_ else None
    condition = None
    if show_if is not None:
        reader.show_if_nodes.setdefault(qid, fields_["show_if"])
        try:
            condition = conditions.parse(show_if)
        except ConditionError as error:
            reader.fail(fields_["show_if"], f"show_if: {error}", qid)
    return Question(
        id=qid, section_id=section_id, type=qtype, text=MappingProxyType(text),
        help=MappingProxyType(help_) if help_ else None, weight=weight,
        required=_flag(reader, fields_, "required", True, qid), critical=critical,
        requires_evidence=_flag(reader, fields_, "requires_evidence", False, qid),
        allow_na=_flag(reader, fields_, "allow_na", False, qid), show_if=show_if,
        condition=condition,
        frameworks=MappingProxyType(_frameworks(reader, fields_["frameworks"], qid)
                                    if "frameworks" in fields_ else {}),
        options=options, minimum=minimum, maximum=maximum,
        unit=reader.string(fields_["unit"], "unit", qid) if "unit" in fields_ else None,
    )


def _section(reader: _Reader, node: Node) -> tuple[Section | None, list[tuple[Question, Node]]]:
    fields_ = reader.mapping(node, "section", ("id", "title", "description", "weight",
                                               "questions"), ("id", "title", "questions"))
    if fields_ is None or "id" not in fields_:
        return None, []
    sid = _pattern_id(reader, fields_["id"], "section id", SLUG)
    title = reader.text(fields_["title"], "section title") if "title" in fields_ else None
    description = (reader.text(fields_["description"], "section description")
                   if "description" in fields_ else None)
    weight = 1.0
    if "weight" in fields_:
        value = reader.number(fields_["weight"], "section weight")
        if value is not None and value <= 0:
            reader.fail(fields_["weight"], "section weight must be greater than 0")
        elif value is not None:
            weight = value
    question_nodes = reader.sequence(fields_["questions"], "questions") \
        if "questions" in fields_ else []
    if "questions" in fields_ and not question_nodes:
        reader.fail(fields_["questions"], f"section '{sid}' has no questions")
    questions = [(q, n) for n in question_nodes
                 if (q := _question(reader, n, sid or "")) is not None]
    if sid is None or title is None:
        return None, questions
    section = Section(sid, MappingProxyType(title), weight, tuple(q for q, _ in questions),
                      MappingProxyType(description) if description else None)
    return section, questions


def _check_cross_references(reader: _Reader, located: list[tuple[Question, Node]],
                            critical_fail_below: float) -> None:
    position: dict[str, int] = {}
    first_node: dict[str, Node] = {}
    for index, (question, node) in enumerate(located):
        if question.id in position:
            reader.fail(node, f"question id '{question.id}' is already used at line "
                        f"{first_node[question.id].start_mark.line + 1}", question.id)
            continue
        position[question.id] = index
        first_node[question.id] = node
    by_id = {q.id: q for q, _ in located}

    def shape_of(qid: str) -> QuestionShape | None:
        question = by_id.get(qid)
        if question is None:
            return None
        return QuestionShape(question.type, frozenset(o.id for o in question.options))

    for index, (question, node) in enumerate(located):
        if question.critical and question.options and \
                max(o.score for o in question.options) < critical_fail_below:
            reader.fail(node, "critical question can never pass: no option scores "
                        f"{critical_fail_below:g} or more", question.id)
        if question.condition is None:
            continue
        node = reader.show_if_nodes.get(question.id, node)
        for ref in conditions.references(question.condition):
            if ref == question.id:
                reader.fail(node, "show_if refers to the question itself", question.id)
            elif ref in position and position[ref] > index:
                reader.fail(node, f"show_if refers to '{ref}', which comes later; a condition "
                            "may only use earlier questions", question.id)
        for message in conditions.type_errors(question.condition, shape_of):
            reader.fail(node, f"show_if: {message}", question.id)


def _languages(reader: _Reader, node: Node) -> tuple[str, ...]:
    codes = [reader.string(n, "language code") for n in reader.sequence(node, "languages")]
    valid = tuple(c for c in codes if c is not None)
    if not valid:
        reader.fail(node, "languages must list at least one language code")
        return ("en",)
    if len(set(valid)) != len(valid):
        reader.fail(node, "a language is listed twice")
    return valid


def _scoring(reader: _Reader, node: Node) -> dict[str, float]:
    """The overrides in the file's `scoring:` block; each is a percentage, 0 to 100."""
    overrides: dict[str, float] = {}
    for key, value_node in (reader.mapping(node, "scoring", SCORING_DEFAULTS, ()) or {}).items():
        value = reader.number(value_node, key)
        if value is not None and not 0 <= value <= 100:
            reader.fail(value_node, f"{key} must be from 0 to 100, not {value:g}")
        elif value is not None:
            overrides[key] = value
    return overrides


def _parse_root(reader: _Reader, root: Node, content_hash: str) -> Questionnaire | None:
    fields_ = reader.mapping(root, "questionnaire", ("id", "version", "languages", "title",
                                                     "description", "requires_nda", "scoring",
                                                     "sections"),
                             ("id", "version", "languages", "title", "sections"))
    if fields_ is None:
        return None
    if "languages" in fields_:
        reader.languages = _languages(reader, fields_["languages"])
    qid = _pattern_id(reader, fields_["id"], "id", SLUG) if "id" in fields_ else None
    version = reader.string(fields_["version"], "version") if "version" in fields_ else None
    title = reader.text(fields_["title"], "title") if "title" in fields_ else None
    description = reader.text(fields_["description"], "description") \
        if "description" in fields_ else None
    scoring = {**SCORING_DEFAULTS,
               **(_scoring(reader, fields_["scoring"]) if "scoring" in fields_ else {})}
    sections: list[Section] = []
    located: list[tuple[Question, Node]] = []
    section_ids: set[str] = set()
    section_nodes = reader.sequence(fields_["sections"], "sections") if "sections" in fields_ \
        else []
    if "sections" in fields_ and not section_nodes:
        reader.fail(fields_["sections"], "a questionnaire needs at least one section")
    for node in section_nodes:
        section, questions = _section(reader, node)
        located.extend(questions)
        if section is not None and section.id in section_ids:
            reader.fail(node, f"section id '{section.id}' is used twice")
        elif section is not None:
            section_ids.add(section.id)
            sections.append(section)
    _check_cross_references(reader, located, scoring["critical_fail_below"])
    if reader.problems or qid is None or version is None or title is None:
        return None
    return Questionnaire(
        id=qid, version=version, languages=reader.languages, title=MappingProxyType(title),
        sections=tuple(sections), content_hash=content_hash,
        description=MappingProxyType(description) if description else None,
        requires_nda=_flag(reader, fields_, "requires_nda", False, ""),
        **scoring,
    )


def loads(source: str | bytes, filename: str = "<questionnaire>") -> Questionnaire:
    """Parse and validate; raise QuestionnaireError listing every problem found."""
    raw = source.encode("utf-8") if isinstance(source, str) else source
    reader = _Reader(filename)
    try:
        text = raw.decode("utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError as error:
        raise QuestionnaireError([Problem(filename, None, None,
                                          f"not UTF-8 text ({error.reason})")]) from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise QuestionnaireError([Problem(filename, line, None,
                                          f"not valid YAML: {error.problem}")]) from error
    except yaml.YAMLError as error:
        raise QuestionnaireError([Problem(filename, None, None,
                                          f"not valid YAML: {error}")]) from error
    if root is None:
        raise QuestionnaireError([Problem(filename, None, None, "the file is empty")])
    questionnaire = _parse_root(reader, root, hashlib.sha256(raw).hexdigest())
    if questionnaire is None:
        raise QuestionnaireError(reader.problems or [Problem(filename, None, None, "invalid")])
    return questionnaire


def load_file(path: Path, display_name: str | None = None) -> Questionnaire:
    name = display_name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise QuestionnaireError([Problem(name, None, None,
                                          f"cannot read the file: {error.strerror}")]) from error
    return loads(raw, name)


def check_files(paths: Iterable[Path], name_of: Callable[[Path], str] = str,
                ) -> tuple[list[Questionnaire], list[Problem]]:
    """Load every file; also refuse two files that claim the same questionnaire id."""
    loaded: list[Questionnaire] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            questionnaire = load_file(path, name_of(path))
        except QuestionnaireError as error:
            problems.extend(error.problems)
            continue
        if questionnaire.id in seen:
            problems.append(Problem(name_of(path), None, None,
                                    f"questionnaire id '{questionnaire.id}' is also used by "
                                    f"{seen[questionnaire.id]}"))
            continue
        seen[questionnaire.id] = name_of(path)
        loaded.append(questionnaire)
    return loaded, problems

