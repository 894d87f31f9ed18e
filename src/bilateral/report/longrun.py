"""The report's "Long-run relations" section: UN vote agreement, trade, disputes and Japanese
opinion over time, with the first state's leader tenures shaded and the case's key events marked.

:func:`longrun_section` returns the template context (figures as HTML fragments, notes, the
works cited) or ``None`` — with a :class:`LongRunUnavailable` warning giving the reason — when
none of the long-run data is in the data directory.
"""

from __future__ import annotations

import warnings
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bilateral.case import Case
from bilateral.data import catalog
from bilateral.data.paths import MissingDataError
from bilateral.errors import BilateralError
from bilateral.measure.leaders import disagreements, tenures
from bilateral.measure.mids import dyad_disputes
from bilateral.measure.panel import panel

START = 1946
KEY_GOLDSTEIN = 6.0
MIN_VOTES = 10
LINE = {"width": 2}


class LongRunUnavailable(UserWarning):
    """No long-run data was found; the message says what is missing and how to get it."""


def key_events(case: Case, start: int = START) -> pd.DataFrame:
    """Events between the dyad's two states from ``start`` on that are strongly cooperative or
    conflictual (|Goldstein| ≥ 6) or are agreements or sanctions."""
    events = case.table("events")
    if events.empty:
        return events
    a, b = case.dyad
    between = events["source_iso3"].isin([a, b]) & events["target_iso3"].isin([a, b]) \
        & (events["source_iso3"] != events["target_iso3"])
    strong = (events["goldstein"].abs() >= KEY_GOLDSTEIN) \
        | events["category"].isin(["agreement", "sanctions"])
    return events[between & strong & (events["day"].dt.year >= start)].reset_index(drop=True)


def _decorate(fig: go.Figure, case: Case, events: pd.DataFrame, start: int, top: float,
              rows: int = 1) -> go.Figure:
    """Shade every other tenure of the first state's leaders; mark key events as dotted lines with
    a hover marker at height ``top`` of the first panel."""
    first = case.dyad[0]
    floor = pd.Timestamp(f"{start}-01-01")
    for i, row in enumerate(tenures(first, case).itertuples(index=False)):
        end = row.end if pd.notna(row.end) else pd.Timestamp(date.today())
        if end < floor or i % 2:
            continue
        for r in range(1, rows + 1):
            fig.add_vrect(x0=max(row.start, floor), x1=end, fillcolor="#888", opacity=0.08, line_width=0,
                          row=r, col=1)
    for r in range(1, rows + 1):
        for day in events["day"]:
            fig.add_vline(x=day, line={"dash": "dot", "width": 1, "color": "#b0b0b0"}, row=r, col=1)
    if not events.empty:
        fig.add_trace(go.Scatter(
            x=events["day"], y=[top] * len(events), mode="markers",
            name="key events",
            marker={"symbol": "triangle-down", "size": 9,
                    "color": ["#2ca02c" if g > 0 else "#d62728" for g in events["goldstein"]]},
            customdata=events[["id", "date", "summary", "source", "locator"]].to_numpy(),
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]}<br>"
                          "%{customdata[3]} %{customdata[4]}<extra></extra>"), row=1, col=1)
    fig.update_layout(template="plotly_white", hovermode="closest", height=360 + 160 * (rows - 1),
                      margin={"l": 60, "r": 20, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": 1.15, "x": 0})
    fig.update_xaxes(range=[floor, pd.Timestamp(date.today())])
    return fig


def _years(index: pd.PeriodIndex) -> pd.DatetimeIndex:
    return index.to_timestamp(how="start") + pd.Timedelta(days=182)


def _agreement_figure(yearly: pd.DataFrame, case: Case, events: pd.DataFrame, start: int) -> go.Figure:
    """Agreement lines; UN years with fewer than MIN_VOTES joint votes (1964: one roll call) are
    left out."""
    a, b = case.dyad
    yearly = pd.DataFrame(yearly).copy()
    yearly.loc[yearly["unga.votes"] < MIN_VOTES, :] = float("nan")
    fig = make_subplots(rows=1, cols=1)
    x = _years(yearly.index)
    names = {"unga.agreement": (f"{a}–{b}", "#1f77b4", "solid")}
    for column in yearly.columns:
        if column.startswith("unga.agreement@"):
            pair = column.split("@")[1]
            names[column] = (pair, "#ff7f0e" if "CHN" in pair else "#7f7f7f",
                             "dash" if pair.startswith(a) else "dot")
    for column, (label, colour, dash) in names.items():
        if column in yearly:
            fig.add_trace(go.Scatter(x=x, y=yearly[column], name=label, mode="lines",
                                     line={**LINE, "color": colour, "dash": dash},
                                     hovertemplate=f"{label} %{{x|%Y}}: %{{y:.2f}}<extra></extra>"))
    fig.update_yaxes(title_text="share of identical votes", range=[0, 1.08])
    return _decorate(fig, case, events, start, 1.04)


def _trade_figure(yearly: pd.DataFrame, monthly: pd.DataFrame | None, case: Case, events: pd.DataFrame,
                  start: int) -> go.Figure:
    a, b = case.dyad
    rows = 2 if monthly is not None else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=["COW trade, million current US$ (annual)"]
                        + (["Japan's customs statistics, billion yen (monthly)"] if rows == 2 else []))
    fig.add_trace(go.Bar(x=_years(yearly.index), y=yearly["trade.total"], name=f"{a}–{b} trade (US$ m)",
                         marker_color="#9ecae1"), row=1, col=1)
    if monthly is not None:
        x = monthly.index.to_timestamp(how="start")
        for column, label, colour in (("trade_monthly.exports", f"{a} → {b}", "#1f77b4"),
                                      ("trade_monthly.imports", f"{b} → {a}", "#ff7f0e")):
            fig.add_trace(go.Scatter(x=x, y=monthly[column] / 1000, name=f"{label} (¥ bn)", mode="lines",
                                     line={"width": 1.2, "color": colour}), row=2, col=1)
    top = float(yearly["trade.total"].max()) * 1.05 if yearly["trade.total"].notna().any() else 1.0
    return _decorate(fig, case, events, start, top, rows)


def _dispute_figure(disputes: pd.DataFrame, case: Case, events: pd.DataFrame, start: int) -> go.Figure:
    fig = make_subplots(rows=1, cols=1)
    x = [d if pd.notna(d) else s.to_timestamp() for d, s in zip(disputes["gml_start"], disputes["start"],
                                                                  strict=True)]
    fig.add_trace(go.Scatter(
        x=x, y=disputes["hostility"], mode="markers", name="militarized disputes",
        marker={"size": 11, "color": "#d62728", "opacity": 0.8},
        customdata=disputes[["dispnum", "highest_action", "outcome", "first_year", "last_year"]].astype(str),
        hovertemplate="MID %{customdata[0]}, from %{x|%Y-%m}: %{customdata[1]}<br>"
                      "years %{customdata[3]}–%{customdata[4]}, outcome %{customdata[2]}<extra></extra>"))
    fig.update_yaxes(title_text="hostility level", tickvals=[2, 3, 4, 5],
                     ticktext=["threat", "display", "use of force", "war"], range=[1.5, 5.6])
    return _decorate(fig, case, events, start, 5.4)


def _opinion_figure(monthly: pd.DataFrame, case: Case, events: pd.DataFrame, start: int) -> go.Figure:
    fig = make_subplots(rows=1, cols=1)
    x = monthly.index.to_timestamp(how="start")
    for column, label, colour, dash in (
            ("opinion.dislike_russia", "dislike Russia", "#d62728", "solid"),
            ("opinion.like_russia", "like Russia", "#2ca02c", "solid"),
            ("opinion.dislike_china", "dislike China", "#ff7f0e", "dot"),
            ("opinion.dislike_usa", "dislike the US", "#7f7f7f", "dot")):
        fig.add_trace(go.Scatter(x=x, y=monthly[column], name=label, mode="lines",
                                 line={"width": 1.4, "color": colour, "dash": dash},
                                 hovertemplate=f"{label} %{{x|%Y-%m}}: %{{y:.1f}}%<extra></extra>"))
    top = float(monthly[[c for c in monthly if c.startswith("opinion.")]].max().max()) * 1.06
    fig.update_yaxes(title_text="% of respondents", range=[0, top * 1.04])
    return _decorate(fig, case, events, start, top)


def _html(fig: go.Figure, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config={"responsive": True})


def _monthly(case: Case, notes: list[str]) -> pd.DataFrame | None:
    """Japan's monthly trade and the Jiji poll for the case's dyad, or ``None`` (reason in notes)."""
    a, b = case.dyad
    try:
        monthly = panel(a, b, freq="M", start="1987-11", end="2015-03", case=case)
        return monthly.add_trade_monthly().add_opinion()
    except BilateralError as err:  # missing data, or a dyad without Japan
        notes.append(f"Japanese opinion and monthly trade: {err}")
        return None


def _figures(case: Case, yearly: pd.DataFrame, monthly: pd.DataFrame | None, start: int) -> list[tuple]:
    """(id, title, caption, figure, citation keys) of every figure the data allows."""
    a, b = case.dyad
    events = key_events(case, start)
    steps, columns = yearly.attrs["steps"], yearly.attrs["columns"]
    figures = []
    if "unga" in steps:
        caption = (f"Share of roll calls in which {a} and {b} voted alike, per UN year (1945 + session); "
                   "dashed and dotted lines: each side with China and the US. Years with fewer than "
                   f"{MIN_VOTES} joint votes are left out.")
        figures.append(("un-agreement", "UN General Assembly vote agreement", caption,
                        _agreement_figure(yearly.filter(like="unga."), case, events, start),
                        columns["unga.agreement"]["citation"]))
    if "trade" in steps:
        caption = (f"Total trade between {a} and {b} (COW, to 2014) and, below, Japan's monthly exports "
                   "and imports (Ministry of Finance, 1987–2015).")
        cited = columns["trade.total"]["citation"]
        if monthly is not None:
            cited = [*cited, "mof_trade", "kato_foreign_image"]
        figures.append(("trade", "Trade", caption, _trade_figure(yearly, monthly, case, events, start),
                        cited))
    if "mids" in steps:
        disputes = dyad_disputes(a, b, since=start)
        caption = (f"Each of the {len(disputes)} MIDs between {a} and {b} since {start} at its start date "
                   "(GML day where known, else COW month) and hostility level; hover for the highest "
                   "action and outcome.")
        figures.append(("disputes", "Militarized interstate disputes", caption,
                        _dispute_figure(disputes, case, events, start),
                        ["palmer2022mid5", "gibler2016mid", "miller2022peacesciencer"]))
    if monthly is not None:
        caption = ("Jiji Press monthly poll: share of Japanese respondents naming Russia (the USSR before "
                   "1992) among countries they like or dislike, with dislike of China and the US.")
        figures.append(("opinion", "Japanese opinion of Russia", caption,
                        _opinion_figure(monthly, case, events, start), ["jiji_poll", "kato_foreign_image"]))
    return figures


def _leader_differences(case: Case, notes: list[str]) -> list[dict]:
    """Rows where Archigos or REIGN differ from the case's leader tenures (the case is used)."""
    try:
        table = pd.concat([disagreements(case, state) for state in case.dyad], ignore_index=True)
    except MissingDataError as err:
        notes.append(f"leader cross-check: {err}")
        return []
    table["days"] = table["days"].astype("string").fillna("")
    return table.to_dict("records")


def longrun_section(case: Case, start: int = START, end: int | None = None) -> dict | None:
    """Context for ``longrun.html.j2``: ``figures`` (id, title, caption, html, sources),
    ``leaders`` (where Archigos and REIGN differ from the case's tenures), ``notes`` (what could
    not be drawn and why) and ``references`` (key, BibTeX).

    ``None`` (with a :class:`LongRunUnavailable` warning) when no long-run data is available.
    """
    a, b = case.dyad
    end = end or date.today().year - 1
    yearly = panel(a, b, freq="Y", start=start, end=end, case=case).add(
        "leaders", "unga", "trade", "mids", "triads")
    notes = [f"{step}: {reason}" for step, reason in yearly.attrs["skipped"].items()]
    figures = _figures(case, yearly, _monthly(case, notes), start)
    if not figures:
        warnings.warn("no long-run data available — " + "; ".join(notes), LongRunUnavailable, stacklevel=2)
        return None
    refs = catalog.references()
    keys = sorted({k for *_, cited in figures for k in cited})
    leaders = _leader_differences(case, notes)
    return {
        "dyad": (a, b), "start": start, "end": end, "events": len(key_events(case, start)),
        "leaders": leaders,
        "figures": [{"id": fid, "title": title, "caption": caption, "html": _html(fig, f"longrun-{fid}"),
                     "sources": sorted(set(cited))} for fid, title, caption, fig, cited in figures],
        "notes": notes,
        "references": [(k, refs[k]) for k in keys],
    }
