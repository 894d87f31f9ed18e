"""The militarized interstate disputes of one pair of states, one row per dispute, with dates.

Sources: COW MID 5 (Palmer et al. 2022) as shipped by peacesciencer — the dyadic files give the
pair's years and each side's highest action, the dispute file the start month, duration and
outcome — and the GML participant file (Gibler, Miller & Little 2016), which keeps the start and
end day of each state's participation where GML has the dispute. Both tables carry their citation
keys in ``attrs["sources"]``.
"""

from __future__ import annotations

import pandas as pd

from bilateral.data.structural import (
    read_gml_participants,
    read_mid_dispute_dyads,
    read_mid_disputes,
    read_mid_dyad_years,
)
from bilateral.data.structural.dyads import orient
from bilateral.data.structural.mids import HIGHEST_ACTION

_SIDED = ("sidea", "fatality", "fatalpre", "hiact", "hostlev", "orig")
MID_SOURCES = ["miller2022peacesciencer", "palmer2022mid5"]
GML_SOURCE = "gibler2016mid"


def dyad_mid_years(a: str, b: str, *, whittled: bool = False) -> pd.DataFrame:
    """Dispute-dyad-years of the pair, side 1 = ``a``. ``whittled`` uses peacesciencer's
    dyad-year file (one dispute per dyad-year) instead of every dispute."""
    frame = read_mid_dyad_years() if whittled else read_mid_dispute_dyads()
    years = orient(frame, a, b, ["dispnum", "year"], _SIDED)
    years.attrs["sources"] = list(MID_SOURCES)
    return years


def _gml_dates(a: str, b: str) -> pd.DataFrame:
    part = read_gml_participants()
    mine = {s: part[part["iso3"] == s].groupby("dispnum").agg(start=("start", "min"), end=("end", "max"))
            for s in (a, b)}
    both = mine[a].join(mine[b], lsuffix="_a", rsuffix="_b", how="inner")
    return pd.DataFrame({"gml_start": both[["start_a", "start_b"]].max(axis=1),
                         "gml_end": both[["end_a", "end_b"]].min(axis=1)})


def dyad_disputes(a: str, b: str, *, since: int | None = None, whittled: bool = False) -> pd.DataFrame:
    """One row per MID between ``a`` and ``b`` (starting in or after ``since``).

    Columns: ``dispnum, start`` (month), ``first_year, last_year`` (of the pair's involvement),
    ``gml_start, gml_end`` (days from GML where it has the dispute), ``min_days, max_days``
    (dispute duration), ``highest_action`` (of the dispute), ``action_a, action_b`` (each side's
    highest action), ``hostility`` (1–5), ``outcome``, ``originator`` (states that began it),
    ``side_a`` (the state on side A).
    """
    years = dyad_mid_years(a, b, whittled=whittled)
    if years.empty:
        empty = pd.DataFrame(columns=["dispnum", "start", "first_year", "last_year", "gml_start", "gml_end",
                                     "min_days", "max_days", "highest_action", "action_a", "action_b",
                                     "hostility", "outcome", "originator", "side_a"])
        empty.attrs["sources"] = sorted([*MID_SOURCES, GML_SOURCE])
        return empty
    pair = years.groupby("dispnum").agg(first_year=("year", "min"), last_year=("year", "max"),
                                        hiact1=("hiact1", "max"), hiact2=("hiact2", "max"),
                                        orig1=("orig1", "max"), orig2=("orig2", "max"),
                                        sidea1=("sidea1", "max"))
    disputes = read_mid_disputes().set_index("dispnum")
    out = pair.join(disputes, how="left").join(_gml_dates(a, b), how="left")
    out = out.reset_index()
    if since is not None:
        out = out[out["first_year"] >= since]
    table = pd.DataFrame({
        "dispnum": out["dispnum"], "start": out["start"], "first_year": out["first_year"],
        "last_year": out["last_year"], "gml_start": out["gml_start"], "gml_end": out["gml_end"],
        "min_days": out["mindur"], "max_days": out["maxdur"], "highest_action": out["highest_action"],
        "action_a": out["hiact1"].map(HIGHEST_ACTION), "action_b": out["hiact2"].map(HIGHEST_ACTION),
        "hostility": out["hostlev"], "outcome": out["outcome_label"],
        "originator": [", ".join(s for s, o in ((a, o1), (b, o2)) if o == 1)
                       for o1, o2 in zip(out["orig1"], out["orig2"], strict=True)],
        "side_a": [a if s == 1 else b for s in out["sidea1"]],
    }).sort_values(["start", "dispnum"]).reset_index(drop=True)
    table.attrs["sources"] = sorted([*MID_SOURCES, GML_SOURCE])
    return table
