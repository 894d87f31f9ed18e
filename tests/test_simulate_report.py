"""The report's negotiation section: its context and the Jinja partial."""

import re

import pytest
from jinja2 import Environment, PackageLoader, select_autoescape

from bilateral import load_case
from bilateral.report.negotiation import anchor_label, negotiation_section


@pytest.fixture(scope="module")
def context():
    return negotiation_section(load_case("russia-japan"), runs=60, seed=0, workers=1)


def render(context) -> str:
    env = Environment(loader=PackageLoader("bilateral.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    return env.get_template("negotiation.html.j2").render(negotiation=context)


def test_context(context):
    assert context["threshold"] == 50 and context["threshold_label"] == "1956 Joint Declaration formula"
    assert [f["model"] for f in context["forecasts"]] == ["compromise", "nash", "eum", "smp"]
    assert context["sentence"].startswith("In 60 simulated negotiations")
    assert "zero for every model" in context["sentence"]
    assert context["win_sets"][0]["state"] == "RUS" and context["win_sets"][0]["high"] == 10
    assert len(context["scenarios"]) == 4 * (1 + len(load_case("russia-japan").scenarios))
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


def test_anchor_label():
    case = load_case("russia-japan")
    assert anchor_label(case, 0) == "No dispute exists" and anchor_label(case, 42) == ""
    assert anchor_label(None, 50) == ""
