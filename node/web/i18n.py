"""Interface language: gettext catalogs per package, chosen per request.

The language is the user's setting (the ``lang`` cookie the footer's picker
sets) or else the browser's ``Accept-Language``, else English. Catalogs are
compiled ``.mo`` files shipped as package data; a domain missing a language
falls back to the English text of the message.
"""

from __future__ import annotations

import gettext
import itertools
from dataclasses import dataclass, field
from importlib import resources

LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
LANG_COOKIE = "sn_lang"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The user's chosen language, else the best one the browser accepts, else English."""
    if cookie in LANGUAGES:
        return cookie
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, index, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def load_catalog(package: str, language: str) -> gettext.NullTranslations:
    """The compiled catalog of ``package``'s ``translations`` folder, or none."""
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    folder = resources.files(package).joinpath("translations", language, "LC_MESSAGES")
    mo = folder.joinpath("messages.mo")
    if not mo.is_file():
        return gettext.NullTranslations()
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


@dataclass
class Catalogs:
    """Every language's translations for a chain of packages (first one wins)."""

    packages: tuple[str, ...]
    _cache: dict[str, gettext.NullTranslations] = field(default_factory=dict)

    def get(self, language: str) -> gettext.NullTranslations:
        if language not in self._cache:
            chain = [load_catalog(package, language) for package in self.packages]
            for first, second in itertools.pairwise(chain):
                first.add_fallback(second)
            self._cache[language] = chain[0]
        return self._cache[language]
