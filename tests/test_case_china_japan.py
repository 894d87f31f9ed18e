"""The China–Japan example case validates, and every report follows its own dyad: no Russia–Japan
wording in the China–Japan report, and a third (India–Pakistan) case folder names its own pair."""

from __future__ import annotations

import csv
import re
from html import unescape
from pathlib import Path

import yaml

from bilateral import load_case
from bilateral.analysis import Analysis
from bilateral.case import validate_case
from bilateral.case.load import LIST_FILES
from bilateral.report import write_report

#: Words of the Russia–Japan case that must not appear in another dyad's report.
RUSSIA_JAPAN = re.compile(r"Russia|Russian|Kuril|Northern Territories|Putin|\bRUS\b")


def report_text(path: Path) -> str:
    """The report's HTML without the inlined plotly.js, the bibliography and the BibTeX of the
    shared datasets (citations of shared datasets may name any country)."""
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<script>.*?</script>", "", html, count=1, flags=re.S)
    html = re.sub(r'<section id="bibliography">.*?</section>', "", html, flags=re.S)
    return unescape(re.sub(r"<details>\s*<summary>Datasets cited.*?</details>", "", html, flags=re.S))


def quick_report(case, out: Path, monkeypatch, shared) -> str:
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))
    analysis = Analysis(case, store=out / "none.duckdb", runs=40, rng=0, skip=("latent", "dynamics"))
    return report_text(write_report(analysis, out).path)


def test_china_japan_validates():
    assert validate_case("china-japan") == []
    case = load_case("china-japan")
    assert case.dyad == ("CHN", "JPN") and len(case.events) >= 20 and len(case.stakeholders) >= 5
    used = {r.source for kind in ("actors", "leaders", "periods", "events", "factors", "hypotheses",
                                  "stakeholders", "scenarios") for r in getattr(case, kind)}
    assert used <= set(case.sources) and not any(e.source.startswith("seed") for e in case.events)
    assert {"communique1972", "treaty1978", "mofa_basic_view", "prc2012_diaoyu", "fravel2010senkaku",
            "smith2015intimate"} <= used
    s = {s.actor: s for s in case.stakeholders}
    assert s["JPN"].position == case.scale.min and s["CHN"].position == case.scale.max
    assert all(s.position_low <= s.position <= s.position_high for s in case.stakeholders)


def test_china_japan_report_has_no_russia_japan_wording(tmp_path, monkeypatch, shared):
    html = quick_report("china-japan", tmp_path, monkeypatch, shared)
    assert RUSSIA_JAPAN.findall(html) == []
    assert "Japanese opinion of China" in html and "each side with the US and South Korea" in html
    assert "Japan's monthly exports to and imports from China" in html and "CHN–JPN" in html


SIMLA = {"source": "simla1972", "locator": "Article 1"}
LOC = {"source": "simla1972", "locator": "Article 4(ii)"}
#: A minimal India–Pakistan case on the Simla Agreement of 2 July 1972 (its Article 1 on settling
#: differences bilaterally and peacefully, Article 4(ii) on the line of control of 17 December 1971).
INDIA_PAKISTAN_YAML = {
    "case.yaml": {"name": "india-pakistan", "title": "India–Pakistan relations after the 1971 war",
                  "dyad": ["IND", "PAK"], "summary": "A minimal test case built on the Simla Agreement of 1972.",
                  "breakthrough": {"threshold": 50, "description": "A settlement of Kashmir both states ratify."},
                  **SIMLA},
    "actors.yaml": [{"id": iso3, "name": name, "kind": "state", "country": iso3, "role": "Signatory",
                     "territorial_stance": "Bilateral settlement", "rapprochement": "supportive", **SIMLA}
                    for iso3, name in (("IND", "India"), ("PAK", "Pakistan"))],
    "periods.yaml": [{"id": "after_simla", "name": "After Simla", "start": "1972-07-02", "end": "1977-07-05",
                      "characterisation": "Both states resolve to settle their differences bilaterally.",
                      "tone": "mixed", "leaders": ["gandhi_indira", "bhutto"], **SIMLA}],
    "factors.yaml": [{"id": "bilateralism", "name": "Bilateralism", "timescale": "enduring",
                      "domain": "territorial", "direction": "positive", "actors": ["IND", "PAK"],
                      "mechanism": "Differences are to be settled by bilateral negotiation.", **SIMLA}],
    "hypotheses.yaml": [{"id": "H01", "claim": "The two states vote more alike in the UN after Simla.",
                         "factors": ["bilateralism"], **SIMLA,
                         "test": {"method": "trend", "series": ["unga.agreement"], "expect": "increase",
                                  "between": ["1972-01-01", "1990-12-31"], "supports": "Agreement rises.",
                                  "contradicts": "Agreement falls."}}],
    "scale.yaml": {"name": "Kashmir", "unit": "share of Pakistan's claim conceded (0-100)", "min": 0, "max": 100,
                   "status_quo": 0, "anchors": [
                       {"position": 0, "label": "Line of control respected", **LOC,
                        "description": "The line of control of 17 December 1971 is respected."},
                       {"position": 100, "label": "Pakistan's claim", "description": "Its claim in full.", **LOC}]},
    "scenarios.yaml": [{"id": "pak_softens", "name": "Pakistan softens", "description": "Pakistan accepts less.",
                        "changes": [{"actor": "PAK", "field": "position", "set": 60}], **LOC}],
}
INDIA_PAKISTAN_CSV = {
    "leaders.csv": [{"id": "gandhi_indira", "name": "Indira Gandhi", "country": "IND", "office": "prime_minister",
                     "start": "1966-01-24", "end": "1977-03-22", "source": "archigos", "locator": "obsid IND-1966-2"},
                    {"id": "bhutto", "name": "Zulfikar Ali Bhutto", "country": "PAK", "office": "head_of_government",
                     "start": "1971-12-20", "end": "1977-07-05", "source": "archigos", "locator": "obsid PAK-1971"}],
    "events.csv": [{"id": "E001", "date": "1972-07-02", "precision": "day", "source_actor": "IND",
                    "target_actor": "PAK", "cameo": "057", "goldstein": 8.0, "quad_class": 1, "category": "agreement",
                    "summary": "India and Pakistan sign the Simla Agreement", **SIMLA}],
    "stakeholders.csv": [{"actor": iso3, "position": p, "position_low": lo, "position_high": hi, "salience": 0.8,
                          "salience_low": 0.7, "salience_high": 0.9, "capability": c, "capability_low": c - 0.1,
                          "capability_high": c + 0.1, "veto": "true", "level": "international", "state": iso3,
                          "rationale": why, **LOC}
                         for iso3, p, lo, hi, c, why in (("IND", 0, 0, 10, 0.7, "Keeps the line of control"),
                                                         ("PAK", 100, 80, 100, 0.3, "Claims Kashmir"))],
}
INDIA_PAKISTAN_BIB = """@misc{simla1972,
  author = {{Government of India and Government of Pakistan}},
  title  = {Agreement on Bilateral Relations between India and Pakistan (Simla Agreement)},
  year   = {1972}
}
@article{archigos,
  author  = {Goemans, Henk E. and Gleditsch, Kristian Skrede and Chiozza, Giacomo},
  title   = {Introducing {Archigos}: A Dataset of Political Leaders},
  journal = {Journal of Peace Research},
  year    = {2009}
}
"""


def write_india_pakistan(folder: Path) -> Path:
    folder.mkdir()
    for name, data in INDIA_PAKISTAN_YAML.items():
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    models = {name: model for name, model in LIST_FILES.values()}
    for name, rows in INDIA_PAKISTAN_CSV.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(models[name].model_fields), restval="")
            writer.writeheader()
            writer.writerows(rows)
    (folder / "sources.bib").write_text(INDIA_PAKISTAN_BIB, encoding="utf-8")
    return folder


def test_a_third_dyad_report_names_its_own_pair(tmp_path, monkeypatch, shared):
    folder = write_india_pakistan(tmp_path / "india-pakistan")
    assert validate_case(folder) == []
    html = quick_report(folder, tmp_path / "out", monkeypatch, shared)
    assert RUSSIA_JAPAN.findall(html) == []
    assert "IND–PAK" in html and "Share of roll calls in which IND and PAK voted alike" in html
    assert "Japanese opinion of" not in html and "Japan's monthly exports" not in html
    assert "must include JPN" not in html
    assert "monthly trade and public opinion: none for IND–PAK" in html


def test_the_russia_japan_long_run_still_draws_its_own_series(monkeypatch, shared):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))
    items = {f.id: f for f in Analysis("russia-japan").longrun.items}
    assert items["opinion"].title == "Japanese opinion of Russia"
    assert [t.name for t in items["opinion"].figure.data][:4] == ["dislike Russia", "like Russia", "dislike China",
                                                                   "dislike the US"]
    assert "each side with China, the US and South Korea" in items["un-agreement"].caption


def test_report_templates_carry_no_case_wording():
    """Section titles and captions come from the case and its data, never from one case's text."""
    from importlib.resources import files

    templates = files("bilateral.report").joinpath("templates")
    words = re.compile(r"Russia|Kuril|Putin|\bRUS\b|\bJPN\b|Japan|seed 0|00[03]_|the papers")
    found = {t.name: words.findall(t.read_text(encoding="utf-8")) for t in templates.iterdir()}
    assert {name: hits for name, hits in found.items() if hits} == {}
