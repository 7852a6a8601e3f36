"""The matching engine: scores of request/offer pairs and an index to find the best.

Pure and in-memory: no storage, no clock, no I/O. See :mod:`.scoring` for the
formula and :mod:`.index` for the pruning that keeps ``matches_for`` fast.
"""

from node.domain.matching.index import DEFAULT_CELL_DEG, MatchIndex, by_urgency, urgency_key
from node.domain.matching.model import URGENCY_RANK, Match, MatchItem
from node.domain.matching.scoring import (
    DISTANCE_SCALE_KM,
    FACTORS,
    NO_LOCATION_FACTOR,
    RELATED_FACTOR,
    category_factor,
    distance_factor,
    quantity_factor,
    score,
    score_pair,
    usable_quantity,
    window_factor,
)

__all__ = [
    "DEFAULT_CELL_DEG",
    "DISTANCE_SCALE_KM",
    "FACTORS",
    "NO_LOCATION_FACTOR",
    "RELATED_FACTOR",
    "URGENCY_RANK",
    "Match",
    "MatchIndex",
    "MatchItem",
    "by_urgency",
    "category_factor",
    "distance_factor",
    "quantity_factor",
    "score",
    "score_pair",
    "urgency_key",
    "usable_quantity",
    "window_factor",
]
