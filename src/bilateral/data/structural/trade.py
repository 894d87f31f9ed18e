"""Correlates of War dyadic trade, v4 (``peacesciencer/cow_trade_ndy.rda``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.dyads import with_iso3
from bilateral.data.structural.files import read_rda, reader
from bilateral.data.structural.states import cow_to_iso3

DATASET = "peacesciencer"


@reader(DATASET, "peacesciencer/cow_trade_ndy.rda")
def read_cow_trade(file: Path) -> pd.DataFrame:
    """``iso3_1, iso3_2, ccode1, ccode2, year, flow1, flow2, smoothflow1, smoothflow2``.

    ``flow1`` is state 1's imports from state 2 and ``flow2`` state 2's imports from state 1, in
    millions of current US dollars; ``smooth…`` are COW's smoothed flows. One row per
    non-directed pair and year (ccode1 < ccode2); missing flows are NaN.
    """
    cols = ["ccode1", "ccode2", "year", "flow1", "flow2", "smoothflow1", "smoothflow2"]
    frame = read_rda(file, "cow_trade_ndy", cols)[cols]
    frame["year"] = frame["year"].astype(int)
    return with_iso3(frame, cow_to_iso3)
