"""Local accounts, passwords (scrypt) and bearer API tokens (stored hashed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from node.clock import Clock, to_text
from node.errors import Conflict, Forbidden, NotFound, Unauthorized
from node.storage import Store
from node.storage.accounts import AccountRow, TokenInfo
from schemas.vocab import Role

# scrypt cost: 16 MiB of memory per hash (n × r × 128 bytes).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
TOKEN_PREFIX = "sn_"  # noqa: S105 (a prefix that makes leaked tokens easy to spot)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the role of the presented token."""

    role: Role
    token_id: int
    account_id: int | None = None

    @property
    def name(self) -> str:
        """Who acted, as the audit log records it."""
        who = f"account-{self.account_id}" if self.account_id else f"token-{self.token_id}"
        return f"{self.role.value}:{who}"

    def require(self, role: Role) -> None:
        if role is Role.ADMIN and self.role is not Role.ADMIN:
            raise Forbidden("This needs an admin.", reason="role-insufficient")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=32,
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Compared against when the username is unknown, so timing does not tell.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class AccountService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def create_account(self, username: str, password: str, role: Role) -> AccountRow:
        password_hash = hash_password(password)
        async with self._store.transaction() as repos:
            if await repos.accounts.account_by_username(username) is not None:
                raise Conflict(f"The username {username!r} is taken.", reason="username-taken")
            created = to_text(self._clock.now())
            account_id = await repos.accounts.add_account(username, password_hash, role, created)
        return AccountRow(account_id, username, password_hash, role, created)

    async def issue_token(
        self, role: Role, *, account_id: int | None = None, label: str = ""
    ) -> str:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        async with self._store.transaction() as repos:
            await repos.accounts.add_token(
                hash_token(token), role, account_id, label, to_text(self._clock.now())
            )
        return token

    async def sign_in(self, username: str, password: str, label: str = "") -> tuple[str, Role]:
        account = await self._store.reader.accounts.account_by_username(username)
        stored = account.password_hash if account else _DUMMY_HASH
        if not verify_password(password, stored) or account is None:
            raise Unauthorized("Unknown username or wrong password.", reason="bad-credentials")
        token = await self.issue_token(account.role, account_id=account.id, label=label)
        return token, account.role

    async def revoke(self, token: str) -> None:
        """Revoke a token if it is live (signing out of the pages ends its session)."""
        row = await self._store.reader.accounts.token_by_hash(hash_token(token))
        if row is None:
            return
        async with self._store.transaction() as repos:
            await repos.accounts.revoke_token(row.id, to_text(self._clock.now()))

    async def tokens(self, *, revoked: bool = False) -> list[TokenInfo]:
        return await self._store.reader.accounts.tokens(revoked=revoked)

    async def revoke_id(self, token_id: int, *, who: str, current: int | None = None) -> None:
        """Revoke a live token by its id (audited). Not the caller's own: that is signing
        out, and revoking it here by mistake would lock the admin out mid-task."""
        if token_id == current:
            raise Conflict(
                "That is the token this request uses; sign out instead.", reason="token-in-use"
            )
        async with self._store.transaction() as repos:
            now = to_text(self._clock.now())
            if not await repos.accounts.revoke_token(token_id, now):
                raise NotFound(f"No live token {token_id}.", reason="token-unknown")
            await repos.trust.audit(now, who, "token.revoke", f"token:{token_id}", {}, "")

    async def authenticate(self, token: str) -> Principal:
        row = await self._store.reader.accounts.token_by_hash(hash_token(token))
        if row is None:
            raise Unauthorized("The token is unknown or revoked.", reason="token-invalid")
        return Principal(role=row.role, token_id=row.id, account_id=row.account_id)
