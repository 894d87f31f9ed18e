"""The catalogue of long-run datasets: files, original URLs, sha256, version, licence, BibTeX.

``catalog.yaml`` holds each dataset's metadata and the BibTeX of every work the data layer cites
(event datasets included; :data:`DATASET_KEYS` names the key of each event dataset);
``catalog_files.csv`` lists each file with its size, sha256 and original public URL.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import pandas as pd
import yaml

from bilateral.data.paths import data_dir
from bilateral.errors import BilateralError

DATASET_KEYS = {"icews": "boschee2015icews", "gdelt": "leetaru2013gdelt", "phoenix": "beieler2016phoenix",
                "polecat": "halterman2023polecat"}
"""Event dataset (the store's ``dataset`` column) → the key of its reference in ``catalog.yaml``."""


@dataclass(frozen=True)
class DataFile:
    dataset: str
    path: str  # relative to the data directory, e.g. "unvotes/un_votes.rda"
    size: int
    sha256: str
    url: str


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    version: str
    licence: str
    carried_by: str
    citation: tuple[str, ...]
    files: tuple[DataFile, ...]
    note: str = ""

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def _resource(name: str) -> str:
    return files("bilateral.data").joinpath(name).read_text(encoding="utf-8")


@cache
def _raw() -> dict:
    return yaml.safe_load(_resource("catalog.yaml"))


@cache
def datasets() -> dict[str, Dataset]:
    """Every catalogued dataset by name (the name of its folder in the data directory)."""
    by_dataset: dict[str, list[DataFile]] = {}
    for row in csv.DictReader(_resource("catalog_files.csv").splitlines()):
        entry = DataFile(row["dataset"], row["path"], int(row["size"]), row["sha256"], row["url"])
        by_dataset.setdefault(entry.dataset, []).append(entry)
    out = {}
    for name, meta in _raw()["datasets"].items():
        out[name] = Dataset(name=name, title=meta["title"], description=meta["description"],
                            version=str(meta["version"]), licence=meta["licence"],
                            carried_by=meta["carried_by"], citation=tuple(meta["citation"]),
                            files=tuple(by_dataset.get(name, [])), note=meta.get("note", ""))
    return out


def dataset(name: str) -> Dataset:
    """One dataset; an unknown name is a :class:`BilateralError` listing the known ones."""
    known = datasets()
    if name not in known:
        raise BilateralError(f"unknown dataset {name!r} — known datasets: {', '.join(known)}")
    return known[name]


def references() -> dict[str, str]:
    """BibTeX of every work the data layer cites, by key."""
    return dict(_raw()["references"])


def bibtex(keys: list[str] | tuple[str, ...]) -> str:
    """BibTeX entries of the catalogue's references for ``keys`` (in the given order, duplicates dropped)."""
    from bilateral.data.bib import bibliography

    return bibliography().bibtex(keys)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def status(root: Path | None = None, *, verify: bool = False) -> pd.DataFrame:
    """What of each dataset is in the data directory: files present, bytes, version, licence.

    ``verify`` also recomputes sha256 and counts files whose content differs from the catalogue.
    """
    base = root if root is not None else data_dir()
    rows = []
    for ds in datasets().values():
        present = [f for f in ds.files if (base / f.path).is_file()]
        wrong_size = [f for f in present if (base / f.path).stat().st_size != f.size]
        row = {"dataset": ds.name, "files": len(ds.files), "present": len(present),
               "bytes": sum((base / f.path).stat().st_size for f in present),
               "state": "complete" if len(present) == len(ds.files) and not wrong_size
               else "missing" if not present else "partial",
               "version": ds.version, "licence": ds.licence}
        if verify:
            bad = [f for f in present if sha256_file(base / f.path) != f.sha256]
            row["corrupt"] = len(bad)
            if bad:
                row["state"] = "corrupt"
        elif wrong_size:
            row["state"] = "corrupt"
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["root"] = str(base)
    return frame
