"""Fetching pages and feeds over HTTP(S), politely and safely.

Every request is bounded (timeout, redirect cap, size cap), retried with exponential
backoff on timeouts, connection errors, 429 and 5xx (honouring `Retry-After`), limited
per host, and refused when the host resolves to a private, loopback or link-local address
unless the user allowed it (`--allow-private`): a feed must not be able to make Backstory
probe the network it runs in.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from backstory.config import Settings
from backstory.errors import FetchError
from backstory.models import FeedValidators

__all__ = ["Fetched", "Fetcher"]

LOGGER = logging.getLogger(__name__)
_MAX_REDIRECTS = 5
_RETRY_STATUS = {429, 500, 502, 503, 504}
_MAX_RETRY_AFTER = 30.0


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched resource: the final URL after redirects, its content type and body.

    `not_modified` is true when a conditional request found nothing new (HTTP 304).
    """

    url: str
    content_type: str
    body: bytes
    validators: FeedValidators = field(default_factory=FeedValidators)
    not_modified: bool = False


class Fetcher:
    """An HTTP client shared by one ingest call; close it (or use `with`) when done."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client = httpx.Client(
            timeout=settings.fetch_timeout,
            follow_redirects=True,
            max_redirects=_MAX_REDIRECTS,
            headers={"User-Agent": settings.user_agent},
            transport=_GuardedTransport(allow_private=settings.allow_private),
        )
        self._host_locks: dict[str, threading.BoundedSemaphore] = {}
        self._locks_guard = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, *, validators: FeedValidators | None = None) -> Fetched:
        """GET a URL, or raise `FetchError` saying what went wrong and what to check."""
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        try:
            httpx.URL(url)  # validates scheme, host, port and length
            urlsplit(url).port  # noqa: B018 - raises on a bad port or IPv6 literal
        except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
            raise FetchError(f"not a valid URL: {exc}", source=url[:200]) from exc
        attempts = self._settings.fetch_retries + 1
        for attempt in range(attempts):
            try:
                with self._host_slot(url):
                    return self._fetch_once(url, headers)
            except _Retryable as exc:
                if attempt == attempts - 1:
                    raise FetchError(f"{exc.reason} (after {attempts} attempts)",
                                     source=url) from exc
                delay = exc.retry_after if exc.retry_after is not None else \
                    self._settings.fetch_backoff * 2 ** attempt
                LOGGER.info("retrying %s in %.1fs: %s", url, delay, exc.reason)
                time.sleep(min(delay, _MAX_RETRY_AFTER))
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def fetch_many(self, urls: Sequence[str]) -> Iterator[tuple[str, Fetched | FetchError]]:
        """Fetch several URLs concurrently (per-host limited); results in the given order."""
        def one(url: str) -> Fetched | FetchError:
            try:
                return self.fetch(url)
            except FetchError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=self._settings.fetch_workers) as pool:
            yield from zip(urls, pool.map(one, urls), strict=True)

    def _host_slot(self, url: str) -> threading.BoundedSemaphore:
        host = urlsplit(url).hostname or ""
        with self._locks_guard:
            if host not in self._host_locks:
                self._host_locks[host] = threading.BoundedSemaphore(
                    self._settings.fetch_per_host)
            return self._host_locks[host]

    def _fetch_once(self, url: str, headers: dict[str, str]) -> Fetched:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(url=str(response.url), content_type="", body=b"",
                                   validators=_validators(response), not_modified=True)
                if response.status_code in _RETRY_STATUS:
                    raise _Retryable(f"the server answered HTTP {response.status_code}",
                                     _retry_after(response))
                if response.status_code >= 400:
                    raise FetchError(
                        f"the server answered HTTP {response.status_code} "
                        f"{response.reason_phrase}; check the URL",
                        source=url, status=response.status_code,
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self._settings.fetch_max_bytes:
                        raise FetchError(
                            f"the response is larger than {self._settings.fetch_max_bytes} "
                            "bytes", source=url)
                return Fetched(url=str(response.url),
                               content_type=response.headers.get("content-type", ""),
                               body=bytes(body), validators=_validators(response))
        except _BlockedAddress as exc:
            raise FetchError(f"{exc}; pass --allow-private to fetch from it", source=url
                             ) from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(f"more than {_MAX_REDIRECTS} redirects", source=url) from exc
        except httpx.TimeoutException as exc:
            raise _Retryable("the server did not answer in time") from exc
        except httpx.ConnectError as exc:
            raise _Retryable(f"could not connect ({exc}); check the address and your "
                             "network") from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError("only http and https URLs can be fetched", source=url) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"the request failed: {exc}", source=url) from exc
        except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
            raise FetchError(f"not a valid URL: {exc}", source=url[:200]) from exc


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _BlockedAddress(httpx.TransportError):
    """The host resolves to an address Backstory may not fetch from."""


class _GuardedTransport(httpx.HTTPTransport):
    """Checks every request, redirects included, against the private-address rule."""

    def __init__(self, *, allow_private: bool) -> None:
        super().__init__(retries=0)
        self._allow_private = allow_private

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self._allow_private:
            _refuse_private(request.url.host, request.url.port)
        return super().handle_request(request)


def _refuse_private(host: str, port: int | None) -> None:
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise httpx.ConnectError(f"cannot resolve {host}: {exc.strerror}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (address.is_private or address.is_loopback or address.is_link_local
                or address.is_reserved or address.is_multicast or address.is_unspecified):
            raise _BlockedAddress(f"{host} resolves to the non-public address {address}")


def _validators(response: httpx.Response) -> FeedValidators:
    return FeedValidators(etag=response.headers.get("etag"),
                      last_modified=response.headers.get("last-modified"))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        try:
            return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
        except (TypeError, ValueError):
            return None
