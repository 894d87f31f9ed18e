"""Militarized interstate disputes: COW MID 5 and GML MIDs as shipped by peacesciencer.

* ``cow_mid_ddydisps`` — directed dyad-years, *whittled* by peacesciencer to one dispute per
  dyad-year (onset first, then the most severe);
* ``cow_mid_dirdisps`` — directed dispute-dyad-years, every dispute (not whittled);
* ``cow_mid_disps`` — one row per dispute: start year and month, duration, highest action,
  hostility, outcome;
* ``gml_part`` — GML participants with start and end days (Gibler, Miller & Little 2016).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.dyads import with_iso3
from bilateral.data.structural.files import read_rda, reader
from bilateral.data.structural.states import cow_to_iso3
from bilateral.errors import BilateralError

DATASET = "peacesciencer"
#: MID codebook labels (highest action, hostility level, outcome, settlement).
HIGHEST_ACTION = {
    0: "No militarized action", 1: "Threat to use force", 2: "Threat to blockade",
    3: "Threat to occupy territory", 4: "Threat to declare war", 5: "Threat to use CBR weapons",
    6: "Threat to join war", 7: "Show of force", 8: "Alert", 9: "Nuclear alert", 10: "Mobilization",
    11: "Fortify border", 12: "Border violation", 13: "Blockade", 14: "Occupation of territory",
    15: "Seizure", 16: "Attack", 17: "Clash", 18: "Declaration of war", 19: "Use of CBR weapons",
    20: "Begin interstate war", 21: "Join interstate war",
}
HOSTILITY = {1: "No militarized action", 2: "Threat to use force", 3: "Display of force",
             4: "Use of force", 5: "War"}
OUTCOME = {1: "Victory for side A", 2: "Victory for side B", 3: "Yield by side A", 4: "Yield by side B",
           5: "Stalemate", 6: "Compromise", 7: "Released", 8: "Unclear", 9: "Joins ongoing war"}
_SIDED = ["sidea", "fatality", "fatalpre", "hiact", "hostlev", "orig"]


def _dyadic(file: Path, name: str, ongoing: str, onset: str, extra: list[str]) -> pd.DataFrame:
    sided = [s + k for s in _SIDED for k in "12"]
    cols = ["dispnum", "ccode1", "ccode2", "year", ongoing, onset, *sided, *extra]
    frame = read_rda(file, name, cols)[cols].rename(columns={ongoing: "ongoing", onset: "onset"})
    for col in ["dispnum", "year", "ongoing", "onset"]:
        frame[col] = frame[col].astype(int)
    return with_iso3(frame, cow_to_iso3)


@reader(DATASET, "peacesciencer/cow_mid_ddydisps.rda")
def read_mid_dyad_years(file: Path) -> pd.DataFrame:
    """Directed dyad-years with (at most) one MID each, as whittled by peacesciencer.

    ``iso3_1, iso3_2, dispnum, ccode1, ccode2, year, ongoing, onset, sidea1/2, fatality1/2,
    fatalpre1/2, hiact1/2, hostlev1/2, orig1/2, fatality, hostlev, mindur, maxdur, recip, stmon``.
    """
    return _dyadic(file, "cow_mid_ddydisps", "cowmidongoing",
                   "cowmidonset", ["fatality", "hostlev", "mindur", "maxdur", "recip", "stmon"])


@reader(DATASET, "peacesciencer/cow_mid_dirdisps.rda")
def read_mid_dispute_dyads(file: Path) -> pd.DataFrame:
    """Directed dispute-dyad-years, every MID (several per dyad-year possible)."""
    return _dyadic(file, "cow_mid_dirdisps", "dispongoing", "disponset", [])


@reader(DATASET, "peacesciencer/cow_mid_disps.rda")
def read_mid_disputes(file: Path) -> pd.DataFrame:
    """One row per MID: ``dispnum, start (month), styear, stmon, mindur, maxdur, hiact,
    highest_action, hostlev, hostility, outcome, outcome_label, settle, fatality, recip``.

    COW's dispute file in peacesciencer keeps the start year and month, not the day; durations
    are in days (minimum and maximum, as the day may be unknown).
    """
    cols = ["dispnum", "styear", "stmon", "outcome", "settle", "fatality", "mindur", "maxdur", "hiact",
            "hostlev", "recip"]
    frame = read_rda(file, "cow_mid_disps", cols)[cols]
    if frame["stmon"].lt(1).any() or frame["stmon"].gt(12).any():
        row = int((frame["stmon"].lt(1) | frame["stmon"].gt(12)).idxmax())
        raise BilateralError(f"{file}: cow_mid_disps row {row + 1}: stmon {frame['stmon'][row]} "
                             "is not a month")
    for col in cols:
        frame[col] = frame[col].astype(int)
    frame.insert(1, "start", pd.PeriodIndex.from_fields(year=frame["styear"], month=frame["stmon"], freq="M"))
    frame["highest_action"] = frame["hiact"].map(HIGHEST_ACTION)
    frame["hostility"] = frame["hostlev"].map(HOSTILITY)
    frame["outcome_label"] = frame["outcome"].map(OUTCOME)
    return frame


def _day(year, month, day) -> pd.Series:
    frame = pd.DataFrame({"year": year, "month": month, "day": day}).astype(int)
    frame.loc[frame["day"] < 1, "day"] = 1
    return pd.to_datetime(frame, errors="coerce")


@reader(DATASET, "peacesciencer/gml_part.rda")
def read_gml_participants(file: Path) -> pd.DataFrame:
    """GML MID participants with dates: ``iso3, ccode, dispnum, start, end, start_day_known,
    end_day_known, sidea, hiact, orig``; an unknown day is the month's first day (flagged)."""
    cols = ["dispnum", "ccode", "styear", "stmon", "stday", "endyear", "endmon", "endday", "sidea",
            "hiact", "orig"]
    raw = read_rda(file, "gml_part", cols)
    frame = pd.DataFrame({"iso3": cow_to_iso3(raw["ccode"]), "ccode": raw["ccode"].astype(int),
                          "dispnum": raw["dispnum"].astype(int),
                          "start": _day(raw["styear"], raw["stmon"], raw["stday"]),
                          "end": _day(raw["endyear"], raw["endmon"], raw["endday"]),
                          "start_day_known": raw["stday"] >= 1, "end_day_known": raw["endday"] >= 1,
                          "sidea": raw["sidea"].astype(int), "hiact": raw["hiact"].astype(int),
                          "orig": raw["orig"].astype(int)})
    return frame
