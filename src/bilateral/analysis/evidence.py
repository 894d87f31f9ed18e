"""The evidence: every hypothesis of the case tested on the series it names, one verdict per claim.

The tests and verdict rules are :mod:`bilateral.explain`'s; this part keeps the per-test table,
the per-claim verdicts and the series each test used (from the analysis' shared cache), and draws,
for each claim, the first series that could be tested with the dates the claim names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from bilateral.analysis.result import Result, _cited
from bilateral.case import Case
from bilateral.errors import BilateralError

STATUSES = ("supported", "contradicted", "inconclusive", "no data")


def series_figure(series: pd.Series, title: str, marks: list[str]) -> go.Figure:
    """A small line chart of one tested series, with the claim's dates as dotted lines."""
    fig = go.Figure(go.Scatter(x=series.index.to_timestamp(), y=series.to_numpy(), mode="lines+markers",
                               marker={"size": 4}, line={"color": "#1f4e9a"}, name=title))
    for mark in marks:
        fig.add_vline(x=pd.Timestamp(mark).value / 1e6, line={"color": "#b22222", "dash": "dot"})
    fig.update_layout(height=200, margin={"l": 40, "r": 10, "t": 24, "b": 24}, template="plotly_white",
                      title={"text": title, "font": {"size": 12}}, showlegend=False)
    return fig


@dataclass(frozen=True, repr=False, kw_only=True)
class EvidenceResult(Result):
    """``tests``: one row per hypothesis and series; ``verdicts``: one row per hypothesis."""

    case: Case | None = None
    tests: pd.DataFrame | None = None
    verdicts: pd.DataFrame | None = None
    adjustment: str = "holm"
    series: dict[str, pd.Series] | None = None

    def table(self) -> pd.DataFrame:
        """The verdict per claim."""
        return _cited(self.verdicts.copy() if self.verdicts is not None else pd.DataFrame(), self.sources)

    def counts(self) -> dict[str, int]:
        """Claims per status, every status present (0 where none)."""
        found = self.verdicts["status"].value_counts().to_dict() if self.verdicts is not None else {}
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def summary(self) -> dict[str, Any]:
        out = {**super().summary(), "adjustment": self.adjustment, "counts": self.counts()}
        if self.verdicts is not None:
            out["contradicted"] = list(self.verdicts.loc[self.verdicts["status"] == "contradicted", "hypothesis"])
            out["supported"] = list(self.verdicts.loc[self.verdicts["status"] == "supported", "hypothesis"])
        return out

    def tests_of(self, hypothesis: str) -> pd.DataFrame:
        """The tests that ran for one hypothesis (not those without data)."""
        if self.tests is None:
            return pd.DataFrame()
        rows = self.tests[(self.tests["hypothesis"] == hypothesis) & (self.tests["status"] != "no data")]
        return rows.reset_index(drop=True)

    def figures(self) -> dict[str, go.Figure]:
        """Per claim with a test that ran: its first series, the claim's dates marked."""
        if self.case is None or not self.series:
            return {}
        out = {}
        for h in self.case.hypotheses:
            ran = self.tests_of(h.id)
            if ran.empty:
                continue
            ref = ran.iloc[0]["series"]
            values = self.series.get(f"{h.id}|{ref}")
            if values is not None:
                out[h.id] = series_figure(values, ref, list(h.test.event or []) + list(h.test.at or []))
        return out


def evidence(case: Case, resolver: Any, *, adjust: str = "holm", rng: Any = 0,
             hypotheses: list[str] | None = None) -> EvidenceResult:
    """Evaluate the hypotheses of ``case`` (all, or those named) on the series ``resolver`` (an
    :class:`bilateral.explain.Evidence`) gives, and keep the series each test used."""
    from bilateral import explain

    try:
        tests = explain.evaluate(case, hypotheses=hypotheses, evidence=resolver, adjust=adjust, rng=rng)
    except BilateralError as err:
        return EvidenceResult(available=False, reason=str(err), case=case, adjustment=adjust)
    verdicts = explain.summarise(tests, case)
    used = {}
    claims = {h.id: h for h in case.hypotheses}
    for row in tests[tests["status"] != "no data"].itertuples():
        used[f"{row.hypothesis}|{row.series}"] = resolver.series(row.series, claims[row.hypothesis].test.freq)[0]
    return EvidenceResult(case=case, tests=tests, verdicts=verdicts, adjustment=adjust, series=used,
                          sources=tuple(tests.attrs.get("sources", ())))
