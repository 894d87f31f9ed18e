"""Render the self-contained HTML report (plotly.js inlined, opens offline)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import plotly.offline
from jinja2 import Environment, PackageLoader, select_autoescape

from bilateral.case import Case
from bilateral.report import figures
from bilateral.report.evidence import evidence_section
from bilateral.report.longrun import LongRunUnavailable, longrun_section
from bilateral.report.measured import measured_section
from bilateral.report.negotiation import negotiation_section
from bilateral.report.tables import events_by_period, reference

MIN_EVENTS = 10


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("bilateral.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["zip"] = zip
    return env


def summary_lines(case: Case) -> list[str]:
    """The headline facts the CLI prints after writing the report."""
    events = case.table("events")
    by_period = events_by_period(case)
    enough = by_period[by_period["events"] >= MIN_EVENTS]
    enduring = sum(f.timescale == "enduring" for f in case.factors)
    lines = [
        f"{case.info.title}",
        f"{len(events)} cited events {events['day'].min():%Y}–{events['day'].max():%Y}; "
        f"{sum(bool(e.flag) for e in case.events)} carry a flag (the source is wrong, vague or "
        "gives no date)",
        f"{len(case.factors)} factors ({enduring} enduring, {len(case.factors) - enduring} "
        f"time-limited); {len(case.hypotheses)} testable hypotheses; "
        f"{len(case.stakeholders)} stakeholders; {len(case.scenarios)} scenarios",
    ]
    if len(enough):
        warmest = enough.loc[enough["mean Goldstein"].idxmax()]
        lines.append(
            f"Warmest period in the papers' own events (periods with ≥ {MIN_EVENTS} events): "
            f"{warmest['period']}, mean Goldstein {warmest['mean Goldstein']:+.2f} over "
            f"{warmest['events']} events — a reading of the narrative, not a measurement"
        )
    return lines


def _longrun(case: Case) -> dict:
    """The long-run section's context, or the reason it is missing."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LongRunUnavailable)
        section = longrun_section(case)
    reason = next((str(w.message) for w in caught if issubclass(w.category, LongRunUnavailable)), "")
    return {"longrun": section, "longrun_reason": reason}


@dataclass(frozen=True)
class Report:
    """A written report: where it is and the headline answers it gives."""

    path: Path
    headline: list[str]


def headline(case: Case, measured: dict, evidence: dict, negotiation: dict) -> list[str]:
    """The answers to the case's questions, one line each: how good, what the evidence says, breakthrough."""
    lines = summary_lines(case)[1:]
    if measured.get("available"):
        lines.append(f"Measured relations: {measured['events']:,} {'–'.join(case.dyad)} events "
                     f"{measured['first']}–{measured['last']}, mean monthly net cooperation "
                     f"{measured['mean_norm']:+.2f} (−1 … +1), busiest month {measured['peak']}")
    counts = evidence["counts"]
    lines.append(f"Evidence: {counts.get('supported', 0)} claims supported, {counts.get('contradicted', 0)} "
                 f"contradicted, {counts.get('inconclusive', 0)} inconclusive, {counts.get('no data', 0)} "
                 "without data" + (" — contradicted: " + ", ".join(r["hypothesis"] for r in evidence["contradicted"])
                                   if evidence["contradicted"] else ""))
    lines.append(negotiation["sentence"])
    return lines


def write_report(case: Case, out_dir: str | Path = "report", *, store: str | Path | None = None) -> Report:
    """Write ``<out_dir>/<case>.html``; ``store`` is the event store to measure from."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timeline = figures.timeline(case).to_html(full_html=False, include_plotlyjs=False,
                                              div_id="timeline", config={"responsive": True})
    used = {r.source for kind in ("actors", "leaders", "periods", "events", "factors",
                                  "hypotheses", "stakeholders", "scenarios")
            for r in getattr(case, kind)}
    measured, evidence = measured_section(case, store), evidence_section(case, store)
    negotiation = negotiation_section(case)
    lines = headline(case, measured, evidence, negotiation)
    html = _environment().get_template("report.html.j2").render(
        case=case,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        plotly_js=plotly.offline.get_plotlyjs(),
        timeline=timeline,
        measured=measured,
        **_longrun(case),
        evidence=evidence,
        negotiation=negotiation,
        summary=lines,
        by_period=events_by_period(case),
        flagged=[e for e in case.events if e.flag],
        actors=sorted(case.actors, key=lambda a: (a.kind, a.country, a.id)),
        bibliography=[(key, reference(entry), key in used) for key, entry in case.sources.items()],
    )
    path = out / f"{case.name}.html"
    path.write_text(html, encoding="utf-8")
    return Report(path, lines)
