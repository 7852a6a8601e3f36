"""Privacy by construction: coarse locations and retention of private details."""

from __future__ import annotations

import json
import logging
import random
import struct
from datetime import timedelta
from pathlib import Path

import pytest

from node.domain.location import haversine_km, snap_to_grid
from node.workers import ExpirySweep, RetentionSweep
from tests.conftest import Node, NodeFactory


def _needles(value: float) -> list[bytes]:
    """How an exact coordinate could be written down: digits, and SQLite's REAL."""
    digits = f"{value:.7f}".rstrip("0")
    return [
        digits.encode(),
        digits.split(".")[1].encode(),  # the fraction alone, however it is prefixed
        struct.pack(">d", value),  # SQLite stores REAL as a big-endian double
        struct.pack("<d", value),
    ]


async def test_exact_points_are_never_stored_logged_or_exported(
    node: Node, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(9421)
    points = []
    exported = []
    with caplog.at_level(logging.DEBUG):
        for n in range(20):
            lat = round(rng.uniform(-60, 60), 7)
            lon = round(rng.uniform(-170, 170), 7)
            points.append((lat, lon))
            kind = "offers" if n % 2 else "requests"
            created = await node.call(
                "POST",
                f"/api/v1/{kind}",
                {
                    "title": f"Item {n}",
                    "category": "food",
                    "location": {"latitude": lat, "longitude": lon},
                },
                expect=201,
            )
            exported.append(json.dumps(created))
            place = created["location"]
            assert haversine_km(lat, lon, place["latitude"], place["longitude"]) <= 5.0
        for kind in ("offers", "requests"):
            exported.append(json.dumps(await node.call("GET", f"/api/v1/{kind}", expect=200)))
    data_dir = node.services.settings.data_dir
    haystacks = {p.name: p.read_bytes() for p in Path(data_dir).iterdir() if p.is_file()}
    assert "node.db-wal" in haystacks, "the WAL must be scanned too"
    haystacks["logs"] = caplog.text.encode()
    haystacks["exports"] = "".join(exported).encode()
    for lat, lon in points:
        for needle in _needles(lat) + _needles(lon):
            for name, haystack in haystacks.items():
                assert needle not in haystack, f"exact coordinate found in {name}"


@pytest.mark.parametrize("cell_km", [1.0, 5.0])
@pytest.mark.parametrize("lat", [-54.8, -33.9, 0.0, 1.3, 40.7, 64.1, 78.2])
def test_grid_cells_contain_their_points(cell_km: float, lat: float) -> None:
    rng = random.Random(int(lat * 10) + int(cell_km))
    for _ in range(50):
        point = (lat + rng.uniform(-0.2, 0.2), rng.uniform(-179.9, 179.9))
        place = snap_to_grid(*point, cell_km)
        assert haversine_km(*point, place.latitude, place.longitude) <= place.radius_km + 1e-3
        assert place.radius_km == round(cell_km * 2**0.5 / 2, 3)
        again = snap_to_grid(place.latitude, place.longitude, cell_km)
        assert (again.latitude, again.longitude) == (place.latitude, place.longitude)


def test_nearby_points_share_a_cell() -> None:
    a = snap_to_grid(40.71001, -73.90001, 5.0)
    b = snap_to_grid(40.71002, -73.90002, 5.0)
    assert (a.latitude, a.longitude) == (b.latitude, b.longitude)


async def test_admin_areas(make_node: NodeFactory) -> None:
    areas = [
        {"name": "Northside", "latitude": 10.0, "longitude": 10.0, "radius_km": 5},
        {"name": "Southside", "latitude": 9.9, "longitude": 10.0, "radius_km": 5},
    ]
    node: Node = await make_node(location_precision="admin-area", areas=areas)
    by_point = await node.offer(location={"latitude": 9.91, "longitude": 10.01})
    assert by_point["location"] == {
        "precision": "admin-area",
        "latitude": 9.9,
        "longitude": 10.0,
        "radius_km": 5.0,
        "area": "Southside",
    }
    by_name = await node.offer(location={"area": "northside"})
    assert by_name["location"]["area"] == "Northside"
    problem = await node.call(
        "POST",
        "/api/v1/offers",
        {"title": "x", "category": "food", "location": {"latitude": 50, "longitude": 10}},
        expect=422,
    )
    assert problem["reason"] == "location-outside-areas"


async def test_private_details_are_deleted_after_retention(node: Node) -> None:
    closed = await node.offer(private={"contact": "Ana 555-0100", "notes": "back door"})
    expiring = await node.offer(ends_at="2026-03-02T00:00:00Z", private={"contact": "Bo"})
    kept = await node.offer(private={"contact": "Cy 555-0199"})
    await node.call(
        "POST", f"/api/v1/offers/{closed['id']}/close", {"reason": "fulfilled"}, expect=200
    )
    node.clock.advance(timedelta(days=1))
    assert await ExpirySweep(node.services.items).run_once() == 1
    retention = RetentionSweep(node.services.items)

    node.clock.advance(timedelta(days=28, hours=23))
    assert await retention.run_once() == 0, "30 days have not passed for either"
    node.clock.advance(timedelta(hours=1))
    assert await retention.run_once() == 1, "the closed item's details go first"
    node.clock.advance(timedelta(days=1))
    assert await retention.run_once() == 1

    for item, contact in ((closed, None), (expiring, None), (kept, "Cy 555-0199")):
        shown = await node.call("GET", f"/api/v1/offers/{item['id']}", expect=200)
        assert (shown["private"] or {}).get("contact") == contact
    assert not any("555-0100" in line for line in node.dump())


async def test_renewal_cancels_the_purge(node: Node) -> None:
    offer = await node.offer(ends_at="2026-03-02T00:00:00Z", private={"contact": "Ana"})
    node.clock.advance(timedelta(days=1))
    await ExpirySweep(node.services.items).run_once()
    await node.call("POST", f"/api/v1/offers/{offer['id']}/renew", {}, expect=200)
    node.clock.advance(timedelta(days=31))
    assert await RetentionSweep(node.services.items).run_once() == 0
