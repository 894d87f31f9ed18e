"""The SQL the event store runs: its schema, the readers of event files and the one INSERT that
reads, types, checks and stores every row of a file or a DataFrame.

Code rules come from :mod:`bilateral.codes` — the CAMEO table (Goldstein weights, QuadClass,
CAMEO→PLOVER), :func:`bilateral.codes.plover_to_cameo` and :data:`bilateral.codes.SUCCESSORS`
(SUN → RUS) — turned into constant SQL here.
"""

from __future__ import annotations

from functools import cache
from typing import get_args

from bilateral.case.schema import Precision
from bilateral.codes import CAMEO_COUNTRIES, CAMEO_REGIONS, SUCCESSORS, cameo_table, iso3_codes, plover_to_cameo
from bilateral.data.events.formats import Layout, date_pattern

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
ALTER TABLE events ADD COLUMN IF NOT EXISTS _raw VARCHAR;
CREATE TABLE IF NOT EXISTS quarantine (file_id INTEGER, line BIGINT, reason VARCHAR, raw VARCHAR);
CREATE OR REPLACE VIEW event_rows AS SELECT {columns} FROM events;
""".format(columns=", ".join(EVENT_COLUMNS))

MACROS = "CREATE OR REPLACE TEMP MACRO quote_text(x) AS '''' || x || ''''"


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@cache
def vocabulary() -> dict[str, str]:
    """Constant SQL for look-ups without joins: MAPs, an ENUM type and lists indexed by them.

    A CAMEO code's position (``MAP`` → 1-based index, NULL for an unknown code) indexes the constant
    lists of Goldstein weights, QuadClasses and PLOVER types; a PLOVER type maps to its CAMEO code.
    Country codes use ``TRY_CAST(x AS ENUM(...))`` and ``enum_code`` (fastest for known values);
    codes go through MAPs because a failing ENUM cast costs some 15 µs a row, which a file with
    many unknown codes pays for every one of them.
    """
    table = cameo_table().reset_index(drop=True)
    plover = plover_to_cameo()

    def enum(values: list[str]) -> str:
        return "ENUM(" + ", ".join(map(literal, values)) + ")"

    def text_list(values: list[str]) -> str:
        return "[" + ", ".join(literal(v) if v else "NULL" for v in values) + "]"

    iso3 = list(iso3_codes())
    countries = {**{code: code for code in iso3}, **SUCCESSORS, **CAMEO_COUNTRIES, **dict.fromkeys(CAMEO_REGIONS, "")}
    return {
        "countries": enum(list(countries)),
        "country_iso3": "[" + ", ".join(map(literal, countries.values())) + "]::VARCHAR[]",
        "cameo": "MAP {" + ", ".join(f"{literal(c)}: {k}" for k, c in enumerate(table["code"], start=1)) + "}",
        "goldstein": "[" + ", ".join(repr(float(g)) for g in table["goldstein"]) + "]::DOUBLE[]",
        "quad": "[" + ", ".join(str(int(q)) for q in table["quad_class"]) + "]::TINYINT[]",
        "plover": text_list(list(table["plover"])),
        "plover_types": "MAP {" + ", ".join(f"{literal(t)}: {literal(c)}" for t, c in plover.items()) + "}",
        "precision": ", ".join(map(literal, get_args(Precision))),
        "precision_names": ", ".join(get_args(Precision)),
    }


def country(layout: Layout, column: str) -> str:
    """SQL turning a country field into ISO3 (NULL: none or non-state; '?': not a country).

    Codes are looked up once, in one constant ENUM of every known code (ISO3 codes, the successor
    and CAMEO country codes renamed, the CAMEO regions with no country); names go through
    ``bilateral_iso3_name``."""
    if layout.countries == "name":
        return f"bilateral_iso3_name({column})"
    v = vocabulary()
    found = f"({v['country_iso3']})[enum_code(TRY_CAST(upper({column}) AS {v['countries']}))::INT + 1]"
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE nullif(coalesce({found}, '?'), '') END"


def insert_sql(source: str, layout: Layout, file_id: int, name: str) -> str:
    """One INSERT that reads, types, checks and stores every row of ``source``, in its order.

    ``source`` is a relation (a :func:`reader` over a file, or a registered table) whose columns
    ``layout.fields`` maps. Optional fields ``precision`` (default ``'day'``), ``line`` (default
    NULL) and ``reject`` (a reason found before the fields are read, e.g. a wrong number of fields)
    are read when the layout has them, and ``raw`` (the line's text, kept with a problem row for the
    quarantine). ``ref`` is the row's URL, else ``<name>:<line>``. Only projections and
    constant look-ups (no joins); every row brings its own line number. Rows with a problem are
    stored with the reason in ``_problem``, then moved to quarantine.
    """
    f, v = layout.fields, vocabulary()
    if layout.code_kind == "cameo":
        code, cameo = f["cameo"], "r.code"
    else:
        code = f"upper({f['plover']})"
        cameo = f"({v['plover_types']})[r.code]"
    known = "k IS NOT NULL"
    code_name = "CAMEO" if layout.code_kind == "cameo" else "PLOVER"
    expected = literal(f" (expected {layout.date_format}, every digit written)")
    first = literal(layout.first_date)
    plausible = literal(f" is outside {layout.dataset}'s plausible range ({layout.first_date} to a year from "
                        "today) — correct the date or quarantine the row")
    unknown_country = literal(" — use an ISO3 code, a CAMEO region code or an English country name"
                              if layout.countries == "code" else " — use an English country name or an ISO3 code")
    return f"""
    INSERT INTO events
    WITH r AS (
        SELECT {f['event_id']} AS event_id, {f['date']} AS date_text, {f['source_country']} AS sc,
               {f['source_sector']} AS ss, {f['target_country']} AS tc, {f['target_sector']} AS ts,
               {code} AS code, {f['mentions']} AS mentions_text, {f['url']} AS url,
               {f.get('precision', "'day'")} AS precision, {f.get('line', 'NULL')} AS line,
               {f.get('reject', 'NULL')} AS reject, {f.get('raw', 'NULL')} AS raw
        FROM {source}),
    t AS (
        SELECT r.*, try_strptime(r.date_text, {literal(layout.date_format)})::DATE AS day,
               {country(layout, "r.sc")} AS s_iso, {country(layout, "r.tc")} AS t_iso,
               ({v['cameo']})[{cameo}] AS k
        FROM r),
    checked AS (
        SELECT *, CASE
            WHEN reject IS NOT NULL THEN reject
            WHEN day IS NULL OR NOT regexp_full_match(date_text, {literal(date_pattern(layout.date_format))})
                THEN 'bad date ' || coalesce(quote_text(date_text), '(empty)') || {expected}
            WHEN day < {first}::DATE OR day > current_date + INTERVAL 366 DAY
                THEN 'implausible date ' || quote_text(date_text) || {plausible}
            WHEN NOT ({known}) THEN 'unknown {code_name} code ' || coalesce(quote_text(code), '(empty)')
                 || ' — use a code of the {code_name} codebook'
            WHEN s_iso = '?' THEN 'unknown source country ' || quote_text(left(sc, 100)) || {unknown_country}
            WHEN t_iso = '?' THEN 'unknown target country ' || quote_text(left(tc, 100)) || {unknown_country}
            WHEN mentions_text IS NOT NULL AND try_cast(mentions_text AS INTEGER) IS NULL
                THEN 'bad mentions ' || quote_text(mentions_text) || ' — give a whole number'

            WHEN precision IS NULL OR precision NOT IN ({v['precision']})
                THEN 'bad precision ' || coalesce(quote_text(precision), '(empty)') || ' (use {v['precision_names']})'
            END AS problem
        FROM t)
    SELECT event_id, day, precision, s_iso, ss, t_iso, ts,
           CASE WHEN k IS NOT NULL THEN {cameo.replace("r.code", "code")} END,
           CASE WHEN k IS NOT NULL THEN left({cameo.replace("r.code", "code")}, 2) END,
           ({v['quad']})[k], ({v['goldstein']})[k], ({v['plover']})[k],
           try_cast(mentions_text AS INTEGER), {literal(layout.dataset)},
           coalesce(url, {literal(name + ":")} || line), {file_id}, line, problem,
           CASE WHEN problem IS NOT NULL THEN raw END
    FROM checked
    """
