"""Archigos 4.1 leaders (``peacesciencer/archigos.rda``), to 2015-12-31."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.files import read_rda, reader
from bilateral.data.structural.states import gw_to_iso3
from bilateral.errors import BilateralError

DATASET = "peacesciencer"
#: Archigos closes every spell still running at its last day; such an end is not an exit.
CENSORED = "Still in Office"


@reader(DATASET, "peacesciencer/archigos.rda")
def read_archigos(file: Path) -> pd.DataFrame:
    """``iso3, gwcode, obsid, leader, start, end, entry, exit, exitcode`` (one row per spell).

    ``end`` is NaT for spells still running at the end of the data (exit "Still in Office").
    """
    raw = read_rda(file, "archigos", ["obsid", "gwcode", "leader", "startdate", "enddate", "entry", "exit",
                                      "exitcode"])
    start = pd.to_datetime(raw["startdate"], errors="coerce")
    end = pd.to_datetime(raw["enddate"], errors="coerce")
    if start.isna().any():
        row = int(start.isna().idxmax())
        raise BilateralError(f"{file}: archigos {raw['obsid'][row]}: startdate {raw['startdate'][row]!r} "
                             "is not a date")
    end = end.where(raw["exit"] != CENSORED)
    return pd.DataFrame({"iso3": gw_to_iso3(raw["gwcode"]), "gwcode": raw["gwcode"].astype(int),
                         "obsid": raw["obsid"], "leader": raw["leader"], "start": start, "end": end,
                         "entry": raw["entry"], "exit": raw["exit"], "exitcode": raw["exitcode"]})
