"""The dashboard over HTTP (FastAPI's TestClient): pages, the live negotiation, bounds and safety."""

from __future__ import annotations

import asyncio
import io
import json
import re
import threading
from concurrent.futures import Future
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from bilateral.analysis.evidence import EvidenceResult
from bilateral.analysis.negotiation import simulation
from bilateral.case import load_case
from bilateral.simulate import load_stakeholders
from bilateral.web import create_app
from bilateral.web.pool import Busy, Pool, TooSlow

CASE = "russia-japan"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    store = tmp_path_factory.mktemp("web") / "store.duckdb"  # absent: pages say there is no store
    application = create_app(CASE, store=store, warm=False, workers=2, queue=4, timeout=600)
    yield application
    application.state.dashboard.shutdown()


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def scripts(html: str) -> list[str]:
    return re.findall(r"<script[^>]*>", html)


def figure_blocks(html: str) -> dict[str, dict]:
    found = re.findall(r'<script type="application/json" id="fig-([\w-]+)">(.*?)</script>', html, re.S)
    return {name: json.loads(text) for name, text in found}


def error_message(html: str) -> str:
    found = re.search(r'id="error-message">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


def test_overview_answers_the_three_questions_with_figures(client, case):
    from bilateral.analysis import Analysis

    response = client.get("/overview")
    assert response.status_code == 200
    html = unescape(response.text)
    for question in ("How good are relations", "Which factors move them?", "Is a breakthrough possible?"):
        assert question in html
    warmest = Analysis(case).overview.summary()["warmest"]
    assert "Warmest period in the case's own events" in html and warmest["period"] in html
    timeline = figure_blocks(html)["timeline"]
    points = sum(len(t["x"]) for t in timeline["data"] if t.get("mode") == "markers")
    assert points == len(case.table("events").dropna(subset=["goldstein"]))


def test_every_page_has_the_csp_and_no_inline_script(client):
    for url in ("/overview", "/case", "/data", "/negotiation?runs=50", "/evidence", "/relations"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert response.headers["x-content-type-options"] == "nosniff"
        for tag in scripts(response.text):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (url, tag)
        links = re.findall(r'(?:src|href|action)="([^"]*)"', response.text)
        assert links and all(link.startswith("/") for link in links), url  # nothing loads from elsewhere


def test_plotly_is_served_from_the_plotly_package(client):
    import plotly

    response = client.get("/static/plotly.min.js")
    assert response.status_code == 200
    assert response.content == (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    assert client.get("/static/app.js").status_code == 200


def test_root_redirects_to_the_overview(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/overview"


def live(client, **params):
    response = client.get("/api/negotiation", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def by_model(body: dict) -> dict[str, dict]:
    columns = body["table"]["columns"]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in body["table"]["rows"]}


def test_live_negotiation_matches_the_analysis_layer(client, case):
    body = live(client, runs=200, seed=3, model="compromise,eum")
    sh = load_stakeholders(case).with_values(file=case.scale.name)
    direct = simulation(sh, ["compromise", "eum"], runs=200, rng=3, workers=1).table().set_index("model")
    rows = by_model(body)
    assert list(rows) == ["compromise", "eum"]
    for name in rows:
        assert float(rows[name]["bargained"]) == pytest.approx(direct.loc[name, "bargained"], rel=1e-3)
        assert float(rows[name]["p_breakthrough"]) == pytest.approx(direct.loc[name, "p_breakthrough"], abs=1e-3)
    assert body["summary"]["runs"] == 200
    assert {"winsets", "distribution", "eum_trace", "weights"} <= set(body["figures"])
    rounds = body["rounds"]
    assert rounds["actors"] == list(sh.actor) and len(rounds["positions"]) == len(rounds["rounds"])
    assert "200 simulated negotiations" in body["sentence"]


def test_a_changed_input_changes_the_result(client, case):
    sh = load_stakeholders(case)
    strongest = int(np.argmax(sh.weight))
    before = by_model(live(client, runs=0, model="compromise"))["compromise"]
    moved = 100.0 if sh.position[strongest] < 50 else 0.0
    after = by_model(live(client, runs=0, model="compromise", **{f"p{strongest}": moved}))["compromise"]
    at = np.arange(sh.n) == strongest
    edited = sh.with_values(position=np.where(at, moved, sh.position),
                            position_low=np.minimum(sh.position_low, np.where(at, moved, 1e9)),
                            position_high=np.maximum(sh.position_high, np.where(at, moved, -1e9)))
    expected = simulation(edited, "compromise", runs=0).table().set_index("model").loc["compromise", "bargained"]
    assert float(after["bargained"]) != pytest.approx(float(before["bargained"]), abs=0.5)
    assert float(after["bargained"]) == pytest.approx(expected, rel=1e-3)


def test_same_seed_same_numbers_other_seed_other_draws(client):
    one = live(client, runs=300, seed=5, model="compromise")
    again = live(client, runs=300, seed=5, model="compromise")
    other = live(client, runs=300, seed=6, model="compromise")
    assert one["table"] == again["table"]
    assert one["figures"]["distribution"] != other["figures"]["distribution"]


def test_negotiation_page_has_one_input_row_per_stakeholder(client, case):
    sh = load_stakeholders(case)
    response = client.get("/negotiation", params={"runs": 100, "p0": 40, "v1": 0})
    assert response.status_code == 200
    html = response.text
    assert len(re.findall(r'<input type="range" name="p\d+"', html)) == sh.n
    assert re.search(r'name="p0" [^>]*value="40.0"', html)
    payload = json.loads(re.search(r'id="live-payload">(.*?)</script>', html, re.S).group(1))
    assert payload["runs"] == 100 and [0, "position", 40.0] in payload_edits(payload, client)


def payload_edits(payload: dict, client) -> list:
    dash = client.app.state.dashboard
    return [list(e) for e in dash.live_request({"p0": "40", "v1": "0"}).edits]


@pytest.mark.parametrize(("query", "message"), [
    ({"runs": "10001"}, "runs: 10,001 is out of range — give a whole number from 0 to 10,000"),
    ({"runs": "many"}, "runs: 'many' is not a whole number"),
    ({"seed": "-1"}, "seed: -1 is out of range"),
    ({"p0": "150"}, "p0: 150 is out of range — give a number from 0 to 100"),
    ({"s2": "nan"}, "s2: nan is out of range"),
    ({"p99": "10"}, "p99: no stakeholder 99 — this case has 20"),
    ({"v0": "maybe"}, "v0: 'maybe' is not 1 or 0"),
    ({"model": "eum,bogus"}, "model: 'bogus' is not a model"),
])
def test_bad_input_is_a_400_with_a_clear_message(client, query, message):
    api = client.get("/api/negotiation", params=query)
    assert api.status_code == 400 and api.json()["error"].startswith(message)
    page = client.get("/negotiation", params=query)
    assert page.status_code == 400
    assert message.replace("'", "&#39;") in error_message(page.text)
    assert "Traceback" not in page.text


def test_unknown_case_and_paths_never_reach_the_filesystem(client):
    for case in ("nope", "../../etc/passwd", "/etc", "russia-japan/../../x"):
        response = client.get("/overview", params={"case": case})
        assert response.status_code == 404
        message = error_message(response.text)
        assert "is not served here — known cases: " in message and "russia-japan" in message
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/evidence/..%2F..%2Fcase.yaml").status_code in (400, 404)
    assert client.get("/download/..%2Fx.csv").status_code in (400, 404)
    assert client.get("/no-such-page").status_code == 404


def test_values_are_escaped(client):
    response = client.get("/case", params={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_read_only(client):
    assert client.post("/api/negotiation").status_code == 405
    assert client.put("/overview").status_code == 405


def test_case_page_lists_cited_records_with_search_and_sort(client, case):
    events = case.table("events")
    html = client.get("/case").text
    assert len(re.findall(r"<tr><td>", html)) == len(events)
    assert "timeline" in figure_blocks(html)
    factors = client.get("/case", params={"table": "factors", "sort": "name", "desc": 1}).text
    header = re.search(r'<table id="records">\s*<thead><tr>(.*?)</tr>', factors, re.S).group(1)
    assert header.endswith("<th scope=\"col\">source</th><th scope=\"col\">locator</th>")
    names = [unescape(n) for n in re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td>", factors)]
    assert names == sorted(case.table("factors")["name"], reverse=True)
    hits = client.get("/case", params={"q": "Neftegorsk"}).text
    expected = events[events.astype(str).apply(lambda c: c.str.contains("Neftegorsk", case=False)).any(axis=1)]
    assert 0 < len(re.findall(r"<tr><td>", hits)) == len(expected)
    assert client.get("/case", params={"table": "secrets"}).status_code == 400


def test_tables_download_as_csv_and_json(client, case):
    csv = client.get("/download/events.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    assert list(pd.read_csv(io.StringIO(csv.text))["id"]) == list(case.table("events")["id"])
    body = client.get("/download/factors.json").json()
    assert len(body["rows"]) == len(case.factors) and body["columns"][-2:] == ["source", "locator"]
    neg = client.get("/download/negotiation.json", params={"runs": 200, "seed": 3, "model": "compromise,eum"}).json()
    page = live(client, runs=200, seed=3, model="compromise,eum")
    assert [r["model"] for r in neg["rows"]] == list(by_model(page))
    assert client.get("/download/events.xlsx").status_code == 400


def evidence_result(case) -> EvidenceResult:
    """A small evidence result in the analysis layer's own shape, for the page's filter and sort."""
    ids = [h.id for h in case.hypotheses[:3]]
    verdicts = pd.DataFrame({
        "hypothesis": ids, "claim": [h.claim for h in case.hypotheses[:3]],
        "status": ["supported", "contradicted", "no data"], "method": [h.test.method for h in case.hypotheses[:3]],
        "expect": [h.test.expect for h in case.hypotheses[:3]], "tests": [1, 1, 0],
        "series": ["unga.agreement", "unga.agreement", ""], "reason": ["", "", "no series"],
        "source": [h.source for h in case.hypotheses[:3]], "locator": [h.locator for h in case.hypotheses[:3]]})
    tests = pd.DataFrame({"hypothesis": ids[:2], "series": ["unga.agreement"] * 2,
                          "status": ["supported", "contradicted"], "effect": [0.42, -0.31],
                          "ci_low": [0.1, -0.6], "ci_high": [0.7, -0.05],
                          "sentence": ["Rises after the summit.", "Falls below its earlier level."]})
    return EvidenceResult(case=case, tests=tests, verdicts=verdicts, series={}, sources=("seed000",))


@pytest.fixture
def with_evidence(client, case):
    dash = client.app.state.dashboard
    done: Future = Future()
    done.set_result(evidence_result(case))
    key = (CASE, "evidence")
    before = dash._parts.get(key)
    dash._parts[key] = done
    client.app.state.pages.clear()  # pages rendered from the real evidence, if it finished first
    yield case
    client.app.state.pages.clear()
    if before is None:
        dash._parts.pop(key)
    else:
        dash._parts[key] = before


def test_evidence_filters_and_sorts_the_verdicts(client, with_evidence):
    case = with_evidence
    ids = [h.id for h in case.hypotheses[:3]]
    html = client.get("/evidence").text
    assert re.findall(r'<a href="/evidence/(H\d+)\?', html) == ids
    assert "supported: 1" in html and "contradicted: 1" in html and "no data: 1" in html
    only = client.get("/evidence", params={"status": "contradicted"}).text
    assert re.findall(r'<a href="/evidence/(H\d+)\?', only) == [ids[1]]
    backwards = client.get("/evidence", params={"sort": "hypothesis", "desc": 1}).text
    assert re.findall(r'<a href="/evidence/(H\d+)\?', backwards) == ids[::-1]
    assert client.get("/evidence", params={"status": "maybe"}).status_code == 400
    json_rows = client.get("/download/evidence.json", params={"status": "supported"}).json()["rows"]
    assert [r["hypothesis"] for r in json_rows] == [ids[0]]


def test_a_claim_opens_to_its_seed_lines_tests_and_verdict(client, with_evidence):
    h = with_evidence.hypotheses[1]
    html = client.get(f"/evidence/{h.id}").text
    assert f"{h.source} {h.locator}" in html
    assert 'id="verdict">contradicted<' in html
    assert "-0.31" in html and "-0.05" in html  # the effect and its interval
    assert '<p class="sentence"><b>unga.agreement</b>: Falls below its earlier level.</p>' in html
    assert "@" in html  # the BibTeX of the seed
    bad = client.get("/evidence/H999")
    assert bad.status_code == 400 and "is not a hypothesis of russia-japan" in error_message(bad.text)


def test_evidence_page_says_it_is_computing_until_the_part_is_ready(tmp_path):
    app = create_app(CASE, store=tmp_path / "none.duckdb", warm=False)
    dash = app.state.dashboard
    gate = threading.Event()
    dash._parts[(CASE, "evidence")] = dash._background.submit(gate.wait)
    try:
        with TestClient(app) as c:
            html = c.get("/evidence").text
            assert 'http-equiv="refresh"' in html and "Still computing" in html
    finally:
        gate.set()
        dash.shutdown()


def test_data_page_lists_datasets_and_what_to_pull(client, tmp_path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path))
    from bilateral.data import catalog

    html = client.get("/data").text
    assert str(tmp_path) in html
    missing = " ".join(catalog.status(tmp_path)["dataset"])
    assert f"bilateral data pull {missing}" in html
    assert "no event store yet" in html


def test_data_page_reads_the_shared_data(client, shared, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))
    from bilateral.data import catalog

    frame = catalog.status(shared / "data")
    html = client.get("/data").text
    assert len(re.findall(r"<td>complete</td>", html)) == int((frame["state"] == "complete").sum())


def test_relations_from_a_store_within_fifty_years(tmp_path, case):
    from bilateral.data.store import Store

    path = tmp_path / "store.duckdb"
    events = case.table("events")
    frame = pd.DataFrame({"event_id": events["id"], "date": events["day"], "precision": events["precision"],
                          "source_iso3": events["source_iso3"], "source_sector": events["source_actor"],
                          "target_iso3": events["target_iso3"], "target_sector": events["target_actor"],
                          "cameo": events["cameo"], "ref": events["source"] + " " + events["locator"]})
    with Store(path) as store:  # the case's events under a dataset name the index reads (not case:…)
        store.ingest_frame(frame, "test-events", "events.csv")
    app = create_app(CASE, store=path, warm=False)
    dash = app.state.dashboard
    try:
        with TestClient(app) as c:
            dash.compute(("index", CASE, "RUS", "JPN", "Y"), dash.analysis(CASE).event_index, "RUS", "JPN",
                         "Y").result(timeout=300)
            response = c.get("/relations", params={"freq": "Y", "from": "1991", "to": "2010"})
            assert response.status_code == 200
            rows = re.findall(r"<tr><td>(\d{4})</td>", response.text)
            assert rows == [str(y) for y in range(1991, 2011)]
            assert "relations" in figure_blocks(response.text)
            wide = c.get("/relations", params={"freq": "Y", "from": "1900", "to": "2010"})
            assert wide.status_code == 400
            assert "111.0 years asked — give a range of at most 50 years" in error_message(wide.text)
            assert c.get("/relations", params={"a": "R1"}).status_code == 400
            csv = c.get("/download/relations.csv", params={"freq": "Y", "from": "1991", "to": "2010"})
            assert len(pd.read_csv(io.StringIO(csv.text))) == 20
    finally:
        dash.shutdown()


@pytest.mark.parametrize(("query", "message"), [
    ({"from": "abcd"}, "from: 'abcd' is not a year or month — write YYYY or YYYY-MM"),
    ({"to": "2020-13"}, "to: '2020-13' is not a year or month"),
    ({"from": "1900", "to": "2020"}, "to: 121.0 years asked — give a range of at most 50 years"),
    ({"from": "2000", "to": "1990"}, "from: 2000-01 is after to=1990-12 — give from ≤ to"),
])
def test_a_bad_date_range_is_a_400_even_without_a_store(client, query, message):
    response = client.get("/relations", params=query)
    assert response.status_code == 400 and unescape(error_message(response.text)).startswith(message)


def test_relations_without_a_store_says_what_to_do(client):
    dash = client.app.state.dashboard
    dash.compute(("index", CASE, "RUS", "JPN", "M"), dash.analysis(CASE).event_index, "RUS", "JPN", "M").exception(
        timeout=300)
    html = client.get("/relations").text
    assert "no event store at" in html and "ingest event data" in html


def test_a_full_pool_answers_429_and_a_slow_job_503(tmp_path):
    app = create_app(CASE, store=tmp_path / "none.duckdb", warm=False, workers=1, queue=0)
    dash = app.state.dashboard
    gate = threading.Event()
    blocker = dash.pool.submit(gate.wait)
    try:
        with TestClient(app) as c:
            response = c.get("/api/negotiation", params={"runs": 10})
            assert response.status_code == 429 and response.headers["retry-after"] == "1"
            assert "all 1 workers are busy" in response.json()["error"]
            page = c.get("/negotiation")
            assert page.status_code == 429 and "try again in a moment" in error_message(page.text)
    finally:
        gate.set()
        blocker.result(timeout=10)
        dash.shutdown()
    assert dash.pool.in_flight == 0


def test_pool_bounds_and_time_limit():
    pool = Pool(workers=1, queue=1, timeout=0.05)
    gate = threading.Event()
    first = pool.submit(gate.wait)
    with pytest.raises(TooSlow, match=r"0\.05 s limit"):
        asyncio.run(pool.run(gate.wait))
    with pytest.raises(Busy):
        pool.submit(gate.wait)
    gate.set()
    first.result(timeout=5)
    assert asyncio.run(pool.run(lambda: 7)) == 7
    pool.shutdown()


def test_serve_binds_loopback_by_default_and_warns_for_another_host(monkeypatch):
    import typer
    import uvicorn
    from typer.testing import CliRunner

    from bilateral.cli.serve import is_loopback, serve

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    cli = typer.Typer()
    cli.command()(serve)
    cli.command("unused")(lambda: None)  # two commands: typer keeps the subcommand name
    quiet = CliRunner().invoke(cli, ["serve", "--port", "8123"])
    assert quiet.exit_code == 0, quiet.output
    assert calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8123 and "warning" not in quiet.output
    loud = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert loud.exit_code == 0 and calls[-1]["host"] == "0.0.0.0"
    assert "warning: binding 0.0.0.0: the dashboard is reachable from other machines" in loud.output
    assert is_loopback("::1") and is_loopback("localhost") and not is_loopback("192.168.1.2")
    for app in (c["app"] for c in calls):
        app.state.dashboard.shutdown()


# -- what it would take, Parquet --------------------------------------------------------------


def test_negotiation_shows_what_it_would_take_for_the_edited_stakeholders(client, case):
    from bilateral.simulate import what_it_would_take

    sh = load_stakeholders(case).with_values(file=case.scale.name)
    duma = sh.actor.index("rus_duma")
    for query in ({}, {f"p{duma}": "30"}):
        body = live(client, runs=0, model="compromise,eum", **query)
        edited = client.app.state.dashboard.edited(client.app.state.dashboard.live_request(query))
        direct = what_it_would_take(edited, ["compromise", "eum"])
        take = {row[0]: dict(zip(body["take"]["table"]["columns"], row, strict=True))
                for row in body["take"]["table"]["rows"]}
        assert list(take) == ["compromise", "eum"]
        for r in direct.itertuples():
            assert take[r.model]["actors"] == r.actors and take[r.model]["now"] == r.now
            assert (take[r.model]["needed_position"] == "") == bool(np.isnan(r.needed_position))
            if not np.isnan(r.needed_position):
                assert float(take[r.model]["needed_position"]) == pytest.approx(r.needed_position)
        if query:  # the moved veto player can reach the threshold: no longer binding, nor among those who must move
            assert "rus_duma" not in take["eum"]["actors"].split(", ") and "rus_duma" not in body["take"]["rule"]
        else:
            assert "rus_duma" in take["eum"]["actors"] and "0 by construction" in body["take"]["rule"]
    html = client.get("/negotiation", params={"runs": 0}).text
    assert 'id="take-rule"' in html and re.search(r'<table id="take">', html)


def test_every_table_downloads_as_parquet_with_its_citations(client, case):
    events = client.get("/download/events.parquet")
    assert events.status_code == 200 and events.headers["content-type"] == "application/vnd.apache.parquet"
    frame = pd.read_parquet(io.BytesIO(events.content))
    as_csv = pd.read_csv(io.StringIO(client.get("/download/events.csv").text))
    assert list(frame["id"]) == list(as_csv["id"]) == list(case.table("events")["id"])
    assert frame.attrs["sources"] == client.get("/download/events.json").json()["sources"]
    sh = pd.read_parquet(io.BytesIO(client.get("/download/stakeholders.parquet", params={"p0": "40"}).content))
    assert sh.loc[0, "position"] == 40.0 and len(sh) == len(case.stakeholders)
    take = client.get("/download/negotiation-take.json", params={"model": "eum"}).json()
    assert [r["model"] for r in take["rows"]] == ["eum"]
    parquet = client.get("/download/negotiation-take.parquet", params={"model": "eum"})
    binary = pd.read_parquet(io.BytesIO(parquet.content))
    assert binary.attrs["sources"] == take["sources"] and take["sources"]
    assert list(binary["needed_position"]) == [r["needed_position"] for r in take["rows"]]
    assert client.get("/download/latent.txt").status_code == 400


# -- the dynamics page -----------------------------------------------------------------------


def wait_ready(c: TestClient, url: str, timeout: float = 900.0) -> str:
    """The page once its background part is computed (it says "Still computing" until then)."""
    import time

    start = time.monotonic()
    while True:
        response = c.get(url)
        if "Still computing" not in response.text:
            assert response.status_code == 200, (url, error_message(response.text))
            return response.text
        assert time.monotonic() - start < timeout, f"{url} still computing after {timeout:g} s"
        time.sleep(2)


def test_dynamics_without_data_says_what_to_get(tmp_path, monkeypatch):
    monkeypatch.delenv("BILATERAL_DATA", raising=False)
    monkeypatch.setenv("BILATERAL_HOME", str(tmp_path))
    app = create_app(CASE, store=tmp_path / "none.duckdb", warm=False, timeout=600)
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            html = unescape(wait_ready(c, "/dynamics"))
            assert re.search(r'id="reason">[^<]*(bilateral data pull|BILATERAL_DATA)', html)
            assert 'id="scenario"' not in html
            unknown = c.get("/dynamics", params={"case": "atlantis"})
            assert unknown.status_code == 404 and "is not served here" in error_message(unknown.text)
            bad = c.get("/dynamics", params={"y0": "soon", "w0": "relation"})
            assert bad.status_code == 400 and "y0: &#39;soon&#39; is not a whole number" in error_message(bad.text)
    finally:
        app.state.dashboard.shutdown()


@pytest.fixture(scope="module")
def data_client(tmp_path_factory, shared):
    """A dashboard over the shared data, its dynamics and latent parts computed (a few minutes)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BILATERAL_DATA", str(shared / "data"))
        mp.setenv("BILATERAL_HOME", str(tmp_path_factory.mktemp("data-home")))
        app = create_app(CASE, store=tmp_path_factory.mktemp("data-web") / "store.duckdb", warm=False, runs=200,
                         timeout=600)
        with TestClient(app, raise_server_exceptions=False) as c:
            wait_ready(c, "/dynamics")
            yield c
        app.state.dashboard.shutdown()


THAW = {"y0": "2026", "w0": "putin_abe_rapport_peak", "y1": "2026", "w1": "sanctions_lifted",
        "y2": "2026", "w2": "rus_popularity", "a2": "0.2", "y3": "2026", "w3": "jpn_popularity", "a3": "0.2"}


def test_a_built_scenario_matches_the_simulation_of_the_same_shocks(data_client, case):
    from bilateral.case.dynamics import load_dynamics
    from bilateral.simulate import breakthrough_scenarios

    dash = data_client.app.state.dashboard
    fit = dash.part_future(CASE, "dynamics").result().fit
    dyn = load_dynamics(case)
    preset = {e.scenario or e.driver: e for e in dyn.scenario("thaw").events}
    assert set(preset) == {THAW[f"w{i}"] for i in range(4)}  # THAW is the case's "thaw" scenario
    query = {**THAW, "paths": "300", "seed": "5", "model": "eum,smp"}
    got = data_client.get("/download/dynamics.json", params=query).json()
    direct = breakthrough_scenarios(fit, case, dyn, scenarios=["baseline", "thaw"], models=["eum", "smp"],
                                    paths=300, rng=5).table()
    mine = {(r["scenario"], r["model"]): r["p"] for r in got["rows"]}
    expected = {({"thaw": "edited"}.get(r.scenario, r.scenario), r.model): r.p for r in direct.itertuples()}
    assert mine == pytest.approx(expected)
    assert mine[("edited", "smp")] > mine[("baseline", "smp")]  # the thaw opens what the baseline does not
    html = data_client.get("/dynamics", params=query).text
    blocks = figure_blocks(html)
    assert {"scenario_fan", "scenario_breakthrough", "dynamics_fan", "dynamics_breakthrough"} <= set(blocks)
    assert len(re.findall(r'<tr class="shock">', html)) == 4
    years = data_client.get("/download/dynamics-years.csv", params=query)
    frame = pd.read_csv(io.StringIO(years.text))
    assert set(frame["scenario"]) == {"baseline", "edited"} and frame["year"].max() == fit.series.index[-1].year + 20


def array(values) -> list:
    """A plotly JSON array: a list, or plotly's typed array ``{"dtype", "bdata"}`` (base64)."""
    import base64

    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def test_a_shock_changes_the_fan_and_no_shock_is_the_baseline(data_client):
    def fan(params):
        blocks = figure_blocks(data_client.get("/dynamics", params={"paths": "200", "years": "10", **params}).text)
        return {t["name"]: array(t["y"]) for t in blocks["scenario_fan"]["data"] if t["name"].endswith("median")}

    calm = fan({})
    assert calm["your scenario: median"] == calm["no new shock: median"]
    pushed = fan({"y0": "2027", "w0": "relation", "a0": "3"})
    assert pushed["no new shock: median"] == calm["no new shock: median"]
    assert all(m > b for m, b in zip(pushed["your scenario: median"][3:], calm["no new shock: median"][3:],
                                     strict=True))
    fading = fan({"y0": "2027", "w0": "relation", "a0": "3", "h0": "1"})
    assert fading["your scenario: median"][-1] < pushed["your scenario: median"][-1]


def test_the_builder_s_links_carry_the_scenario(data_client, case):
    from urllib.parse import parse_qsl, urlsplit

    from bilateral.case.dynamics import load_dynamics

    dash = data_client.app.state.dashboard
    html = unescape(data_client.get("/dynamics", params={**THAW, "paths": "100"}).text)
    removes = re.findall(r'<a class="remove" href="([^"]+)"', html)
    assert len(removes) == 4
    rest = dash.scenario_request(dict(parse_qsl(urlsplit(removes[1]).query))).shocks
    assert [w for _, w, _, _ in rest] == [THAW["w0"], THAW["w2"], THAW["w3"]]
    presets = dict(re.findall(r'<a href="(/dynamics\?[^"]+)">([^<]+)</a>', html.split('id="presets"')[1])[:-1])
    dyn = load_dynamics(case)
    for url, name in presets.items():
        scenario = next(s for s in dyn.scenarios if s.name == name)
        shocks = dash.scenario_request(dict(parse_qsl(urlsplit(url).query))).shocks
        assert [(w, a) for _, w, a, _ in shocks] == [(e.scenario or e.driver, e.add) for e in scenario.events]
    assert len(presets) == len(dyn.scenarios)


@pytest.mark.parametrize(("query", "message"), [
    ({"y0": "2200", "w0": "sanctions_lifted"}, "shock 1: year 2200 is outside the simulated years"),
    ({"y0": "2027", "w0": "atlantis"}, "shock 1: &#39;atlantis&#39; is neither a case scenario nor a driver"),
    ({"y0": "2027", "w0": "relation"}, "shock 1: a push on relation needs a size"),
    ({"y0": "2027", "w0": "relation", "a0": "9"}, "shock 1: size 9 is out of range — give a push from -5 to 5"),
    ({"y0": "2027", "w0": "rapport", "a0": "0.2", "h0": "0"}, "shock 1: half-life 0 is out of range"),
    ({"y0": "2027", "w0": "sanctions_lifted", "a0": "1"}, "shock 1: sanctions_lifted is a case scenario"),
    ({"w0": "relation", "a0": "1"}, "y0: a shock needs its year"),
    ({"a4": "1"}, "w4: a shock with a size or half-life needs a what"),
    ({"w0": "Robert'); DROP", "y0": "2027"}, "w0: \"Robert'); DROP\" is not a scenario or driver id"),
    ({"paths": "99999"}, "paths: 99,999 is out of range — give a whole number from 1 to 2,000"),
    ({"paths": "2000", "years": "50"}, "paths × years: 2,000 paths over 50 years (two scenarios) is more than"),
    ({"years": "51"}, "years: 51 is out of range"),
    ({"by": "2100"}, "by: 2100 is not a simulated year"),
    ({"model": "oracle"}, "model: &#39;oracle&#39; is not a model"),
    ({**{f"y{i}": "2027" for i in range(21)}, **{f"w{i}": "relation" for i in range(21)},
      **{f"a{i}": "0.1" for i in range(21)}}, "shocks: 21 shocks given — a scenario has at most 20"),
])
def test_dynamics_bad_input_is_a_400_naming_the_field(data_client, query, message):
    page = data_client.get("/dynamics", params=query)
    assert page.status_code == 400, page.text[:300]
    assert unescape(message) in unescape(error_message(page.text))
    assert "Traceback" not in page.text
    download = data_client.get("/download/dynamics.json", params=query)
    assert download.status_code == 400 and unescape(message) in download.json()["error"]


def test_relations_draws_the_latent_index_with_bands_and_key_events(data_client, case):
    from bilateral.case.select import key_events

    html = wait_ready(data_client, "/relations")
    latent = figure_blocks(html)["latent"]
    names = [t.get("name") for t in latent["data"]]
    assert "90 % band" in names and "relation index" in names
    marks = next(t for t in latent["data"] if t.get("name") == "key events")
    assert len(array(marks["x"])) == len(key_events(case))
    index = data_client.app.state.dashboard.part_future(CASE, "latent").result().index
    last = str(index.mean.index[-1])[:7]
    assert latent["layout"]["xaxis"]["range"][1].startswith(last)
    narrow = figure_blocks(wait_ready(data_client, "/relations?from=1990&to=1999"))["latent"]
    assert narrow["layout"]["xaxis"]["range"] == ["1990-01-01", "1999-12-28"]
    table = pd.read_parquet(io.BytesIO(data_client.get("/download/latent.parquet").content))
    assert len(table) == len(index.mean) and {"mean", "low", "high"} <= set(table.columns)
    assert table.attrs["sources"]
