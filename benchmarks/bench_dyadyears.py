"""All-pairs dyad-years benchmark: every COW directed dyad-year 1816–2020 with ten steps, built by
``bilateral.dyadyears`` (one DuckDB query) and by plain pandas merges of the same step tables, in
one run, as a ratio; each side's peak memory (VmHWM) measured in a child process of its own.

Ten steps: contiguity, minimum distance, capital distance, COW and ATOP alliances, COW MIDs, COW
trade, joint IGOs, rivalries, democracy (both states) and national capabilities (both states).
Usage: BILATERAL_DATA=../shared/data python benchmarks/bench_dyadyears.py
"""

from __future__ import annotations

import json
import subprocess
import sys

STEPS = ("contiguity", "mindist", "capital_distance", "alliances", "mids", "trade", "igo", "rivalry",
         "democracy", "nmc")

CHILD = """
import json, sys, time
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
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
checksum = float(frame["distance.capitals"].sum()) + float(frame["trade.total"].sum())
print(json.dumps({"seconds": seconds, "built": built, "rows": len(frame), "columns": frame.shape[1],
                  "peak_mb": peak / 1024, "checksum": checksum}))
"""


def run(engine: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, engine, ",".join(STEPS)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    duck, plain = run("duckdb"), run("pandas")
    assert duck["rows"] == plain["rows"] and abs(duck["checksum"] - plain["checksum"]) < 1e-6 * abs(plain["checksum"])
    print(f"{'':22} {'rows':>10} {'columns':>8} {'time':>8} {'peak memory':>12}")
    for name, r in (("bilateral.dyadyears", duck), ("pandas merges", plain)):
        print(f"{name:22} {r['rows']:>10,} {r['columns']:>8} {r['seconds']:>7.1f}s {r['peak_mb']:>10,.0f} MB")
    print(f"pandas: {plain['built']:.1f} s of its time builds the step tables (the same builders)")
    ratio, memory = plain["seconds"] / duck["seconds"], duck["peak_mb"] / plain["peak_mb"]
    print(f"speed-up {ratio:.2f}×, memory {memory:.2f}× pandas")


if __name__ == "__main__":
    main()
