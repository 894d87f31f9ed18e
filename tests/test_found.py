"""``ingest_found``: the event files of a data directory ingested once — ../shared/data/events
(read-only, into a temporary store), the layout ``data pull`` writes, files that are not events."""

from __future__ import annotations

import gzip
import io
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from bilateral.data.events.found import FoundSummary, ingest_found
from bilateral.data.store import Store

DYAD = {"Russian Federation", "Japan"}


def _text(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text(encoding="utf-8")


def _data_rows(path: Path, header: bool) -> int:
    """Physical lines after the header, counted here from the file's text."""
    text = _text(path)
    return text.count("\n") + (not text.endswith("\n")) - header


def _icews_dyad_by_year(paths: list[Path]) -> Counter:
    """RUS–JPN rows per year of the event date, read from the ICEWS files by column name (the oracle)."""
    years: Counter = Counter()
    for path in paths:
        lines = _text(path).splitlines()
        columns = lines[0].split("\t")
        source, target, day = (columns.index(c) for c in ("Source Country", "Target Country", "Event Date"))
        for line in lines[1:]:
            fields = line.split("\t")
            if {fields[source], fields[target]} == DYAD:
                years[int(fields[day][:4])] += 1
    return years


@pytest.fixture(scope="module")
def found(shared, tmp_path_factory) -> tuple[Store, FoundSummary, FoundSummary, str]:
    console = Console(file=io.StringIO(), width=100, record=True)
    store = Store(tmp_path_factory.mktemp("found") / "store.duckdb")
    first = ingest_found(store, shared / "data", progress=console)
    second = ingest_found(store, shared / "data", progress=False)
    yield store, first, second, console.export_text()
    store.close()


def test_the_shared_event_files_are_found_and_reconcile(shared, found):
    _, first, _, shown = found
    events = shared / "data/events"
    everything = sorted(p for p in events.rglob("*") if p.is_file())
    assert first.files == len(everything) and f"{len(everything)}/{len(everything)}" in shown  # a bar, once a file
    icews = [*sorted((events / "icews-daily").glob("*.tab.gz")), events / "icews-yearly-sample-readr.tab"]
    gdelt = sorted((events / "gdelt2").glob("*.CSV"))
    assert len(icews) == 128 and len(gdelt) == 2
    by_path = {Path(r.path): r for r in first.ingested}
    assert set(by_path) == set(icews) | set(gdelt)
    for path in icews + gdelt:
        result = by_path[path]
        assert result.read == _data_rows(path, header=path in icews), path
        assert result.read == result.stored + result.quarantined + result.duplicates
    assert first.total("read") == sum(_data_rows(p, p in icews) for p in icews + gdelt)
    kg = {p.relative_to(shared / "data").as_posix() for p in everything if "-kg" in p.parent.name}
    assert {path for path, _ in first.skipped} == kg and len(kg) == 9
    assert all(why.startswith("not event data (") for _, why in first.skipped)
    text = str(first)
    assert f"{len(everything)} files in {events}: 130 ingested, 0 already in the store, 9 skipped" in text
    assert f"{first.total('read'):,} rows read = {first.total('stored'):,} stored" in text


def test_the_dyad_per_year_matches_the_files(shared, found):
    store = found[0]
    oracle = _icews_dyad_by_year(sorted((shared / "data/events/icews-daily").glob("*.tab.gz")))
    stored = dict(store.con.execute("""SELECT year(date), count(*) FROM event_rows
                                       WHERE dataset = 'icews' AND (source_iso3, target_iso3) IN
                                             (('RUS', 'JPN'), ('JPN', 'RUS')) GROUP BY ALL""").fetchall())
    assert stored == dict(oracle) and set(stored) == {2018, 2019} and sum(stored.values()) > 1000


def test_a_second_call_stores_nothing_and_says_so(found):
    store, first, second, _ = found
    assert second.ingested == () and len(second.already) == len(first.ingested) == 130
    assert second.skipped == first.skipped
    assert "130 already in the store, 9 skipped; nothing stored" in str(second)
    assert store.con.execute("SELECT count(*) FROM events").fetchall()[0][0] == first.total("stored")


def test_the_layout_data_pull_writes_with_unfinished_damaged_and_other_files(shared, tmp_path):
    events = shared / "data/events"
    daily = tmp_path / "events/icews-daily"
    daily.mkdir(parents=True)
    names = sorted(p.name for p in (events / "icews-daily").glob("*.gz"))[:3]
    for name in names[:2]:
        shutil.copyfile(events / "icews-daily" / name, daily / name)
    body = (events / "icews-daily" / names[2]).read_bytes()
    (daily / names[2]).write_bytes(body[: len(body) // 2])  # a truncated gzip
    (daily / (names[2] + ".part")).write_bytes(body[:1000])
    gdelt = tmp_path / "events/gdelt2"
    gdelt.mkdir()
    source = sorted((events / "gdelt2").glob("*.CSV"))[0]
    with zipfile.ZipFile(gdelt / (source.name + ".zip"), "w", zipfile.ZIP_DEFLATED) as packed:
        packed.write(source, source.name)
    (tmp_path / "events/README.md").write_text("# what is here\n")
    (gdelt / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    with Store(tmp_path / "store.duckdb") as store:
        summary = ingest_found(store, tmp_path)
    assert sorted(Path(r.path).name for r in summary.ingested) == sorted([*names[:2], source.name + ".zip"])
    assert summary.total("read") == sum(_data_rows(daily / n, True) for n in names[:2]) + _data_rows(source, False)
    reasons = dict(summary.skipped)
    assert set(reasons) == {f"events/icews-daily/{names[2]}", f"events/icews-daily/{names[2]}.part",
                            "events/README.md", "events/gdelt2/.DS_Store"}
    assert reasons[f"events/icews-daily/{names[2]}.part"].startswith("an unfinished download — run the same")
    assert reasons[f"events/icews-daily/{names[2]}"].startswith("damaged gzip archive")
    assert reasons["events/README.md"].startswith("not event data (")
    assert reasons["events/gdelt2/.DS_Store"] == "a hidden file"
    assert f"skipped events/icews-daily/{names[2]}: damaged gzip archive" in str(summary)


def test_no_events_folder(tmp_path):
    with Store(tmp_path / "store.duckdb") as store:
        summary = ingest_found(store, tmp_path)
    assert summary.files == 0 and summary.total("read") == 0
    assert str(summary).startswith(f"no event files in {tmp_path / 'events'} — pull some")


def test_the_data_directory_is_the_default(shared, tmp_path, monkeypatch):
    (tmp_path / "events").mkdir()
    shutil.copyfile(sorted((shared / "data/events/gdelt2").glob("*.CSV"))[1], tmp_path / "events/one.export.CSV")
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path))
    with Store(tmp_path / "store.duckdb") as store:
        summary = ingest_found(store)
    assert summary.root == tmp_path and [r.layout for r in summary.ingested] == ["gdelt2"]
