"""GDELT 2.0 daily country network (``gdelt-graph/``), read straight from the zipped matrices.

Each ``networks/YYYYMMDD_network.zip`` holds one ``.npy`` file: a symmetric country × country
matrix whose rows and columns follow ``country_codes_clean.csv`` (tab-separated, ISO3 in
``Alpha3_code``). A cell is the day's undirected score of the pair: the sum of Goldstein scores
of events between them, plus small weights for the number of sources and articles and the tone.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from bilateral.data.paths import data_dir, locate
from bilateral.data.structural.files import kept, read_csv, reader
from bilateral.errors import BilateralError

DATASET = "gdelt-graph"


@reader(DATASET, "gdelt-graph/country_codes_clean.csv")
def read_country_codes(file: Path) -> list[str]:
    """The ISO3 code of each row/column of the matrices, in order."""
    codes = read_csv(file, ["Alpha3_code"], sep="\t")["Alpha3_code"].astype(str).str.strip().tolist()
    if len(set(codes)) != len(codes):
        raise BilateralError(f"{file}: Alpha3_code has duplicates — rows would be ambiguous")
    return codes


def network_files(root: Path | None = None) -> dict[date, Path]:
    """The daily files present, by day."""
    locate(DATASET, "gdelt-graph/country_codes_clean.csv", root)
    folder = (root if root is not None else data_dir()) / "gdelt-graph" / "networks"
    found = {}
    for file in sorted(folder.glob("*_network.zip")):
        stem = file.name.split("_")[0]
        try:
            found[date(int(stem[:4]), int(stem[4:6]), int(stem[6:8]))] = file
        except ValueError:
            raise BilateralError(f"{file}: name is not YYYYMMDD_network.zip") from None
    return found


def read_matrix(file: Path, size: int) -> np.ndarray:
    """The matrix in one daily zip, checked to be ``size`` × ``size``."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = [n for n in archive.namelist() if n.endswith(".npy")]
            if len(members) != 1:
                raise BilateralError(f"{file}: expected one .npy matrix inside, found {len(members)}")
            matrix = np.load(io.BytesIO(archive.read(members[0])), allow_pickle=False)
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise BilateralError(f"{file}: not a zipped numpy matrix ({err})") from None
    if matrix.shape != (size, size):
        raise BilateralError(f"{file}: matrix is {matrix.shape}, expected ({size}, {size}) to match "
                             "country_codes_clean.csv")
    return matrix


def read_gdelt_graph(pairs: Iterable[tuple[str, str]], start: date | None = None, end: date | None = None,
                     root: Path | None = None) -> pd.DataFrame:
    """Daily scores of the given pairs: ``date, iso3_1, iso3_2, score`` (one row per pair and day
    with a file; days without a file are absent, not zero). ``root`` overrides the data directory.

    Results are cached for the process by folder, its modification time, pairs and dates, and on
    disk (:func:`~bilateral.data.structural.files.kept`) by every daily file's name, size and time.
    """
    base = root if root is not None else data_dir()
    locate(DATASET, "gdelt-graph/country_codes_clean.csv", base)
    folder = base / "gdelt-graph" / "networks"
    stamp = folder.stat().st_mtime_ns if folder.is_dir() else 0
    return _scores(str(base), stamp, tuple(dict.fromkeys(pairs)), start, end).copy()


@lru_cache(maxsize=8)
def _scores(base: str, stamp: int, pairs: tuple[tuple[str, str], ...], start: date | None,
            end: date | None) -> pd.DataFrame:
    root = Path(base)
    codes = read_country_codes(root / "gdelt-graph" / "country_codes_clean.csv")
    position = {c: i for i, c in enumerate(codes)}
    unknown = sorted({c for pair in pairs for c in pair} - set(position))
    if unknown:
        raise BilateralError(f"no GDELT network row for {', '.join(unknown)} — the matrices cover "
                             f"{len(codes)} ISO3 codes listed in country_codes_clean.csv")
    rows, cols = ([position[p[k]] for p in pairs] for k in (0, 1))
    days = {d: f for d, f in network_files(root).items()
            if (start is None or d >= start) and (end is None or d <= end)}

    def build() -> pd.DataFrame:
        records = []
        for day, file in days.items():
            values = read_matrix(file, len(codes))[rows, cols]
            records.extend((day, a, b, float(v)) for (a, b), v in zip(pairs, values, strict=True))
        frame = pd.DataFrame(records, columns=["date", "iso3_1", "iso3_2", "score"])
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    # unzipping thousands of daily matrices takes seconds: the pairs' scores are kept on disk,
    # keyed by every file's name, size and time, the codes, the pairs and this module's code
    stats = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in days.values()]
    code = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()
    digest = hashlib.sha1(repr((stats, codes, pairs)).encode()).hexdigest()
    return kept(f"gdelt_graph|{Path(base).resolve()}|{digest}|{code}", build)
