import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import bilateral
from bilateral import BilateralError, load_case
from bilateral.data.events.formats import LAYOUTS, csv_layout
from bilateral.data.store import Store, default_path

ICEWS_HEADER = ("Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\tCAMEO Code\t"
                "Intensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\tSentence Number\tPublisher\t"
                "City\tDistrict\tProvince\tCountry\tLatitude\tLongitude")


def icews_row(event_id: str, day: str, source: str, code: str, target: str) -> str:
    return "\t".join([event_id, day, "Government", "Government", source, "Consult", code, "1",
                      "Government", "Government", target, "1", "1", "Pub", "", "", "", "", "", ""])


def _count_lines(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return sum(1 for _ in handle)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "store.duckdb") as db:
        yield db


def test_icews_daily_files_reconcile_exactly(shared: Path, store: Store):
    folder = shared / "data/events/icews-daily"
    results = [store.ingest(path) for path in sorted(folder.glob("*.gz"))]
    assert len(results) == 127
    assert all(r.read == r.stored + r.quarantined + r.duplicates for r in results)
    read = sum(r.read for r in results)
    assert read == sum(_count_lines(p) - 1 for p in folder.glob("*.gz")) == 243_600
    assert (sum(r.stored for r in results), sum(r.quarantined for r in results)) == (243_600, 0)
    pair = store.con.execute("""SELECT count(*) FROM event_rows WHERE (source_iso3, target_iso3) IN
                                (('RUS', 'JPN'), ('JPN', 'RUS'))""").fetchall()[0][0]
    assert pair == 1162
    again = store.ingest(sorted(folder.glob("*.gz"))[0])
    assert again.skipped and store.con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 243_600


def test_stored_rows_point_to_their_line(shared: Path, store: Store):
    path = sorted((shared / "data/events/icews-daily").glob("*.gz"))[3]
    store.ingest(path)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    rows = store.con.execute("SELECT event_id, ref FROM event_rows").fetchall()
    assert len(rows) == len(lines) - 1
    for event_id, ref in rows:
        number = int(ref.rsplit(":", 1)[1])
        assert lines[number - 1].split("\t")[0] == event_id


def test_gdelt2_exports(shared: Path, store: Store):
    results = [store.ingest(p) for p in sorted((shared / "data/events/gdelt2").iterdir())]
    assert [(r.layout, r.read, r.stored) for r in results] == [("gdelt2", 1540, 1540), ("gdelt2", 2111, 2111)]
    regional = store.con.execute("""SELECT count(*) FROM event_rows WHERE source_iso3 IS NULL
                                    AND ref LIKE 'http%'""").fetchall()[0][0]
    assert regional > 0  # CAMEO region codes (AFR, EUR …) are stored as non-state actors
    url = store.con.execute("SELECT ref FROM event_rows WHERE event_id = '741917022'").fetchall()[0][0]
    assert url.startswith("https://yourstory.com/2018/03/flipkart")


def test_bad_rows_are_quarantined_with_line_and_reason(tmp_path: Path, store: Store):
    path = tmp_path / "mixed.tab"
    rows = [
        ICEWS_HEADER,
        icews_row("1", "2019-01-22", "Russian Federation", "040", "Japan"),     # line 2 ok
        "2\t2019-01-22\ttoo few fields",                                        # line 3 wrong count
        icews_row("3", "2019-13-45", "Japan", "040", "Russian Federation"),     # line 4 bad date
        icews_row("4", "2019-01-22", "Japan", "999", "Russian Federation"),     # line 5 unknown code
        icews_row("5", "2019-01-22", "Atlantis", "040", "Japan"),               # line 6 unknown country
        icews_row("6", "2019-01-23", "Japan", "057", "Russian Federation"),     # line 7 ok
        icews_row("1", "2019-01-22", "Russian Federation", "040", "Japan"),     # line 8 duplicate of 2
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = store.ingest(path)
    assert (result.read, result.stored, result.quarantined, result.duplicates) == (7, 2, 4, 1)
    quarantine = store.quarantine()
    assert list(quarantine["line"]) == [3, 4, 5, 6]
    reasons = list(quarantine["reason"])
    assert reasons[0] == "3 fields, expected 20 — each row needs one value per header column"
    assert reasons[1] == "bad date '2019-13-45' (expected %Y-%m-%d, every digit written)"
    assert reasons[2] == "unknown CAMEO code '999' — use a code of the CAMEO codebook"
    assert reasons[3] == "unknown source country 'Atlantis' — use an English country name or an ISO3 code"
    assert list(quarantine["raw"]) == rows[2:6]
    stored = store.con.execute("SELECT event_id, ref, goldstein FROM event_rows ORDER BY ref").fetchall()
    assert stored == [("1", "mixed.tab:2", 1.0), ("6", "mixed.tab:7", 8.0)]


def test_exact_id_dedup_across_files_and_opt_out(tmp_path: Path, store: Store):
    first, second = tmp_path / "a.tab", tmp_path / "b.tab"
    a = icews_row("10", "2019-01-22", "Japan", "040", "Russian Federation")
    b = icews_row("11", "2019-01-23", "Japan", "040", "Russian Federation")
    first.write_text(f"{ICEWS_HEADER}\n{a}\n")
    second.write_text(f"{ICEWS_HEADER}\n{a}\n{b}\n")
    store.ingest(first)
    result = store.ingest(second)
    assert (result.stored, result.duplicates) == (1, 1)
    third = tmp_path / "c.tab"
    third.write_text(f"{ICEWS_HEADER}\n{b}\n{a}\n")
    assert store.ingest(third, dedup="none").stored == 2


def test_not_event_data_is_a_clear_error(tmp_path: Path, store: Store):
    path = tmp_path / "notes.txt"
    path.write_text("Dear colleague,\nplease find attached.\n")
    with pytest.raises(BilateralError, match=r"notes.txt:1: not a known event data layout"):
        store.ingest(path)
    assert store.files().empty


def _gdelt_row(event_id: str, width: int, url: bool) -> str:
    fields = [""] * width
    fields[0], fields[1], fields[7], fields[17] = event_id, "20160506", "JPN", "RUS"
    fields[12], fields[22], fields[26], fields[31] = "GOV", "GOV", "042", "7"
    if url:
        fields[-1] = f"https://example.org/{event_id}"
    return "\t".join(fields)


@pytest.mark.parametrize(("width", "layout", "url"), [(58, "gdelt1", True), (57, "gdelt1-historical", False),
                                                       (61, "gdelt2", True)])
def test_gdelt_layouts_by_width(tmp_path: Path, store: Store, width: int, layout: str, url: bool):
    path = tmp_path / f"gdelt{width}.CSV"
    path.write_text(_gdelt_row("501", width, url) + "\n" + _gdelt_row("502", width, url) + "\n")
    result = store.ingest(path)
    assert (result.layout, result.stored) == (layout, 2)
    row = store.con.execute("SELECT source_iso3, target_iso3, cameo, goldstein, mentions, ref, date "
                            "FROM event_rows WHERE event_id = '501'").fetchall()[0]
    assert row[:5] == ("JPN", "RUS", "042", 1.9, 7)
    assert row[5] == ("https://example.org/501" if url else f"{path.name}:1")
    assert str(row[6]) == "2016-05-06"


def test_phoenix_polecat_and_generic_csv(tmp_path: Path, store: Store):
    phoenix = tmp_path / "events.full.20160506.txt"
    row = ["P1", "20160506", "2016", "5", "6", "JPNGOV", "JPN", "GOV", "", "RUSGOV", "RUS", "GOV", "",
           "036", "03", "1", "4.0", "", "43.6", "39.7", "Sochi", "Russia", "Krasnodar", "s1",
           "https://a.example/1;https://b.example/2", "src"]
    phoenix.write_text("\t".join(row) + "\n")
    assert store.ingest(phoenix).layout == "phoenix"
    polecat = tmp_path / "ngecEvents.20190122.txt"
    polecat.write_text("Event ID\tEvent Date\tEvent Type\tEvent Mode\tActor Country\tPrimary Actor Sector\t"
                       "Recipient Country\tPrimary Recipient Sector\n"
                       "C1\t2019-01-22\tconsult\tvisit\tJPN\tGOV\tRUS\tGOV\n")
    assert store.ingest(polecat).layout == "polecat"
    generic = tmp_path / "mine.csv"
    generic.write_text("when,who,whom,code\n22/01/2019,Japan,Russia,057\n")
    layout = csv_layout({"date": "when", "source": "who", "target": "whom", "cameo": "code"},
                        date_format="%d/%m/%Y")
    assert store.ingest(generic, layout).stored == 1
    rows = store.con.execute("SELECT dataset, source_iso3, target_iso3, cameo, plover, goldstein, ref "
                             "FROM event_rows ORDER BY dataset").fetchall()
    assert rows == [
        ("csv", "JPN", "RUS", "057", "SUPPORT", 8.0, "mine.csv:2"),
        ("phoenix", "JPN", "RUS", "036", "AGREE", 4.0, "https://a.example/1"),
        ("polecat", "JPN", "RUS", "04", "CONSULT", 1.0, "ngecEvents.20190122.txt:2"),
    ]
    assert set(LAYOUTS) == {"icews", "gdelt2", "gdelt1", "gdelt1-historical", "phoenix", "polecat"}


def test_generic_csv_mapping_errors():
    with pytest.raises(BilateralError, match="the column mapping lacks target, cameo"):
        csv_layout({"date": "d", "source": "s"})
    with pytest.raises(BilateralError, match="unknown field"):
        csv_layout({"date": "d", "source": "s", "target": "t", "cameo": "c", "colour": "x"})


def test_killed_mid_file_leaves_nothing(tmp_path: Path):
    path = tmp_path / "big.txt"
    row = "\t".join(["{}", "20160506", "2016", "5", "6", "JPNGOV", "JPN", "GOV", "", "RUSGOV", "RUS", "GOV",
                     "", "036", "03", "1", "4.0", "", "", "", "", "", "", "", "", ""]) + "\n"
    with path.open("w") as handle:
        for block in range(150):
            handle.write("".join(row.format(block * 10_000 + i) for i in range(10_000)))
    db = tmp_path / "store.duckdb"
    code = ("from bilateral.data.store import Store; import sys; "
            "Store(sys.argv[1]).ingest(sys.argv[2], dedup='none')")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(path)])
    wal = Path(f"{db}.wal")
    deadline = time.time() + 60
    while not wal.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    assert proc.poll() is None, "the ingest finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(db) as store:
        assert store.files().empty
        assert store.con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 0
        assert store.ingest(path, dedup="none").stored == 1_500_000


def test_ingest_frame_checks_fills_and_quarantines_by_row(store: Store):
    frame = pd.DataFrame({
        "event_id": ["a", "b", "c", "d", "e", "f"],
        "date": ["2019-01-22", "2019-02-30", "2019-01-23", "2019-01-24", "2019-01-25", "2019-01-26"],
        "source_iso3": ["JPN", "JPN", "JPN", "XXXX", "SUN", "JPN"],
        "target_iso3": ["RUS", "RUS", "RUS", "RUS", "JPN", "RUS"],
        "cameo": ["036", "036", "999", "036", "190", "042"],
        "precision": ["day", "day", "day", "day", "month", "week"],
    })
    result = store.ingest_frame(frame, "mine", "notes.xlsx")
    assert (result.read, result.stored, result.quarantined, result.duplicates) == (6, 2, 4, 0)
    quarantine = store.quarantine()
    assert list(quarantine["path"]) == ["notes.xlsx"] * 4
    assert list(quarantine["line"]) == [2, 3, 4, 6]
    assert list(quarantine["reason"]) == [
        "bad date '2019-02-30' (expected %Y-%m-%d, every digit written)",
        "unknown CAMEO code '999' — use a code of the CAMEO codebook",
        "unknown source country 'XXXX' — use an ISO3 code, a CAMEO region code or an English country name",
        "bad precision 'week' (use day, month, year, approx)"]
    assert '"cameo": "999"' in quarantine["raw"][1]
    rows = store.con.execute("SELECT event_id, date::VARCHAR, precision, source_iso3, cameo, root, quad_class, "
                             "goldstein, plover, mentions, dataset, ref FROM event_rows ORDER BY event_id").fetchall()
    assert rows == [("a", "2019-01-22", "day", "JPN", "036", "03", 1, 4.0, "AGREE", None, "mine", "notes.xlsx:1"),
                    ("e", "2019-01-25", "month", "RUS", "190", "19", 4, -10.0, "ASSAULT", None, "mine",
                     "notes.xlsx:5")]
    assert store.ingest_frame(frame, "mine", "notes.xlsx").skipped
    assert store.con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 2


def test_ingest_frame_with_plover_types_dates_and_errors(store: Store):
    frame = pd.DataFrame({"date": pd.to_datetime(["2020-05-01", "2020-05-02"]), "source_iso3": ["RUS", "CHN"],
                          "target_iso3": ["JPN", "JPN"], "plover": ["consult", "PROTEST"], "mentions": [3.0, None]})
    result = store.ingest_frame(frame, "plover-sheet", "sheet")
    assert (result.stored, result.quarantined) == (2, 0)
    rows = store.con.execute("SELECT date::VARCHAR, cameo, goldstein, mentions, event_id FROM event_rows "
                             "ORDER BY date").fetchall()
    assert rows == [("2020-05-01", "04", 1.0, 3, None), ("2020-05-02", "14", -6.5, None, None)]
    with pytest.raises(BilateralError, match=r"sheet: the events frame lacks column\(s\) target_iso3, cameo"):
        store.ingest_frame(frame.drop(columns=["target_iso3", "plover"]), "x", "sheet")


def test_ingest_case_goes_through_ingest_frame(store: Store):
    case = load_case("russia-japan")
    result = store.ingest_case(case)
    events = case.table("events")
    assert (result.layout, result.read, result.stored, result.quarantined) == ("frame", len(events), len(events), 0)
    first = events.iloc[0]
    row = store.con.execute("SELECT dataset, cameo, goldstein, ref FROM event_rows WHERE event_id = ?",
                            [first["id"]]).fetchall()[0]
    assert row == ("case:russia-japan", first["cameo"], first["goldstein"],
                   f"{first['source']} {first['locator']}")
    assert store.ingest_case(case).skipped


def test_ingest_a_folder_or_a_pattern(shared: Path, store: Store):
    results = store.ingest(shared / "data/events/gdelt2")
    assert [(Path(r.path).name, r.stored) for r in results] == [("20180326044500.export.CSV", 1540),
                                                                ("20191024143000.export.CSV", 2111)]
    assert [r.skipped for r in store.ingest(str(shared / "data/events/gdelt2/*.CSV"))] == [True, True]
    with pytest.raises(BilateralError, match="nowhere: no such file, folder or matching files"):
        store.ingest(shared / "nowhere")


def test_readme_sequence_in_one_process(shared: Path):
    """``Store().ingest(file)`` then ``bilateral.index`` (read-only) while the first store is open."""
    store = bilateral.Store()
    store.ingest(sorted((shared / "data/events/icews-daily").glob("*.gz"))[0])
    pair = store.con.execute("""SELECT count(*) FROM event_rows WHERE (source_iso3, target_iso3) IN
                                (('RUS', 'JPN'), ('JPN', 'RUS'))""").fetchall()[0][0]
    table = bilateral.index("RUS", "JPN", freq="year")
    assert int(table["count"].sum()) == pair > 0
    with bilateral.Store(read_only=True) as reader:
        assert len(reader.files()) == 1
    store.ingest_case(load_case("russia-japan"))  # the first store still writes after the others closed
    assert set(store.stats()["dataset"]) == {"icews", "case:russia-japan"}
    store.close()
    with bilateral.Store(read_only=True) as reader:
        with pytest.raises(BilateralError, match="this process has the store open read-only"):
            bilateral.Store()
        assert list(reader.files()["dataset"]) == ["icews", "case:russia-japan"]


def test_store_home_defaults_to_the_user_data_folder(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("BILATERAL_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert default_path() == tmp_path / "share/bilateral/store.duckdb"
    monkeypatch.setenv("BILATERAL_HOME", str(tmp_path / "mine"))
    assert default_path() == tmp_path / "mine/store.duckdb"


def test_index_ranges_are_bounded(shared: Path, tmp_path: Path):
    from datetime import date

    from bilateral.measure.index import relations_index

    db = tmp_path / "bounded.duckdb"
    with Store(db) as store:
        store.ingest(shared / "data/events/gdelt2/20180326044500.export.CSV")
    with pytest.raises(BilateralError, match=r"3,652,059 periods at frequency 'D', more than 100,000 — narrow"):
        relations_index("RUS", "JPN", store=db, freq="day", start=date(1, 1, 1), end=date(9999, 12, 31))
    monthly = relations_index("USA", "CHN", store=db, freq="month", start=date(1979, 1, 1), end=date(2018, 12, 31))
    assert len(monthly) == 40 * 12
