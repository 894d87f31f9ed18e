"""Select records of a case by period, category and date range (the CLI's filters)."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from bilateral.case.model import Case
from bilateral.errors import BilateralError

KINDS = ("events", "actors", "leaders", "periods", "factors", "hypotheses", "stakeholders",
         "scenarios")


def day_span(text: str, what: str = "date") -> tuple[date, date]:
    """The first and last day that ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` covers (a pandas Period)."""
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text.strip()):
        raise BilateralError(f"{what} {text!r} is not a date — write YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        period = pd.Period(text.strip())
    except ValueError:
        raise BilateralError(f"{what} {text!r} is not a calendar date — write YYYY, YYYY-MM or YYYY-MM-DD") from None
    return period.start_time.date(), period.end_time.date()


def parse_between(text: str) -> tuple[date, date]:
    """``START:END`` with ISO dates or years (``1991:2001`` = 1991-01-01 to 2001-12-31)."""
    parts = text.split(":")
    if len(parts) != 2:
        raise BilateralError(f"between {text!r} is not START:END — write e.g. 1991:2001 or "
                             "2016-05-01:2016-12-31")
    return day_span(parts[0], "between start")[0], day_span(parts[1], "between end")[1]


def select(case: Case, kind: str, *, period: str | None = None, category: str | None = None,
           between: str | None = None) -> pd.DataFrame:
    """Records of one kind as a table, filtered; dated records are kept when they touch the range."""
    if kind not in KINDS:
        raise BilateralError(f"unknown record kind {kind!r} — use one of {', '.join(KINDS)}")
    frame = case.table(kind)
    spans: list[tuple[date, date]] = []
    if period:
        match = [p for p in case.periods if p.id == period]
        if not match:
            ids = ", ".join(p.id for p in case.periods)
            raise BilateralError(f"unknown period {period!r} — use one of: {ids}")
        spans.append((match[0].start, match[0].end))
    if between:
        spans.append(parse_between(between))
    if spans and not frame.empty:
        lo, hi = max(s[0] for s in spans), min(s[1] for s in spans)
        if kind == "events":
            days = frame["day"].dt.date
            frame = frame[(days >= lo) & (days <= hi)]
        elif kind in ("leaders", "periods"):
            ends = frame["end"].fillna(date.max)
            frame = frame[(frame["start"] <= hi) & (ends >= lo)]
        else:
            raise BilateralError(f"--period and --between apply to events, leaders and periods, "
                                 f"not {kind}")
    if category:
        column = {"events": "category", "factors": "domain", "actors": "kind"}.get(kind)
        if column is None:
            raise BilateralError(f"--category applies to events, factors and actors, not {kind}")
        known = sorted(case.table(kind)[column].unique())
        if category not in known:
            raise BilateralError(f"unknown {column} {category!r} — use one of: {', '.join(known)}")
        frame = frame[frame[column] == category]
    return frame.reset_index(drop=True)


#: |Goldstein| at or above which a case event counts as a key event of the dyad.
KEY_GOLDSTEIN = 6.0


def dyad_events(case: Case) -> pd.DataFrame:
    """The case's events between the dyad's two states (either direction)."""
    events = case.table("events")
    if events.empty:
        return events
    a, b = case.dyad
    between = events["source_iso3"].isin([a, b]) & events["target_iso3"].isin([a, b]) \
        & (events["source_iso3"] != events["target_iso3"])
    return events[between].reset_index(drop=True)


def key_events(case: Case, start: int | None = None) -> pd.DataFrame:
    """The dyad's strongly cooperative or conflictual events (|Goldstein| ≥ ``KEY_GOLDSTEIN``),
    agreements and sanctions, from the year ``start`` on."""
    events = dyad_events(case)
    if events.empty:
        return events
    strong = (events["goldstein"].abs() >= KEY_GOLDSTEIN) | events["category"].isin(["agreement", "sanctions"])
    if start is not None:
        strong &= events["day"].dt.year >= start
    return events[strong].reset_index(drop=True)


def events_by_period(case: Case) -> pd.DataFrame:
    """Per period of the case: coded events, mean Goldstein and the cooperative share (QuadClass 1–2).

    These are the events the papers chose to mention, not a systematic sample: a description of
    the narrative, not a measurement of relations.
    """
    events = case.table("events")
    rows = []
    for period in case.periods:
        inside = events[(events["day"].dt.date >= period.start) & (events["day"].dt.date <= period.end)] \
            if not events.empty else events
        rows.append({
            "period": period.name, "id": period.id, "start": period.start.year, "end": period.end.year,
            "tone": period.tone, "events": len(inside),
            "mean_goldstein": round(float(inside["goldstein"].mean()), 2) if len(inside) else None,
            "cooperative_share": round(float((inside["quad_class"] <= 2).mean()), 2) if len(inside) else None,
        })
    frame = pd.DataFrame(rows, columns=["period", "id", "start", "end", "tone", "events", "mean_goldstein",
                                        "cooperative_share"])
    frame.attrs["sources"] = sorted({case.info.source, *(p.source for p in case.periods)})
    return frame
