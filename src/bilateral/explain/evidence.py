"""Resolve a hypothesis' series references (``family.metric[@A-B]``) to measured series.

- ``events.*``: the dyadic index from the event store (:meth:`SeriesSource.event_index`);
- ``case_events.*``: the case's own coded events, aggregated per period;
- ``sanctions.active``: 1 from the first sanctions event between the dyad's states in the case;
- every other family: the long-run dyad panel (:meth:`SeriesSource.panel`).

The panel and the event index come from a :class:`SeriesSource`, so a caller that already holds
them (an analysis object, a test) passes its own and nothing is measured twice. A series that
cannot be had raises :class:`NoData` with the reason (and how to get it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from bilateral.case import Case, parse_series_ref
from bilateral.data.store import default_path
from bilateral.errors import BilateralError
from bilateral.measure.index import relations_index
from bilateral.measure.panel import panel as dyad_panel


class NoData(Exception):
    """The series cannot be measured here; the message says why."""


class SeriesSource(Protocol):
    """Where :class:`Evidence` gets the measured tables of a case's dyad."""

    def panel(self, freq: str) -> pd.DataFrame:
        """The case dyad's panel with every step at ``freq`` ("Y" or "M"); may raise ``BilateralError``."""
        ...

    def event_index(self, a: str, b: str, freq: str) -> pd.DataFrame:
        """The a–b relations index (every metric and ``no_events``) at ``freq`` ("Y", "Q" or "M").

        Raises ``BilateralError`` when there is no event store or it holds no a–b events.
        """
        ...


@dataclass(frozen=True)
class MeasuredSource:
    """The default :class:`SeriesSource`: the dyad panel from the data directory and the event index
    from the store at ``store`` (the default store location when None)."""

    case: Case = field(repr=False)
    store: str | Path | None = None

    def panel(self, freq: str) -> pd.DataFrame:
        a, b = self.case.dyad
        return dyad_panel(a, b, freq=freq, start=1946, case=self.case).add(all)

    def event_index(self, a: str, b: str, freq: str) -> pd.DataFrame:
        path = Path(self.store) if self.store else default_path()
        if not path.exists():
            raise BilateralError(f"no event store at {path} — ingest ICEWS or GDELT files into it (Store.ingest)")
        return relations_index(a, b, store=path, freq=freq)


@dataclass(repr=False)
class Evidence:
    """The series of one case, resolved once and cached.

    Parameters
    ----------
    case : Case
        The case whose dyad and records the series belong to.
    source : SeriesSource, optional
        Where the panel and the event index come from (default :class:`MeasuredSource`).
    store : str or Path, optional
        The event store of the default source; give your own source its store instead.
    """

    case: Case
    source: SeriesSource | None = None
    store: str | Path | None = None
    _tables: dict[tuple, pd.DataFrame | BilateralError] = field(default_factory=dict, init=False, repr=False)
    _series: dict[tuple[str, str], tuple[pd.Series, list[str]]] = field(default_factory=dict, init=False,
                                                                        repr=False)

    def __post_init__(self) -> None:
        if self.source is None:
            self.source = MeasuredSource(self.case, self.store)
        elif self.store is not None:
            raise BilateralError("Evidence takes a source or a store, not both: give the store to the source")

    def __repr__(self) -> str:
        return f"<Evidence for case {self.case.info.name!r}: {len(self._series)} series resolved, from {self.source!r}>"

    def _table(self, key: tuple, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """``build()`` once per key; a failure is remembered too, so nothing is retried per series."""
        if key not in self._tables:
            try:
                self._tables[key] = build()
            except BilateralError as err:
                self._tables[key] = err
        value = self._tables[key]
        if isinstance(value, BilateralError):
            raise NoData(str(value))
        return value

    def panel(self, freq: str) -> pd.DataFrame:
        """The dyad panel at "Y" (yearly) or "M" (monthly; quarterly series are made from it)."""
        base = "Y" if freq == "Y" else "M"
        return self._table(("panel", base), lambda: self.source.panel(base))

    def event_index(self, a: str, b: str, freq: str) -> pd.DataFrame:
        """The a–b relations index at ``freq``."""
        return self._table(("events", a, b, freq), lambda: self.source.event_index(a, b, freq))

    def series(self, ref: str, freq: str) -> tuple[pd.Series, list[str]]:
        """The series named ``ref`` at ``freq`` (``Y``, ``Q``, ``M``) and its citation keys."""
        key = (ref, freq)
        if key not in self._series:
            self._series[key] = self._resolve(ref, freq)
        return self._series[key]

    def _resolve(self, ref: str, freq: str) -> tuple[pd.Series, list[str]]:
        parsed = parse_series_ref(ref)
        a, b = parsed.dyad or self.case.dyad
        if parsed.family == "events":
            table = self.event_index(a, b, freq)
            if parsed.metric not in table:
                raise NoData(f"the event index has no metric {parsed.metric!r}")
            values = table[parsed.metric].where(~table["no_events"] | (parsed.metric == "count"))
            return values, list(table.attrs["sources"])
        if parsed.family == "case_events":
            return self._case_events(parsed.metric, a, b, freq), [self.case.info.source]
        if parsed.family == "sanctions":
            return self._sanctions(a, b, freq), [self.case.info.source]
        data = self.panel(freq)
        column = ref if parsed.dyad is None else f"{parsed.family}.{parsed.metric}@{a}-{b}"
        if column not in data:
            skipped = data.attrs.get("skipped", {})
            reason = skipped.get(parsed.family) or next(iter(skipped.values()), None)
            raise NoData(f"the panel has no column {column}" + (f" ({reason})" if reason else ""))
        values = data[column].astype(float)
        if freq == "Q":
            values = values.groupby(values.index.asfreq("Q")).mean()
        if values.dropna().empty:
            raise NoData(f"{column} has no data for {a}–{b}")
        return values, list(data.attrs["columns"][column]["citation"])

    def _case_events(self, metric: str, a: str, b: str, freq: str) -> pd.Series:
        events = self.case.table("events")
        pair = events[events["source_iso3"].isin([a, b]) & events["target_iso3"].isin([a, b])
                      & (events["source_iso3"] != events["target_iso3"])]
        if pair.empty:
            raise NoData(f"the case has no {a}–{b} events")
        periods = pd.PeriodIndex(pair["day"], freq=freq)
        index = pd.period_range(periods.min(), periods.max(), freq=freq)
        grouped = pair["goldstein"].groupby(periods)
        if metric == "count":
            return grouped.size().reindex(index, fill_value=0).astype(float)
        if metric == "mean_goldstein":
            return grouped.mean().reindex(index)
        return grouped.sum().reindex(index)

    def _sanctions(self, a: str, b: str, freq: str) -> pd.Series:
        events = self.case.table("events")
        hits = events[(events["category"] == "sanctions") & events["source_iso3"].isin([a, b])
                      & events["target_iso3"].isin([a, b])]
        if hits.empty:
            raise NoData(f"the case records no sanctions between {a} and {b}")
        first = pd.Period(hits["day"].min(), freq)
        index = pd.period_range(pd.Period("1946-01-01", freq), pd.Period(pd.Timestamp.today(), freq), freq=freq)
        return pd.Series(np.where(index >= first, 1.0, 0.0), index=index)
