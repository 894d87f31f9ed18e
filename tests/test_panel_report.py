"""The report's long-run section on the real data, and without data."""

from __future__ import annotations

import pytest
from jinja2 import Environment, PackageLoader, select_autoescape

from bilateral import load_case
from bilateral.report.longrun import LongRunUnavailable, key_events, longrun_section


@pytest.fixture(scope="module")
def case():
    return load_case("russia-japan")


def _render(section: dict) -> str:
    env = Environment(loader=PackageLoader("bilateral.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    return env.get_template("longrun.html.j2").render(longrun=section)


def test_long_run_section_has_four_figures(case, shared, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))
    section = longrun_section(case, end=2023)
    assert [f["id"] for f in section["figures"]] == ["un-agreement", "trade", "disputes", "opinion"]
    assert section["notes"] == [] and section["events"] == len(key_events(case)) == 22
    by_id = {f["id"]: f for f in section["figures"]}
    for fid, figure in by_id.items():
        assert f'id="longrun-{fid}"' in figure["html"] and "<script" in figure["html"]
        assert '"name":"key events"' in figure["html"]  # the case's key events are marked
        assert '"type":"rect"' in figure["html"]  # leader tenures shaded
    assert "Each of the 28 MIDs" in by_id["disputes"]["caption"]
    assert '"3207"' in by_id["disputes"]["html"] and '"4680"' in by_id["disputes"]["html"]
    assert '"name":"RUS\\u2013JPN"' in by_id["un-agreement"]["html"]
    assert set(by_id["opinion"]["sources"]) == {"jiji_poll", "kato_foreign_image"}
    keys = [k for k, _ in section["references"]]
    assert {"voeten2009unvotes", "barbieri2009trading", "palmer2022mid5", "jiji_poll"} <= set(keys)
    stalin = [r for r in section["leaders"] if r["case_leader"] == "stalin" and r["source"] == "archigos"]
    assert stalin[0]["days"] == "341"
    html = _render(section)
    assert "Leader dates: where Archigos and REIGN differ from the case" in html and "RUS-1923" in html
    assert html.lstrip().startswith("<section id=\"long-run\">") and html.count("<figure") == 4
    assert "@article{palmer2022mid5," in html


def test_long_run_section_without_data(case, tmp_path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path))
    with pytest.warns(LongRunUnavailable, match="bilateral data pull unvotes"):
        assert longrun_section(case, end=2023) is None


def test_key_events_are_dyadic_and_strong(case):
    events = key_events(case)
    assert set(events["source_iso3"]) | set(events["target_iso3"]) == {"RUS", "JPN"}
    assert ((events["goldstein"].abs() >= 6) | events["category"].isin(["agreement", "sanctions"])).all()
    assert events["day"].dt.year.min() >= 1946
