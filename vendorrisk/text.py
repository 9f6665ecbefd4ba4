"""The one check for free text that people type: trimmed, present when required, bounded."""

from __future__ import annotations

from vendorrisk.errors import DomainError

MAX_TEXT = 5_000


def clean_text(value: str | None, *, missing: str | None, too_long: str,
               limit: int = MAX_TEXT) -> str:
    """``value`` trimmed. Raises DomainError with ``missing`` when it is empty and required
    (``missing`` not None), and with ``too_long`` (which may use ``{limit}``) past ``limit``."""
    value = (value or "").strip()
    if missing is not None and not value:
        raise DomainError(missing)
    if len(value) > limit:
        raise DomainError(too_long.format(limit=f"{limit:,}"))
    return value
