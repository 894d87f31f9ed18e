"""The monthly RUS–JPN index query on a store of 1 M, 5 M and 20 M generated events.

Rows are made by DuckDB straight into the store's ``events`` table (the query reads the table,
not the files it came from): dates over 1995–2020, actors from the weighted country list of
``gdelt_synth`` (about 40 % without a country), CAMEO codes from the package's table with their
Goldstein weights and QuadClasses, mentions 1–50. The store grows in place (1 M, then 4 M more,
then 15 M more) and at each size the query — ``dyad_index(store.table(), "RUS", "JPN",
freq="month")``, what ``bilateral index RUS JPN --freq month`` runs, every metric, the whole
span — is timed ``--repeat`` times (wall and CPU time of all threads), alternating with a
baseline in the same process: one
aggregate over the whole table (``sum(goldstein)``, a full scan of one column). The script checks
the index's monthly counts against a plain SQL count of the same rows.
Usage: python benchmarks/bench_query.py [--sizes 1000000,5000000,20000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bilateral.codes import cameo_table
from bilateral.data.store import Store
from bilateral.measure.index import dyad_index

sys.path.insert(0, str(Path(__file__).parent))
from gdelt_synth import COUNTRIES


def grow(store: Store, start: int, stop: int) -> None:
    """Add generated events ``start`` … ``stop - 1`` (one file id per call), as the ingest stores them."""
    codes = cameo_table()
    codes = codes[codes["code"].str.len() >= 3].reset_index(drop=True)
    k = f"(hash(i, 7) % {len(codes)})::BIGINT + 1"
    state = [f"$states[(hash(i, {n}) % {len(COUNTRIES)})::BIGINT + 1]" for n in (8, 9)]
    file_id = store.con.execute("SELECT nextval('file_ids')").fetchall()[0][0]
    store.con.execute(f"""
        INSERT INTO events
        SELECT (900000000 + i)::VARCHAR, DATE '1995-01-01' + (hash(i, 1) % 9497)::INT, 'day',
               CASE WHEN hash(i, 2) % 10 < 4 THEN NULL ELSE {state[0]} END, 'GOV',
               CASE WHEN hash(i, 3) % 10 < 4 THEN NULL ELSE {state[1]} END, NULL,
               $code[{k}], left($code[{k}], 2), $quad[{k}], $goldstein[{k}], $plover[{k}],
               (1 + hash(i, 6) % 50)::INT, 'gdelt', 'https://news.example.org/story/' || i, {file_id},
               i - {start} + 1, NULL, NULL
        FROM range({start}, {stop}) t(i)""",
        {"states": COUNTRIES, "code": list(codes["code"]), "quad": [int(q) for q in codes["quad_class"]],
         "goldstein": [float(g) for g in codes["goldstein"]],
         "plover": [p if isinstance(p, str) and p else None for p in codes["plover"]]})
    store.con.execute("INSERT INTO files (file_id, path, sha256, layout, dataset, dedup, rows_read, stored, "
                      "quarantined, duplicates) VALUES (?, ?, ?, 'generated', 'gdelt', 'none', ?, ?, 0, 0)",
                      [file_id, f"generated:{start}-{stop}", f"generated:{start}-{stop}", stop - start, stop - start])
    store.con.execute("CHECKPOINT")


def index(store: Store):
    return dyad_index(store.table(), "RUS", "JPN", freq="month")


def baseline(store: Store) -> float:
    return store.con.execute("SELECT sum(goldstein) FROM events").fetchall()[0][0]


def measure(store: Store, repeat: int) -> dict[str, float]:
    index(store)  # warm: the first query reads the table from disk into DuckDB's buffer
    times: dict[str, list[float]] = {"index": [], "baseline": [], "index_cpu": []}
    for _ in range(repeat):
        for name, work in (("index", index), ("baseline", baseline)):
            start, cpu = time.perf_counter(), time.process_time()
            result = work(store)
            times[name].append(time.perf_counter() - start)
            if name == "index":
                times["index_cpu"].append(time.process_time() - cpu)
                table = result
    counted = store.con.execute("""
        SELECT date_trunc('month', date)::DATE AS month, count(*) FROM events
        WHERE (source_iso3 = 'RUS' AND target_iso3 = 'JPN') OR (source_iso3 = 'JPN' AND target_iso3 = 'RUS')
        GROUP BY 1 ORDER BY 1""").fetchall()
    expected = dict(counted)
    assert all(int(n) == expected.get(p.to_timestamp().date(), 0) for p, n in table["count"].items())
    assert int(table["count"].sum()) == sum(expected.values())
    return {"index_s": statistics.median(times["index"]), "baseline_s": statistics.median(times["baseline"]),
            "index_cpu_s": statistics.median(times["index_cpu"]),
            "dyad_events": int(table["count"].sum()), "months": len(table)}


def main(sizes: list[int], repeat: int) -> None:
    print(f"{'events':>12}{'index (median)':>16}{'CPU':>9}{'full scan':>12}{'index / scan':>14}{'RUS–JPN rows':>14}"
          f"{'months':>8}")
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "store.duckdb") as store:
        done = 0
        for size in sizes:
            grow(store, done, size)
            done = size
            f = measure(store, repeat)
            print(f"{size:>12,}{f['index_s']:>14.3f} s{f['index_cpu_s']:>7.3f} s{f['baseline_s']:>10.3f} s"
                  f"{f['index_s'] / f['baseline_s']:>14.2f}"
                  f"{f['dyad_events']:>14,}{f['months']:>8}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,5000000,20000000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    main([int(s) for s in args.sizes.split(",")], args.repeat)
