"""Damaged and unusual event files, each built from a mutated copy of a real file (issue 11).

Every expectation is counted from the file as written here (its lines, its event ids), never from
the store's own totals.
"""

from __future__ import annotations

import bz2
import gzip
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilateral import BilateralError
from bilateral.cli import app
from bilateral.data.events.detect import NotEventData, recognise
from bilateral.data.events.formats import GDELT2, ICEWS, csv_layout
from bilateral.data.events.read import SAMPLE, Lines, sample
from bilateral.data.store import Store

ICEWS_DAY = "data/events/icews-daily/20181004-icews-events.tab.gz"
GDELT_FILE = "data/events/gdelt2/20180326044500.export.CSV"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "store.duckdb") as db:
        yield db


@pytest.fixture
def icews_lines(shared: Path) -> list[str]:
    """The real ICEWS daily file's lines (header first), without line breaks."""
    return gzip.decompress((shared / ICEWS_DAY).read_bytes()).decode("utf-8").split("\n")[:-1]


@pytest.fixture
def gdelt_lines(shared: Path) -> list[str]:
    return (shared / GDELT_FILE).read_text(encoding="utf-8").split("\n")[:-1]


def _nothing_stored(store: Store) -> bool:
    tables = ("files", "events", "quarantine")
    counts = [store.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables]
    return counts == [0, 0, 0]


def _write(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.write_text(end.join(lines) + end, encoding="utf-8", newline="")
    return path


def _quarantined(store: Store) -> list[tuple[int, str, str]]:
    return [(int(r.line), r.reason, r.raw) for r in store.quarantine().itertuples()]


def _stored_lines(store: Store) -> dict[str, int]:
    rows = store.con.execute("SELECT event_id, line FROM events").fetchall()
    return {event_id: line for event_id, line in rows}


# ---------------------------------------------------------------- archives
def test_a_flipped_bit_in_a_real_gzip_is_refused_whole(shared: Path, tmp_path: Path, store: Store):
    data = bytearray((shared / ICEWS_DAY).read_bytes())
    for name, position in [("body", len(data) // 2), ("crc", len(data) - 6), ("length", len(data) - 2)]:
        damaged = data.copy()
        damaged[position] ^= 0x10
        path = tmp_path / f"{name}.tab.gz"
        path.write_bytes(bytes(damaged))
        with pytest.raises(BilateralError, match=rf"{name}.tab.gz: damaged gzip archive .* nothing from it was stored"):
            store.ingest(path)
        assert _nothing_stored(store), name


def test_truncated_and_trailing_bytes_gzip_are_refused(shared: Path, tmp_path: Path, store: Store):
    data = (shared / ICEWS_DAY).read_bytes()
    (tmp_path / "cut.tab.gz").write_bytes(data[: len(data) - 100])
    (tmp_path / "tail.tab.gz").write_bytes(data + b"trailing garbage")
    for name in ("cut.tab.gz", "tail.tab.gz"):
        with pytest.raises(BilateralError, match=r"damaged gzip archive"):
            store.ingest(tmp_path / name)
    assert _nothing_stored(store)


def test_zip_and_bz2_read_like_the_plain_file(shared: Path, tmp_path: Path, store: Store, gdelt_lines):
    raw = (shared / GDELT_FILE).read_bytes()
    with zipfile.ZipFile(tmp_path / "export.CSV.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("20180326044500.export.CSV", raw)
    (tmp_path / "export.CSV.bz2").write_bytes(bz2.compress(raw))
    results = [store.ingest(tmp_path / "export.CSV.zip", dedup="none"),
               store.ingest(tmp_path / "export.CSV.bz2", dedup="none")]
    assert [(r.layout, r.read, r.stored) for r in results] == [("gdelt2", len(gdelt_lines), len(gdelt_lines))] * 2
    assert "gdelt2 (zip)" in results[0].note


def test_a_damaged_zip_or_bz2_is_refused(shared: Path, tmp_path: Path, store: Store):
    raw = (shared / GDELT_FILE).read_bytes()
    with zipfile.ZipFile(tmp_path / "ok.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.CSV", raw)
    data = bytearray((tmp_path / "ok.zip").read_bytes())
    data[len(data) // 2] ^= 0x01
    (tmp_path / "bad.zip").write_bytes(bytes(data))
    packed = bytearray(bz2.compress(raw))
    packed[len(packed) // 2] ^= 0x01
    (tmp_path / "bad.bz2").write_bytes(bytes(packed))
    with pytest.raises(BilateralError, match=r"bad.zip: damaged zip archive"):
        store.ingest(tmp_path / "bad.zip", GDELT2)
    with pytest.raises(BilateralError, match=r"bad.bz2: damaged bz2 archive"):
        store.ingest(tmp_path / "bad.bz2", GDELT2)
    assert _nothing_stored(store)


# ---------------------------------------------------------------- columns by name
def test_icews_columns_are_read_by_header_name(tmp_path: Path, store: Store, icews_lines):
    rows = [line.split("\t") for line in icews_lines]
    header = rows[0]
    order = list(range(len(header)))
    s, t = header.index("Source Country"), header.index("Target Country")
    order[s], order[t] = t, s
    order = order[::-1]  # and every other column in another place too
    swapped = _write(tmp_path / "swapped.tab", ["\t".join(row[k] for k in order) for row in rows])
    store.ingest(swapped)
    expected = {}
    for row in rows[1:]:
        expected[(row[0], row[1])] = (row[s] or None, row[t] or None)
    got = store.con.execute("SELECT event_id, date::VARCHAR, source_iso3, target_iso3 FROM events").fetchall()
    by_name = {"Russian Federation": "RUS", "Japan": "JPN", "China": "CHN", "United States": "USA"}
    checked = 0
    for event_id, day, source, target in got:
        want_source, want_target = expected[(event_id, day)]
        if want_source in by_name and want_target in by_name:
            assert (source, target) == (by_name[want_source], by_name[want_target])
            checked += 1
    assert checked > 50


# ---------------------------------------------------------------- countries matched exactly
def test_mapped_csv_countries_are_never_guessed(tmp_path: Path, store: Store):
    path = _write(tmp_path / "mine.csv", ["when,who,whom,code", "2019-01-22,Japan,Russia,057",
                                          "2019-01-22,NA,Japan,057", "2019-01-22,United States of Nowhere,Japan,057",
                                          f"2019-01-22,{'X' * 100_000},Japan,057", "2019-01-22,JPN,RUS,057"])
    layout = csv_layout({"date": "when", "source": "who", "target": "whom", "cameo": "code"})
    result = store.ingest(path, layout)
    assert (result.read, result.stored, result.quarantined) == (5, 2, 3)
    lines = [line for line, _, _ in _quarantined(store)]
    assert lines == [3, 4, 5]
    reasons = [reason for _, reason, _ in _quarantined(store)]
    assert reasons[0].startswith("unknown source country 'NA'")
    assert reasons[1].startswith("unknown source country 'United States of Nowhere'")
    assert store.con.execute("SELECT source_iso3, target_iso3 FROM events ORDER BY line").fetchall() == [
        ("JPN", "RUS"), ("JPN", "RUS")]


def test_unknown_gdelt_country_codes_are_quarantined(tmp_path: Path, store: Store, gdelt_lines):
    rows = [line.split("\t") for line in gdelt_lines[:20]]
    rows[4][7] = "JPX"      # line 5: no state
    rows[9][17] = "EUR"     # line 10: a CAMEO region, stored without a country
    rows[12][7] = "ROM"     # line 13: CAMEO's code for Romania
    path = _write(tmp_path / "codes.export.CSV", ["\t".join(r) for r in rows])
    result = store.ingest(path)
    assert (result.read, result.stored, result.quarantined) == (20, 19, 1)
    assert _quarantined(store)[0][:2] == (
        5, "unknown source country 'JPX' — use an ISO3 code, a CAMEO region code or an English country name")
    assert store.con.execute("SELECT target_iso3 FROM events WHERE line = 10").fetchall() == [(None,)]
    assert store.con.execute("SELECT source_iso3 FROM events WHERE line = 13").fetchall() == [("ROU",)]


# ---------------------------------------------------------------- counting and lines
def test_a_line_with_two_problems_is_quarantined_once(tmp_path: Path, store: Store, icews_lines):
    rows = [line.split("\t") for line in icews_lines[:6]]
    rows[2][1], rows[2][6] = "2018-13-45", "999"             # bad date and bad code on line 3
    path = _write(tmp_path / "two.tab", ["\t".join(r) for r in rows])
    result = store.ingest(path)
    assert (result.read, result.stored + result.quarantined + result.duplicates) == (5, 5)
    assert [line for line, _, _ in _quarantined(store)] == [3]


def test_blank_lines_keep_every_later_line_true(tmp_path: Path, store: Store, icews_lines):
    lines = icews_lines[:30]
    written = [*lines[:5], "", *lines[5:12], "", "   ", *lines[12:]]
    path = _write(tmp_path / "blank.tab", written)
    result = store.ingest(path)
    assert result.read == len(written) - 1
    assert [(line, reason) for line, reason, _ in _quarantined(store)] == [
        (6, "blank line — delete it"), (14, "blank line — delete it"), (15, "blank line — delete it")]
    stored = _stored_lines(store)
    for number, text in enumerate(written, start=1):
        if number > 1 and text.strip():
            assert stored[text.split("\t")[0]] == number


def test_quarantined_raw_text_is_the_files_line(tmp_path: Path, store: Store, icews_lines):
    lines = icews_lines[:40]
    damaged = list(lines)
    damaged[3] = damaged[3].replace("\t", "\t\t", 1)                       # too many fields
    damaged[7] = "\t".join(damaged[7].split("\t")[:5])                      # too few
    damaged[11] = damaged[11].replace("\t2018-", "\t1018-", 1)              # implausible date
    damaged[15] = damaged[15] + " \u00e9\u6771"  # non-ASCII text in the last field: still a good row
    path = _write(tmp_path / "raw.tab", damaged, end="\r\n")
    store.ingest(path)
    quarantined = _quarantined(store)
    assert [line for line, _, _ in quarantined] == [4, 8, 12]
    for line, _, raw in quarantined:
        assert raw == damaged[line - 1]
    assert quarantined[2][1].startswith("implausible date '1018-")


def test_a_thousand_malformed_lines_and_a_wrong_format(shared: Path, tmp_path: Path, store: Store, icews_lines):
    bad = [icews_lines[0]] + ["broken\tline"] * 1200 + icews_lines[1:50]
    result = store.ingest(_write(tmp_path / "many.tab", bad))
    assert (result.read, result.quarantined, result.stored) == (1249, 1200, 49)
    wrong = store.ingest(shared / ICEWS_DAY, GDELT2)
    assert (wrong.read, wrong.stored, wrong.quarantined) == (len(icews_lines), 0, len(icews_lines))
    first = store.con.execute("SELECT line, reason FROM quarantine WHERE file_id = 2 ORDER BY line LIMIT 1").fetchall()
    assert first == [(1, "20 fields, expected 61 of the gdelt2 layout — check the row is complete or name the "
                         "file's layout")]


def test_lone_cr_mixed_line_ends_and_a_bom(tmp_path: Path, store: Store, icews_lines):
    rows = icews_lines[:12]
    fields = rows[4].split("\t")
    fields[5] = fields[5] + "\rcontinued"                    # a lone CR inside Event Text, line 5
    rows[4] = "\t".join(fields)
    text = "\ufeff" + "".join(line + ("\r\n" if k % 2 else "\n") for k, line in enumerate(rows))
    path = tmp_path / "mixed.tab"
    path.write_bytes(text.encode("utf-8"))
    for layout in (None, ICEWS):
        result = store.ingest(path, layout, force=True)
        assert (result.read, result.stored, result.quarantined) == (11, 11, 0)
    stored = _stored_lines(store)
    assert all(stored[line.split("\t")[0]] == k for k, line in enumerate(rows, start=1) if k > 1)


def test_junk_in_a_folder_is_skipped_with_a_note(shared: Path, tmp_path: Path, icews_lines):
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder / "a.tab", icews_lines[:11])
    (folder / "README").write_text("These files come from Dataverse.\n")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1\x00\x00")
    out = CliRunner().invoke(app, ["events", "ingest", str(folder), "--store", str(tmp_path / "s.duckdb")],
                             env={"COLUMNS": "300"})
    assert out.exit_code == 0, out.output
    assert "README: skipped, not event data" in out.output and ".DS_Store: skipped" in out.output
    assert "1 files: 10 rows read = 10 stored + 0 quarantined + 0 duplicates\n" in out.output
    alone = CliRunner().invoke(app, ["events", "ingest", str(folder / "README"), "--store", str(tmp_path / "s.duckdb")])
    assert alone.exit_code == 2 and "not a known event data layout" in alone.output


def test_recognition_reads_a_bounded_sample_and_says_why(tmp_path: Path, icews_lines, gdelt_lines):
    huge = tmp_path / "huge.txt.gz"
    with gzip.open(huge, "wb") as handle:
        handle.write(b"x" * (50 << 20))
    assert len(sample(huge)[0]) == SAMPLE
    with pytest.raises(NotEventData, match="1 sampled lines with 1 tab-separated fields"):
        recognise(huge)
    too_long = r"huge.txt.gz: a line longer than 16 MB — this is not event data"
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(BilateralError, match=too_long):
        store.ingest(huge, GDELT2)
    short = "\t".join(gdelt_lines[3].split("\t")[:26])
    layout, why = recognise(_write(tmp_path / "g.CSV", [*gdelt_lines[:3], short]))
    assert layout is GDELT2 and why.startswith("gdelt2: 3 of 4 sampled lines have 61")
    with pytest.raises(NotEventData, match="4 sampled lines with 26, 61 tab-separated fields"):
        recognise(_write(tmp_path / "h.CSV", [*gdelt_lines[:2], short, short]))
    layout, why = recognise(_write(tmp_path / "ok.CSV", gdelt_lines[:9]))
    assert layout is GDELT2 and why == ("gdelt2: 5 of 5 sampled lines have 61 tab-separated fields and an "
                                        "8-digit date in the second")


# ---------------------------------------------------------------- dates
def test_implausible_and_unpadded_dates_are_quarantined(tmp_path: Path, store: Store, icews_lines, gdelt_lines):
    rows = [line.split("\t") for line in icews_lines[:6]]
    rows[1][1], rows[2][1], rows[3][1] = "0001-01-01", "9999-12-31", "2018-1-04"
    store.ingest(_write(tmp_path / "dates.tab", ["\t".join(r) for r in rows]))
    assert [(line, reason.split(" ")[0]) for line, reason, _ in _quarantined(store)] == [
        (2, "implausible"), (3, "implausible"), (4, "bad")]
    g = [line.split("\t") for line in gdelt_lines[:3]]
    g[1][1] = "2019022"
    result = store.ingest(_write(tmp_path / "g.export.CSV", ["\t".join(r) for r in g]))
    assert result.quarantined == 1
    assert store.con.execute("SELECT reason FROM quarantine WHERE file_id = 2").fetchall() == [
        ("bad date '2019022' (expected %Y%m%d, every digit written)",)]


def test_a_quote_in_the_date_format_reaches_sql_as_a_value(tmp_path: Path, store: Store):
    path = _write(tmp_path / "q.csv", ["d,s,t,c", "2019'01'22,JPN,RUS,057", "x');DROP TABLE events;--,JPN,RUS,057"])
    layout = csv_layout({"date": "d", "source": "s", "target": "t", "cameo": "c"}, date_format="%Y'%m'%d")
    result = store.ingest(path, layout)
    assert (result.stored, result.quarantined) == (1, 1)
    assert store.con.execute("SELECT date::VARCHAR FROM events").fetchall() == [("2019-01-22",)]
    with pytest.raises(BilateralError, match=r"%Q is not supported"):
        csv_layout({"date": "d", "source": "s", "target": "t", "cameo": "c"}, date_format="%Y%Q")


# ---------------------------------------------------------------- correcting an ingest
def test_force_reingest_and_remove_are_counted(shared: Path, tmp_path: Path, store: Store, icews_lines):
    path = shared / ICEWS_DAY
    wrong = store.ingest(path, GDELT2)
    assert wrong.stored == 0 and store.ingest(path).skipped
    right = store.ingest(path, force=True)
    rows = len(icews_lines) - 1
    assert (right.read, right.stored, right.quarantined) == (rows, rows, 0)
    assert right.note.endswith(f"replaced the earlier ingest of the same file (0 events, {len(icews_lines):,} "
                               "quarantined)")
    assert store.con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]
    other = _write(tmp_path / "small.tab", icews_lines[:4])
    store.ingest(other, dedup="none")
    gone = store.remove(str(other))
    assert (gone.files, gone.events, gone.quarantined) == (1, 3, 0)
    gone = store.remove("icews")
    assert (gone.files, gone.events) == (1, rows)
    assert _nothing_stored(store)
    with pytest.raises(BilateralError, match=r"icews: no ingested file or dataset of that name"):
        store.remove("icews")


def test_cli_remove_force_and_quarantine_limit(shared: Path, tmp_path: Path):
    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    assert runner.invoke(app, ["events", "ingest", str(shared / GDELT_FILE), "--store", db]).exit_code == 0
    again = runner.invoke(app, ["events", "ingest", str(shared / GDELT_FILE), "--store", db, "--force"])
    assert "1 files: 1,540 rows read = 1,540 stored" in again.output
    out = runner.invoke(app, ["events", "remove", "gdelt", "--store", db])
    assert out.exit_code == 0 and "gdelt: removed 1 file(s), 1,540 events and 0 quarantined rows" in out.output
    bad = runner.invoke(app, ["events", "quarantine", "--limit", "-1", "--store", db])
    assert bad.exit_code == 2 and "--limit -1" in bad.output


# ---------------------------------------------------------------- the reconciliation itself
def test_a_count_that_does_not_reconcile_refuses_the_file(shared: Path, store: Store, monkeypatch, icews_lines):
    monkeypatch.setattr(Lines, "rows", property(lambda self: self.physical - self.header + 1))
    rows = len(icews_lines) - 1
    with pytest.raises(BilateralError, match=rf"reconciliation failed — {rows + 1:,} rows in the file but {rows:,} "
                                             "stored \\+ 0 quarantined"):
        store.ingest(shared / ICEWS_DAY)
    assert _nothing_stored(store)


# ---------------------------------------------------------------- the store and output files
def test_store_open_errors_name_the_cause(tmp_path: Path):
    notes = tmp_path / "notes.duckdb"
    notes.write_text("not a database at all, just notes\n")
    with pytest.raises(BilateralError, match=r"that file is not a DuckDB database"):
        Store(notes)
    with pytest.raises(BilateralError, match=r"that is a folder"):
        Store(tmp_path)


@pytest.mark.parametrize("target", ["missing/out.csv", ".", "file.csv/out.csv"])
def test_output_into_a_bad_place_is_a_clear_error(shared: Path, tmp_path: Path, target: str):
    (tmp_path / "file.csv").write_text("x")
    db = str(tmp_path / "s.duckdb")
    CliRunner().invoke(app, ["events", "ingest", str(shared / GDELT_FILE), "--store", db])
    out = CliRunner().invoke(app, ["events", "stats", "--store", db, "-f", "csv", "-o", str(tmp_path / target)])
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "--output" in out.output


def test_a_full_disk_is_a_clear_error_and_stores_nothing(shared: Path, store: Store, monkeypatch):
    import duckdb

    def full(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException('Could not write file "store.duckdb.wal": No space left on device')

    monkeypatch.setattr(Store, "_deduplicate", full)
    with pytest.raises(BilateralError, match=r"cannot write the store \(Could not write .*No space left on device\) "
                                             r"— free disk space"):
        store.ingest(shared / GDELT_FILE)
    monkeypatch.undo()
    assert _nothing_stored(store)
    assert store.ingest(shared / GDELT_FILE).stored == 1540


# ---------------------------------------------------------------- the fast path and the exact path
def _variants(gdelt_lines: list[str], icews_lines: list[str]) -> dict[str, tuple[bytes, bool]]:
    """Damaged copies of real lines: name → (file bytes, whether the fast path must keep them)."""
    g = gdelt_lines[:300]
    rows = [line.split("\t") for line in g]
    damaged = list(g)
    damaged[3] = "\t".join(rows[3][:30])                              # short
    damaged[9] = g[9] + "\textra"                                     # one field too many
    damaged[12] = g[12] + "\tx" * 40                                  # many too many
    damaged[20] = "\t".join([rows[20][0], "2019022", *rows[20][2:]])  # unpadded date
    damaged[25] = "\t".join([*rows[25][:26], "999", *rows[25][27:]])  # unknown CAMEO code
    damaged[30] = "\t".join([*rows[30][:7], "JPX", *rows[30][8:]])    # not a country
    damaged[40] = "   "                                               # spaces only
    damaged[41] = "\t" * 60                                           # 61 empty fields
    damaged[50] = g[50] + " caf\u00e9 \u6771"                          # non-ASCII, still a good row
    icews = list(icews_lines[:200])
    icews[5] = "\t".join(icews[5].split("\t")[:7])
    icews[9] = icews[9].replace("\t2018-", "\t2018-13-", 1)
    with_blank = [*g[:10], "", *g[10:20]]
    return {
        "gdelt damaged": ("\n".join(damaged).encode(), True),                  # no line break at the end
        "gdelt damaged, gzip": (gzip.compress(("\n".join(damaged) + "\n").encode()), True),
        "icews damaged": (("\n".join(icews) + "\n").encode(), True),
        "an empty line": (("\n".join(with_blank) + "\n").encode(), False),
        "CRLF": (("\r\n".join(g[:20]) + "\r\n").encode(), False),
        "not UTF-8": (("\n".join(g[:20]) + "\n").encode().replace(b"\t", b"\t\xff", 1), False),
    }


def test_the_fast_path_stores_what_the_exact_path_stores(tmp_path: Path, gdelt_lines, icews_lines):
    """Each file is ingested twice: as it comes (fast path where the file allows) and with DuckDB's
    reader refused (exact path); every stored and quarantined row must be the same, and the fast
    path must be kept exactly for the files it can read."""
    import duckdb

    from bilateral.data.events.read import Reader

    exact_reads: list[Path] = []
    batches = Reader.batches

    def spy(self: Reader):
        exact_reads.append(self.path)
        return batches(self)

    def refused(self: Reader, kind: str) -> str:
        raise duckdb.InvalidInputException("the test refuses DuckDB's reader")

    tables = {"events": "SELECT * EXCLUDE (file_id) FROM events ORDER BY line",
              "quarantine": "SELECT * EXCLUDE (file_id) FROM quarantine ORDER BY line"}
    for name, (data, fast) in _variants(gdelt_lines, icews_lines).items():
        path = tmp_path / f"{name.replace(' ', '_').replace(',', '')}.dat"
        path.write_bytes(data)
        seen = {}
        for way in ("as it comes", "exact"):
            exact_reads.clear()
            with pytest.MonkeyPatch.context() as patch, \
                    Store(tmp_path / f"{path.stem}-{way.replace(' ', '')}.duckdb") as store:
                patch.setattr(Reader, "batches", spy)
                if way == "exact":
                    patch.setattr(Reader, "scan", refused)
                result = store.ingest(path, ICEWS if name.startswith("icews") else GDELT2)
                seen[way] = (result.read, result.stored, result.quarantined,
                             {t: store.con.execute(q).fetchall() for t, q in tables.items()})
            assert (path not in exact_reads) == (fast and way == "as it comes"), (name, way)
        assert seen["as it comes"] == seen["exact"], name
        assert seen["exact"][2] > 0 or not name.endswith("damaged"), name
