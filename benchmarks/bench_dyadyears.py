"""All-pairs dyad-years benchmark: every COW directed dyad-year 1816–2020 with ten steps, built by
``bilateral.dyadyears`` (one DuckDB query) and by plain pandas merges of the same step tables, in
one run, as a ratio; each side's peak memory (VmHWM) and CPU time measured in a child process of
its own. The two sides alternate, ``--repeat`` times (default 3), and the medians are reported.

Ten steps: contiguity, minimum distance, capital distance, COW and ATOP alliances, COW MIDs, COW
trade, joint IGOs, rivalries, democracy (both states) and national capabilities (both states).
Usage: BILATERAL_DATA=../shared/data python benchmarks/bench_dyadyears.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

STEPS = ("contiguity", "mindist", "capital_distance", "alliances", "mids", "trade", "igo", "rivalry",
         "democracy", "nmc")

CHILD = """
import json, resource, sys, time
from bilateral.measure import yearsteps
from bilateral.measure.dyadyears import dyadyears, _state_years
from bilateral.data.paths import data_dir
steps = tuple(sys.argv[2].split(","))
start = time.perf_counter()
if sys.argv[1] == "duckdb":
    frame = dyadyears(years=range(1816, 2021)).add(*steps).to_pandas()
    built = None
else:
    import pandas as pd
    from bilateral.measure.yearsteps import STEPS
    tables = {}
    for name in steps:  # the same step tables, as pandas frames
        table = STEPS[name].build()
        tables[name] = table if isinstance(table, pd.DataFrame) else table.to_pandas()
    built = time.perf_counter() - start
    states = _state_years("cow", 1816, 2020, str(data_dir()))
    one = states.rename(columns={"code": "ccode1", "iso3": "iso3_1", "since": "s1", "until": "u1"})
    two = states.rename(columns={"code": "ccode2", "iso3": "iso3_2", "since": "s2", "until": "u2"})
    frame = one.merge(two, on="year")
    frame = frame[(frame["ccode1"] != frame["ccode2"]) & (frame["s1"] <= frame["u2"]) & (frame["s2"] <= frame["u1"])]
    frame = frame[["ccode1", "ccode2", "year", "iso3_1", "iso3_2"]]
    for name in steps:
        table, spec = tables[name], STEPS[name]
        if spec.level == "dyad":
            frame = frame.merge(table, on=["ccode1", "ccode2", "year"], how="left")
        else:
            for side, suffix in (("1", "_a"), ("2", "_b")):
                renamed = table.rename(columns={"ccode": f"ccode{side}",
                                                **{c: c + suffix for c in table if "." in c}})
                frame = frame.merge(renamed, on=[f"ccode{side}", "year"], how="left")
        for column, (lo, hi) in spec.fills().items():
            for name_ in ([column] if spec.level == "dyad" else [column + "_a", column + "_b"]):
                inside = frame["year"].between(lo, hi)
                frame.loc[inside, name_] = frame.loc[inside, name_].fillna(0)
    frame = frame.sort_values(["ccode1", "ccode2", "year"], ignore_index=True)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
checksum = sum(float(frame[c].astype("float64").sum()) for c in ("distance.capitals", "trade.total", "mid.onsets"))
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "built": built, "rows": len(frame),
                  "columns": frame.shape[1], "peak_mb": peak / 1024, "checksum": checksum,
                  "result_mb": frame.memory_usage(deep=True).sum() / 2**20}))
"""


def run(engine: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, engine, ",".join(STEPS)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary(runs: list[dict]) -> dict:
    """Medians of the timed figures; the table's shape and checksum must agree across runs."""
    first = runs[0]
    assert all(r["rows"] == first["rows"] and r["checksum"] == first["checksum"] for r in runs)
    timed = {k: statistics.median(r[k] for r in runs) for k in ("seconds", "cpu", "peak_mb")}
    built = [r["built"] for r in runs if r["built"] is not None]
    return {**first, **timed, "built": statistics.median(built) if built else None,
            "runs": ", ".join(f"{r['seconds']:.1f}" for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each side (medians reported)")
    runs: dict[str, list[dict]] = {"duckdb": [], "pandas": []}
    for _ in range(parser.parse_args().repeat):
        for engine in runs:
            runs[engine].append(run(engine))
    duck, plain = summary(runs["duckdb"]), summary(runs["pandas"])
    assert duck["rows"] == plain["rows"] and abs(duck["checksum"] - plain["checksum"]) < 1e-6 * abs(plain["checksum"])
    print(f"load average {os.getloadavg()[0]:.1f}; medians of {len(runs['duckdb'])} alternating runs")
    print(f"{'':22} {'rows':>10} {'columns':>8} {'time':>8} {'cpu':>8} {'peak memory':>12} {'result':>9}")
    for name, r in (("bilateral.dyadyears", duck), ("pandas merges", plain)):
        print(f"{name:22} {r['rows']:>10,} {r['columns']:>8} {r['seconds']:>7.1f}s {r['cpu']:>7.1f}s "
              f"{r['peak_mb']:>9,.0f} MB {r['result_mb']:>6,.0f} MB   runs: {r['runs']}")
    print(f"pandas: {plain['built']:.1f} s of its time builds the step tables (the same builders)")
    ratio, cpu = plain["seconds"] / duck["seconds"], plain["cpu"] / duck["cpu"]
    print(f"speed-up {ratio:.2f}× (cpu {cpu:.2f}×), memory {duck['peak_mb'] / plain['peak_mb']:.2f}× pandas")


if __name__ == "__main__":
    main()
