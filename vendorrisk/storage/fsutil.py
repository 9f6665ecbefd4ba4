"""Small filesystem helpers shared by the keyring file and the encrypted files."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def locked(directory: Path) -> Iterator[int]:
    """An exclusive flock on ``directory``, and its descriptor for fsyncing renames and unlinks.
    Closing the descriptor releases the lock, also when the process dies."""
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield descriptor
    finally:
        os.close(descriptor)


def fsync_directory(directory: Path) -> None:
    """Make a rename or unlink in ``directory`` survive a crash."""
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
