"""Leader tenures from the case, Archigos and REIGN, merged with the case winning, and a table
of every place the three disagree.

Priority: the case's own tenure table (cited, checked against official lists) covers a country
from its first tenure to today; Archigos (Goemans, Gleditsch & Chiozza 2009; to 2015-12-31)
fills earlier years; REIGN (Bell, Besaw & Frank; March 2021 release) fills what is left. REIGN
records the month, not the day, a tenure ended. Every table carries ``attrs["sources"]``: the
case's citation keys of the tenures used, ``archigos`` and ``reign``.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from bilateral.case import Case
from bilateral.data.paths import MissingDataError
from bilateral.data.structural import read_archigos, read_reign_leaders
from bilateral.data.structural.reign import COVERAGE_END

ARCHIGOS_END = pd.Timestamp("2015-12-31")
TOLERANCE = pd.Timedelta(days=31)
COLUMNS = ["iso3", "name", "start", "end", "source", "ref"]


def _today() -> pd.Timestamp:
    return pd.Timestamp(date.today())


def case_tenures(case: Case, iso3: str) -> pd.DataFrame:
    """The case's tenures of ``iso3``: ``iso3, name, start, end (NaT = in office), source, ref``."""
    mine = [t for t in case.leaders if t.country == iso3]
    rows = [(iso3, t.name, pd.Timestamp(t.start), pd.Timestamp(t.end) if t.end else pd.NaT, "case", t.id)
            for t in mine]
    return _cited(pd.DataFrame(rows, columns=COLUMNS).sort_values("start", ignore_index=True),
                  {t.source for t in mine})


def _cited(frame: pd.DataFrame, keys: set[str]) -> pd.DataFrame:
    frame.attrs["sources"] = sorted(keys)
    return frame


def archigos_tenures(iso3: str) -> pd.DataFrame:
    """Archigos spells of ``iso3`` (end NaT when still in office on 2015-12-31)."""
    spells = read_archigos()
    spells = spells[spells["iso3"] == iso3]
    return _cited(pd.DataFrame({"iso3": iso3, "name": spells["leader"], "start": spells["start"],
                                "end": spells["end"], "source": "archigos",
                                "ref": spells["obsid"]}).sort_values("start", ignore_index=True), {"archigos"})


def reign_tenures(iso3: str) -> pd.DataFrame:
    """REIGN tenures of ``iso3``; ``end`` is the last day of the month REIGN gives."""
    spells = read_reign_leaders()
    spells = spells[spells["iso3"] == iso3]
    end = spells["end_month"].dt.end_time.dt.normalize()
    return _cited(pd.DataFrame({"iso3": iso3, "name": spells["leader"], "start": spells["start"], "end": end,
                                "source": "reign", "ref": spells["leadid"]}).sort_values("start", ignore_index=True),
                  {"reign"})


def tenures(iso3: str, case: Case | None = None) -> pd.DataFrame:
    """Merged tenures of ``iso3``: the case where it covers, Archigos before, REIGN after.

    Rows from a lower-priority source are clipped to the days no higher source covers. Only the
    case's current tenures stay open (end NaT); a source's open spell ends on its last day. A
    missing Archigos or REIGN file is skipped while another source remains.
    """
    layers = []
    if case is not None:
        layers.append((case_tenures(case, iso3), _today()))
    problems = []
    for reader, last in ((archigos_tenures, ARCHIGOS_END),
                         (reign_tenures, COVERAGE_END.end_time.normalize())):
        try:
            layers.append((reader(iso3), last))
        except MissingDataError as err:
            problems.append(err)
    if not layers:
        raise problems[0]
    covered: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    parts = []
    for frame, last in layers:
        if frame.empty:
            continue
        for row in frame.itertuples(index=False):
            end = row.end if pd.notna(row.end) else last
            for lo, hi in _gaps(row.start, end, covered):
                still = row.source == "case" and pd.isna(row.end) and hi == end
                parts.append({**row._asdict(), "start": lo, "end": pd.NaT if still else hi})
        covered.append((frame["start"].min(), last))
    keys = {k for frame, _last in layers if not frame.empty for k in frame.attrs["sources"]}
    return _cited(pd.DataFrame(parts, columns=COLUMNS).sort_values("start", ignore_index=True), keys)


def _gaps(start, end, covered):
    """Pieces of [start, end] outside every covered window."""
    pieces = [(start, end)]
    for lo, hi in covered:
        nxt = []
        for a, b in pieces:
            if b < lo or a > hi:
                nxt.append((a, b))
                continue
            if a < lo:
                nxt.append((a, lo - pd.Timedelta(days=1)))
            if b > hi:
                nxt.append((hi + pd.Timedelta(days=1), b))
        pieces = nxt
    return pieces


def _tokens(name: str) -> set[str]:
    return {t for t in re.split(r"[^a-z]+", name.lower()) if len(t) > 1}


def _overlap(a_start, a_end, b_start, b_end, slack: pd.Timedelta = TOLERANCE) -> bool:
    return a_start <= b_end + slack and b_start <= a_end + slack


def _fmt(value, month: bool = False) -> str:
    if pd.isna(value):
        return "in office"
    return value.strftime("%Y-%m") if month else value.strftime("%Y-%m-%d")


def disagreements(case: Case, iso3: str) -> pd.DataFrame:
    """Where Archigos and REIGN differ from the case's tenures of ``iso3``, one row per difference.

    ``kind``: ``start``/``end`` (same leader, different date; ``days`` = source − case, REIGN
    ends compared by month), ``only in <source>`` (a spell the case does not have), ``only in
    case`` (a tenure the source lacks although it covers those dates).
    """
    mine = case_tenures(case, iso3)
    today = _today()
    mine["stop"] = mine["end"].fillna(today)
    rows = []
    for source, frame, last in (("archigos", archigos_tenures(iso3), ARCHIGOS_END),
                                ("reign", reign_tenures(iso3), COVERAGE_END.end_time.normalize())):
        month = source == "reign"
        seen: set[int] = set()
        for spell in frame.itertuples(index=False):
            stop = spell.end if pd.notna(spell.end) else last
            if stop < mine["start"].min():
                continue
            matched = mine[[bool(_tokens(spell.name) & {n.split()[-1].lower()}) and
                            _overlap(spell.start, stop, s, e)
                            for n, s, e in zip(mine["name"], mine["start"], mine["stop"], strict=True)]]
            base = {"iso3": iso3, "source": source, "source_leader": spell.name, "source_ref": spell.ref}
            if matched.empty:
                rows.append({**base, "kind": f"only in {source}", "case_leader": "",
                             "source_value": f"{_fmt(spell.start)} – {_fmt(spell.end, month)}",
                             "case_value": "", "days": pd.NA})
                continue
            seen.update(matched.index)
            first, final = matched.iloc[0], matched.iloc[-1]
            if spell.start != first["start"]:
                rows.append({**base, "kind": "start", "case_leader": first["ref"],
                             "source_value": _fmt(spell.start), "case_value": _fmt(first["start"]),
                             "days": (spell.start - first["start"]).days})
            case_end = final["end"]
            if pd.isna(spell.end):
                differs = pd.notna(case_end) and case_end < last
            elif month:
                differs = pd.isna(case_end) or spell.end.to_period("M") != case_end.to_period("M")
            else:
                differs = pd.isna(case_end) or spell.end != case_end
            if differs:
                known = pd.notna(spell.end) and pd.notna(case_end) and not month
                days = (spell.end - case_end).days if known else pd.NA
                rows.append({**base, "kind": "end", "case_leader": final["ref"],
                             "source_value": _fmt(spell.end, month), "case_value": _fmt(case_end),
                             "days": days})
        start = frame["start"].min() if not frame.empty else last
        for key, tenure in zip(mine.index, mine.itertuples(index=False), strict=True):
            if key in seen or tenure.stop < start or tenure.start > last:
                continue
            holder = frame[[_overlap(tenure.start, tenure.stop, s, e if pd.notna(e) else last,
                                     pd.Timedelta(0))
                            for s, e in zip(frame["start"], frame["end"], strict=True)]]
            rows.append({"iso3": iso3, "source": source, "source_leader": ", ".join(holder["name"]),
                         "source_ref": ", ".join(holder["ref"]), "kind": "only in case",
                         "case_leader": tenure.ref, "source_value": "",
                         "case_value": f"{_fmt(tenure.start)} – {_fmt(tenure.end)}", "days": pd.NA})
    columns = ["iso3", "source", "kind", "case_leader", "case_value", "source_leader", "source_ref",
               "source_value", "days"]
    return _cited(pd.DataFrame(rows, columns=columns), {*mine.attrs["sources"], "archigos", "reign"})


def leader_by_period(frame: pd.DataFrame, index: pd.PeriodIndex) -> pd.Series:
    """The leader (``name``) in office for the most days of each period of ``index``."""
    starts = index.start_time.normalize()
    ends = index.end_time.normalize()
    best = pd.Series("", index=index, dtype=object)
    most = pd.Series(0, index=index)
    for row in frame.itertuples(index=False):
        stop = row.end if pd.notna(row.end) else _today()
        lo = starts.where(starts > row.start, row.start)
        hi = ends.where(ends < stop, stop)
        days = pd.Series(np.clip((hi - lo).days + 1, 0, None), index=index)
        better = days > most
        best[better] = row.name
        most[better] = days[better]
    return best.replace("", pd.NA)
