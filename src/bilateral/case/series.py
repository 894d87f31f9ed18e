"""The vocabulary of series a hypothesis test may name: ``family.metric[@A-B]``.

The case layer only checks names; the measure layer computes the series.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SERIES: dict[str, frozenset[str]] = {
    "events": frozenset({
        "count", "mean_goldstein", "weighted_goldstein", "cooperation", "conflict",
        "net_cooperation", "net_cooperation_norm", "quad_index", "conflict_share", "dyad_share",
    }),
    "case_events": frozenset({"count", "mean_goldstein", "net_cooperation"}),
    "unga": frozenset({"agreement", "s_score", "ideal_distance"}),
    "trade": frozenset({"total", "exports", "imports"}),
    "trade_monthly": frozenset({"exports", "imports"}),
    "mid": frozenset({"onsets", "ongoing", "hostility"}),
    "alliance": frozenset({"defense", "neutrality", "nonaggression", "entente"}),
    "rivalry": frozenset({"strategic"}),
    "capabilities": frozenset({"cinc_ratio"}),
    "igo": frozenset({"joint_memberships"}),
    "opinion": frozenset({
        "like_russia", "dislike_russia", "like_china", "dislike_china", "like_usa",
        "dislike_usa", "like_korea", "dislike_korea", "cabinet_approval",
    }),
    "gdelt_graph": frozenset({"score"}),
    "sanctions": frozenset({"active"}),
}

_REF = re.compile(r"^(?P<family>[a-z_]+)\.(?P<metric>[a-z_]+)(?:@(?P<a>[A-Z]{3})-(?P<b>[A-Z]{3}))?$")


@dataclass(frozen=True)
class SeriesRef:
    family: str
    metric: str
    dyad: tuple[str, str] | None = None


def parse_series_ref(text: str) -> SeriesRef:
    """Parse ``family.metric[@A-B]``; raises ``ValueError`` naming the valid choices."""
    match = _REF.match(text)
    if not match:
        raise ValueError(f"series {text!r} is not of the form family.metric or family.metric@AAA-BBB")
    family, metric = match["family"], match["metric"]
    if family not in SERIES:
        raise ValueError(f"unknown series family {family!r}; known: {', '.join(sorted(SERIES))}")
    if metric not in SERIES[family]:
        choices = ", ".join(sorted(SERIES[family]))
        raise ValueError(f"unknown metric {metric!r} for {family}; known: {choices}")
    dyad = (match["a"], match["b"]) if match["a"] else None
    return SeriesRef(family, metric, dyad)
