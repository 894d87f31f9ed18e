from datetime import date
from pathlib import Path

import pytest

from bilateral import CaseError, load_case, validate_case
from bilateral.case.select import select


@pytest.fixture(scope="module")
def case():
    return load_case("russia-japan")


def test_builtin_case_is_valid_including_seed_line_numbers(shared):
    assert validate_case("russia-japan", seeds=shared / "seeds") == []


def test_case_meets_the_counts(case):
    assert case.dyad == ("RUS", "JPN")
    assert len(case.events) >= 100
    assert len(case.factors) >= 30
    assert len(case.hypotheses) >= 20
    assert len(case.stakeholders) >= 12
    assert len(case.scenarios) >= 10
    kinds = {a.kind for a in case.actors}
    assert {"state", "leader", "group"} <= kinds
    assert {"CHN", "USA", "KOR", "PRK"} <= {a.id for a in case.actors}


def test_every_record_is_cited_to_a_known_source(case):
    records = [*case.actors, *case.leaders, *case.periods, *case.events, *case.factors,
               *case.hypotheses, *case.stakeholders, *case.scenarios, *case.scale.anchors]
    assert all(r.source in case.sources and r.locator for r in records)
    seeds = {"seed000", "seed003"}
    assert sum(r.source in seeds for r in case.events) == len(case.events)


def test_events_come_from_both_papers_including_seed003_references(case):
    by_source = {s: sum(e.source == s for e in case.events) for s in ("seed000", "seed003")}
    assert by_source["seed000"] >= 60 and by_source["seed003"] >= 25


def test_leaders_cover_1945_to_today_with_medvedev(case):
    russia = sorted((t for t in case.leaders if t.country == "RUS"), key=lambda t: t.start)
    japan = sorted((t for t in case.leaders if t.country == "JPN"), key=lambda t: t.start)
    assert russia[0].start <= date(1945, 1, 1) and japan[0].start <= date(1945, 8, 17)
    assert russia[-1].end is None and japan[-1].end is None
    medvedev = next(t for t in russia if t.id == "medvedev")
    assert (medvedev.start, medvedev.end) == (date(2008, 5, 7), date(2012, 5, 7))
    assert sum(t.id == "putin" for t in russia if t.office == "president") == 2
    assert sum(t.id == "abe" for t in japan) == 2


def test_territorial_scale_anchors(case):
    anchors = {a.position: a for a in case.scale.anchors}
    assert {0, 50, 100} <= set(anchors)
    assert "1956" in anchors[50].label + anchors[50].description
    assert case.info.breakthrough.threshold == 50


def test_select_filters(case):
    summits = select(case, "events", category="summit", between="2016:2016")
    assert len(summits) >= 2
    assert set(summits["category"]) == {"summit"}
    assert all(d.year == 2016 for d in summits["day"])
    in_period = select(case, "leaders", period="yeltsin_era")
    assert "yeltsin" in set(in_period["id"])


def test_load_case_raises_with_every_problem(case_copy: Path):
    (case_copy / "factors.yaml").write_text("- id: x\n  name: [unclosed\n")
    (case_copy / "scale.yaml").unlink()
    with pytest.raises(CaseError) as err:
        load_case(case_copy)
    text = str(err.value)
    assert "factors.yaml:3: syntax: invalid YAML: expected ',' or ']'" in text
    assert "(while parsing a flow sequence on line 2)" in text
    assert "scale.yaml: file: missing" in text
