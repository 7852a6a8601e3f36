"""Alias tables: every spelling of a term we accept, mapped to the one we use.

Peers write the same ValueFlows term as ``transfer``, ``vf:transfer``,
``ValueFlows:transfer``, ``https://w3id.org/valueflows/ont/vf#transfer`` or
(Bonfire) ``https://w3id.org/valueflows#transfer``; units as ``kilogram``,
``om2:kilogram``, a full OM2 IRI, or Bonfire's ``{"label": "kilo", "symbol":
"kg"}``; numbers as ``4`` or ``"4"``. These pure functions map them to plain
local names on plain JSON, with fixed tables: no JSON-LD expansion, no
context fetch, so the hot path never runs pyld on known shapes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from schemas.context import AS_CONTEXT, OM2_NS, VF_NS
from schemas.vocab import PROJECT_NS, TAXONOMY_NS, Action, Category, Unit

AS_NS = AS_CONTEXT + "#"
VF_OLD_NS = "https://w3id.org/valueflows#"
"""Bonfire's (older) ValueFlows namespace."""
VF_SLASH_NS = "https://w3id.org/valueflows/"
"""The prefix some early FEP-d767 examples bound ``vf`` to."""
OM2_HTTPS_NS = "https://www.ontology-of-units-of-measure.org/resource/om-2/"

NAMESPACES: tuple[str, ...] = (
    VF_NS,
    VF_OLD_NS,
    OM2_NS,
    OM2_HTTPS_NS,
    PROJECT_NS,
    AS_NS,
    VF_SLASH_NS,
)
"""Namespace IRIs whose terms we know by local name (longest-match order matters:
``…/valueflows/ont/vf#`` is tried before ``…/valueflows/``)."""

PREFIXES: Mapping[str, str] = {
    "vf": VF_NS,
    "valueflows": VF_NS,
    "ValueFlows": VF_OLD_NS,
    "om2": OM2_NS,
    "om": OM2_NS,
    "sn": PROJECT_NS,
    "as": AS_NS,
}
"""Compact-IRI prefixes peers use for those namespaces (Bonfire: ``ValueFlows:``)."""

VF_NAMESPACES = (VF_NS, VF_OLD_NS, VF_SLASH_NS)
VF_PREFIXES = frozenset({"vf", "valueflows", "ValueFlows"})

_VF_INTENT_FLAVOURS = frozenset({"Offer", "Need"})
"""Bonfire types Intents as ``ValueFlows:Offer`` / ``ValueFlows:Need``: Intents, not AS2 Offers."""


def local_name(value: str) -> str:
    """``vf:transfer`` / ``…/ont/vf#transfer`` / ``…/valueflows#transfer`` → ``transfer``.

    Values outside the known namespaces and prefixes come back unchanged.
    """
    for namespace in NAMESPACES:
        if value.startswith(namespace) and len(value) > len(namespace):
            return value[len(namespace) :]
    prefix, colon, rest = value.partition(":")
    if colon and rest and not rest.startswith("//") and prefix in PREFIXES:
        return rest
    return value


def is_vf_term(value: str) -> bool:
    """Whether ``value`` is written in a ValueFlows namespace or with a VF prefix."""
    prefix, colon, _ = value.partition(":")
    return value.startswith(VF_NAMESPACES) or (bool(colon) and prefix in VF_PREFIXES)


def canonical_type(value: str) -> str:
    """An object type's local name; Bonfire's VF ``Offer``/``Need`` become ``Intent``."""
    name = local_name(value)
    if name in _VF_INTENT_FLAVOURS and is_vf_term(value):
        return "Intent"
    return name


def type_names(value: Any) -> frozenset[str]:
    """The canonical type names of a raw ``type`` (string, list, or absent)."""
    values = value if isinstance(value, list) else [value]
    return frozenset(canonical_type(v) for v in values if isinstance(v, str))


def canonical_key(key: str) -> str:
    """A JSON key's local term: ``vf:purpose`` → ``purpose``, ``@type`` → ``type``."""
    if key in ("@id", "@type"):
        return key[1:]
    if ":" not in key or key.startswith("@"):
        return key
    return local_name(key)


def canonical_keys(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy with prefixed or full-IRI keys renamed to local terms.

    A plain key always wins over a prefixed spelling of the same term; the
    losing spelling is kept as it was, so nothing a peer sent is dropped.
    """
    if not any(":" in key or key in ("@id", "@type") for key in document):
        return dict(document)
    result: dict[str, Any] = {}
    renamed: dict[str, Any] = {}
    for key, value in document.items():
        local = canonical_key(key)
        if local == key or local in document or local in renamed:
            result[key] = value
        else:
            renamed[local] = value
    return result | renamed


_ACTIONS: Mapping[str, str] = {action.value.lower(): action.value for action in Action}


def canonical_action(value: Any) -> str:
    """An action's local name; our own actions also in their one spelling.

    Accepts a string in any known namespace, Bonfire's ``{"id": …, "label": …}``
    and VF 0.x kebab-case (``deliver-service``).
    """
    if isinstance(value, Mapping):
        value = value.get("id") or value.get("label") or value.get("@id")
    if not isinstance(value, str) or not value.strip():
        raise ValueError("action must be a non-empty string")
    name = local_name(value.strip())
    return _ACTIONS.get(name.replace("-", "").replace("_", "").lower(), name)


_UNIT_ALIASES: Mapping[str, str] = {
    alias: unit.value
    for unit, aliases in {
        Unit.ONE: ("one", "ones", "each", "piece", "pieces", "unit", "units", "item", "items"),
        Unit.GRAM: ("gram", "grams", "gramme", "grammes", "g"),
        Unit.KILOGRAM: ("kilogram", "kilograms", "kilogramme", "kilo", "kilos", "kg"),
        Unit.MILLILITRE: ("millilitre", "millilitres", "milliliter", "milliliters", "ml"),
        Unit.LITRE: ("litre", "litres", "liter", "liters", "l"),
        Unit.METRE: ("metre", "metres", "meter", "meters", "m"),
        Unit.HOUR: ("hour", "hours", "hour-time", "h", "hr", "hrs"),
        Unit.DAY: ("day", "days", "day-time", "d"),
        Unit.WEEK: ("week", "weeks", "week-time", "wk"),
    }.items()
    for alias in aliases
}


def _known_unit(text: str) -> str | None:
    return _UNIT_ALIASES.get(local_name(text.strip()).lower())


def canonical_unit(value: Any) -> str:
    """A unit's OM2 local name: ours in their one spelling, any other unchanged.

    Accepts ``kilogram``, ``om2:kilogram``, a full OM2 IRI, common names and
    symbols (``kg``, ``liter``), and Bonfire's unit objects, trying the OM2
    ``id`` first, then ``label``, then ``symbol``.
    """
    if isinstance(value, Mapping):
        texts = {k: value.get(k) for k in ("id", "@id", "label", "symbol")}
        named = {k: v.strip() for k, v in texts.items() if isinstance(v, str) and v.strip()}
        for text in named.values():
            known = _known_unit(text)
            if known is not None:
                return known
        if not named:
            raise ValueError("unit object has no id, label or symbol")
        value = named.get("label") or named.get("symbol") or next(iter(named.values()))
    if not isinstance(value, str) or not value.strip():
        raise ValueError("unit must be a non-empty string")
    return _known_unit(value) or local_name(value.strip())


def parse_number(value: Any) -> float:
    """A finite number, given as a JSON number or a numeric string (``"1"``)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
    else:
        raise ValueError("expected a number")
    if not math.isfinite(number):
        raise ValueError("numbers must be finite")
    return number


_CATEGORY_CODES = frozenset(category.value for category in Category)
_TAXONOMY_PREFIXES = frozenset({"sn", "snt", "taxonomy", "sn-taxonomy"})
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*):([a-z][a-z-]*)$")


def category_code(value: str) -> Category | None:
    """Our category from a classification: the taxonomy IRI, ``sn:food``, or ``food``.

    Anything else (Wikidata IRIs, other taxonomies) is not ours: ``None``.
    """
    for namespace in (TAXONOMY_NS, PROJECT_NS):
        if value.startswith(namespace):
            value = value[len(namespace) :]
            break
    else:
        match = _PREFIXED.match(value)
        if match is not None:
            if match.group(1) not in _TAXONOMY_PREFIXES:
                return None
            value = match.group(2)
    return Category(value) if value in _CATEGORY_CODES else None


_KM_PER_UNIT: Mapping[str, float] = {
    "km": 1.0,
    "m": 0.001,
    "cm": 0.00001,
    "miles": 1.609344,
    "mile": 1.609344,
    "feet": 0.0003048,
    "foot": 0.0003048,
    "ft": 0.0003048,
    "inches": 0.0000254,
    "inch": 0.0000254,
}


def radius_km(radius: float, units: str | None) -> float | None:
    """An AS2 ``Place.radius`` in km; ``units`` defaults to metres (AS2). Unknown: ``None``."""
    factor = _KM_PER_UNIT.get(local_name(units).lower() if units else "m")
    return None if factor is None else radius * factor
