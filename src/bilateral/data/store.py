"""The event store: an embedded DuckDB file holding normalised events, quarantine and provenance.

Ingestion is idempotent (a file whose sha256, or a DataFrame whose content digest, is already
recorded is skipped) and atomic (one transaction per file). Every input row ends up stored,
quarantined with a reason, or counted as a duplicate, and the three add up to the rows read
(DESIGN.md §5). The SQL is in :mod:`bilateral.data.events.sql`.

A file is read and verified by :mod:`bilateral.data.events.read` (verified decompression,
physical lines counted from the bytes, columns by header name). A plain or gzip file that its
survey proves clean is parsed by DuckDB's CSV reader while the survey runs (the fast path);
anything else is handed to DuckDB a piece at a time with every line's number and raw text (the
exact path). Either way a quarantined row shows the file's line and raw text exactly, and a line
with several problems is quarantined once, for the first. After the file, rows read (the file's
lines after the header, counted by the survey or the reader) must equal stored + quarantined +
duplicates counted from the tables, or the file is refused and nothing of it is kept.

One process can hold several :class:`Store` objects on the same file, read-write and read-only
(e.g. ``Store().ingest(…)`` then ``bilateral.index(…)``): they share one DuckDB database, each
through its own cursor, because DuckDB refuses a second connection to a file with another
configuration in the same process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
from platformdirs import user_data_path

from bilateral.case import Case
from bilateral.data.catalog import sha256_file as sha256
from bilateral.data.events import actors
from bilateral.data.events.detect import NotEventData, recognise
from bilateral.data.events.files import expand
from bilateral.data.events.formats import Layout
from bilateral.data.events.read import Lines, Reader, compression, survey
from bilateral.data.events.sql import EVENT_COLUMNS, MACROS, SCHEMA, insert_sql, literal
from bilateral.errors import BilateralError

__all__ = ["DEDUP", "EVENT_COLUMNS", "IngestResult", "RemoveResult", "Store", "default_path"]

DEDUP = ("id", "none")
HOME_VAR = "BILATERAL_HOME"
FRAME_COLUMNS = ["event_id", "date", "precision", "source_iso3", "source_sector", "target_iso3",
                 "target_sector", "cameo", "plover", "mentions", "ref"]
"""The columns :meth:`Store.ingest_frame` reads; root, QuadClass, Goldstein and PLOVER of a CAMEO
code come from the CAMEO table, as for files."""


def default_path() -> Path:
    """``$BILATERAL_HOME/store.duckdb``; ``BILATERAL_HOME`` defaults to platformdirs'
    ``user_data_path("bilateral")`` (``~/.local/share/bilateral`` on Linux, ``$XDG_DATA_HOME``
    honoured)."""
    home = os.environ.get(HOME_VAR, "").strip()
    return (Path(home).expanduser() if home else user_data_path("bilateral")) / "store.duckdb"


@dataclass(frozen=True)
class IngestResult:
    """What became of one file's rows: ``read == stored + quarantined + duplicates``."""

    path: str
    layout: str
    read: int
    stored: int
    quarantined: int
    duplicates: int
    skipped: bool = False
    note: str = ""
    """Why the layout was chosen, why the file was skipped, or what an ingest with force replaced."""

    def __str__(self) -> str:
        if self.skipped:
            return f"{self.path}: {self.note or 'already ingested (same sha256), skipped'}"
        return (f"{self.path}: {self.read:,} rows read = {self.stored:,} stored + "
                f"{self.quarantined:,} quarantined + {self.duplicates:,} duplicates")


    @classmethod
    def not_event_data(cls, path: Path, err: NotEventData) -> IngestResult:
        """The result of a file in a folder that is no event data: skipped, with what was seen."""
        return cls(str(path), "?", 0, 0, 0, 0, skipped=True, note=f"skipped, not event data ({err.why})")


@dataclass(frozen=True)
class RemoveResult:
    """What :meth:`Store.remove` deleted."""

    target: str
    files: int
    events: int
    quarantined: int

    def __str__(self) -> str:
        return (f"{self.target}: removed {self.files:,} file(s), {self.events:,} events and "
                f"{self.quarantined:,} quarantined rows")


def _as_text(column: pd.Series) -> pd.Series:
    """A frame column as text for the store's checks: dates as YYYY-MM-DD, whole floats as integers."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.strftime("%Y-%m-%d").astype("string")
    if pd.api.types.is_float_dtype(column) and (column.dropna() % 1 == 0).all():
        column = column.astype("Int64")
    return column.astype("string")


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def _open_hint(path: Path, err: BaseException) -> str:
    """What to do when DuckDB cannot open ``path``: the cause found from the file, its folder and
    DuckDB's message, not assumed."""
    text = str(err)
    if path.is_dir():
        return "that is a folder; name a store file (…/store.duckdb)"
    if path.exists() and path.stat().st_size:
        with path.open("rb") as handle:
            head = handle.read(16)
        if head[8:12] != b"DUCK" or "not a valid DuckDB database" in text:
            return (f"that file is not a DuckDB database ({path.stat().st_size:,} bytes that do not start like "
                    "one); name another file with --store, or move this one away")
    holder = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", text)
    if holder or "lock" in text.lower():
        who = f"process {holder[2]} ({Path(holder[1]).name})" if holder else "another process"
        return (f"{who} has the store open for writing; wait for it to finish or stop it, then retry "
                "(reading needs it closed too: DuckDB locks the whole file)")
    folder = path.parent
    try:
        read_only_disk = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_disk = False
    if read_only_disk or "Read-only file system" in text:
        return (f"the disk holding {folder} is mounted read-only; choose a store on a writable disk with --store "
                f"or {HOME_VAR}")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)) \
            or "Permission denied" in text:
        return (f"you may not write {'the file' if path.exists() else 'its folder'} (permissions); choose a "
                f"writable store with --store or {HOME_VAR}, or change the permissions")
    return "check the file (a damaged store can be moved away and the events ingested again)"


@dataclass
class _Database:
    """One DuckDB connection to a store file, shared by the process's :class:`Store` objects."""

    con: duckdb.DuckDBPyConnection
    read_only: bool
    users: int = 0


_OPEN: dict[str, _Database] = {}
_OPENING = threading.Lock()


class _Unclean(Exception):
    """The fast path cannot read this file exactly; it is read again by the exact path."""


class Store:
    """An event store at ``path`` (default `default_path`; created on first use).

    A read-only store can be opened while the same process holds the file read-write (it reads
    through the open database); opening a file read-write while it is open only read-only in the
    process is a `BilateralError`.

    Parameters
    ----------
    path
        The DuckDB file (default ``$BILATERAL_HOME/store.duckdb``).
    read_only
        Open for reading only; a store that does not exist yet is then a `BilateralError`.

    Examples
    --------
    >>> with bilateral.Store() as db:
    ...     results = db.ingest("../shared/data/events/icews-daily/")   # one IngestResult a file
    ...     db.stats(by="dataset")        # rows read = stored + quarantined + duplicates
    >>> bilateral.index("RUS", "JPN", freq="M")   # reads the same store
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False):
        self.path = Path(path) if path else default_path()
        if read_only and not self.path.exists():
            raise BilateralError(f"no event store at {self.path} — ingest event files first "
                                 "(`bilateral events ingest FILE…`, or Store().ingest(path)), or set "
                                 f"{HOME_VAR}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise BilateralError(f"{self.path}: cannot create the store's folder ({err.strerror}) — choose "
                                 f"a writable place with --store or {HOME_VAR}") from None
        self._key = str(self.path.resolve())
        with _OPENING:
            database = _OPEN.get(self._key)
            if database is None:
                try:
                    database = _Database(duckdb.connect(self._key, read_only=read_only), read_only)
                except duckdb.Error as err:
                    raise BilateralError(f"{self.path}: cannot open the store ({_first_line(err)}) — "
                                         f"{_open_hint(self.path, err)}") from None
                if not read_only:
                    database.con.execute(SCHEMA)
                actors.register(database.con)  # a function is registered once per database, for every cursor
                _OPEN[self._key] = database
            elif database.read_only and not read_only:
                raise BilateralError(f"{self.path}: this process has the store open read-only — close that "
                                     "Store before opening it for writing")
            database.users += 1
            self.con = database.con.cursor()
        self.con.execute(MACROS)

    def close(self) -> None:
        """Close this store's cursor; the database closes with the process's last store on it."""
        with _OPENING:
            database = _OPEN.get(self._key)
            if self.con is None or database is None:
                return
            self.con.close()
            self.con = None
            database.users -= 1
            if not database.users:
                database.con.close()
                del _OPEN[self._key]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ ingestion
    def ingest(self, path: str | Path, layout: Layout | None = None, *, dedup: str = "id",
               force: bool = False) -> IngestResult | list[IngestResult]:
        """Ingest an event file in a single transaction; a folder (every file under it) or a glob
        pattern gives a list of results, in sorted order. A file already stored (sha256) is skipped,
        unless ``force``: then its earlier rows are replaced in the same transaction.

        ``layout`` is recognised from each file's first lines when not given. In a folder or a
        pattern, a file that is no event data (a README, ``.DS_Store``) is skipped with a note and
        the others are ingested; named on its own it is a `BilateralError`.

        Parameters
        ----------
        path
            An event file (ICEWS, GDELT, Phoenix, …, plain or compressed), a folder or a glob.
        layout
            The file's layout (default: recognised from its first lines).
        dedup
            ``id``: a row whose (dataset, event id, date) is already stored, in this file or an
            earlier one, counts as a duplicate; ``none``: keep every row.
        force
            Ingest a file already stored again, replacing its earlier rows.

        Returns
        -------
        IngestResult or list of IngestResult
            Per file: rows read, stored, quarantined (with reasons) and duplicates, which add up
            to the rows read; or that it was skipped, and why.
        """
        if dedup not in DEDUP:
            raise BilateralError(f"unknown dedup {dedup!r} — use one of {', '.join(DEDUP)}")
        if Path(path).is_file():
            return self._ingest_file(Path(path), layout, dedup, force)
        results = []
        for file in expand([path]):
            try:
                results.append(self._ingest_file(file, layout, dedup, force))
            except NotEventData as err:
                results.append(IngestResult.not_event_data(file, err))
        return results

    def _ingest_file(self, path: Path, layout: Layout | None, dedup: str, force: bool) -> IngestResult:
        stat = path.stat()
        if not force:
            seen = self.con.execute("SELECT sha256 FROM files WHERE path = ? AND size = ? AND mtime = ?",
                                    [str(path.resolve()), stat.st_size, stat.st_mtime]).fetchall()
            if seen and seen[0][0] == sha256(path):
                return IngestResult(str(path), layout.name if layout else "?", 0, 0, 0, 0, skipped=True)
        why = ""
        if layout is None:
            layout, why = recognise(path)
        kind = compression(path)
        fast = layout.name != "csv" and kind in ("none", "gzip") and stat.st_size > 0
        with ThreadPoolExecutor(max_workers=2) as pool:
            digest = None if fast and kind == "none" else pool.submit(sha256, path)  # else the survey's
            try:
                if not fast:
                    raise _Unclean
                result = self._atomic(lambda: self._ingest(path, layout, dedup, digest, force, pool, kind))
            except _Unclean:
                digest = digest or pool.submit(sha256, path)
                result = self._atomic(lambda: self._ingest(path, layout, dedup, digest, force))
        return dataclasses.replace(result, note="; ".join(filter(None, [why, result.note])))

    def _atomic(self, work: Callable[[], IngestResult]) -> IngestResult:
        """Run ``work`` in one transaction: committed, or rolled back when it fails or skips."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            result = work()
        except BaseException as err:
            self.con.execute("ROLLBACK")
            if isinstance(err, duckdb.IOException | OSError) and not isinstance(err, FileNotFoundError):
                raise BilateralError(f"{self.path}: cannot write the store ({_first_line(err)}) — free disk "
                                     "space or choose a writable store with --store; nothing was stored") from None
            raise
        try:
            self.con.execute("ROLLBACK" if result.skipped else "COMMIT")
        except duckdb.Error as err:
            raise BilateralError(f"{self.path}: cannot write the store ({_first_line(err)}) — free disk space "
                                 "or choose a writable store with --store; nothing was stored") from None
        return result

    def _next_file_id(self) -> int:
        return self.con.execute("SELECT nextval('file_ids')").fetchall()[0][0]

    def _ingest(self, path: Path, layout: Layout, dedup: str, digest: Future[str] | None, force: bool,
                pool: ThreadPoolExecutor | None = None, kind: str = "") -> IngestResult:
        """Read, check and store one file (inside the transaction), then reconcile its counts.

        Rows read are the file's physical lines after the header, counted from its bytes
        (:class:`bilateral.data.events.read.Lines`); stored, quarantined and duplicate rows are
        counted from the tables afterwards. If the two differ the file is refused. With a ``pool``
        the file takes the fast path (DuckDB's reader, the survey in the pool at the same time; its
        sha256 is the survey's when ``digest`` is None); if the survey finds the file is not one the
        fast path reads exactly, :class:`_Unclean`.
        """
        con = self.con
        file_id = self._next_file_id()
        reader = Reader(path, layout)
        rows = dataclasses.replace(layout, fields={**layout.fields, "line": "_line", "reject": "_reject",
                                                   "raw": "_raw"})
        raw: Callable[[np.ndarray], list[str]] | None = None
        if pool is None:
            lines = self._insert_exact(reader, rows, file_id)
        else:
            surveyed = pool.submit(survey, path)
            try:
                con.execute(insert_sql(reader.scan(kind), rows, file_id, path.name))
            except duckdb.Error:
                surveyed.result()  # a damaged archive is refused as such
                raise _Unclean from None
            found = surveyed.result()
            if not found.clean or not found.lines.physical:
                raise _Unclean
            lines, raw = found.lines, reader.raw_lines
            lines.header = int(layout.header)
            if digest is None:
                digest = Future()
                digest.set_result(found.sha256)
        note = ""
        earlier = con.execute("SELECT file_id FROM files WHERE sha256 = ?", [digest.result()]).fetchall()
        if earlier and not force:
            return IngestResult(str(path), layout.name, 0, 0, 0, 0, skipped=True)
        if earlier:
            gone = self._delete_files([earlier[0][0]])
            note = f"replaced the earlier ingest of the same file ({gone[1]:,} events, {gone[2]:,} quarantined)"
        reason = f"CASE WHEN reason = {literal(Reader.FIELD_COUNT)} THEN " \
                 f"{reader.reject_sql('len(string_split(raw, chr(9)))', 'raw')} ELSE reason END"
        stored, _, duplicates = self._settle(file_id, layout.dataset, dedup, raw, reason)
        quarantined = con.execute("SELECT count(*) FROM quarantine WHERE file_id = ?", [file_id]).fetchall()[0][0]
        read = lines.rows
        if read != stored + quarantined + duplicates and raw is not None:
            raise _Unclean  # the fast path lost a line (e.g. one over DuckDB's line length): read it exactly
        if read != stored + quarantined + duplicates:
            raise BilateralError(f"{path}: reconciliation failed — {read:,} rows in the file but {stored:,} stored + "
                                 f"{quarantined:,} quarantined + {duplicates:,} duplicates; nothing was stored "
                                 "(a bug: please report it with the file)")
        stat = path.stat()
        con.execute("INSERT INTO files (file_id, path, size, mtime, sha256, layout, dataset, dedup, rows_read, "
                    "stored, quarantined, duplicates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [file_id, str(path.resolve()), stat.st_size, stat.st_mtime, digest.result(), layout.name,
                     layout.dataset, dedup, read, stored, quarantined, duplicates])
        return IngestResult(str(path), layout.name, read, stored, quarantined, duplicates, note=note)

    def _insert_exact(self, reader: Reader, rows: Layout, file_id: int) -> Lines:
        """The exact path: the file's lines a piece at a time, each with its number and raw text."""
        for batch in reader.batches():
            if batch.rejected:
                self.con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?)",
                                     [(file_id, line, reason, raw) for line, reason, raw in batch.rejected])
            if not batch.table.num_rows:
                continue
            self.con.register("_batch", batch.table)
            try:
                self.con.execute(insert_sql(reader.relation("_batch"), rows, file_id, reader.path.name))
            finally:
                self.con.unregister("_batch")
        return reader.lines

    def _settle(self, file_id: int, dataset: str, dedup: str, raw: Callable[[np.ndarray], list[str]] | None = None,
                reason: str = "reason") -> tuple[int, int, int]:
        """After the INSERT: problem rows to quarantine (with the raw text kept beside them, or the
        texts ``raw`` gives for their sorted line numbers, and the reason as SQL over ``reason`` and
        ``raw``), then de-duplication. Returns (stored, quarantined, duplicates)."""
        con = self.con
        if raw is None:
            problems = con.execute("INSERT INTO quarantine SELECT file_id, line, _problem, _raw FROM events "
                                   "WHERE file_id = ? AND _problem IS NOT NULL", [file_id]).fetchall()[0][0]
        else:
            found = con.execute("SELECT line, _problem AS reason FROM events WHERE file_id = ? AND _problem IS "
                                "NOT NULL ORDER BY line", [file_id]).fetchnumpy()
            problems = len(found["line"])
            if problems:
                texts = pa.array(raw(np.asarray(found["line"])), pa.string())
                con.register("_found", pa.table({"line": found["line"], "reason": found["reason"], "raw": texts}))
                try:
                    con.execute(f"INSERT INTO quarantine SELECT {file_id}, line, {reason}, raw FROM _found")
                finally:
                    con.unregister("_found")
        if problems:
            con.execute("DELETE FROM events WHERE file_id = ? AND _problem IS NOT NULL", [file_id])
        duplicates = self._deduplicate(file_id, dataset) if dedup == "id" else 0
        stored = con.execute("SELECT count(*) FROM events WHERE file_id = ?", [file_id]).fetchall()[0][0]
        return stored, problems, duplicates

    def _delete_files(self, file_ids: list[int]) -> tuple[int, int, int]:
        """Delete files and their rows; returns (files, events, quarantined) deleted."""
        counts = []
        for table in ("files", "events", "quarantine"):
            counts.append(self.con.execute(f"SELECT count(*) FROM {table} WHERE list_contains($ids, file_id)",
                                           {"ids": file_ids}).fetchall()[0][0])
            self.con.execute(f"DELETE FROM {table} WHERE list_contains($ids, file_id)", {"ids": file_ids})
        return counts[0], counts[1], counts[2]

    def remove(self, target: str | Path) -> RemoveResult:
        """Remove an ingested file (by path, or by content when the file still exists) or a whole
        dataset, with its events and quarantined rows, in one transaction."""
        path = Path(target)
        found = self.con.execute("SELECT file_id FROM files WHERE path = ? OR dataset = ?",
                                 [str(path.resolve()), str(target)]).fetchall()
        if not found and path.is_file():
            found = self.con.execute("SELECT file_id FROM files WHERE sha256 = ?", [sha256(path)]).fetchall()
        if not found:
            datasets = [d for (d,) in self.con.execute("SELECT DISTINCT dataset FROM files ORDER BY 1").fetchall()]
            raise BilateralError(f"{target}: no ingested file or dataset of that name — give a path listed by "
                                 f"`bilateral events stats` or a dataset ({', '.join(datasets) or 'none stored'})")
        self.con.execute("BEGIN TRANSACTION")
        try:
            counts = self._delete_files([file_id for (file_id,) in found])
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")
        return RemoveResult(str(target), *counts)

    def _deduplicate(self, file_id: int, dataset: str) -> int:
        """Exact-id de-duplication: the first (file, line) of each (dataset, event_id, date) wins."""
        self.con.execute("""
            CREATE OR REPLACE TEMP TABLE _duplicates AS
            SELECT line FROM (
                SELECT line, row_number() OVER (PARTITION BY event_id, date ORDER BY line) AS k
                FROM events WHERE file_id = $f AND (event_id, date) IN (
                    SELECT event_id, date FROM events WHERE file_id = $f AND event_id IS NOT NULL
                    GROUP BY ALL HAVING count(*) > 1))
            WHERE k > 1
            UNION
            SELECT e.line FROM events e WHERE e.file_id = $f AND EXISTS (
                SELECT 1 FROM events o WHERE o.dataset = $d AND o.file_id < $f
                  AND o.event_id = e.event_id AND o.date = e.date)""", {"f": file_id, "d": dataset})
        count = self.con.execute("SELECT count(*) FROM _duplicates").fetchall()[0][0]
        if count:
            self.con.execute("DELETE FROM events WHERE file_id = ? AND line IN (SELECT line FROM _duplicates)",
                             [file_id])
        self.con.execute("DROP TABLE _duplicates")
        return count

    def ingest_frame(self, frame: pd.DataFrame, dataset: str, ref: str, *, dedup: str = "id") -> IngestResult:
        """Ingest a DataFrame of normalised events in one transaction, as dataset ``dataset``.

        Columns are those of :data:`EVENT_COLUMNS`: ``date``, ``source_iso3``, ``target_iso3`` and
        ``cameo`` (or, instead, a PLOVER ``plover`` type) are required; ``event_id``,
        ``source_sector``, ``target_sector``, ``mentions`` and ``ref`` may be missing (NULL) and
        ``precision`` defaults to ``day``. ``root``, ``quad_class``, ``goldstein`` and ``plover``
        of a CAMEO code come from the CAMEO table. ``ref`` names where the frame comes from: it is
        the recorded path, and ``<ref>:<row>`` the reference of a row without its own. Rows with a
        problem are quarantined with their row number (1 = the first row) and the reason, as for
        files; a frame whose content was ingested before under the same dataset is skipped.
        """
        if dedup not in DEDUP:
            raise BilateralError(f"unknown dedup {dedup!r} — use one of {', '.join(DEDUP)}")
        code = "plover" if "plover" in frame and "cameo" not in frame else "cameo"
        lacking = [c for c in ("date", "source_iso3", "target_iso3", code) if c not in frame]
        if lacking:
            raise BilateralError(f"{ref}: the events frame lacks column(s) {', '.join(lacking)} — give date, "
                                 "source_iso3, target_iso3 and cameo (or plover), as in EVENT_COLUMNS")
        empty = pd.Series(pd.NA, index=frame.index, dtype="string")
        rows = pd.DataFrame({c: _as_text(frame[c]) if c in frame else empty for c in FRAME_COLUMNS})
        rows = rows.reset_index(drop=True).assign(_row=range(1, len(frame) + 1))
        digest = hashlib.sha256(f"{dataset}\n{rows.to_csv(index=False)}".encode()).hexdigest()
        fields = {"event_id": "event_id", "date": "date", "source_country": "source_iso3",
                  "source_sector": "source_sector", "target_country": "target_iso3",
                  "target_sector": "target_sector", code: code, "mentions": "mentions", "url": "ref",
                  "precision": "coalesce(precision, 'day')", "line": "_row"}
        layout = Layout(name="frame", dataset=dataset, columns=list(rows), header=True, date_format="%Y-%m-%d",
                        fields=fields)

        def raw(wanted: np.ndarray) -> list[str]:
            return [json.dumps(rows.iloc[n - 1, :-1].dropna().to_dict()) for n in wanted]

        def work() -> IngestResult:
            if self.con.execute("SELECT 1 FROM files WHERE sha256 = ?", [digest]).fetchall():
                return IngestResult(ref, "frame", 0, 0, 0, 0, skipped=True)
            file_id = self._next_file_id()
            self.con.register("_frame_rows", rows)
            try:
                self.con.execute(insert_sql("_frame_rows", layout, file_id, ref))
            finally:
                self.con.unregister("_frame_rows")
            stored, quarantined, duplicates = self._settle(file_id, dataset, dedup, raw)
            self.con.execute("INSERT INTO files (file_id, path, sha256, layout, dataset, dedup, rows_read, stored, "
                             "quarantined, duplicates) VALUES (?, ?, ?, 'frame', ?, ?, ?, ?, ?, ?)",
                             [file_id, ref, digest, dataset, dedup, len(rows), stored, quarantined, duplicates])
            return IngestResult(ref, "frame", len(rows), stored, quarantined, duplicates)

        return self._atomic(work)

    def ingest_case(self, case: Case) -> IngestResult:
        """Store a case's own coded events (dataset ``case:<name>``), idempotent by content."""
        events = case.table("events")
        frame = pd.DataFrame({
            "event_id": events["id"], "date": events["day"], "precision": events["precision"],
            "source_iso3": events["source_iso3"], "source_sector": events["source_actor"],
            "target_iso3": events["target_iso3"], "target_sector": events["target_actor"],
            "cameo": events["cameo"], "ref": events["source"] + " " + events["locator"],
        })
        return self.ingest_frame(frame, f"case:{case.name}", str(case.path / "events.csv"))

    # ------------------------------------------------------------------ reading
    def table(self) -> ibis.Table:
        """The normalised events as an Ibis table, for portable queries (``bilateral.measure``)."""
        return ibis.duckdb.from_connection(self.con).table("event_rows")

    def files(self) -> pd.DataFrame:
        return self.con.execute("SELECT * FROM files ORDER BY file_id").df()

    def quarantine(self, limit: int | None = None) -> pd.DataFrame:
        sql = """SELECT f.path, q.line, q.reason, q.raw FROM quarantine q JOIN files f USING (file_id)
                 ORDER BY q.file_id, q.line"""
        if limit:
            return self.con.execute(sql + " LIMIT ?", [int(limit)]).df()
        return self.con.execute(sql).df()

    def stats(self, by: str = "dataset", top: int = 20) -> pd.DataFrame:
        """Counts by ``dataset`` (with the reconciliation), ``year`` or undirected ``dyad``."""
        queries = {
            "dataset": """SELECT f.dataset, count(*) AS files, sum(rows_read) AS rows_read, sum(stored) AS stored,
                                 sum(quarantined) AS quarantined, sum(duplicates) AS duplicates,
                                 min(e.first) AS first_date, max(e.last) AS last_date
                          FROM files f LEFT JOIN (SELECT file_id, min(date) AS first, max(date) AS last
                                                  FROM events GROUP BY file_id) e USING (file_id)
                          GROUP BY f.dataset ORDER BY f.dataset""",
            "year": """SELECT year(date) AS year, dataset, count(*) AS events FROM event_rows
                       GROUP BY ALL ORDER BY year, dataset""",
            "dyad": f"""SELECT least(source_iso3, target_iso3) AS a, greatest(source_iso3, target_iso3) AS b,
                               count(*) AS events FROM event_rows
                        WHERE source_iso3 IS NOT NULL AND target_iso3 IS NOT NULL
                          AND source_iso3 <> target_iso3
                        GROUP BY ALL ORDER BY events DESC, a, b LIMIT {int(top)}""",
        }
        if by not in queries:
            raise BilateralError(f"unknown grouping by={by!r} — use one of {', '.join(queries)}")
        return self.con.execute(queries[by]).df()
