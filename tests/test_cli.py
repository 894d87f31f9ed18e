import json
import os
import re
import subprocess
import sys
from pathlib import Path


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bilateral", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "COLUMNS": "200"}, check=False)


def test_validate_builtin_case_passes():
    result = run("case", "validate")
    assert result.returncode == 0, result.stdout
    assert "valid" in result.stdout


def test_validate_broken_case_exits_2_without_traceback(case_copy: Path):
    path = case_copy / "stakeholders.csv"
    path.write_text(path.read_text().replace(",true,", ",maybe,", 1))
    result = run("case", "validate", str(case_copy))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(r"stakeholders\.csv:\d+: veto: .* — ", result.stdout)


def test_unknown_case_is_a_clear_error():
    result = run("case", "show", "no-such-case")
    assert result.returncode == 2
    assert "no case 'no-such-case'" in result.stderr
    assert "Traceback" not in result.stderr


def test_events_as_csv_and_json_with_filters():
    result = run("case", "events", "--category", "summit", "--between", "2016:2016", "-f", "csv")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("id,day,")
    assert len(lines) >= 3 and all(",summit," in line for line in lines[1:])
    data = json.loads(run("case", "stakeholders", "-f", "json").stdout)
    assert {"putin", "abe"} <= {row["actor"] for row in data}


def test_bad_filter_value_names_the_choices():
    result = run("case", "events", "--period", "golden_age")
    assert result.returncode == 2
    assert "unknown period 'golden_age'" in result.stderr and "yeltsin_era" in result.stderr


def test_cite_prints_bibtex_and_rejects_unknown_keys():
    result = run("cite", "seed000")
    assert result.returncode == 0
    assert result.stdout.startswith("@article{seed000,") or result.stdout.startswith("@misc{seed000,")
    bad = run("cite", "nobody1999")
    assert bad.returncode == 2 and "unknown citation key(s) nobody1999" in bad.stderr


def test_report_is_self_contained_and_has_the_timeline(tmp_path: Path):
    result = run("report", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "russia-japan.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html), "report must not load scripts from outside"
    assert "Plotly.newPlot" in html and 'id="timeline"' in html
    for section in ("Timeline of the case", "Actors", "Factors", "Hypotheses", "Negotiation inputs",
                    "What the evidence says", "Long-run relations", "Measured relations",
                    "Bibliography"):
        assert section in html
    assert "cited events" in result.stdout


def test_events_ingest_index_and_report_with_measured_section(shared: Path, tmp_path: Path):
    store = str(tmp_path / "store.duckdb")
    days = sorted((shared / "data/events/icews-daily").glob("2019012*.gz"))
    result = run("events", "ingest", *map(str, days), "--store", store)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "rows read" in x)
    read, stored = (int(n.replace(",", "")) for n in re.findall(r"([\d,]+) (?:rows read|stored)", line))
    assert read == stored > 10_000 and "0 quarantined + 0 duplicates" in line
    again = run("events", "ingest", *map(str, days), "--store", store)
    assert f"{len(days)} already ingested, skipped" in again.stdout
    index = run("index", "RUS", "JPN", "--from", "2019-01", "--to", "2019-01", "--freq", "week",
                "--metric", "count", "-f", "csv", "--store", store)
    assert index.returncode == 0, index.stderr
    rows = index.stdout.strip().splitlines()
    assert rows[0] == "period,count,no_events" and len(rows) == 6
    stats = json.loads(run("events", "stats", "-f", "json", "--store", store).stdout)
    assert stats[0]["dataset"] == "icews" and stats[0]["rows_read"] == read
    report = run("report", "-o", str(tmp_path / "out"), "--store", store)
    html = (tmp_path / "out" / "russia-japan.html").read_text(encoding="utf-8")
    assert report.returncode == 0 and 'id="measured"' in html and "Busiest month: 2019-01" in html


def test_events_errors_exit_2(tmp_path: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not event data\n")
    bad = run("events", "ingest", str(notes), "--store", str(tmp_path / "s.duckdb"))
    assert bad.returncode == 2 and "not a known event data layout" in bad.stderr
    missing = run("index", "RUS", "JPN", "--store", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "no event store at" in missing.stderr
    assert "Traceback" not in bad.stderr + missing.stderr
