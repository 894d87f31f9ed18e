"""The main job, before and after the analysis layer, in one run on this machine.

``bilateral report`` on the built-in case with the real long-run data (``../shared/data``) and no
event store, timed as a user runs it (a fresh interpreter each time), for two versions of the code:

- *before*: a git revision of this repository (default ``ff808fa``, the last commit before the
  analysis layer), checked out into a temporary worktree and run from its ``src`` with the same
  interpreter and libraries;
- *after*: the working tree, once as is and once with ``--skip latent,dynamics`` — the report
  with the same sections as *before* (the latent index and the relations dynamics are sections the
  analysis layer's report added; they fit models of their own).

Each version runs once untimed first (numba compiles its kernels into that version's
``__pycache__``), then ``--repeat`` times alternately; the table gives each run and the ratio of
the medians. Usage::

    python benchmarks/bench_report.py [--before REV] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BILATERAL_SHARED", ROOT.parent / "shared"))


def check_import(src: Path) -> None:
    """Make sure ``PYTHONPATH`` wins over the editable install, so each version runs its own code."""
    found = subprocess.run([sys.executable, "-c", "import bilateral; print(bilateral.__file__)"],
                           env={**os.environ, "PYTHONPATH": str(src)}, check=True, capture_output=True, text=True)
    if not Path(found.stdout.strip()).is_relative_to(src):
        raise SystemExit(f"{src}: the interpreter imports bilateral from {found.stdout.strip()} instead")


def report_once(src: Path, out: Path, extra: tuple[str, ...] = ()) -> float:
    """Wall seconds of one ``bilateral report`` run from the code in ``src``."""
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    env = {**os.environ, "PYTHONPATH": str(src), "BILATERAL_HOME": str(home),
           "BILATERAL_DATA": str(SHARED / "data"), "COLUMNS": "200"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bilateral", "report", "-o", str(out), *extra], env=env, check=True,
                   stdout=subprocess.DEVNULL, cwd=out)
    elapsed = time.perf_counter() - started
    shutil.rmtree(home, ignore_errors=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="ff808fa", help="git revision of the 'before' code")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each version")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    tree = work / "before"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.before], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    versions = {"before": (tree / "src", ()), "after": (ROOT / "src", ()),
                "after, same sections": (ROOT / "src", ("--skip", "latent,dynamics"))}
    times: dict[str, list[float]] = {name: [] for name in versions}
    try:
        for name, (src, extra) in versions.items():
            check_import(src)
            out = work / f"warm-{name.replace(', ', '-').replace(' ', '-')}"
            out.mkdir()
            report_once(src, out, extra)
        for k in range(args.repeat):
            for name, (src, extra) in versions.items():
                out = work / f"{name.replace(', ', '-').replace(' ', '-')}-{k}"
                out.mkdir()
                times[name].append(report_once(src, out, extra))
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    print(f"bilateral report, russia-japan, BILATERAL_DATA={SHARED / 'data'}, no event store; "
          f"{args.repeat} timed runs each after one warm-up")
    print("| version | runs (s) | median (s) |\n|---|---|---|")
    for name, values in times.items():
        print(f"| {name} ({args.before if name == 'before' else 'working tree'}) | "
              f"{', '.join(f'{v:.1f}' for v in values)} | {statistics.median(values):.1f} |")
    before = statistics.median(times["before"])
    for name in ("after", "after, same sections"):
        print(f"speed-up, before / {name}: {before / statistics.median(times[name]):.2f}×")


if __name__ == "__main__":
    main()
