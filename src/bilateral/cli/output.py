"""Write a table as a rich table, CSV or JSON to the terminal, or as any format of
:mod:`bilateral.exports` (CSV, JSON, Parquet, Stata, R) to a file."""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from bilateral.errors import BilateralError
from bilateral.exports import export, text

console = Console()
err_console = Console(stderr=True)
# the width follows COLUMNS (or the terminal) at each print: rich would fix the COLUMNS it finds now, and
# this module is first imported when a lazily loaded command runs, inside whatever environment that has
console.width = err_console.width = None  # type: ignore[assignment]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"
    dta = "dta"
    rds = "rds"
    feather = "feather"


#: The formats that only write files (binary): they need --output.
FILE_ONLY = (Format.parquet, Format.dta, Format.rds, Format.feather)


def check_writable(path: Path, option: str = "--output") -> None:
    """Raise a :class:`BilateralError` naming ``option`` unless a file can be written at ``path``."""
    if path.is_dir():
        raise BilateralError(f"{option} {path}: that is a folder — name a file inside it, e.g. {path / 'out.csv'}")
    if not path.parent.is_dir():
        raise BilateralError(f"{option} {path}: the folder {path.parent} does not exist — create it first")
    if (path.exists() and not os.access(path, os.W_OK)) or not os.access(path.parent, os.W_OK):
        raise BilateralError(f"{option} {path}: not writable — choose another file")


def write_file(path: Path, write: Callable[[Path], object], option: str = "--output") -> None:
    """Write ``path`` with ``write(path)``; an unwritable place is a :class:`BilateralError` naming ``option``."""
    check_writable(path, option)
    try:
        write(path)
    except OSError as err:
        raise BilateralError(f"{option} {path}: cannot write it ({err.strerror or err}) — choose another file "
                             "or free disk space") from None


def _number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _cell(value: object, width: int) -> str:
    """The terminal text of one value: floats to 4 significant digits, text cut to ``width`` with "…"."""
    if value is None or (isinstance(value, float | np.floating) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, float | np.floating):
        value = float(value)
        if value.is_integer() and abs(value) < 1e15:
            text = f"{int(value):,}" if abs(value) >= 1e5 else str(int(value))
        elif abs(value) >= 1e4:
            text = f"{value:,.0f}"
        else:
            text = f"{value:.4g}"
    else:
        text = " ".join(str(value).split())  # one line: newlines would wrap the row
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _fit(headers: list[str], cells: list[list[str]], numeric: list[bool], avail: int,
         ) -> tuple[list[int], list[int]]:
    """Pick the columns (in order) whose minimum widths fit ``avail`` characters and size them.

    A column's natural width is its longest cell or header; its least width keeps numbers whole
    and gives text ≥ 10 characters; headers wrap at their underscores to ≥ 10 (never one letter a
    line). From the first column that does not fit at its least width on, columns are left out;
    the others share the rest.
    """
    natural = [max([len(h), *(len(c) for c in col)]) for h, col in zip(headers, cells, strict=True)]
    longest = [max((len(c) for c in col), default=0) for col in cells]
    least = [min(n, max(longest[i] if numeric[i] else min(longest[i], 10), min(len(headers[i]), 10), 1))
             for i, n in enumerate(natural)]
    chosen: list[int] = []
    for i in range(len(headers)):
        if chosen and sum(least[j] for j in (*chosen, i)) + 3 * (len(chosen) + 1) + 1 > avail:
            break
        chosen.append(i)
    widths = {i: natural[i] for i in chosen}
    room = avail - 3 * len(chosen) - 1
    # first cut long text, keeping headers whole; then wrap headers down to the least widths
    for floor in ({i: max(least[i], min(len(headers[i]), natural[i])) for i in chosen}, least):
        while sum(widths.values()) > room:
            i = max((j for j in chosen if widths[j] > floor[j]), key=lambda j: widths[j], default=None)
            if i is None:
                break
            widths[i] -= 1
    return chosen, [widths[i] for i in chosen]


def _header(name: str, width: int) -> str:
    """``name`` wrapped to ``width`` at its underscores (folded only where a part is longer)."""
    parts = [part + "_" for part in name.split("_")]
    parts[-1] = parts[-1][:-1]
    lines = [""]
    for part in parts:
        while part:
            if len(lines[-1]) + len(part) <= width:
                lines[-1] += part
                part = ""
            elif lines[-1]:
                lines.append("")
            else:
                lines[-1], part = part[:width], part[width:]
                lines.append("")
    return "\n".join(line for line in lines if line)


def parse_columns(values: list[str] | None) -> list[str] | None:
    """``--columns a,b --columns c`` → ``["a", "b", "c"]`` (None when not given)."""
    names = [n.strip() for v in values or [] for n in v.split(",") if n.strip()]
    return names or None


def _table(frame: pd.DataFrame, title: str, columns: list[str] | None, width: int, selectable: bool) -> None:
    preferred = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    shown = frame[preferred]
    headers = [str(c) for c in shown.columns]
    cells = [[_cell(v, width) for v in shown[c]] for c in shown.columns]
    numeric = [all(_number(v) or v is None for v in shown[c].dropna()) and shown[c].notna().any()
               for c in shown.columns]
    chosen, widths = _fit(headers, cells, numeric, console.width)
    table = Table(title=title or None, show_lines=False)
    for i, w in zip(chosen, widths, strict=True):
        table.add_column(_header(headers[i], w), width=w, justify="right" if numeric[i] else "left", overflow="fold")
    for r in range(len(shown)):
        table.add_row(*(cells[i][r] if len(cells[i][r]) <= widths[k] else cells[i][r][: widths[k] - 1] + "…"
                        for k, i in enumerate(chosen)))
    console.print(table)
    hidden = [h for i, h in enumerate(headers) if i not in chosen] + [
        str(c) for c in frame.columns if c not in preferred]
    note = f"{len(frame)} row{'s' * (len(frame) != 1)}"
    if hidden:
        listed = ", ".join(hidden[:6]) + (", …" if len(hidden) > 6 else "")
        how = "choose with --columns NAME,…; " if selectable else ""
        note += (f"; {len(hidden)} more column{'s' * (len(hidden) > 1)} not shown ({listed}) — "
                 f"{how}all columns and full values with -f csv or -f json")
    console.print(note, highlight=False)


def emit(frame: pd.DataFrame, fmt: Format, out: Path | None = None, *, title: str = "",
         columns: list[str] | None = None, chosen: list[str] | None = None, selectable: bool = False,
         width: int = 40) -> None:
    """Print or write ``frame``.

    The terminal table fits the console: numbers to 4 significant digits, text cut at ``width``
    characters with "…", and of ``columns`` (the default view; all otherwise) those that fit,
    with a note naming the rest (and ``--columns`` when ``selectable``). ``chosen`` is the
    user's ``--columns``: it replaces ``columns`` and also selects what csv/json/parquet write.
    Files always carry the full, unrounded values (:func:`bilateral.exports.export` writes them).
    """
    if chosen:
        unknown = [c for c in chosen if c not in frame.columns]
        if unknown:
            raise BilateralError(f"--columns {','.join(unknown)}: no such column — choose from "
                                 f"{', '.join(map(str, frame.columns))}")
        frame, columns = frame[chosen], chosen
    if fmt is Format.table:
        _table(frame, title, columns, width, selectable or chosen is not None)
        return
    if out is not None:
        write_file(out, lambda path: export(frame, path, fmt.value))
        console.print(f"wrote {len(frame)} rows to {out}", style="dim")
    elif fmt in FILE_ONLY:
        raise BilateralError(f"--format {fmt.value} writes a file — add --output FILE.{fmt.value}")
    else:
        written = text(frame, fmt.value)
        print(written, end="" if written.endswith("\n") else "\n")
