"""Benchmark: ``bilateral extract`` throughput in sentences a second on one core.

    python benchmarks/bench_extract.py            # the two seed papers, 10 copies (≈ 5,300 sentences)
    python benchmarks/bench_extract.py --copies 50

In one process: (a) the floor, reading the documents and splitting them into sentences
(``read_document`` + ``sentences``); (b) the whole pipeline, ``extract`` (reading, splitting,
dating, actor phrases, triggers with modality, candidate rows with provenance) with the case's
actor dictionary built beforehand; (c) the dictionary build itself (CountryInfo, country_converter
and the case). The documents are copies of the seeds in a temporary folder, so the work is real
text; the script checks every copy gives the same candidates. Python is single-threaded here, so
the rate is per core.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bilateral.case import load_case
from bilateral.extract import build_lexicon, extract, read_document, sentences

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = ("000_7f62de5ec775ad22.txt", "003_38330fa16acfc2ba.txt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    case = load_case()
    info = args.shared / "data/codes/CountryInfo.120116.txt"

    start = time.perf_counter()
    lexicon = build_lexicon(case, country_info=info)
    build = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for copy in range(args.copies):
            for name in SEEDS:
                target = Path(folder) / f"{copy:03d}_{name}"
                shutil.copyfile(args.shared / "seeds" / name, target)
                paths.append(target)

        start = time.perf_counter()
        count = sum(len(sentences(read_document(p))) for p in paths)
        floor = time.perf_counter() - start

        start = time.perf_counter()
        frame = extract(paths, case, lexicon=lexicon)
        whole = time.perf_counter() - start

    per_copy = frame.groupby(frame["file"].map(lambda f: Path(f).name[:3]))["cameo"].agg(tuple)
    assert per_copy.nunique() == 1, "copies of the same text gave different candidates"
    print(f"python {platform.python_version()} on {platform.machine()}, {sys.platform}")
    print(f"dictionary build (CountryInfo + country_converter + case): {build:.2f} s, "
          f"{len(lexicon.entries):,} phrases")
    print(f"{len(paths)} documents, {count:,} sentences, {len(frame):,} candidates")
    print(f"read + split only: {floor:.2f} s = {count / floor:,.0f} sentences/s")
    print(f"extract (whole pipeline): {whole:.2f} s = {count / whole:,.0f} sentences/s "
          f"({whole / floor:.1f}× the read + split floor; target 200 sentences/s: "
          f"{count / whole / 200:.1f}×)")


if __name__ == "__main__":
    main()
