"""The series registry is the one vocabulary: it names exactly what measure produces."""

from __future__ import annotations

import csv
from datetime import date

import ibis
import pandas as pd
import pytest

from bilateral import BilateralError
from bilateral.case import parse_series_ref
from bilateral.data import catalog
from bilateral.measure import builders
from bilateral.measure.index import METRICS, dyad_index
from bilateral.measure.panel import STEPS, Panel, panel, step_citations
from bilateral.registry import series as registry
from bilateral.registry.frequencies import FREQ_NAMES, freq_code


def _bases(columns) -> set[str]:
    """Registry names of panel columns: ``@A-B`` dropped, ``leader.RUS`` → ``leader.<ISO3>``."""
    return {registry.spec(c).name for c in columns}


@pytest.fixture(scope="module")
def panels(shared) -> dict[str, Panel]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA", str(shared / "data"))
        return {"Y": panel("RUS", "JPN", freq="Y", start=1946, end=2023).add(all),
                "M": panel("RUS", "JPN", freq="M", start="1987-01", end="2015-12").add(all)}


def _events() -> pd.DataFrame:
    rows = [("2019-01-03", "RUS", "JPN", "036", 4.0, 1, 3), ("2019-01-20", "JPN", "RUS", "112", -2.0, 3, 1),
            ("2019-02-11", "RUS", "JPN", "057", 8.0, 2, 2), ("2019-02-11", "CHN", "USA", "190", -10.0, 4, 1)]
    frame = pd.DataFrame(rows, columns=["date", "source_iso3", "target_iso3", "cameo", "goldstein", "quad_class",
                                        "mentions"])
    return frame.assign(date=pd.to_datetime(frame["date"]).dt.date, dataset="icews")


def test_registry_names_exactly_what_measure_produces(panels):
    produced = _bases(panels["Y"].columns) | _bases(panels["M"].columns)
    index = dyad_index(ibis.memtable(_events()), "RUS", "JPN", freq="M")
    produced |= {f"events.{m}" for m in index.columns if m != "no_events"}
    registered = {name for name, row in registry.SERIES.items() if row.step != registry.CASE}
    assert produced == registered
    # the case step's series are the case's own events and sanctions, resolved by explain
    assert registry.steps()[registry.CASE] == ("case_events.count", "case_events.mean_goldstein",
                                               "case_events.net_cooperation", "sanctions.active")


def test_every_numeric_series_can_be_named_in_a_hypothesis():
    for name, row in registry.SERIES.items():
        if row.kind == "number":
            assert parse_series_ref(name) == registry.SeriesRef(row.family, row.metric)
    assert parse_series_ref("unga.agreement@JPN-CHN").dyad == ("JPN", "CHN")
    assert parse_series_ref("events.quad1_share").metric == "quad1_share"
    with pytest.raises(ValueError, match="unknown series family 'leader'"):
        parse_series_ref("leader.rus")
    with pytest.raises(ValueError, match="unknown metric 'warmth' for unga; known: agreement, agreement_arms"):
        parse_series_ref("unga.warmth")
    with pytest.raises(ValueError, match=r"not of the form family\.metric"):
        parse_series_ref("unga")


def test_steps_families_and_citations():
    steps = registry.steps()
    assert list(steps)[:3] == ["leaders", "unga", "trade"] and list(steps)[-3:] == ["triads", "events", "case"]
    assert STEPS == tuple(s for s in steps if s not in ("events", "case"))
    assert steps["triads"] == ("unga.agreement", "trade.total", "mid.ongoing", "alliance.defense", "atop.defense")
    assert registry.families()["alliance"] == ("defense", "neutrality", "nonaggression", "entente")
    assert len(METRICS) == len(steps["events"]) == 18
    for step in STEPS:  # each panel step runs a method of the panel or a builder of that name
        assert hasattr(Panel, f"add_{step}") or callable(getattr(builders, step)), step
    assert registry.citations(["mids"]) == ["miller2022peacesciencer", "palmer2022mid5"]
    assert registry.citations(["events"]) == ["goldstein1992"]
    assert step_citations(["all"]) == registry.citations(STEPS)
    assert set(step_citations(["all"])) <= set(catalog.references())
    with pytest.raises(BilateralError, match=r"unknown step.*weather"):
        registry.citations(["weather"])
    with pytest.raises(BilateralError, match=r"unknown panel step.*events"):
        step_citations(["events"])


def test_spec_of_columns():
    assert registry.spec("unga.agreement@JPN-CHN").unit == "share of roll calls (0–1)"
    assert registry.spec("leader.RUS").name == "leader.<ISO3>" and registry.spec("leader.RUS").kind == "label"
    assert registry.spec("trade.total").aggregation == "Y only"
    assert registry.spec("opinion.like_china").citation == ("jiji_poll", "kato_foreign_image")
    with pytest.raises(BilateralError, match=r"unknown series 'unga\.warmth'"):
        registry.spec("unga.warmth")


@pytest.mark.parametrize(("row", "message"), [
    ({"name": "unga.vote"}, r"series.csv:2: name 'unga.vote' must be family.metric \(unga.agreement\)"),
    ({"aggregation": "median"}, "series.csv:2: aggregation 'median' — use one of sum"),
    ({"kind": "text"}, "series.csv:2: kind 'text' — use number or label"),
])
def test_a_bad_registry_row_names_its_line(tmp_path, monkeypatch, row, message):
    good = {"name": "unga.agreement", "family": "unga", "metric": "agreement", "step": "unga", "kind": "number",
            "unit": "share", "description": "d", "dataset": "unvotes", "citation": "voeten2009unvotes",
            "aggregation": "recompute", "triad": ""}
    path = tmp_path / "series.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(good))
        writer.writeheader()
        writer.writerow({**good, **row})
    monkeypatch.setattr(registry, "FILE", path)
    with pytest.raises(BilateralError, match=message):
        registry._read()


def test_twice_listed_series(tmp_path, monkeypatch):
    path = tmp_path / "series.csv"
    text = registry.FILE.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*text, text[1]]) + "\n", encoding="utf-8")
    monkeypatch.setattr(registry, "FILE", path)
    with pytest.raises(BilateralError, match=f"series.csv:{len(text) + 1}: series 'leader.<ISO3>' is listed twice"):
        registry._read()


def test_one_frequency_vocabulary():
    assert list(FREQ_NAMES) == ["D", "W", "M", "Q", "Y"]
    for word, code in {"Y": "Y", "year": "Y", "Yearly": "Y", "A": "Y", "annual": "Y", "m": "M", "month": "M",
                       "MONTHLY": "M", "quarter": "Q", "q": "Q", "week": "W", "daily": "D"}.items():
        assert freq_code(word) == code
    with pytest.raises(BilateralError, match=r"frequency 'decade' is not known — use one of D \(day\), W \(week\)"):
        freq_code("decade")
    with pytest.raises(BilateralError) as caught:
        freq_code("day", allowed=("Y", "Q", "M"))
    assert str(caught.value) == ("frequency 'day' is not known — use one of M (month), Q (quarter), Y (year), "
                                 "as the code or the word")
    assert "--" not in str(caught.value)


def test_index_takes_names_and_any_frequency_word():
    events = ibis.memtable(_events())
    by_word = dyad_index(events, "Russia", "Japan", freq="year")
    assert by_word.attrs["dyad"] == ("RUS", "JPN") and by_word.attrs["freq"] == "Y"
    assert by_word.loc["2019", "count"] == 3 and by_word.loc["2019", "net_cooperation"] == 10.0
    assert by_word.attrs["sources"] == ["boschee2015icews", "goldstein1992"]
    monthly = dyad_index(events, "RUS", "JPN", freq="M", start=date(2019, 1, 1), end=date(2019, 3, 31))
    assert monthly["count"].tolist() == [2, 1, 0] and monthly["no_events"].tolist() == [False, False, True]
    assert monthly["dyad_share"].tolist()[:2] == [1.0, 0.5]
    with pytest.raises(BilateralError, match="unknown country 'Atlantis'"):
        dyad_index(events, "Atlantis", "Japan")
    with pytest.raises(BilateralError, match="frequency 'decade'"):
        dyad_index(events, "RUS", "JPN", freq="decade")
