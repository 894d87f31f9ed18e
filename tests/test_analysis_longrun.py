"""The long-run part of the analysis on the real data, its report section, and without data."""

from __future__ import annotations

import pandas as pd
import pytest

from bilateral import load_case
from bilateral.analysis import Analysis
from bilateral.case.select import key_events
from bilateral.report.writer import _environment, longrun_context


@pytest.fixture(scope="module")
def analysis(shared):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BILATERAL_DATA", str(shared / "data"))
        a = Analysis("russia-japan")
        assert a.longrun.available, a.longrun.reason
        yield a


def test_long_run_part_has_four_figures(analysis):
    part = analysis.longrun
    assert [f.id for f in part.items] == ["un-agreement", "trade", "disputes", "opinion"]
    assert part.notes == () and part.key_events == len(key_events(analysis.case, 1946)) == 22
    by_id = {f.id: f for f in part.items}
    for figure in by_id.values():
        names = [trace.name for trace in figure.figure.data]
        assert "key events" in names  # the case's key events are marked
        assert any(shape.type == "rect" for shape in figure.figure.layout.shapes)  # tenures shaded
    assert "Each of the 28 MIDs" in by_id["disputes"].caption
    hover = by_id["disputes"].figure.data[0].customdata
    assert {"3207", "4680"} <= {row[0] for row in hover}
    assert "RUS–JPN" in [t.name for t in by_id["un-agreement"].figure.data]
    assert set(by_id["opinion"].sources) == {"jiji_poll", "kato_foreign_image"}
    assert {"voeten2009unvotes", "barbieri2009trading", "palmer2022mid5", "jiji_poll"} <= set(part.sources)
    stalin = part.leaders[(part.leaders["case_leader"] == "stalin") & (part.leaders["source"] == "archigos")]
    assert stalin.iloc[0]["days"] == "341"


def test_thin_un_years_are_left_out_of_the_agreement_chart(analysis):
    chart = next(f for f in analysis.longrun.items if f.id == "un-agreement").figure
    dyad = next(t for t in chart.data if t.name == "RUS–JPN")
    years = {pd.Timestamp(x).year: y for x, y in zip(dyad.x, dyad.y, strict=True)}
    assert years[1964] != years[1964]  # NaN: one roll call that year
    assert 0 < years[1965] < 1


def test_long_run_section_renders(analysis):
    from bilateral.data import bibliography

    context = longrun_context(analysis, bibliography(analysis.case))
    html = _environment().get_template("longrun.html.j2").render(longrun=context)
    assert "Leader dates: where Archigos and REIGN differ from the case" in html and "RUS-1923" in html
    assert html.lstrip().startswith("<section id=\"long-run\">") and html.count("<figure") == 4
    assert 'id="longrun-trade"' in html and "@article{palmer2022mid5," in html


def test_long_run_part_without_data(tmp_path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path))
    part = Analysis("russia-japan").longrun
    assert not part.available and "bilateral data pull unvotes" in part.reason
    assert part.figures() == {} and part.table().empty


def test_key_events_are_dyadic_and_strong():
    events = key_events(load_case("russia-japan"), 1946)
    assert set(events["source_iso3"]) | set(events["target_iso3"]) == {"RUS", "JPN"}
    assert ((events["goldstein"].abs() >= 6) | events["category"].isin(["agreement", "sanctions"])).all()
    assert events["day"].dt.year.min() >= 1946
