"""Small but valid one-page PDFs for the demo's evidence files.

The demo attaches evidence the way a partner would, through the upload check that reads the
content, so each file is a real PDF that opens in any viewer and shows what it stands for. The
bytes depend only on the text: the same document attached again in a later cycle is identical and
counts as unchanged.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence

_WRAP = 90  # characters per line of 11 pt Helvetica on A4 with 2.5 cm margins


def _pdf_text(text: str) -> str:
    """The standard Helvetica font has no CJK glyphs: keep the ASCII rendering, escaped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(title: str, lines: Sequence[str]) -> bytes:
    wrapped = [part for line in lines for part in textwrap.wrap(line, _WRAP) or [""]]
    body = [f"BT /F1 16 Tf 72 770 Td ({_pdf_text(title)}) Tj", "/F1 11 Tf 0 -30 Td"]
    body += [f"({_pdf_text(line)}) Tj 0 -16 Td" for line in wrapped]
    body.append("ET")
    return "\n".join(body).encode("ascii")


def document(title: str, lines: Sequence[str]) -> bytes:
    """A one-page A4 PDF with a title and lines of text (wrapped)."""
    content = _content(title, lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
