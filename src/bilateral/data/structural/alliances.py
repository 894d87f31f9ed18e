"""Alliances by directed dyad-year: COW Formal Alliances v4.1 and ATOP 5 (peacesciencer files)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.dyads import with_iso3
from bilateral.data.structural.files import read_rda, reader
from bilateral.data.structural.states import cow_to_iso3

DATASET = "peacesciencer"
COW_TYPES = {"cow_defense": "defense", "cow_neutral": "neutrality", "cow_nonagg": "nonaggression",
             "cow_entente": "entente"}
ATOP_TYPES = {"atop_defense": "defense", "atop_offense": "offense", "atop_neutral": "neutrality",
              "atop_nonagg": "nonaggression", "atop_consul": "consultation"}


def _tidy(file: Path, name: str, types: dict[str, str]) -> pd.DataFrame:
    cols = ["ccode1", "ccode2", "year", *types]
    frame = read_rda(file, name, cols)[cols].rename(columns=types)
    frame["year"] = frame["year"].astype(int)
    return with_iso3(frame, cow_to_iso3)


@reader(DATASET, "peacesciencer/cow_alliance.rda")
def read_cow_alliances(file: Path) -> pd.DataFrame:
    """``iso3_1, iso3_2, ccode1, ccode2, year, defense, neutrality, nonaggression, entente`` (0/1).

    Both orders of each pair are present; only dyad-years with an alliance are listed (to 2012).
    """
    return _tidy(file, "cow_alliance", COW_TYPES)


@reader(DATASET, "peacesciencer/atop_alliance.rda")
def read_atop_alliances(file: Path) -> pd.DataFrame:
    """``iso3_1, iso3_2, ccode1, ccode2, year, defense, offense, neutrality, nonaggression,
    consultation`` (0/1) from ATOP 5, to 2018. Directed: ``defense`` = 1 when state 1 has a
    defence obligation to state 2 (the US to Japan, not Japan to the US)."""
    return _tidy(file, "atop_alliance", ATOP_TYPES)
