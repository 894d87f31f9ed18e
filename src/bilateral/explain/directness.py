"""How directly a tested series measures a claim: direct, proxy (with the reason) or narrative only.

A hypothesis' test may record this per series (``directness`` in ``hypotheses.yaml``); a series it
does not list takes its family's default below. The case's own coded events (``case_events.*``)
are a narrative selection made from the seeds, so they never count as evidence for a claim of a
seed they were coded from: such a test is shown but marked "narrative only" and left out of the
claim's verdict.
"""

from __future__ import annotations

from bilateral.case import Case, parse_series_ref
from bilateral.case.schema import Hypothesis

NARRATIVE = "narrative only"

DEFAULTS: dict[str, tuple[str, str]] = {
    "events": ("direct", "the dyadic event index counts what the two states' governments did to each other"),
    "unga": ("proxy", "UN vote agreement measures alignment in a multilateral forum, a proxy for bilateral "
                      "relations"),
    "opinion": ("proxy", "Japanese public opinion of the other state, not the governments' relations"),
    "trade": ("proxy", "trade reflects prices and markets as well as relations"),
    "trade_monthly": ("proxy", "trade reflects prices and markets as well as relations"),
    "gdelt_graph": ("proxy", "the tone of news coverage, not the states' actions"),
    "mid": ("direct", "militarised disputes between the two states measure hostility directly"),
    "alliance": ("direct", "formal alliance commitments are the alignment itself"),
    "sanctions": ("direct", "the sanctions the case records between the two states"),
    "case_events": ("proxy", "the case's own coded events: a narrative selection from the seeds, not a sample"),
}


def directness(hypothesis: Hypothesis, ref: str, case: Case) -> tuple[str, str]:
    """``(kind, reason)`` for one hypothesis–series pair; kind is direct, proxy or narrative only."""
    family = parse_series_ref(ref).family
    if family == "case_events":
        coded = {e.source for e in case.events}
        if hypothesis.source in coded:
            return NARRATIVE, (f"the case's events were coded from {hypothesis.source}, the source of this "
                               "claim, so they illustrate it but cannot test it")
    if ref in hypothesis.test.directness:
        return hypothesis.test.directness[ref]
    return DEFAULTS.get(family, ("proxy", f"the {family} family measures the claim only indirectly"))
