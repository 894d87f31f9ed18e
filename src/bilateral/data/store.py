"""The event store: an embedded DuckDB file holding normalised events, quarantine and provenance.

Ingestion is idempotent (a file whose sha256, or a DataFrame whose content digest, is already
recorded is skipped) and atomic (one transaction per file). Every input row ends up stored,
quarantined with a reason, or counted as a duplicate, and the three add up to the rows read
(DESIGN.md §5). The SQL is in :mod:`bilateral.data.events.sql`.

A file is read in one pass, in its own order: line numbers follow from the rows' ids. Only when
DuckDB finds malformed lines (a wrong number of fields) is the file read again with those lines
kept aside and the numbering corrected around them.

One process can hold several :class:`Store` objects on the same file, read-write and read-only
(e.g. ``Store().ingest(…)`` then ``bilateral.index(…)``): they share one DuckDB database, each
through its own cursor, because DuckDB refuses a second connection to a file with another
configuration in the same process.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import pandas as pd
from platformdirs import user_data_path

from bilateral.case import Case
from bilateral.data.catalog import sha256_file as sha256
from bilateral.data.events import actors
from bilateral.data.events.detect import detect_layout, first_line
from bilateral.data.events.files import expand
from bilateral.data.events.formats import Layout
from bilateral.data.events.sql import EVENT_COLUMNS, MACROS, SCHEMA, insert_sql, reader
from bilateral.errors import BilateralError

__all__ = ["DEDUP", "EVENT_COLUMNS", "IngestResult", "Store", "default_path"]

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

    def __str__(self) -> str:
        if self.skipped:
            return f"{self.path}: already ingested (same sha256), skipped"
        return (f"{self.path}: {self.read:,} rows read = {self.stored:,} stored + "
                f"{self.quarantined:,} quarantined + {self.duplicates:,} duplicates")


def _lines(path: Path, wanted: set[int]) -> dict[int, str]:
    """The text of the given line numbers of a (possibly gzipped) file, in one pass."""
    opener = gzip.open if path.suffix == ".gz" else open
    found: dict[int, str] = {}
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
        for number, text in enumerate(handle, start=1):
            if number in wanted:
                found[number] = text.rstrip("\r\n")
                if len(found) == len(wanted):
                    break
    return found


def _as_text(column: pd.Series) -> pd.Series:
    """A frame column as text for the store's checks: dates as YYYY-MM-DD, whole floats as integers."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.strftime("%Y-%m-%d").astype("string")
    if pd.api.types.is_float_dtype(column) and (column.dropna() % 1 == 0).all():
        column = column.astype("Int64")
    return column.astype("string")


@dataclass
class _Database:
    """One DuckDB connection to a store file, shared by the process's :class:`Store` objects."""

    con: duckdb.DuckDBPyConnection
    read_only: bool
    users: int = 0


_OPEN: dict[str, _Database] = {}
_OPENING = threading.Lock()


class _Malformed(Exception):
    """The file has malformed lines: read it again keeping them aside."""


class Store:
    """An event store at ``path`` (default :func:`default_path`; created on first use).

    A read-only store can be opened while the same process holds the file read-write (it reads
    through the open database); opening a file read-write while it is open only read-only in the
    process is a :class:`BilateralError`.
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False):
        self.path = Path(path) if path else default_path()
        if read_only and not self.path.exists():
            raise BilateralError(f"no event store at {self.path} — ingest event files first "
                                 "(`bilateral events ingest FILE…`, or Store().ingest(path)), or set "
                                 f"{HOME_VAR}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._key = str(self.path.resolve())
        with _OPENING:
            database = _OPEN.get(self._key)
            if database is None:
                try:
                    database = _Database(duckdb.connect(self._key, read_only=read_only), read_only)
                except duckdb.IOException as err:
                    raise BilateralError(f"{self.path}: cannot open the store ({err}) — is another bilateral "
                                         "process using it?") from None
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
    def ingest(self, path: str | Path, layout: Layout | None = None, *,
               dedup: str = "id") -> IngestResult | list[IngestResult]:
        """Ingest an event file in a single transaction; a folder (every file under it) or a glob
        pattern gives a list of results, in sorted order. A file already stored (sha256) is skipped.

        The checksum is computed while DuckDB reads the file; a file seen before under the same
        path, size and modification time is checked first, so re-ingesting it costs one hash.
        ``layout`` is detected from each file's first line when not given.
        """
        if dedup not in DEDUP:
            raise BilateralError(f"unknown dedup {dedup!r} — use one of {', '.join(DEDUP)}")
        if Path(path).is_file():
            return self._ingest_file(Path(path), layout, dedup)
        return [self._ingest_file(file, layout, dedup) for file in expand([path])]

    def _ingest_file(self, path: Path, layout: Layout | None, dedup: str) -> IngestResult:
        stat = path.stat()
        seen = self.con.execute("SELECT sha256 FROM files WHERE path = ? AND size = ? AND mtime = ?",
                                [str(path.resolve()), stat.st_size, stat.st_mtime]).fetchall()
        if seen and seen[0][0] == sha256(path):
            return IngestResult(str(path), layout.name if layout else "?", 0, 0, 0, 0, skipped=True)
        layout = layout or detect_layout(path)
        self._check_header(path, layout)
        with ThreadPoolExecutor(max_workers=1) as pool:
            digest = pool.submit(sha256, path)
            try:
                return self._atomic(lambda: self._ingest(path, layout, dedup, digest, rejects=False))
            except _Malformed:
                return self._atomic(lambda: self._ingest(path, layout, dedup, digest, rejects=True))

    def _atomic(self, work: Callable[[], IngestResult]) -> IngestResult:
        """Run ``work`` in one transaction: committed, or rolled back when it fails or skips."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            result = work()
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("ROLLBACK" if result.skipped else "COMMIT")
        return result

    def _check_header(self, path: Path, layout: Layout) -> None:
        if not layout.header:
            return
        line = first_line(path)
        delimiter = "\t" if layout.name != "csv" else csv.Sniffer().sniff(line, ",;\t|").delimiter
        header = [h.strip().strip('"') for h in line.split(delimiter)]
        missing = [c for c in layout.columns if c not in header]
        if missing:
            raise BilateralError(f"{path}:1: column(s) {', '.join(missing)} missing from the header — "
                                 f"is this a {layout.name} file? (header starts {line[:60]!r})")

    def _next_file_id(self) -> int:
        return self.con.execute("SELECT nextval('file_ids')").fetchall()[0][0]

    def _ingest(self, path: Path, layout: Layout, dedup: str, digest: Future[str], *,
                rejects: bool) -> IngestResult:
        con = self.con
        file_id = self._next_file_id()
        table = f"_rejects_{file_id}" if rejects else None
        try:
            con.execute(insert_sql(reader(path, layout, table), layout, file_id))
        except duckdb.InvalidInputException as err:
            if not rejects and "CSV Error" in str(err):
                raise _Malformed from None
            raise BilateralError(f"{path}: cannot read it as {layout.name} ({str(err).splitlines()[0]}) — "
                                 "check the file or give its layout") from None
        if con.execute("SELECT 1 FROM files WHERE sha256 = ?", [digest.result()]).fetchall():
            return IngestResult(str(path), layout.name, 0, 0, 0, 0, skipped=True)
        first = 2 if layout.header else 1
        con.execute("UPDATE events SET line = rowid - (SELECT min(rowid) FROM events WHERE file_id = $f) + $o "
                    "WHERE file_id = $f", {"f": file_id, "o": first})
        malformed = []
        if table:
            malformed = con.execute(f"SELECT DISTINCT line, error_type, csv_line FROM {table} ORDER BY line"
                                    ).fetchall()
            con.execute(f"DROP TABLE {table}; DROP TABLE {table}_scan")
            if malformed:
                self._shift_lines(file_id, [line for line, _, _ in malformed])
                con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?)",
                                [(file_id, line, f"{kind.lower()}: expected {len(layout.columns)} fields", raw)
                                 for line, kind, raw in malformed])
        stored, problems, duplicates = self._settle(file_id, path.name, layout.dataset, dedup,
                                                    lambda wanted: _lines(path, wanted))
        quarantined = problems + len(malformed)
        read = stored + quarantined + duplicates
        stat = path.stat()
        con.execute("INSERT INTO files (file_id, path, size, mtime, sha256, layout, dataset, dedup, rows_read, "
                    "stored, quarantined, duplicates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [file_id, str(path.resolve()), stat.st_size, stat.st_mtime, digest.result(), layout.name,
                     layout.dataset, dedup, read, stored, quarantined, duplicates])
        return IngestResult(str(path), layout.name, read, stored, quarantined, duplicates)

    def _settle(self, file_id: int, name: str, dataset: str, dedup: str,
                raw: Callable[[set[int]], dict[int, str]]) -> tuple[int, int, int]:
        """After the INSERT: default refs (``name:line``), problem rows to quarantine (with their raw
        text from ``raw``), de-duplication. Returns (stored, quarantined, duplicates)."""
        con = self.con
        con.execute("UPDATE events SET ref = $name || ':' || line WHERE file_id = $f AND ref IS NULL",
                    {"name": name, "f": file_id})
        problems = con.execute("SELECT line, _problem FROM events WHERE file_id = ? AND _problem IS NOT NULL",
                               [file_id]).fetchall()
        if problems:
            text = raw({line for line, _ in problems})
            con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?)",
                            [(file_id, line, reason, text.get(line)) for line, reason in problems])
            con.execute("DELETE FROM events WHERE file_id = ? AND _problem IS NOT NULL", [file_id])
        duplicates = self._deduplicate(file_id, dataset) if dedup == "id" else 0
        stored = con.execute("SELECT count(*) FROM events WHERE file_id = ?", [file_id]).fetchall()[0][0]
        return stored, len(problems), duplicates

    def _shift_lines(self, file_id: int, rejected: list[int]) -> None:
        """Rows after a rejected line were numbered without it: move each down by the rejects before it.

        With rejects at lines r₁ < r₂ < …, a row provisionally numbered n moves down by
        #{k : n ≥ r_k − (k − 1)}.
        """
        cuts = [line - k for k, line in enumerate(sorted(rejected))]
        shift = " + ".join(f"(line >= {cut})::INT" for cut in cuts)
        self.con.execute(f"UPDATE events SET line = line + {shift} WHERE file_id = ?", [file_id])

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

        def raw(wanted: set[int]) -> dict[int, str]:
            return {n: json.dumps(rows.iloc[n - 1, :-1].dropna().to_dict()) for n in wanted}

        def work() -> IngestResult:
            if self.con.execute("SELECT 1 FROM files WHERE sha256 = ?", [digest]).fetchall():
                return IngestResult(ref, "frame", 0, 0, 0, 0, skipped=True)
            file_id = self._next_file_id()
            self.con.register("_frame_rows", rows)
            try:
                self.con.execute(insert_sql("_frame_rows", layout, file_id))
            finally:
                self.con.unregister("_frame_rows")
            stored, quarantined, duplicates = self._settle(file_id, ref, dataset, dedup, raw)
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
        return self.con.execute(sql + (f" LIMIT {int(limit)}" if limit else "")).df()

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
