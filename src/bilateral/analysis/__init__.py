"""The analysis layer: one object per case and data that computes each part once.

Every part returns a typed result with one protocol — ``available``, ``reason``, ``table()``,
``summary()``, ``figures()``, ``sources`` — that the report, the CLI and the dashboard render
(DESIGN.md §2–3)::

    from bilateral import Analysis
    a = Analysis("russia-japan", rng=1)
    a.evidence.summary()["counts"]
    a.negotiation.table()
"""

from bilateral.analysis.analysis import Analysis
from bilateral.analysis.evidence import EvidenceResult
from bilateral.analysis.latent import LatentResult
from bilateral.analysis.longrun import LongRunResult
from bilateral.analysis.negotiation import NegotiationResult
from bilateral.analysis.overview import OverviewResult
from bilateral.analysis.relations import RelationsResult
from bilateral.analysis.result import Result

__all__ = [
    "Analysis",
    "EvidenceResult",
    "LatentResult",
    "LongRunResult",
    "NegotiationResult",
    "OverviewResult",
    "RelationsResult",
    "Result",
]
