"""The case's calendar on a series' periods: who held office, the case periods, dated events and
the leader changes that breaks are compared with."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from bilateral.case import Case
from bilateral.explain.evidence import NoData


def event_periods(case: Case, dates: Sequence[str], freq: str) -> list[pd.Period]:
    """Case event ids or ISO dates as periods of ``freq``."""
    events = {e.id: e.day for e in case.events}
    return [pd.Period(events.get(d) or date.fromisoformat(d), freq) for d in dates]


def leader_groups(case: Case, index: pd.PeriodIndex, ids: Sequence[str]) -> dict[str, pd.Series]:
    """Group periods by who held office: one state's leaders, or leader pairs when ``ids`` span both."""
    countries = {t.country for t in case.leaders if t.id in ids}
    states = [s for s in case.dyad if s in countries] or list(case.dyad)
    midpoints = index.start_time + (index.end_time - index.start_time) / 2
    labels = []
    for state in states:
        tenures = [t for t in case.leaders if t.country == state]
        names = []
        for moment in midpoints:
            day = moment.date()
            holder = next((t.id for t in tenures if t.start <= day and (t.end is None or day < t.end)), None)
            names.append(holder)
        labels.append(names)
    keys = ["+".join(parts) if all(parts) else None for parts in zip(*labels, strict=True)]
    series = pd.Series(keys, index=index)
    return {key: series == key for key in series.dropna().unique()}


def period_groups(case: Case, index: pd.PeriodIndex) -> dict[str, pd.Series]:
    """Each case period as a mask of the periods of ``index`` that overlap it."""
    start, end = index.start_time.date, index.end_time.date
    return {p.id: pd.Series((start <= p.end) & (end >= p.start), index=index) for p in case.periods}


def _target(groups: dict[str, pd.Series], ids: Sequence[str]) -> str:
    matches = [k for k in groups if all(i in k.split("+") for i in ids)]
    if not matches:
        raise NoData(f"no periods with data when {' and '.join(ids)} held office together")
    return max(matches, key=lambda k: int(groups[k].sum()))


def groups_and_target(case: Case, index: pd.PeriodIndex, kind: str | None, ids: Sequence[str],
                      *, together: bool) -> tuple[dict[str, pd.Series], str]:
    """The groups of ``index`` (``kind`` "periods": case periods; else leader tenures) and the target.

    The target is ``ids[0]``; for leaders it is the longest tenure group of ``ids[0]`` or, when
    ``together``, of all ``ids`` in office at once.
    """
    if kind == "periods":
        return period_groups(case, index), ids[0]
    groups = leader_groups(case, index, ids)
    return groups, _target(groups, ids if together else ids[:1])


def transitions(case: Case, freq: str) -> dict[pd.Period, str]:
    """Leader changes of the dyad's states and the starts of the case's periods, as periods."""
    marks = {pd.Period(t.start, freq): f"{t.name} takes office" for t in case.leaders if t.country in case.dyad}
    marks.update({pd.Period(p.start, freq): f"period '{p.id}' begins" for p in case.periods})
    return marks


def nearest_transitions(breaks: Sequence[str], case: Case, freq: str) -> list[str]:
    """For each break, the nearest leader change or period start and how many periods away it is."""
    marks = transitions(case, freq)
    notes = []
    for text in breaks:
        found = pd.Period(text, freq)
        nearest = min(marks, key=lambda m: abs((m - found).n))
        notes.append(f"{text}: {abs((nearest - found).n)} period(s) from {nearest} ({marks[nearest]})")
    return notes
