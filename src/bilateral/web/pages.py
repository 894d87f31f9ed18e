"""Each page's context, from the analysis layer's results (and the tables each page downloads).

Slow parts (the evidence needs the yearly and monthly panels) are computed in the background; a
page asked for before its part is ready says so and refreshes itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from bilateral.errors import BilateralError
from bilateral.web import inputs
from bilateral.web.dashboard import Dashboard
from bilateral.web.render import figures_json, rows, safe_json

#: Seconds a page waits for a part computed in the background before saying it is still computing.
PAGE_WAIT = 2.0
STATUSES = ("supported", "contradicted", "inconclusive", "no data")
CASE_TABLES = ("events", "factors", "actors", "leaders")
EVIDENCE_COLUMNS = ("hypothesis", "claim", "status", "method", "expect", "tests", "series", "source", "locator")


async def overview(dash: Dashboard, query: Mapping[str, str]) -> dict[str, Any]:
    """The three questions in sentences, the figures behind them."""
    from bilateral.report.headline import case_lines, evidence_line, relations_line
    from bilateral.report.prose import breakthrough_sentence

    case = dash.case_name(query)
    # the three slower parts are awaited together: a page waits PAGE_WAIT at most, not once per part
    over, rel, ev, neg = await asyncio.gather(
        dash.part(case, "overview", dash.pool.timeout), *(dash.part(case, part, PAGE_WAIT)
                                                          for part in ("relations", "evidence", "negotiation")))
    how_good = case_lines(over)
    if rel is not None:
        how_good.append(relations_line(rel) or f"Measured relations: not available — {rel.reason}")
    questions = [
        {"id": "relations", "question": "How good are relations, and when were they best?", "lines": how_good,
         "pending": rel is None},
        {"id": "factors", "question": "Which factors move them?",
         "lines": [evidence_line(ev)] if ev is not None else [], "pending": ev is None},
        {"id": "breakthrough", "question": "Is a breakthrough possible?",
         "lines": [breakthrough_sentence(neg.simulation.monte_carlo, neg.simulation.threshold_label)]
         if neg is not None and neg.simulation is not None and neg.simulation.monte_carlo is not None else [],
         "pending": neg is None},
    ]
    figures = dict(over.figures())
    if rel is not None:
        figures.update(rel.figures())
    if neg is not None and neg.available:
        figures.update({k: v for k, v in neg.figures().items() if k in ("distribution", "winsets")})
    return {"title": over.summary()["title"], "questions": questions, "figures": figures_json(figures),
            "pending": any(q["pending"] for q in questions), "sources": list(over.sources)}


async def relations(dash: Dashboard, query: Mapping[str, str]) -> dict[str, Any]:
    """A dyad's measured relations (event index from the store, or the case dyad's panel)."""
    from bilateral.analysis.relations import DEFAULT_METRIC, index_figure, measured_figure

    case = dash.case_name(query)
    analysis = dash.analysis(case)
    first, second = analysis.case.dyad
    a, b = inputs.iso3(query, "a", first), inputs.iso3(query, "b", second)
    if a == b:
        raise inputs.BadInput("b", f"{b} is also side a — choose two different countries")
    freq = inputs.choice(query, "freq", tuple(inputs.FREQS), "M")
    source = inputs.choice(query, "source", ("events", "panel"), "events")
    context: dict[str, Any] = {"a": a, "b": b, "freq": freq, "source": source, "freqs": inputs.FREQS,
                               "metrics": [], "metric": "", "figures": {}, "columns": [], "rows": [],
                               "reason": "", "span": None, "pending": False}
    try:
        table = await _full_table(dash, case, source, a, b, freq)
    except BilateralError as err:
        context["reason"] = str(err)
        return context
    except Pending as err:
        context.update(reason=f"{err} — this page refreshes itself", pending=True)
        return context
    metrics = [str(c) for c in table.columns if c not in ("no_events",) and table[c].dtype.kind in "fiu"]
    default = DEFAULT_METRIC if DEFAULT_METRIC in metrics else (metrics[0] if metrics else "")
    metric = inputs.choice(query, "metric", metrics, default) if metrics else ""
    first_month = table.index[0].start_time.strftime("%Y-%m") if len(table) else ""
    last_month = table.index[-1].end_time.strftime("%Y-%m") if len(table) else ""
    span = inputs.span(query, first_month, last_month)
    shown = _between(table, span, freq)
    if shown.empty:
        context.update(metrics=metrics, metric=metric, span=span,
                       reason=f"no {inputs.FREQS[freq]} rows between {span.start} and {span.end}")
        return context
    if source == "events" and metric == DEFAULT_METRIC and (a, b) == tuple(analysis.case.dyad):
        shown.attrs["metric"] = metric
        fig = measured_figure(shown, analysis.case, analysis.case.table("events"))
    else:
        fig = index_figure(shown, metric)
    columns, cells = rows(shown, limit=600)
    context.update(metrics=metrics, metric=metric, span=span, figures=figures_json({"relations": fig}),
                   columns=columns, rows=cells, total=len(shown), sources=list(shown.attrs.get("sources", [])))
    return context


async def _full_table(dash: Dashboard, case: str, source: str, a: str, b: str, freq: str) -> Any:
    analysis = dash.analysis(case)
    if source == "panel":
        if (a, b) != tuple(analysis.case.dyad):
            raise inputs.BadInput("a", f"the panel is built for the case's dyad {'–'.join(analysis.case.dyad)} "
                                  "only — choose source=events for another pair")
        future = dash.compute(("panel", case, freq), analysis.panel, freq)
    else:
        future = dash.compute(("index", case, a, b, freq), analysis.event_index, a, b, freq)
    found = await dash.result(future, PAGE_WAIT)
    if found is None:
        raise Pending(f"the {source} table {a}–{b} ({inputs.FREQS[freq]}) is being built")
    return found


class Pending(Exception):
    """A table still being built in the background (the page says so and refreshes)."""


def _between(table: Any, span: inputs.Span, freq: str) -> Any:
    import pandas as pd

    start, end = pd.Period(span.start, freq="M").start_time, pd.Period(span.end, freq="M").end_time
    inside = (table.index.end_time >= start) & (table.index.start_time <= end)  # periods overlapping the span
    out = table[inside]
    out.attrs = dict(table.attrs)
    return out


async def evidence(dash: Dashboard, query: Mapping[str, str]) -> dict[str, Any]:
    """The verdict table, filtered by status and sorted by a column."""
    case = dash.case_name(query)
    status = inputs.choice(query, "status", ("all", *STATUSES), "all")
    sort = inputs.choice(query, "sort", EVIDENCE_COLUMNS, "hypothesis")
    descending = bool(inputs.flag(query, "desc"))
    result = await dash.part(case, "evidence", PAGE_WAIT)
    context: dict[str, Any] = {"status": status, "sort": sort, "desc": descending, "statuses": STATUSES,
                               "sortable": EVIDENCE_COLUMNS, "pending": result is None, "columns": [], "rows": [],
                               "counts": {}, "reason": ""}
    if result is None:
        return context
    if not result.available:
        context["reason"] = result.reason
        return context
    frame = _verdicts(result, status, sort, descending)
    columns, cells = rows(frame[[c for c in EVIDENCE_COLUMNS if c in frame]])
    context.update(columns=columns, rows=cells, counts=result.counts(), adjustment=result.adjustment,
                   sources=list(result.sources))
    return context


def _verdicts(result: Any, status: str, sort: str, descending: bool) -> Any:
    frame = result.table()
    if status != "all":
        frame = frame[frame["status"] == status]
    if sort in frame:
        frame = frame.sort_values(sort, ascending=not descending, kind="stable")
    return frame


async def claim(dash: Dashboard, query: Mapping[str, str], hypothesis: str) -> dict[str, Any]:
    """One claim: its seed lines (citation), series plot, tests with effect and interval, verdict."""
    case = dash.case_name(query)
    the_case = dash.analysis(case).case
    claims = {h.id: h for h in the_case.hypotheses}
    if hypothesis not in claims:
        raise inputs.BadInput("hypothesis", f"{hypothesis[:20]!r} is not a hypothesis of {case} — use one of "
                              f"{', '.join(claims)}")
    h = claims[hypothesis]
    result = await dash.part(case, "evidence", PAGE_WAIT)
    context: dict[str, Any] = {"h": h, "citation": _citation(the_case, h.source), "pending": result is None,
                               "verdict": None, "columns": [], "rows": [], "figures": {}, "reason": "",
                               "sentences": []}
    if result is None:
        return context
    if not result.available:
        context["reason"] = result.reason
        return context
    verdicts = result.table()
    row = verdicts[verdicts["hypothesis"] == hypothesis]
    context["verdict"] = {k: v for k, v in row.iloc[0].items()} if len(row) else None
    tests = result.tests_of(hypothesis)
    context["columns"], context["rows"] = rows(tests)
    if "sentence" in tests:  # the explain layer's one-sentence reading of each test
        context["sentences"] = [(str(r.series), str(r.sentence)) for r in tests.itertuples()
                                if isinstance(r.sentence, str) and r.sentence]
    figure = result.figures().get(hypothesis)
    context["figures"] = figures_json({"series": figure}) if figure is not None else {}
    return context


def _citation(case: Any, key: str) -> str:
    try:
        return case.cite(key)
    except BilateralError:
        return ""


async def negotiation(dash: Dashboard, query: Mapping[str, str]) -> dict[str, Any]:
    """The live page: the inputs from the URL and the first result, rendered in the page."""
    import json

    live = dash.live_request(query)
    sh = await dash.pool.run(dash.edited, live)
    body = await dash.pool.run(dash.live, live)
    actors = [{"i": i, "actor": sh.actor[i], "state": sh.state[i] or "", "level": sh.level[i],
               "position": float(sh.position[i]), "salience": float(sh.salience[i]),
               "capability": float(sh.capability[i]), "veto": bool(sh.veto[i])} for i in range(sh.n)]
    return {"live": live, "actors": actors, "scale": sh.scale, "model_names": inputs.MODEL_NAMES,
            "max_runs": inputs.MAX_RUNS, "body": body,
            "payload": safe_json(json.dumps(body, ensure_ascii=False, allow_nan=False, default=str))}


async def case(dash: Dashboard, query: Mapping[str, str]) -> dict[str, Any]:
    """The case's records: events (with the timeline), factors, actors, leaders, each cited."""
    name = dash.case_name(query)
    kind = inputs.choice(query, "table", CASE_TABLES, "events")
    frame = dash.analysis(name).case.table(kind)
    columns_all = [str(c) for c in frame.columns]
    sort = inputs.choice(query, "sort", columns_all, columns_all[0])
    descending = bool(inputs.flag(query, "desc"))
    search = query.get("q", "").strip()[:100]
    frame = _case_rows(frame, search, sort, descending)
    figures = {}
    if kind == "events":
        over = await dash.part(name, "overview", dash.pool.timeout)
        figures = figures_json(over.figures())
    columns, cells = rows(frame.drop(columns=[c for c in ("day",) if c in frame]))
    return {"table": kind, "tables": CASE_TABLES, "sort": sort, "desc": descending, "q": search,
            "sortable": columns_all, "columns": columns, "rows": cells, "figures": figures}


def _case_rows(frame: Any, search: str, sort: str, descending: bool) -> Any:
    if search:
        text = frame.astype(str).apply(lambda col: col.str.contains(search, case=False, regex=False))
        frame = frame[text.any(axis=1)]
    return frame.sort_values(sort, ascending=not descending, kind="stable", na_position="last")


async def data(dash: Dashboard, query: Mapping[str, str]) -> dict[str, Any]:
    """What is in the data directory and the event store, and what to pull."""
    name = dash.case_name(query)
    frame = await dash.pool.run(_status)
    missing = frame.loc[frame["state"] != "complete", "dataset"].tolist()
    store = await dash.pool.run(_store_stats, dash.analysis(name).store_path)
    columns, cells = rows(frame)
    return {"root": frame.attrs.get("root", ""), "columns": columns, "rows": cells, "missing": missing,
            "store": store}


def _status() -> Any:
    from bilateral.data import catalog

    return catalog.status()


def _store_stats(path: Any) -> dict[str, Any]:
    """The store's datasets and counts, or why there is none (opened read-only)."""
    from bilateral.data.store import Store

    if not path.exists():
        return {"path": str(path), "reason": "no event store yet — ingest event files with "
                "`bilateral events ingest FILE…`", "columns": [], "rows": []}
    try:
        with Store(path, read_only=True) as store:
            frame = store.stats("dataset")
    except BilateralError as err:
        return {"path": str(path), "reason": str(err), "columns": [], "rows": []}
    columns, cells = rows(frame)
    return {"path": str(path), "reason": "", "columns": columns, "rows": cells}


async def table(dash: Dashboard, query: Mapping[str, str], name: str) -> Any:
    """The table a page downloads, for the same query as the page."""
    case_name = dash.case_name(query)
    analysis = dash.analysis(case_name)
    if name in CASE_TABLES:
        return analysis.case.table(name)
    if name in ("overview", "evidence", "evidence-tests"):
        result = await dash.part(case_name, name.removesuffix("-tests"), dash.pool.timeout)
        if result is None:
            raise inputs.BadInput(name, "still being computed — try again in a moment")
        if name == "evidence":
            return _verdicts(result, inputs.choice(query, "status", ("all", *STATUSES), "all"),
                             inputs.choice(query, "sort", EVIDENCE_COLUMNS, "hypothesis"),
                             bool(inputs.flag(query, "desc")))
        return result.tests if name == "evidence-tests" and result.tests is not None else result.table()
    if name == "negotiation":
        from bilateral.analysis.negotiation import simulation

        live = dash.live_request(query)
        sh = await dash.pool.run(dash.edited, live)
        result = await dash.pool.run(lambda: simulation(sh, list(live.models), runs=live.runs, rng=live.seed,
                                                        workers=1))
        return result.table()
    if name == "relations":
        context_query = dict(query)
        a = inputs.iso3(context_query, "a", analysis.case.dyad[0])
        b = inputs.iso3(context_query, "b", analysis.case.dyad[1])
        freq = inputs.choice(context_query, "freq", tuple(inputs.FREQS), "M")
        source = inputs.choice(context_query, "source", ("events", "panel"), "events")
        try:
            full = await _full_table(dash, case_name, source, a, b, freq)
        except Pending as err:
            raise inputs.BadInput("relations", f"{err} — try again in a moment") from None
        first = full.index[0].start_time.strftime("%Y-%m") if len(full) else ""
        last = full.index[-1].end_time.strftime("%Y-%m") if len(full) else ""
        return _between(full, inputs.span(context_query, first, last), freq)
    if name == "data":
        return await dash.pool.run(_status)
    raise inputs.BadInput("table", f"{name[:30]!r} is not a table — use one of {', '.join(DOWNLOADS)}")


DOWNLOADS = (*CASE_TABLES, "overview", "evidence", "evidence-tests", "negotiation", "relations", "data")
