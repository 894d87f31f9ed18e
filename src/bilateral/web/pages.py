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
from bilateral.web.render import figures_json, mark_events, rows, safe_json

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
    # a bad or too long range is a 400 even when there is no table to cut
    if query.get("from", "").strip() and query.get("to", "").strip():
        inputs.span(query, "", "")
    else:
        for end in ("from", "to"):
            inputs.month(query, end)
    context: dict[str, Any] = {"a": a, "b": b, "freq": freq, "source": source, "freqs": inputs.FREQS,
                               "metrics": [], "metric": "", "figures": {}, "columns": [], "rows": [],
                               "reason": "", "span": None, "pending": False, "latent_reason": ""}
    try:
        table = await _full_table(dash, case, source, a, b, freq)
    except BilateralError as err:
        context.update(reason=str(err), figures=figures_json(await _latent(dash, case, query, context, None)))
        return context
    except Pending as err:
        context.update(reason=f"{err} — this page refreshes itself", pending=True,
                       figures=figures_json(await _latent(dash, case, query, context, None)))
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
    figures = {"relations": fig, **await _latent(dash, case, query, context, span)}
    context.update(metrics=metrics, metric=metric, span=span, figures=figures_json(figures),
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


async def _latent(dash: Dashboard, case: str, query: Mapping[str, str], context: dict[str, Any],
                  span: inputs.Span | None) -> dict[str, Any]:
    """``{"latent": figure}`` for the case's own dyad (else empty) over ``span`` (default: the
    query's range within the index); while the index is being fitted the page is marked pending."""
    the_case = dash.analysis(case).case
    if {context["a"], context["b"]} != set(the_case.dyad):
        return {}
    latent = await dash.part(case, "latent", PAGE_WAIT)
    if latent is None:
        context.update(pending=True, latent_reason="the latent relation index is being fitted")
        return {}
    if not latent.available:
        context["latent_reason"] = latent.reason
        return {}
    if span is None:
        months = latent.index.mean.index
        span = inputs.span(query, str(months[0])[:7], str(months[-1])[:7])
    return {"latent": latent_figure(latent, the_case, span)}


def latent_figure(latent: Any, case: Any, span: inputs.Span) -> Any:
    """The latent relation index with its 90 % band (``Analysis.latent``), the case's key events
    marked, shown over the page's date range."""
    from bilateral.case.select import key_events

    fig = mark_events(latent.figures()["latent"], key_events(case))
    return fig.update_xaxes(range=[f"{span.start}-01", f"{span.end}-28"])


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
    if name in ("negotiation-take", "stakeholders"):
        live = dash.live_request(query)
        if name == "stakeholders":
            return (await dash.pool.run(dash.edited, live)).frame()
        return (await dash.pool.run(dash.take, live)).table()
    if name in ("dynamics", "dynamics-years", "dynamics-case"):
        run = dash.scenario_request(query)
        result = await dash.part(case_name, "dynamics", dash.pool.timeout)
        if result is None:
            raise inputs.BadInput(name, "still being computed — try again in a moment")
        if name == "dynamics-case":
            return result.table()
        scenario = await dash.pool.run(dash.scenario, run)
        return scenario.table() if name == "dynamics" else scenario.by_year_table()
    if name == "latent":
        result = await dash.part(case_name, "latent", dash.pool.timeout)
        if result is None:
            raise inputs.BadInput(name, "still being computed — try again in a moment")
        return result.table()
    if name == "data":
        return await dash.pool.run(_status)
    raise inputs.BadInput("table", f"{name[:30]!r} is not a table — use one of {', '.join(DOWNLOADS)}")


DOWNLOADS = (*CASE_TABLES, "overview", "evidence", "evidence-tests", "negotiation", "negotiation-take",
             "stakeholders", "relations", "latent", "dynamics", "dynamics-years", "dynamics-case", "data")


async def dynamics(dash: Dashboard, query: Mapping[str, str]) -> dict[str, Any]:
    """The scenario builder and its run beside the baseline; the case's own scenarios, fan chart and
    P(breakthrough by year) from ``Analysis.dynamics``."""
    from bilateral.analysis.scenario_edit import MAX_PATHS, MAX_SHOCKS, MAX_WORK, builder

    run = dash.scenario_request(query)
    context: dict[str, Any] = {"run": run, "pending": False, "reason": "", "builder": None, "figures": {},
                               "max_paths": MAX_PATHS, "max_shocks": MAX_SHOCKS, "max_work": MAX_WORK,
                               "model_names": inputs.MODEL_NAMES}
    result = await dash.part(run.case, "dynamics", PAGE_WAIT)
    if result is None:
        context["pending"] = True
        return context
    if not result.available:
        context["reason"] = result.reason
        return context
    options = builder(dash.analysis(run.case).case, result)
    scenario = await dash.pool.run(dash.scenario, run)
    if not scenario.available:
        context["reason"] = scenario.reason
        return context
    figures = dict(scenario.figures())
    figures.update({k: v for k, v in result.figures().items() if k in ("dynamics_fan", "dynamics_breakthrough",
                                                                        "dynamics_shocks")})
    mine = scenario.table()
    case_table = result.table()
    summary = result.summary()
    context.update(
        builder=options, figures=figures_json(figures), years=scenario.years, by_year=scenario.by_year,
        last_year=options.first_year + scenario.years - 1, shocks=_shock_rows(query, run),
        next_index=len(run.shocks), presets=_preset_links(query, options),
        mine=rows(mine[[c for c in ("scenario", "model", "p", "low", "high", "basis") if c in mine]]),
        case_rows=rows(case_table[[c for c in ("name", "model", "p", "low", "high", "basis") if c in case_table]]),
        static_rule=summary.get("static_rule", ""), coupled_rule=summary.get("coupled_rule", ""),
        index_name=summary.get("index", ""), case_by_year=result.by_year,
        by_construction=scenario.summary().get("by_construction", {}), sources=list(scenario.sources))
    return context


def _scenario_query(query: Mapping[str, str], shocks: list[tuple[int, str, float | None, float | None]]) -> str:
    """The query of the same view with ``shocks`` (renumbered from 0) instead of the request's."""
    from urllib.parse import urlencode

    kept = [(k, v) for k, v in query.items() if not inputs.SHOCK_FIELD.match(k)]
    for i, (year, what, size, half) in enumerate(shocks):
        kept += [(f"y{i}", str(year)), (f"w{i}", what)]
        kept += [(f"a{i}", f"{size:g}")] if size is not None else []
        kept += [(f"h{i}", f"{half:g}")] if half is not None else []
    return urlencode(kept)


def _shock_rows(query: Mapping[str, str], run: Any) -> list[dict[str, Any]]:
    """The builder's rows: each shock with the link that removes it."""
    out = []
    for i, (year, what, size, half) in enumerate(run.shocks):
        rest = [s for j, s in enumerate(run.shocks) if j != i]
        out.append({"i": i, "year": year, "what": what, "size": "" if size is None else f"{size:g}",
                    "half_life": "" if half is None else f"{half:g}",
                    "remove": "/dynamics?" + _scenario_query(query, rest)})
    return out


def _preset_links(query: Mapping[str, str], options: Any) -> list[tuple[str, str]]:
    """(name, URL) of each named scenario of ``dynamics.yaml``, loaded into the builder."""
    return [(name, "/dynamics?" + _scenario_query(query, [(s.year, s.what, s.size, s.half_life) for s in shocks]))
            for name, shocks in options.presets.values()]
