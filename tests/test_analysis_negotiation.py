"""The negotiation part of the analysis, its report section, and the simulation result for any input."""

import re

import pytest

from bilateral import load_case
from bilateral.analysis import Analysis
from bilateral.analysis.negotiation import simulation
from bilateral.report.writer import _environment, negotiation_context


@pytest.fixture(scope="module")
def analysis():
    return Analysis(load_case("russia-japan"), runs=60, rng=0, workers=1)


@pytest.fixture(scope="module")
def context(analysis):
    return negotiation_context(analysis)


def render(context) -> str:
    return _environment().get_template("negotiation.html.j2").render(negotiation=context)


def test_context(context, analysis):
    assert context["threshold"] == 50 and context["threshold_label"] == "1956 Joint Declaration formula"
    assert [f["model"] for f in context["forecasts"]] == ["compromise", "nash", "eum", "smp"]
    assert context["sentence"].startswith("In 60 simulated negotiations")
    assert "zero for every model" in context["sentence"]
    assert context["win_sets"][0]["state"] == "RUS" and context["win_sets"][0]["high"] == 10
    assert len(context["scenarios"]) == 4 * (1 + len(analysis.case.scenarios))
    for key in ("distribution_figure", "winset_figure", "trace_figure"):
        assert context[key].lstrip().startswith("<div") and "Plotly.newPlot" in context[key]
        assert "<html" not in context[key]
    assert context["eum_forecast"] == 55.0 and context["eum_rounds"] == 59
    assert len(context["caveats"]) >= 4
    tornado = context["sensitivity"]
    assert [t["model"] for t in tornado] == ["compromise"] * 5 + ["eum"] * 5
    assert (tornado[0]["actor"], tornado[0]["input"]) == ("abe", "position")
    assert abs(tornado[5]["swing"]) == 35  # the EUM flips between Putin's 20 and Abe's 55


def test_partial_renders_the_section(context):
    html = render(context)
    assert html.lstrip().startswith("<section id=\"negotiation-models\">")
    assert html.rstrip().endswith("</section>")
    assert html.count("<table>") == 4
    assert "Breakthrough probability." in html and "1956 Joint Declaration formula" in html
    assert re.search(r"<td>eum</td><td class=\"num\">55\.0</td>", html)
    assert "agreement set Z = [0, 10]" in html and "no solution" in html
    assert 'id="negotiation-eum-trace"' in html and 'id="negotiation-winsets"' in html
    assert "0.00%" in html  # P(breakthrough) columns are read under their snake_case names


def test_summary_reports_every_models_breakthrough(analysis):
    summary = analysis.negotiation.summary()
    assert summary["runs"] == 60 and summary["agreement_set"] == [0, 10]
    assert set(summary["p_breakthrough"]) == {"compromise", "nash", "eum", "smp"}
    assert all(p == 0 for p, _lo, _hi in summary["p_breakthrough"].values())


def test_simulation_of_a_stakeholder_table(shared):
    part = simulation(str(shared / "data/bdm/ExampleActors.csv"), "eum", trace=True, max_rounds=20,
                      scale=(0, 10))
    eum = part.simulation.outcome("eum")
    assert part.simulation.params == {"eum": {"max_rounds": 20}} and eum.rounds <= 20
    assert set(part.figures()) == {"winsets", "eum_trace"}
