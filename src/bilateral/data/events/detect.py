"""Recognise an event file's layout from its first lines, and say why."""

from __future__ import annotations

from collections import Counter
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

    ICEWS and POLECAT by a header line naming all their columns (in any order); GDELT and Phoenix
    (no header) when more than half the sampled lines (up to five, read from the first 64 KiB)
    have that layout's number of tab-separated fields and an eight-digit date in the second, so
    one damaged line does not hide the layout. Anything else is :class:`NotEventData`.
    """
    lines = sample(path)
    packed = "" if compression(path) == "none" else f" ({compression(path)})"
    fields = {name.strip() for name in lines[0].split("\t")} if lines else set()
    for layout in (POLECAT, ICEWS):
        if set(layout.columns) <= fields:
            return layout, (f"{layout.name}{packed}: its header line names all {len(layout.columns)} columns "
                            f"of the {layout.name} layout")
    rows = [line.split("\t") for line in lines if line.strip()]
    widths = Counter(len(row) for row in rows)
    if widths:
        width = widths.most_common(1)[0][0]
        dated = sum(len(row) == width > 1 and len(row[1]) == 8 and row[1].isdigit() for row in rows)
        if width in _BY_WIDTH and 2 * dated > len(rows):
            layout = _BY_WIDTH[width]
            return layout, (f"{layout.name}{packed}: {dated} of {len(rows)} sampled lines have {width} "
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
