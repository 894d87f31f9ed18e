"""How good are relations, and when were they best: the latent relation index as a result.

The index is :func:`bilateral.measure.latent.relation_index` (a one-factor state-space model,
docs/latent.md) fitted on the analysis' own panels; this part adds the probability that each case
period and each leader pair was the best, and the figure with its 90 % band.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from bilateral.analysis.result import Result, _cited

BEST_DRAWS = 1000


def latent_figure(index: Any, best: pd.DataFrame | None = None) -> go.Figure:
    """The smoothed index with its 90 % band; the case periods shaded by their P(best)."""
    x = index.mean.index.to_timestamp()
    fig = go.Figure([
        go.Scatter(x=x, y=index.high, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"),
        go.Scatter(x=x, y=index.low, mode="lines", line={"width": 0}, fill="tonexty", name="90 % band",
                   fillcolor="rgba(31,78,154,0.2)", hoverinfo="skip"),
        go.Scatter(x=x, y=index.mean, mode="lines", name="relation index", line={"color": "#1f4e9a", "width": 2},
                   hovertemplate="%{x|%Y-%m}: %{y:+.2f}<extra></extra>"),
    ])
    if best is not None and len(best):
        periods = best[best["kind"] == "period"]
        top = periods["p_best"].max() or 1.0
        fig.update_layout(shapes=[{"type": "rect", "xref": "x", "yref": "y domain", "x0": row.start, "x1": row.end,
                                   "y0": 0, "y1": 1, "fillcolor": "#2ca02c", "opacity": 0.25 * row.p_best / top,
                                   "line": {"width": 0}, "layer": "below"} for row in periods.itertuples()])
    a, b = index.dyad
    fig.update_layout(template="plotly_white", height=380, margin={"l": 60, "r": 20, "t": 40, "b": 40},
                      title=f"{a}–{b} relation index (mean 0, sd 1; higher = better)",
                      legend={"orientation": "h", "y": -0.15}, yaxis_title="sample sd")
    return fig


@dataclass(frozen=True, repr=False, kw_only=True)
class LatentResult(Result):
    """The latent relation index part: every series fused into one monthly index.

    Attributes
    ----------
    index
        The `bilateral.measure.latent.LatentIndex` (mean, 90 % bands, loadings).
    best
        P(best) per case period and leader pair.

    Examples
    --------
    >>> lat = bilateral.Analysis("russia-japan", rng=1).latent
    >>> lat.table().tail()                 # mean and 90 % band per month
    >>> lat.best_period()                  # the period most likely the best
    """

    index: Any = None
    best: pd.DataFrame | None = None

    def table(self) -> pd.DataFrame:
        """One row per period: mean, sd, 90 % band, series observed."""
        if self.index is None:
            return super().table()
        return _cited(self.index.table(), self.sources)

    def best_period(self) -> dict[str, Any] | None:
        """The case period most likely to have had the best relations, with its probability."""
        if self.best is None or self.best.empty:
            return None
        periods = self.best[self.best["kind"] == "period"]
        row = periods.loc[periods["p_best"].idxmax()]
        return {"id": row["id"], "p_best": float(row["p_best"]), "mean": float(row["mean"]),
                "low": float(row["low"]), "high": float(row["high"])}

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        if self.index is not None:
            out.update({k: v for k, v in self.index.summary().items() if k != "sources"})
            out["best_period"] = self.best_period()
        return out

    def figures(self) -> dict[str, go.Figure]:
        return {} if self.index is None else {"latent": latent_figure(self.index, self.best)}


def latent(a: str, b: str, *, panel_y: pd.DataFrame, panel_m: pd.DataFrame | None, events: Any, case: Any,
           rng: Any, freq: str = "M") -> LatentResult:
    """Fit the dyad's index on the given panels and event tables; unavailable with the reason when
    the data do not allow it."""
    from bilateral.errors import BilateralError
    from bilateral.measure.latent import relation_index

    try:
        index = relation_index(a, b, freq=freq, panel_y=panel_y, panel_m=panel_m, events=events, case=case)
        best = index.best_periods(case, draws=BEST_DRAWS, rng=rng) if case is not None else None
    except BilateralError as err:
        return LatentResult(available=False, reason=str(err))
    return LatentResult(index=index, best=best, sources=tuple(index.sources))
