"""Coarse locations by construction: a point is snapped before anything stores it.

Grid precision uses a fixed-degree grid (design brief, section 3a): the
latitude step is ``km / 111.32``; the longitude step is ``km / (111.32 ×
cos(latitude of the row's centre))``. The published point is the cell centre
(5 decimals), with ``radius`` half the cell's diagonal. ``admin-area``
precision maps the point to the declared area that contains it.
"""

from __future__ import annotations

import math

from node.domain.model import Place
from node.errors import FieldError, Unprocessable
from node.settings import Area
from schemas.vocab import LocationPrecision

KM_PER_DEGREE = 111.32
EARTH_RADIUS_KM = 6371.0088
GRID_KM = {LocationPrecision.GRID_1KM: 1.0, LocationPrecision.GRID_5KM: 5.0}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def snap_to_grid(latitude: float, longitude: float, cell_km: float) -> Place:
    lat_step = cell_km / KM_PER_DEGREE
    centre_lat = (math.floor(latitude / lat_step) + 0.5) * lat_step
    centre_lat = max(-90.0, min(90.0, centre_lat))
    lon_step = cell_km / (KM_PER_DEGREE * max(math.cos(math.radians(centre_lat)), 1e-6))
    centre_lon = (math.floor(longitude / lon_step) + 0.5) * lon_step
    centre_lon = (centre_lon + 180.0) % 360.0 - 180.0
    precision = LocationPrecision.GRID_1KM if cell_km == 1.0 else LocationPrecision.GRID_5KM
    return Place(
        precision=precision,
        latitude=round(centre_lat, 5),
        longitude=round(centre_lon, 5),
        radius_km=round(cell_km * math.sqrt(2) / 2, 3),
    )


def area_place(area: Area) -> Place:
    return Place(
        precision=LocationPrecision.ADMIN_AREA,
        latitude=round(area.latitude, 5),
        longitude=round(area.longitude, 5),
        radius_km=area.radius_km,
        area=area.name,
    )


def area_for_point(latitude: float, longitude: float, areas: list[Area]) -> Area:
    """The nearest declared area whose radius contains the point."""
    containing = [
        (haversine_km(latitude, longitude, a.latitude, a.longitude), a)
        for a in areas
        if haversine_km(latitude, longitude, a.latitude, a.longitude) <= a.radius_km
    ]
    if not containing:
        raise Unprocessable(
            "The point is outside every area this node declares.",
            reason="location-outside-areas",
            errors=[FieldError("location", "outside every declared area")],
        )
    return min(containing, key=lambda pair: pair[0])[1]


def area_by_name(name: str, areas: list[Area]) -> Area:
    for area in areas:
        if area.name.casefold() == name.casefold():
            return area
    raise Unprocessable(
        f"Unknown area {name!r}.",
        reason="location-unknown-area",
        errors=[FieldError("location.area", "not one of the declared areas")],
    )


def coarse_place(
    *,
    precision: LocationPrecision,
    areas: list[Area],
    latitude: float | None = None,
    longitude: float | None = None,
    area: str | None = None,
) -> Place:
    """Turn what a coordinator entered into the only location we ever keep."""
    if area is not None:
        return area_place(area_by_name(area, areas))
    if latitude is None or longitude is None:
        raise Unprocessable(
            "A location needs a point or an area.",
            errors=[FieldError("location", "give latitude and longitude, or area")],
        )
    if precision is LocationPrecision.ADMIN_AREA:
        return area_place(area_for_point(latitude, longitude, areas))
    return snap_to_grid(latitude, longitude, GRID_KM[precision])
