"""Write any table of bilateral as CSV, JSON, Parquet, Stata (``.dta``) or R (``.rds``, ``.feather``).

    bilateral.export(bilateral.index("RUS", "JPN"), "index.dta")   # the format from the suffix
    bilateral.export(a.evidence.table(), "evidence.rds")

What each format gets:

* **csv, json** — plain text, every value in full; periods as text (``2020-01``), dates in ISO 8601.
* **parquet** — the frame as pandas writes it (its ``attrs``, e.g. a panel's column metadata, kept).
* **dta** (Stata 118) — names made valid for Stata by `stata_names` (letters, digits and
  ``_``, at most 32 characters, unique, no reserved word) with the original name as the variable
  label; periods as Stata dates of their frequency (``%tm``, ``%tq``, ``%ty``, ``%td``), dates as
  ``%td``, times as ``%tc``; booleans as 0/1 bytes; categoricals as value labels; text longer than
  2,045 bytes as ``strL``; the citation keys in the data label.
* **rds** (R, via pyreadr) — names kept; booleans as logicals, categoricals as factors; periods
  and dates as ISO text (pyreadr writes no R dates: ``as.Date()`` them in R, or use feather).
* **feather** (Arrow IPC, for R's ``arrow::read_feather`` and pandas) — names kept; periods and
  dates as dates (a period by its first day), categoricals as factors.

A named index or a PeriodIndex becomes the first column(s); a default range index is dropped.
The text ``period`` column of bilateral's tables (``2013``, ``2013-10``, ``2013Q4``, ``2013-10-05``:
one frequency throughout) is read back as periods for Stata and feather, so it gets a date there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.stata import StataParser

from bilateral.errors import BilateralError

#: Every format `export` writes and its file suffix.
FORMATS = {"csv": ".csv", "json": ".json", "parquet": ".parquet", "dta": ".dta", "rds": ".rds",
           "feather": ".feather"}

#: Names Stata (and pandas' Stata writer, which would rename them again) keep for themselves.
STATA_RESERVED = frozenset({*StataParser().RESERVED_WORDS, *(f"str{k}" for k in range(1, 2046))})
#: Stata's period formats by pandas frequency code (periods are written as their start).
_STATA_DATES = {"M": "tm", "Q": "tq", "Y": "ty", "A": "ty", "D": "td", "W": "td"}
_PERIOD_TEXT = {"Y": r"\d{4}", "Q": r"\d{4}Q[1-4]", "M": r"\d{4}-\d{2}", "D": r"\d{4}-\d{2}-\d{2}"}
_STRF_BYTES = 2045  # the longest fixed-width Stata 118 string; longer text goes to strL


def text(frame: pd.DataFrame, fmt: str) -> str:
    """The CSV or JSON text of ``frame`` (what `export` writes for those formats)."""
    frame = _columns(frame)
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.PeriodDtype):
            frame[column] = frame[column].astype(str).where(frame[column].notna(), None)
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        return frame.to_json(orient="records", date_format="iso", indent=2, force_ascii=False)
    raise BilateralError(f"text({fmt!r}): only csv and json are text formats")


def export(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``frame`` to ``path`` as csv, json, parquet, dta, rds or feather.

    Parameters
    ----------
    frame
        Any table: an index, a panel, a result's ``table()``.
    path
        The file to write; its folder must exist.
    fmt
        One of `FORMATS`; default the suffix of ``path``.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    BilateralError
        An unknown format, or a table the format cannot hold (the message says which column).
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise BilateralError(f"{path}: cannot write format {fmt!r} — use one of {', '.join(FORMATS)} "
                             "(or a file name ending in .csv, .json, .parquet, .dta, .rds or .feather)")
    if not isinstance(frame, pd.DataFrame):
        raise BilateralError(f"export(frame=…): give a pandas DataFrame, not {type(frame).__name__} "
                             "(a result's table() is one)")
    if fmt in ("csv", "json"):
        path.write_text(text(frame, fmt), encoding="utf-8")
    elif fmt == "parquet":
        _columns(frame).to_parquet(path, index=False)
    elif fmt == "dta":
        write_stata(frame, path)
    elif fmt == "rds":
        import pyreadr

        pyreadr.write_rds(path, r_frame(frame))
    else:
        import pyarrow.feather as feather

        feather.write_feather(arrow_frame(frame), path)
    return path


def _columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with a named or period index as columns and a default index dropped."""
    index = frame.index
    named = any(name is not None for name in index.names)
    if named or isinstance(index, pd.PeriodIndex | pd.DatetimeIndex) or index.nlevels > 1:
        out = frame.reset_index()
    else:
        out = frame.reset_index(drop=True)
    out.columns = [str(c) for c in out.columns]
    if len(set(out.columns)) < len(out.columns):
        twice = sorted({c for c in out.columns if list(out.columns).count(c) > 1})
        raise BilateralError(f"columns {', '.join(twice)} appear twice — rename them before exporting")
    out.attrs = dict(frame.attrs)
    return out


def _periods(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a text ``period`` column of one frequency as periods (else unchanged)."""
    values = frame.get("period")
    if values is None or values.dtype != object or values.isna().any() or not len(values):
        return frame
    for freq, pattern in _PERIOD_TEXT.items():
        if values.map(lambda v, p=pattern: isinstance(v, str) and re.fullmatch(p, v) is not None).all():
            frame["period"] = pd.PeriodIndex(values, freq=freq)
            break
    return frame


def _dates(values: pd.Series) -> bool:
    """Whether an object column holds only dates (``datetime.date``, not times) and missing values."""
    present = values.dropna()
    return len(present) > 0 and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in present)


def _as_text(values: pd.Series) -> pd.Series:
    """Any column as Python strings with ``None`` where missing."""
    return values.map(lambda v: None if v is None or (not isinstance(v, str | list | dict | tuple) and pd.isna(v))
                      else v if isinstance(v, str) else str(v)).astype(object)


def stata_names(columns: Iterable[Any]) -> dict[str, str]:
    """Valid, unique Stata names for ``columns`` (original → Stata).

    Letters, digits and ``_`` only (``unga.agreement@RUS-CHN`` → ``unga_agreement_RUS_CHN``),
    not starting with a digit, at most 32 characters, no reserved word; a clash gets ``_2``, ``_3``….
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        name = re.sub(r"[^A-Za-z0-9_]", "_", str(column)) or "v"
        if name[0].isdigit() or name in STATA_RESERVED:
            name = "_" + name
        name = base = name[:32]
        k = 1
        while name in taken:
            k += 1
            name = f"{base[:32 - len(str(k)) - 1]}_{k}"
        out[str(column)] = name
        taken.add(name)
    return out


def write_stata(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` as a Stata 118 file (see the module doc for what each column becomes)."""
    frame = _periods(_columns(frame))
    names = stata_names(frame.columns)
    dates: dict[str, str] = {}
    strl: list[str] = []
    for column in list(frame.columns):
        values = frame[column]
        if isinstance(values.dtype, pd.PeriodDtype):
            freq = values.dtype.freq.name.split("-")[0].removesuffix("E")
            if freq not in _STATA_DATES:
                raise BilateralError(f"column {column!r}: periods of frequency {values.dtype.freq.name} have no "
                                     "Stata date — convert them to text or dates first")
            frame[column] = values.dt.start_time
            dates[column] = _STATA_DATES[freq]
        elif isinstance(values.dtype, pd.DatetimeTZDtype):
            frame[column] = values.dt.tz_convert("UTC").dt.tz_localize(None)
            dates[column] = "tc"
        elif pd.api.types.is_datetime64_any_dtype(values):
            dates[column] = "td" if (values.dropna() == values.dropna().dt.normalize()).all() else "tc"
        elif isinstance(values.dtype, pd.CategoricalDtype):
            frame[column] = values.cat.rename_categories([str(c) for c in values.cat.categories])
        elif pd.api.types.is_bool_dtype(values):
            frame[column] = (values.astype("Int8") if values.isna().any() else values.astype("int8"))
        elif pd.api.types.is_extension_array_dtype(values) and pd.api.types.is_numeric_dtype(values):
            frame[column] = values.astype("float64")
        elif values.dtype == object and _dates(values):
            frame[column] = pd.to_datetime(values)
            dates[column] = "td"
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            frame[column] = _as_text(values)
            longest = max((len(v.encode("utf-8")) for v in frame[column].dropna()), default=0)
            if longest > _STRF_BYTES:
                strl.append(names[column])
    labels = {names[c]: c if len(c) <= 80 else c[:79] + "…" for c in frame.columns if names[c] != c}
    sources = ", ".join(frame.attrs.get("sources", []))
    label = f"bilateral; sources: {sources}" if sources else None
    frame.attrs = {}
    try:
        frame.rename(columns=names).to_stata(
            path, write_index=False, version=118, variable_labels=labels, convert_strl=strl,
            convert_dates={names[c]: f for c, f in dates.items()},
            data_label=None if label is None else label if len(label) <= 80 else label[:79] + "…")
    except (ValueError, TypeError, OverflowError) as err:
        raise BilateralError(f"{path}: Stata cannot hold this table ({err}) — convert the column named "
                             "there to numbers or text first") from None


def r_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in the types pyreadr writes: numbers, logicals, text, factors (dates as ISO text)."""
    frame = _columns(frame)
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(values):
            frame[column] = _as_text(values.astype(str).where(values.notna(), None))
        elif isinstance(values.dtype, pd.CategoricalDtype):
            frame[column] = values.cat.rename_categories([str(c) for c in values.cat.categories])
        elif pd.api.types.is_bool_dtype(values) and values.isna().any():
            frame[column] = values.astype(object).where(values.notna(), None)
        elif pd.api.types.is_extension_array_dtype(values) and pd.api.types.is_numeric_dtype(values):
            frame[column] = values.astype("float64")
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            frame[column] = _as_text(values)
    return frame


def arrow_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` for Arrow readers outside pandas: periods as the date of their first day."""
    frame = _periods(_columns(frame))
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.PeriodDtype):
            frame[column] = values.dt.start_time.dt.date.where(values.notna(), None)
        elif values.dtype == object and not _dates(values) and values.map(
                lambda v: not isinstance(v, str | type(None)) and not (isinstance(v, float) and np.isnan(v))).any():
            frame[column] = _as_text(values)
    return frame
