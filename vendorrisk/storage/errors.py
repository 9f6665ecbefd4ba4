"""What can go wrong with stored files and their keys. Messages name files and key ids, never key
material, so they are safe to log and to show an administrator."""

from __future__ import annotations


class StorageError(Exception):
    """A stored file or the keyring cannot be used; the message says why."""


class KeyringError(StorageError):
    """The storage keys are missing or badly configured."""


class UnknownKeyError(StorageError):
    """A file was sealed under a master key that the keyring does not hold (any more)."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"the storage keyring has no key {key_id!r}: the file was sealed under a "
                         "key that is not configured (or was retired and removed)")
        self.key_id = key_id


class MalformedFileError(StorageError):
    """Not a sealed file, a format version this code does not read, or cut short in its header."""


class TamperedError(StorageError):
    """Authentication failed: the bytes were altered or cut short, or belong to another name."""


class InvalidNameError(StorageError):
    """A storage name that is not one: names are lowercase hex, so they cannot leave the folder."""


class MalformedValueError(StorageError):
    """A database value that should be sealed is not a token this code reads."""
