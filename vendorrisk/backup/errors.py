"""What can go wrong with a backup. Each error is one line for the operator, and its ``code`` is
what the audit log records (never a path's contents or anything personal)."""

from __future__ import annotations

from vendorrisk.errors import DomainError


class BackupError(DomainError):
    """A backup could not be made, checked or restored; the message says why."""

    code = "failed"


class NotABackupError(BackupError):
    code = "not_a_backup"


class WrongKeyError(BackupError):
    """The keyring cannot open the backup's data key."""

    code = "wrong_key"


class DamagedBackupError(BackupError):
    """Authentication or a digest failed: the file was altered, cut short, or reordered."""

    code = "damaged"


class RestoreRefusedError(BackupError):
    """The backup is sound but cannot be restored here now (worker running, newer schema...)."""

    code = "refused"


class ToolError(BackupError):
    """pg_dump, pg_restore or psql is missing or failed."""

    code = "tool_failed"


def first_line(error: Exception) -> str:
    """The first line of an error from a library (SQLAlchemy's run on with the statement)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
