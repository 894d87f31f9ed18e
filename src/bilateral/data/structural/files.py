"""Read one table from an R data file or a CSV, checking it has the columns a reader needs.

A file that cannot be parsed, lacks the expected object or lacks a column raises
:class:`BilateralError` naming the file and what is wrong. Readers made with :func:`reader` cache
their tidy result by path, size and modification time, so a panel that needs the same file for
several columns parses it once.

R data files are slow to parse (pyreadr reads UN votes' 870,109 rows of text in seconds), so the
objects parsed from one are also kept on disk, as parquet in the user cache directory
(``~/.cache/bilateral/rda``), keyed by the file's path, size, modification time and the pyreadr,
pandas and pyarrow versions: a later process reads them back in a fraction of the time. Only the
raw objects are kept — every reader's own tidying runs each time — and only when each object
comes back from parquet equal, with the same types; otherwise (or if the directory cannot be
written) the file is simply parsed again next time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow
import pyreadr
from platformdirs import user_cache_path

from bilateral.data.paths import locate
from bilateral.errors import BilateralError


def resolve(path: Path | str | None, dataset: str, relpath: str) -> Path:
    """An explicit ``path`` (must exist), or the dataset file in the data directory."""
    if path is None:
        return locate(dataset, relpath)
    path = Path(path)
    if not path.is_file():
        raise BilateralError(f"{path}: no such file — give the path of {relpath} ({dataset})")
    return path


def reader(dataset: str, relpath: str) -> Callable[[Callable[[Path], Any]], Callable[..., Any]]:
    """Decorator: ``parse(file) -> table`` becomes ``read(path=None) -> table``.

    ``read`` finds ``relpath`` in the data directory when no path is given and returns a copy of
    the cached result of ``parse``.
    """
    def wrap(parse: Callable[[Path], Any]) -> Callable[..., Any]:
        @lru_cache(maxsize=4)
        def cached(name: str, size: int, mtime: int) -> Any:
            return parse(Path(name))

        def read(path: Path | str | None = None) -> Any:
            file = resolve(path, dataset, relpath)
            stat = file.stat()
            result = cached(str(file), stat.st_size, stat.st_mtime_ns)
            return result.copy()

        read.__name__, read.__qualname__ = parse.__name__, parse.__qualname__
        read.__doc__, read.__module__ = parse.__doc__, parse.__module__
        return read
    return wrap


def _check(frame: pd.DataFrame, path: Path, what: str, required: Iterable[str]) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise BilateralError(
            f"{path}: {what} lacks column(s) {', '.join(missing)} — this is not the expected file "
            f"(found columns: {', '.join(map(str, frame.columns[:12]))}{'…' if frame.shape[1] > 12 else ''})"
        )


@lru_cache(maxsize=8)
def _read_rda(path: str, size: int, mtime: int) -> dict[str, pd.DataFrame]:
    stored = _parsed(path, size, mtime)
    objects = _load_parsed(stored)
    if objects is not None:
        return objects
    try:
        objects = dict(pyreadr.read_r(path))
    except (pyreadr.custom_errors.PyreadrError, pyreadr.custom_errors.LibrdataError, OSError,
            ValueError) as err:
        raise BilateralError(f"{path}: not a readable R data file ({err}) — download it again "
                             "with `bilateral data pull`") from None
    _keep_parsed(stored, objects)
    return objects


def kept(key: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``build()``, kept on disk like the parsed R files under ``key`` (which must name everything
    the result depends on: files with their sizes and times, arguments, the code's version)."""
    versions = f"{pd.__version__}|{pyarrow.__version__}"
    name = hashlib.sha1(f"{key}|{versions}".encode()).hexdigest()[:20]
    manifest = user_cache_path("bilateral") / "rda" / f"{name}.json"
    objects = _load_parsed(manifest)
    if objects is not None and list(objects) == ["frame"]:
        return objects["frame"]
    frame = build()
    _keep_parsed(manifest, {"frame": frame})
    return frame


def _parsed(path: str, size: int, mtime: int) -> Path:
    """The manifest of an R data file's objects kept on disk (see the module doc)."""
    versions = f"{pyreadr.__version__}|{pd.__version__}|{pyarrow.__version__}"
    key = hashlib.sha1(f"{Path(path).resolve()}|{size}|{mtime}|{versions}".encode()).hexdigest()[:20]
    return user_cache_path("bilateral") / "rda" / f"{key}.json"


def _load_parsed(manifest: Path) -> dict[str, pd.DataFrame] | None:
    try:
        names = json.loads(manifest.read_text(encoding="utf-8"))
        return {name: pd.read_parquet(manifest.with_suffix(f".{i}.parquet")) for i, name in enumerate(names)}
    except (OSError, ValueError, pyarrow.ArrowException):
        return None


def _keep_parsed(manifest: Path, objects: dict[str, pd.DataFrame]) -> None:
    """Write the objects as parquet, each checked to come back equal; the manifest last, so that
    a reader sees all of them or none."""
    try:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        for i, (name, frame) in enumerate(objects.items()):
            if not isinstance(frame, pd.DataFrame) or not isinstance(name, str):
                return
            target = manifest.with_suffix(f".{i}.parquet")
            partial = target.with_name(f"{target.name}.{os.getpid()}.part")
            frame.to_parquet(partial)
            back = pd.read_parquet(partial)
            if not (back.equals(frame) and back.dtypes.equals(frame.dtypes) and back.index.equals(frame.index)):
                partial.unlink()
                return
            os.replace(partial, target)
        partial = manifest.with_name(f"{manifest.name}.{os.getpid()}.part")
        partial.write_text(json.dumps(list(objects)), encoding="utf-8")
        os.replace(partial, manifest)
    except (OSError, ValueError, TypeError, pyarrow.ArrowException):
        return


def read_rda(path: Path, name: str, required: Iterable[str]) -> pd.DataFrame:
    """The data frame ``name`` stored in the R data file ``path`` (a copy)."""
    stat = path.stat()
    objects = _read_rda(str(path), stat.st_size, stat.st_mtime_ns)
    if name not in objects:
        found = ", ".join(objects) or "none"
        raise BilateralError(f"{path}: no object '{name}' in this R data file (found: {found})")
    frame = objects[name]
    _check(frame, path, f"object '{name}'", required)
    return frame.copy()


@lru_cache(maxsize=16)
def _read_csv(path: str, size: int, mtime: int, sep: str, errors: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, sep=sep, low_memory=False, encoding_errors=errors)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise BilateralError(f"{path}: not a readable CSV file ({err})") from None


def read_csv(path: Path, required: Iterable[str], *, sep: str = ",",
             encoding_errors: str = "strict") -> pd.DataFrame:
    """A UTF-8 CSV file as a data frame (a copy), checked for the ``required`` columns.

    ``encoding_errors="replace"`` reads files with stray non-UTF-8 bytes in free-text columns.
    """
    stat = path.stat()
    frame = _read_csv(str(path), stat.st_size, stat.st_mtime_ns, sep, encoding_errors)
    _check(frame, path, "the header", required)
    return frame.copy()


def numeric(frame: pd.DataFrame, columns: Iterable[str], path: Path) -> pd.DataFrame:
    """Convert ``columns`` to numbers (blank → NaN); text that is not a number is an error."""
    for column in columns:
        raw = frame[column]
        if pd.api.types.is_numeric_dtype(raw):
            frame[column] = raw.astype(float)
            continue
        text = raw.astype("string").str.strip().str.rstrip("%")
        values = pd.to_numeric(text.replace({"": pd.NA, "NA": pd.NA}), errors="coerce")
        bad = values.isna() & text.notna() & ~text.isin(["", "NA"])
        if bad.any():
            row = int(bad.idxmax())
            raise BilateralError(f"{path}:{row + 2}: {column}: {raw[row]!r} is not a number")
        frame[column] = values.astype(float)
    return frame
