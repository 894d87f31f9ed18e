"""Terminal tables fit an 80-column console: columns chosen, numbers rounded, text cut, files whole."""

import csv
import io
import re
from pathlib import Path

from typer.testing import CliRunner

from bilateral.cli import app

WIDTH = 80
FLOAT = re.compile(r"^-?[\d,]*\.\d+(e[-+]\d+)?$")


def run(*args: str):
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, result.output
    return result.stdout


def table(text: str) -> tuple[list[str], list[list[str]]]:
    """The header names (wrapped header lines joined per column) and the body rows of the first table."""
    lines = text.splitlines()
    assert all(len(line) <= WIDTH for line in lines), max(lines, key=len)
    head = [[c.strip() for c in line.strip("┃").split("┃")] for line in lines if line.startswith("┃")]
    body = [[c.strip() for c in line.strip("│").split("│")] for line in lines if line.startswith("│")]
    for row in head + body:  # the 80-column failure: one letter of a wrapped cell per line
        assert max(len(cell) for cell in row) > 1, row
    names = ["".join(parts) for parts in zip(*head, strict=True)]
    return names, body


def records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def assert_rounded(body: list[list[str]]) -> None:
    floats = [cell for row in body for cell in row if FLOAT.match(cell)]
    assert floats
    for cell in floats:
        mantissa = cell.split("e")[0].replace(",", "").replace("-", "").replace(".", "").lstrip("0")
        assert len(mantissa) <= 4, cell


def test_index_at_80_columns(shared: Path, tmp_path: Path):
    store = str(tmp_path / "store.duckdb")
    days = sorted((shared / "data/events/icews-daily").glob("2019012*.gz"))
    run("events", "ingest", *map(str, days), "--store", store)
    out = run("index", "RUS", "JPN", "--freq", "day", "--store", store)
    full = records(run("index", "RUS", "JPN", "--freq", "day", "--store", store, "-f", "csv"))
    names, body = table(out)
    assert names[:2] == ["period", "count"] and set(names) <= set(full[0])
    assert 4 <= len(names) < len(full[0])
    assert len(body) == len(full) == len(days)  # one line per row: nothing wraps
    assert [row[0] for row in body] == [r["period"] for r in full]
    assert_rounded(body)
    hidden = len(full[0]) - len(names)
    assert f"{hidden} more columns not shown" in " ".join(out.split()) and "--columns" in out
    # the files keep every column unrounded: some value needs more than 4 significant digits
    assert any(len(r["mean_goldstein"].replace(".", "").lstrip("0-")) > 4 for r in full)
    picked = run("index", "RUS", "JPN", "--freq", "day", "--store", store, "--columns", "period,quad_index")
    assert table(picked)[0] == ["period", "quad_index"]
    picked_csv = run("index", "RUS", "JPN", "--freq", "day", "--store", store, "-c", "period,quad_index",
                     "-f", "csv")
    assert picked_csv.splitlines()[0] == "period,quad_index"


def test_simulate_at_80_columns():
    out = run("simulate", "--runs", "200")
    names, body = table(out)
    assert names[:4] == ["model", "bargained", "ratifiable", "p_breakthrough"]
    assert [row[0] for row in body] == ["compromise", "nash", "eum", "smp"]
    assert_rounded(body)
    assert body[0][1] == "38.76"
    full = records(run("simulate", "--runs", "200", "-f", "csv"))
    assert float(full[0]["bargained"]) != 38.76 and abs(float(full[0]["bargained"]) - 38.76) < 0.005
    assert len(full[0]["bargained"]) > 6


def test_case_events_at_80_columns():
    out = run("case", "events")
    names, body = table(out)
    assert names == ["id", "date", "source_actor", "target_actor", "goldstein", "summary"]
    full = records(run("case", "events", "-f", "csv"))
    assert len(body) == len(full)  # one line per event
    summary = names.index("summary")
    first = body[0][summary]
    assert first.endswith("…") and full[0]["summary"].startswith(first[:-1])
    assert len(full[0]["summary"]) > 40  # the file keeps the whole text
    wide = run("case", "events", "--columns", "id,summary,flag")
    assert table(wide)[0] == ["id", "summary", "flag"]
    bad = CliRunner().invoke(app, ["case", "events", "--columns", "id,nope"], env={"COLUMNS": "80"})
    assert bad.exit_code == 2 and "--columns nope: no such column" in bad.output
