"""The report's headline: the case's questions answered in one line each, from the analysis."""

from __future__ import annotations

from typing import Any

from bilateral.report.prose import breakthrough_sentence


def case_lines(overview: Any) -> list[str]:
    """What the case holds, and the warmest period of its own events (a reading of the narrative)."""
    s = overview.summary()
    lines = [
        f"{s['events']} cited events {s['first_year']}–{s['last_year']}; {s['flagged']} carry a flag "
        "(the source is wrong, vague or gives no date)",
        f"{s['factors']} factors ({s['enduring']} enduring, {s['time_limited']} time-limited); "
        f"{s['hypotheses']} testable hypotheses; {s['stakeholders']} stakeholders; {s['scenarios']} scenarios",
    ]
    warmest, ranked = s["warmest"], int((overview.periods["events"] >= s["min_events"]).sum())
    if warmest and ranked > 1:
        lines.append(f"Warmest period in the case's own events ({ranked} periods with ≥ {s['min_events']} events): "
                     f"{warmest['period']}, mean Goldstein {warmest['mean_goldstein']:+.2f} over "
                     f"{warmest['events']} events — a reading of the narrative, not a measurement")
    elif warmest:
        lines.append(f"Only one period has ≥ {s['min_events']} of the case's own events ({warmest['period']}, "
                     f"mean Goldstein {warmest['mean_goldstein']:+.2f} over {warmest['events']}), so no period "
                     "is ranked warmest")
    return lines


def relations_line(relations: Any) -> str | None:
    """The measured event index in one line, or ``None`` without an event store."""
    if not relations.available:
        return None
    s = relations.summary()
    return (f"Measured relations: {s['events']:,} {'–'.join(s['dyad'])} events {s['first']}–{s['last']}, "
            f"mean monthly net cooperation {s['mean_norm']:+.2f} (−1 … +1), busiest month {s['peak']}")


def latent_line(latent: Any, periods: dict[str, str]) -> str | None:
    """How good relations are and when they were best, from the latent index."""
    if not latent.available:
        return None
    s = latent.summary()
    best, period = s["best"], s["best_period"]
    line = (f"Relation index {s['start']}–{s['end']} ({len(s['series'])} series fused): best month {best['period']} "
            f"({best['mean']:+.2f} sd, 90 % band {best['low']:+.2f} to {best['high']:+.2f})")
    if period:
        line += f"; best period {periods.get(period['id'], period['id'])} (P = {period['p_best']:.3f})"
    return line


def evidence_line(evidence: Any) -> str:
    """How many claims the data support, contradict or leave open, and what moves relations."""
    if not evidence.available:
        return f"Evidence: not evaluated — {evidence.reason}"
    s = evidence.summary()
    c = s["counts"]
    line = (f"Evidence on {sum(c.values())} claims: {c['supported']} supported, {c['contradicted']} contradicted, "
            f"{c['inconclusive']} inconclusive, {c['no data']} without data")
    line += " — contradicted: " + ", ".join(s["contradicted"]) if s["contradicted"] else ""
    return line + (f". {s['what_moves']}" if s.get("what_moves") else "")


def breakthrough_line(analysis: Any) -> str:
    """Is a breakthrough possible: fixed by the inputs (said so, not estimated) or the Monte Carlo
    estimate; with the relations dynamics, P(breakthrough) by its year per scenario."""
    sim = analysis.negotiation.simulation
    dynamics = analysis.dynamics
    if not dynamics.available:
        return breakthrough_sentence(sim.monte_carlo, sim.threshold_label)
    s = dynamics.summary()
    if s["static_p_breakthrough"] == 0.0:
        line = f"Breakthrough today: {s['static_rule']}"
    else:
        line = breakthrough_sentence(sim.monte_carlo, sim.threshold_label)
    odds = s["p_breakthrough"]
    if odds:
        low, high = min(odds, key=odds.get), max(odds, key=odds.get)
        line += (f". With the relations moving and the case's couplings, P(breakthrough by {s['by_year']}) "
                 f"ranges from {odds[low]:.3f} ({low}) to {odds[high]:.3f} ({high})")
    return line


def headline(analysis: Any) -> list[str]:
    """Every headline line, in the order of the case's questions: how good, what moves, breakthrough."""
    lines = case_lines(analysis.overview)
    periods = {p.id: p.name for p in analysis.case.periods}
    lines += [line for line in (relations_line(analysis.relations), latent_line(analysis.latent, periods)) if line]
    lines.append(evidence_line(analysis.evidence))
    lines.append(breakthrough_line(analysis))
    return lines
