"""The dyad panel: every long-run series of a pair of states on one PeriodIndex, with citations.

Build it step by step, as peacesciencer's ``add_*`` functions do for R users::

    p = bilateral.panel("RUS", "JPN", freq="Y", start=1946, end=2023).add_unga().add_trade()
    p = bilateral.panel("RUS", "JPN").add(all)       # every step whose data is available
    p.attrs["columns"]["unga.agreement"]             # unit, description, dataset, citation, coverage
    print(p.cite())                                  # BibTeX of every dataset used

A :class:`Panel` is a pandas DataFrame. Each step adds columns named ``family.metric`` (the
case's series vocabulary) and records, in ``attrs``, each column's unit, description, dataset,
citation keys and coverage; ``attrs["sources"]`` lists every citation key. ``add(all)`` skips a
step whose data is missing or that does not apply to the pair (reason in ``attrs["skipped"]``);
an explicit ``add_…`` raises instead.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from bilateral.case import Case, builtin_cases, load_case
from bilateral.codes import to_iso3
from bilateral.data import catalog
from bilateral.data.paths import MissingDataError
from bilateral.errors import BilateralError
from bilateral.measure import dyadic
from bilateral.measure.columns import spec
from bilateral.measure.leaders import leader_by_period, tenures

FREQS = ("Y", "M")
DEFAULT_THIRD = ("CHN", "USA")
STEPS = ("leaders", "unga", "trade", "trade_monthly", "mids", "alliances", "rivalry", "igo",
         "capabilities", "opinion", "gdelt_graph", "triads")


@cache
def _load(path: str) -> Case:
    return load_case(path)


def _find_case(a: str, b: str) -> str | None:
    for folder in builtin_cases().values():
        case = _load(str(folder))
        if set(case.dyad) == {a, b}:
            return str(folder)
    return None


def _period(value: int | str | date, freq: str, what: str) -> pd.Period:
    try:
        if isinstance(value, int):
            return pd.Period(year=value, freq=freq) if freq == "Y" else pd.Period(f"{value}-01", "M")
        return pd.Period(value, freq=freq)
    except (ValueError, TypeError):
        raise BilateralError(f"{what}={value!r} is not a year, YYYY-MM or date") from None


def panel(a: str, b: str, freq: str = "Y", start: int | str | date = 1946,
          end: int | str | date | None = None, *, case: str | Path | Case | None = "auto",
          third: tuple[str, ...] | None = None) -> Panel:
    """An empty panel of the pair (a, b) — ISO3 codes, or anything :func:`bilateral.to_iso3`
    reads — on a PeriodIndex from ``start`` to ``end`` (years, or ``YYYY-MM``); ``freq`` ``"Y"``
    or ``"M"``. ``case="auto"`` uses the built-in case of this
    dyad (for leader and period columns); ``third`` names the third states of the triad step."""
    if freq not in FREQS:
        raise BilateralError(f"freq={freq!r}: use 'Y' (yearly) or 'M' (monthly)")
    a, b = to_iso3(a), to_iso3(b)
    if a == b:
        raise BilateralError(f"a dyad needs two different states, got {a} twice")
    first = _period(start, freq, "start")
    if end is None:
        last = pd.Period(year=date.today().year - 1, month=12, freq="M").asfreq(freq)
    elif isinstance(end, int) and freq == "M":
        last = pd.Period(f"{end}-12", "M")
    else:
        last = _period(end, freq, "end")
    if last < first:
        raise BilateralError(f"end {last} is before start {first}")
    if case == "auto":
        case_path = _find_case(a, b)
    elif case is None:
        case_path = None
    else:
        chosen = case if isinstance(case, Case) else load_case(case)
        if set(chosen.dyad) != {a, b}:
            raise BilateralError(f"case {chosen.name!r} is about {'–'.join(chosen.dyad)}, not {a}–{b} — "
                                 "give a case of this dyad, or none")
        case_path = str(chosen.path)
    frame = Panel(index=pd.period_range(first, last, freq=freq, name="period"))
    frame.attrs.update({"dyad": (a, b), "freq": freq, "case": case_path, "steps": [], "columns": {},
                        "sources": [], "skipped": {},
                        "third": tuple(to_iso3(t) for t in third) if third else
                        tuple(t for t in DEFAULT_THIRD if t not in (a, b))})
    return frame


class Panel(pd.DataFrame):
    """A dyad panel (a DataFrame on a PeriodIndex) with ``add_…`` steps; see the module doc."""

    @property
    def _constructor(self):
        return Panel

    @property
    def dyad(self) -> tuple[str, str]:
        return tuple(self.attrs["dyad"])

    @property
    def case(self) -> Case | None:
        path = self.attrs.get("case")
        return _load(path) if path else None

    # -- composition -------------------------------------------------------------------------

    def _with(self, step: str, new: pd.DataFrame, pair: tuple[str, str] | None = None) -> Panel:
        """A copy of the panel with ``new``'s columns added (suffixed ``@A-B`` for ``pair``)."""
        attrs = copy.deepcopy(self.attrs)
        if pair is not None:
            new = new.rename(columns=lambda c: f"{c}@{pair[0]}-{pair[1]}")
        out = Panel(pd.concat([pd.DataFrame(self), new.set_axis(self.index)], axis=1))
        out = out.loc[:, ~out.columns.duplicated(keep="last")]
        for column in new.columns:
            info = spec(column)
            values = out[column].dropna()
            coverage = f"{values.index[0]}–{values.index[-1]}" if len(values) else "no data in range"
            description = info.description if pair is None else f"{pair[0]}–{pair[1]}: {info.description}"
            attrs["columns"][column] = {"unit": info.unit, "description": description,
                                        "dataset": info.dataset, "citation": list(info.citation),
                                        "coverage": coverage}
        if step not in attrs["steps"]:
            attrs["steps"].append(step)
        attrs["skipped"].pop(step, None)
        attrs["skipped"].update(new.attrs.get("skipped", {}))
        keys = {k for meta in attrs["columns"].values() for k in meta["citation"]}
        attrs["sources"] = sorted(keys)
        out.attrs = attrs
        return out

    def _series(self, step: str, builder: Callable, **kwargs) -> Panel:
        a, b = self.dyad
        return self._with(step, builder(a, b, self.index, **kwargs))

    def add_unga(self, by_issue: bool = True) -> Panel:
        """UN vote agreement, S score, joint votes, agreement by issue and ideal-point distance."""
        return self._series("unga", dyadic.unga, by_issue=by_issue)

    def add_trade(self) -> Panel:
        """COW dyadic trade: total, A's exports and imports (million current US$; yearly panels)."""
        return self._series("trade", dyadic.trade)

    def add_trade_monthly(self) -> Panel:
        """Japan's customs trade with the partner (million yen), when the pair includes Japan."""
        return self._series("trade_monthly", dyadic.trade_monthly)

    def add_mids(self) -> Panel:
        """MID onsets, ongoing disputes, hostility and highest action (COW MID 5)."""
        return self._series("mids", dyadic.mids)

    def add_alliances(self) -> Panel:
        """COW alliance types (to 2012) and ATOP obligations (to 2018)."""
        return self._series("alliances", dyadic.alliances)

    def add_rivalry(self) -> Panel:
        """Strategic rivalry indicators (Thompson & Dreyer; Thompson, Sakuwa & Suhas)."""
        return self._series("rivalry", dyadic.rivalry)

    def add_igo(self) -> Panel:
        """Joint IGO memberships (COW IGO v3)."""
        return self._series("igo", dyadic.igo)

    def add_capabilities(self) -> Panel:
        """CINC scores of both states, their ratio and A's share."""
        return self._series("capabilities", dyadic.capabilities)

    def add_opinion(self) -> Panel:
        """Japanese opinion of Russia, the US, China and the Koreas; cabinet approval (Jiji Press)."""
        return self._series("opinion", dyadic.opinion)

    def add_gdelt_graph(self) -> Panel:
        """Summed daily GDELT country-network scores of the pair (2018–2024)."""
        return self._series("gdelt_graph", dyadic.gdelt_graph)

    def add_leaders(self) -> Panel:
        """``leader.<A>``, ``leader.<B>`` and, with a case, ``case.period`` and ``case.tone``."""
        case = self.case
        new = pd.DataFrame(index=self.index)
        for state in self.dyad:
            new[f"leader.{state}"] = leader_by_period(tenures(state, case), self.index)
        if case is not None:
            periods = pd.DataFrame([{"name": p.id, "start": pd.Timestamp(p.start), "end": pd.Timestamp(p.end)}
                                    for p in case.periods])
            new["case.period"] = leader_by_period(periods, self.index)
            tone = {p.id: p.tone for p in case.periods}
            new["case.tone"] = new["case.period"].map(tone)
        return self._with("leaders", new)

    def add_triads(self, third: tuple[str, ...] | None = None) -> Panel:
        """For each third state T and each side S of the dyad: ``unga.agreement@S-T``,
        ``alliance.defense@S-T``, ``atop.defense@S-T``, ``mid.ongoing@S-T`` and, in yearly
        panels, ``trade.total@S-T``."""
        thirds = tuple(to_iso3(t) for t in third) if third else tuple(self.attrs["third"])
        out = self
        yearly = self.attrs["freq"] == "Y"
        for t in thirds:
            for side in self.dyad:
                if t == side:
                    continue
                parts = [dyadic.unga(side, t, self.index, by_issue=False)[["unga.agreement"]],
                         dyadic.alliances(side, t, self.index)[["alliance.defense", "atop.defense"]],
                         dyadic.mids(side, t, self.index)[["mid.ongoing"]]]
                if yearly:
                    parts.append(dyadic.trade(side, t, self.index)[["trade.total"]])
                out = out._with("triads", pd.concat(parts, axis=1), pair=(side, t))
        return out

    def add(self, *steps, **kwargs) -> Panel:
        """Add steps by name (``"unga"``, ``"trade"``, …) or all of them with ``add(all)``.

        Steps whose data is missing or that do not apply are skipped, with the reason in
        ``attrs["skipped"]``. Called with anything else, this is pandas' ``DataFrame.add``.
        """
        if not steps or not all(s is all or isinstance(s, str) for s in steps):
            return super().add(*steps, **kwargs)
        names = list(STEPS) if any(s is all or s == "all" for s in steps) else list(steps)
        unknown = [n for n in names if n not in STEPS]
        if unknown:
            raise BilateralError(f"unknown panel step(s) {', '.join(unknown)} — use "
                                 f"{', '.join(STEPS)} or all")
        out = self
        for name in names:
            try:
                out = getattr(out, f"add_{name}")()
            except (MissingDataError, dyadic.NotApplicable) as err:
                out = out.copy()
                out.attrs["skipped"][name] = str(err)
        return out

    # -- describing --------------------------------------------------------------------------

    def cite(self) -> str:
        """BibTeX of every work the panel's columns cite."""
        return catalog.bibtex(self.attrs["sources"])

    def describe_columns(self) -> pd.DataFrame:
        """One row per column: unit, description, dataset, citation keys, coverage."""
        rows = [{"column": c, **{k: ", ".join(v) if isinstance(v, list) else v for k, v in meta.items()}}
                for c, meta in self.attrs["columns"].items()]
        return pd.DataFrame(rows, columns=["column", "unit", "description", "dataset", "citation",
                                           "coverage"])


def step_citations(steps: list[str]) -> list[str]:
    """Citation keys of the given steps (``["all"]`` for every step), without reading data."""
    from bilateral.measure.columns import SPECS

    families = {"leaders": ("leader",), "unga": ("unga.",), "trade": ("trade.",),
                "trade_monthly": ("trade_monthly.",), "mids": ("mid.",), "alliances": ("alliance.", "atop."),
                "rivalry": ("rivalry.",), "igo": ("igo.",), "capabilities": ("capabilities.",),
                "opinion": ("opinion.",), "gdelt_graph": ("gdelt_graph.",),
                "triads": ("unga.agreement", "alliance.defense", "atop.defense", "mid.ongoing",
                           "trade.total")}
    names = list(STEPS) if "all" in steps else steps
    unknown = [n for n in names if n not in families]
    if unknown:
        raise BilateralError(f"unknown panel step(s) {', '.join(unknown)} — use "
                             f"{', '.join(STEPS)} or all")
    keys = {k for n in names for column, info in SPECS.items()
            if column.startswith(families[n]) for k in info.citation}
    return sorted(keys)
