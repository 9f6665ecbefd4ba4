"""``SealedText``: a text column stored encrypted (``vendorrisk.storage.fields``), transparently.

The models read and write plain ``str``; the column holds a token sealed under the active master
key. The keyring comes from the engine the value travels through (``use_keyring``, called by
``create_app``), read afresh for each value like ``keyring_for``, so the keys never sit in a
model, a config or a module global.

A sealed column cannot be searched or compared in SQL (each encryption is different), so any
attempt raises at once instead of silently matching nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.types import TypeDecorator

from vendorrisk.storage.errors import KeyringError
from vendorrisk.storage.fields import open_text, seal_text
from vendorrisk.storage.keyring import Keyring

_KEYRINGS: WeakKeyDictionary[Dialect, Callable[[], Keyring]] = WeakKeyDictionary()


def use_keyring(engine: Engine, keyring: Callable[[], Keyring]) -> None:
    """Seal and open the sealed columns of ``engine``'s rows with ``keyring()``."""
    _KEYRINGS[engine.dialect] = keyring


def _keyring(dialect: Dialect) -> Keyring:
    try:
        return _KEYRINGS[dialect]()
    except KeyError:
        raise KeyringError("this database engine has no storage keyring for its encrypted "
                           "columns (build it with create_app)") from None


class SealedText(TypeDecorator[str]):
    """Text encrypted at rest; ``purpose`` ("table.column") binds each value to its column."""

    impl = Text
    cache_ok = True

    class Comparator(TypeDecorator.Comparator[str]):
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            raise TypeError("an encrypted column cannot be searched, compared or sorted in SQL")

    comparator_factory = Comparator

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal_text(_keyring(dialect), self.purpose, value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else open_text(_keyring(dialect), self.purpose, value)
