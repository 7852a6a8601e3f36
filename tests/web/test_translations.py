"""Interface text in English and Spanish: chosen from the browser or the user's setting,
and catalogs that are complete and compiled."""

from __future__ import annotations

import gettext
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from node.web.i18n import negotiate
from tests.web.conftest import Pages

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("node/web", "admin/web")


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, None, "en"),
        (None, "es-MX,es;q=0.9,en;q=0.5", "es"),
        (None, "fr, en;q=0.3", "en"),
        (None, "fr", "en"),
        ("es", "en", "es"),
        ("xx", "es", "es"),
        (None, "en;q=0.2, es", "es"),
        (None, "es;q=0", "en"),
    ],
)
def test_language_negotiation(cookie: str | None, header: str | None, expected: str) -> None:
    assert negotiate(cookie, header) == expected


async def test_spanish_from_the_browser_and_english_by_setting(pages: Any) -> None:
    client: Pages = await pages()
    _, text = await client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert '<html lang="es">' in text and "Publicar una oferta" in text and "Panel" in text
    response, _ = await client.post("/language", {"lang": "en", "next": "/feed"})
    assert response.status == 303 and response.headers["Location"].startswith("/feed")
    assert "Max-Age=31536000" in next(
        h for h in response.headers.getall("Set-Cookie") if h.startswith("sn_lang=")
    )
    _, text = await client.get("/feed", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in text and "Network feed" in text


async def test_admin_pages_are_translated_too(pages: Any) -> None:
    client: Pages = await pages(role=None)
    await client.sign_in("root")
    _, text = await client.get("/admin/peers", headers={"Accept-Language": "es"})
    assert "Nodos y confianza" in text and "Cerrar sesión" in text


@pytest.mark.parametrize("package", PACKAGES)
def test_spanish_catalog_is_complete_and_compiled(package: str) -> None:
    folder = ROOT / package / "translations"
    template = read_po((folder / "messages.pot").open("rb"))
    catalog = read_po((folder / "es/LC_MESSAGES/messages.po").open("rb"))
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert not untranslated
    assert wanted == {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    compiled = gettext.GNUTranslations((folder / "es/LC_MESSAGES/messages.mo").open("rb"))
    for message in catalog:
        if message.id and isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, "recompile the .mo"


@pytest.mark.parametrize("package", PACKAGES)
def test_template_catalog_has_every_message(package: str, tmp_path: Path) -> None:
    """Extracting again finds nothing the committed catalog lacks (docs/translations.md)."""
    out = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "--omit-header",
            "-o",
            str(out),
            package,
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(out.open("rb")) if m.id}
    committed = read_po((ROOT / package / "translations/messages.pot").open("rb"))
    assert fresh == {m.id if isinstance(m.id, str) else m.id[0] for m in committed if m.id}
