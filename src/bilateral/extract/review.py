"""The review file: candidates a user accepts, edits or rejects into a case, or ingests into the store.

A review file is a CSV of :data:`~bilateral.extract.candidates.COLUMNS`. The user writes
``accept`` or ``reject`` in ``decision`` (an empty decision is undecided and left out) and may
edit any field of an accepted row; ``goldstein`` and ``quad_class`` are recomputed from the
(possibly edited) ``cameo``. :func:`accept_review` appends the accepted rows to the case's
``events.csv`` with the next free ids, after checking every row as a case event (all problems
reported at once, nothing written when there is one).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bilateral.case import validate_case
from bilateral.case.schema import Event
from bilateral.codes import cameo_table
from bilateral.data.store import IngestResult, Store
from bilateral.errors import BilateralError, Problem
from bilateral.extract.candidates import COLUMNS, DECISIONS
from bilateral.extract.dates import Dated

EVENT_FIELDS = list(Event.model_fields)
"""The columns of a case's ``events.csv``, in the schema's order."""


@dataclass(frozen=True)
class ReviewResult:
    """What :func:`accept_review` did: ids added, and how many rows were rejected or undecided."""

    added: tuple[str, ...]
    rejected: int
    undecided: int

    def __str__(self) -> str:
        ids = f" ({self.added[0]}–{self.added[-1]})" if self.added else ""
        return f"{len(self.added)} events added{ids}, {self.rejected} rejected, {self.undecided} undecided"


def _atomic_write(path: Path, text: str) -> None:
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def write_review(candidates: pd.DataFrame, path: str | Path) -> Path:
    """Write candidates as a review file (CSV, atomically: a failed write leaves no partial file)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise BilateralError(f"{path}: folder {path.parent} does not exist — create it or write elsewhere")
    _atomic_write(path, candidates.to_csv(index=False, columns=list(COLUMNS)))
    return path


def read_review(path: str | Path) -> pd.DataFrame:
    """Read a review file; a missing column or an unknown decision names the file, line and fix."""
    path = Path(path)
    if not path.is_file():
        raise BilateralError(f"{path}: no such review file — write one with `bilateral extract … -o {path.name}`")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise BilateralError(f"{path}: not a review CSV ({error}) — keep the header and quote fields with "
                             "commas") from None
    missing = [c for c in COLUMNS if c not in frame]
    if missing:
        raise BilateralError(f"{path}:1: missing column(s) {', '.join(missing)} — keep the header written by "
                             "`bilateral extract`")
    frame["decision"] = frame["decision"].str.strip().str.lower()
    bad = frame.index[~frame["decision"].isin(DECISIONS)]
    if len(bad):
        row = bad[0]
        raise BilateralError(f"{path}:{row + 2}: decision {frame.at[row, 'decision']!r} — write accept, reject "
                             "or leave it empty")
    return frame


def _event_rows(frame: pd.DataFrame, events_text: str) -> list[tuple[int, dict[str, str]]]:
    """(review line, events.csv record) of each accepted row, with the ids after the case's last."""
    table = cameo_table()
    ids = [row.get("id") or "" for row in csv.DictReader(io.StringIO(events_text))]
    last = max((int(i[1:]) for i in ids if i[:1] == "E" and i[1:].isdigit()), default=0)
    rows = []
    for index, row in frame[frame["decision"] == "accept"].iterrows():
        record = {f: row[f].strip() for f in EVENT_FIELDS if f in row and f != "id"}
        record["id"] = f"E{last + len(rows) + 1:03d}"
        if record["cameo"] in table.index:
            record["goldstein"] = f"{float(table.at[record['cameo'], 'goldstein']):g}"
            record["quad_class"] = str(int(table.at[record["cameo"], "quad_class"]))
        rows.append((int(index) + 2, record))
    return rows


def _appended(text: str, records: list[dict[str, str]]) -> str:
    header = next(csv.reader(io.StringIO(text)))
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=header, lineterminator="\n").writerows(records)
    return text + ("" if text.endswith("\n") else "\n") + buffer.getvalue()


def _check(case_dir: Path, text: str, rows: list[tuple[int, dict[str, str]]], review: Path) -> None:
    """Validate the case with the rows appended (in a scratch copy); raise listing the rows' problems."""
    first_new = text.count("\n") + (0 if text.endswith("\n") else 1) + 1
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / case_dir.name
        shutil.copytree(case_dir, copy)
        (copy / "events.csv").write_text(_appended(text, [r for _, r in rows]), encoding="utf-8")
        found = validate_case(copy)
    problems = sorted({Problem(review.name, rows[p.line - first_new][0], p.field, p.message,
                               "correct the row or reject it")
                       for p in found if p.file == "events.csv" and p.line >= first_new})
    if problems:
        listed = "\n".join(str(p) for p in problems)
        raise BilateralError(f"{len(problems)} problem(s) in accepted rows, nothing written:\n{listed}")


def accept_review(review: str | Path, case_dir: str | Path) -> ReviewResult:
    """Append the accepted rows of a review file to ``case_dir/events.csv`` as new case events.

    The rows are first checked by the case validator (on a scratch copy of the case with the rows
    added); any problem in them is raised with its review-file line and nothing is written.
    """
    path, case_dir = Path(review), Path(case_dir)
    frame = read_review(path)
    events = case_dir / "events.csv"
    if not events.is_file():
        raise BilateralError(f"{case_dir}: no events.csv — give a case folder (bilateral case validate checks one)")
    text = events.read_text(encoding="utf-8")
    rows = _event_rows(frame, text)
    if rows:
        _check(case_dir, text, rows, path)
        _atomic_write(events, _appended(text, [r for _, r in rows]))
    decisions = frame["decision"]
    return ReviewResult(tuple(r["id"] for _, r in rows), int((decisions == "reject").sum()),
                        int((decisions == "").sum()))


def candidates_frame(candidates: pd.DataFrame) -> pd.DataFrame:
    """Candidates (not rejected) as a normalised events frame for :meth:`Store.ingest_frame`."""
    kept = candidates[candidates["decision"].fillna("").astype(str).str.strip().str.lower() != "reject"]
    kept = kept[kept["date"].astype(str) != ""]
    days = [Dated(str(d), str(p), "").day.isoformat() for d, p in zip(kept["date"], kept["precision"], strict=True)]
    return pd.DataFrame({
        "event_id": [f"{str(s)[:12]}-{c}" for s, c in zip(kept["sha256"], kept["candidate_id"], strict=True)],
        "date": days, "precision": list(kept["precision"]), "source_iso3": list(kept["source_iso3"]),
        "source_sector": list(kept["source_sector"]), "target_iso3": list(kept["target_iso3"]),
        "target_sector": list(kept["target_sector"]), "cameo": list(kept["cameo"].astype(str)),
        "ref": [f"{Path(str(f)).name}:L{a}-{b}" for f, a, b in zip(kept["file"], kept["line_start"],
                                                                   kept["line_end"], strict=True)],
    })


def ingest_candidates(candidates: pd.DataFrame, store: Store, dataset: str, ref: str) -> IngestResult:
    """Ingest candidates (all but rejected ones) into ``store`` as dataset ``dataset``."""
    if not dataset.strip():
        raise BilateralError("the dataset name is empty — give one, e.g. extract:seeds")
    return store.ingest_frame(candidates_frame(candidates), dataset, ref)
