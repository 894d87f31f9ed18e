"""UNGA ideal points (Bailey, Strezhnev & Voeten 2017), ``unga/IdealpointestimatesAll_*.csv``.

One row per country and session: the ideal point with its posterior quantiles, the number of
votes, and the share of votes on which the country agreed with six reference states.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.files import numeric, read_csv, reader
from bilateral.data.structural.states import convert

DATASET = "unga"
FILE = "unga/IdealpointestimatesAll_Jun2024.csv"
#: The file's agreement columns and the reference state each compares with.
AGREEMENT_COLUMNS = {"USAgree": "USA", "RUSSAgree": "RUS", "BrazilAgree": "BRA", "ChinaAgree": "CHN",
                     "IndiaAgree": "IND", "IsraelAgree": "ISR"}
_POINTS = {"IdealPointAll": "ideal_point", "Q5%All": "q05", "Q50%All": "q50", "Q95%All": "q95",
           "NVotesAll": "n_votes"}


@reader(DATASET, FILE)
def _read(file: Path) -> pd.DataFrame:
    """The file with numbers parsed and ``iso3`` checked.

    The file's ``iso3c`` uses withdrawn codes for some former states (DDR, CSK, YUG, and YAR for
    both Yemens): those take the ISO3 of their name instead, and where two members would then share
    a code in one session (the Yemens, 1967-1990) neither gets one — as in the roll-call reader.
    """
    raw = read_csv(file, ["ccode", "session", "iso3c", "Countryname", *_POINTS, *AGREEMENT_COLUMNS])
    raw = numeric(raw, ["session", *_POINTS, *AGREEMENT_COLUMNS], file)
    raw["session"] = raw["session"].astype(int)
    current = convert(raw["iso3c"].dropna().unique(), "ISO3")
    iso3 = raw["iso3c"].map(lambda c: c if current.get(c) == c else None)
    by_name = raw["Countryname"].where(iso3.isna())
    iso3 = iso3.fillna(by_name.map(convert(by_name.dropna().unique(), "regex")))
    clash = iso3.notna() & pd.concat([iso3, raw["session"]], axis=1).duplicated(keep=False)
    raw["iso3"] = iso3.where(~clash)
    return raw


def read_ideal_points(path: Path | str | None = None) -> pd.DataFrame:
    """``iso3, ccode, country, session, year, n_votes, ideal_point, q05, q50, q95``.

    ``year`` = 1945 + session (session 11 ran from November 1956 into 1957).
    """
    raw = _read(path)
    frame = raw.rename(columns={**_POINTS, "Countryname": "country"})
    frame["year"] = 1945 + frame["session"]
    return frame[["iso3", "ccode", "country", "session", "year", "n_votes", "ideal_point", "q05",
                  "q50", "q95"]].reset_index(drop=True)


def read_ideal_point_agreement(path: Path | str | None = None) -> pd.DataFrame:
    """The file's agreement columns, long: ``iso3, partner, session, year, agreement`` (0–1)."""
    raw = _read(path)
    long = raw.melt(id_vars=["iso3", "session"], value_vars=list(AGREEMENT_COLUMNS),
                    var_name="column", value_name="agreement").dropna(subset=["agreement"])
    long["partner"] = long["column"].map(AGREEMENT_COLUMNS)
    long["year"] = 1945 + long["session"]
    return (long[["iso3", "partner", "session", "year", "agreement"]]
            .sort_values(["iso3", "partner", "session"]).reset_index(drop=True))
