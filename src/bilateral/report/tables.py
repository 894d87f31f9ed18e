"""Tables the report derives from the case (small summaries, no modelling)."""

from __future__ import annotations

import re

import pandas as pd

from bilateral.case import Case
from bilateral.case.bib import BibEntry


def events_by_period(case: Case) -> pd.DataFrame:
    """Per period: number of coded events, mean Goldstein, share cooperative (QuadClass 1–2).

    These are the events the papers chose to mention, not a systematic sample: a description of
    the narrative, not a measurement of relations.
    """
    events = case.table("events")
    rows = []
    for period in case.periods:
        days = events["day"].dt.date
        inside = events[(days >= period.start) & (days <= period.end)]
        rows.append({
            "period": period.name, "id": period.id, "from": period.start.year,
            "to": period.end.year, "tone (papers)": period.tone, "events": len(inside),
            "mean Goldstein": round(inside["goldstein"].mean(), 2) if len(inside) else None,
            "cooperative share": round((inside["quad_class"] <= 2).mean(), 2) if len(inside) else None,
        })
    return pd.DataFrame(rows)


def _plain(text: str) -> str:
    return re.sub(r"[{}]", "", text).replace("\\&", "&")


def reference(entry: BibEntry) -> str:
    """One bibliography entry as a plain-text reference: Author (year). Title. Venue. Note."""
    f = entry.fields
    parts = [f"{_plain(f.get('author', f.get('organization', 'Anon.')))} ({f.get('year', 'n.d.')})",
             _plain(f.get("title", ""))]
    venue = f.get("journal") or f.get("booktitle") or f.get("publisher") or f.get("howpublished")
    if venue:
        parts.append(_plain(venue))
    for extra in ("volume", "pages", "doi", "url", "note"):
        if extra in f:
            parts.append(f"{extra if extra in ('doi', 'url') else ''} {_plain(f[extra])}".strip())
    return ". ".join(p for p in parts if p) + "."
