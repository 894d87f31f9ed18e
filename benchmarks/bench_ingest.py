"""Ingest and index benchmark on a synthetic GDELT 2.0 export, as ratios measured in one run.

(a) ``Store.ingest`` of the file, clean, with 10 % of rows with a bad value and with 10 % of a
wrong width, each into a fresh store, alternating with (d) DuckDB's bare scan of the same file
(count(*) over read_csv), the practical floor, ``REPEAT`` times, medians of wall and CPU time
(the CPU time of all the process's threads is what a loaded machine disturbs least); (b) the
monthly RUS–JPN index on the resulting store; (c) a plain pandas baseline — read_csv of the
columns it needs (its best case) + filter + groupby, the way common GDELT helpers work; and, for
reference, (e) a plain load of the needed columns into a DuckDB table with no checks. Peak memory
of the ingest is measured in child processes (VmHWM) for 0.3×, 1× and 3× ``ROWS``.
Usage: python benchmarks/bench_ingest.py [ROWS] [REPEAT] (default 1,000,000 rows, 3 times).

``--before REV`` instead compares this code with a git revision (default ``2efabfd``, the commit
before issue 11's reader), checked out into a temporary worktree and run from its ``src`` in child
processes, alternately, on three files of ``--rows`` rows: clean; 10 % of rows with a bad value (a
bad date or an unknown CAMEO code: both versions can read it); 10 % of rows with a wrong number of
fields (the previous code stops at DuckDB's expression-depth limit, so only this code is timed).
Usage: python benchmarks/bench_ingest.py --before REV [--rows 1000000] [--repeat 2].
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bilateral.data.events.formats import GDELT2
from bilateral.data.store import Store
from bilateral.measure.index import dyad_index

sys.path.insert(0, str(Path(__file__).parent))
from gdelt_synth import write

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import sys, time, json
from bilateral.data.store import Store
start = time.perf_counter()
result = Store(sys.argv[1]).ingest(sys.argv[2])
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"seconds": time.perf_counter() - start, "stored": result.stored, "peak_mb": peak / 1024}))
"""


def timed(fn):
    """(wall seconds, CPU seconds of the process's threads, value): CPU time is the figure a loaded
    machine disturbs least."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def bare_scan(path: Path) -> int:
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in GDELT2.columns)
    sql = (f"SELECT count(*) FROM read_csv('{path}', delim='\\t', quote='', escape='', header=false, "
           f"auto_detect=false, columns={{{columns}}})")
    return duckdb.connect().execute(sql).fetchall()[0][0]


def plain_load(path: Path, target: Path) -> None:
    """Store the needed columns with no checks, types or provenance: what storing alone costs."""
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in GDELT2.columns)
    duckdb.connect(str(target)).execute(
        f"CREATE TABLE e AS SELECT GLOBALEVENTID, SQLDATE, Actor1CountryCode, Actor1Type1Code, Actor2CountryCode, "
        f"Actor2Type1Code, EventCode, NumMentions, SOURCEURL FROM read_csv('{path}', delim='\\t', quote='', "
        f"escape='', header=false, auto_detect=false, columns={{{columns}}})")


def pandas_baseline(path: Path) -> pd.DataFrame:
    """Monthly RUS–JPN count and mean Goldstein the plain pandas way."""
    frame = pd.read_csv(path, sep="\t", header=None, usecols=[1, 7, 17, 30],
                        names=["date", "a", "b", "goldstein"], dtype={"date": str, "a": str, "b": str})
    pair = frame[((frame["a"] == "RUS") & (frame["b"] == "JPN")) | ((frame["a"] == "JPN") & (frame["b"] == "RUS"))]
    month = pd.PeriodIndex(pd.to_datetime(pair["date"], format="%Y%m%d"), freq="M")
    return pair.groupby(month).agg(count=("goldstein", "size"))


def child_ingest(store: Path, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(store), str(path)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def fresh_ingest(folder: Path, path: Path):
    store = folder / "store.duckdb"
    for suffix in ("", ".wal"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    with Store(store) as db:
        return db.ingest(path, GDELT2)


def main(rows: int, repeat: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = write(folder / "big.export.CSV", rows)
        files = {"clean": big, "10% bad values": damage(big, folder / "values.export.CSV", "value"),
                 "10% wrong width": damage(big, folder / "width.export.CSV", "width")}
        size_mb = big.stat().st_size / 2**20
        times: dict[str, list[tuple[float, float]]] = {}
        for _ in range(repeat):  # alternate, so the machine's load falls on all alike
            wall, cpu, counted = timed(lambda: bare_scan(big))
            assert counted == rows
            times.setdefault("bare scan", []).append((wall, cpu))
            for label, path in files.items():
                wall, cpu, result = timed(lambda path=path: fresh_ingest(folder, path))
                assert result.read == result.stored + result.quarantined + result.duplicates == rows
                times.setdefault(label, []).append((wall, cpu))
        median = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in times.items()}
        t_pandas, _, baseline = timed(lambda: pandas_baseline(big))
        t_plain, _, _ = timed(lambda: plain_load(big, folder / "plain.duckdb"))
        store_path = folder / "store.duckdb"
        fresh_ingest(folder, big)
        with Store(store_path, read_only=True) as store:
            t_index, _, table = timed(lambda: dyad_index(store.table(), "RUS", "JPN", freq="month",
                                                         start=date(2015, 1, 1), end=date(2020, 12, 31)))
        assert np.array_equal(table["count"].to_numpy(), baseline["count"].reindex(table.index, fill_value=0))
        memory = {}
        for share in (0.3, 1, 3):
            n = int(rows * share)
            path = big if share == 1 else write(folder / f"m{n}.export.CSV", n)
            memory[n] = child_ingest(folder / f"m{n}.duckdb", path)["peak_mb"]
            if path != big:
                path.unlink()
    scan_wall, scan_cpu = median["bare scan"]
    figures: dict[str, float | int] = {"rows": rows, "file_mb": round(size_mb), "repeat": repeat}
    for label, (wall, cpu) in median.items():
        key = label.replace(" ", "_").replace("%", "pct")
        figures[f"{key}_s"] = wall
        figures[f"{key}_cpu_s"] = cpu
        if label != "bare scan":
            figures[f"{key}_vs_bare_scan"] = wall / scan_wall
            figures[f"{key}_vs_bare_scan_cpu"] = cpu / scan_cpu
        if label.startswith("10%"):
            figures[f"{key}_vs_clean"] = wall / median["clean"][0]
            figures[f"{key}_vs_clean_cpu"] = cpu / median["clean"][1]
    figures.update({"plain_load_s": t_plain, "pandas_s": t_pandas, "index_s": t_index,
                    "pandas_vs_index": t_pandas / t_index})
    figures.update({f"peak_mb_{n}": mb for n, mb in memory.items()})
    return figures


def damage(clean: Path, target: Path, kind: str, share: float = 0.1, seed: int = 11) -> Path:
    """A copy of ``clean`` with ``share`` of its rows damaged: ``value`` (bad date or CAMEO code) or ``width``."""
    rng = random.Random(seed)
    with clean.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        for line in source:
            if rng.random() < share:
                fields = line.rstrip("\n").split("\t")
                if kind == "width":
                    fields = fields[:30]
                elif rng.random() < 0.5:
                    fields[1] = "2019-13-45"
                else:
                    fields[26] = "999"
                line = "\t".join(fields) + "\n"
            out.write(line)
    return target


def ingest_seconds(src: Path, store: Path, path: Path) -> float:
    """Wall seconds of ``Store.ingest`` (GDELT 2.0 layout) in a fresh interpreter running the code in ``src``."""
    code = ("import sys, time; from bilateral.data.store import Store; from bilateral.data.events.formats import "
            "GDELT2; s = Store(sys.argv[1]); t = time.perf_counter(); s.ingest(sys.argv[2], GDELT2); "
            "print(time.perf_counter() - t)")
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", code, str(store), str(path)], env=env, check=True,
                         capture_output=True, text=True).stdout
    for suffix in ("", ".wal"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    return float(out.strip().splitlines()[-1])


def compare(before: str, rows: int, repeat: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    tree = work / "before"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), before], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        clean = write(work / "clean.export.CSV", rows)
        files = {"clean": clean, "10% bad values": damage(clean, work / "values.export.CSV", "value"),
                 "10% wrong width": damage(clean, work / "width.export.CSV", "width")}
        versions = {"before": tree / "src", "after": ROOT / "src"}
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(repeat):
            for label, path in files.items():
                for name, src in versions.items():
                    if name == "before" and label == "10% wrong width":
                        continue
                    times.setdefault((label, name), []).append(ingest_seconds(src, work / "store.duckdb", path))
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    median = {key: statistics.median(values) for key, values in times.items()}
    base = median["clean", "before"]
    print(f"Store.ingest of a {rows:,}-row GDELT 2.0 export, {repeat} runs each, medians (before = {before})")
    print(f"{'file':<18}{'before':>10}{'after':>10}{'after/before':>14}{'/ clean before':>16}")
    for label in files:
        old, new = median.get((label, "before")), median[label, "after"]
        ratio = f"{new / old:.2f}" if old else "—"
        print(f"{label:<18}{(f'{old:.2f} s' if old else 'fails'):>10}{new:>8.2f} s{ratio:>14}{new / base:>16.2f}")


if __name__ == "__main__":
    if "--before" in sys.argv:
        parser = argparse.ArgumentParser()
        parser.add_argument("--before", default="2efabfd")
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=2)
        args = parser.parse_args()
        compare(args.before, args.rows, args.repeat)
        raise SystemExit
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    figures = main(n, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value:,.2f}" if isinstance(value, float) else f"{key:<{width}}  {value:,}")
