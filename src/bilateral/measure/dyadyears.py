"""All-pairs panels, as peacesciencer makes them in R: dyad-years, state-years, leader-years.

::

    d = bilateral.dyadyears(system="cow", directed=True, years=range(1816, 2021))
    d = d.add_contiguity().add_democracy().add_mids()      # or d.add(all)
    frame = d.to_pandas()                                  # ccode1, ccode2, year, iso3_1, iso3_2, …
    print(d.cite())                                        # BibTeX of every step used

A :class:`Years` holds an Ibis expression (run by DuckDB, in memory); every ``add_*`` step is a
left join onto it, and nothing is computed until :meth:`Years.to_pandas`. The frames:

* **state-years** — a state is in the year if it is a system member on any day of the year
  (COW state list 2016, Gleditsch–Ward list 2017); states still members at the end of the list are
  carried on to ``years``' last year (peacesciencer's ``mry = TRUE``). Gleditsch–Ward microstates
  are not in the G–W list shipped with peacesciencer and so not in the frame.
* **dyad-years** — every ordered pair of different states that are both in the year (directed), or
  each pair once with the lower code first (``directed=False``). Two states make a dyad in a year
  only if their memberships overlap on some day of it: the pairs peacesciencer lists as false
  dyads (``false_cow_dyads``, e.g. Baden–Germany 1871) are not in the frame, as in its ``cow_ddy``.
* **leader-years** — every Archigos 4.1 leader spell (to 2015) in every calendar year it covers,
  with the leader's age and years in office (Goemans, Gleditsch & Chiozza 2009).

Steps keyed by the other state system (COW data on a G–W frame, or UCDP on a COW frame) are joined
through peacesciencer's year-by-year COW ⇄ G–W crosswalks. State-level steps in a dyad-year frame
give two columns, ``…_a`` (first state) and ``…_b`` (second); a dyadic step on a state or leader
frame is skipped with the reason in ``skipped``. The steps and their data decisions are
documented in :mod:`bilateral.measure.yearsteps` and ``docs/panel.md``.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bilateral.data import catalog
from bilateral.data.paths import MissingDataError, data_dir
from bilateral.data.structural.peacesciencer import read_peacesciencer
from bilateral.data.structural.states import cow_codes, gw_to_iso3
from bilateral.errors import BilateralError
from bilateral.measure.yearsteps import STEPS, YearStep, archigos_leaders, backend, materialise
from bilateral.progress import ProgressArg, track
from bilateral.registry import series as registry

SYSTEMS = {"cow": "ccode", "gw": "gwcode"}
FIRST_YEAR = 1816
#: Citation keys of the frames themselves (state lists, leaders).
FRAME_SOURCES = {"cow": ["cow2017states", "miller2022peacesciencer"],
                 "gw": ["gleditsch1999interstate", "miller2022peacesciencer"],
                 "leader": ["archigos", "miller2022peacesciencer"]}


def _years(years: Iterable[int] | None) -> tuple[int, int]:
    if years is None:
        return FIRST_YEAR, date.today().year - 1
    chosen = sorted({int(y) for y in years})
    if not chosen:
        raise BilateralError("years= is empty — give a range of years, e.g. range(1816, 2021)")
    if chosen != list(range(chosen[0], chosen[-1] + 1)):
        raise BilateralError(f"years= must be consecutive (got {chosen[0]}…{chosen[-1]} with gaps) — "
                             "filter the result for a sample of years")
    return chosen[0], chosen[-1]


@lru_cache(maxsize=8)
def _state_years(system: str, first: int, last: int, root: str) -> pd.DataFrame:
    """``code, year, iso3, since, until``: one row per state and year of membership in
    ``first…last``; ``since``/``until`` are the first and last day of membership in the year."""
    if system == "cow":
        states = read_peacesciencer("cow_states").dropna(subset=["ccode"])
        start = pd.to_datetime(dict(year=states["styear"], month=states["stmonth"], day=states["stday"]))
        end = pd.to_datetime(dict(year=states["endyear"], month=states["endmonth"], day=states["endday"]))
        codes = states["ccode"].astype(int)
        table = cow_codes()
    else:
        states = read_peacesciencer("gw_states").dropna(subset=["gwcode"])
        start, end = states["startdate"], states["enddate"]
        codes = states["gwcode"].astype(int)
        table = None
    carried = pd.Timestamp(year=max(last, int(end.max().year)), month=12, day=31)
    end = end.where(end < end.max(), carried)  # still members at the end of the list: peacesciencer's mry
    spells = pd.DataFrame({"code": codes.to_numpy(), "start": start.to_numpy(), "end": end.to_numpy()})
    spells["y0"] = spells["start"].dt.year.clip(lower=first)
    spells["y1"] = spells["end"].dt.year.clip(upper=last)
    spells = spells[spells["y0"] <= spells["y1"]]
    rows = spells.loc[spells.index.repeat(spells["y1"] - spells["y0"] + 1)].copy()
    rows["year"] = rows["y0"] + rows.groupby(level=0).cumcount()
    jan1 = pd.to_datetime(dict(year=rows["year"], month=1, day=1))
    dec31 = pd.to_datetime(dict(year=rows["year"], month=12, day=31))
    rows["since"] = rows["start"].where(rows["start"] > jan1, jan1).dt.dayofyear
    rows["until"] = rows["end"].where(rows["end"] < dec31, dec31).dt.dayofyear
    out = (rows.groupby(["code", "year"], as_index=False).agg(since=("since", "min"), until=("until", "max"))
           .astype("int64"))
    unique = out["code"].unique()
    iso3 = [table.get(int(c)) for c in unique] if table is not None else gw_to_iso3(unique)
    out["iso3"] = out["code"].map(dict(zip(unique, iso3, strict=True)))
    return out


def _crosswalk(system: str) -> ir.Table:
    """``code, year → other`` (COW → G–W when ``system`` is cow, else G–W → COW)."""
    name, src, dst = ("cow_gw_years", "ccode", "gwcode") if system == "cow" else ("gw_cow_years", "gwcode", "ccode")
    return _crosswalk_table(name, src, dst, str(data_dir()))


@lru_cache(maxsize=4)
def _crosswalk_table(name: str, src: str, dst: str, root: str) -> ir.Table:
    raw = read_peacesciencer(name).dropna(subset=[src, dst, "year"])
    frame = raw.groupby([src, "year"], as_index=False)[dst].min().astype("int64")
    return materialise(name, root, frame.rename(columns={src: "code", dst: "other"}))


@lru_cache(maxsize=8)
def _state_table(system: str, first: int, last: int, root: str) -> ir.Table:
    return materialise(f"states_{system}_{first}_{last}", root, _state_years(system, first, last, root))


@dataclass(frozen=True)
class _Join:
    """One left join of the plan: the right table (columns prefixed ``_j<i>_``), the equalities
    ``(left column name, right column)`` and the columns it makes available by name."""

    table: ir.Table
    on: tuple[tuple[str, str], ...]
    names: tuple[tuple[str, str], ...]


class Years:
    """An all-pairs panel (dyad-, state- or leader-years) as an Ibis expression; see the module doc.

    The steps are kept as one chain of left joins onto the frame (:attr:`expr` builds it), so that
    DuckDB plans one query however many steps there are.
    """

    def __init__(self, base: ir.Table, *, unit: str, system: str, directed: bool = True,
                 keys: tuple[str, ...], span: tuple[int, int]) -> None:
        self.base, self.unit, self.system, self.directed = base, unit, system, directed
        self.keys, self.span = keys, span
        self.steps: list[str] = []
        self.skipped: dict[str, str] = {}
        self.columns: dict[str, dict] = {}
        self._joins: list[_Join] = []
        self._names: dict[str, tuple[int, str]] = {c: (0, c) for c in base.columns}
        self._outputs: list[str] = []
        self._fills: dict[str, tuple[int, int]] = {}

    def __repr__(self) -> str:
        return (f"<Years {self.unit}-years ({self.system}, {self.span[0]}–{self.span[1]}), "
                f"steps: {', '.join(self.steps) or 'none'}>")

    # -- composition -------------------------------------------------------------------------

    def _copy(self) -> Years:
        out = copy.copy(self)
        out.steps, out.skipped, out.columns = list(self.steps), dict(self.skipped), copy.deepcopy(self.columns)
        out._joins, out._names = list(self._joins), dict(self._names)
        out._outputs, out._fills = list(self._outputs), dict(self._fills)
        return out

    def _plan(self, table: ir.Table, on: list[tuple[str, str]], names: dict[str, str]) -> None:
        """Add a join: ``on`` pairs (available name, right column); ``names`` new name → right column."""
        i = len(self._joins) + 1
        right = table.rename({f"_j{i}_{c}": c for c in table.columns})
        self._joins.append(_Join(right, tuple((left, f"_j{i}_{r}") for left, r in on),
                                 tuple((n, f"_j{i}_{r}") for n, r in names.items())))
        self._names.update({n: (i, f"_j{i}_{r}") for n, r in names.items()})

    def _codes(self, code: str) -> list[str]:
        """The names of the frame's state-code columns in ``code``'s system, joined through the
        year-by-year crosswalk when the frame is in the other system."""
        own = SYSTEMS[self.system]
        sides = ("1", "2") if self.unit == "dyad" else ("",)
        names = [f"{code}{s}" for s in sides]
        for side, name in zip(sides, names, strict=True):
            if code != own and name not in self._names:
                self._plan(_crosswalk(self.system), [(f"{own}{side}", "code"), ("year", "year")], {name: "other"})
        return names

    def _join(self, spec: YearStep) -> None:
        values = list(spec.columns)
        if spec.level == "leader" and self.unit == "leader":
            table = spec.table()
            on = [("obsid", "obsid")] + ([("year", "year")] if "year" in table.columns else [])
            self._plan(table, on, {c: c for c in values})
            self._outputs += values
            return
        if spec.level == "dyad" and self.unit != "dyad":
            raise NotApplicable(f"{spec.name} is dyadic: use dyadyears()")
        table = spec.state_table() if spec.level == "leader" else spec.table()
        code = "gwcode" if spec.level == "leader" else spec.code
        names = self._codes(code)
        fills = spec.fills()
        if spec.level == "dyad":
            self._plan(table, [(names[0], f"{spec.code}1"), (names[1], f"{spec.code}2"), ("year", "year")],
                       {c: c for c in values})
            self._outputs += values
            self._fills.update(fills)
            return
        for name, suffix in zip(names, ("_a", "_b") if self.unit == "dyad" else ("",), strict=False):
            on = [(name, code)] + ([] if spec.static else [("year", "year")])
            self._plan(table, on, {f"{c}{suffix}": c for c in values})
            self._outputs += [f"{c}{suffix}" for c in values]
            self._fills.update({f"{c}{suffix}": span for c, span in fills.items()})

    @property
    def expr(self) -> ir.Table:
        """The frame and every step as one Ibis expression (a chain of left joins and a select)."""
        base = self.base.view()  # a relation of its own, so the steps' joins do not merge into the frame's
        tables = [base] + [j.table for j in self._joins]

        def col(name: str) -> ir.Column:
            position, column = self._names[name]
            return tables[position][column]

        expr = base
        for i, join in enumerate(self._joins, start=1):
            expr = expr.left_join(tables[i], [col(left) == tables[i][right] for left, right in join.on])
        year = base["year"]
        chosen = {c: base[c] for c in base.columns}
        for name in self._outputs:
            value = col(name)
            if name in self._fills:
                lo, hi = self._fills[name]
                value = ibis.ifelse(year.between(lo, hi), value.fill_null(0), value)
            chosen[name] = value.cast(col(name).type())
        return expr.select(**chosen) if self._joins else self.base

    def add(self, *steps, progress: ProgressArg = None) -> Years:
        """Add steps by name, or every step with ``add(all)`` (skipping those whose data is missing
        or that do not fit this frame, with the reason in :attr:`skipped`); ``progress``: a bar
        advancing once a step (:mod:`bilateral.progress`)."""
        every = any(s is all or s == "all" for s in steps)
        names = list(STEPS) if every else list(steps)
        unknown = [n for n in names if n not in STEPS]
        if unknown:
            raise BilateralError(f"unknown step(s) {', '.join(map(str, unknown))} — use "
                                 f"{', '.join(STEPS)} or all")
        out = self._copy()
        for name in track(names, "panel steps", progress=progress, label=str):
            if name in out.steps:
                continue
            trial = out._copy()
            try:
                trial._join(STEPS[name])
            except (MissingDataError, NotApplicable) as err:
                if not every:
                    raise
                out.skipped[name] = str(err)
                continue
            out = trial
            out.steps.append(name)
            for column in out._outputs:
                if column not in out.columns:
                    out.columns[column] = _meta(column, out.unit)
        return out

    # -- the add_* verbs ---------------------------------------------------------------------
    def add_contiguity(self) -> Years:
        """COW direct contiguity: the closest type in the year (0 none, 1 land … 5 400 miles of water)."""
        return self.add("contiguity")

    def add_minimum_distance(self) -> Years:
        """Minimum distance between borders (km), COW codes; ``add("mindist_gw")`` for G–W codes."""
        return self.add("mindist")

    def add_capital_distance(self) -> Years:
        """Great-circle distance between capitals (km), COW list; ``add("capital_distance_gw")`` for G–W."""
        return self.add("capital_distance")

    def add_alliances(self) -> Years:
        """COW formal alliances (to 2012) and ATOP obligations (to 2018)."""
        return self.add("alliances")

    def add_mids(self) -> Years:
        """COW MID 5 collapsed to dyad-years: onsets, ongoing, hostility, highest action."""
        return self.add("mids")

    def add_gml_mids(self) -> Years:
        """GML MIDs collapsed to dyad-years: onsets, ongoing, hostility, highest action."""
        return self.add("gml_mids")

    def add_wars(self) -> Years:
        """COW inter-state wars by dyad-year: onsets, ongoing, the first state's battle deaths."""
        return self.add("wars")

    def add_trade(self) -> Years:
        """COW dyadic trade seen from the first state (million current US$)."""
        return self.add("trade")

    def add_igos(self) -> Years:
        """Joint full IGO memberships (COW IGO 3)."""
        return self.add("igo")

    def add_rivalries(self) -> Years:
        """Strategic rivalries (Thompson & Dreyer; Thompson, Sakuwa & Suhas)."""
        return self.add("rivalry")

    def add_arms_races(self) -> Years:
        """Arms races (Gibler, Rider & Hutchison), 1816–1993."""
        return self.add("arms_races")

    def add_democracy(self) -> Years:
        """V-Dem polyarchy, Polity polity2 and the Unified Democracy Scores."""
        return self.add("democracy")

    def add_nmc(self) -> Years:
        """COW national material capabilities and CINC."""
        return self.add("nmc")

    def add_sdp_gdp(self) -> Years:
        """Simulated GDP, population, GDP per capita and surplus product (natural logs)."""
        return self.add("sdp_gdp")

    def add_state_trade(self) -> Years:
        """COW national imports and exports."""
        return self.add("trade_state")

    def add_state_igos(self) -> Years:
        """COW IGO memberships of each state (full, associate, observer)."""
        return self.add("igo_state")

    def add_creg(self) -> Years:
        """Ethnic and religious fractionalisation and polarisation (CREG)."""
        return self.add("creg")

    def add_hief(self) -> Years:
        """Historical Index of Ethnic Fractionalization."""
        return self.add("hief")

    def add_rugged(self) -> Years:
        """Terrain ruggedness and mountainous terrain (time-invariant)."""
        return self.add("rugged")

    def add_terrthreat(self) -> Years:
        """Latent territorial threat, 1816–2010."""
        return self.add("terrthreat")

    def add_major_powers(self) -> Years:
        """COW major powers and Maoz's regional and global powers."""
        return self.add("majors", "maoz_powers")

    def add_intra_wars(self) -> Years:
        """COW intra-state wars the state takes part in."""
        return self.add("intra_wars")

    def add_ucdp(self) -> Years:
        """UCDP armed conflicts (ongoing, intensity) and conflict onsets."""
        return self.add("ucdp_acd", "ucdp_onsets")

    def add_leader_transitions(self) -> Years:
        """Archigos leader transitions and irregular exits by state-year."""
        return self.add("leader_transitions")

    def add_lead(self) -> Years:
        """LEAD leader background (leader-years only)."""
        return self.add("lead")

    def add_lwuf(self) -> Years:
        """Leader willingness to use force (leader-years only)."""
        return self.add("lwuf")

    def add_cow_mids(self) -> Years:
        """COW MID 5 as peacesciencer's ``add_cow_mids()``: one dispute per dyad-year (whittled)."""
        return self.add("cow_mids_whittled")

    def add_gml_mids_whittled(self) -> Years:
        """GML MIDs as peacesciencer's ``add_gml_mids()``: one dispute per dyad-year (whittled)."""
        return self.add("gml_mids_whittled")

    def add_gml_leader_mids(self) -> Years:
        """GML MIDs by leader-year: disputes begun, ongoing, initiated (leader in office at onset)."""
        return self.add("gml_leader_mids")

    # -- results -----------------------------------------------------------------------------

    @property
    def sources(self) -> list[str]:
        """Sorted citation keys of the frame and every step added."""
        frame = FRAME_SOURCES["leader" if self.unit == "leader" else self.system]
        return sorted({*frame, *(k for meta in self.columns.values() for k in meta["citation"])})

    def cite(self) -> str:
        """BibTeX of the frame's and every step's datasets."""
        return catalog.bibtex(self.sources)

    def filter_pairs(self, pairs: Iterable[tuple[str, str]]) -> Years:
        """Only the given dyads (ISO3 pairs, in the order given) — before anything is computed."""
        chosen = list(pairs)
        if self.unit != "dyad":
            raise BilateralError("filter_pairs needs dyad-years — use dyadyears()")
        if self._joins:
            raise BilateralError("filter_pairs comes before the add_* steps (it filters the frame they join)")
        cond = ibis.or_(*[(self.base["iso3_1"] == a) & (self.base["iso3_2"] == b) for a, b in chosen])
        out = self._copy()
        out.base = self.base.filter(cond)
        return out

    def to_pandas(self) -> pd.DataFrame:
        """Run the panel (DuckDB): one row per unit-year, sorted by its keys, with ``attrs``.

        The frame is stored once; numpy sorts its keys, which gives each stored row its place.
        Then each step's table is inner-joined to the frame in a query of its own, which returns
        only the rows the step has, and its values are written straight into their places in
        preallocated columns (rows a step lacks stay missing, or 0 inside its coverage). No wide
        intermediate table is built and no value column is sorted; the values are :attr:`expr`'s.
        Keys are 16-bit integers, text columns categoricals, and each series keeps the type of
        its step table (32-bit floats where exact, see :func:`~bilateral.measure.yearsteps.materialise`).
        """
        con, name = backend().con, f"_frame_{next(_FRAMES)}"
        con.execute(f'CREATE TEMP TABLE "{name}" AS SELECT (row_number() OVER () - 1)::INTEGER AS _rn, * '
                    f'FROM ({ibis.to_sql(self.base, dialect="duckdb")})')
        try:
            frame = self._run(backend().table(name))
        finally:
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
        frame.attrs.update({"unit": self.unit, "system": self.system, "directed": self.directed,
                            "steps": list(self.steps), "skipped": dict(self.skipped),
                            "columns": copy.deepcopy(self.columns), "sources": self.sources})
        return frame

    def _run(self, stored: ir.Table) -> pd.DataFrame:
        keys = stored.select("_rn", *self.keys).to_pyarrow()
        rows = keys.num_rows
        order = keys.drop_columns("_rn").to_pandas().sort_values(list(self.keys), kind="stable").index.to_numpy()
        place = np.empty(rows, dtype=np.int64)  # stored row id → its row in the result
        place[keys["_rn"].to_numpy()[order]] = np.arange(rows)
        del keys, order
        columns: dict[str, np.ndarray | pd.Categorical] = {}
        _scatter(stored.select("_rn", *self.base.columns), place, columns)
        year = columns["year"]
        tables = [stored] + [j.table for j in self._joins]

        def col(name: str) -> ir.Column:
            position, column = self._names[name]
            return tables[position][column]

        for i in range(1, len(self._joins) + 1):
            outputs = [n for n in self._outputs if self._names[n][0] == i]
            if not outputs:  # a crosswalk: joined in the queries of the steps that need it
                continue
            expr = stored
            for k in [*self._needs(i), i]:
                expr = expr.join(tables[k], [col(left) == tables[k][right] for left, right in self._joins[k - 1].on])
            values = {}
            for output in outputs:
                value = col(output)
                if output in self._fills:
                    lo, hi = self._fills[output]
                    value = ibis.ifelse(stored["year"].between(lo, hi), value.fill_null(0), value).cast(value.type())
                values[output] = value
            query = expr.select(_rn=stored["_rn"], **values)
            schema = query.schema().to_pyarrow()
            for output in outputs:
                columns[output] = np.full(rows, np.nan, dtype=schema.field(output).type.to_pandas_dtype())
                if output in self._fills:
                    lo, hi = self._fills[output]
                    columns[output][(year >= lo) & (year <= hi)] = 0
            _scatter(query, place, columns, strict=True)
        order = [*self.base.columns, *self._outputs]
        return pd.DataFrame({c: columns[c] for c in order}, copy=False)

    def _needs(self, i: int) -> list[int]:
        """The joins (crosswalks) that join ``i`` takes its keys from, in plan order."""
        found, todo = set(), [i]
        while todo:
            for left, _ in self._joins[todo.pop() - 1].on:
                position = self._names[left][0]
                if position and position not in found:
                    found.add(position)
                    todo.append(position)
        return sorted(found)


_FRAMES = itertools.count()


def _scatter(query: ir.Table, place: np.ndarray, columns: dict, *, strict: bool = False,
             chunk: int = 1 << 17) -> None:
    """Run ``query`` (its first column ``_rn``, a stored row id) and write each of its other columns
    into ``columns[name]`` at that row's ``place``, batch by batch: numbers into numpy arrays
    (made here if absent), text into categoricals of the query's distinct values. ``strict``: a
    row twice is an error (a step table with two rows for one key)."""
    rows, names = len(place), query.columns[1:]
    texts = {n: pa.array(sorted(v for v in query.select(v=query[n]).distinct().to_pyarrow()["v"].to_pylist()
                                if v is not None)) for n in names if query[n].type().is_string()}
    codes = {n: np.full(rows, -1, dtype=np.int16 if len(v) < (1 << 15) else np.int32) for n, v in texts.items()}
    seen = np.zeros(rows, dtype=bool) if strict else None
    for batch in backend().con.sql(ibis.to_sql(query, dialect="duckdb")).to_arrow_reader(chunk):
        at = place[batch.column(0).to_numpy()]
        if seen is not None:
            if seen[at].any():
                raise BilateralError(f"a step's table has two rows for one key ({', '.join(names)}) — "
                                     "report this with the steps used")
            seen[at] = True
        for name, values in zip(names, batch.columns[1:], strict=True):
            if name in texts:
                codes[name][at] = pc.fill_null(pc.index_in(values, value_set=texts[name]), -1).to_numpy()
                continue
            data = values.to_numpy(zero_copy_only=False)
            if name not in columns:
                columns[name] = np.empty(rows, dtype=data.dtype)
            columns[name][at] = data
    for name, values in texts.items():
        columns[name] = pd.Categorical.from_codes(codes[name], categories=values.to_pylist())


def _meta(column: str, unit: str) -> dict:
    """Unit, description, dataset and citation of a column; a state-year or leader-year column
    (``democracy.polity2``) is described by its registry row for the first state (``…_a``)."""
    if unit == "dyad":
        info = registry.spec(column)
        description = info.description
    else:
        info = registry.spec(f"{column}_a")
        description = "The state's " + info.description.removeprefix("A's ")
        if unit == "leader":
            description = description.replace("The state's leader's ", "The leader's ").removesuffix(
                ", for the leader in office on 31 December")
    return {"unit": info.unit, "description": description, "dataset": info.dataset,
            "citation": list(info.citation)}


class NotApplicable(BilateralError):
    """A step does not fit this kind of frame (a dyadic step on state-years, …)."""


def stateyears(system: str = "cow", years: Iterable[int] | None = None) -> Years:
    """State-years of the COW (``"cow"``) or Gleditsch–Ward (``"gw"``) system.

    Parameters
    ----------
    system
        ``cow`` or ``gw``.
    years
        The years of the frame (default 1816 to the last full year).

    Returns
    -------
    Years
        ``ccode`` (or ``gwcode``), ``year``, ``iso3``; its ``add_*`` steps join the datasets,
        nothing is computed until ``to_pandas()``.

    Examples
    --------
    >>> bilateral.stateyears("gw", years=range(1990, 2011)).add_democracy().to_pandas()
    """
    code = _system(system)
    first, last = _years(years)
    states = _state_table(system, first, last, str(data_dir()))
    base = states.select(**{code: states["code"], "year": states["year"], "iso3": states["iso3"]})
    return Years(base, unit="state", system=system, keys=(code, "year"), span=(first, last))


def dyadyears(system: str = "cow", directed: bool = True, years: Iterable[int] | None = None) -> Years:
    """Dyad-years of every pair of states of the system in each year (see the module doc).

    Parameters
    ----------
    system
        ``cow`` or ``gw``.
    directed
        Both orders of each pair (``True``) or one row per pair, lower code first.
    years
        The years of the frame (default 1816 to the last full year).

    Returns
    -------
    Years
        ``ccode1, ccode2, year, iso3_1, iso3_2`` (``gwcode…`` for ``system="gw"``); its ``add_*``
        steps join the datasets, nothing is computed until ``to_pandas()``.

    Examples
    --------
    >>> d = bilateral.dyadyears(system="cow", directed=True, years=range(1816, 2021))
    >>> d = d.add_contiguity().add_democracy().add_mids()   # each step returns a new Years
    >>> frame = d.to_pandas()
    >>> print(d.cite())                      # BibTeX of every dataset joined
    """
    code = _system(system)
    first, last = _years(years)
    states = _state_table(system, first, last, str(data_dir()))
    one = states.rename({f"{code}1": "code", "iso3_1": "iso3", "_s1": "since", "_u1": "until"})
    two = states.rename({f"{code}2": "code", "iso3_2": "iso3", "_y": "year", "_s2": "since", "_u2": "until"})
    cond = (one[f"{code}1"] != two[f"{code}2"]) if directed else (one[f"{code}1"] < two[f"{code}2"])
    overlap = (one["_s1"] <= two["_u2"]) & (two["_s2"] <= one["_u1"])
    expr = one.join(two, [one["year"] == two["_y"], cond, overlap])
    expr = expr.select(f"{code}1", f"{code}2", "year", "iso3_1", "iso3_2")
    return Years(expr, unit="dyad", system=system, directed=directed, keys=(f"{code}1", f"{code}2", "year"),
                 span=(first, last))


def leaderyears(years: Iterable[int] | None = None) -> Years:
    """Leader-years from Archigos 4.1 (to 2015), in the Gleditsch–Ward system, Archigos' own.

    Parameters
    ----------
    years
        The years of the frame (default 1816 to the last full year).

    Returns
    -------
    Years
        ``obsid, leadid, leaderid, gwcode, iso3, leader, gender, year, age, years_in_office``
        (``age`` = year − year of birth; ``years_in_office`` = year − start year + 1).

    Examples
    --------
    >>> bilateral.leaderyears(years=range(1946, 2016)).add_lead().to_pandas()
    """
    first, last = _years(years)
    spells = archigos_leaders()
    spells = spells.assign(styear=spells["start"].dt.year,
                           endyear=spells["end"].dt.year.fillna(spells["start"].dt.year.max()).astype(int))
    rows = spells.loc[spells.index.repeat(spells["endyear"] - spells["styear"] + 1)].copy()
    rows["year"] = rows["styear"] + rows.groupby(level=0).cumcount()
    rows = rows[rows["year"].between(first, last)]
    yrborn = pd.to_numeric(rows["yrborn"], errors="coerce")
    frame = pd.DataFrame({"obsid": rows["obsid"], "leadid": rows["leadid"], "leaderid": rows["leaderid"],
                          "gwcode": rows["gwcode"].astype("int64"), "iso3": rows["iso3"], "leader": rows["leader"],
                          "gender": rows["gender"], "year": rows["year"].astype("int64"), "age": rows["year"] - yrborn,
                          "years_in_office": rows["year"] - rows["styear"] + 1}).reset_index(drop=True)
    base = materialise(f"leaders_{first}_{last}", str(data_dir()), frame)
    return Years(base, unit="leader", system="gw", keys=("obsid", "year"), span=(first, last))


def _system(system: str) -> str:
    if system not in SYSTEMS:
        raise BilateralError(f"system={system!r} — use 'cow' (Correlates of War) or 'gw' (Gleditsch–Ward)")
    return SYSTEMS[system]
