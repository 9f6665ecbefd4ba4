"""Rendered reports, kept encrypted and keyed on their content, so an unchanged report is served
without rendering it again.

The key is the SHA-256 of the report's HTML together with the assets and renderer version
(``pdf.assets_digest``): any change in what the report shows (an answer, a verdict, today's NDA
standing, the reader's language) makes new HTML, hence a new key. The HTML carries no clock
time, only dates, so a report stays cached for the day. Each subject (one assessment, the
portfolio) keeps only its latest report: writing a new one deletes the others, so the cache
holds at most one PDF per subject, and ``forget`` removes a subject's reports (offboarding).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vendorrisk.storage import EncryptedFiles, Keyring, StorageError

SUBJECT = re.compile(r"[a-z]+(-[0-9]+)?")


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    cached: bool  # served from the cache, not rendered now


@dataclass(frozen=True)
class ReportCache:
    folder: Path
    keyring: Keyring
    fingerprint: str  # what every PDF depends on besides its HTML (pdf.assets_digest)

    def _files(self, subject: str) -> EncryptedFiles:
        if not SUBJECT.fullmatch(subject):
            raise ValueError(f"{subject!r} is not a report subject")
        return EncryptedFiles(Path(self.folder) / subject, self.keyring)

    def get(self, subject: str, html: str, render: Callable[[str], bytes]) -> Rendered:
        files = self._files(subject)
        name = hashlib.sha256(f"{self.fingerprint}\0{html}".encode()).hexdigest()
        try:
            return Rendered(files.read(name), cached=True)
        except FileNotFoundError:
            pass
        except StorageError:
            pass  # unreadable (e.g. its key retired): render it again, the new copy replaces it
        pdf = render(html)
        files.write(name, pdf)
        for older in [other for other in files.names() if other != name]:
            files.delete(older)
        return Rendered(pdf, cached=False)

    def forget(self, subject: str) -> None:
        files = self._files(subject)
        for name in list(files.names()):
            files.delete(name)
