"""The one remote fetcher: signed GETs of ActivityPub JSON under an SSRF guard.

Every hop is checked (scheme, literal address) before it is signed and sent,
and every name is resolved through the guarded resolver of the session.
Redirects are followed by hand so each hop is re-checked and signed anew.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp
from yarl import URL

from federation.errors import FetchError
from federation.fetch.origin import check_key_origin, check_object_origin
from federation.fetch.policy import AddressPolicy
from federation.fetch.resolver import guarded_session

ACTIVITY_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
USER_AGENT = "SolidarityNode/0.1 (+https://w3id.org/solidarity-node)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

Signer = Callable[[str, str, Mapping[str, str], bytes | None], dict[str, str]]
"""``(method, url, headers, body) -> headers`` to add (signature, date, digest)."""

SessionFactory = Callable[[], aiohttp.ClientSession]


class FetchStatusError(FetchError):
    """The peer answered with a status other than 2xx or a redirect."""

    reason = "fetch-status"

    def __init__(self, detail: str, *, upstream_status: int) -> None:
        super().__init__(detail)
        self.upstream_status = upstream_status


@dataclass(frozen=True)
class FetchLimits:
    """Budgets for one fetch, redirects included."""

    max_bytes: int = 1024 * 1024
    deadline: float = 10.0
    connect_timeout: float = 5.0
    max_redirects: int = 5


@dataclass(frozen=True)
class FetchResult:
    """A fetched JSON object and the URL it was finally served from."""

    final_url: str
    document: dict[str, Any]
    status: int


class RemoteFetcher:
    """Fetches remote JSON documents; every refusal raises FetchError with a reason.

    ``session`` is a ClientSession (used as is, not closed here) or a factory
    called on first use (the session is then owned and closed by ``close()``).
    Either should come from ``guarded_session``: a session without the guarded
    resolver would leave names unchecked. By default one is made for ``policy``.
    """

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        session: aiohttp.ClientSession | SessionFactory | None = None,
        sign: Signer | None = None,
        limits: FetchLimits | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self._policy = policy
        self._sign = sign
        self._limits = limits if limits is not None else FetchLimits()
        self._user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None
        self._factory: SessionFactory | None = None
        self._owns_session = False
        if isinstance(session, aiohttp.ClientSession):
            self._session = session
        else:
            self._factory = session if session is not None else self._default_session

    async def __aenter__(self) -> RemoteFetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this fetcher created it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch_json(self, url: str, *, accept: str = ACTIVITY_ACCEPT) -> FetchResult:
        """GET ``url`` and return its JSON object, following at most the allowed redirects."""
        try:
            target = URL(url)
        except (ValueError, TypeError) as exc:
            raise FetchError(f"unparseable URL {url!r}", reason="url-invalid") from exc
        try:
            async with asyncio.timeout(self._limits.deadline):
                return await self._follow(target, accept)
        except TimeoutError as exc:
            raise FetchError(f"fetching {url} took too long", reason="fetch-timeout") from exc
        except aiohttp.ClientConnectorError as exc:
            raise FetchError(
                f"could not connect for {url}: {exc}", reason="fetch-connect-failed"
            ) from exc
        except aiohttp.InvalidURL as exc:
            raise FetchError(
                f"invalid URL while fetching {url}: {exc}", reason="url-invalid"
            ) from exc
        except aiohttp.ClientError as exc:
            raise FetchError(f"fetching {url} failed: {exc}", reason="fetch-failed") from exc

    async def fetch_object(self, url: str) -> FetchResult:
        """Fetch an object whose ``id`` must equal the final URL after redirects."""
        result = await self.fetch_json(url)
        check_object_origin(result.document, result.final_url)
        return result

    async def fetch_key(self, key_id: str) -> FetchResult:
        """Fetch the document holding ``key_id``; the caller checks the key's owner."""
        try:
            document_url = URL(key_id).with_fragment(None)
        except (ValueError, TypeError) as exc:
            raise FetchError(f"unparseable key id {key_id!r}", reason="url-invalid") from exc
        result = await self.fetch_json(str(document_url))
        check_key_origin(key_id, result.document, result.final_url)
        return result

    async def _follow(self, target: URL, accept: str) -> FetchResult:
        session = self._get_session()
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self._limits.connect_timeout)
        visited: set[str] = set()
        current = target
        redirects = 0
        while True:
            self._policy.check_url(current)
            visited.add(str(current.with_fragment(None)))
            headers = self._headers(current, accept)
            async with session.get(
                current, headers=headers, allow_redirects=False, timeout=timeout
            ) as response:
                if response.status not in REDIRECT_STATUSES:
                    return await self._read(current, response)
                current = _redirect_target(current, response)
            redirects += 1
            if redirects > self._limits.max_redirects:
                raise FetchError(
                    f"more than {self._limits.max_redirects} redirects from {target}",
                    reason="too-many-redirects",
                )
            if str(current.with_fragment(None)) in visited:
                raise FetchError(f"redirect loop back to {current}", reason="redirect-loop")

    def _headers(self, url: URL, accept: str) -> dict[str, str]:
        headers = {"Accept": accept, "User-Agent": self._user_agent}
        if self._sign is not None:
            headers.update(self._sign("GET", str(url), dict(headers), None))
        return headers

    async def _read(self, url: URL, response: aiohttp.ClientResponse) -> FetchResult:
        if not 200 <= response.status < 300:
            raise FetchStatusError(
                f"{url} answered {response.status}", upstream_status=response.status
            )
        if not is_json_content_type(response.content_type):
            raise FetchError(
                f"{url} served {response.content_type!r}, not JSON", reason="fetch-not-json"
            )
        limit = self._limits.max_bytes
        declared = response.content_length
        if declared is not None and declared > limit:
            raise FetchError(f"{url} declares {declared} bytes", reason="fetch-too-large")
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            body.extend(chunk)
            if len(body) > limit:
                raise FetchError(f"{url} sent more than {limit} bytes", reason="fetch-too-large")
        try:
            document = json.loads(bytes(body))
        except (ValueError, RecursionError) as exc:
            raise FetchError(f"{url} sent invalid JSON", reason="fetch-invalid-json") from exc
        if not isinstance(document, dict):
            raise FetchError(f"{url} sent JSON that is not an object", reason="fetch-invalid-json")
        return FetchResult(final_url=str(url), document=document, status=response.status)

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            assert self._factory is not None
            self._session = self._factory()
            self._owns_session = True
        return self._session

    def _default_session(self) -> aiohttp.ClientSession:
        return guarded_session(self._policy)


def is_json_content_type(content_type: str) -> bool:
    """True for application/json and any application/*+json type."""
    kind = content_type.strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


def _redirect_target(current: URL, response: aiohttp.ClientResponse) -> URL:
    location = response.headers.get("Location")
    if not location:
        raise FetchError(f"{current} redirected without a Location", reason="redirect-invalid")
    try:
        return current.join(URL(location))
    except (ValueError, TypeError) as exc:
        raise FetchError(
            f"{current} redirected to {location!r}", reason="redirect-invalid"
        ) from exc
