"""What the Schemathesis run (test_schemathesis.py) found, each pinned by a plain test
that runs without Schemathesis: the 500s are 4xx problems, and the document lists
every status the node really answers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from node.clock import from_text, to_text
from schemas.vocab import Role
from tests.conftest import Node

ADMIN = Role.ADMIN


async def _problem(
    node: Node,
    method: str,
    path: str,
    status: int,
    reason: str,
    body: Any = None,
    role: Role | None = ADMIN,
) -> None:
    before = node.dump()
    response = await node.client.request(method, path, json=body, headers=node.headers(role))
    assert response.status == status, await response.text()
    assert response.content_type == "application/problem+json"
    assert (await response.json())["reason"] == reason
    assert node.dump() == before, "a refused request changed the database"


@pytest.mark.parametrize("report", ["s\U0006e6439", "²", "99999999999999999999", "-1"])
async def test_a_report_id_that_is_no_row_id_is_404_not_500(node: Node, report: str) -> None:
    """int() of a path segment raised ValueError (or SQLite overflowed) into a 500."""
    await _problem(node, "POST", f"/api/v1/admin/reports/{report}/resolve", 404, "report-unknown")


@pytest.mark.parametrize("webhook", ["¹", "²", "٣x"])
async def test_a_webhook_id_of_unicode_digits_is_404_not_500(node: Node, webhook: str) -> None:
    """str.isdigit() accepts superscripts, which int() refuses: a ValueError, so a 500."""
    await _problem(node, "GET", f"/api/v1/admin/webhooks/{webhook}", 404, "webhook-not-found")


async def test_a_notification_id_beyond_sqlite_integers_is_422_not_500(node: Node) -> None:
    """Ids past 2**63 - 1 reached SQLite, which raised OverflowError: a 500."""
    account = {"username": "ana", "password": "a long enough password", "role": "coordinator"}
    await node.call("POST", "/api/v1/accounts", account, role=ADMIN, expect=201)
    token = await node.call(
        "POST",
        "/api/v1/tokens",
        {"username": "ana", "password": account["password"]},
        role=None,
        expect=201,
    )
    ana = {"Authorization": f"Bearer {token['token']}"}
    huge = 2**63
    for method, path, body in (
        ("POST", "/api/v1/notifications/read", {"ids": [1, huge]}),
        ("GET", f"/api/v1/notifications?before={huge}", None),
    ):
        response = await node.client.request(method, path, json=body, headers=ana)
        assert response.status == 422, await response.text()
    response = await node.client.post(
        "/api/v1/notifications/read", json={"ids": [huge - 1]}, headers=ana
    )
    assert response.status == 200, await response.text()


@pytest.mark.parametrize("target", ["a@[::1", "a@host:99999", "http://", "https://[::1/actor"])
async def test_an_unparseable_peer_to_follow_is_422_before_any_fetch(
    node: Node, target: str
) -> None:
    """A handle whose host no URL can hold was a 502 ("unparseable URL") from the fetcher,
    or a 500 (ValueError from the host normaliser) for a URL without a host."""
    await _problem(
        node, "POST", "/api/v1/admin/following", 422, "handle-invalid", {"target": target}
    )


@pytest.mark.parametrize("text", ["rice\x00beans", "\x00", 'a"\x00*'])
async def test_a_nul_in_the_search_text_is_searched_not_500(node: Node, text: str) -> None:
    """FTS5 read the NUL as the end of its query string ("unterminated string")."""
    await node.offer(title="Rice and beans")
    for path in ("/api/v1/offers", "/api/v1/feed"):
        response = await node.client.get(path, params={"text": text}, headers=node.headers())
        assert response.status == 200, await response.text()


@pytest.mark.parametrize(
    "moment", ["0253-12-26T15:36:08Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"]
)
async def test_a_date_out_of_any_plan_is_422_and_the_item_stays_readable(
    node: Node, moment: str
) -> None:
    """Year 253 was stored as "253-12-26…", which the node could not read back: every later
    request on that item was a 500. Year 1 at +01:00 overflowed when made UTC."""
    offer = await node.offer()
    path = f"/api/v1/offers/{offer['id']}"
    for method, where, body in (
        ("PATCH", path, {"begins_at": moment}),
        ("POST", f"{path}/renew", {"ends_at": moment}),
        ("POST", "/api/v1/offers", {"title": "Rice", "category": "food", "ends_at": moment}),
    ):
        await _problem(node, method, where, 422, "validation-failed", body, Role.COORDINATOR)
    await node.call("GET", path, expect=200)


@pytest.mark.parametrize(
    ("offer_step", "request_step", "request_unit_based"),
    [(1e-7, 0.5, True), (0.5, 1e-7, True), (5e-324, 0.5, False)],
)
async def test_a_claim_step_too_fine_to_count_in_still_matches(
    node: Node, offer_step: float, request_step: float, request_unit_based: bool
) -> None:
    """Unit-based steps whose common multiple rounded to zero divided by zero, and a
    denormal step overflowed math.floor: every matches operation was a 500 while such an
    item (ours, or a peer's) was in the index."""
    offer = await node.offer(
        quantity={"amount": 2, "minimum": offer_step, "unit": "kilogram"}, unit_based=True
    )
    request = await node.call(
        "POST",
        "/api/v1/requests",
        {
            "title": "Rice",
            "category": "food",
            "unit_based": request_unit_based,
            "quantity": {"amount": 1, "minimum": request_step, "unit": "kilogram"},
        },
        expect=201,
    )
    for path in (
        f"/api/v1/requests/{request['id']}/matches",
        f"/api/v1/offers/{offer['id']}/matches",
        "/api/v1/matches",
    ):
        await node.call("GET", path, expect=200)
    found = await node.call("GET", f"/api/v1/requests/{request['id']}/matches", expect=200)
    assert [m["theirs"] for m in found["matches"]] == [offer["url"]], "the step is no obstacle"


def test_stored_timestamps_read_back_for_every_year() -> None:
    for year in (1, 253, 999, 2026, 9999):
        moment = datetime(year, 6, 1, 12, 30, 15, tzinfo=UTC)
        assert from_text(to_text(moment)) == moment
    assert to_text(datetime(2026, 3, 1, 12, 0, 0, 999_999, tzinfo=UTC)) == "2026-03-01T12:00:00Z"


async def test_an_audit_subject_as_long_as_documented_is_read(node: Node) -> None:
    """maxLength 2000 let a valid query outgrow the server's 8190-byte request line
    (a text/plain 400 from the HTTP parser, outside the document)."""
    doc = await node.call("GET", "/api/v1/openapi.json", role=None, expect=200)
    (subject,) = [
        p
        for p in doc["paths"]["/api/v1/admin/audit"]["get"]["parameters"]
        if p["name"] == "subject"
    ]
    longest = subject["schema"]["anyOf"][0]["maxLength"]
    response = await node.client.get(
        "/api/v1/admin/audit", params={"subject": "𝄞" * longest}, headers=node.headers(ADMIN)
    )
    assert response.status == 200, await response.text()


async def test_the_document_lists_what_every_operation_answers(node: Node) -> None:
    """Statuses the endpoint wrapper answers itself were missing: 400 for an unknown query
    parameter, 401 for a malformed or unknown token on public operations, 413 on some
    bodies; and 502 where a peer must be reached while the caller waits."""
    doc = await node.call("GET", "/api/v1/openapi.json", role=None, expect=200)
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            answers = set(operation["responses"])
            where = f"{method.upper()} {path}"
            assert "401" in answers, where
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert {"400", "422"} <= answers, where
            if "requestBody" in operation:
                assert {"400", "413", "415", "422"} <= answers, where
    reaching_peers = [
        ("post", "/api/v1/admin/following"),
        ("post", "/api/v1/requests/{id}/refer"),
        ("post", "/api/v1/claims"),
        ("post", "/api/v1/matches/notify"),
        ("post", "/api/v1/admin/remote-items/report"),
    ]
    for method, path in reaching_peers:
        assert "502" in doc["paths"][path][method]["responses"], path
    # What the node answers, as listed: an unknown parameter, a token that is no token.
    await _problem(node, "GET", "/api/v1/offers?colour=red", 400, "query-unknown", role=None)
    response = await node.client.get("/api/v1/node", headers={"Authorization": "Bearer nope"})
    assert response.status == 401
