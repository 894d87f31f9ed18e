"""Write a deterministic GDELT 2.0 event export of any size (61 tab-separated columns, no header).

Rows are made by DuckDB from a hash of the row number, so the same size gives the same bytes.
The mix is GDELT-like: about 40 % of actors without a country, the rest drawn from a weighted list
of states (the US most often, Russia and Japan among them) and a few CAMEO region codes; event
codes drawn from the CAMEO table with verbal cooperation most frequent; dates over 2015–2020;
mentions 1–50; a source URL per row.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from bilateral.codes import cameo_table
from bilateral.data.events.formats import GDELT2

COUNTRIES = (["USA"] * 12 + ["GBR"] * 3 + ["RUS"] * 3 + ["CHN"] * 3 + ["JPN"] * 2 + ["IND"] * 2 +
             ["FRA", "DEU", "ISR", "IRN", "SYR", "TUR", "KOR", "PRK", "UKR", "PAK", "AUS", "CAN", "AFR", "EUR"])


def write(path: Path, rows: int) -> Path:
    codes = cameo_table()
    codes = codes[codes["code"].str.len() >= 3]
    weighted = [c for c in codes["code"] for _ in range(6 if c[:2] <= "05" else 2 if c[:2] <= "08" else 1)]
    con = duckdb.connect()
    con.execute("CREATE TABLE codes AS SELECT unnest($1) AS code, generate_subscripts($1, 1) - 1 AS k", [weighted])
    con.execute("CREATE TABLE states AS SELECT unnest($1) AS iso, generate_subscripts($1, 1) - 1 AS k",
                [COUNTRIES])
    n_codes, n_states = len(weighted), len(COUNTRIES)
    fields = {name: "''" for name in GDELT2.columns}
    fields.update({
        "GLOBALEVENTID": "(500000000 + i)::VARCHAR",
        "SQLDATE": "strftime(DATE '2015-01-01' + (hash(i, 1) % 2191)::INT, '%Y%m%d')",
        "Actor1CountryCode": "CASE WHEN hash(i, 2) % 10 < 4 THEN '' ELSE s1.iso END",
        "Actor2CountryCode": "CASE WHEN hash(i, 3) % 10 < 4 THEN '' ELSE s2.iso END",
        "Actor1Type1Code": "CASE WHEN hash(i, 4) % 2 = 0 THEN 'GOV' ELSE '' END",
        "Actor2Type1Code": "CASE WHEN hash(i, 5) % 3 = 0 THEN 'MIL' ELSE '' END",
        "IsRootEvent": "'1'", "EventCode": "c.code", "EventBaseCode": "left(c.code, 3)",
        "EventRootCode": "left(c.code, 2)", "NumMentions": "(1 + hash(i, 6) % 50)::VARCHAR",
        "NumSources": "'1'", "NumArticles": "'1'",
        "DATEADDED": "'20201024143000'", "SOURCEURL": "'https://news.example.org/story/' || i",
        "MonthYear": "left(strftime(DATE '2015-01-01' + (hash(i, 1) % 2191)::INT, '%Y%m%d'), 6)",
        "Year": "left(strftime(DATE '2015-01-01' + (hash(i, 1) % 2191)::INT, '%Y%m%d'), 4)",
        "FractionDate": "'2018.5000'", "Actor1Code": "s1.iso || 'GOV'", "Actor1Name": "'GOVERNMENT OF ' || s1.iso",
        "Actor2Code": "s2.iso", "Actor2Name": "'PEOPLE OF ' || s2.iso", "QuadClass": "'1'",
        "GoldsteinScale": "'3.4'", "AvgTone": "(-5 + (hash(i, 10) % 1000) / 100.0)::VARCHAR",
        **{f"{who}Geo_{part}": value for who in ("Actor1", "Actor2", "Action") for part, value in (
            ("Type", "'4'"), ("FullName", "'Moscow, Moskva, Russia'"), ("CountryCode", "'RS'"),
            ("ADM1Code", "'RS48'"), ("ADM2Code", "'25123'"), ("Lat", "'55.7522'"), ("Long", "'37.6156'"),
            ("FeatureID", "'-2960561'"))},
    })
    select = ", ".join(f'{expr} AS "{name}"' for name, expr in fields.items())
    con.execute(f"""
        COPY (SELECT {select} FROM range({rows}) t(i)
              JOIN codes c ON c.k = hash(i, 7) % {n_codes}
              JOIN states s1 ON s1.k = hash(i, 8) % {n_states}
              JOIN states s2 ON s2.k = hash(i, 9) % {n_states}
              ORDER BY i)
        TO '{path}' (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '')""")
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]), int(sys.argv[2])))
