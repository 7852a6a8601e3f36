"""Admins see every bearer token and page session (never the token) and revoke one at once,
from the API or the command line; revoking is audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from admin.cli import main
from node.domain.accounts import hash_token
from schemas.vocab import Role
from tests.conftest import Node

ADMIN = Role.ADMIN
PASSWORD = "a long enough password"


async def _signed_in(node: Node, username: str, label: str) -> str:
    account = {"username": username, "password": PASSWORD, "role": "coordinator"}
    await node.call("POST", "/api/v1/accounts", account, role=ADMIN, expect=201)
    body = {"username": username, "password": PASSWORD, "label": label}
    token: str = (await node.call("POST", "/api/v1/tokens", body, role=None, expect=201))["token"]
    return token


async def _as(node: Node, token: str, path: str) -> int:
    response = await node.client.get(path, headers={"Authorization": f"Bearer {token}"})
    return response.status


async def test_a_leaked_token_is_revoked_at_once(node: Node) -> None:
    phone = await _signed_in(node, "ana", "Ana's phone")
    assert await _as(node, phone, "/api/v1/offers") == 200

    listed = await node.call("GET", "/api/v1/admin/tokens", role=ADMIN, expect=200)
    text = str(listed)
    assert phone not in text and hash_token(phone) not in text, "never the token"
    ana = next(t for t in listed["tokens"] if t["username"] == "ana")
    assert (ana["label"], ana["role"], ana["revoked_at"]) == ("Ana's phone", "coordinator", None)

    await node.call("POST", f"/api/v1/admin/tokens/{ana['id']}/revoke", role=ADMIN, expect=204)
    assert await _as(node, phone, "/api/v1/offers") == 401
    live = await node.call("GET", "/api/v1/admin/tokens", role=ADMIN, expect=200)
    assert ana["id"] not in [t["id"] for t in live["tokens"]]
    everything = await node.call("GET", "/api/v1/admin/tokens?revoked=true", role=ADMIN, expect=200)
    assert next(t for t in everything["tokens"] if t["id"] == ana["id"])["revoked_at"]
    audit = await node.call("GET", "/api/v1/admin/audit", role=ADMIN, expect=200)
    assert ("token.revoke", f"token:{ana['id']}") in [
        (e["action"], e["subject"]) for e in audit["entries"]
    ]

    again = await node.call(
        "POST", f"/api/v1/admin/tokens/{ana['id']}/revoke", role=ADMIN, expect=404
    )
    assert again["reason"] == "token-unknown"


async def test_an_admin_cannot_revoke_the_token_in_use_and_coordinators_cannot_list(
    node: Node,
) -> None:
    listed = await node.call("GET", "/api/v1/admin/tokens", role=ADMIN, expect=200)
    mine = next(t for t in listed["tokens"] if t["label"] == "first admin token")
    refused = await node.call(
        "POST", f"/api/v1/admin/tokens/{mine['id']}/revoke", role=ADMIN, expect=409
    )
    assert refused["reason"] == "token-in-use"
    assert await _as(node, node.admin_token, "/api/v1/admin/tokens") == 200
    await node.call("GET", "/api/v1/admin/tokens", expect=403)
    await node.call("POST", "/api/v1/admin/tokens/x/revoke", role=ADMIN, expect=404)


def test_token_list_and_revoke_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "node"
    main(["init", "--data", str(data), "--public-url", "https://aid.example"])
    main(["token", "create", "--data", str(data), "--role", "coordinator", "--label", "laptop"])
    token = capsys.readouterr().out.splitlines()[-1]

    assert main(["token", "list", "--data", str(data)]) == 0
    listing = capsys.readouterr().out
    assert "laptop" in listing and token not in listing
    laptop = next(line for line in listing.splitlines() if "laptop" in line)
    token_id = laptop.split()[0]

    assert main(["token", "revoke", "--data", str(data), token_id]) == 0
    assert f"Revoked token {token_id}." in capsys.readouterr().out
    assert main(["token", "list", "--data", str(data)]) == 0
    assert "laptop" not in capsys.readouterr().out
    assert main(["token", "revoke", "--data", str(data), token_id]) == 1
    assert "No live token" in capsys.readouterr().err
