"""Encryption at rest for stored documents (evidence files, signed agreements) and values.

- ``keyring``: the master keys, from ``VENDORRISK_STORAGE_KEYS`` or the instance folder;
- ``crypto``: envelope encryption with AES-256-GCM, pure (the file format is documented there);
- ``files``: ``EncryptedFiles``, a folder of sealed files with atomic writes, deletion that
  overwrites, and ``reseal`` / ``rewrap_all`` for key rotation;
- ``datakeys``: a firm's data key, wrapped under a master key;
- ``fields``: sealed text values for database columns (the token format is documented there).

Nothing here imports Flask or the database: services and CLI commands build an
``EncryptedFiles`` from a folder in the app's config and ``keyring_for(app)``, and
``vendorrisk.keys`` adds the firms' keys and the sealed column type.
"""

from vendorrisk.storage.crypto import key_id_of, open_sealed, rewrap, seal
from vendorrisk.storage.errors import (
    InvalidNameError,
    KeyringError,
    MalformedFileError,
    StorageError,
    TamperedError,
    UnknownKeyError,
)
from vendorrisk.storage.files import EncryptedFiles, RewrapReport, keyring_for
from vendorrisk.storage.keyring import (
    Keyring,
    add_key_to_file,
    create_keyring_file,
    load_keyring,
    parse_keyring,
)

__all__ = [
    "EncryptedFiles",
    "InvalidNameError",
    "Keyring",
    "KeyringError",
    "MalformedFileError",
    "RewrapReport",
    "StorageError",
    "TamperedError",
    "UnknownKeyError",
    "add_key_to_file",
    "create_keyring_file",
    "key_id_of",
    "keyring_for",
    "load_keyring",
    "open_sealed",
    "parse_keyring",
    "rewrap",
    "seal",
]
