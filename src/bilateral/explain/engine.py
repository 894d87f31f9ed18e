"""Run a case's hypotheses: resolve series, apply each method, adjust p-values, give verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests, multitest_methods_names

from bilateral.case import Case
from bilateral.case.schema import Hypothesis
from bilateral.errors import BilateralError
from bilateral.explain.directness import NARRATIVE, directness
from bilateral.explain.evidence import Evidence, NoData
from bilateral.explain.methods import METHODS, Context
from bilateral.explain.result import sentence
from bilateral.progress import ProgressArg, track

COLUMNS = ["hypothesis", "series", "status", "effect", "low", "high", "p", "p_adjusted", "method", "n",
           "detail", "sources", "reason", "unit", "mde", "scale", "directness", "directness_reason", "sentence"]


def _chosen(case: Case, hypotheses: Sequence[str] | None) -> list[Hypothesis]:
    unknown = sorted(set(hypotheses or []) - {h.id for h in case.hypotheses})
    if unknown:
        raise BilateralError(f"unknown hypothesis id(s) {', '.join(unknown)} in case {case.info.name!r}: "
                             f"use any of {', '.join(h.id for h in case.hypotheses)}")
    return [h for h in case.hypotheses if not hypotheses or h.id in hypotheses]


def _check_adjustment(adjust: str) -> None:
    """statsmodels' ``multipletests`` is the authority on its method names; ask it with one p-value."""
    try:
        multipletests([0.5], method=adjust)
    except (ValueError, AttributeError):
        names = ", ".join(f"{k} ({v})" for k, v in multitest_methods_names.items())
        raise BilateralError(f"unknown p-value adjustment {adjust!r}: use holm, fdr_bh or another "
                             f"statsmodels multipletests method: {names}") from None


def _seed(rng: int | np.random.Generator) -> int:
    """The seed each stochastic test starts from: ``rng`` itself, or one draw from a Generator."""
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**63 - 1))
    if isinstance(rng, Integral) and not isinstance(rng, bool):
        return int(rng)
    raise BilateralError(f"rng must be an int seed or a numpy Generator, not {rng!r}")


def _cited(table: pd.DataFrame) -> list[str]:
    """Every citation key in the table's ``sources`` column, sorted."""
    return sorted({key for text in table["sources"].dropna() for key in text.split(", ") if key})


def evaluate(case: Case, *, hypotheses: Sequence[str] | None = None, store: str | Path | None = None,
             evidence: Evidence | None = None, adjust: str = "holm",
             rng: int | np.random.Generator = 0, progress: ProgressArg = None) -> pd.DataFrame:
    """Test the case's hypotheses: one row per hypothesis and series.

    Parameters
    ----------
    case : Case
        The case whose hypotheses are tested.
    hypotheses : sequence of str, optional
        Only these hypothesis ids (default: all).
    store : str or Path, optional
        The event store when ``evidence`` is not given (default location if None).
    evidence : Evidence, optional
        The series to test, shared with the caller, who can plot the same series from it
        afterwards; default ``Evidence(case, store=store)``.
    adjust : str
        The multiple-testing correction across every test run: any statsmodels ``multipletests``
        method (``holm`` by default, ``fdr_bh`` for Benjamini–Hochberg).
    rng : int or numpy.random.Generator
        Every stochastic test (ranking's bootstrap, the event study's placebo dates) starts a
        Generator from this seed (from one draw of a given Generator), so a test's result does not
        depend on which other hypotheses run.
    progress : bool, rich Console or None
        A bar advancing once a hypothesis (`bilateral.progress`; None: in a terminal or
        notebook only).

    Returns
    -------
    pandas.DataFrame
        Columns hypothesis, series, status, effect, low, high, p, p_adjusted, method, n, detail,
        sources, reason, and unit (of the effect, which keeps the series' own sign), mde (the effect
        detected with probability 0.8), scale (divide effect, low, high or mde by it for standard
        deviations of the series), directness and directness_reason (direct, proxy or
        narrative only, :mod:`bilateral.explain.directness`) and sentence (the verdict in words);
        ``attrs`` holds ``adjustment`` and ``sources`` (every citation key used, sorted). One
        verdict per hypothesis: `summarise`.

    References
    ----------
    How each method tests a claim, its calibration under serial correlation and the verdict
    rules: ``docs/explain.md``.

    Examples
    --------
    >>> case = bilateral.load_case("russia-japan")
    >>> tests = bilateral.explain.evaluate(case, rng=1)
    >>> tests[["hypothesis", "series", "status", "effect", "p_adjusted"]].head()
    >>> bilateral.explain.summarise(tests, case)["status"].value_counts()
    """
    chosen = _chosen(case, hypotheses)
    _check_adjustment(adjust)
    seed = _seed(rng)
    if evidence is None:
        evidence = Evidence(case, store=store)
    elif store is not None:
        raise BilateralError("evaluate takes a store or an evidence object, not both: "
                             "give the store to the Evidence")
    elif evidence.case.info != case.info:
        raise BilateralError(f"the evidence is for case {evidence.case.info.name!r}, not {case.info.name!r}")
    rows, judged = [], []
    for hypothesis in track(chosen, "explain", progress=progress, label=lambda h: h.id):
        test = hypothesis.test
        method = METHODS[test.method]()
        for ref in test.series:
            kind, why = directness(hypothesis, ref, case)
            row = {"hypothesis": hypothesis.id, "series": ref, "status": "no data", "reason": "", "sources": "",
                   "directness": kind, "directness_reason": why}
            context = Context(case, test.freq, np.random.default_rng(seed), evidence)
            try:
                series, sources = evidence.series(ref, test.freq)
                if test.between:
                    series = series[(series.index.start_time.date >= test.between[0])
                                    & (series.index.end_time.date <= test.between[1])]
                result = method.run(series, test, context)
            except (NoData, BilateralError) as err:
                row["reason"] = str(err)
                rows.append(row)
                continue
            judged.append((len(rows), method, result, test))
            row.update(effect=result.effect, low=result.low, high=result.high, p=result.p, method=result.method,
                       n=result.n, detail=result.detail, unit=result.unit, mde=result.mde,
                       scale=result.extra.get("scale", result.extra.get("sd")),
                       sources=", ".join(dict.fromkeys([*sources, *context.sources])))
            rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=COLUMNS)
    tested = table["p"].notna()
    if tested.any():
        table.loc[tested, "p_adjusted"] = multipletests(table.loc[tested, "p"], method=adjust)[1]
    table["sentence"] = table["sentence"].astype(object)
    for position, method, result, test in judged:
        p_adjusted = table.loc[position, "p_adjusted"]
        status = method.judge(result, test.expect, p_adjusted, test.side)
        table.loc[position, "status"] = status
        words = sentence(result, method.spec.expectation(test.expect), status, p_adjusted, test.side)
        if table.loc[position, "directness"] == NARRATIVE:
            words += f" Narrative only, not counted: {table.loc[position, 'directness_reason']}."
        elif table.loc[position, "directness"] == "proxy":
            words += f" A proxy: {table.loc[position, 'directness_reason']}."
        table.loc[position, "sentence"] = words
    table.attrs = {"adjustment": adjust, "sources": _cited(table)}
    return table


def summarise(table: pd.DataFrame, case: Case) -> pd.DataFrame:
    """One verdict per claim from the tests of `evaluate`.

    A claim is supported if some series supports it and none contradicts it, contradicted in the
    reverse case, inconclusive when mixed or unclear, no data when nothing ran. Tests marked
    "narrative only" are listed but do not count (inconclusive when only they ran).

    Parameters
    ----------
    table
        The tests, as `evaluate` returns them.
    case
        The case whose hypotheses they test (for each claim's text and source).

    Returns
    -------
    pandas.DataFrame
        One row per hypothesis; ``attrs["sources"]`` lists every citation key of the tests that
        ran, sorted.

    Examples
    --------
    >>> verdicts = bilateral.explain.summarise(bilateral.explain.evaluate(case, rng=1), case)
    >>> verdicts[verdicts.status == "supported"][["hypothesis", "claim"]]
    """
    claims = {h.id: h for h in case.hypotheses}
    rows = []
    for hid, group in table.groupby("hypothesis", sort=False):
        counted = group[group["directness"] != NARRATIVE] if "directness" in group else group
        statuses = set(counted["status"])
        if set(group["status"]) == {"no data"}:
            status = "no data"
        elif "supported" in statuses and "contradicted" not in statuses:
            status = "supported"
        elif "contradicted" in statuses and "supported" not in statuses:
            status = "contradicted"
        else:
            status = "inconclusive"
        h: Hypothesis = claims[hid]
        ran = group[group["status"] != "no data"]
        rows.append({"hypothesis": hid, "claim": h.claim, "status": status, "method": h.test.method,
                     "expect": h.test.expect, "tests": len(ran), "series": ", ".join(ran["series"]),
                     "reason": "; ".join(group.loc[group["status"] == "no data", "reason"].unique()),
                     "source": h.source, "locator": h.locator})
    summary = pd.DataFrame(rows)
    summary.attrs["sources"] = _cited(table)
    return summary
