"""Fetching pages and feeds over HTTP(S) with timeouts, a redirect cap and a size cap."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from backstory.config import Settings
from backstory.errors import FetchError

__all__ = ["Fetched", "Fetcher"]

LOGGER = logging.getLogger(__name__)
_MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched resource: the final URL after redirects, its content type and body."""

    url: str
    content_type: str
    body: bytes


class Fetcher:
    """An HTTP client shared by one ingest call; close it (or use `with`) when done."""

    def __init__(self, settings: Settings) -> None:
        self._max_bytes = settings.fetch_max_bytes
        self._client = httpx.Client(
            timeout=settings.fetch_timeout,
            follow_redirects=True,
            max_redirects=_MAX_REDIRECTS,
            headers={"User-Agent": settings.user_agent},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str) -> Fetched:
        """GET a URL, or raise `FetchError` saying what went wrong and what to check."""
        LOGGER.debug("fetching %s", url)
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise FetchError(
                        f"the server answered HTTP {response.status_code} "
                        f"{response.reason_phrase}; check the URL",
                        source=url, status=response.status_code,
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self._max_bytes:
                        raise FetchError(
                            f"the response is larger than {self._max_bytes} bytes", source=url
                        )
                return Fetched(
                    url=str(response.url),
                    content_type=response.headers.get("content-type", ""),
                    body=bytes(body),
                )
        except httpx.TooManyRedirects as exc:
            raise FetchError(f"more than {_MAX_REDIRECTS} redirects", source=url) from exc
        except httpx.TimeoutException as exc:
            raise FetchError("the server did not answer in time; try again later",
                             source=url) from exc
        except httpx.ConnectError as exc:
            raise FetchError(f"could not connect ({exc}); check the address and your network",
                             source=url) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"the request failed: {exc}", source=url) from exc
