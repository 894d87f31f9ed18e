"""Write a deterministic GDELT 2.0 event export of any size (61 tab-separated columns, no header).

Rows are made by DuckDB from a hash of the row number (no joins: values are picked from constant
lists), in row order, so the same size gives the same bytes.
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
    con.execute("SET enable_progress_bar = false")
    fields = {name: "''" for name in GDELT2.columns}
    s1, s2 = (f"$states[(hash(i, {k}) % {len(COUNTRIES)})::BIGINT + 1]" for k in (8, 9))
    code = f"$codes[(hash(i, 7) % {len(weighted)})::BIGINT + 1]"
    fields.update({
        "GLOBALEVENTID": "(500000000 + i)::VARCHAR",
        "SQLDATE": "strftime(DATE '2015-01-01' + (hash(i, 1) % 2191)::INT, '%Y%m%d')",
        "Actor1CountryCode": f"CASE WHEN hash(i, 2) % 10 < 4 THEN '' ELSE {s1} END",
        "Actor2CountryCode": f"CASE WHEN hash(i, 3) % 10 < 4 THEN '' ELSE {s2} END",
        "Actor1Type1Code": "CASE WHEN hash(i, 4) % 2 = 0 THEN 'GOV' ELSE '' END",
        "Actor2Type1Code": "CASE WHEN hash(i, 5) % 3 = 0 THEN 'MIL' ELSE '' END",
        "IsRootEvent": "'1'", "EventCode": code, "EventBaseCode": f"left({code}, 3)",
        "EventRootCode": f"left({code}, 2)", "NumMentions": "(1 + hash(i, 6) % 50)::VARCHAR",
        "NumSources": "'1'", "NumArticles": "'1'",
        "DATEADDED": "'20201024143000'", "SOURCEURL": "'https://news.example.org/story/' || i",
        "MonthYear": "strftime(DATE '2015-01-01' + (hash(i, 1) % 2191)::INT, '%Y%m')",
        "Year": "strftime(DATE '2015-01-01' + (hash(i, 1) % 2191)::INT, '%Y')",
        "FractionDate": "'2018.5000'", "Actor1Code": f"{s1} || 'GOV'", "Actor1Name": f"'GOVERNMENT OF ' || {s1}",
        "Actor2Code": s2, "Actor2Name": f"'PEOPLE OF ' || {s2}", "QuadClass": "'1'",
        "GoldsteinScale": "'3.4'", "AvgTone": "(-5 + (hash(i, 10) % 1000) / 100.0)::VARCHAR",
        **{f"{who}Geo_{part}": value for who in ("Actor1", "Actor2", "Action") for part, value in (
            ("Type", "'4'"), ("FullName", "'Moscow, Moskva, Russia'"), ("CountryCode", "'RS'"),
            ("ADM1Code", "'RS48'"), ("ADM2Code", "'25123'"), ("Lat", "'55.7522'"), ("Long", "'37.6156'"),
            ("FeatureID", "'-2960561'"))},
    })
    select = ", ".join(f'{expr} AS "{name}"' for name, expr in fields.items())
    con.execute(f"""COPY (SELECT {select} FROM range({rows}) t(i))
                    TO '{path}' (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '')""",
                {"codes": weighted, "states": COUNTRIES})
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]), int(sys.argv[2])))
