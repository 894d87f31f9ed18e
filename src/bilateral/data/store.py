"""The event store: an embedded DuckDB file holding normalised events, quarantine and provenance.

Ingestion is idempotent (a file whose sha256 is already recorded is skipped) and atomic (one
transaction per file). Every input row ends up stored, quarantined with a reason, or counted as
a duplicate, and the three add up to the rows read (DESIGN.md §5).

A file is read in one pass, in its own order: line numbers follow from the rows' ids. Only when
DuckDB finds malformed lines (a wrong number of fields) is the file read again with those lines
kept aside and the numbering corrected around them.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import ibis
import pandas as pd

from bilateral.case import Case
from bilateral.codes import cameo_table
from bilateral.data.catalog import sha256_file as sha256
from bilateral.data.events import countries
from bilateral.data.events.detect import detect_layout, first_line
from bilateral.data.events.formats import Layout
from bilateral.errors import BilateralError

EVENT_COLUMNS = ["event_id", "date", "precision", "source_iso3", "source_sector", "target_iso3",
                 "target_sector", "cameo", "root", "quad_class", "goldstein", "plover", "mentions",
                 "dataset", "ref"]

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS file_ids START 1;
CREATE TABLE IF NOT EXISTS files (
    file_id INTEGER PRIMARY KEY, path VARCHAR, size BIGINT, mtime DOUBLE, sha256 VARCHAR UNIQUE,
    layout VARCHAR, dataset VARCHAR, dedup VARCHAR, rows_read BIGINT, stored BIGINT, quarantined BIGINT,
    duplicates BIGINT, ingested_at TIMESTAMP DEFAULT current_timestamp);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR, date DATE, precision VARCHAR, source_iso3 VARCHAR, source_sector VARCHAR,
    target_iso3 VARCHAR, target_sector VARCHAR, cameo VARCHAR, root VARCHAR, quad_class TINYINT,
    goldstein DOUBLE, plover VARCHAR, mentions INTEGER, dataset VARCHAR, ref VARCHAR,
    file_id INTEGER, line BIGINT, _problem VARCHAR);
CREATE TABLE IF NOT EXISTS quarantine (file_id INTEGER, line BIGINT, reason VARCHAR, raw VARCHAR);
CREATE OR REPLACE VIEW event_rows AS SELECT {columns} FROM events;
""".format(columns=", ".join(EVENT_COLUMNS))

DEDUP = ("id", "none")


def default_path() -> Path:
    """``$BILATERAL_HOME/store.duckdb``; ``BILATERAL_HOME`` defaults to ~/.local/share/bilateral."""
    home = os.environ.get("BILATERAL_HOME") or Path.home() / ".local" / "share" / "bilateral"
    return Path(home) / "store.duckdb"


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


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader(path: Path, layout: Layout, rejects: str | None) -> str:
    """``read_csv`` over the file, every column as text; with ``rejects``, malformed lines kept aside."""
    options = [f"header={str(layout.header).lower()}",
               f"nullstr=[{', '.join(map(_literal, layout.missing))}]"]
    if rejects:
        options.append(f"store_rejects=true, rejects_table='{rejects}', rejects_scan='{rejects}_scan'")
    if layout.name == "csv":
        options.append("all_varchar=true")
    elif layout.header and layout.name != "icews":
        options.append("delim='\\t', quote='', all_varchar=true")
    else:
        columns = ", ".join(f"{_literal(c)}: 'VARCHAR'" for c in layout.columns)
        options.append(f"delim='\\t', quote='', escape='', auto_detect=false, columns={{{columns}}}")
    return f"read_csv({_literal(str(path))}, {', '.join(options)})"


@cache
def _vocabulary() -> dict[str, str]:
    """Constant SQL for order-preserving look-ups (no joins): ENUM types and lists indexed by them.

    ``TRY_CAST(x AS ENUM(...))`` is NULL for an unknown value; ``enum_code`` gives its position in
    the constant lists of Goldstein weights, QuadClasses and PLOVER types.
    """
    table = cameo_table().reset_index(drop=True)
    plover = table[table["plover"] != ""].assign(width=table["code"].str.len())
    plover = plover.sort_values(["width", "code"]).drop_duplicates("plover")

    def enum(values: list[str]) -> str:
        return "ENUM(" + ", ".join(map(_literal, values)) + ")"

    def text_list(values: list[str]) -> str:
        return "[" + ", ".join(_literal(v) if v else "NULL" for v in values) + "]"

    return {
        "cameo": enum(list(table["code"])),
        "goldstein": "[" + ", ".join(repr(float(g)) for g in table["goldstein"]) + "]::DOUBLE[]",
        "quad": "[" + ", ".join(str(int(q)) for q in table["quad_class"]) + "]::TINYINT[]",
        "plover": text_list(list(table["plover"])),
        "plover_types": enum(list(plover["plover"])),
        "plover_codes": text_list(list(plover["code"])),
        "iso3": enum(list(countries.iso3_table()["code"])),
    }


def _country(layout: Layout, column: str) -> str:
    """SQL turning a country field into ISO3 (NULL: none or non-state; '?': not a country)."""
    if layout.countries == "name":
        return f"bilateral_iso3_name({column})"
    iso3 = f"TRY_CAST(upper({column}) AS {_vocabulary()['iso3']})::VARCHAR"
    return (f"CASE WHEN {column} IS NULL THEN NULL WHEN upper({column}) = 'SUN' THEN 'RUS' "
            f"WHEN {iso3} IS NOT NULL THEN {iso3} "
            f"WHEN regexp_full_match({column}, '[A-Za-z]{{3}}') THEN NULL ELSE '?' END")


def _insert_sql(path: Path, layout: Layout, file_id: int, rejects: str | None) -> str:
    """One INSERT that reads, types, checks and stores every row of the file, in the file's order.

    Only projections (no joins), so rows keep the file's order and their line numbers follow from
    their row ids. Rows with a problem are stored with the reason in ``_problem``, then moved to
    quarantine.
    """
    f, v = layout.fields, _vocabulary()
    if layout.code_kind == "cameo":
        code, cameo = f["cameo"], "r.code"
        known = "k IS NOT NULL"
    else:
        code = f"upper({f['plover']})"
        cameo = f"{v['plover_codes']}[enum_code(TRY_CAST(r.code AS {v['plover_types']}))::INT + 1]"
        known = f"TRY_CAST(code AS {v['plover_types']}) IS NOT NULL"
    code_name = layout.code_kind.upper() if layout.code_kind == "cameo" else "PLOVER"
    return f"""
    INSERT INTO events
    WITH r AS (
        SELECT {f['event_id']} AS event_id, {f['date']} AS date_text, {f['source_country']} AS sc,
               {f['source_sector']} AS ss, {f['target_country']} AS tc, {f['target_sector']} AS ts,
               {code} AS code, {f['mentions']} AS mentions_text, {f['url']} AS url
        FROM {_reader(path, layout, rejects)}),
    t AS (
        SELECT r.*, try_strptime(r.date_text, {_literal(layout.date_format)})::DATE AS day,
               {_country(layout, "r.sc")} AS s_iso, {_country(layout, "r.tc")} AS t_iso,
               enum_code(TRY_CAST({cameo} AS {v['cameo']}))::INT + 1 AS k
        FROM r),
    checked AS (
        SELECT *, CASE
            WHEN day IS NULL THEN 'bad date ' || coalesce(quote_text(date_text), '(empty)')
                 || ' (expected {layout.date_format})'
            WHEN NOT ({known}) THEN 'unknown {code_name} code ' || coalesce(quote_text(code), '(empty)')
            WHEN s_iso = '?' THEN 'unknown source country ' || quote_text(sc)
            WHEN t_iso = '?' THEN 'unknown target country ' || quote_text(tc)
            WHEN mentions_text IS NOT NULL AND try_cast(mentions_text AS INTEGER) IS NULL
                THEN 'bad mentions ' || quote_text(mentions_text)
            END AS problem
        FROM t)
    SELECT event_id, day, 'day', s_iso, ss, t_iso, ts,
           CASE WHEN k IS NOT NULL THEN {cameo.replace("r.code", "code")} END,
           CASE WHEN k IS NOT NULL THEN left({cameo.replace("r.code", "code")}, 2) END,
           ({v['quad']})[k], ({v['goldstein']})[k], ({v['plover']})[k],
           try_cast(mentions_text AS INTEGER), {_literal(layout.dataset)}, url, {file_id}, NULL, problem
    FROM checked
    """


class _Malformed(Exception):
    """The file has malformed lines: read it again keeping them aside."""


class Store:
    """An event store at ``path`` (created on first use)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False):
        self.path = Path(path) if path else default_path()
        if read_only and not self.path.exists():
            raise BilateralError(f"no event store at {self.path} — ingest event files first with "
                                 "`bilateral events ingest FILE…` (or set BILATERAL_HOME)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as err:
            raise BilateralError(f"{self.path}: cannot open the store ({err}) — is another bilateral "
                                 "process using it?") from None
        if not read_only:
            self.con.execute(SCHEMA)
        self.con.execute("CREATE OR REPLACE TEMP MACRO quote_text(x) AS '''' || x || ''''")
        countries.register(self.con)
        table = cameo_table()[["code", "root", "quad_class", "goldstein", "plover"]].reset_index(drop=True)
        self.con.register("_cameo", table)
        plover = (table[table["plover"] != ""].assign(width=table["code"].str.len())
                  .sort_values(["width", "code"]).drop_duplicates("plover")[["plover", "code"]])
        self.con.register("_plover", plover)
        self.con.register("_iso3", countries.iso3_table())

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ ingestion
    def ingest(self, path: str | Path, layout: Layout | None = None, *, dedup: str = "id") -> IngestResult:
        """Ingest one event file in a single transaction; a file already stored (sha256) is skipped.

        The checksum is computed while DuckDB reads the file; a file seen before under the same
        path, size and modification time is checked first, so re-ingesting it costs one hash.
        """
        path = Path(path)
        if dedup not in DEDUP:
            raise BilateralError(f"unknown --dedup {dedup!r} — use one of {', '.join(DEDUP)}")
        if not path.is_file():
            raise BilateralError(f"{path}: no such file")
        stat = path.stat()
        seen = self.con.execute("SELECT sha256 FROM files WHERE path = ? AND size = ? AND mtime = ?",
                                [str(path.resolve()), stat.st_size, stat.st_mtime]).fetchall()
        if seen and seen[0][0] == sha256(path):
            return IngestResult(str(path), layout.name if layout else "?", 0, 0, 0, 0, skipped=True)
        layout = layout or detect_layout(path)
        self._check_header(path, layout)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return self._transaction(path, layout, dedup, pool.submit(sha256, path))

    def _transaction(self, path: Path, layout: Layout, dedup: str, digest: Future[str]) -> IngestResult:
        for rejects in (False, True):
            self.con.execute("BEGIN TRANSACTION")
            try:
                result = self._ingest(path, layout, dedup, digest, rejects=rejects)
            except _Malformed:
                self.con.execute("ROLLBACK")
                continue
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            self.con.execute("ROLLBACK" if result.skipped else "COMMIT")
            return result
        raise AssertionError("the second pass keeps malformed lines aside and cannot raise _Malformed")

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

    def _ingest(self, path: Path, layout: Layout, dedup: str, digest: Future[str], *,
                rejects: bool) -> IngestResult:
        con = self.con
        file_id = con.execute("SELECT nextval('file_ids')").fetchall()[0][0]
        table = f"_rejects_{file_id}" if rejects else None
        try:
            con.execute(_insert_sql(path, layout, file_id, table))
        except duckdb.InvalidInputException as err:
            if not rejects and "CSV Error" in str(err):
                raise _Malformed from None
            raise BilateralError(f"{path}: cannot read it as {layout.name} ({str(err).splitlines()[0]}) — "
                                 "check the file or give the right --format") from None
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
        con.execute("UPDATE events SET ref = $name || ':' || line WHERE file_id = $f AND ref IS NULL",
                    {"name": path.name, "f": file_id})
        problems = con.execute("SELECT line, _problem FROM events WHERE file_id = ? AND _problem IS NOT NULL",
                               [file_id]).fetchall()
        if problems:
            raw = _lines(path, {line for line, _ in problems})
            con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?)",
                            [(file_id, line, reason, raw.get(line)) for line, reason in problems])
            con.execute("DELETE FROM events WHERE file_id = ? AND _problem IS NOT NULL", [file_id])
        duplicates = self._deduplicate(file_id, layout.dataset) if dedup == "id" else 0
        stored = con.execute("SELECT count(*) FROM events WHERE file_id = ?", [file_id]).fetchall()[0][0]
        quarantined = len(problems) + len(malformed)
        read = stored + quarantined + duplicates
        stat = path.stat()
        con.execute("INSERT INTO files (file_id, path, size, mtime, sha256, layout, dataset, dedup, rows_read, "
                    "stored, quarantined, duplicates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [file_id, str(path.resolve()), stat.st_size, stat.st_mtime, digest.result(), layout.name,
                     layout.dataset, dedup, read, stored, quarantined, duplicates])
        return IngestResult(str(path), layout.name, read, stored, quarantined, duplicates)

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

    def ingest_case(self, case: Case) -> IngestResult:
        """Store a case's own coded events (dataset ``case:<name>``), idempotent by content."""
        frame = case.table("events")
        digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
        label = f"case:{case.name}"
        if self.con.execute("SELECT 1 FROM files WHERE sha256 = ?", [digest]).fetchall():
            return IngestResult(label, "case", 0, 0, 0, 0, skipped=True)
        codes = cameo_table()["plover"]
        rows = pd.DataFrame({
            "event_id": frame["id"], "date": frame["day"].dt.date, "precision": frame["precision"],
            "source_iso3": frame["source_iso3"], "source_sector": frame["source_actor"],
            "target_iso3": frame["target_iso3"], "target_sector": frame["target_actor"],
            "cameo": frame["cameo"], "root": frame["cameo"].str[:2], "quad_class": frame["quad_class"],
            "goldstein": frame["goldstein"], "plover": frame["cameo"].map(codes),
            "mentions": pd.array([None] * len(frame), dtype="Int32"), "dataset": label,
            "ref": frame["source"] + " " + frame["locator"],
        })
        self.con.execute("BEGIN TRANSACTION")
        try:
            file_id = self.con.execute("SELECT nextval('file_ids')").fetchall()[0][0]
            self.con.register("_case_rows", rows.assign(file_id=file_id, line=range(2, len(rows) + 2)))
            self.con.execute(f"INSERT INTO events SELECT {', '.join(EVENT_COLUMNS)}, file_id, line, NULL "
                             "FROM _case_rows")
            self.con.unregister("_case_rows")
            self.con.execute("INSERT INTO files (file_id, path, sha256, layout, dataset, dedup, rows_read, "
                             "stored, quarantined, duplicates) VALUES (?, ?, ?, 'case', ?, 'none', ?, ?, 0, 0)",
                             [file_id, str(case.path / "events.csv"), digest, label, len(rows), len(rows)])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return IngestResult(label, "case", len(rows), len(rows), 0, 0)

    # ------------------------------------------------------------------ reading
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
            raise BilateralError(f"unknown --by {by!r} — use one of {', '.join(queries)}")
        return self.con.execute(queries[by]).df()
