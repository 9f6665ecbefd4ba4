"""The one source of "now", so tests can move time without sleeping.

Model defaults and services call ``now()``; a test swaps the source with ``use(...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def _system_time() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_time


def now() -> datetime:
    return _source()


def use(source: Callable[[], datetime] | None) -> None:
    """Replace the time source (None restores the system clock)."""
    global _source
    _source = source or _system_time
