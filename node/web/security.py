"""Security of the pages: session and CSRF cookies, response headers, login throttling.

The session cookie holds a token issued by :class:`AccountService` at sign-in
(stored hashed, revoked at sign-out); it is HttpOnly, SameSite=Lax, and Secure
when the public URL is https. Every form carries a CSRF token: an itsdangerous
HMAC-SHA256 signature keyed by the session token, or by a random pre-session
cookie before sign-in, with a salt naming the purpose, so a page on another site
can neither read nor compute it. It lives as long as what it is bound to.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from urllib.parse import urlsplit

from aiohttp import web
from itsdangerous import Signer
from yarl import URL

from federation.ratelimit import RateLimiter

SESSION_COOKIE = "sn_session"
PRESESSION_COOKIE = "sn_pre"
CSRF_FIELD = "csrf"

# No scripts at all; styles and images only from this node; forms post only here.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

# Sign-in attempts: a burst of 5, then one more every 3 minutes, per address and per name.
LOGIN_BURST = 5
LOGIN_RATE = 1 / 180


def csrf_token(binding: str) -> str:
    signer = Signer(
        binding,
        salt="solidarity-node csrf",
        key_derivation="hmac",
        digest_method=hashlib.sha256,  # not itsdangerous's SHA-1 default
    )
    return signer.get_signature(b"").decode("ascii")


def csrf_valid(binding: str | None, submitted: str | None) -> bool:
    """Whether ``submitted`` is exactly the token of ``binding`` (compared whole, in
    constant time: itsdangerous's own check would also take stray characters)."""
    if not binding or not submitted or not submitted.isascii():
        return False
    return hmac.compare_digest(csrf_token(binding), submitted)


def new_presession() -> str:
    return secrets.token_urlsafe(24)


def node_cookie(base: str, public_url: str) -> str:
    """Cookies ignore ports, so nodes sharing a host name (the demo's three on
    127.0.0.1) name theirs apart: ``sn_session_8702``."""
    port = urlsplit(public_url).port
    return base if port is None else f"{base}_{port}"


def set_cookie(
    response: web.StreamResponse,
    name: str,
    value: str,
    *,
    secure: bool,
    max_age: int | None = None,
) -> None:
    response.set_cookie(
        name, value, httponly=True, samesite="Lax", secure=secure, path="/", max_age=max_age
    )


def clear_cookie(response: web.StreamResponse, name: str) -> None:
    response.del_cookie(name, path="/")


def secure_cookies(public_url: str) -> bool:
    return public_url.startswith("https://")


def same_origin(request: web.Request, public_url: str) -> bool:
    """A cross-site POST is refused even before its token is checked (when the browser
    says where it comes from)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    try:
        return URL(origin).origin() == URL(public_url).origin()
    except ValueError:
        return False


class LoginThrottle:
    """Limits sign-in attempts per client address and per username."""

    def __init__(self) -> None:
        self._limiter = RateLimiter(LOGIN_RATE, LOGIN_BURST)

    def wait(self, address: str, username: str, now: datetime) -> int | None:
        """Spend an attempt; None when allowed, else the seconds until the next one."""
        waits = [
            self._limiter.take(f"address:{address}", now),
            self._limiter.take(f"user:{username.casefold()}", now),
        ]
        blocked = [w for w in waits if w is not None]
        return max(blocked) if blocked else None

    def succeeded(self, address: str, username: str) -> None:
        """A correct sign-in does not count: a shelter's shared address signs in a whole
        shift at once, and must not lock the next volunteer out."""
        self._limiter.give_back(f"address:{address}")
        self._limiter.give_back(f"user:{username.casefold()}")
