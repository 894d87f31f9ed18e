"""Write a table as a rich table, CSV, JSON or Parquet, to the terminal or a file."""

from __future__ import annotations

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


def emit(frame: pd.DataFrame, fmt: Format, out: Path | None = None, *, title: str = "",
         columns: list[str] | None = None, width: int = 60) -> None:
    """Print or write ``frame``; ``columns`` picks what the terminal table shows (all otherwise)."""
    if fmt is Format.parquet:
        if out is None:
            raise BilateralError("--format parquet writes a file — add --output FILE.parquet")
        frame.to_parquet(out, index=False)
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
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {len(frame)} rows to {out}", style="dim")
    else:
        print(text, end="" if text.endswith("\n") else "\n")
