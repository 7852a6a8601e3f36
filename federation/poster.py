"""The one guarded HTTP POST: federation deliveries and notification webhooks.

Every outbound POST goes through the node's SSRF-guarded session after the
address policy has accepted its URL, under a total and a connect timeout,
without following redirects, and reads at most one chunk of the answer. Its
outcome is a status (with any ``Retry-After``) or a reason code; the caller's
retry policy decides what happens next, except for the permanent reasons,
which no retry can cure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import aiohttp
from yarl import URL

from federation.errors import FederationError
from federation.fetch import AddressPolicy

# Refusals by our own SSRF guard: retrying cannot help.
PERMANENT_ERRORS = frozenset({"address-refused", "scheme-refused", "url-invalid"})

Sign = Callable[[Mapping[str, str]], Mapping[str, str]]
"""Given the headers so far, the headers a signature adds (called after the URL check)."""


@dataclass(frozen=True)
class PostResult:
    """An answer's status and ``Retry-After``, or the reason no answer came."""

    status: int | None
    retry_after: str | None = None
    error: str = ""

    @property
    def permanent(self) -> bool:
        """True when our own guard refused the URL, so no later try can succeed."""
        return self.error in PERMANENT_ERRORS


@dataclass
class GuardedPoster:
    session: aiohttp.ClientSession
    addresses: AddressPolicy
    user_agent: str = "solidarity-node"
    timeout: float = 10.0
    connect_timeout: float = 5.0

    def check(self, url: str) -> None:
        """Raise FederationError when the SSRF guard would refuse ``url``."""
        self.addresses.check_url(URL(url))

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str], sign: Sign | None = None
    ) -> PostResult:
        """POST ``body`` to ``url``; never raises for refusals, timeouts or network errors.

        ``sign`` runs only once the URL has passed the guard, over ``headers`` with
        ``User-Agent`` added.
        """
        sent = {**headers, "User-Agent": self.user_agent}
        timeout = aiohttp.ClientTimeout(total=self.timeout, connect=self.connect_timeout)
        try:
            self.check(url)
            if sign is not None:
                sent.update(sign(sent))
            async with self.session.post(
                url, data=body, headers=sent, allow_redirects=False, timeout=timeout
            ) as response:
                await response.content.readany()
                return PostResult(response.status, response.headers.get("Retry-After"))
        except FederationError as error:
            return PostResult(None, error=error.reason)
        except TimeoutError:
            return PostResult(None, error="timeout")
        except aiohttp.ClientError as error:
            return PostResult(None, error=f"network-error: {type(error).__name__}")
