"""Recognise an event file's layout from its first line."""

from __future__ import annotations

import gzip
from pathlib import Path

from bilateral.data.events.formats import GDELT1, GDELT1_HISTORICAL, GDELT2, ICEWS, PHOENIX, POLECAT, Layout
from bilateral.errors import BilateralError

_BY_WIDTH = {61: GDELT2, 58: GDELT1, 57: GDELT1_HISTORICAL, 26: PHOENIX}


def first_line(path: Path) -> str:
    """The first line of a plain or gzipped text file."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            return handle.readline().rstrip("\r\n")
    except (OSError, EOFError) as err:
        raise BilateralError(f"{path}: cannot read it ({err}) — check the file is complete") from None


def detect_layout(path: Path) -> Layout:
    """ICEWS and POLECAT by their header, GDELT and Phoenix by their number of columns."""
    line = first_line(path)
    fields = line.split("\t")
    if fields[:2] == ["Event ID", "Event Date"]:
        return POLECAT if {"Event Type", "Actor Country"} <= set(fields) else ICEWS
    if len(fields) in _BY_WIDTH and len(fields[1]) == 8 and fields[1].isdigit():
        return _BY_WIDTH[len(fields)]
    shown = line[:80] + ("…" if len(line) > 80 else "")
    raise BilateralError(
        f"{path}:1: not a known event data layout ({len(fields)} tab-separated fields: {shown!r}) — "
        "name its layout (icews, gdelt2, gdelt1, gdelt1-historical, phoenix, polecat) or, for another "
        "table, give it as csv with a column mapping (date, source, target, cameo)"
    )
