"""Plain-language summaries of a negotiation simulation: the quotable breakthrough sentence and its
caveats. Both take the parts of a :class:`bilateral.simulate.Simulation` they read, e.g.
``breakthrough_sentence(sim.monte_carlo, sim.threshold_label)`` and
``caveats(sim.monte_carlo, sim.ratification)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bilateral.simulate.montecarlo import MonteCarlo
    from bilateral.simulate.ratification import Ratification


def _pct(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    if value == 0:
        return "0%"
    return f"{100 * value:.2f}%" if value < 0.01 else f"{100 * value:.1f}%"


def breakthrough_sentence(mc: MonteCarlo, threshold_label: str = "", level: float = 0.95) -> str:
    """One sentence a reader can quote: the breakthrough probability per model, with its Wilson
    interval at ``level``; ``threshold_label`` names the threshold (the case's scale anchor)."""
    if mc.threshold is None:
        return ("No breakthrough threshold is defined for this input (give a case, or a threshold), "
                "so no breakthrough probability is computed.")
    what = f"at or above {mc.threshold:g}" + (f" ({threshold_label})" if threshold_label else "")
    parts = []
    for name in mc.models:
        p, lo, hi = mc.breakthrough(name, level)
        parts.append(f"{name} {_pct(p)} [{_pct(lo)}–{_pct(hi)}]")
    probs = [mc.breakthrough(name, level)[0] for name in mc.models]
    seed = "" if mc.seed is None else f" (seed {mc.seed})"
    lead = (f"In {mc.runs:,} simulated negotiations over the stakeholders' uncertainty ranges{seed}, "
            f"the probability of a ratifiable agreement {what} is ")
    if probs and max(probs) == 0:
        worst = max(mc.breakthrough(name, level)[2] for name in mc.models)
        return (lead + f"zero for every model ({', '.join(mc.models)}): no run produced one; the "
                f"{int(level * 100)}% Wilson upper bound is {_pct(worst)}.")
    return lead + "; ".join(parts) + f" ({int(level * 100)}% Wilson intervals in brackets)."


def caveats(mc: MonteCarlo | None, rat: Ratification) -> list[str]:
    """What the numbers do not say: the inputs are judgements, the ratification assumptions, the
    models' spread, the binding win-set and (with ``mc``) runs that did not converge."""
    notes = [
        "The inputs (positions, saliences, capabilities and their ranges) are judgements coded from "
        "the case's sources, not measurements; the probability is conditional on them and on the "
        "triangular distributions drawn over their ranges.",
        "Ratification assumes symmetric (distance) preferences and that every veto player of a state "
        "must prefer the deal to the status quo; it ignores side payments, issue linkage and "
        "changes of the status quo itself.",
        "The models disagree by design (weighted mean, Nash product, Bueno de Mesquita's challenges, "
        "KTAB-style elections); the spread across them is part of the uncertainty.",
    ]
    if rat.win_sets and not rat.empty:
        binding = min(rat.win_sets, key=lambda w: w.high - w.low)
        notes.append(f"The narrowest win-set is {binding.state}'s, [{binding.low:g}, {binding.high:g}], "
                     f"bound by {binding.pivotal}: any bargained outcome above it is cut back to it.")
    if mc is not None:
        slow = [n for n, r in mc.models.items() if r.converged.size and r.converged.mean() < 0.95]
        if slow:
            notes.append(f"Some runs of {', '.join(slow)} stopped at the round limit without "
                         "converging; their forecast is the last round's.")
    return notes
