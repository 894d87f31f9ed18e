"""Run a case's hypotheses: resolve series, apply each test, adjust p-values, give verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from statsmodels.stats.multitest import multipletests

from bilateral.case import Case
from bilateral.case.schema import Hypothesis, TestSpec
from bilateral.errors import BilateralError
from bilateral.explain import tests
from bilateral.explain.evidence import Evidence, NoData
from bilateral.explain.result import TestResult, verdict

NEGATIVE = {"lower", "decrease", "negative", "worst"}
COLUMNS = ["hypothesis", "series", "status", "effect", "low", "high", "p", "p_adjusted", "method", "n",
           "detail", "sources", "reason"]


def _periods(dates: Sequence[str], freq: str, case: Case) -> list[pd.Period]:
    events = {e.id: e.day for e in case.events}
    return [pd.Period(events.get(d) or date.fromisoformat(d), freq) for d in dates]


def _leader_groups(case: Case, index: pd.PeriodIndex, ids: Sequence[str]) -> dict[str, pd.Series]:
    """Group periods by who held office: one state's leaders, or leader pairs when ``ids`` span both."""
    countries = {t.country for t in case.leaders if t.id in ids}
    states = [s for s in case.dyad if s in countries] or list(case.dyad)
    midpoints = index.start_time + (index.end_time - index.start_time) / 2
    labels = []
    for state in states:
        tenures = [t for t in case.leaders if t.country == state]
        names = []
        for moment in midpoints:
            day = moment.date()
            holder = next((t.id for t in tenures if t.start <= day and (t.end is None or day < t.end)), None)
            names.append(holder)
        labels.append(names)
    keys = ["+".join(parts) if all(parts) else None for parts in zip(*labels, strict=True)]
    series = pd.Series(keys, index=index)
    return {key: series == key for key in series.dropna().unique()}


def _period_groups(case: Case, index: pd.PeriodIndex) -> dict[str, pd.Series]:
    """Each case period as a mask of the periods of ``index`` that overlap it."""
    start, end = index.start_time.date, index.end_time.date
    return {p.id: pd.Series((start <= p.end) & (end >= p.start), index=index) for p in case.periods}


def _target(groups: dict[str, pd.Series], ids: Sequence[str]) -> str:
    matches = [k for k in groups if all(i in k.split("+") for i in ids)]
    if not matches:
        raise NoData(f"no periods with data when {' and '.join(ids)} held office together")
    return max(matches, key=lambda k: int(groups[k].sum()))


def transitions(case: Case, freq: str) -> dict[pd.Period, str]:
    """Leader changes of the dyad's states and the starts of the case's periods, as periods."""
    marks = {pd.Period(t.start, freq): f"{t.name} takes office" for t in case.leaders if t.country in case.dyad}
    marks.update({pd.Period(p.start, freq): f"period '{p.id}' begins" for p in case.periods})
    return marks


def _near_transitions(result: TestResult, case: Case, freq: str) -> TestResult:
    """Name, for each break found, the nearest leader change or period start and how far it is."""
    marks = transitions(case, freq)
    notes = []
    for text in result.extra["breaks"]:
        found = pd.Period(text, freq)
        nearest = min(marks, key=lambda m: abs((m - found).n))
        notes.append(f"{text}: {abs((nearest - found).n)} period(s) from {nearest} ({marks[nearest]})")
    result.extra["nearest"] = notes
    if notes:
        result.detail += "; " + "; ".join(notes)
    return result


def run_test(spec: TestSpec, series: pd.Series, case: Case, evidence: Evidence) -> TestResult:
    """Apply one test specification to one resolved series."""
    if spec.between:
        series = series[(series.index.start_time.date >= spec.between[0])
                        & (series.index.end_time.date <= spec.between[1])]
    direction = -1 if spec.expect in NEGATIVE else 1
    method = spec.method
    if method in ("period_comparison", "ranking"):
        ids = spec.compare if method == "period_comparison" else spec.target
        if spec.groups == "periods":
            groups = _period_groups(case, series.index)
            target = ids[0]
        else:
            groups = _leader_groups(case, series.index, ids)
            target = _target(groups, [ids[0]] if method == "period_comparison" else ids)
        if method == "ranking":
            return tests.ranking(series, groups, target, best=spec.expect == "best")
        inside = groups[target]
        others = pd.Series(False, index=series.index)
        for other in ids[1:]:
            for key, mask in groups.items():
                if key == other or other in key.split("+"):
                    others |= mask
        others &= ~inside
        return tests.period_comparison(series[inside | others], inside[inside | others], direction=direction)
    if method == "event_study":
        return tests.event_study(series, _periods(spec.event, spec.freq, case), spec.window, direction=direction)
    if method == "change_points":
        result = tests.change_points(series, _periods(spec.at or [], spec.freq, case))
        return _near_transitions(result, case, spec.freq)
    if method == "trend":
        return tests.trend(series, direction=direction)
    other, _ = evidence.series(spec.predictors[0], spec.freq)
    if method == "regression":
        frame = pd.concat([evidence.series(p, spec.freq)[0].rename(p) for p in spec.predictors], axis=1)
        return tests.regression(series, frame, direction=direction)
    if method == "granger":
        return tests.granger(series, other)
    return tests.decoupling(series, other)


def _status(result: TestResult, spec: TestSpec, p_adjusted: float) -> str:
    if spec.method == "change_points":
        hit = result.effect
        if spec.expect == "break_at":
            return "supported" if hit >= 0.5 else "contradicted" if hit == 0 and result.extra["breaks"] \
                else "inconclusive"
        return "supported" if hit == 0 else "contradicted" if hit >= 0.5 else "inconclusive"
    if spec.method == "ranking" and result.high < 0:
        return "contradicted"  # the bootstrap interval puts another group ahead of the target
    expect = {"coupled": "positive", "causes": "positive", "best": "positive", "worst": "positive"}.get(
        spec.expect, spec.expect)
    return verdict(result, expect, p_adjusted)


def explain(case: Case, *, hypotheses: Sequence[str] | None = None, store: str | Path | None = None,
            method: str = "holm") -> pd.DataFrame:
    """One row per hypothesis and series: status, effect, interval, p, adjusted p, method, sources.

    p-values are adjusted across every test run (Holm by default, ``fdr_bh`` for Benjamini–Hochberg).
    A hypothesis' overall status is in :func:`summarise`; the series each test used are in
    ``attrs["series"]`` keyed ``"<hypothesis>|<series>"``.
    """
    chosen = [h for h in case.hypotheses if not hypotheses or h.id in hypotheses]
    unknown = sorted(set(hypotheses or []) - {h.id for h in chosen})
    if unknown:
        raise BilateralError(f"unknown hypothesis id(s) {', '.join(unknown)} — see `bilateral case hypotheses`")
    evidence = Evidence(case, Path(store) if store else None)
    rows, results, used = [], {}, {}
    for hypothesis in chosen:
        for ref in hypothesis.test.series:
            row = {"hypothesis": hypothesis.id, "series": ref, "status": "no data", "reason": "", "sources": ""}
            try:
                series, sources = evidence.series(ref, hypothesis.test.freq)
                result = run_test(hypothesis.test, series, case, evidence)
            except (NoData, BilateralError) as err:
                row["reason"] = str(err)
                rows.append(row)
                continue
            results[len(rows)] = (result, hypothesis)
            used[f"{hypothesis.id}|{ref}"] = series
            row.update(effect=result.effect, low=result.low, high=result.high, p=result.p, method=result.method,
                       n=result.n, detail=result.detail, sources=", ".join(sources))
            rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=COLUMNS)
    tested = table["p"].notna()
    if tested.any():
        table.loc[tested, "p_adjusted"] = multipletests(table.loc[tested, "p"], method=method)[1]
    for position, (result, hypothesis) in results.items():
        table.loc[position, "status"] = _status(result, hypothesis.test, table.loc[position, "p_adjusted"])
    table.attrs["adjustment"] = method
    table.attrs["series"] = used
    return table


def summarise(table: pd.DataFrame, case: Case) -> pd.DataFrame:
    """One row per hypothesis: supported if some series supports it and none contradicts it,
    contradicted in the reverse case, inconclusive when mixed or unclear, no data when nothing ran."""
    claims = {h.id: h for h in case.hypotheses}
    rows = []
    for hid, group in table.groupby("hypothesis", sort=False):
        statuses = set(group["status"])
        if statuses == {"no data"}:
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
    return pd.DataFrame(rows)
