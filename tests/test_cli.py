"""The ``bilateral`` command in-process (Typer's runner), and once as the installed entry point."""

import json
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bilateral.cli import app


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_validate_builtin_case_passes():
    result = run("case", "validate")
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout


def test_validate_broken_case_exits_2_without_traceback(case_copy: Path):
    path = case_copy / "stakeholders.csv"
    path.write_text(path.read_text().replace(",true,", ",maybe,", 1))
    result = run("case", "validate", str(case_copy))
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert re.search(r"stakeholders\.csv:\d+: veto: .* — ", result.stdout)


def test_unknown_case_is_a_clear_error():
    result = run("case", "show", "no-such-case")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "no case 'no-such-case'" in result.stderr


def test_the_installed_command_exits_2_without_a_traceback():
    """The entry point itself (a subprocess is the point here): message on stderr, status 2."""
    result = subprocess.run([sys.executable, "-m", "bilateral", "case", "show", "no-such-case"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "no case 'no-such-case'" in result.stderr and "Traceback" not in result.stderr


def test_events_as_csv_and_json_with_filters():
    result = run("case", "events", "--category", "summit", "--between", "2016:2016", "-f", "csv")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("id,day,")
    assert len(lines) >= 3 and all(",summit," in line for line in lines[1:])
    data = json.loads(run("case", "stakeholders", "-f", "json").stdout)
    assert {"putin", "abe"} <= {row["actor"] for row in data}


def test_bad_filter_value_names_the_choices():
    result = run("case", "events", "--period", "golden_age")
    assert result.exit_code == 2
    assert "unknown period 'golden_age'" in result.stderr and "yeltsin_era" in result.stderr


def test_cite_prints_bibtex_and_rejects_unknown_keys():
    result = run("cite", "seed000")
    assert result.exit_code == 0
    assert re.match(r"@(article|misc)\{seed000,", result.stdout)
    bad = run("cite", "nobody1999")
    assert bad.exit_code == 2 and "nobody1999" in bad.stderr


def test_report_is_self_contained_and_has_the_timeline(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path / "no-data"))
    result = run("report", "-o", str(tmp_path), "--runs", "40")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "russia-japan.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html), "report must not load scripts from outside"
    assert "Plotly.newPlot" in html and 'id="timeline"' in html
    for section in ("Timeline of the case", "Actors", "Factors", "Hypotheses", "Negotiation inputs",
                    "What the evidence says", "Long-run relations", "Measured relations", "Bibliography"):
        assert section in html
    assert "Not available: no event store at" in html  # measured: says what to ingest
    assert "bilateral data pull" in html  # long-run: says what to pull
    assert "cited events" in result.stdout and "In 40 simulated negotiations" in result.stdout


def test_events_ingest_index_and_report_with_measured_section(shared: Path, tmp_path: Path):
    store = str(tmp_path / "store.duckdb")
    days = sorted((shared / "data/events/icews-daily").glob("2019012*.gz"))
    lines_in_files = sum(len(_gunzip_lines(p)) - 1 for p in days)  # minus each header
    result = run("events", "ingest", *map(str, days), "--store", store)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "rows read" in x)
    read, stored = (int(n.replace(",", "")) for n in re.findall(r"([\d,]+) (?:rows read|stored)", line))
    assert read == stored == lines_in_files and "0 quarantined + 0 duplicates" in line
    again = run("events", "ingest", *map(str, days), "--store", store)
    assert f"{len(days)} already ingested, skipped" in again.stdout
    index = run("index", "RUS", "JPN", "--from", "2019-01", "--to", "2019-01", "--freq", "week",
                "--metric", "count", "-f", "csv", "--store", store)
    assert index.exit_code == 0, index.output
    rows = index.stdout.strip().splitlines()
    assert rows[0] == "period,count,no_events" and len(rows) == 6
    stats = json.loads(run("events", "stats", "-f", "json", "--store", store).stdout)
    assert stats[0]["dataset"] == "icews" and stats[0]["rows_read"] == read
    report = run("report", "-o", str(tmp_path / "out"), "--store", store, "--runs", "40")
    html = (tmp_path / "out" / "russia-japan.html").read_text(encoding="utf-8")
    assert report.exit_code == 0, report.output
    assert 'id="measured"' in html and "Busiest month: 2019-01" in html
    assert html.index('<section id="measured">') < html.index('id="measured-figure"')  # chart under its heading


def test_report_ingests_the_data_directorys_events_once(shared: Path, tmp_path: Path, monkeypatch):
    data = tmp_path / "data"
    (data / "events" / "icews-daily").mkdir(parents=True)
    days = sorted((shared / "data/events/icews-daily").glob("2019012*.gz"))
    for day in days:
        (data / "events" / "icews-daily" / day.name).symlink_to(day)
    monkeypatch.setenv("BILATERAL_DATA", str(data))
    store = str(tmp_path / "store.duckdb")
    rows = sum(len(_gunzip_lines(p)) - 1 for p in days)
    first = run("report", "-o", str(tmp_path / "out"), "--store", store, "--runs", "20", "--skip", "latent,dynamics")
    assert first.exit_code == 0, first.output
    assert f"{len(days)} ingested, 0 already in the store" in first.stdout
    assert f"{rows:,} rows read = {rows:,} stored" in first.stdout
    html = (tmp_path / "out" / "russia-japan.html").read_text(encoding="utf-8")
    assert "Busiest month: 2019-01" in html
    again = run("report", "-o", str(tmp_path / "out"), "--store", store, "--runs", "20", "--skip", "latent,dynamics")
    assert f"0 ingested, {len(days)} already in the store" in again.stdout and "nothing stored" in again.stdout
    quiet = run("report", "-o", str(tmp_path / "out"), "--store", store, "--runs", "20", "--skip", "latent,dynamics",
                "--no-ingest")
    assert quiet.exit_code == 0 and "events:" not in quiet.stdout


def _gunzip_lines(path: Path) -> list[bytes]:
    import gzip

    return gzip.decompress(path.read_bytes()).splitlines()


def test_events_errors_exit_2(tmp_path: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not event data\n")
    bad = run("events", "ingest", str(notes), "--store", str(tmp_path / "s.duckdb"))
    assert bad.exit_code == 2 and "not a known event data layout" in bad.stderr
    missing = run("index", "RUS", "JPN", "--store", str(tmp_path / "none.duckdb"))
    assert missing.exit_code == 2 and "no event store at" in missing.stderr


def test_version():
    from bilateral import __version__

    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"bilateral {__version__}"


def test_output_places_are_checked_before_the_work(tmp_path: Path):
    missing = run("simulate", "--plot", str(tmp_path / "no" / "such" / "plot.html"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    onto_file = tmp_path / "report.html"
    onto_file.write_text("x")
    report = run("report", "-o", str(onto_file))
    assert report.exit_code == 2 and "that is a file" in report.stderr
