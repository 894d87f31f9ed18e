"""The event store: an embedded DuckDB file holding normalised events, quarantine and provenance.

Ingestion is idempotent (a file whose sha256 is already recorded is skipped) and atomic (one
transaction per file). Every input row ends up stored, quarantined with a reason, or counted as
a duplicate, and the three add up to the rows read (DESIGN.md §5).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import pandas as pd

from bilateral.case import Case
from bilateral.codes import cameo_table
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
    file_id INTEGER PRIMARY KEY, path VARCHAR, sha256 VARCHAR UNIQUE, layout VARCHAR, dataset VARCHAR,
    dedup VARCHAR, rows_read BIGINT, stored BIGINT, quarantined BIGINT, duplicates BIGINT,
    ingested_at TIMESTAMP DEFAULT current_timestamp);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR, date DATE, precision VARCHAR, source_iso3 VARCHAR, source_sector VARCHAR,
    target_iso3 VARCHAR, target_sector VARCHAR, cameo VARCHAR, root VARCHAR, quad_class TINYINT,
    goldstein DOUBLE, plover VARCHAR, mentions INTEGER, dataset VARCHAR, ref VARCHAR,
    file_id INTEGER, line BIGINT, _problem VARCHAR, _raw VARCHAR);
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


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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


def _reader(path: Path, layout: Layout, tag: str) -> str:
    """``read_csv`` over the file: every column as text, structural errors kept aside."""
    common = (f"header={str(layout.header).lower()}, store_rejects=true, rejects_table='rej_{tag}', "
              f"rejects_scan='scan_{tag}', nullstr=[{', '.join(map(_literal, layout.missing))}]")
    if layout.name == "csv":
        return f"read_csv({_literal(str(path))}, all_varchar=true, {common})"
    if layout.header and layout.name != "icews":
        return f"read_csv({_literal(str(path))}, delim='\\t', quote='', all_varchar=true, {common})"
    columns = ", ".join(f"{_literal(c)}: 'VARCHAR'" for c in layout.columns)
    return (f"read_csv({_literal(str(path))}, delim='\\t', quote='', escape='', auto_detect=false, "
            f"columns={{{columns}}}, {common})")


def _insert_sql(path: Path, layout: Layout, file_id: int, tag: str) -> str:
    f = layout.fields
    code = f.get("cameo") or f["plover"]
    join = ("LEFT JOIN _cameo c ON c.code = r.code" if layout.code_kind == "cameo" else
            "LEFT JOIN _plover p ON p.plover = r.code LEFT JOIN _cameo c ON c.code = p.code")
    known_code = "c.code IS NOT NULL" if layout.code_kind == "cameo" else "p.plover IS NOT NULL"
    offset = 1 if layout.header else 0
    name = _literal(path.name)
    return f"""
    INSERT INTO events
    WITH src AS (SELECT row_number() OVER () AS rn, * FROM {_reader(path, layout, tag)}),
    r AS (
        SELECT rn + {offset} AS line, {f['event_id']} AS event_id, {f['date']} AS date_text,
               {f['source_country']} AS sc, {f['source_sector']} AS ss, {f['target_country']} AS tc,
               {f['target_sector']} AS ts, {code} AS code, {f['mentions']} AS mentions_text,
               {f['url']} AS url
        FROM src),
    t AS (
        SELECT r.*, try_strptime(r.date_text, {_literal(layout.date_format)})::DATE AS day,
               bilateral_iso3_{layout.countries}(r.sc) AS s_iso, bilateral_iso3_{layout.countries}(r.tc) AS t_iso,
               c.code AS cameo, c.root, c.quad_class, c.goldstein,
               {"c.plover" if layout.code_kind == "cameo" else "p.plover"} AS plover,
               {known_code} AS known_code
        FROM r {join}),
    checked AS (
        SELECT *, CASE
            WHEN day IS NULL THEN 'bad date ' || coalesce('''' || date_text || '''', '(empty)')
                 || ' (expected {layout.date_format})'
            WHEN NOT known_code THEN 'unknown {layout.code_kind.upper() if layout.code_kind == "cameo"
                                                else "PLOVER"} code ' || coalesce('''' || code || '''', '(empty)')
            WHEN s_iso = '?' THEN 'unknown source country ''' || sc || ''''
            WHEN t_iso = '?' THEN 'unknown target country ''' || tc || ''''
            WHEN mentions_text IS NOT NULL AND try_cast(mentions_text AS INTEGER) IS NULL
                THEN 'bad mentions ''' || mentions_text || ''''
            END AS problem
        FROM t)
    SELECT event_id, day, 'day', s_iso, ss, t_iso, ts, cameo, root, quad_class, goldstein, plover,
           try_cast(mentions_text AS INTEGER), {_literal(layout.dataset)},
           coalesce(url, {name} || ':' || line), {file_id}, line, problem, NULL
    FROM checked
    """


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
        countries.register(self.con)
        table = cameo_table()[["code", "root", "quad_class", "goldstein", "plover"]].reset_index(drop=True)
        self.con.register("_cameo", table)
        plover = (table[table["plover"] != ""].assign(width=table["code"].str.len())
                  .sort_values(["width", "code"]).drop_duplicates("plover")[["plover", "code"]])
        self.con.register("_plover", plover)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ ingestion
    def ingest(self, path: str | Path, layout: Layout | None = None, *, dedup: str = "id") -> IngestResult:
        """Ingest one event file in a single transaction."""
        path = Path(path)
        if dedup not in DEDUP:
            raise BilateralError(f"unknown --dedup {dedup!r} — use one of {', '.join(DEDUP)}")
        if not path.is_file():
            raise BilateralError(f"{path}: no such file")
        digest = sha256(path)
        if self.con.execute("SELECT 1 FROM files WHERE sha256 = ?", [digest]).fetchall():
            return IngestResult(str(path), layout.name if layout else "?", 0, 0, 0, 0, skipped=True)
        layout = layout or detect_layout(path)
        self._check_header(path, layout)
        self.con.execute("BEGIN TRANSACTION")
        try:
            result = self._ingest(path, layout, digest, dedup)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
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

    def _ingest(self, path: Path, layout: Layout, digest: str, dedup: str) -> IngestResult:
        con = self.con
        file_id = con.execute("SELECT nextval('file_ids')").fetchall()[0][0]
        tag = f"f{file_id}"
        try:
            con.execute(_insert_sql(path, layout, file_id, tag))
        except duckdb.Error as err:
            raise BilateralError(f"{path}: cannot read it as {layout.name} ({str(err).splitlines()[0]}) — "
                                 "check the file or give the right --format") from None
        rejects = con.execute(f"SELECT DISTINCT line, error_type, csv_line FROM rej_{tag} ORDER BY line").fetchall()
        if rejects:
            self._shift_lines(file_id, path.name, [line for line, _, _ in rejects])
            con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?)",
                            [(file_id, line, f"{kind.lower()}: expected {len(layout.columns)} fields",
                              raw) for line, kind, raw in rejects])
        con.execute(f"DROP TABLE IF EXISTS rej_{tag}; DROP TABLE IF EXISTS scan_{tag}")
        problems = con.execute("SELECT line, _problem FROM events WHERE file_id = ? AND _problem IS NOT NULL",
                               [file_id]).fetchall()
        if problems:
            raw = _lines(path, {line for line, _ in problems})
            con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?)",
                            [(file_id, line, reason, raw.get(line)) for line, reason in problems])
            con.execute("DELETE FROM events WHERE file_id = ? AND _problem IS NOT NULL", [file_id])
        bad = len(problems)
        duplicates = self._deduplicate(file_id, layout.dataset) if dedup == "id" else 0
        stored = con.execute("SELECT count(*) FROM events WHERE file_id = ?", [file_id]).fetchall()[0][0]
        quarantined = bad + len(rejects)
        read = stored + quarantined + duplicates
        con.execute("INSERT INTO files (file_id, path, sha256, layout, dataset, dedup, rows_read, stored, "
                    "quarantined, duplicates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [file_id, str(path.resolve()), digest, layout.name, layout.dataset, dedup, read,
                     stored, quarantined, duplicates])
        return IngestResult(str(path), layout.name, read, stored, quarantined, duplicates)

    def _shift_lines(self, file_id: int, name: str, rejected: list[int]) -> None:
        """Rows after a rejected line were numbered without it: move each down by the rejects before it.

        With rejects at lines r₁ < r₂ < …, a row provisionally numbered n moves down by
        #{k : n ≥ r_k − (k − 1)}; a ``file:line`` reference moves with it.
        """
        cuts = [line - k for k, line in enumerate(sorted(rejected))]
        shift = " + ".join(f"(line >= {cut})::INT" for cut in cuts)
        self.con.execute(f"""UPDATE events SET line = line + {shift},
                                 ref = CASE WHEN ref = $name || ':' || line THEN $name || ':' || (line + {shift})
                                            ELSE ref END
                             WHERE file_id = $f""", {"name": name, "f": file_id})

    def _deduplicate(self, file_id: int, dataset: str) -> int:
        """Exact-id de-duplication: the first (file, line) of each (dataset, event_id, date) wins."""
        return self.con.execute("""
            DELETE FROM events WHERE file_id = $f AND (file_id, line) IN (
                SELECT file_id, line FROM (
                    SELECT file_id, line, row_number() OVER (
                        PARTITION BY event_id, date ORDER BY file_id, line) AS k
                    FROM events
                    WHERE dataset = $d AND event_id IS NOT NULL
                      AND (event_id, date) IN (SELECT event_id, date FROM events WHERE file_id = $f))
                WHERE k > 1 AND file_id = $f)""", {"f": file_id, "d": dataset}).fetchall()[0][0]

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
            self.con.execute(f"INSERT INTO events SELECT {', '.join(EVENT_COLUMNS)}, file_id, line, NULL, NULL "
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
