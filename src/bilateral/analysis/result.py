"""What every part of an analysis returns: one protocol for the report, the CLI and the dashboard.

A result says whether it could be computed (``available``) and, if not, why (``reason``: what is
missing and how to get it). Available or not, it answers ``table()`` (a DataFrame with
``attrs["sources"]``), ``summary()`` (headline numbers, JSON-ready), ``figures()`` (plotly figures
by id), ``plot(name)`` (one of them: the main one by default) and ``sources`` (citation keys).
Faces render results; they never compute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from bilateral.errors import BilateralError


@dataclass(frozen=True, repr=False, kw_only=True)
class Result:
    """Base of every part's result; subclasses add their fields and override the methods.

    Attributes
    ----------
    available
        Whether the part could be computed.
    reason
        When it could not: what is missing and how to get it ("" otherwise).
    sources
        The citation keys of everything the part used.

    Examples
    --------
    >>> part = bilateral.Analysis("russia-japan", rng=1).longrun
    >>> part.available, part.reason
    (True, '')
    >>> part.table().attrs["sources"]      # the works cited
    >>> part.plot("un-agreement")          # a plotly figure, as the report draws it
    """

    available: bool = True
    reason: str = ""
    sources: tuple[str, ...] = field(default=())

    @property
    def part(self) -> str:
        """A short name of the part, for messages and reprs."""
        return type(self).__name__.removesuffix("Result").lower()

    def table(self) -> pd.DataFrame:
        """The part's main table (empty when unavailable), citations in ``attrs["sources"]``."""
        return _cited(pd.DataFrame(), self.sources)

    def summary(self) -> dict[str, Any]:
        """Headline numbers and strings; always has ``available`` and ``reason``."""
        return {"available": self.available, "reason": self.reason}

    def figures(self) -> dict[str, go.Figure]:
        """Plotly figures by id (empty when unavailable)."""
        return {}

    def plot(self, name: str | None = None) -> go.Figure:
        """One figure the report draws for this part, as a plotly figure (shown inline in a notebook).

        Parameters
        ----------
        name
            The figure's id, one of ``figures()``; default the part's main figure (its first).

        Raises
        ------
        BilateralError
            The part is not available (with the reason), draws no figure, or has none by that name
            (the message lists those it has).
        """
        figures = self.figures()
        if not figures:
            why = f"not available — {self.reason}" if not self.available else "this part draws no figure"
            raise BilateralError(f"{type(self).__name__}.plot(): {why}")
        if name is None:
            return next(iter(figures.values()))
        if name not in figures:
            raise BilateralError(f"{type(self).__name__}.plot(name={name!r}): no such figure — use one of "
                                 f"{', '.join(figures)}")
        return figures[name]

    def __repr__(self) -> str:
        if not self.available:
            return f"<{type(self).__name__}: not available — {self.reason}>"
        shown = {k: v for k, v in self.summary().items() if k not in ("available", "reason")
                 and isinstance(v, int | float | str) and len(str(v)) < 60}
        text = ", ".join(f"{k}={v!r}" for k, v in list(shown.items())[:6])
        return f"<{type(self).__name__}: {text}>"

    def _repr_html_(self) -> str:
        if not self.available:
            return f"<p><b>{type(self).__name__}</b>: not available — {self.reason}</p>"
        return self.table()._repr_html_()


def _cited(frame: pd.DataFrame, sources: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """``frame`` with ``attrs["sources"]`` set to the sorted, unique citation keys."""
    frame.attrs["sources"] = sorted(set(sources))
    return frame


def unavailable(cls: type[Result], reason: str, **fields: Any) -> Result:
    """An unavailable result of ``cls`` with the reason."""
    return cls(available=False, reason=reason, **fields)
