"""The matching engine: hand-built pairs with a known right answer, the index kept
incrementally, and the pruning proved equal to scoring everything."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from node.domain.location import EARTH_RADIUS_KM, haversine_km
from node.domain.matching import (
    URGENCY_RANK,
    Match,
    MatchIndex,
    MatchItem,
    by_urgency,
    score,
    score_pair,
)
from schemas.vocab import Category, Purpose, Unit, Urgency

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HERE = (45.0, 7.5)
KM_NORTH = 180 / (math.pi * EARTH_RADIUS_KM)  # degrees of latitude per km (haversine sphere)


def request(n: str = "r", **fields: object) -> MatchItem:
    base: dict[str, object] = {
        "id": f"https://a.example/requests/{n}",
        "purpose": Purpose.REQUEST,
        "category": Category.FOOD,
        "unit": Unit.KILOGRAM,
        "available": 10.0,
        "latitude": HERE[0],
        "longitude": HERE[1],
        "origin": "https://a.example/actor",
    }
    base.update(fields)
    return MatchItem(**base)  # type: ignore[arg-type]


def offer(n: str = "o", **fields: object) -> MatchItem:
    base: dict[str, object] = {
        "id": f"https://b.example/offers/{n}",
        "purpose": Purpose.OFFER,
        "category": Category.FOOD,
        "unit": Unit.KILOGRAM,
        "available": 10.0,
        "latitude": HERE[0],
        "longitude": HERE[1],
        "origin": "https://b.example/actor",
    }
    base.update(fields)
    return MatchItem(**base)  # type: ignore[arg-type]


def north(km: float) -> float:
    return HERE[0] + km * KM_NORTH


def scored(r: MatchItem, o: MatchItem) -> Match:
    match = score(r, o)
    assert match is not None
    return match


# --- the score of one pair ---------------------------------------------------


def test_identical_pair_scores_one_with_every_factor_explained() -> None:
    match = scored(request(), offer())
    assert match.item_id == offer().id
    assert match.score == 1.0
    assert match.factors == {"category": 1.0, "quantity": 1.0, "distance": 1.0, "window": 1.0}
    assert set(match.explanations) == set(match.factors)
    assert match.explanations["category"] == "same category (food)"
    assert match.explanations["quantity"] == "10 of the 10 kilogram needed"
    assert match.distance_km == 0.0


def test_same_category_nearby_beats_related_category() -> None:
    need = request(category=Category.WATER, unit=Unit.ONE)
    same = offer("same", category=Category.WATER, unit=Unit.ONE, latitude=north(2))
    related = offer("related", category=Category.FOOD, unit=Unit.ONE)
    a, b = scored(need, same), scored(need, related)
    assert a.factors["category"] == 1.0
    assert b.factors["category"] == 0.5
    assert a.score == pytest.approx(math.exp(-2 / 25))
    assert b.score == 0.5
    assert "related categories" in b.explanations["category"]
    index = MatchIndex([same, related])
    assert [m.item_id for m in index.matches_for(need)] == [same.id, related.id]


def test_unrelated_categories_never_match() -> None:
    assert score(request(category=Category.FOOD), offer(category=Category.SHELTER)) is None
    assert score(request(category=Category.CASH), offer(category=Category.TIME)) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (Category.FOOD, Category.WATER),
        (Category.HYGIENE, Category.HOUSEHOLD),
        (Category.MEDICAL, Category.CARE),
        (Category.TRANSPORT, Category.ENERGY_COMMS),
        (Category.SKILLS, Category.TIME),
    ],
)
def test_related_pairs_work_both_ways(a: Category, b: Category) -> None:
    assert scored(request(category=a), offer(category=b)).factors["category"] == 0.5
    assert scored(request(category=b), offer(category=a)).factors["category"] == 0.5


def test_an_offer_across_a_unit_boundary_never_matches() -> None:
    # 10 000 g is 10 kg, but units never convert: no cross-unit match, in any category.
    assert score(request(unit=Unit.KILOGRAM), offer(unit=Unit.GRAM, available=10_000)) is None
    assert score(request(unit=Unit.LITRE), offer(unit=Unit.MILLILITRE)) is None
    cross = offer("g", unit=Unit.GRAM, available=10_000)
    assert MatchIndex([cross]).matches_for(request()) == []


def test_quantity_is_the_share_of_the_need_capped_at_one() -> None:
    assert scored(request(available=10), offer(available=4)).factors["quantity"] == 0.4
    assert scored(request(available=10), offer(available=40)).factors["quantity"] == 1.0


def test_unit_based_offer_of_4_litre_steps_against_10_litre_scores_8_of_10() -> None:
    need = request(unit=Unit.LITRE, available=10)
    jerrycans = offer(unit=Unit.LITRE, available=40, unit_based=True, quantity_step=4)
    match = scored(need, jerrycans)
    assert match.factors["quantity"] == 0.8
    assert match.score == 0.8
    assert match.explanations["quantity"] == "8 of the 10 litre needed (in multiples of 4 litre)"
    # Stock limits it too: 2 jerrycans left, 8 L.
    assert scored(need, replace(jerrycans, available=8)).factors["quantity"] == 0.8
    # A step bigger than the need leaves nothing usable.
    assert score(need, replace(jerrycans, quantity_step=12, available=24)) is None


def test_unit_steps_of_both_sides_use_their_common_multiple() -> None:
    need = request(unit=Unit.ONE, available=10, unit_based=True, quantity_step=2)
    boxes = offer(unit=Unit.ONE, available=30, unit_based=True, quantity_step=3)
    assert scored(need, boxes).factors["quantity"] == 0.6  # 6 = lcm(2, 3)
    halves = offer(unit=Unit.LITRE, available=1, unit_based=True, quantity_step=0.1)
    assert scored(request(unit=Unit.LITRE, available=0.3), halves).factors["quantity"] == 1.0


def test_an_offer_whose_minimum_exceeds_the_need_is_excluded() -> None:
    need = request(available=10)
    assert score(need, offer(available=50, minimum=20)) is None
    assert scored(need, offer(available=50, minimum=10)).factors["quantity"] == 1.0
    # Stock below its own minimum cannot be handed over either.
    assert score(need, offer(available=3, minimum=5)) is None
    # The request's minimum: the least worth delivering.
    assert score(request(available=10, minimum=5), offer(available=4)) is None
    assert MatchIndex([offer(available=50, minimum=20)]).matches_for(need) == []


def test_distance_factor_is_exp_of_minus_d_over_25_km() -> None:
    far = offer(latitude=north(25))
    match = scored(request(), far)
    d = haversine_km(HERE[0], HERE[1], far.latitude or 0, far.longitude or 0)
    assert d == pytest.approx(25, rel=1e-9)
    assert match.factors["distance"] == math.exp(-d / 25)
    assert match.distance_km == d
    assert match.explanations["distance"] == "about 25 km apart"


def test_a_missing_location_is_neutral_one_half() -> None:
    nowhere = offer(latitude=None, longitude=None)
    assert scored(request(), nowhere).factors["distance"] == 0.5
    assert scored(request(latitude=None, longitude=None), offer()).factors["distance"] == 0.5
    assert scored(request(), nowhere).distance_km is None
    # So it ranks below a pair known to be close, above one known to be far.
    index = MatchIndex(
        [nowhere, offer("near", latitude=north(5)), offer("far", latitude=north(30))]
    )
    assert [m.item_id.rsplit("/", 1)[1] for m in index.matches_for(request())] == [
        "near",
        "o",
        "far",
    ]


def test_window_is_the_share_of_the_request_window_the_offer_covers() -> None:
    need = request(begins_at=T0, ends_at=T0 + timedelta(days=10))
    half = offer(begins_at=T0 + timedelta(days=5), ends_at=T0 + timedelta(days=20))
    assert scored(need, half).factors["window"] == 0.5
    assert "50%" in scored(need, half).explanations["window"]
    inside = offer(begins_at=T0 + timedelta(days=2), ends_at=T0 + timedelta(days=4))
    assert scored(need, inside).factors["window"] == pytest.approx(0.2)
    assert scored(need, offer()).factors["window"] == 1.0  # open-ended offer
    open_need = request(begins_at=T0)
    assert scored(open_need, half).factors["window"] == 1.0  # open-ended request, overlapping
    # Half-open offer: open on one side, bounded on the other, covers its share.
    until = offer(ends_at=T0 + timedelta(days=3))
    assert scored(need, until).factors["window"] == pytest.approx(0.3)


def test_a_disjoint_window_gives_no_match() -> None:
    need = request(begins_at=T0, ends_at=T0 + timedelta(days=2))
    later = offer(begins_at=T0 + timedelta(days=3), ends_at=T0 + timedelta(days=9))
    assert score(need, later) is None
    # Open-ended on one side does not rescue a disjoint pair.
    assert score(request(begins_at=T0 + timedelta(days=5)), offer(ends_at=T0)) is None
    assert score(need, offer(begins_at=T0 + timedelta(days=3))) is None
    assert MatchIndex([later]).matches_for(need) == []


def test_urgency_orders_requests_but_not_pair_scores() -> None:
    supply = offer()
    calm = request("a-calm", urgency=Urgency.ANYTIME)
    urgent = request("z-urgent", urgency=Urgency.WITHIN_1_2_DAYS)
    week = request("m-week", urgency=Urgency.WITHIN_A_WEEK)
    assert scored(calm, supply).score == scored(urgent, supply).score == 1.0
    index = MatchIndex([supply, calm, urgent, week])
    # Equal scores: the urgent request first, although its id sorts last.
    assert [m.item_id for m in index.matches_for(supply)] == [urgent.id, week.id, calm.id]
    assert index.requests_needing_matches() == [urgent, week, calm]
    # A better-scoring calm request still beats a worse-scoring urgent one.
    far_urgent = replace(urgent, latitude=north(10))
    index.update(far_urgent)
    assert index.matches_for(supply)[0].item_id != far_urgent.id
    assert index.requests_needing_matches()[0] == far_urgent


def test_requests_needing_matches_skip_met_and_untrusted_ones() -> None:
    soon = request("soon", urgency=Urgency.WITHIN_3_5_DAYS, ends_at=T0 + timedelta(days=2))
    late = request("late", urgency=Urgency.WITHIN_3_5_DAYS, ends_at=T0 + timedelta(days=9))
    open_ended = request("open", urgency=Urgency.WITHIN_3_5_DAYS)
    met = request("met", urgency=Urgency.WITHIN_1_2_DAYS, available=0)
    stranger = request("stranger", urgency=Urgency.WITHIN_1_2_DAYS, trusted=False)
    index = MatchIndex([open_ended, late, met, soon, stranger, offer()])
    assert index.requests_needing_matches() == [soon, late, open_ended]
    assert by_urgency([open_ended, late, soon]) == [soon, late, open_ended]


def test_untrusted_items_never_match() -> None:
    stranger = offer(trusted=False)
    assert score(request(), stranger) is None
    assert score(request(trusted=False), offer()) is None
    index = MatchIndex([stranger, request("mine")])
    assert index.matches_for(request()) == []
    assert index.matches_for(offer("other")) == [index.matches_for(offer("other"))[0]]
    assert index.matches_for(replace(offer("other"), trusted=False)) == []
    index.update(replace(stranger, trusted=True))  # the admin trusts the peer after all
    assert [m.item_id for m in index.matches_for(request())] == [stranger.id]


def test_purposes_must_pair() -> None:
    assert score(request(), request("other")) is None
    assert score(offer(), offer("other")) is None
    assert score(offer(), request()) is None  # arguments are (request, offer)
    both_ways = score_pair(offer(), request())
    assert both_ways is not None
    assert both_ways.item_id == request().id


def test_a_spent_item_gets_no_matches() -> None:
    assert score(request(available=0), offer()) is None
    assert score(request(), offer(available=0)) is None
    index = MatchIndex([offer()])
    assert index.matches_for(request(available=0)) == []


def test_items_are_validated() -> None:
    with pytest.raises(ValueError, match="quantity_step"):
        offer(unit_based=True)
    with pytest.raises(ValueError, match="both latitude and longitude"):
        offer(longitude=None)
    with pytest.raises(ValueError, match="time zone"):
        offer(begins_at=datetime(2026, 3, 1))
    with pytest.raises(ValueError, match="before"):
        offer(begins_at=T0, ends_at=T0 - timedelta(days=1))
    with pytest.raises(ValueError, match="available"):
        offer(available=-1)
    assert offer(category="water").category is Category.WATER
    with pytest.raises(ValueError, match="cell_deg"):
        MatchIndex(cell_deg=0.7)


# --- the index, kept incrementally ---------------------------------------------


def test_add_remove_update() -> None:
    index = MatchIndex()
    need = request()
    assert len(index) == 0
    index.add(need)
    index.add(offer("a", available=5))
    index.add(offer("b", available=2, latitude=None, longitude=None))
    assert len(index) == 3
    assert offer("a").id in index
    assert [(m.item_id[-1], m.score) for m in index.matches_for(need)] == [("a", 0.5), ("b", 0.1)]
    with pytest.raises(ValueError, match="already indexed"):
        index.add(offer("a"))

    index.update(offer("a", available=1))  # claims reduced what is left
    index.update(offer("b", available=10, latitude=north(1)))  # now located
    assert [(m.item_id[-1], round(m.score, 4)) for m in index.matches_for(need)] == [
        ("b", round(math.exp(-1 / 25), 4)),
        ("a", 0.1),
    ]
    index.update(offer("b", latitude=-33.9, longitude=151.2))  # moved across the world
    assert [m.item_id[-1] for m in index.matches_for(need)] == ["a"]

    assert index.remove(offer("a").id) == offer("a", available=1)
    assert index.get(offer("a").id) is None
    assert index.matches_for(need) == []
    with pytest.raises(KeyError):
        index.remove(offer("a").id)
    index.update(offer("c"))  # update adds an item it does not hold yet
    assert len(index) == 3
    assert {item.id[-1] for item in index} == {"r", "b", "c"}
    # Offers find requests the same way.
    assert [m.item_id for m in index.matches_for(offer("c"))] == [need.id]
    index.remove(need.id)
    assert index.matches_for(offer("c")) == []


def test_limit_and_min_score() -> None:
    offers = [offer(str(k), latitude=north(k)) for k in range(20)]
    index = MatchIndex(offers)
    found = index.matches_for(request(), limit=5)
    assert [m.item_id for m in found] == [o.id for o in offers[:5]]
    assert index.matches_for(request(), limit=0) == []
    # exp(-d/25) ≥ 0.6 ⇔ d ≤ 12.77 km: offers 0..12.
    assert len(index.matches_for(request(), limit=100, min_score=0.6)) == 13
    # Beyond ~75 km nothing reaches the default 0.05.
    index = MatchIndex([offer("74", latitude=north(74)), offer("76", latitude=north(76))])
    assert [m.item_id[-2:] for m in index.matches_for(request())] == ["74"]


def test_points_on_the_antimeridian_find_each_other() -> None:
    east = offer("east", latitude=10.0, longitude=180.0)
    west = offer("west", latitude=10.0, longitude=-179.95)
    index = MatchIndex([east, west])
    for lon in (180.0, -180.0, 179.98):
        need = request(latitude=10.0, longitude=lon)
        found = index.matches_for(need)
        assert [m.item_id for m in found] == [m.item_id for m in brute_force(need, [east, west])]
        assert len(found) == 2


# --- pruning never drops what the brute force returns ------------------------------


def brute_force(
    item: MatchItem, items: list[MatchItem], limit: int = 10, min_score: float = 0.05
) -> list[Match]:
    """Score every item of the other purpose; keep the best, in the documented order."""
    found: list[tuple[Match, MatchItem]] = []
    for other in items:
        if item.purpose is Purpose.REQUEST:
            match = score(item, other)
        else:
            match = score(other, item)
            if match is not None:
                match = replace(match, item_id=other.id)
        if match is not None and match.score >= min_score:
            found.append((match, other))
    if item.purpose is Purpose.REQUEST:
        found.sort(key=lambda pair: (-pair[0].score, pair[1].id))
    else:
        found.sort(key=lambda pair: (-pair[0].score, URGENCY_RANK[pair[1].urgency], pair[1].id))
    return [match for match, _ in found[:limit]]


def random_items(
    seed: int, count: int, centre: tuple[float, float], span_deg: float
) -> list[MatchItem]:
    rng = random.Random(seed)
    categories = [
        Category.FOOD,
        Category.WATER,
        Category.HYGIENE,
        Category.HOUSEHOLD,
        Category.CASH,
    ]
    units = [Unit.ONE, Unit.LITRE]
    items = []
    for n in range(count):
        located = rng.random() > 0.1
        lat = centre[0] + rng.uniform(-span_deg, span_deg) / 2
        lon = (centre[1] + rng.uniform(-span_deg, span_deg) + 180) % 360 - 180
        if rng.random() < 0.2:  # many share a point, as grid-snapped points do
            lat, lon = round(lat, 1), round(lon, 1)
        step = rng.choice([None, None, 1.0, 2.0, 0.5, 1.5])
        available = float(rng.randint(0, 30))
        begins = T0 + timedelta(hours=rng.randint(-48, 240)) if rng.random() < 0.7 else None
        ends = (begins or T0) + timedelta(hours=rng.randint(1, 400)) if rng.random() < 0.7 else None
        items.append(
            MatchItem(
                id=f"https://n{n % 7}.example/items/{n:05d}",
                purpose=rng.choice(list(Purpose)),
                category=rng.choice(categories),
                unit=rng.choice(units),
                available=available,
                minimum=float(rng.randint(1, 8)) if rng.random() < 0.2 else None,
                unit_based=step is not None,
                quantity_step=step,
                latitude=max(-90.0, min(90.0, lat)) if located else None,
                longitude=lon if located else None,
                begins_at=begins,
                ends_at=ends,
                urgency=rng.choice(list(Urgency)),
                origin=f"https://n{n % 7}.example/actor",
                trusted=rng.random() > 0.1,
            )
        )
    return items


def assert_index_equals_brute_force(
    items: list[MatchItem], queries: list[MatchItem], cell_deg: float
) -> int:
    index = MatchIndex(items, cell_deg=cell_deg)
    compared = 0
    for limit, min_score in [(10, 0.05), (3, 0.05), (50, 0.01), (10, 0.0), (5, 0.4)]:
        for query in queries:
            expected = brute_force(query, items, limit, min_score)
            got = index.matches_for(query, limit=limit, min_score=min_score)
            assert [(m.item_id, m.score) for m in got] == [(m.item_id, m.score) for m in expected]
            assert got == expected
            compared += len(expected)
    return compared


@pytest.mark.parametrize("cell_deg", [0.2, 0.05, 1.0])
def test_pruning_returns_exactly_the_brute_force_answer(cell_deg: float) -> None:
    # 3,000 items in a ~330 km box: far beyond the 75 km cut-off, dense enough that
    # the top-10 bar prunes, with ties from shared points, open windows and no location.
    items = random_items(seed=7, count=3000, centre=(45.0, 7.5), span_deg=3.0)
    queries = random.Random(1).sample(items, 60)
    assert assert_index_equals_brute_force(items, queries, cell_deg) > 1000


@pytest.mark.parametrize(
    ("centre", "span"),
    [((10.0, 179.8), 2.0), ((89.5, 0.0), 2.0), ((-89.7, 40.0), 1.0)],
    ids=["antimeridian", "north-pole", "south-pole"],
)
def test_pruning_is_exact_across_the_antimeridian_and_near_poles(
    centre: tuple[float, float], span: float
) -> None:
    items = random_items(seed=11, count=800, centre=centre, span_deg=span)
    queries = random.Random(2).sample(items, 40)
    assert assert_index_equals_brute_force(items, queries, 0.2) > 100


def test_pruning_survives_incremental_changes() -> None:
    items = random_items(seed=5, count=2000, centre=(45.0, 7.5), span_deg=2.0)
    index = MatchIndex(items)
    rng = random.Random(3)
    live = {item.id: item for item in items}
    for step in range(600):
        item = rng.choice(list(live.values()))
        if step % 3 == 0:
            index.remove(item.id)
            del live[item.id]
        else:
            moved = replace(
                item,
                available=float(rng.randint(0, 30)) if not item.unit_based else item.available,
                latitude=item.latitude and item.latitude + rng.uniform(-0.5, 0.5),
                trusted=rng.random() > 0.1,
            )
            index.update(moved)
            live[moved.id] = moved
    assert len(index) == len(live)
    everything = list(live.values())
    for query in rng.sample(everything, 40):
        expected = brute_force(query, everything, 10, 0.05)
        assert index.matches_for(query) == expected
