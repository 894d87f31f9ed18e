"""Ingest and index benchmark on a synthetic GDELT 2.0 export, as ratios measured in one run.

(a) ingest throughput into the store; (b) the monthly RUS–JPN index on the resulting store;
(c) a plain pandas baseline — read_csv of the columns it needs (its best case) + filter + groupby,
the way common GDELT helpers work; (d) DuckDB's bare scan of the same file (count(*) over
read_csv), the practical floor; and, for reference, (e) a plain load of the needed columns into a
DuckDB table with no checks, which shows what storing alone costs over the scan. Peak memory of
the ingest is measured in child processes for two file sizes (VmHWM).
Usage: python benchmarks/bench_ingest.py [ROWS] (default 3,000,000).
"""

from __future__ import annotations

import json
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

CHILD = """
import sys, time, json
from bilateral.data.store import Store
start = time.perf_counter()
result = Store(sys.argv[1]).ingest(sys.argv[2])
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"seconds": time.perf_counter() - start, "stored": result.stored, "peak_mb": peak / 1024}))
"""


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


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


def main(rows: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = write(folder / "big.export.CSV", rows)
        small = write(folder / "small.export.CSV", rows // 3)
        size_mb = big.stat().st_size / 2**20
        t_scan, counted = timed(lambda: bare_scan(big))
        assert counted == rows
        t_pandas, baseline = timed(lambda: pandas_baseline(big))
        t_plain, _ = timed(lambda: plain_load(big, folder / "plain.duckdb"))
        store_path = folder / "store.duckdb"
        t_ingest, result = timed(lambda: Store(store_path).ingest(big))
        assert result.stored + result.quarantined + result.duplicates == rows
        with Store(store_path, read_only=True) as store:
            t_index, table = timed(lambda: dyad_index(store.table(), "RUS", "JPN", freq="month",
                                                      start=date(2015, 1, 1), end=date(2020, 12, 31)))
        assert np.array_equal(table["count"].to_numpy(), baseline["count"].reindex(table.index, fill_value=0))
        memory_small = child_ingest(folder / "m1.duckdb", small)
        memory_big = child_ingest(folder / "m2.duckdb", big)
    figures = {
        "rows": rows, "file_mb": round(size_mb), "bare_scan_s": t_scan, "plain_load_s": t_plain,
        "pandas_s": t_pandas,
        "ingest_s": t_ingest, "index_s": t_index,
        "ingest_rows_per_s": rows / t_ingest,
        "ingest_vs_bare_scan": t_ingest / t_scan,
        "plain_load_vs_bare_scan": t_plain / t_scan,
        "pandas_vs_ingest_plus_index": t_pandas / (t_ingest + t_index),
        "pandas_vs_index": t_pandas / t_index,
        "peak_mb_small": memory_small["peak_mb"], "peak_mb_big": memory_big["peak_mb"],
    }
    return figures


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000
    figures = main(n)
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value:,.2f}" if isinstance(value, float) else f"{key:<{width}}  {value:,}")
