"""The dyad panel: every long-run series of a pair of states on one PeriodIndex, with citations.

Build it step by step, as peacesciencer's ``add_*`` functions do for R users::

    p = bilateral.panel("RUS", "JPN", freq="Y", start=1946, end=2023).add_unga().add_trade()
    p = bilateral.panel("Russia", "Japan", freq="month").add(all)   # every step whose data is there
    p.attrs["columns"]["unga.agreement"]             # unit, description, dataset, citation, coverage
    print(p.cite())                                  # BibTeX of every dataset used

A :class:`Panel` is a pandas DataFrame, yearly, quarterly or monthly. Its steps, and the columns
each adds (named ``family.metric``), are those of the series registry
(:mod:`bilateral.registry.series`); each step's builder is the function of that name in
:mod:`bilateral.measure.builders`. ``attrs`` records each column's unit, description, dataset,
citation keys and coverage; ``attrs["sources"]`` lists every citation key. ``add(all)`` skips a
step whose data is missing or that does not apply to the pair (reason in ``attrs["skipped"]``);
an explicit ``add_…`` raises instead.
"""

from __future__ import annotations

import copy
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from bilateral.case import Case, builtin_cases, load_case
from bilateral.codes import to_iso3
from bilateral.data import catalog
from bilateral.data.paths import MissingDataError
from bilateral.errors import BilateralError
from bilateral.measure import builders
from bilateral.measure.leaders import leader_by_period, tenures
from bilateral.registry import series as registry
from bilateral.registry.frequencies import freq_code

FREQS = ("Y", "Q", "M")
DEFAULT_THIRD = ("CHN", "USA", "KOR")
#: The panel's steps, in the order ``add(all)`` runs them (the registry's, without the event
#: index and the case's own series).
STEPS = tuple(s for s in registry.steps() if s not in (registry.EVENTS, registry.CASE))
#: Builder options of the triads step (the dyad's issue agreements are not needed for third states).
TRIAD_OPTIONS = {"unga": {"by_issue": False}}


@cache
def _load(path: str) -> Case:
    return load_case(path)


def _find_case(a: str, b: str) -> str | None:
    for folder in builtin_cases().values():
        case = _load(str(folder))
        if set(case.dyad) == {a, b}:
            return str(folder)
    return None


def _period(value: int | str | date, freq: str, what: str, how: str) -> pd.Period:
    """A year (its first or last period, by ``how``), ``YYYY-MM`` or date as a period of ``freq``."""
    try:
        if isinstance(value, int):
            return pd.Period(year=value, freq="Y").asfreq(freq, how=how)
        return pd.Period(value, freq=freq)
    except (ValueError, TypeError):
        raise BilateralError(f"{what}={value!r} is not a year, YYYY-MM or date") from None


def panel(a: str, b: str, freq: str = "Y", start: int | str | date = 1946,
          end: int | str | date | None = None, *, case: str | Path | Case | None = "auto",
          third: tuple[str, ...] | None = None) -> Panel:
    """An empty panel of the pair (a, b) on a PeriodIndex, to fill with its ``add_*`` steps.

    Parameters
    ----------
    a, b
        ISO3 codes or names, anything `bilateral.to_iso3` reads.
    freq
        ``Y``, ``Q`` or ``M`` (or ``year``, ``quarter``, ``month``).
    start, end
        The first and last period: years, ``YYYY-MM`` or dates (``end`` default: this year).
    case
        ``"auto"`` uses the built-in case of this dyad (for leader and period columns); or a
        case, its name or folder; ``None`` for none.
    third
        The third states of the triad step (default China and the US).

    Returns
    -------
    Panel
        A DataFrame subclass whose ``add_*`` methods each add one dataset's columns and return
        the panel; ``describe_columns()`` and ``cite()`` say what each column is and where it
        came from.

    Examples
    --------
    >>> p = bilateral.panel("RUS", "JPN", freq="year", start=1946).add_unga().add_trade()
    >>> p[["unga.agreement", "trade.total"]].tail()
    >>> p.describe_columns()              # unit, dataset, citation, coverage of each column
    """
    freq = freq_code(freq, allowed=FREQS)
    a, b = to_iso3(a), to_iso3(b)
    if a == b:
        raise BilateralError(f"a dyad needs two different states, got {a} twice")
    first = _period(start, freq, "start", "start")
    if end is None:
        last = pd.Period(year=date.today().year - 1, month=12, freq="M").asfreq(freq)
    else:
        last = _period(end, freq, "end", "end")
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
            info = registry.spec(column)
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

    def _series(self, step: str, **kwargs) -> Panel:
        """Add the columns of the step's builder (the function of that name in ``builders``; for
        the all-pairs steps, the step for this pair)."""
        a, b = self.dyad
        return self._with(step, getattr(builders, step)(a, b, self.index, **kwargs))

    def add_unga(self, by_issue: bool = True) -> Panel:
        """UN vote agreement, S score, joint votes, agreement by issue and ideal-point distance."""
        return self._series("unga", by_issue=by_issue)

    def add_trade(self) -> Panel:
        """COW dyadic trade: total, A's exports and imports (million current US$; yearly panels)."""
        return self._series("trade")

    def add_trade_monthly(self) -> Panel:
        """Japan's customs trade with the partner (million yen), when the pair includes Japan."""
        return self._series("trade_monthly")

    def add_mids(self) -> Panel:
        """MID onsets, ongoing disputes, hostility and highest action (COW MID 5)."""
        return self._series("mids")

    def add_alliances(self) -> Panel:
        """COW alliance types (to 2012) and ATOP obligations (to 2018)."""
        return self._series("alliances")

    def add_rivalry(self) -> Panel:
        """Strategic rivalry indicators (Thompson & Dreyer; Thompson, Sakuwa & Suhas)."""
        return self._series("rivalry")

    def add_igo(self) -> Panel:
        """Joint IGO memberships (COW IGO v3)."""
        return self._series("igo")

    def add_capabilities(self) -> Panel:
        """CINC scores of both states, their ratio and A's share."""
        return self._series("capabilities")

    def add_opinion(self) -> Panel:
        """Japanese opinion of Russia, the US, China and the Koreas; cabinet approval (Jiji Press)."""
        return self._series("opinion")

    def add_gdelt_graph(self) -> Panel:
        """Summed daily GDELT country-network scores of the pair (2018–2024)."""
        return self._series("gdelt_graph")

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
        """For each third state T and each side S of the dyad, the series the registry marks
        ``triad`` (``unga.agreement@S-T``, ``alliance.defense@S-T``, ``atop.defense@S-T``,
        ``mid.ongoing@S-T`` and, in yearly panels, ``trade.total@S-T``)."""
        thirds = tuple(to_iso3(t) for t in third) if third else tuple(self.attrs["third"])
        by_step: dict[str, list[str]] = {}
        for name in registry.steps()[registry.TRIADS]:
            row = registry.SERIES[name]
            if row.aggregation != "Y only" or self.attrs["freq"] == "Y":
                by_step.setdefault(row.step, []).append(name)
        out = self
        for t in thirds:
            for side in self.dyad:
                if t == side:
                    continue
                parts = [getattr(builders, step)(side, t, self.index, **TRIAD_OPTIONS.get(step, {}))[columns]
                         for step, columns in by_step.items()]
                out = out._with("triads", pd.concat(parts, axis=1), pair=(side, t))
        return out

    def add(self, *steps, **kwargs) -> Panel:
        """Add steps by name (``"unga"``, ``"trade"``, …) or all of them with ``add(all)``.

        A step runs its ``add_<step>`` method, or else the builder of that name in
        :mod:`bilateral.measure.builders`. Steps whose data is missing or that do not apply are
        skipped, with the reason in ``attrs["skipped"]``. Called with anything else, this is
        pandas' ``DataFrame.add``.
        """
        if not steps or not all(s is all or isinstance(s, str) for s in steps):
            return super().add(*steps, **kwargs)
        names = list(STEPS) if any(s is all or s == "all" for s in steps) else list(steps)
        _check_steps(names)
        out = self
        for name in names:
            method = getattr(out, f"add_{name}", None)
            try:
                out = method() if method else out._series(name)
            except (MissingDataError, builders.NotApplicable) as err:
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
        table = pd.DataFrame(rows, columns=["column", "unit", "description", "dataset", "citation",
                                            "coverage"])
        table.attrs["sources"] = list(self.attrs["sources"])
        return table


def _check_steps(names: list[str]) -> None:
    unknown = [n for n in names if n not in STEPS]
    if unknown:
        raise BilateralError(f"unknown panel step(s) {', '.join(unknown)} — use {', '.join(STEPS)} or all")


def step_citations(steps: list[str]) -> list[str]:
    """Citation keys of the given panel steps (``["all"]`` for every step), without reading data."""
    names = list(STEPS) if "all" in steps else list(steps)
    _check_steps(names)
    return registry.citations(names)


def parse_dyads(text: str | list[str] | tuple) -> list[tuple[str, str]]:
    """``"RUS-JPN,RUS-CHN"`` (or a list of ``"A-B"`` strings or pairs) as ISO3 pairs."""
    parts = [p.strip() for p in text.split(",")] if isinstance(text, str) else list(text)
    out = []
    for part in parts:
        pair = part.split("-") if isinstance(part, str) else list(part)
        if len(pair) != 2 or not all(pair):
            raise BilateralError(f"dyad {part!r} is not of the form A-B (e.g. RUS-JPN) — separate dyads with commas")
        out.append((to_iso3(pair[0].strip()), to_iso3(pair[1].strip())))
    if not out:
        raise BilateralError("no dyads given — e.g. RUS-JPN,RUS-CHN,JPN-CHN")
    return out


def panels(dyads: str | list, freq: str = "Y", start: int | str | date = 1946,
           end: int | str | date | None = None, *, steps: tuple | list = (all,)) -> pd.DataFrame:
    """The panels of a set of dyads at once (e.g. the triads ``"RUS-JPN,RUS-CHN,JPN-CHN,JPN-KOR,RUS-KOR"``),
    stacked: columns ``dyad`` (``A-B``), ``period`` and every series of the ``steps``.

    Each dyad's panel is built as :func:`panel` builds it (without a case, so without leader or
    case columns, and without the triads step); ``attrs`` merges the columns' metadata, sources
    and, per dyad, the skipped steps.
    """
    chosen = [s for s in steps if s is all or s not in ("triads", "leaders")]
    names = [s for s in STEPS if s not in ("triads", "leaders")] if any(s is all or s == "all" for s in chosen) \
        else [s for s in chosen if isinstance(s, str)]
    frames, columns, sources, skipped = [], {}, set(), {}
    for a, b in parse_dyads(dyads):
        one = panel(a, b, freq=freq, start=start, end=end, case=None).add(*names)
        table = pd.DataFrame(one).reset_index()
        table.insert(0, "dyad", f"{a}-{b}")
        frames.append(table)
        columns.update(one.attrs["columns"])
        sources.update(one.attrs["sources"])
        if one.attrs["skipped"]:
            skipped[f"{a}-{b}"] = dict(one.attrs["skipped"])
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update({"dyads": [f"{a}-{b}" for a, b in parse_dyads(dyads)], "freq": freq_code(freq, allowed=FREQS),
                      "steps": names, "columns": columns, "sources": sorted(sources), "skipped": skipped})
    return out
