"""Any pair's long-run panel and event index as results, for faces that are not about one case
(``bilateral panel``, ``bilateral index``)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from bilateral.analysis.relations import RelationsResult, relations
from bilateral.analysis.result import Result, _cited
from bilateral.errors import BilateralError
from bilateral.exports import export


@dataclass(frozen=True, repr=False, kw_only=True)
class PanelResult(Result):
    """A dyad panel: ``frame`` (the :class:`bilateral.Panel`), the steps added and those skipped."""

    frame: pd.DataFrame | None = None

    def table(self) -> pd.DataFrame:
        """The panel with its period as a text column (for files and terminals)."""
        table = pd.DataFrame(self.frame).reset_index()
        table["period"] = table["period"].astype(str)
        table.attrs.update(copy.deepcopy(self.frame.attrs))  # the column metadata travels with files
        return _cited(table, self.sources)

    def summary(self) -> dict[str, Any]:
        attrs = self.frame.attrs
        return {**super().summary(), "dyad": list(attrs["dyad"]), "freq": attrs["freq"], "steps": list(attrs["steps"]),
                "skipped": dict(attrs["skipped"]), "columns": self.frame.shape[1], "periods": len(self.frame)}

    def describe(self) -> pd.DataFrame:
        """One row per column: unit, description, dataset, citation, coverage."""
        return self.frame.describe_columns()

    def cite(self) -> str:
        """BibTeX of every dataset the panel uses."""
        return self.frame.cite()

    def figures(self) -> dict[str, go.Figure]:
        return {}

    def write(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write :meth:`table` in any format of :func:`bilateral.exports.export` (csv, json, parquet,
        dta, rds, feather; default from the suffix)."""
        return export(self.table(), path, fmt)


@dataclass(frozen=True, repr=False, kw_only=True)
class YearsResult(PanelResult):
    """A long panel — all-pairs dyad-, state- or leader-years, or several dyads stacked — with the
    steps added and those skipped; ``frame`` is a plain DataFrame with ``attrs``."""

    def table(self) -> pd.DataFrame:
        table = pd.DataFrame(self.frame).copy()
        table.attrs.update(copy.deepcopy(self.frame.attrs))
        if "period" in table:
            table["period"] = table["period"].astype(str)
        return _cited(table, self.sources)

    def summary(self) -> dict[str, Any]:
        attrs = self.frame.attrs
        keys = ("unit", "system", "directed", "dyads", "freq")
        return {"available": self.available, "reason": self.reason, **{k: attrs[k] for k in keys if k in attrs},
                "steps": list(attrs["steps"]), "skipped": dict(attrs["skipped"]), "rows": len(self.frame),
                "columns": self.frame.shape[1]}

    def describe(self) -> pd.DataFrame:
        rows = [{"column": c, **{k: ", ".join(v) if isinstance(v, list) else v for k, v in meta.items()}}
                for c, meta in self.frame.attrs["columns"].items()]
        return _cited(pd.DataFrame(rows, columns=["column", "unit", "description", "dataset", "citation"]),
                      self.sources)

    def cite(self) -> str:
        from bilateral.data import catalog

        return catalog.bibtex(list(self.sources))


def dyad_panel(a: str, b: str, *, steps: list[str] | None = None, **options: Any) -> PanelResult:
    """The (a, b) panel with ``steps`` (default all available); ``options`` go to
    :func:`bilateral.panel` (freq, start, end, case, third)."""
    from bilateral.measure.panel import panel

    frame = panel(a, b, **options).add(*(all if s == "all" else s for s in (steps or ["all"])))
    return PanelResult(frame=frame, sources=tuple(frame.attrs["sources"]))


def dyad_relations(a: str, b: str, *, store: str | Path | None = None, freq: str = "month",
                   **options: Any) -> RelationsResult:
    """The (a, b) event index from the store; ``options`` go to :func:`bilateral.index`."""
    from bilateral.measure.index import relations_index

    table = relations_index(a, b, store=store, freq=freq, **options)
    return relations(table, tuple(table.attrs["dyad"]), freq)


def all_pairs(unit: str = "dyad", *, system: str = "cow", directed: bool = True,
              years: Iterable[int] | None = None, steps: list[str] | None = None,
              pairs: list[tuple[str, str]] | None = None) -> YearsResult:
    """All-pairs dyad-years (``unit="dyad"``), state-years or leader-years with ``steps``
    (default every step; see :mod:`bilateral.measure.dyadyears`); ``pairs`` keeps only those dyads."""
    from bilateral.measure.dyadyears import dyadyears, leaderyears, stateyears

    if unit == "dyad":
        frame = dyadyears(system, directed, years)
        if pairs:
            frame = frame.filter_pairs(pairs)
    elif unit == "state":
        frame = stateyears(system, years)
    elif unit == "leader":
        frame = leaderyears(years)
    else:
        raise BilateralError(f"unit={unit!r} — use dyad, state or leader")
    table = frame.add(*(all if s == "all" else s for s in (steps or ["all"]))).to_pandas()
    return YearsResult(frame=table, sources=tuple(table.attrs["sources"]))


def dyads_panel(dyads: str | list, *, steps: list[str] | None = None, **options: Any) -> YearsResult:
    """The panels of several dyads stacked (``dyad``, ``period``, series); ``options`` go to
    :func:`bilateral.measure.panel.panels` (freq, start, end)."""
    from bilateral.measure.panel import panels

    table = panels(dyads, steps=[all if s == "all" else s for s in (steps or ["all"])], **options)
    return YearsResult(frame=table, sources=tuple(table.attrs["sources"]))


def panel_citations(steps: list[str]) -> str:
    """BibTeX of every dataset the given panel steps use (``["all"]``: every step), without data."""
    from bilateral.data import catalog
    from bilateral.measure.panel import step_citations

    return catalog.bibtex(step_citations(steps))
