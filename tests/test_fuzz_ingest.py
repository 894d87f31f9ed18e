"""Seeded fuzzing of event ingestion (issue 11): slices of real ICEWS and GDELT files with
generated damage, ingested through the CLI.

The generator writes every case line by line and records, independently of the store, what must
become of each line: the header, stored, quarantined (with its line number) or a duplicate. Each
case then checks the exit code, rows read against the physical lines written, the quarantined
line numbers and raw texts, and the line of every stored event. ``FUZZ_CASES`` cases run by
default; the ``slow`` marker runs ten times as many (``pytest -m slow tests/test_fuzz_ingest.py``).
"""

from __future__ import annotations

import bz2
import gzip
import io
import random
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilateral.cli import app
from bilateral.data.store import Store

FUZZ_CASES = 240
ICEWS_FILE = "data/events/icews-daily/20181010-icews-events.tab.gz"
GDELT_FILE = "data/events/gdelt2/20191024143000.export.CSV"

LINE_DAMAGE = ["blank", "short", "long", "bad_date", "implausible", "bad_code", "bad_country", "not_utf8",
               "duplicate", "lone_cr", "crlf"]
FILE_DAMAGE = ["none", "bom", "gzip", "bz2", "zip", "gzip_flip", "gzip_cut", "gzip_tail", "swap"]
QUARANTINED = {"blank", "short", "long", "bad_date", "implausible", "bad_code", "bad_country", "not_utf8"}


@dataclass
class Spec:
    """A source file's rules: where its id, date, code and country columns are."""

    layout: str
    header: str | None
    rows: list[list[str]]
    date: int
    code: int
    country: int
    text: int
    bad_dates: tuple[str, ...]
    bad_country: str


@dataclass
class Case:
    data: bytes
    layout: str
    refused: bool = False
    ids: dict[int, str] = field(default_factory=dict)        # stored line → event id
    quarantined: dict[int, bytes] = field(default_factory=dict)  # line → raw bytes
    duplicates: int = 0
    rows: int = 0


@pytest.fixture(scope="module")
def specs(shared: Path) -> list[Spec]:
    icews = gzip.decompress((shared / ICEWS_FILE).read_bytes()).decode("utf-8").split("\n")[:-1]
    gdelt = (shared / GDELT_FILE).read_text(encoding="utf-8").split("\n")[:-1]
    return [
        Spec("icews", icews[0], [line.split("\t") for line in icews[1:]], date=1, code=6, country=4, text=5,
             bad_dates=("2018-13-45", "18-10-10", "", "2018-1-10"), bad_country="United States of Nowhere"),
        Spec("gdelt2", None, [line.split("\t") for line in gdelt], date=1, code=26, country=7, text=60,
             bad_dates=("2019022", "20191345", "", "2019-10-24"), bad_country="JPX"),
    ]


def _damage_row(row: list[str], kind: str, spec: Spec, rng: random.Random) -> list[str]:
    row = list(row)
    if kind == "short":
        return row[: rng.randrange(1, len(row) - 1)]
    if kind == "long":
        return [*row, "extra"]
    if kind == "bad_date":
        row[spec.date] = rng.choice(spec.bad_dates)
    elif kind == "implausible":
        row[spec.date] = rng.choice(["0001-01-01", "9999-12-31"] if spec.layout == "icews" else
                                    ["00010101", "99991231", "19000101"])
    elif kind == "bad_code":
        row[spec.code] = rng.choice(["999", "X", "0400"])
    elif kind == "bad_country":
        row[spec.country] = spec.bad_country
    elif kind == "lone_cr":
        row[spec.text] = row[spec.text][:3] + "\r" + row[spec.text][3:] + "x"
    return row


def make_case(spec: Spec, rng: random.Random, seed: int) -> Case:
    """A slice of ``spec``'s rows, event ids made unique to the case, with damage drawn from ``rng``."""
    start = rng.randrange(0, len(spec.rows) - 60)
    rows = [[f"{seed}-{row[0]}", *row[1:]] for row in spec.rows[start:start + rng.randrange(5, 50)]]
    damage = {k: rng.choice(LINE_DAMAGE) for k in rng.sample(range(len(rows)), rng.randrange(0, min(6, len(rows))))}
    second = {k: rng.choice(LINE_DAMAGE) for k in rng.sample(range(len(rows)), rng.randrange(0, 3))}
    file_kind = rng.choice(FILE_DAMAGE if spec.header else [k for k in FILE_DAMAGE if k != "swap"])
    order = list(range(len(rows[0])))
    if file_kind == "swap":
        rng.shuffle(order)
    lines: list[bytes] = []
    ends: list[bytes] = []
    case = Case(b"", spec.layout)
    seen: set[tuple[str, str]] = set()
    if spec.header:
        lines.append("\t".join(spec.header.split("\t")[k] for k in order).encode())
        ends.append(b"\n")
    for k, row in enumerate(rows):
        kinds = {damage.get(k), second.get(k)} - {None}
        out = row
        for kind in sorted(kinds - {"blank", "not_utf8", "duplicate", "crlf"}):
            out = _damage_row(out, kind, spec, rng)
        text = "\t".join([out[j] for j in order if j < len(out)] + out[len(order):])
        raw = b"" if "blank" in kinds else text.encode("utf-8")
        if "not_utf8" in kinds and raw:
            raw = raw.replace(b"\t", b"\t\xff", 1)
        copies = [raw, raw] if "duplicate" in kinds else [raw]
        for copy in copies:
            lines.append(copy)
            ends.append(b"\r\n" if "crlf" in kinds else b"\n")
            number = len(lines)
            case.rows += 1
            if kinds & QUARANTINED:
                case.quarantined[number] = copy
            elif (row[0], row[spec.date]) in seen:
                case.duplicates += 1
            else:
                seen.add((row[0], row[spec.date]))
                case.ids[number] = row[0]
    data = b"".join(line + end for line, end in zip(lines, ends, strict=True))
    if lines[-1] and rng.random() < 0.2:  # no line break after the last line
        data = data[: -len(ends[-1])]
    if file_kind == "bom":
        data = "\ufeff".encode() + data
    elif file_kind in ("gzip", "gzip_flip", "gzip_cut", "gzip_tail"):
        data = gzip.compress(data)
        if file_kind == "gzip_flip":
            position = rng.randrange(10, len(data))
            data = data[:position] + bytes([data[position] ^ (1 << rng.randrange(8))]) + data[position + 1:]
        elif file_kind == "gzip_cut":
            data = data[: rng.randrange(10, len(data) - 1)]
        elif file_kind == "gzip_tail":
            data = data + b"trailing" * rng.randrange(1, 4)
        case.refused = file_kind != "gzip"
    elif file_kind == "bz2":
        data = bz2.compress(data)
    elif file_kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("events.tab", data)
        data = buffer.getvalue()
    case.data = data
    return case


def _run(case: Case, path: Path, store: Store) -> None:
    path.write_bytes(case.data)
    before = store.con.execute("SELECT count(*), coalesce(max(file_id), 0) FROM files").fetchall()[0]
    events = store.con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    out = CliRunner().invoke(app, ["events", "ingest", str(path), "--format", case.layout, "--store",
                                   str(store.path)])
    assert "Traceback" not in out.output
    if case.refused:
        assert out.exit_code == 2 and "damaged gzip archive" in out.output, out.output
        assert store.con.execute("SELECT count(*), coalesce(max(file_id), 0) FROM files").fetchall()[0] == before
        assert store.con.execute("SELECT count(*) FROM events").fetchall()[0][0] == events
        return
    assert out.exit_code == 0, out.output
    (file_id, rows_read, duplicates), = store.con.execute(
        "SELECT file_id, rows_read, duplicates FROM files ORDER BY file_id DESC LIMIT 1").fetchall()
    assert (rows_read, duplicates) == (case.rows, case.duplicates)
    quarantined = store.con.execute("SELECT line, raw FROM quarantine WHERE file_id = ? ORDER BY line",
                                    [file_id]).fetchall()
    assert [line for line, _ in quarantined] == sorted(case.quarantined)
    for line, raw in quarantined:
        assert raw == case.quarantined[line].decode("utf-8", errors="backslashreplace"), line
    stored = dict(store.con.execute("SELECT line, event_id FROM events WHERE file_id = ?", [file_id]).fetchall())
    assert stored == case.ids


def _fuzz(specs: list[Spec], tmp_path: Path, seeds: range) -> None:
    with Store(tmp_path / "store.duckdb") as store:  # held open: every CLI run shares the one database
        for seed in seeds:
            rng = random.Random(seed)
            case = make_case(specs[seed % 2], rng, seed)
            try:
                _run(case, tmp_path / f"case{seed}.dat", store)
            except AssertionError as err:
                raise AssertionError(f"fuzz case seed={seed} ({case.layout}): {err}") from err


def test_fuzz_ingest(specs: list[Spec], tmp_path: Path):
    _fuzz(specs, tmp_path, range(FUZZ_CASES))


@pytest.mark.slow
def test_fuzz_ingest_long(specs: list[Spec], tmp_path: Path, request: pytest.FixtureRequest):
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the long fuzz run is asked for with -m slow")
    _fuzz(specs, tmp_path, range(FUZZ_CASES, 11 * FUZZ_CASES))
