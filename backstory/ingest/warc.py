"""Web archives (WARC, WARC.gz): the HTML pages they captured, by warcio."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from backstory.errors import ExtractionError

__all__ = ["WarcPage", "read_warc"]


@dataclass(frozen=True, slots=True)
class WarcPage:
    """A captured HTML response: its record number, URL, content type and body.

    `error` is set instead of a body when the record could not be read.
    """

    record: int
    url: str | None
    content_type: str
    body: bytes
    error: str | None = None


def read_warc(path: Path, *, source: str) -> Iterator[WarcPage]:
    """Yield every successful HTML response in the archive; other records are skipped.

    Records are numbered from 1 in archive order, counting every record (warcinfo,
    request, response…), so `file.warc.gz#N` names the Nth record.
    """
    try:
        with path.open("rb") as handle:
            number = pages = 0
            iterator = ArchiveIterator(handle, check_digests=False)
            while True:
                try:
                    record = next(iterator)
                except StopIteration:
                    if number == 0:
                        raise ExtractionError("no WARC records found: not a WARC file, or "
                                              "damaged at the start", source=source) from None
                    if pages == 0:
                        raise ExtractionError(f"the archive's {number} record(s) hold no HTML "
                                              "page", source=source) from None
                    return
                except Exception as exc:  # warcio fails in many ways on damaged input
                    # A damaged record ends what can be read of the archive; report it there.
                    yield WarcPage(number + 1, None, "", b"", error=f"unreadable WARC record "
                                                                 f"({type(exc).__name__}: {exc})")
                    return
                number += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                status = record.http_headers.get_statuscode()
                content_type = record.http_headers.get_header("Content-Type") or ""
                if status != "200" or "html" not in content_type.lower():
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                try:
                    body = record.content_stream().read()
                except (OSError, ValueError) as exc:
                    yield WarcPage(number, url, content_type, b"",
                                   error=f"cannot read the record body: {exc}")
                    continue
                pages += 1
                yield WarcPage(number, url, content_type, body)
    except ArchiveLoadFailed as exc:
        raise ExtractionError(f"not a readable WARC file: {exc}", source=source) from exc
