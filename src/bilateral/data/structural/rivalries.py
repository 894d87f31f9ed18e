"""Strategic rivalries: Thompson & Dreyer (2012) and Thompson, Sakuwa & Suhas (2022)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.dyads import with_iso3
from bilateral.data.structural.files import read_rda, reader
from bilateral.data.structural.states import cow_to_iso3

DATASET = "peacesciencer"


@reader(DATASET, "peacesciencer/td_rivalries.rda")
def read_td_rivalries(file: Path) -> pd.DataFrame:
    """``iso3_1, iso3_2, ccode1, ccode2, rivalry, name, start, end, types`` (one row per rivalry).

    ``types`` joins the rivalry's types (positional, spatial, ideological, interventionary).
    """
    raw = read_rda(file, "td_rivalries", ["rivalryno", "rivalryname", "ccode1", "ccode2", "styear",
                                          "endyear", "type1", "type2", "type3"])
    types = raw[["type1", "type2", "type3"]].apply(lambda r: ", ".join(t for t in r if isinstance(t, str)),
                                                   axis=1)
    frame = pd.DataFrame({"ccode1": raw["ccode1"], "ccode2": raw["ccode2"],
                          "rivalry": raw["rivalryno"].astype(int), "name": raw["rivalryname"],
                          "start": raw["styear"].astype(int), "end": raw["endyear"].astype(int),
                          "types": types})
    return with_iso3(frame, cow_to_iso3)


@reader(DATASET, "peacesciencer/tss_rivalries.rda")
def read_tss_rivalries(file: Path) -> pd.DataFrame:
    """``iso3_1, iso3_2, ccode1, ccode2, rivalry, name, start, end, types`` from the TSS data."""
    kinds = ["positional", "spatial", "ideological", "interventionary"]
    raw = read_rda(file, "tss_rivalries", ["tssr_id", "rivalry", "ccode1", "ccode2", "start", "end", *kinds])
    types = raw[kinds].apply(lambda r: ", ".join(k for k, v in r.items() if v == 1), axis=1)
    frame = pd.DataFrame({"ccode1": raw["ccode1"], "ccode2": raw["ccode2"],
                          "rivalry": raw["tssr_id"].astype(int), "name": raw["rivalry"],
                          "start": raw["start"].astype(int), "end": raw["end"].astype(int),
                          "types": types})
    return with_iso3(frame, cow_to_iso3)
