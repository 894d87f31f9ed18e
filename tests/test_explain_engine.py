"""The engine: the case's hypotheses against the real data in ../shared/data, and against a fake
series source that counts what the engine asks of it."""

import json
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bilateral import BilateralError, load_case, validate_case
from bilateral.case import parse_series_ref
from bilateral.cli import app
from bilateral.explain import Evidence, evaluate, summarise
from bilateral.explain.timeline import transitions
from bilateral.measure.index import METRICS

STATUSES = {"supported", "contradicted", "inconclusive", "no data"}


@pytest.fixture(scope="module")
def case():
    return load_case("russia-japan")


@pytest.fixture(scope="module")
def verdicts(shared: Path, tmp_path_factory, case):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA", str(shared / "data"))
        patch.setenv("BILATERAL_HOME", str(tmp_path_factory.mktemp("home")))
        evidence = Evidence(case)
        table = evaluate(case, evidence=evidence)
        yield case, table, summarise(table, case), evidence


def test_every_hypothesis_gets_a_verdict_or_a_reason(verdicts):
    case, table, summary, _ = verdicts
    assert list(summary["hypothesis"]) == [h.id for h in case.hypotheses]
    assert set(summary["status"]) <= STATUSES
    assert (summary["status"] != "no data").sum() >= 30
    missing = table[table["status"] == "no data"]
    assert missing["reason"].str.len().min() > 10
    assert missing["reason"].str.contains("no event store").any()  # no store in this test
    ran = table[table["status"] != "no data"]
    assert ran["method"].notna().all() and ran["sources"].str.len().min() > 0
    tested = ran["p"].notna()
    assert (ran.loc[tested, "p_adjusted"] >= ran.loc[tested, "p"] - 1e-12).all()


def test_attrs_are_light_and_list_every_citation(verdicts):
    _, table, summary, evidence = verdicts
    assert set(table.attrs) == {"adjustment", "sources"} and table.attrs["adjustment"] == "holm"
    keys = {k for text in table["sources"] if text for k in text.split(", ")}
    assert table.attrs["sources"] == sorted(keys) and summary.attrs["sources"] == sorted(keys)
    assert {"voeten2009unvotes", "jiji_poll"} <= keys
    # a regression's predictors are cited on its row, and the series it used come from the evidence
    row = table[(table["hypothesis"] == "H11") & (table["status"] != "no data")].iloc[0]
    case_test = next(h.test for h in verdicts[0].hypotheses if h.id == "H11")
    for ref in [row["series"], *case_test.predictors]:
        _, cited = evidence.series(ref, case_test.freq)
        assert set(cited) <= set(row["sources"].split(", "))


def test_dislike_of_russia_fell_but_not_surely_enough_to_refute_persistence(verdicts):
    """H06 was "contradicted" by a Newey–West trend; calibrated for serial correlation, the fall of
    about 11 points a decade has an interval reaching zero, so the claim is left open, and the
    sentence says so with the sign and units of the series."""
    _, table, summary, evidence = verdicts
    row = table[(table["hypothesis"] == "H06") & (table["series"] == "opinion.dislike_russia")].iloc[0]
    assert row["effect"] == pytest.approx(-10.76, abs=0.01) and row["unit"] == "per 10 periods"
    assert row["status"] == "inconclusive" and row["low"] < row["effect"] < 0 < row["high"]
    assert row["directness"] == "direct" and "a fall would contradict it" in row["sentence"]
    assert "Data: -10.8 per 10 periods" in row["sentence"]
    assert summary.set_index("hypothesis").loc["H06", "status"] == "inconclusive"
    series, sources = evidence.series("opinion.dislike_russia", "Y")
    assert series.index.freqstr.startswith("Y") and "jiji_poll" in sources
    assert repr(evidence).startswith("<Evidence for case 'russia-japan': ") and len(repr(evidence)) < 200


def test_no_claim_is_contradicted_at_a_large_adjusted_p_and_narrative_rows_do_not_count(verdicts):
    _, table, summary, _ = verdicts
    ran = table[table["status"] != "no data"]
    assert (ran.loc[ran["status"] == "contradicted", "p_adjusted"] < 0.05).all()
    assert ran["sentence"].str.startswith("Expects ").all() and ran["mde"].gt(0).all()
    narrative = table[table["series"].str.startswith("case_events.")]
    assert (narrative["directness"] == "narrative only").all()
    assert narrative["directness_reason"].str.contains("coded from seed").all()
    h56 = summary.set_index("hypothesis").loc["H56"]
    assert h56["status"] != "supported"  # only the case's own events once "supported" it
    assert set(table.loc[table["series"] == "unga.agreement", "directness"]) == {"proxy"}
    constant = table[table["series"] == "alliance.defense"].iloc[0]
    assert constant["status"] == "no data" and "a constant cannot show an effect" in constant["reason"]


def test_explain_cli_json(shared: Path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))
    result = CliRunner().invoke(app, ["explain", "--hypothesis", "H06", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["hypothesis"], r["status"]) for r in rows] == [("H06", "inconclusive")]


def test_unknown_series_is_caught_at_validation(case_copy: Path):
    path = case_copy / "hypotheses.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("series: [opinion.dislike_russia", "series: [opinion.warmth", 1), encoding="utf-8")
    problems = [p for p in validate_case(case_copy) if p.file == "hypotheses.yaml"]
    assert problems and "unknown metric 'warmth' for opinion" in problems[0].message


def test_putin_abe_are_not_shown_to_be_behind_on_un_agreement(verdicts):
    """H01 was "contradicted" by a bootstrap that put another pair ahead of 82 % of noise; with
    simultaneous intervals to each rival, the gap to the best pair includes zero."""
    _, table, _, _ = verdicts
    row = table[(table["hypothesis"] == "H01") & (table["series"] == "unga.agreement")].iloc[0]
    assert row["low"] < row["effect"] < 0 < row["high"] and row["status"] == "inconclusive"
    assert row["detail"].startswith("best first: yeltsin+miyazawa > ") and "more" in row["detail"]
    assert row["unit"] == "target minus closest rival"


def test_breaks_are_compared_with_leader_changes(verdicts):
    case, table, _, _ = verdicts
    marks = transitions(case, "Y")
    assert marks[pd.Period("2012", "Y")] in {"Vladimir Putin takes office", "Shinzo Abe takes office",
                                              "period 'putin_abe' begins"}
    breaks = table[table["method"].fillna("").str.startswith("change points")]
    assert len(breaks) and breaks["detail"].str.contains("period(s) from", regex=False).any(), breaks["detail"].tolist()


class FakeSource:
    """Synthetic panels and event indices for every series the case names; counts the calls."""

    def __init__(self, case):
        self.case, self.calls = case, Counter()
        self.columns = set()
        for h in case.hypotheses:
            for ref in [*h.test.series, *(h.test.predictors or [])]:
                parsed = parse_series_ref(ref)
                if parsed.family not in ("events", "case_events", "sanctions"):
                    a, b = parsed.dyad or (None, None)
                    self.columns.add(ref if a is None else f"{parsed.family}.{parsed.metric}@{a}-{b}")

    @staticmethod
    def _frame(index: pd.PeriodIndex, columns, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        return pd.DataFrame({c: rng.normal(size=len(index)).cumsum() for c in sorted(columns)}, index=index)

    def panel(self, freq: str) -> pd.DataFrame:
        self.calls["panel", freq] += 1
        frame = self._frame(pd.period_range("1946", "2023", freq=freq), self.columns, 1)
        frame.attrs = {"columns": {c: {"citation": ["fake_panel"]} for c in frame}, "skipped": {}}
        return frame

    def event_index(self, a: str, b: str, freq: str) -> pd.DataFrame:
        self.calls["event_index", a, b, freq] += 1
        table = self._frame(pd.period_range("1995-01", "2020-12", freq=freq), METRICS, 2)
        table["no_events"] = False
        table.attrs["sources"] = ["fake_events"]
        return table


@pytest.fixture
def no_store(monkeypatch):
    """Any attempt to open a DuckDB store fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the engine opened a store")
    monkeypatch.setattr(duckdb, "connect", refuse)


@pytest.fixture(scope="module")
def faked(case):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(duckdb, "connect", lambda *a, **k: pytest.fail("the engine opened a store"))
        source = FakeSource(case)
        table = evaluate(case, evidence=Evidence(case, source=source))
    return source, table


def test_a_given_source_is_asked_once_per_table_and_no_store_is_opened(faked):
    source, table = faked
    assert source.calls and max(source.calls.values()) == 1
    assert {k[1] for k in source.calls if k[0] == "panel"} == {"Y", "M"}
    # the case dyad's index and a third party's (the China factor's claims name RUS–CHN)
    assert ("event_index", "RUS", "JPN", "Q") in source.calls and ("event_index", "RUS", "CHN", "Y") in source.calls
    ran = table[table["status"] != "no data"]
    assert len(ran) >= 70 and {"fake_panel", "fake_events"} <= set(table.attrs["sources"])
    assert (table.loc[table["series"].str.startswith("events."), "status"] != "no data").all()


def test_a_test_does_not_depend_on_the_others_run(faked, case, no_store):
    _, full = faked
    alone = evaluate(case, hypotheses=["H01", "H20"], evidence=Evidence(case, source=FakeSource(case)))
    part = full[full["hypothesis"].isin(["H01", "H20"])].reset_index(drop=True)
    columns = ["hypothesis", "series", "effect", "low", "high", "p", "detail"]
    pd.testing.assert_frame_equal(alone[columns], part[columns])


def test_same_seed_same_table_another_seed_another_bootstrap(case, no_store):
    def run(rng):
        return evaluate(case, hypotheses=["H01", "H20"], evidence=Evidence(case, source=FakeSource(case)), rng=rng)

    first = run(0)
    pd.testing.assert_frame_equal(first, run(0))
    pd.testing.assert_frame_equal(run(np.random.default_rng(7)), run(np.random.default_rng(7)))
    other = run(1)
    ranked = first["method"].str.startswith("ranking")
    assert ranked.any()
    assert not np.allclose(first.loc[ranked, ["low", "high", "p"]], other.loc[ranked, ["low", "high", "p"]])
    assert (first.loc[ranked, "effect"] == other.loc[ranked, "effect"]).all()  # the point estimate is not random
    placebo = first["method"].str.contains("placebo dates")
    assert placebo.any() and (first.loc[placebo, "effect"] == other.loc[placebo, "effect"]).all()


@pytest.mark.parametrize(("options", "message"), [
    ({"adjust": "holmes"}, r"unknown p-value adjustment 'holmes': use holm, fdr_bh .*fdr_by"),
    ({"hypotheses": ["H01", "H999"]}, r"unknown hypothesis id\(s\) H999 .*use any of H01, "),
    ({"rng": "seven"}, r"rng must be an int seed or a numpy Generator"),
])
def test_bad_arguments_raise_before_any_series_is_resolved(case, options, message):
    source = FakeSource(case)
    with pytest.raises(BilateralError, match=message):
        evaluate(case, evidence=Evidence(case, source=source), **options)
    assert not source.calls


def test_evidence_takes_a_source_or_a_store(case, tmp_path):
    with pytest.raises(BilateralError, match="a source or a store, not both"):
        Evidence(case, source=FakeSource(case), store=tmp_path / "store.duckdb")
    with pytest.raises(BilateralError, match="a store or an evidence object, not both"):
        evaluate(case, evidence=Evidence(case, source=FakeSource(case)), store=tmp_path / "store.duckdb")


def test_a_failing_source_is_asked_once_and_every_test_says_why(case, no_store):
    class Failing(FakeSource):
        def panel(self, freq):
            self.calls["panel", freq] += 1
            raise BilateralError(f"no {freq} panel here")

    source = Failing(case)
    table = evaluate(case, hypotheses=["H06", "H14", "H37"], evidence=Evidence(case, source=source))
    assert source.calls["panel", "Y"] == 1 and source.calls["panel", "M"] == 1
    panel_rows = table[table["series"].str.startswith(("opinion.", "trade"))]
    assert len(panel_rows) == 4 and (panel_rows["status"] == "no data").all()
    assert table.loc[table["series"] == "events.net_cooperation_norm", "status"].ne("no data").all()
    assert set(panel_rows["reason"]) == {"no Y panel here", "no M panel here"}
