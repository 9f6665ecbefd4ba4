"""A stored questionnaire snapshot, parsed: what every assessment page reads its questions from."""

from __future__ import annotations

from functools import lru_cache

from vendorrisk.assessments.models import QuestionnaireVersion
from vendorrisk.questionnaires import schema


def load_version(version: QuestionnaireVersion) -> schema.Questionnaire:
    return parsed(version.content_hash, version.source,
                            f"{version.questionnaire_key} {version.version}")


@lru_cache(maxsize=32)
def parsed(content_hash: str, source: str, name: str) -> schema.Questionnaire:
    # Parsing the full questionnaire takes ~170 ms and every partner page and autosave needs it;
    # a snapshot never changes (it is keyed by its hash) and Questionnaire is immutable.
    return schema.loads(source, name)
