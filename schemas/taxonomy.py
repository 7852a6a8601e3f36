"""The mutual-aid category taxonomy: stable codes, labels, IRIs and mappings.

Top level only; item detail goes in the free-text item spec. Humanitarian
cluster and HXL mappings follow reference/domain.md, section 3.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.vocab import TAXONOMY_NS, Category


@dataclass(frozen=True)
class CategoryInfo:
    code: Category
    label: str
    includes: str
    cluster: str
    hxl: str

    @property
    def iri(self) -> str:
        return TAXONOMY_NS + self.code.value


CATEGORIES: tuple[CategoryInfo, ...] = (
    CategoryInfo(
        Category.FOOD,
        "Food",
        "groceries, prepared meals, baby food, produce",
        "Food Security",
        "#item+food",
    ),
    CategoryInfo(
        Category.WATER,
        "Drinking water",
        "bottled water, filters, purification tablets",
        "WASH",
        "#item+water",
    ),
    CategoryInfo(
        Category.HYGIENE,
        "Hygiene & sanitation",
        "soap, menstrual products, diapers, hygiene kits",
        "WASH",
        "#item+hygiene",
    ),
    CategoryInfo(
        Category.SHELTER,
        "Shelter & housing",
        "beds, space, tents, tarps, temporary housing, storage",
        "Shelter",
        "#item+shelter",
    ),
    CategoryInfo(
        Category.HOUSEHOLD,
        "Household & clothing",
        "bedding, blankets, clothing, kitchen sets, furniture",
        "Shelter (NFI)",
        "#item+nfi",
    ),
    CategoryInfo(
        Category.MEDICAL,
        "Medical supplies & health",
        "first aid, medicines, mobility aids, cold chain",
        "Health",
        "#item+medical",
    ),
    CategoryInfo(
        Category.TRANSPORT,
        "Transport & logistics",
        "rides, deliveries, vehicles, moving help, fuel",
        "Logistics",
        "#service+transport",
    ),
    CategoryInfo(
        Category.ENERGY_COMMS,
        "Energy & communications",
        "power banks, generators, charging, phones, connectivity",
        "Emergency Telecommunications",
        "#item+energy",
    ),
    CategoryInfo(
        Category.CARE,
        "Care & support",
        "childcare, elder and disability care, animal care, check-ins",
        "Protection",
        "#service+care",
    ),
    CategoryInfo(
        Category.SKILLS,
        "Skills & services",
        "translation, tech help, legal and benefits help, repairs",
        "Early Recovery",
        "#service+skills",
    ),
    CategoryInfo(
        Category.TIME,
        "Volunteer time & labour",
        "shifts, loading, cleanup",
        "Logistics",
        "#service+volunteer",
    ),
    CategoryInfo(
        Category.CASH,
        "Cash & financial",
        "micro-grants, rent help, vouchers",
        "Cash (multi-purpose)",
        "#value+cash",
    ),
    CategoryInfo(Category.OTHER, "Other", "anything else", "", "#item"),
)

# Pairs that partly satisfy each other (design brief, matching).
RELATED: frozenset[frozenset[Category]] = frozenset(
    frozenset(pair)
    for pair in (
        (Category.FOOD, Category.WATER),
        (Category.HYGIENE, Category.HOUSEHOLD),
        (Category.MEDICAL, Category.CARE),
        (Category.TRANSPORT, Category.ENERGY_COMMS),
        (Category.SKILLS, Category.TIME),
    )
)


def related_categories(code: Category) -> list[Category]:
    return [other for pair in RELATED if code in pair for other in pair if other != code]
