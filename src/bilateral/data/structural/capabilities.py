"""National Material Capabilities (COW NMC) per state-year (``peacesciencer/cow_nmc.rda``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.files import read_rda, reader
from bilateral.data.structural.states import cow_to_iso3

DATASET = "peacesciencer"
COMPONENTS = ["milex", "milper", "irst", "pec", "tpop", "upop"]


@reader(DATASET, "peacesciencer/cow_nmc.rda")
def read_nmc(file: Path) -> pd.DataFrame:
    """``iso3, ccode, year, milex, milper, irst, pec, tpop, upop, cinc``.

    CINC is a state's average share of the system total of the six components (Singer, Bremer &
    Stuckey 1972); units of the components follow the NMC codebook (milex thousands of current
    US dollars, milper and populations thousands, irst and pec thousands of tons / coal-ton
    equivalents).
    """
    frame = read_rda(file, "cow_nmc", ["ccode", "year", *COMPONENTS, "cinc"])
    frame = frame[["ccode", "year", *COMPONENTS, "cinc"]]
    frame["year"] = frame["year"].astype(int)
    frame.insert(0, "iso3", cow_to_iso3(frame["ccode"]))
    return frame
