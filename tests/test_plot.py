"""Results' .plot() and the exported figure helpers give the figures the report draws, as plotly figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

import bilateral
from bilateral import BilateralError
from bilateral.analysis.negotiation import simulation
from bilateral.analysis.overview import overview
from bilateral.analysis.panel import PanelResult, dyad_relations
from bilateral.analysis.relations import RelationsResult
from bilateral.analysis.result import Result

DAYS = ["20181004", "20181103", "20181205", "20190212"]


def subclasses(cls: type) -> set[type]:
    return {c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))}


@pytest.fixture(scope="module")
def case():
    return bilateral.load_case("russia-japan")


@pytest.fixture(scope="module")
def store(shared: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plot") / "store.duckdb"
    with bilateral.Store(path) as db:
        for day in DAYS:
            db.ingest(shared / "data/events/icews-daily" / f"{day}-icews-events.tab.gz")
    return path


@pytest.fixture(scope="module")
def negotiation(case):
    return simulation(case, "all", runs=300, rng=0, trace=True)


def same(a: go.Figure, b: go.Figure) -> bool:
    return a.to_json() == b.to_json()


def test_every_result_plots_through_one_method():
    import bilateral.analysis.dynamics  # every part's result class defined
    import bilateral.analysis.panel  # noqa: F401

    assert {c.__name__ for c in subclasses(Result)} >= {
        "OverviewResult", "RelationsResult", "LongRunResult", "EvidenceResult", "LatentResult",
        "NegotiationResult", "DynamicsResult", "PanelResult", "YearsResult", "CalibrationResult"}
    assert all(c.plot is Result.plot for c in subclasses(Result))  # one contract: plot() picks from figures()


def test_plot_gives_the_main_figure_and_others_by_name(case, negotiation):
    part = overview(case)
    assert same(part.plot(), part.figures()["timeline"])
    assert same(part.plot(), bilateral.plot_timeline("russia-japan"))
    assert list(negotiation.figures()) == ["winsets", "distribution", "eum_trace"]
    assert same(negotiation.plot(), negotiation.figures()["winsets"])
    distribution = negotiation.plot("distribution")
    assert same(distribution, negotiation.figures()["distribution"])
    assert [trace.name for trace in distribution.data] == [f"{m} {k}" for m in ("compromise", "nash", "eum", "smp")
                                                         for k in ("bargained", "ratifiable")]
    assert same(bilateral.plot_simulation(negotiation.simulation, "eum_trace"), negotiation.plot("eum_trace"))


def test_plot_errors_name_what_there_is(case, negotiation):
    with pytest.raises(BilateralError, match=r"NegotiationResult.plot\(name='fan'\): no such figure — use one of "
                                             r"winsets, distribution, eum_trace"):
        negotiation.plot("fan")
    missing = RelationsResult(available=False, reason="no event store at x.duckdb — ingest event data first")
    with pytest.raises(BilateralError, match=r"RelationsResult.plot.*not available — no event store at x.duckdb"):
        missing.plot()
    panel = PanelResult(frame=pd.DataFrame(), sources=())
    with pytest.raises(BilateralError, match=r"PanelResult.plot\(\): this part draws no figure"):
        panel.plot()


def test_plot_index_draws_the_index_dataframe(store):
    table = bilateral.index("RUS", "JPN", store=store, freq="month")
    assert table["no_events"].any()  # the bool column the pandas plotly backend rejects
    fig = bilateral.plot_index(table)
    bars, line = fig.data
    assert list(bars.y) == table["count"].tolist()
    assert line.name == "net_cooperation_norm"
    expected = table["net_cooperation_norm"].where(~table["no_events"])
    assert [None if pd.isna(v) else v for v in line.y] == [None if pd.isna(v) else v for v in expected]
    relations = dyad_relations("RUS", "JPN", store=store, freq="month")
    assert same(relations.plot(), fig)  # the result and the helper draw the same figure
    assert bilateral.plot_index(table, "conflict").data[1].name == "conflict"


def test_helpers_reject_what_they_cannot_draw(store):
    table = bilateral.index("RUS", "JPN", store=store, freq="month")
    with pytest.raises(BilateralError, match=r"plot_index\(metric='warmth'\): no such column — use one of count"):
        bilateral.plot_index(table, "warmth")
    with pytest.raises(BilateralError, match=r"plot_index\(table=…\): give the DataFrame bilateral.index\(\)"):
        bilateral.plot_index(table.reset_index())
    with pytest.raises(BilateralError, match=r"plot_latent.*not DataFrame"):
        bilateral.plot_latent(table)
    with pytest.raises(BilateralError, match=r"plot_simulation.*not str"):
        bilateral.plot_simulation("russia-japan")
    with pytest.raises(BilateralError, match="give dates as YYYY-MM-DD"):
        bilateral.plot_series(table["count"], marks=["the summit"])


def test_plot_series_marks_dates(store):
    table = bilateral.index("RUS", "JPN", store=store, freq="month")
    fig = bilateral.plot_series(table["count"], marks=["2018-11-14"])
    assert fig.layout.title.text == "count" and list(fig.data[0].y) == table["count"].tolist()
    assert [shape.x0 for shape in fig.layout.shapes] == [pd.Timestamp("2018-11-14").value / 1e6]
