"""Repository for local accounts and their API tokens (stored hashed)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from node.storage.database import fetch_all, fetch_one
from schemas.vocab import Role


@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    password_hash: str
    role: Role
    created_at: str


@dataclass(frozen=True)
class TokenRow:
    id: int
    role: Role
    account_id: int | None


@dataclass(frozen=True)
class TokenInfo:
    """What an admin may see of a token: never the token or its hash."""

    id: int
    role: Role
    username: str | None
    label: str
    created_at: str
    revoked_at: str | None


class AccountRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add_account(
        self, username: str, password_hash: str, role: Role, created_at: str
    ) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO accounts (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
            (username, password_hash, role.value, created_at),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def account_by_username(self, username: str) -> AccountRow | None:
        row = await fetch_one(
            self._conn,
            "SELECT id, username, password_hash, role, created_at FROM accounts"
            " WHERE username = ? AND disabled_at IS NULL",
            (username,),
        )
        if row is None:
            return None
        return AccountRow(
            id=row["id"],
            username=row["username"],
            password_hash=row["password_hash"],
            role=Role(row["role"]),
            created_at=row["created_at"],
        )

    async def add_token(
        self, token_hash: str, role: Role, account_id: int | None, label: str, created_at: str
    ) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO api_tokens (token_hash, role, account_id, label, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (token_hash, role.value, account_id, label, created_at),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def token_by_hash(self, token_hash: str) -> TokenRow | None:
        row = await fetch_one(
            self._conn,
            "SELECT id, role, account_id FROM api_tokens"
            " WHERE token_hash = ? AND revoked_at IS NULL",
            (token_hash,),
        )
        if row is None:
            return None
        return TokenRow(id=row["id"], role=Role(row["role"]), account_id=row["account_id"])

    async def revoke_token(self, token_id: int, revoked_at: str) -> bool:
        """Revoke a live token; False when there is none with that id."""
        cursor = await self._conn.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (revoked_at, token_id),
        )
        return cursor.rowcount == 1

    async def tokens(self, *, revoked: bool = False) -> list[TokenInfo]:
        """Every live token (and the revoked ones too when ``revoked``), oldest first."""
        rows = await fetch_all(
            self._conn,
            "SELECT t.id, t.role, a.username, t.label, t.created_at, t.revoked_at"
            " FROM api_tokens t LEFT JOIN accounts a ON a.id = t.account_id"
            " WHERE ? OR t.revoked_at IS NULL ORDER BY t.id",
            (revoked,),
        )
        return [TokenInfo(**{**dict(row), "role": Role(row["role"])}) for row in rows]
