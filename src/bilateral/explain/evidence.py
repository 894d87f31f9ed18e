"""Resolve a hypothesis' series references (``family.metric[@A-B]``) to measured series.

- ``events.*``: the dyadic index from the event store (``bilateral.measure.index``);
- ``case_events.*``: the case's own coded events, aggregated per period;
- ``sanctions.active``: 1 from the first sanctions event between the dyad's states in the case;
- every other family: the long-run dyad panel (``bilateral.measure.panel``).

A series that cannot be had raises :class:`NoData` with the reason (and how to get it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from bilateral.case import Case, parse_series_ref
from bilateral.data.paths import MissingDataError
from bilateral.data.store import default_path
from bilateral.errors import BilateralError
from bilateral.measure.index import relations_index
from bilateral.measure.panel import panel

INDEX_FREQ = {"Y": "year", "Q": "quarter", "M": "month"}


class NoData(Exception):
    """The series cannot be measured here; the message says why."""


@dataclass
class Evidence:
    """Series for one case, cached; ``store`` is the event store (default location if None)."""

    case: Case
    store: Path | None = None
    _cache: dict = field(default_factory=dict)

    @cached_property
    def _store_path(self) -> Path:
        return Path(self.store) if self.store else default_path()

    def _panel(self, freq: str) -> pd.DataFrame:
        base = "Y" if freq == "Y" else "M"
        if base not in self._cache:
            a, b = self.case.dyad
            try:
                self._cache[base] = panel(a, b, freq=base, start=1946, case=self.case).add(all)
            except MissingDataError as err:
                raise NoData(str(err)) from None
        return self._cache[base]

    def series(self, ref: str, freq: str) -> tuple[pd.Series, list[str]]:
        """The series named ``ref`` at ``freq`` (``Y``, ``Q``, ``M``) and its citation keys."""
        key = (ref, freq)
        if key not in self._cache:
            self._cache[key] = self._resolve(ref, freq)
        return self._cache[key]

    def _resolve(self, ref: str, freq: str) -> tuple[pd.Series, list[str]]:
        parsed = parse_series_ref(ref)
        a, b = parsed.dyad or self.case.dyad
        if parsed.family == "events":
            if not self._store_path.exists():
                raise NoData(f"no event store at {self._store_path} — ingest ICEWS/GDELT files with "
                             "`bilateral events ingest`")
            try:
                table = relations_index(a, b, store=self._store_path, freq=INDEX_FREQ[freq],
                                        metrics=[parsed.metric])
            except BilateralError as err:
                raise NoData(str(err)) from None
            return table[parsed.metric].where(~table["no_events"] | (parsed.metric == "count")), \
                table.attrs["sources"]
        if parsed.family == "case_events":
            return self._case_events(parsed.metric, a, b, freq), [self.case.info.source]
        if parsed.family == "sanctions":
            return self._sanctions(a, b, freq), [self.case.info.source]
        data = self._panel(freq)
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
