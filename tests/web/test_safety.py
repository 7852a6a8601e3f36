"""Peers' text sanitised, strict headers, small pages, labels and landmarks."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

from node.web import STATIC
from schemas.vocab import Role
from tests.web.conftest import Pages, add_peer_item

HOSTILE = {
    "title": "<img src=x onerror=alert(1)>Free <b>soup</b>",
    "summary": '<p>Hot soup <a href="javascript:alert(1)">here</a> '
    '<a href="https://soup.example/menu">menu</a></p><script>alert(2)</script>'
    '<iframe src="https://evil.example"></iframe><p style="x" onclick="y">Daily</p>',
}


class Outline(HTMLParser):
    """Collects what the checks need: controls, labels, landmarks, scripts, styles."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]
        if tag == "label" and values.get("for"):
            self.labelled.add(str(values["for"]))
        if tag in ("input", "select", "textarea") and values.get("type") not in (
            "hidden",
            "submit",
        ):
            self.controls.append(values)


def outline(text: str) -> Outline:
    parser = Outline()
    parser.feed(text)
    return parser


async def test_peer_text_is_sanitised_everywhere_it_shows(pages: Any) -> None:
    client: Pages = await pages()
    item = await add_peer_item(client.node, **HOSTILE)
    for path in ("/feed", f"/feed/item?id={quote(item.id, safe='')}"):
        response, text = await client.get(path)
        assert response.status == 200, path
        parsed = outline(text)
        assert (
            "script" not in parsed.tags and "iframe" not in parsed.tags and "img" not in parsed.tags
        )
        assert not [name for name, _ in parsed.attributes if name.startswith("on")]
        assert "javascript:" not in text and "alert(2)" not in text
        assert "Free soup" in text.replace("<b>", "").replace("</b>", "")
    _, text = await client.get(f"/feed/item?id={quote(item.id, safe='')}")
    assert (
        'href="https://soup.example/menu"' in text
        and 'rel="noopener noreferrer nofollow ugc"' in text
    )
    assert 'style="x"' not in text


async def test_pages_send_a_strict_content_security_policy(pages: Any) -> None:
    client: Pages = await pages()
    for path in ("/", "/feed", "/sign-in", "/items/new/offer"):
        response, _ = await client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
        assert "form-action 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


MAIN_PAGES = (
    "/",
    "/feed",
    "/items/new/offer",
    "/items/new/request",
    "/admin/",
    "/admin/peers",
    "/admin/blocklist",
    "/admin/deliveries",
    "/admin/moderation",
    "/admin/audit",
    "/admin/follow-requests",
)


async def test_pages_are_small_labelled_and_have_landmarks(pages: Any) -> None:
    client: Pages = await pages(Role.ADMIN)
    await add_peer_item(client.node)
    css = len(STATIC["site.css"][0]) + len(STATIC["icon.svg"][0])
    for path in (*MAIN_PAGES, "/sign-in", "/feed/item?id=https%3A%2F%2Fpeer.example%2Foffers%2F1"):
        response, text = await client.get(path)
        assert response.status == 200, path
        assert len(text.encode()) + css < 60 * 1024, path
        parsed = outline(text)
        unlabelled = [
            c
            for c in parsed.controls
            if c.get("id") not in parsed.labelled and "aria-label" not in c
        ]
        assert not unlabelled, (path, unlabelled)
        for landmark in ("header", "main", "footer"):
            assert landmark in parsed.tags, (path, landmark)
        assert "script" not in parsed.tags and "style" not in parsed.tags
        assert parsed.tags.count("h1") == 1, path
        ids = [value for name, value in parsed.attributes if name == "id"]
        assert len(ids) == len(set(ids)), (path, "duplicate ids")


async def test_the_stylesheet_is_cached_and_shows_focus(pages: Any) -> None:
    client: Pages = await pages()
    response, css = await client.get("/static/site.css")
    assert response.status == 200 and response.content_type == "text/css"
    assert ":focus-visible" in css and "max-age" in response.headers["Cache-Control"]
    again = await client.node.client.get(
        "/static/site.css", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status == 304
    assert (await client.node.client.get("/static/../settings.toml")).status == 404
