"""The dashboard in a real browser: Playwright driving the system Chromium (no browser download).

Each page loads without a script or CSP error, a changed input changes the result, no request
leaves 127.0.0.1, and screenshots are kept under the test's ``tmp_path``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium before the tests", pytrace=False)
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); the browser tests need it",
                allow_module_level=True)

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
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
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
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def test_overview_draws_its_figures_offline(server, watched, tmp_path):
    page = watched.page
    page.goto(f"{server}/overview")
    page.wait_for_selector("#plot-timeline .main-svg")
    assert page.locator("section.question h2").all_inner_texts() == [
        "How good are relations, and when were they best?", "Which factors move them?",
        "Is a breakthrough possible?"]
    assert page.locator("#plot-timeline .scatterlayer .point").count() > 100
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    assert (tmp_path / "overview.png").stat().st_size > 10_000
    watched.check()


def forecast_text(page) -> str:
    return page.locator("#forecast tbody").inner_text()


def test_negotiation_updates_when_an_input_changes(server, watched, tmp_path):
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
    page.screenshot(path=str(tmp_path / "negotiation.png"), full_page=True)
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


def test_case_page_sorts_when_the_select_changes(server, watched, tmp_path):
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
    page.screenshot(path=str(tmp_path / "case.png"))
    watched.check()


@pytest.mark.parametrize("path", ["/relations", "/evidence", "/data", "/evidence/H01"])
def test_other_pages_load(server, watched, path):
    page = watched.page
    response = page.goto(f"{server}{path}")
    assert response.status == 200
    assert page.locator("header nav a").count() == 6
    assert page.locator("h1").count() == 1
    watched.check()
