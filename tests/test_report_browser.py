"""The HTML report in headless Chromium: it fits a 1,400 px window, its charts draw, and the
negotiation's charts keep their labels apart (issue 17's layout findings)."""

from __future__ import annotations

import pytest

from serving import require_chromium

CHROMIUM = require_chromium()

playwright_api = pytest.importorskip("playwright.sync_api")

from bilateral import Analysis, write_report  # noqa: E402


@pytest.fixture(scope="module")
def page(shared, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA", str(shared / "data"))
        report = write_report(Analysis("russia-japan", store=out / "none.duckdb", rng=0, runs=30, progress=False),
                              out)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(report.path.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length > 5")
        yield page
        browser.close()


def test_the_report_fits_a_1400_pixel_window(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1400, f"the page is {width} px wide: something runs off it"


def test_every_claims_figure_stays_in_its_column(page):
    widths = page.evaluate("[...document.querySelectorAll('#evidence td .js-plotly-plot')]"
                           ".map(e => e.getBoundingClientRect().width)")
    assert widths and max(widths) <= 340


def test_the_eum_rounds_give_each_actor_its_own_colour(page):
    colours = page.evaluate("document.getElementById('negotiation-eum-trace').data"
                            ".filter(t => !['median', 'mean'].includes(t.name)).map(t => t.line.color)")
    assert len(colours) == 20 and len(set(colours)) == 20


def test_veto_players_at_one_ideal_point_share_one_label(page):
    traces = page.evaluate("document.getElementById('negotiation-winsets').data"
                           ".filter(t => (t.name || '').endsWith('veto players'))"
                           ".map(t => ({x: t.x, text: t.text}))")
    assert traces
    for trace in traces:
        assert len(set(trace["x"])) == len(trace["x"]), trace  # one marker and label per ideal point
