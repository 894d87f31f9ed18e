"""The analysis layer: every part once, one result protocol, faces that only render."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import bilateral
from bilateral import BilateralError, simulate
from bilateral.analysis import Analysis, Result
from bilateral.measure import panel as panels
from bilateral.report import write_report

PARTS = ("overview", "relations", "latent", "longrun", "evidence", "negotiation")


def _digest(*arrays) -> str:
    digest = hashlib.sha256()
    for a in arrays:
        digest.update(np.ascontiguousarray(a, dtype=float).tobytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def counted(shared, tmp_path_factory):
    """One report of the built-in case on the real data, counting panel builds and model solves.

    Solves are counted for everything but the relations dynamics, whose simulated paths solve
    every model once per year and scenario on inputs of their own (computed first, uncounted).
    """
    built: Counter = Counter()
    solved: Counter = Counter()
    counting = {"on": False}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BILATERAL_DATA", str(shared / "data"))
        mp.setenv("BILATERAL_HOME", str(tmp_path_factory.mktemp("home")))
        original = panels.panel

        def panel(*args, **kwargs):
            built[kwargs.get("freq", "Y")] += 1
            return original(*args, **kwargs)

        mp.setattr(panels, "panel", panel)
        for cls in simulate.MODELS.values():
            inner = cls.solve_batch

            def solve_batch(self, batch, _inner=inner):
                if counting["on"]:
                    key = (self.name, repr(sorted(self.get_params().items())),
                           _digest(batch.position, batch.salience, batch.capability))
                    solved[key] += 1
                return _inner(self, batch)

            mp.setattr(cls, "solve_batch", solve_batch)
        store = tmp_path_factory.mktemp("store") / "store.duckdb"
        with bilateral.Store(store) as db:
            db.ingest(shared / "data/events/icews-daily/2019012*.gz")
        analysis = Analysis("russia-japan", runs=60, rng=3, store=store)
        assert analysis.dynamics.available, analysis.dynamics.reason
        counting["on"] = True
        report = write_report(analysis, tmp_path_factory.mktemp("report"))
    return analysis, report, built, solved


def test_one_report_builds_each_panel_once(counted):
    _analysis, _report, built, _solved = counted
    assert dict(built) == {"Y": 1, "M": 1}


def test_one_report_solves_each_model_once_per_input(counted):
    _analysis, _report, _built, solved = counted
    repeated = {key: n for key, n in solved.items() if n > 1}
    assert not repeated
    models = {name for name, *_ in solved}
    assert models == set(simulate.MODELS)


def test_every_part_follows_the_result_protocol(counted):
    analysis, *_ = counted
    for name in PARTS:
        part = getattr(analysis, name)
        assert isinstance(part, Result), name
        assert part.available, f"{name}: {part.reason}"
        table = part.table()
        assert isinstance(table, pd.DataFrame) and len(table), name
        assert table.attrs["sources"] == sorted(set(part.sources)) and part.sources, name
        assert not any(isinstance(v, pd.Series | pd.DataFrame) for v in table.attrs.values()), name
        summary = part.summary()
        assert summary["available"] is True and json.dumps(summary, default=str)
        figures = part.figures()
        assert figures and all(isinstance(f, go.Figure) for f in figures.values()), name
        assert len(repr(part)) < 400 and part._repr_html_().startswith("<")


def test_parts_are_computed_once(counted):
    analysis, *_ = counted
    assert analysis.evidence is analysis.evidence and analysis.panel("Y") is analysis.panel("Y")


def test_report_headline_comes_from_the_parts(counted):
    analysis, report, *_ = counted
    counts = analysis.evidence.counts()
    line = next(x for x in report.headline if x.startswith("Evidence"))
    total = sum(counts.values())
    assert f"{total} claims: {counts['supported']} supported, {counts['contradicted']} contradicted" in line
    assert sum(counts.values()) == len(analysis.case.hypotheses)
    html = report.path.read_text(encoding="utf-8")
    assert "In 60 simulated negotiations" in html
    odds = next(x for x in report.headline if x.startswith("Breakthrough today:"))
    assert "by construction" in odds and "P(breakthrough by 2035) ranges from" in odds  # fixed, then moving
    assert "Unknown (n.d.)" not in html
    assert f"bilateral</code> {bilateral.__version__}" in html and "unvotes" in html  # software and data versions
    # citations show the work and the lines, linked to the bibliography, not internal file names
    assert '<a href="#ref-seed003">Sevastyanov (2017)</a>, line 6' in html and 'id="ref-seed003"' in html
    text = re.sub(r"<script.*?</script>", "", html, flags=re.S).split('id="bibliography"')[0]  # hover data aside
    assert "000_7f62de5ec775ad22.txt:L" not in text and "lines 595–670" in text


def test_without_data_each_part_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path / "empty"))
    analysis = Analysis("russia-japan", store=tmp_path / "none.duckdb", runs=20)
    assert not analysis.relations.available and "no event store at" in analysis.relations.reason
    assert analysis.relations.table().empty and analysis.relations.figures() == {}
    assert not analysis.longrun.available and "bilateral data pull" in analysis.longrun.reason
    assert "not available" in repr(analysis.longrun)
    assert analysis.evidence.available and analysis.evidence.counts()["no data"] > 0
    assert analysis.overview.available and analysis.overview.summary()["events"] == len(analysis.case.events)


def test_rng_is_a_seed_or_a_generator(tmp_path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path))
    for bad in (-1, 1.5, "one"):
        with pytest.raises(BilateralError, match="rng="):
            Analysis("russia-japan", rng=bad)
    first = Analysis("russia-japan", runs=30, rng=7).negotiation.table()
    again = Analysis("russia-japan", runs=30, rng=7).negotiation.table()
    pd.testing.assert_frame_equal(first, again)
    generated = Analysis("russia-japan", runs=30, rng=np.random.default_rng(7)).negotiation
    assert generated.available and generated.summary()["runs"] == 30


def test_locators_read_as_lines():
    from bilateral.report.writer import locator_text

    assert locator_text("000_7f62de5ec775ad22.txt:L595-670") == "lines 595–670"
    assert locator_text("003_38330fa16acfc2ba.txt:L6") == "line 6"
    assert locator_text("p. 78, table 1") == "p. 78, table 1"


def test_analysis_is_reachable_from_import_bilateral():
    assert bilateral.Analysis is Analysis
    assert "Analysis" in dir(bilateral)


def test_faces_import_only_the_analysis_layer():
    """report/, web/ and cli/ render results: they never import measure, explain or simulate."""
    import ast

    root = Path(bilateral.__file__).parent
    forbidden = ("bilateral.measure", "bilateral.explain", "bilateral.simulate")
    found = []
    for folder in ("report", "web", "cli"):
        for path in (root / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                           and getattr(block.test, "id", "") == "TYPE_CHECKING" for n in ast.walk(block)}
            for node in ast.walk(tree):
                if id(node) in typing_only:
                    continue
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                    [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.module == "bilateral":
                    names = [f"bilateral.{a.name}" for a in node.names]
                found += [f"{path.relative_to(root)}: {n}" for n in names if n.startswith(forbidden)]
    assert found == []


def test_evidence_figures_mark_claims_that_name_events_by_id(case_copy):
    """A test may name events by id (E107) as well as by date; the figure marks the event's day."""
    path = case_copy / "hypotheses.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('event: ["2011-03-11"]', "event: [E107]"),
                    encoding="utf-8")
    case = bilateral.load_case(case_copy)
    from bilateral.analysis import EvidenceResult

    index = pd.period_range("2010-01", "2012-12", freq="M")
    series = pd.Series(np.linspace(-1, 1, len(index)), index=index)
    tests = pd.DataFrame([{"hypothesis": "H14", "series": "opinion.like_russia", "status": "inconclusive"}])
    part = EvidenceResult(case=case, tests=tests, verdicts=tests, series={"H14|opinion.like_russia": series})
    figure = part.figures()["H14"]
    marks = [shape.x0 for shape in figure.layout.shapes]
    assert marks == [pd.Timestamp("2011-03-11").value / 1e6]


def test_latent_part_answers_how_good_and_when_best(counted):
    analysis, report, *_ = counted
    part = analysis.latent
    best = part.best_period()
    assert best["id"] in {p.id for p in analysis.case.periods} and 0 < best["p_best"] <= 1
    periods = part.best[part.best["kind"] == "period"]
    assert abs(periods["p_best"].sum() - 1) < 1e-9  # one best period per draw
    table = part.table()
    assert (table["low"] <= table["mean"]).all() and (table["mean"] <= table["high"]).all()
    line = next(x for x in report.headline if x.startswith("Relation index"))
    assert part.summary()["best"]["period"] in line
    assert 'id="relation-index-figure"' in report.path.read_text(encoding="utf-8")


def test_model_fitting_parts_can_be_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path))
    quick = Analysis("russia-japan", runs=20, skip=["latent", "dynamics"])
    assert not quick.latent.available and "skipped" in quick.latent.reason
    assert not quick.dynamics.available and quick.dynamics.figures() == {}
    with pytest.raises(BilateralError, match="only latent, dynamics can be skipped"):
        Analysis("russia-japan", skip=["evidence"])
    report = write_report(quick, tmp_path / "out")
    html = report.path.read_text(encoding="utf-8")
    assert "Not available: skipped" in html and not any(x.startswith("Relation index") for x in report.headline)
