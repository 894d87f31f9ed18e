"""What moves relations: each factor the case names, with the evidence of the claims that name it.

A hypothesis lists the factors its claim is about (``factors`` in ``hypotheses.yaml``); the
factor's row gathers every test of those claims that counts (not narrative only), puts each effect
in standard deviations of its series (``effect / scale``) so that factors measured on different
series can be ranked, and keeps the most decisive test (smallest adjusted p): its series,
standardised effect, interval and power (the effect it detects with probability 0.8). The
factor's verdict combines its claims' verdicts as :func:`bilateral.explain.summarise` does
(supported when some claim is supported and none contradicted). Rows are ranked by verdict
(supported, contradicted, inconclusive, no data), then by the size of the standardised effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bilateral.case import Case
from bilateral.explain.directness import NARRATIVE

ORDER = {"supported": 0, "contradicted": 1, "inconclusive": 2, "no data": 3}
COLUMNS = ["rank", "factor", "name", "timescale", "expected", "status", "claims", "tests", "series",
           "effect_sd", "low_sd", "high_sd", "mde_sd", "p_adjusted", "hypotheses"]


def _combined(statuses: set[str]) -> str:
    if not statuses or statuses == {"no data"}:
        return "no data"
    if "supported" in statuses and "contradicted" not in statuses:
        return "supported"
    if "contradicted" in statuses and "supported" not in statuses:
        return "contradicted"
    return "inconclusive"


def drivers(tests: pd.DataFrame, verdicts: pd.DataFrame, case: Case) -> pd.DataFrame:
    """One row per factor named by a hypothesis of ``case``, ranked (see the module docstring).

    ``tests`` and ``verdicts`` are :func:`bilateral.explain.evaluate`'s and
    :func:`bilateral.explain.summarise`'s tables.
    """
    status_of = dict(zip(verdicts["hypothesis"], verdicts["status"], strict=True))
    factors = {f.id: f for f in case.factors}
    counted = tests[(tests["status"] != "no data") & (tests["directness"] != NARRATIVE)].copy()
    for column in ("effect", "low", "high", "mde"):
        counted[f"{column}_sd"] = counted[column] / counted["scale"]
    rows = []
    for factor_id in dict.fromkeys(f for h in case.hypotheses for f in h.factors if h.id in status_of):
        claims = [h.id for h in case.hypotheses if factor_id in h.factors and h.id in status_of]
        ran = counted[counted["hypothesis"].isin(claims)]
        factor = factors.get(factor_id)
        row = {"factor": factor_id, "name": factor.name if factor else factor_id,
               "timescale": factor.timescale if factor else "", "expected": factor.direction if factor else "",
               "status": _combined({status_of[c] for c in claims}), "claims": len(claims), "tests": len(ran),
               "hypotheses": ", ".join(claims), "series": "", "effect_sd": np.nan, "low_sd": np.nan,
               "high_sd": np.nan, "mde_sd": np.nan, "p_adjusted": np.nan}
        if not ran.empty:
            decisive = ran[ran["status"] == row["status"]]  # a supported factor shows a supporting test
            pool = decisive if not decisive.empty else ran
            best = pool.loc[pool["p_adjusted"].fillna(1.0).idxmin()]
            row.update(series=f"{best['series']} ({best['hypothesis']})",
                       **{k: float(best[k]) for k in ("effect_sd", "low_sd", "high_sd", "mde_sd", "p_adjusted")})
        rows.append(row)
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rank"])
    if table.empty:
        return table.reindex(columns=COLUMNS)
    table = table.assign(_order=table["status"].map(ORDER), _size=-table["effect_sd"].abs().fillna(-1))
    table = table.sort_values(["_order", "_size"], kind="stable").drop(columns=["_order", "_size"])
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.reset_index(drop=True)


def _named(rows: pd.DataFrame) -> str:
    """Factors with their deciding test; factors decided by the same test are named together once."""
    shared: dict[tuple[str, float], list[str]] = {}
    for r in rows.itertuples():
        shared.setdefault((r.series, r.effect_sd), []).append(r.name)
    parts = []
    for (series, effect), names in shared.items():
        if len(names) == 1:
            parts.append(f"{names[0]} ({effect:+.2f} SD on {series})")
        else:
            parts.append(f"{', '.join(names[:-1])} and {names[-1]} (one test for all {len(names)}: "
                         f"{effect:+.2f} SD on {series})")
    return "; ".join(parts)


def what_moves(table: pd.DataFrame) -> str:
    """The seeds' second question ("which factors move relations?") answered in one sentence."""
    if table.empty:
        return "What moves relations: no factor named by the case could be tested on the data here."
    supported = table[table["status"] == "supported"]
    contradicted = table[table["status"] == "contradicted"]
    tested = table[table["tests"] > 0]
    parts = []
    if not supported.empty:
        parts.append(f"the data support a role for {_named(supported.head(5))}")
    if not contradicted.empty:
        parts.append(f"they contradict the claims about {_named(contradicted.head(3))}")
    typical = float(np.nanmedian(tested["mde_sd"])) if tested["mde_sd"].notna().any() else float("nan")
    rest = len(tested) - len(supported) - len(contradicted)
    power = f" (the typical test detects only effects of {typical:.2f} SD or more)" if np.isfinite(typical) else ""
    parts.append(f"for {rest} of the {len(tested)} factors that could be tested the evidence cannot tell an "
                 f"effect from none{power}")
    untested = len(table) - len(tested)
    tail = f"; {untested} named factors have no data here" if untested else ""
    return "What moves relations: " + "; ".join(parts) + tail + "."
