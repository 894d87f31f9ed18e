"""The case's hypotheses against the real data in ../shared/data."""

from pathlib import Path

import pandas as pd
import pytest

from bilateral import load_case, validate_case
from bilateral.explain.engine import explain, summarise

STATUSES = {"supported", "contradicted", "inconclusive", "no data"}


@pytest.fixture(scope="module")
def verdicts(shared: Path, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA", str(shared / "data"))
        patch.setenv("BILATERAL_HOME", str(tmp_path_factory.mktemp("home")))
        case = load_case("russia-japan")
        table = explain(case)
        yield case, table, summarise(table, case)


def test_every_hypothesis_gets_a_verdict_or_a_reason(verdicts):
    case, table, summary = verdicts
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


def test_japanese_dislike_of_russia_fell_contradicting_persistence(verdicts):
    _, table, summary = verdicts
    row = table[(table["hypothesis"] == "H06") & (table["series"] == "opinion.dislike_russia")].iloc[0]
    assert row["status"] == "contradicted" and row["effect"] < 0 and row["p_adjusted"] < 0.05
    assert summary.set_index("hypothesis").loc["H06", "status"] == "contradicted"


def test_explain_cli_json(shared: Path):
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "BILATERAL_DATA": str(shared / "data")}
    result = subprocess.run([sys.executable, "-m", "bilateral", "explain", "--hypothesis", "H06", "-f", "json"],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["hypothesis"], r["status"]) for r in rows] == [("H06", "contradicted")]


def test_unknown_series_is_caught_at_validation(case_copy: Path):
    path = case_copy / "hypotheses.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("series: [opinion.dislike_russia", "series: [opinion.warmth", 1), encoding="utf-8")
    problems = [p for p in validate_case(case_copy) if p.file == "hypotheses.yaml"]
    assert problems and "unknown metric 'warmth' for opinion" in problems[0].message


def test_putin_abe_are_not_the_best_pair_on_un_agreement(verdicts):
    _, table, _ = verdicts
    row = table[(table["hypothesis"] == "H01") & (table["series"] == "unga.agreement")].iloc[0]
    assert row["high"] < 0 and row["status"] == "contradicted"
    assert row["detail"].startswith("best first: yeltsin+miyazawa > ") and "more" in row["detail"]


def test_breaks_are_compared_with_leader_changes(verdicts):
    case, table, _ = verdicts
    from bilateral.explain.engine import transitions

    marks = transitions(case, "Y")
    assert marks[pd.Period("2012", "Y")] in {"Vladimir Putin takes office", "Shinzo Abe takes office",
                                              "period 'putin_abe' begins"}
    breaks = table[table["method"].fillna("").str.startswith("change points")]
    assert len(breaks) and breaks["detail"].str.contains("period(s) from", regex=False).any(), breaks["detail"].tolist()
