"""Recognise an event file's layout from its first lines, and say why."""

from __future__ import annotations

from pathlib import Path

from bilateral.data.events.formats import GDELT1, GDELT1_HISTORICAL, GDELT2, ICEWS, PHOENIX, POLECAT, Layout
from bilateral.data.events.read import compression, sample
from bilateral.errors import BilateralError

_BY_WIDTH = {61: GDELT2, 58: GDELT1, 57: GDELT1_HISTORICAL, 26: PHOENIX}


class NotEventData(BilateralError):
    """A file none of the known layouts describes; ``why`` says what was seen."""

    def __init__(self, message: str, why: str):
        super().__init__(message)
        self.why = why


def recognise(path: Path) -> tuple[Layout, str]:
    """The layout of ``path`` and the reason it was chosen.

    ICEWS and POLECAT by their header line; GDELT and Phoenix (no header) when every sampled line
    (up to five, read from the first 64 KiB) has that layout's number of tab-separated fields and
    an eight-digit date in the second. Anything else is :class:`NotEventData`.
    """
    lines = sample(path)
    packed = "" if compression(path) == "none" else f" ({compression(path)})"
    fields = lines[0].split("\t") if lines else []
    if fields[:2] == ["Event ID", "Event Date"]:
        layout = POLECAT if {"Event Type", "Actor Country"} <= set(fields) else ICEWS
        return layout, f"{layout.name}{packed}: its header names {len(fields)} columns starting 'Event ID', " \
                       f"'Event Date'" + (" with 'Event Type', 'Actor Country'" if layout is POLECAT else "")
    rows = [line.split("\t") for line in lines if line.strip()]
    widths = {len(row) for row in rows}
    if len(widths) == 1 and (width := widths.pop()) in _BY_WIDTH \
            and all(len(row[1]) == 8 and row[1].isdigit() for row in rows):
        layout = _BY_WIDTH[width]
        return layout, (f"{layout.name}{packed}: {len(rows)} of {len(rows)} sampled lines have {width} "
                        "tab-separated fields and an 8-digit date in the second")
    first = lines[0] if lines else ""
    shown = first[:80] + ("…" if len(first) > 80 else "")
    seen = (f"{len(rows)} sampled lines with {', '.join(map(str, sorted({len(r) for r in rows})))} "
            f"tab-separated fields, first {shown!r}") if rows else "no text"
    raise NotEventData(
        f"{path}:1: not a known event data layout ({seen}) — name its layout (icews, gdelt2, gdelt1, "
        "gdelt1-historical, phoenix, polecat) or, for another table, give it as csv with a column mapping "
        "(date, source, target, cameo)", seen)


def detect_layout(path: Path) -> Layout:
    """The layout :func:`recognise` finds for ``path``."""
    return recognise(path)[0]
