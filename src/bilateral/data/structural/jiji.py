"""Jiji Press monthly opinion poll, Japan (``opinion/jijidata_simple_8711to1503.csv``).

Each month Jiji asks a two-stage stratified random sample of 2,000 adults, face to face, which
countries they like and dislike (several may be named) and whether they support the cabinet.
Figures are percentages of respondents.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.files import numeric, read_csv, reader
from bilateral.errors import BilateralError

DATASET = "opinion"
FILE = "opinion/jijidata_simple_8711to1503.csv"
#: The poll's country suffixes (likestate_<x>, dislikestate_<x>) and their ISO3 codes.
COUNTRIES = {"us": "USA", "ussr_rus": "RUS", "uk": "GBR", "france": "FRA", "germany": "DEU",
             "switzland": "CHE", "india": "IND", "china": "CHN", "skorea": "KOR", "nkorea": "PRK"}
_OPINION = [f"{k}state_{c}" for k in ("like", "dislike") for c in COUNTRIES]
_POLL = ["ymonth", "year_start", "month_start", "day_start", "month_end", "day_end", "target_pop",
         "respondent_pop", "response_rate", "pm_approval", "pm_disapproval", "pm_name"]


@reader(DATASET, FILE)
def _read(file: Path) -> pd.DataFrame:
    """The poll file on a monthly PeriodIndex, numbers parsed."""
    raw = read_csv(file, [*_POLL, *_OPINION])
    raw = numeric(raw, [c for c in _POLL if c != "pm_name"] + _OPINION, file)
    months = raw["ymonth"].astype(int)
    if months.duplicated().any():
        row = int(months.duplicated().idxmax())
        raise BilateralError(f"{file}:{row + 2}: ymonth {months[row]} appears twice")
    raw.index = pd.PeriodIndex.from_fields(year=months // 100, month=months % 100, freq="M")
    raw.index.name = "month"
    return raw


def read_jiji_polls(path: Path | str | None = None) -> pd.DataFrame:
    """One row per monthly poll (PeriodIndex ``month``): ``fieldwork_start, fieldwork_end,
    prime_minister, sample, respondents, response_rate, cabinet_approval, cabinet_disapproval``."""
    raw = _read(path)
    start = pd.to_datetime(pd.DataFrame({"year": raw["year_start"], "month": raw["month_start"],
                                         "day": raw["day_start"]}))
    end_year = raw["year_start"] + (raw["month_end"] < raw["month_start"])
    end = pd.to_datetime(pd.DataFrame({"year": end_year, "month": raw["month_end"], "day": raw["day_end"]}))
    return pd.DataFrame({"fieldwork_start": start.to_numpy(), "fieldwork_end": end.to_numpy(),
                         "prime_minister": raw["pm_name"], "sample": raw["target_pop"],
                         "respondents": raw["respondent_pop"], "response_rate": raw["response_rate"],
                         "cabinet_approval": raw["pm_approval"],
                         "cabinet_disapproval": raw["pm_disapproval"]}, index=raw.index)


def read_jiji_country_opinion(path: Path | str | None = None) -> pd.DataFrame:
    """Likes and dislikes, long: ``month, iso3, like, dislike`` (percent of respondents)."""
    raw = _read(path)
    parts = [pd.DataFrame({"month": raw.index, "iso3": iso3,
                           "like": raw[f"likestate_{suffix}"].to_numpy(),
                           "dislike": raw[f"dislikestate_{suffix}"].to_numpy()})
             for suffix, iso3 in COUNTRIES.items()]
    return pd.concat(parts, ignore_index=True)
