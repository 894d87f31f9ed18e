"""The ``add_*`` steps of the all-pairs panels (:mod:`bilateral.measure.dyadyears`): one per dataset.

Each step builds one table, keyed the way its data is, whose value columns are series of the
registry (:mod:`bilateral.registry.series`, the rows of that step):

``dyad``
    ``code1, code2, year`` — directed: both orders of each pair are present (undirected sources
    are mirrored, swapping the per-side columns), so a join on the panel's dyad gives the value
    seen from its first state.
``state``
    ``code, year`` (or ``code`` alone for time-invariant data); in a dyad-year panel the columns
    come twice, ``…_a`` for the first state and ``…_b`` for the second.
``leader``
    ``obsid`` (Archigos leader spell).

The data decisions, as peacesciencer's help pages document theirs:

* **Spells become years** (contiguity, major powers, rivalries, arms races, capitals): a spell
  covers every year from its start year to its end year inclusive.
* **Event data are zero inside their coverage.** A dyad-year (or state-year) the data do not list
  is 0 — no dispute, no war, no alliance, not contiguous — for the years the dataset covers
  (``fill``), and missing outside them.
* **Several disputes or wars in one dyad-year are collapsed** by counting onsets and taking the
  maximum of ongoing, hostility and action: every dispute counts, unlike peacesciencer's
  ``add_cow_mids``, which whittles the dyad-year to one dispute (onset first, then severity).
* **Contiguity** is the closest type (1 land … 5 by up to 400 miles of water) active at any time
  of the year; 0 no contiguity.
* **Capital distance** is the great-circle (haversine) distance between the capitals in place for
  the latest part of the year, on a sphere of radius 6,371 km.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from bilateral.data.paths import data_dir
from bilateral.data.structural import (
    read_archigos,
    read_atop_alliances,
    read_cow_alliances,
    read_cow_trade,
    read_igo_dyads,
    read_mid_dispute_dyads,
    read_nmc,
    read_td_rivalries,
    read_tss_rivalries,
)
from bilateral.data.structural.peacesciencer import read_peacesciencer
from bilateral.registry import series as registry

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class YearStep:
    """One ``add_*`` step: its level, the state code it is keyed by, its builder and its coverage."""

    name: str
    level: str  # "dyad" | "state" | "leader"
    code: str  # "ccode" | "gwcode" | "obsid"
    build: Callable[[], pd.DataFrame | ir.Table]
    fill: tuple[int, int] | dict[str, tuple[int, int]] | None = None
    static: bool = False

    def fills(self) -> dict[str, tuple[int, int]]:
        """Column → the years in which a missing row means 0 (the dataset's coverage)."""
        if self.fill is None:
            return {}
        if isinstance(self.fill, dict):
            return {c: span for c in self.columns for prefix, span in self.fill.items() if c.startswith(prefix)}
        return {c: self.fill for c in self.columns}

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns this step builds: the registry's series for a dyadic step; for a state or
        leader step, the state-year (or leader-year) names of its ``…_a`` series."""
        names = registry.steps()[self.name]
        if self.level == "dyad":
            return names
        return tuple(n.removesuffix("_a") for n in names if n.endswith("_a"))

    def table(self) -> ir.Table:
        """The step's table as an Ibis expression (built once per process and data directory)."""
        return _memtable(self.name, str(data_dir()))

    def state_table(self) -> ir.Table:
        """A leader step by state-year (``gwcode, year``): the values of the leader in office on
        31 December (Archigos' state-year summaries), in that year for a leader-year step."""
        return _leader_by_state(self.name, str(data_dir()))


STEPS: dict[str, YearStep] = {}


def step(name: str, level: str, code: str = "ccode", *,
         fill: tuple[int, int] | dict[str, tuple[int, int]] | None = None,
         static: bool = False) -> Callable[[Callable[[], pd.DataFrame]], Callable[[], pd.DataFrame]]:
    """Register a builder as the step ``name``."""
    def wrap(build: Callable[[], pd.DataFrame]) -> Callable[[], pd.DataFrame]:
        STEPS[name] = YearStep(name, level, code, build, fill, static)
        return build
    return wrap


@lru_cache(maxsize=1)
def backend() -> ibis.BaseBackend:
    """The process's in-memory DuckDB database of the all-pairs panels (results are sorted
    explicitly, so DuckDB need not keep insertion order: less memory for large joins)."""
    con = ibis.duckdb.connect()
    con.con.execute("SET preserve_insertion_order = false")
    con.con.execute("SET enable_progress_bar = false")  # it would print into CSV written to stdout
    return con


#: Key columns stored as 16-bit integers (state codes below 1000, years).
KEYS = ("ccode", "gwcode", "code", "other", "year")


def materialise(name: str, root: str, table: pd.DataFrame | ir.Table) -> ir.Table:
    """``table`` stored in :func:`backend` as a table (computed and copied once), in compact
    types: state codes and years (:data:`KEYS`) as SMALLINT, and each series (a column named
    ``family.metric``) as FLOAT where every value survives the round trip to 32 bits exactly
    (0/1 indicators, counts, levels, Polity scores…), else DOUBLE."""
    key = f"{name}_{hashlib.sha1(root.encode()).hexdigest()[:8]}"
    data = table.to_pyarrow() if isinstance(table, ir.Table) else pa.Table.from_pandas(table, preserve_index=False)
    numeric = {c: t for c, t in zip(data.schema.names, data.schema.types, strict=True)
               if pa.types.is_integer(t) or pa.types.is_floating(t)}
    keys = [c for c, t in numeric.items() if pa.types.is_integer(t) and c.rstrip("12") in KEYS]
    series = [c for c in numeric if "." in c]
    tests = [f'coalesce(min("{c}") >= -32768 AND max("{c}") <= 32767, true)' for c in keys] + [
        f'coalesce(bool_and(isnan("{c}"::DOUBLE) OR "{c}"::FLOAT::DOUBLE = "{c}"::DOUBLE), true)' for c in series]
    con = backend().con
    con.register("_incoming", data)
    fits = dict(zip(keys + series, con.execute(f"SELECT {', '.join(tests)} FROM _incoming").fetchone(),
                    strict=True)) if tests else {}
    chosen = [f'"{c}"::SMALLINT AS "{c}"' if c in keys and fits[c]
              else f'"{c}"::{"FLOAT" if fits[c] else "DOUBLE"} AS "{c}"' if c in series
              else f'"{c}"' for c in data.schema.names]
    con.execute(f'CREATE OR REPLACE TABLE "{key}" AS SELECT {", ".join(chosen)} FROM _incoming')
    con.unregister("_incoming")
    return backend().table(key)


@lru_cache(maxsize=64)
def _memtable(name: str, root: str) -> ir.Table:
    return materialise(f"step_{name}", root, STEPS[name].build())


@lru_cache(maxsize=8)
def _leader_by_state(name: str, root: str) -> ir.Table:
    years = read_peacesciencer("archigossums")[["gwcode", "year", "dec31obsid"]].dropna()
    values = STEPS[name].build()
    keys = ["obsid", "year"] if "year" in values else ["obsid"]  # leader-years, or one row per leader
    joined = years.rename(columns={"dec31obsid": "obsid"}).merge(values, on=keys).drop(columns=["obsid"])
    return materialise(f"step_{name}_by_state", root, _ints(joined, "gwcode", "year"))


# -- helpers -------------------------------------------------------------------------------------

def mirror(frame: pd.DataFrame, code: str = "ccode", sided: tuple[str, ...] = ()) -> pd.DataFrame:
    """Both orders of an undirected dyadic table: rows (2, 1) added with per-side columns swapped."""
    pairs = {f"{s}1": f"{s}2" for s in (code, *sided)}
    swap = {**pairs, **{v: k for k, v in pairs.items()}}
    return pd.concat([frame, frame.rename(columns=swap)[frame.columns]], ignore_index=True)


def mirror_expr(frame: pd.DataFrame, code: str = "ccode", sided: tuple[str, ...] = ()) -> ir.Table:
    """:func:`mirror` as a lazy Ibis union (for large tables: nothing is copied until it runs)."""
    table = ibis.memtable(frame)
    pairs = {f"{s}1": f"{s}2" for s in (code, *sided)}
    swap = {**pairs, **{v: k for k, v in pairs.items()}}
    return table.union(table.select(**{c: table[swap.get(c, c)] for c in table.columns}))


def spell_years(frame: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """One row per year of each spell (start year to end year, inclusive)."""
    first, last = frame[start].astype(int).to_numpy(), frame[end].astype(int).to_numpy()
    lengths = last - first + 1
    out = frame.loc[frame.index.repeat(lengths)].reset_index(drop=True)
    out["year"] = np.repeat(first, lengths) + (np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths,
                                                                                    lengths))
    return out


def _ints(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].astype("int64")
    return frame


# -- dyadic steps --------------------------------------------------------------------------------

@step("contiguity", "dyad", fill=(1816, 2016))
def contiguity() -> pd.DataFrame:
    """COW Direct Contiguity 3.2: the closest contiguity type of the dyad in the year."""
    spans = read_peacesciencer("cow_contdir").dropna(subset=["stdate", "enddate"])
    spans = spans.assign(styear=spans["stdate"].dt.year, endyear=spans["enddate"].dt.year)
    years = spell_years(spans, "styear", "endyear")
    out = years.groupby(["ccode1", "ccode2", "year"], as_index=False)["conttype"].min()
    return _ints(out, "ccode1", "ccode2", "year").rename(columns={"conttype": "contiguity.type"})


def _mindist(name: str, code: str) -> ir.Table:
    frame = read_peacesciencer(name)[[f"{code}1", f"{code}2", "year", "mindist"]].dropna()
    return mirror_expr(_ints(frame, f"{code}1", f"{code}2", "year"), code)


@step("mindist", "dyad")
def mindist() -> ir.Table:
    """Minimum distance between the two states' borders (Schvitz et al. 2022, COW codes)."""
    return _mindist("cow_mindist", "ccode").rename({"distance.minimum": "mindist"})


@step("mindist_gw", "dyad", "gwcode")
def mindist_gw() -> ir.Table:
    """Minimum distance between the two states' borders (Gleditsch–Ward codes)."""
    return _mindist("gw_mindist", "gwcode").rename({"distance.minimum_gw": "mindist"})


def haversine(lat1, lng1, lat2, lng2):
    """Great-circle distance in km: 2R·asin √(sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2)), R = 6,371 km.

    Takes numpy arrays or Ibis numeric columns (in degrees)."""
    rad = np.pi / 180
    p1, p2, dp, dl = lat1 * rad, lat2 * rad, (lat2 - lat1) * rad, (lng2 - lng1) * rad
    if isinstance(p1, ir.Value):
        h = (dp / 2).sin() ** 2 + p1.cos() * p2.cos() * (dl / 2).sin() ** 2
        return 2 * EARTH_RADIUS_KM * h.sqrt().asin()
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def _capitals(name: str, code: str, column: str) -> ir.Table:
    caps = read_peacesciencer(name).dropna(subset=["stdate", "enddate", "lat", "lng"])
    caps = caps.assign(styear=caps["stdate"].dt.year, endyear=caps["enddate"].dt.year)
    years = spell_years(caps, "styear", "endyear").sort_values("stdate")
    years = _ints(years.drop_duplicates([code, "year"], keep="last")[[code, "year", "lat", "lng"]], code, "year")
    table = ibis.memtable(years)
    one = table.rename({f"{code}1": code, "lat1": "lat", "lng1": "lng"})
    two = table.rename({f"{code}2": code, "lat2": "lat", "lng2": "lng", "_y": "year"})
    pairs = one.join(two, [one["year"] == two["_y"], one[f"{code}1"] != two[f"{code}2"]])
    return pairs.select(f"{code}1", f"{code}2", "year",
                        **{column: haversine(pairs["lat1"], pairs["lng1"], pairs["lat2"], pairs["lng2"])})


@step("capital_distance", "dyad")
def capital_distance() -> ir.Table:
    """Great-circle distance between the capitals (COW capitals list)."""
    return _capitals("cow_capitals", "ccode", "distance.capitals")


@step("capital_distance_gw", "dyad", "gwcode")
def capital_distance_gw() -> ir.Table:
    """Great-circle distance between the capitals (Gleditsch–Ward capitals list)."""
    return _capitals("gw_capitals", "gwcode", "distance.capitals_gw")


@step("alliances", "dyad", fill={"alliance.": (1816, 2012), "atop.": (1816, 2018)})
def alliances() -> pd.DataFrame:
    """COW alliance types (to 2012) and ATOP obligations in either direction (to 2018)."""
    cow = read_cow_alliances().drop(columns=["iso3_1", "iso3_2"])
    cow = cow.rename(columns={k: f"alliance.{k}" for k in ("defense", "neutrality", "nonaggression", "entente")})
    atop = read_atop_alliances().drop(columns=["iso3_1", "iso3_2"])
    kinds = ["defense", "offense", "neutrality", "nonaggression", "consultation"]
    atop = mirror(atop).groupby(["ccode1", "ccode2", "year"], as_index=False)[kinds].max()
    atop = atop.rename(columns={k: f"atop.{k}" for k in kinds})
    return _ints(cow.merge(atop, on=["ccode1", "ccode2", "year"], how="outer"), "ccode1", "ccode2", "year")


def _disputes(frame: pd.DataFrame, family: str) -> pd.DataFrame:
    frame = frame.assign(hostility=frame[["hostlev1", "hostlev2"]].max(axis=1),
                         action=frame[["hiact1", "hiact2"]].max(axis=1))
    out = frame.groupby(["ccode1", "ccode2", "year"], as_index=False).agg(
        onsets=("onset", "sum"), ongoing=("ongoing", "max"), hostility=("hostility", "max"),
        highest_action=("action", "max"))
    return _ints(out, "ccode1", "ccode2", "year").rename(
        columns={c: f"{family}.{c}" for c in ("onsets", "ongoing", "hostility", "highest_action")})


@step("mids", "dyad", fill=(1816, 2014))
def mids() -> pd.DataFrame:
    """COW MID 5 dispute-dyad-years, every dispute, collapsed to dyad-years."""
    return _disputes(read_mid_dispute_dyads().drop(columns=["iso3_1", "iso3_2"]), "mid")


@step("gml_mids", "dyad", fill=(1816, 2010))
def gml_mids() -> pd.DataFrame:
    """GML MID 2.2.1 dispute-dyad-years (Gibler, Miller & Little 2016), collapsed to dyad-years."""
    raw = read_peacesciencer("gml_dirdisp").rename(columns={"midonset": "onset", "midongoing": "ongoing"})
    return _disputes(raw, "gml")


def _whittled(name: str, kind: str, family: str) -> pd.DataFrame:
    """peacesciencer's whittled dyad-years (one dispute per directed dyad-year) as series: ``-9``
    (unknown fatality level) becomes missing; the other attributes are the dispute's as coded."""
    raw = read_peacesciencer(name)
    columns = {f"{kind}midonset": "onset", f"{kind}midongoing": "ongoing", "dispnum": "dispnum",
               "hostlev": "hostility", "fatality": "fatality", "hiact1": "action_a", "hiact2": "action_b",
               "orig1": "originator_a", "orig2": "originator_b", "recip": "reciprocated"}
    out = raw[["ccode1", "ccode2", "year", *columns]].rename(columns={k: f"{family}.{v}" for k, v in columns.items()})
    out[f"{family}.fatality"] = out[f"{family}.fatality"].where(out[f"{family}.fatality"] >= 0)
    return _ints(out, "ccode1", "ccode2", "year")


@step("cow_mids_whittled", "dyad", fill={"cow_mid.onset": (1816, 2014), "cow_mid.ongoing": (1816, 2014)})
def cow_mids_whittled() -> pd.DataFrame:
    """COW MID 5 directed dyad-years as peacesciencer's ``add_cow_mids()`` gives them: one dispute
    per dyad-year (``cow_mid_ddydisps``)."""
    return _whittled("cow_mid_ddydisps", "cow", "cow_mid")


@step("gml_mids_whittled", "dyad", fill={"gml_mid.onset": (1816, 2010), "gml_mid.ongoing": (1816, 2010)})
def gml_mids_whittled() -> pd.DataFrame:
    """GML MID 2.2.1 directed dyad-years as peacesciencer's ``add_gml_mids()`` gives them: one
    dispute per dyad-year (``gml_mid_ddydisps``)."""
    return _whittled("gml_mid_ddydisps", "gml", "gml_mid")


@step("wars", "dyad", fill=(1816, 2007))
def wars() -> pd.DataFrame:
    """COW inter-state wars 4.0 by directed dyad-year: onsets, ongoing, A's battle deaths."""
    raw = read_peacesciencer("cow_war_inter")
    out = raw.groupby(["ccode1", "ccode2", "year"], as_index=False).agg(
        onsets=("cowinteronset", "sum"), ongoing=("cowinterongoing", "max"), deaths=("batdeath1", "sum"))
    out.loc[out["deaths"] < 0, "deaths"] = np.nan  # COW codes unknown deaths as -9
    return _ints(out, "ccode1", "ccode2", "year").rename(
        columns={"onsets": "war.onsets", "ongoing": "war.ongoing", "deaths": "war.battle_deaths_a"})


@step("trade", "dyad")
def trade() -> ir.Table:
    """COW dyadic trade 4.0 seen from each side (million current US$)."""
    raw = _ints(read_cow_trade()[["ccode1", "ccode2", "year", "flow1", "flow2"]], "ccode1", "ccode2", "year")
    both = mirror_expr(raw, sided=("flow",))
    return both.select("ccode1", "ccode2", "year", **{"trade.total": both["flow1"] + both["flow2"],
                                                     "trade.exports": both["flow2"], "trade.imports": both["flow1"]})


@step("igo", "dyad")
def igo() -> ir.Table:
    """Joint full IGO memberships (COW IGO 3)."""
    raw = read_igo_dyads()[["ccode1", "ccode2", "year", "joint_igos"]]
    raw = _ints(raw.rename(columns={"joint_igos": "igo.joint_memberships"}), "ccode1", "ccode2", "year")
    return mirror_expr(raw)


def _rivals(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    years = spell_years(frame[["ccode1", "ccode2", "start", "end"]], "start", "end")
    years = mirror(years[["ccode1", "ccode2", "year"]]).drop_duplicates().assign(**{column: 1.0})
    return _ints(years, "ccode1", "ccode2", "year")


@step("rivalry", "dyad", fill={"rivalry.strategic": (1816, 2010), "rivalry.tss": (1816, 2020)})
def rivalry() -> pd.DataFrame:
    """Strategic rivalries: Thompson & Dreyer (to 2010) and Thompson, Sakuwa & Suhas (to 2020)."""
    td = _rivals(read_td_rivalries(), "rivalry.strategic")
    tss = _rivals(read_tss_rivalries(), "rivalry.tss")
    return td.merge(tss, on=["ccode1", "ccode2", "year"], how="outer")


@step("arms_races", "dyad", fill=(1816, 1993))
def arms_races() -> pd.DataFrame:
    """Gibler, Rider & Hutchison (2005) arms races, 1816–1993."""
    years = spell_years(read_peacesciencer("grh_arms_races"), "styear", "endyear")
    years = mirror(years[["ccode1", "ccode2", "year"]]).drop_duplicates().assign(**{"arms_race.ongoing": 1.0})
    return _ints(years, "ccode1", "ccode2", "year")


# -- state steps ---------------------------------------------------------------------------------

def _state(name: str, code: str, columns: dict[str, str]) -> pd.DataFrame:
    raw = read_peacesciencer(name)
    keys = [code, "year"] if "year" in raw else [code]
    out = raw.dropna(subset=keys).drop_duplicates(keys)[[*keys, *columns]].rename(columns=columns)
    return _ints(out, *keys)


@step("democracy", "state")
def democracy() -> pd.DataFrame:
    """V-Dem polyarchy, Polity IV polity2 and the Unified Democracy Scores (peacesciencer's merge)."""
    return _state("ccode_democracy", "ccode", {"v2x_polyarchy": "democracy.polyarchy",
                                               "polity2": "democracy.polity2", "xm_qudsest": "democracy.uds"})


@step("nmc", "state")
def nmc() -> pd.DataFrame:
    """COW National Material Capabilities 6.0: the six components and CINC."""
    raw = read_nmc().drop(columns=["iso3"])
    return _ints(raw.rename(columns={c: f"nmc.{c}" for c in raw if c not in ("ccode", "year")}), "ccode", "year")


@step("sdp_gdp", "state")
def sdp_gdp() -> pd.DataFrame:
    """Anders, Fariss & Markowitz (2020) simulated GDP, population and surplus product (logs)."""
    return _state("cow_sdp_gdp", "ccode", {"wbgdp2011est": "economy.ln_gdp", "wbpopest": "economy.ln_population",
                                           "sdpest": "economy.ln_sdp", "wbgdppc2011est": "economy.ln_gdppc"})


@step("trade_state", "state")
def trade_state() -> pd.DataFrame:
    """COW national trade 4.0: total imports and exports (million current US$)."""
    return _state("cow_trade_sy", "ccode", {"imports": "trade_state.imports", "exports": "trade_state.exports"})


@step("igo_state", "state")
def igo_state() -> pd.DataFrame:
    """COW IGO 3 memberships of the state: full, associate, observer."""
    return _state("cow_igo_sy", "ccode", {"sum_igo_full": "igo_state.full", "sum_igo_associate": "igo_state.associate",
                                          "sum_igo_observer": "igo_state.observer"})


@step("creg", "state")
def creg() -> pd.DataFrame:
    """Composition of Religious and Ethnic Groups (Nardulli et al. 2012): fractionalisation, polarisation."""
    return _state("creg", "ccode", {c: f"creg.{c}" for c in ("ethfrac", "ethpol", "relfrac", "relpol")})


@step("hief", "state")
def hief() -> pd.DataFrame:
    """Historical Index of Ethnic Fractionalization (Drazanova 2019)."""
    return _state("hief", "ccode", {"efindex": "hief.efindex"})


@step("rugged", "state", static=True)
def rugged() -> pd.DataFrame:
    """Terrain ruggedness (Nunn & Puga 2012) and the log share of mountainous terrain (Gibler & Miller)."""
    return _state("rugged", "ccode", {"rugged": "terrain.rugged", "newlmtnest": "terrain.mountains"})


@step("terrthreat", "state")
def terrthreat() -> pd.DataFrame:
    """Latent territorial threat (Miller 2022), 1816–2010: estimate and its standard deviation."""
    return _state("terrthreat", "ccode", {"lterrthreat": "terrthreat.latent", "sd": "terrthreat.sd"})


@step("majors", "state", fill=(1816, 2016))
def majors() -> pd.DataFrame:
    """COW major powers (state system 2016): 1 in every year of a major-power spell."""
    years = spell_years(read_peacesciencer("cow_majors"), "styear", "endyear")
    return _ints(years[["ccode", "year"]].drop_duplicates().assign(**{"major.cow": 1.0}), "ccode", "year")


@step("maoz_powers", "state", fill=(1816, 2019))
def maoz_powers() -> pd.DataFrame:
    """Maoz's regional and global powers (to 2019): 1 in every year of the spell."""
    raw = read_peacesciencer("maoz_powers")
    parts = []
    for kind in ("reg", "glob"):
        spans = raw.dropna(subset=[f"{kind}stdate", f"{kind}enddate"])
        spans = spans.assign(styear=spans[f"{kind}stdate"].dt.year, endyear=spans[f"{kind}enddate"].dt.year)
        name = "major.maoz_regional" if kind == "reg" else "major.maoz_global"
        parts.append(spell_years(spans, "styear", "endyear")[["ccode", "year"]].drop_duplicates()
                     .assign(**{name: 1.0}).set_index(["ccode", "year"]))
    return _ints(pd.concat(parts, axis=1).reset_index(), "ccode", "year")


@step("intra_wars", "state", fill=(1816, 2007))
def intra_wars() -> pd.DataFrame:
    """COW intra-state wars 4.1: the state is a party on either side (onsets and ongoing wars)."""
    raw = read_peacesciencer("cow_war_intra")
    sides = pd.concat([raw.assign(ccode=raw["ccodea"]), raw.assign(ccode=raw["ccodeb"])])
    sides = sides[sides["ccode"] > 0]
    out = sides.drop_duplicates(["warnum", "ccode", "year"]).groupby(["ccode", "year"], as_index=False).agg(
        **{"intra_war.onsets": ("cowintraonset", "sum"), "intra_war.ongoing": ("cowintraongoing", "max")})
    return _ints(out, "ccode", "year")


@step("ucdp_onsets", "state", "gwcode")
def ucdp_onsets() -> pd.DataFrame:
    """UCDP armed-conflict onsets by state (Gleditsch–Ward codes), 1946–2017."""
    return _state("ucdp_onsets", "gwcode", {"sumnewconf": "ucdp.new_conflicts", "sumonset1": "ucdp.onsets"})


@step("ucdp_acd", "state", "gwcode", fill=(1946, 2019))
def ucdp_acd() -> pd.DataFrame:
    """UCDP/PRIO armed conflicts: conflicts the state is a primary party to, and their highest intensity."""
    raw = read_peacesciencer("ucdp_acd")
    sides = pd.concat([raw.assign(gwcode=raw["gwno_a"]), raw.assign(gwcode=raw["gwno_b"])]).dropna(subset=["gwcode"])
    sides = sides.drop_duplicates(["conflict_id", "gwcode", "year"])
    out = sides.groupby(["gwcode", "year"], as_index=False).agg(
        **{"ucdp.conflicts": ("conflict_id", "size"), "ucdp.max_intensity": ("intensity_level", "max")})
    return _ints(out, "gwcode", "year")


@step("leader_transitions", "state", "gwcode")
def leader_transitions() -> pd.DataFrame:
    """Archigos 4.1 leader transitions by state-year: any, irregular, number of leaders."""
    return _state("archigossums", "gwcode", {"leadertransition": "archigos.transition",
                                             "irregular": "archigos.irregular", "n_leaders": "archigos.leaders"})


# -- leader steps --------------------------------------------------------------------------------

@step("lead", "leader", "obsid")
def lead() -> pd.DataFrame:
    """LEAD (Ellis, Horowitz & Stam 2015): the leader's background."""
    raw = read_peacesciencer("LEAD")
    return raw.rename(columns={c: f"lead.{c}" for c in raw if c != "obsid"})


@step("lwuf", "leader", "obsid")
def lwuf() -> pd.DataFrame:
    """Leader willingness to use force (Carter & Smith 2020): four latent estimates and their sd."""
    raw = read_peacesciencer("lwuf")
    return raw.rename(columns={c: f"lwuf.{c}" for c in raw if c != "obsid"})


@step("gml_leader_mids", "leader", "obsid")
def gml_leader_mids() -> pd.DataFrame:
    """GML MIDs by Archigos leader-year (``gml_mid_dirleaderdisps``, every dispute of every leader
    dyad): disputes begun, any dispute ongoing, disputes the leader's state originated on side A
    with this leader in office at the onset. Every leader-year of Archigos to 2010 is listed (0
    without a dispute), so a leader-year outside GML's or Archigos' coverage stays missing."""
    raw = read_peacesciencer("gml_mid_dirleaderdisps").dropna(subset=["obsid1"])
    raw = raw.rename(columns={"obsid1": "obsid"})
    started = raw[raw["gmlmidonset"] == 1]
    begun = ((raw["gmlmidonset"] == 1) & (raw["sidea1"] == 1) & (raw["orig1"] == 1)
             & (raw["obsid_start1"] == raw["obsid"]))
    keys = ["obsid", "year"]
    counts = pd.concat([started.groupby(keys)["dispnum"].nunique().rename("gml_leader.onsets"),
                        raw.groupby(keys)["gmlmidongoing"].max().rename("gml_leader.ongoing"),
                        raw[begun].groupby(keys)["dispnum"].nunique().rename("gml_leader.initiated")], axis=1)
    spells = archigos_leaders()[["obsid", "start", "end"]]
    spells = spells.assign(styear=spells["start"].dt.year,
                           endyear=spells["end"].dt.year.fillna(spells["start"].dt.year.max()).astype(int))
    years = spell_years(spells, "styear", "endyear")[keys]
    years = years[years["year"] <= 2010].drop_duplicates()
    out = years.merge(counts.reset_index(), on=keys, how="left").fillna(0)
    return _ints(out, "year")


def archigos_leaders() -> pd.DataFrame:
    """Archigos spells with the LEAD/leader-code identifiers, for the leader-year frame."""
    spells = read_archigos()
    codes = read_peacesciencer("leader_codes")[["obsid", "leadid", "leaderid"]]
    born = read_peacesciencer("archigos")[["obsid", "yrborn", "gender"]]
    return spells.merge(codes, on="obsid", how="left").merge(born, on="obsid", how="left")

