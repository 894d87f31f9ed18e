"""Write the self-contained HTML report of an analysis (plotly.js inlined, opens offline).

Every number and figure comes from :class:`bilateral.Analysis`; this module only turns results
into the templates' context (figures as HTML fragments, tables as records) and renders them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bilateral import __version__
from bilateral.analysis import Analysis
from bilateral.case import Case
from bilateral.report.headline import headline
from bilateral.report.prose import breakthrough_sentence, caveats

EVIDENCE_WIDTH = 320  # px: a claim's small figure; autosized in a table cell plotly falls back to 700 px
STATUS_COLOURS = {"supported": "#1a7f37", "contradicted": "#b42318", "inconclusive": "#9a6700",
                  "no data": "#6e7781"}


@dataclass(frozen=True)
class Report:
    """A written report: where it is and the headline answers it gives."""

    path: Path
    headline: list[str]


def locator_text(locator: str) -> str:
    """``000_….txt:L595-670`` → "lines 595–670" (``L6`` → "line 6"); other locators as written."""
    found = re.fullmatch(r"[^:]*:L(\d+)(?:-(\d+))?", locator.strip())
    if not found:
        return locator
    first, last = found.groups()
    return f"lines {first}–{last}" if last and last != first else f"line {first}"


def cite(bibliography: Any, source: str, locator: str = "") -> Markup:
    """A record's citation as the report shows it: the work's short label, linked to its entry in
    the bibliography, and where in it ("lines 595–670")."""
    where = locator_text(locator) if locator else ""
    if bibliography is None or source not in bibliography:
        return Markup("{} {}").format(source, where).strip()
    link = Markup('<a href="#ref-{}">{}</a>').format(source, bibliography.label(source))
    return link + (Markup(", {}").format(where) if where else "")


def _environment(bibliography: Any = None) -> Environment:
    env = Environment(loader=PackageLoader("bilateral.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.globals["zip"] = zip
    env.filters["cite"] = lambda source, locator="": cite(bibliography, source, locator)
    return env


def fragment(fig: go.Figure, div_id: str | None = None, *, bar: bool = True) -> str:
    """A figure as an HTML fragment that uses the page's one copy of plotly.js."""
    config = {"responsive": True} if bar else {"displayModeBar": False}
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=config)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as template records, missing values as ``None``."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def measured_context(analysis: Analysis) -> dict[str, Any]:
    part = analysis.relations
    context = part.summary()
    if part.available:
        context["figure"] = fragment(part.figures()["measured"], "measured-figure")
        context["sources"] = list(part.sources)
    return context


def latent_context(analysis: Analysis) -> dict[str, Any]:
    from bilateral.analysis.latent import BEST_DRAWS

    part = analysis.latent
    context = part.summary()
    if not part.available:
        return context
    names = {p.id: p.name for p in analysis.case.periods}
    best = part.best.sort_values("p_best", ascending=False) if part.best is not None else None
    ranking = [{**row, "name": names.get(row["id"], row["id"])} for row in records(best.head(8))] \
        if best is not None else []
    if context["best_period"]:
        context["best_period"]["name"] = names.get(context["best_period"]["id"], context["best_period"]["id"])
    context.update({"figure": fragment(part.figures()["latent"], "relation-index-figure"), "ranking": ranking,
                    "loadings": records(part.index.loadings), "draws": BEST_DRAWS, "sources": list(part.sources)})
    return context


def dynamics_context(analysis: Any) -> dict[str, Any]:
    """What the report's "Relations over time" section renders (templates/dynamics.html.j2)."""
    res = analysis.dynamics
    if not res.available:
        return {"available": False, "reason": res.reason}
    figs = {k: fragment(v, f"dynamics-{k}") for k, v in res.figures().items()}
    if res.runs is None:
        return {"available": False, "reason": "the scenarios were not simulated (paths=0)"}
    params = res.fit.table()
    table = res.table()
    headline = []
    for r in table.itertuples():
        headline.append({"scenario": r.name, "model": r.model, "p": r.p, "low": r.low, "high": r.high,
                         "basis": r.basis, "source": r.source, "locator": r.locator})
    effects = res.runs.sensitivity()
    top = effects.sort_values("effect", key=np.abs, ascending=False).groupby("scenario").head(3) \
        if not effects.empty else effects
    return {
        "available": True, "summary": res.summary(), "figures": figs,
        "params": params.to_dict("records"),
        "backtest": [] if res.backtest is None else res.backtest.to_dict("records"),
        "breakthrough": headline, "rule": res.bound.describe(), "coupled_rule": res.coupled.describe(),
        "take": res.take.to_dict("records"),
        "effects": top.to_dict("records"), "by_year": res.by_year, "paths": res.runs.paths,
        "best": None if res.best is None else res.best.sort_values("p_best", ascending=False)
        .head(5).to_dict("records"), "sources": sorted(set(res.sources)),
    }


def longrun_context(analysis: Analysis, bibliography: Any) -> dict[str, Any]:
    part = analysis.longrun
    if not part.available:
        return {"available": False, "reason": part.reason}
    a, b = analysis.case.dyad
    return {
        "available": True, "dyad": (a, b), "start": part.start, "end": part.end, "events": part.key_events,
        "leaders": records(part.leaders) if len(part.leaders) else [], "notes": list(part.notes),
        "figures": [{"id": f.id, "title": f.title, "caption": f.caption, "html": fragment(f.figure, f"longrun-{f.id}"),
                     "sources": sorted(set(f.sources))} for f in part.items],
        "references": [(k, bibliography.bibtex([k])) for k in part.sources if k in bibliography],
    }


def evidence_context(analysis: Analysis) -> dict[str, Any]:
    part = analysis.evidence
    if not part.available:
        return {"available": False, "reason": part.reason, "rows": [], "counts": part.counts(),
                "contradicted": [], "adjustment": part.adjustment, "drivers": [], "answer": "",
                "drivers_figure": ""}
    figures = part.figures()
    rows = []
    for record in records(part.verdicts):
        hid = record["hypothesis"]
        rows.append({**record, "colour": STATUS_COLOURS[record["status"]],
                     "figure": fragment(go.Figure(figures[hid]).update_layout(width=EVIDENCE_WIDTH), bar=False)
                     if hid in figures else "",
                     "tests": records(part.tests_of(hid))})
    drivers = [{**r, "colour": STATUS_COLOURS[r["status"]]} for r in records(part.drivers)]
    return {"available": True, "rows": rows, "counts": part.counts(), "adjustment": part.adjustment,
            "contradicted": [r for r in rows if r["status"] == "contradicted"], "drivers": drivers,
            "answer": part.answer,
            "drivers_figure": fragment(figures["drivers"], "evidence-drivers") if "drivers" in figures else ""}


def negotiation_context(analysis: Analysis) -> dict[str, Any]:
    part = analysis.negotiation
    sim = part.simulation
    rat = sim.forecast.ratification
    mc = sim.monte_carlo
    eum = sim.outcome("eum")
    figures = part.figures()
    return {
        "title": "Negotiation models", "runs": mc.runs if mc is not None else 0, "seed": analysis.rng,
        "threshold": sim.stakeholders.breakthrough, "threshold_label": sim.threshold_label,
        "status_quo": rat.status_quo, "sentence": breakthrough_sentence(mc, sim.threshold_label),
        "caveats": caveats(mc, rat),
        "ratification": rat.describe(), "win_sets": records(rat.table()), "forecasts": records(sim.table()),
        "scenarios": records(sim.scenarios) if sim.scenarios is not None else [],
        "sensitivity": records(sim.sensitivity) if sim.sensitivity is not None else [],
        "distribution_figure": fragment(figures["distribution"], "negotiation-distribution") if mc else "",
        "winset_figure": fragment(figures["winsets"], "negotiation-winsets"),
        "trace_figure": fragment(figures["eum_trace"], "negotiation-eum-trace") if "eum_trace" in figures else "",
        "eum_rounds": eum.rounds, "eum_status": eum.status, "eum_forecast": eum.position,
        "eum_mean": eum.diagnostics.get("mean"), "sources": list(part.sources),
    }


def data_versions() -> list[str]:
    """"name version" of each long-run dataset found in the data directory (complete or partial)."""
    from bilateral.data import catalog

    table = catalog.status()
    return [f"{row.dataset} {row.version}" for row in table.itertuples() if row.state in ("complete", "partial")]


def render(analysis: Analysis) -> tuple[str, list[str]]:
    """The report's HTML and its headline lines."""
    from bilateral.data import bibliography as make_bibliography

    case = analysis.case
    bibliography = make_bibliography(case)
    lines = headline(analysis)
    used = {r.source for kind in ("actors", "leaders", "periods", "events", "factors", "hypotheses",
                                  "stakeholders", "scenarios") for r in getattr(case, kind)}
    overview = analysis.overview
    html = _environment(bibliography).get_template("report.html.j2").render(
        case=case,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        version=__version__,
        data_versions=data_versions(),
        plotly_js=plotly.offline.get_plotlyjs(),
        timeline=fragment(overview.figures()["timeline"], "timeline"),
        measured=measured_context(analysis),
        latent=latent_context(analysis),
        dynamics=dynamics_context(analysis),
        longrun=longrun_context(analysis, bibliography),
        evidence=evidence_context(analysis),
        negotiation=negotiation_context(analysis),
        summary=lines,
        by_period=records(overview.periods),
        flagged=[e for e in case.events if e.flag],
        actors=sorted(case.actors, key=lambda a: (a.kind, a.country or "", a.id)),
        bibliography=[(key, bibliography.reference(key), key in used) for key in case.sources],
    )
    return html, lines


def write_report(source: Analysis | Case | str | Path = "russia-japan", out_dir: str | Path = "report", *,
                 store: str | Path | None = None, **options: Any) -> Report:
    """Write ``<out_dir>/<case>.html`` and return where it is with its headline.

    Parameters
    ----------
    source
        A `bilateral.Analysis` (its cached parts are reused) or a case (a ``Case``, name or
        folder), analysed with ``store`` and ``options``.
    out_dir
        The folder to write into (created if missing).
    store
        The event store, for a case (default ``$BILATERAL_HOME/store.duckdb``).
    **options
        `bilateral.Analysis` options for a case: ``rng``, ``runs``, ``skip``, …

    Returns
    -------
    Report
        ``path`` of the written HTML file (it opens offline) and ``headline``, the findings in
        sentences.

    Examples
    --------
    >>> a = bilateral.Analysis("russia-japan", rng=1, runs=200)
    >>> report = bilateral.write_report(a, "report/")
    >>> print("\n".join(report.headline))
    """
    analysis = source if isinstance(source, Analysis) else Analysis(source, store=store, **options)
    html, lines = render(analysis)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{analysis.case.name}.html"
    path.write_text(html, encoding="utf-8")
    return Report(path, lines)
