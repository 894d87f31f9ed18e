"""Joint IGO memberships by dyad-year, COW IGO v3 (``peacesciencer/cow_igo_ndy.rda``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.dyads import with_iso3
from bilateral.data.structural.files import read_rda, reader
from bilateral.data.structural.states import cow_to_iso3

DATASET = "peacesciencer"


@reader(DATASET, "peacesciencer/cow_igo_ndy.rda")
def read_igo_dyads(file: Path) -> pd.DataFrame:
    """``iso3_1, iso3_2, ccode1, ccode2, year, joint_igos`` (full members of the same IGOs).

    One row per non-directed pair (ccode1 < ccode2) and year, 1816–2014.
    """
    frame = read_rda(file, "cow_igo_ndy", ["ccode1", "ccode2", "year", "dyadigos"])
    frame = frame.rename(columns={"dyadigos": "joint_igos"})[["ccode1", "ccode2", "year", "joint_igos"]]
    frame["year"] = frame["year"].astype(int)
    return with_iso3(frame, cow_to_iso3)
