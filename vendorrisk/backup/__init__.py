"""Backups of the whole portal: the database and every folder of stored documents, in one
encrypted file.

- ``stream``: the file's encryption (AES-256-GCM in authenticated chunks; format documented
  there), pure;
- ``archive``: what is inside (a tar stream of members and a manifest of their digests), pure;
- ``databases``: consistent dumps and restores of SQLite and PostgreSQL;
- ``service``: create, verify and restore, with staging, the worker's lock and the audit log;
- ``cli``: ``flask --app vendorrisk backup ...``.
"""
