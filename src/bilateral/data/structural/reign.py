"""REIGN leader list (``reign/leaderlist_*.csv``): leaders of every state since 1950."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.files import numeric, read_csv, reader
from bilateral.data.structural.states import cow_to_iso3
from bilateral.errors import BilateralError

DATASET = "reign"
FILE = "reign/leaderlist_3_21.csv"
#: The last month the March 2021 release covers; later tenures are unknown to it.
COVERAGE_END = pd.Period("2021-03", "M")


@reader(DATASET, FILE)
def read_reign_leaders(file: Path) -> pd.DataFrame:
    """``iso3, ccode, leadid, leader, start, end_month, open`` (one row per tenure).

    REIGN gives the start day but only the month of the end: ``end_month`` is a monthly Period
    (NaT while in office at the end of the data, ``open`` True).
    """
    # the notes column mixes UTF-8 with a few Windows-1252 bytes: replace those, names are UTF-8
    raw = read_csv(file, ["ccode", "leadid", "leader", "sdate", "smonth", "syear", "emonth", "eyear"],
                   encoding_errors="replace")
    raw = numeric(raw, ["ccode", "sdate", "smonth", "syear", "emonth", "eyear"], file)
    start = pd.to_datetime(pd.DataFrame({"year": raw["syear"], "month": raw["smonth"], "day": raw["sdate"]}),
                           errors="coerce")
    if start.isna().any():
        row = int(start.isna().idxmax())
        raise BilateralError(f"{file}:{row + 2}: sdate/smonth/syear do not form a date "
                             f"({raw['syear'][row]}-{raw['smonth'][row]}-{raw['sdate'][row]})")
    open_ = raw["eyear"].isna()
    end = [pd.NaT if o else pd.Period(year=int(y), month=int(m), freq="M")
           for o, y, m in zip(open_, raw["eyear"], raw["emonth"], strict=True)]
    return pd.DataFrame({"iso3": cow_to_iso3(raw["ccode"]), "ccode": raw["ccode"].astype(int),
                         "leadid": raw["leadid"], "leader": raw["leader"], "start": start,
                         "end_month": pd.PeriodIndex(end, freq="M"), "open": open_})
