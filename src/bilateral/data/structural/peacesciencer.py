"""The peacesciencer tables that have no dedicated reader: one reader, :func:`read_peacesciencer`.

Each table is read from ``peacesciencer/<name>.rda`` in the data directory, checked for the
columns the all-pairs panels use (:data:`TABLES`), and tidied the same way for every table:
state codes (``ccode…``, ``gwcode…``, ``gwno…``) and years become nullable integers, the date
columns of spells (``stdate``, ``enddate``, ``startdate``, ``regstdate`` …) become datetimes.
Nothing else is changed: the data decisions (how spells become years, how several disputes make
one dyad-year) are those of the steps in :mod:`bilateral.measure.yearsteps`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from bilateral.data.structural.files import read_rda, reader
from bilateral.errors import BilateralError

DATASET = "peacesciencer"
#: Table name → the columns its readers need (the file may hold more).
TABLES: dict[str, tuple[str, ...]] = {
    "cow_ddy": ("ccode1", "ccode2", "year"),
    "gw_ddy": ("gwcode1", "gwcode2", "year", "microstate1", "microstate2"),
    "cow_states": ("ccode", "stateabb", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth",
                   "endday"),
    "gw_states": ("gwcode", "stateabb", "statename", "startdate", "enddate"),
    "cow_gw_years": ("ccode", "gwcode", "year"),
    "gw_cow_years": ("gwcode", "ccode", "year"),
    "false_cow_dyads": ("ccode1", "ccode2", "year"),
    "false_gw_dyads": ("gwcode1", "gwcode2", "year"),
    "ps_data_version": ("category", "data", "version", "bibtexkey"),
    "cow_contdir": ("ccode1", "ccode2", "conttype", "stdate", "enddate"),
    "cow_mindist": ("ccode1", "ccode2", "year", "mindist"),
    "gw_mindist": ("gwcode1", "gwcode2", "year", "mindist"),
    "cow_capitals": ("ccode", "capital", "stdate", "enddate", "lat", "lng"),
    "gw_capitals": ("gwcode", "capital", "stdate", "enddate", "lat", "lng"),
    "cow_majors": ("ccode", "styear", "endyear"),
    "maoz_powers": ("ccode", "regstdate", "regenddate", "globstdate", "globenddate"),
    "grh_arms_races": ("race_id", "ccode1", "ccode2", "styear", "endyear"),
    "cow_war_inter": ("warnum", "ccode1", "ccode2", "year", "cowinterongoing", "cowinteronset",
                      "batdeath1", "batdeath2"),
    "cow_war_intra": ("warnum", "year", "cowintraonset", "cowintraongoing", "ccodea", "ccodeb"),
    "gml_dirdisp": ("dispnum", "ccode1", "ccode2", "year", "midongoing", "midonset", "hiact1", "hiact2",
                    "hostlev1", "hostlev2"),
    "gml_mid_ddydisps": ("dispnum", "ccode1", "ccode2", "year", "gmlmidongoing", "gmlmidonset", "hiact1",
                         "hiact2", "orig1", "orig2", "fatality", "hostlev", "recip"),
    "cow_mid_ddydisps": ("dispnum", "ccode1", "ccode2", "year", "cowmidongoing", "cowmidonset", "hiact1",
                         "hiact2", "orig1", "orig2", "fatality", "hostlev", "recip"),
    "gml_mid_dirleaderdisps": ("dispnum", "ccode1", "ccode2", "obsid1", "year", "gmlmidongoing", "gmlmidonset",
                               "sidea1", "orig1", "obsid_start1"),
    "ccode_democracy": ("ccode", "year", "v2x_polyarchy", "polity2", "xm_qudsest"),
    "cow_sdp_gdp": ("ccode", "year", "wbgdp2011est", "wbpopest", "sdpest", "wbgdppc2011est"),
    "cow_trade_sy": ("ccode", "year", "imports", "exports"),
    "cow_igo_sy": ("ccode", "year", "sum_igo_full", "sum_igo_associate", "sum_igo_observer"),
    "creg": ("ccode", "year", "ethfrac", "ethpol", "relfrac", "relpol"),
    "hief": ("ccode", "year", "efindex"),
    "rugged": ("ccode", "rugged", "newlmtnest"),
    "terrthreat": ("ccode", "year", "lterrthreat", "sd"),
    "ucdp_onsets": ("gwcode", "year", "sumnewconf", "sumonset1"),
    "ucdp_acd": ("conflict_id", "year", "gwno_a", "gwno_b", "intensity_level", "type_of_conflict"),
    "archigossums": ("gwcode", "year", "leadertransition", "irregular", "n_leaders", "dec31obsid"),
    "LEAD": ("obsid", "leveledu", "milservice", "combat", "rebel", "warwin", "warloss", "rebelwin",
             "rebelloss", "yrsexper", "physhealth", "mentalhealth"),
    "lwuf": ("obsid", "theta1_mean", "theta1_sd", "theta2_mean", "theta2_sd", "theta3_mean", "theta3_sd",
             "theta4_mean", "theta4_sd"),
    "leader_codes": ("obsid", "leadid", "leaderid"),
    "archigos": ("obsid", "yrborn", "gender"),
}
_CODES = ("ccode", "gwcode", "gwno", "year", "styear", "endyear", "warnum", "race_id", "dispnum", "conflict_id")
_DATES = ("stdate", "enddate", "startdate", "regstdate", "regenddate", "globstdate", "globenddate")


def _tidy(file: Path, name: str) -> pd.DataFrame:
    frame = read_rda(file, name, TABLES[name])
    for column in frame.columns:
        if column.startswith(_CODES) and pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].astype("Int64")
        elif column in _DATES:
            frame[column] = pd.to_datetime(frame[column], errors="coerce")
    return frame


def _reader(name: str) -> Callable[..., pd.DataFrame]:
    def parse(file: Path) -> pd.DataFrame:
        return _tidy(file, name)

    parse.__name__ = parse.__qualname__ = f"read_{name}"
    return reader(DATASET, f"peacesciencer/{name}.rda")(parse)


_READERS = {name: _reader(name) for name in TABLES}


def read_peacesciencer(name: str, path: Path | str | None = None) -> pd.DataFrame:
    """The peacesciencer table ``name`` (a key of :data:`TABLES`), tidied (see the module doc).

    ``path`` overrides the file in the data directory. A copy of a per-process cache.
    """
    if name not in _READERS:
        raise BilateralError(f"no peacesciencer table {name!r} — use one of {', '.join(TABLES)}")
    return _READERS[name](path)
