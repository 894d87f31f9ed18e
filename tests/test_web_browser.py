"""The dashboard in a real browser: Playwright driving the system Chromium (no browser download).

Each page loads without a script or CSP error, a changed input changes the result, no request
leaves 127.0.0.1, and screenshots are kept (in ``$BILATERAL_SCREENSHOTS``, else under the test's ``tmp_path``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from serving import require_chromium

CHROMIUM = require_chromium()

playwright_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from bilateral.web import create_app  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app served by uvicorn in a thread on a free loopback port."""
    app = create_app("russia-japan", store=tmp_path_factory.mktemp("browser") / "store.duckdb", warm=False,
                     timeout=600)
    yield from serve(app)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield b
        b.close()


class Watched:
    """A page whose outside requests are blocked and recorded, and whose errors are collected."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        self.page = self.context.new_page()
        self.page.set_default_timeout(180_000)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page.on("pageerror", lambda err: self.errors.append(f"pageerror: {err}"))
        self.page.on("console", lambda msg: self.errors.append(f"console: {msg.text} at {msg.location}")
                     if msg.type == "error" else None)

    def _route(self, route) -> None:
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def check(self) -> None:
        assert self.outside == [], f"requests left 127.0.0.1: {self.outside}"
        assert self.errors == [], self.errors

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where the screenshots go: ``$BILATERAL_SCREENSHOTS`` (kept, e.g. as CI artifacts) or the test's tmp_path."""
    folder = Path(os.environ.get("BILATERAL_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def test_overview_draws_its_figures_offline(server, watched, shots):
    page = watched.page
    page.goto(f"{server}/overview")
    page.wait_for_selector("#plot-timeline .main-svg")
    assert page.locator("section.question h2").all_inner_texts() == [
        "How good are relations, and when were they best?", "Which factors move them?",
        "Is a breakthrough possible?"]
    assert page.locator("#plot-timeline .scatterlayer .point").count() > 100
    page.screenshot(path=str(shots / "overview.png"), full_page=True)
    assert (shots / "overview.png").stat().st_size > 10_000
    watched.check()


def forecast_text(page) -> str:
    return page.locator("#forecast tbody").inner_text()


def test_negotiation_updates_when_an_input_changes(server, watched, shots):
    page = watched.page
    page.goto(f"{server}/negotiation?runs=200&model=compromise,eum")
    page.wait_for_selector("#plot-winsets .main-svg")
    page.wait_for_selector("#plot-weights .main-svg")
    page.wait_for_selector("#plot-round .main-svg")
    before = forecast_text(page)
    sentence = page.locator("#sentence").inner_text()
    assert "200 simulated negotiations" in sentence
    # the first stakeholder's position to the far end of the scale
    slider = page.locator('input[name="p0"]')
    target = "100" if float(slider.input_value()) < 50 else "0"
    slider.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", target)
    # (no wait_for_function: evaluating a string is blocked by the page's CSP, as it should be)
    playwright_api.expect(page.locator("#status")).to_have_text("updated", timeout=180_000)
    assert f"p0={target}" in page.url and "runs=200" in page.url
    after = forecast_text(page)
    assert after != before
    # the round slider shows another round's positions
    rounds = page.locator("#round")
    last = rounds.get_attribute("max")
    assert int(last) > 0
    rounds.evaluate("el => { el.value = 0; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    assert page.locator("#round-label").inner_text().startswith("round 0 of")
    page.screenshot(path=str(shots / "negotiation.png"), full_page=True)
    # the URL is the state: opening it again shows the same result
    page.goto(page.url)
    page.wait_for_selector("#plot-winsets .main-svg")
    assert forecast_text(page) == after
    watched.check()


def test_bad_input_shows_a_message_not_a_result(server, watched):
    page = watched.page
    page.goto(f"{server}/negotiation?runs=200&model=compromise")
    page.wait_for_selector("#plot-winsets .main-svg")
    page.locator("#runs").fill("20000")
    page.locator("#runs").dispatch_event("input")
    page.wait_for_selector("#error:not([hidden])")
    assert "runs: 20,000 is out of range" in page.locator("#error").inner_text()
    response = page.goto(f"{server}/negotiation?p0=oops")
    assert response.status == 400
    assert "p0: 'oops' is not a number" in page.locator("#error-message").inner_text()
    assert watched.outside == []


def test_case_page_sorts_when_the_select_changes(server, watched, shots):
    page = watched.page
    page.goto(f"{server}/case?table=factors")
    first = page.locator("#records tbody tr").first.inner_text()
    with page.expect_navigation():
        page.locator('select[name="sort"]').select_option("domain")
    assert "sort=domain" in page.url
    by_domain = page.locator("#records tbody tr").first.inner_text()
    assert by_domain != first
    with page.expect_navigation():
        page.locator('input[name="desc"]').check()
    assert "sort=domain" in page.url and "desc=1" in page.url
    assert page.locator("#records tbody tr").first.inner_text() != by_domain
    page.goto(f"{server}/case")
    page.wait_for_selector("#plot-timeline .main-svg")
    page.screenshot(path=str(shots / "case.png"))
    watched.check()


@pytest.mark.parametrize("path", ["/relations", "/evidence", "/data", "/evidence/H01", "/dynamics"])
def test_every_page_loads_with_the_navigation(server, watched, path):
    page = watched.page
    response = page.goto(f"{server}{path}")
    assert response.status == 200
    assert page.locator("header nav a").all_inner_texts() == ["Overview", "Relations", "Evidence", "Negotiation",
                                                               "Dynamics", "Case", "Data"]
    assert page.locator("h1").count() == 1
    watched.check()


def test_overview_follows_the_case_picker(server, watched, shots):
    page = watched.page
    page.goto(f"{server}/overview")
    title = page.locator("h1").inner_text()
    other = [o for o in page.locator('select[name="case"] option').all_inner_texts() if o != "russia-japan"]
    if not other:
        pytest.skip("only one built-in case")
    with page.expect_navigation():
        page.locator('select[name="case"]').select_option(other[0])
    assert f"case={other[0]}" in page.url and page.locator("h1").inner_text() != title
    page.screenshot(path=str(shots / "overview-other-case.png"))
    watched.check()


def test_evidence_filters_when_the_status_changes(server, watched, shots):
    page = watched.page
    ready(page, f"{server}/evidence")
    if page.locator("#reason").count():
        pytest.skip(page.locator("#reason").inner_text())
    statuses = page.locator("#verdicts tbody td:nth-child(3)").all_inner_texts()
    chosen = next(s for s in ("supported", "contradicted", "inconclusive", "no data")
                  if statuses.count(s) != len(statuses))
    with page.expect_navigation():
        page.locator('select[name="status"]').select_option(chosen)
    assert "status=" + chosen.replace(" ", "+") in page.url
    shown = page.locator("#verdicts tbody td:nth-child(3)").all_inner_texts()
    assert shown == [chosen] * statuses.count(chosen)
    page.screenshot(path=str(shots / "evidence.png"), full_page=True)
    page.goto(f"{server}/evidence")
    page.locator("#verdicts tbody tr a").first.click()
    page.wait_for_load_state()
    assert "/evidence/" in page.url and page.locator("h1").count() == 1
    page.screenshot(path=str(shots / "claim.png"), full_page=True)
    watched.check()


def test_data_page_lists_the_datasets(server, watched, shots):
    page = watched.page
    page.goto(f"{server}/data")
    assert page.locator("table").first.locator("tbody tr").count() > 3
    assert "bilateral data pull" in page.locator("main").inner_text()
    page.screenshot(path=str(shots / "data.png"), full_page=True)
    watched.check()


# -- pages over the shared data: the latent index and the dynamics --------------------------


@pytest.fixture(scope="module")
def data_server(tmp_path_factory, shared):
    """The app over the shared data (../shared/data); its pages compute their parts on first use."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BILATERAL_DATA", str(shared / "data"))
        mp.setenv("BILATERAL_HOME", str(tmp_path_factory.mktemp("browser-home")))
        app = create_app("russia-japan", store=tmp_path_factory.mktemp("browser-data") / "store.duckdb",
                         warm=False, runs=200, timeout=600)
        yield from serve(app)


def serve(app):
    """Serve ``app`` with uvicorn in a thread on a free loopback port; yields its base URL."""
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=30)


def ready(page, url: str, timeout: float = 900.0) -> None:
    """Open ``url`` once its background part is computed (polled over plain HTTP: a pending page
    refreshes itself, which would abort a navigation of the browser's)."""
    from urllib.request import urlopen

    start = time.monotonic()
    while "Still computing" in urlopen(url, timeout=timeout).read().decode():
        assert time.monotonic() - start < timeout, f"{url} still computing after {timeout:g} s"
        time.sleep(3)
    page.goto(url)


def test_dynamics_builder_adds_and_removes_a_shock(data_server, watched, shots):
    page = watched.page
    ready(page, f"{data_server}/dynamics?paths=300&years=15")
    page.wait_for_selector("#plot-scenario_fan .main-svg")
    page.wait_for_selector("#plot-scenario_breakthrough .main-svg")
    page.wait_for_selector("#plot-dynamics_fan .main-svg")
    assert page.locator("tr.shock").count() == 0
    cells = page.locator("#scenario-table tbody tr")
    p = {tuple(r[:2]): r[2] for r in (row.split("\t") for row in cells.all_inner_texts())}
    assert all(p[("edited", m)] == p[("baseline", m)] for s, m in p if s == "edited")  # no shock: the baseline
    with page.expect_navigation():
        page.locator('select[name="w0"]').select_option("sanctions_lifted")
    assert "w0=sanctions_lifted" in page.url and "paths=300" in page.url
    assert page.locator("tr.shock").count() == 1
    page.wait_for_selector("#plot-scenario_fan .main-svg")
    moved = {tuple(r[:2]): r[2] for r in (row.split("\t") for row in cells.all_inner_texts())}
    assert moved != p and any(moved[("edited", m)] != moved[("baseline", m)] for s, m in moved if s == "edited")
    marks = page.locator("#plot-scenario_fan .scatterlayer .trace").count()
    assert marks >= 5  # measured, two bands, two medians (and the shock markers)
    page.screenshot(path=str(shots / "dynamics.png"), full_page=True)
    # the URL is the state: opening it again shows the same numbers
    page.goto(page.url)
    assert {tuple(r[:2]): r[2] for r in (row.split("\t") for row in cells.all_inner_texts())} == moved
    with page.expect_navigation():
        page.locator("tr.shock a.remove").click()
    assert page.locator("tr.shock").count() == 0 and "w0=" not in page.url
    watched.check()
    response = page.goto(f"{data_server}/dynamics?y0=2027&w0=relation&a0=12")  # the 400 is logged: not checked
    assert response.status == 400
    assert "shock 1: size 12 is out of range" in page.locator("#error-message").inner_text()
    assert watched.outside == []


def test_relations_draws_the_latent_index_and_follows_the_range(data_server, watched, shots):
    page = watched.page
    ready(page, f"{data_server}/relations")
    page.wait_for_selector("#plot-latent .main-svg")
    assert {"90 % band", "relation index", "key events"} <= set(page.locator("#plot-latent .legendtext")
                                                                .all_text_contents())
    ticks = page.locator("#plot-latent .xtick").all_text_contents()
    page.locator('input[name="from"]').fill("1990-01")
    page.locator('input[name="to"]').fill("1999-12")
    with page.expect_navigation():
        page.locator("form.controls button[type=submit]").click()
    assert "from=1990-01" in page.url and "to=1999-12" in page.url
    page.wait_for_selector("#plot-latent .main-svg")
    assert page.locator("#plot-latent .xtick").all_text_contents() != ticks
    page.screenshot(path=str(shots / "relations.png"), full_page=True)
    watched.check()
