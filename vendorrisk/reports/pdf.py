"""HTML to PDF with WeasyPrint, in a child process that fetches nothing but the report's assets.

Reports carry what partner firms wrote. Templates escape it, so an answer such as
``<img src="file:///etc/passwd">`` is printed as text; the renderer is the second wall, in case
an escape is ever missed:

- **No fetching.** ``AssetFetcher`` serves only the bundled files named in ``ASSETS``, under the
  ``vendorrisk-asset:`` scheme, from memory. Every other URL (``file:``, ``http(s):``,
  ``data:``, relative ones) is refused before anything is opened, so there is no network and no
  redirect to follow, and nothing is attached to the PDF.
- **A time and memory limit.** Rendering runs in a child process forked from a server process
  that has WeasyPrint loaded (multiprocessing's forkserver: no threads are forked, and each
  render starts warm). A render past ``timeout`` seconds is killed and reported as
  ``ReportTimeout``; the child's address space is capped, so a pathological document fails
  instead of starving the portal.

Fonts come from the system's fontconfig: Chinese text needs a CJK font such as Debian's
``fonts-noto-cjk`` (``.ci/run`` installs it).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import resource
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from vendorrisk.errors import DomainError

ASSET_SCHEME = "vendorrisk-asset:"
STATIC = Path(__file__).resolve().parent.parent.parent / "static"
# Bundled files a report may load, by the name templates use after the scheme.
ASSETS: Mapping[str, tuple[Path, str]] = {
    "report.css": (STATIC / "css" / "report.css", "text/css"),
}
CHILD_ADDRESS_SPACE = 4 * 1024**3  # bytes; CJK fonts and a long report fit well within this


class ReportError(DomainError):
    status_code = 503


class ReportTimeout(ReportError):
    pass


@cache
def _asset_bytes() -> dict[str, bytes]:
    return {name: path.read_bytes() for name, (path, _) in ASSETS.items()}


@cache
def assets_digest() -> str:
    """What the rendered PDF depends on besides its HTML: the assets and the engine's version.
    Computed once per process, from the installed version: the web process never imports
    WeasyPrint, which only the renderer's children need."""
    digest = hashlib.sha256(metadata.version("weasyprint").encode())
    for name, data in sorted(_asset_bytes().items()):
        digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):  # type: ignore[misc] - WeasyPrint ships no type hints
        """Serves ``vendorrisk-asset:<name>`` from memory; refuses every other URL."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            name = url.removeprefix(ASSET_SCHEME) if url.startswith(ASSET_SCHEME) else None
            if name not in ASSETS:
                raise ValueError(f"reports load only their bundled assets, not {url[:80]!r}")
            return URLFetcherResponse(url, _asset_bytes()[name],
                                      {"Content-Type": ASSETS[name][1]})

    return AssetFetcher(allowed_protocols=(), allow_redirects=False)


def render_in_process(html: str) -> bytes:
    """The PDF of ``html``, rendered here and now, with the restrictive fetcher (no time limit:
    ``render`` adds it). Used by the child process and by the benchmark's baseline."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()


def _child(html: str, channel: Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))
    try:
        channel.send(("pdf", render_in_process(html)))
    except MemoryError:
        channel.send(("error", "the report needed more memory than a report may use"))
    except Exception as error:  # any failure inside WeasyPrint is reported, never raised there
        channel.send(("error", f"{type(error).__name__}: {str(error)[:300]}"))
    finally:
        channel.close()


@cache
def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", __name__])
    return context


def render(html: str, timeout: float) -> bytes:
    """The PDF of ``html``; raises ReportTimeout past ``timeout`` seconds, ReportError if the
    renderer fails. The message says what happened in the user's terms."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(html, sender), daemon=True)
    child.start()
    sender.close()  # only the child writes; a dead child then reads as end of file
    try:
        if not receiver.poll(timeout):
            raise ReportTimeout(f"The report took longer than {timeout:g} seconds to produce and "
                                "was stopped. Try again later; if it keeps happening, tell an "
                                "administrator.")
        kind, payload = receiver.recv()
    except EOFError:
        raise ReportError("The report could not be produced: the renderer stopped "
                          f"unexpectedly (exit code {child.exitcode}).") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind != "pdf":
        raise ReportError(f"The report could not be produced ({payload}).")
    return payload
