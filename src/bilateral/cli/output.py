"""Write a table as a rich table, CSV, JSON or Parquet, to the terminal or a file."""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from bilateral.errors import BilateralError

console = Console()
err_console = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def _cell(value: object, width: int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


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


def emit(frame: pd.DataFrame, fmt: Format, out: Path | None = None, *, title: str = "",
         columns: list[str] | None = None, width: int = 60) -> None:
    """Print or write ``frame``; ``columns`` picks what the terminal table shows (all otherwise)."""
    if fmt is Format.parquet:
        if out is None:
            raise BilateralError("--format parquet writes a file — add --output FILE.parquet")
        write_file(out, lambda path: frame.to_parquet(path, index=False))
        console.print(f"wrote {len(frame)} rows to {out}", style="dim")
        return
    if fmt is Format.csv:
        text = frame.to_csv(index=False)
    elif fmt is Format.json:
        text = frame.to_json(orient="records", date_format="iso", indent=2, force_ascii=False)
    else:
        shown = frame[columns] if columns else frame
        table = Table(title=title or None, show_lines=False)
        for column in shown.columns:
            table.add_column(str(column), overflow="fold")
        for row in shown.itertuples(index=False):
            table.add_row(*(_cell(v, width) for v in row))
        console.print(table)
        console.print(f"{len(frame)} rows")
        return
    if out:
        write_file(out, lambda path: path.write_text(text, encoding="utf-8"))
        console.print(f"wrote {len(frame)} rows to {out}", style="dim")
    else:
        print(text, end="" if text.endswith("\n") else "\n")
