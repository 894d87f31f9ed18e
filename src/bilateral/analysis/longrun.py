"""Long-run relations: UN vote agreement, trade, disputes and, for a pair with Japan, Japan's monthly
trade and public opinion of the partner, with the first state's leader tenures shaded and the case's
key events marked.

The series come from the case's yearly and monthly panels (built once by the analysis); this part
chooses, for the case's own dyad, what a reader of the long run needs and draws it. What a dyad has
no data for is said in ``notes``, never drawn for another pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bilateral.analysis.result import Result, _cited
from bilateral.case import Case
from bilateral.case.select import key_events
from bilateral.data.paths import MissingDataError
from bilateral.measure.builders import OPINION_COUNTRIES
from bilateral.measure.leaders import disagreements, tenures
from bilateral.measure.mids import dyad_disputes
from bilateral.measure.unga import MIN_VOTES, drop_thin_periods

START = 1946
LINE = {"width": 2}
MONTHLY = ("trade_monthly.", "opinion.")
#: The panel steps this part draws, per panel: a skipped one is noted with its reason.
DRAWN = {"Y": ("unga", "trade", "mids"), "M": ("trade_monthly", "opinion")}
#: Names of the states the figures' labels and captions mention (others by their ISO3 code).
NAMES = {"RUS": "Russia", "CHN": "China", "USA": "the US", "KOR": "South Korea", "PRK": "North Korea",
         "JPN": "Japan"}
#: States whose dislike in the Jiji poll is drawn beside the partner's, the first two not in the pair.
OPINION_CONTEXT = ("CHN", "USA", "KOR")


def _name(iso3: str) -> str:
    return NAMES.get(iso3, iso3)


def _listed(names: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _partner(case: Case) -> str | None:
    """The state opposite Japan in the case's dyad (``None`` without Japan)."""
    a, b = case.dyad
    return b if a == "JPN" else a if b == "JPN" else None


@dataclass(frozen=True)
class LongRunFigure:
    """One figure of the section: id, title, caption, the figure and the works it cites."""

    id: str
    title: str
    caption: str
    figure: go.Figure
    sources: tuple[str, ...]


def _decorate(fig: go.Figure, case: Case, events: pd.DataFrame, start: int, top: float,
              rows: int = 1) -> go.Figure:
    """Shade every other tenure of the first state's leaders; mark key events as dotted lines with
    a hover marker at height ``top`` of the first panel. The shapes are laid out in one update
    (one ``add_vline`` per event and panel re-validates the whole layout each time)."""
    floor, today = pd.Timestamp(f"{start}-01-01"), pd.Timestamp(date.today())
    shaded = [(max(row.start, floor), row.end if pd.notna(row.end) else today)
              for i, row in enumerate(tenures(case.dyad[0], case).itertuples(index=False))
              if not i % 2 and (row.end if pd.notna(row.end) else today) >= floor]
    shapes = []
    for r in range(1, rows + 1):
        axes = {"xref": "x" if r == 1 else f"x{r}", "yref": ("y" if r == 1 else f"y{r}") + " domain",
                "y0": 0, "y1": 1}
        shapes += [{"type": "rect", "x0": x0, "x1": x1, "fillcolor": "#888", "opacity": 0.08,
                    "line": {"width": 0}, "layer": "below", **axes} for x0, x1 in shaded]
        shapes += [{"type": "line", "x0": day, "x1": day, "line": {"dash": "dot", "width": 1, "color": "#b0b0b0"},
                    **axes} for day in events["day"]]
    fig.update_layout(shapes=[*fig.layout.shapes, *shapes])
    if not events.empty:
        fig.add_trace(go.Scatter(
            x=events["day"], y=[top] * len(events), mode="markers", name="key events",
            marker={"symbol": "triangle-down", "size": 9,
                    "color": ["#2ca02c" if g > 0 else "#d62728" for g in events["goldstein"]]},
            customdata=events[["id", "date", "summary", "source", "locator"]].to_numpy(),
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]}<br>"
                          "%{customdata[3]} %{customdata[4]}<extra></extra>"), row=1, col=1)
    fig.update_layout(template="plotly_white", hovermode="closest", height=360 + 160 * (rows - 1),
                      margin={"l": 60, "r": 20, "t": 40, "b": 40}, legend={"orientation": "h", "y": 1.15, "x": 0})
    fig.update_xaxes(range=[floor, today])
    return fig


def _years(index: pd.PeriodIndex) -> pd.DatetimeIndex:
    return index.to_timestamp(how="start") + pd.Timedelta(days=182)


def agreement_figure(yearly: pd.DataFrame, case: Case, events: pd.DataFrame, start: int) -> go.Figure:
    """Agreement lines of the dyad and of each side with the third states; UN years with fewer
    than ``MIN_VOTES`` joint votes (1964: one roll call) are left out."""
    a, _b = case.dyad
    yearly = drop_thin_periods(yearly.filter(like="unga."))
    fig = make_subplots(rows=1, cols=1)
    x = _years(yearly.index)
    names = {"unga.agreement": ("–".join(case.dyad), "#1f77b4", "solid")}
    for column in yearly.columns:
        if column.startswith("unga.agreement@"):
            pair = column.split("@")[1]
            names[column] = (pair, "#ff7f0e" if "CHN" in pair else "#7f7f7f", "dash" if pair.startswith(a) else "dot")
    for column, (label, colour, dash) in names.items():
        fig.add_trace(go.Scatter(x=x, y=yearly[column], name=label, mode="lines",
                                 line={**LINE, "color": colour, "dash": dash},
                                 hovertemplate=f"{label} %{{x|%Y}}: %{{y:.2f}}<extra></extra>"))
    fig.update_yaxes(title_text="share of identical votes", range=[0, 1.08])
    return _decorate(fig, case, events, start, 1.04)


def trade_figure(yearly: pd.DataFrame, monthly: pd.DataFrame | None, case: Case, events: pd.DataFrame,
                 start: int) -> go.Figure:
    """COW annual trade as bars and, for a pair with Japan, Japan's monthly customs trade below."""
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


def dispute_figure(disputes: pd.DataFrame, case: Case, events: pd.DataFrame, start: int) -> go.Figure:
    """Each MID at its start date (GML day where known, else the COW month) and hostility level."""
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


def opinion_lines(partner: str) -> list[tuple[str, str, str, str]]:
    """(column, label, colour, dash) of the Jiji poll lines for a case opposite Japan: dislike and like
    of the partner, then dislike of the first two of ``OPINION_CONTEXT`` that are not the partner."""
    lines = [(f"opinion.dislike_{OPINION_COUNTRIES[partner]}", f"dislike {_name(partner)}", "#d62728", "solid"),
             (f"opinion.like_{OPINION_COUNTRIES[partner]}", f"like {_name(partner)}", "#2ca02c", "solid")]
    others = [c for c in OPINION_CONTEXT if c != partner][:2]
    lines += [(f"opinion.dislike_{OPINION_COUNTRIES[c]}", f"dislike {_name(c)}", colour, "dot")
              for c, colour in zip(others, ("#ff7f0e", "#7f7f7f"), strict=True)]
    return lines


def opinion_figure(monthly: pd.DataFrame, case: Case, events: pd.DataFrame, start: int) -> go.Figure:
    """The Jiji poll's likes and dislikes of the state opposite Japan, with dislike of two others."""
    fig = make_subplots(rows=1, cols=1)
    x = monthly.index.to_timestamp(how="start")
    for column, label, colour, dash in opinion_lines(_partner(case)):
        fig.add_trace(go.Scatter(x=x, y=monthly[column], name=label, mode="lines",
                                 line={"width": 1.4, "color": colour, "dash": dash},
                                 hovertemplate=f"{label} %{{x|%Y-%m}}: %{{y:.1f}}%<extra></extra>"))
    top = float(monthly[[c for c in monthly if c.startswith("opinion.")]].max().max()) * 1.06
    fig.update_yaxes(title_text="% of respondents", range=[0, top * 1.04])
    return _decorate(fig, case, events, start, top)


def _monthly_part(monthly: pd.DataFrame | None, wanted: set[str]) -> pd.DataFrame | None:
    """The monthly trade and opinion columns over the months any of them has data (``None`` unless
    the panel has every ``wanted`` column)."""
    if monthly is None:
        return None
    columns = [c for c in monthly.columns if c.startswith(MONTHLY) and "@" not in c]
    if not wanted <= set(columns):
        return None
    part = pd.DataFrame(monthly[columns])
    has = part.notna().any(axis=1)
    return part.loc[has[has].index[0]:has[has].index[-1]] if has.any() else None


@dataclass(frozen=True, repr=False, kw_only=True)
class LongRunResult(Result):
    """The long-run part: UN votes, trade, disputes and opinion since 1946.

    Attributes
    ----------
    case
        The case.
    start, end
        The years drawn.
    items
        One `LongRunFigure` per figure: id, title, caption, the figure and its sources
        (``table()`` lists them).
    leaders
        Where the case's leader dates differ from Archigos and REIGN.
    notes
        What could not be drawn, and why.
    key_events
        How many of the case's key events mark the figures.

    Examples
    --------
    >>> lr = bilateral.Analysis("russia-japan").longrun
    >>> lr.table()[["id", "title"]]
    >>> lr.plot("un-agreement")            # UN vote agreement since 1946
    """

    case: Case | None = None
    start: int = START
    end: int = 0
    items: tuple[LongRunFigure, ...] = ()
    leaders: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: tuple[str, ...] = ()
    key_events: int = 0

    def table(self) -> pd.DataFrame:
        """One row per figure: id, title, caption, cited works."""
        rows = [{"id": f.id, "title": f.title, "caption": f.caption, "sources": ", ".join(f.sources)}
                for f in self.items]
        return _cited(pd.DataFrame(rows, columns=["id", "title", "caption", "sources"]), self.sources)

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "start": self.start, "end": self.end, "figures": [f.id for f in self.items],
                "leader_differences": len(self.leaders), "notes": list(self.notes), "key_events": self.key_events}

    def figures(self) -> dict[str, go.Figure]:
        return {f.id: f.figure for f in self.items}


def _leader_differences(case: Case, notes: list[str]) -> pd.DataFrame:
    """Rows where Archigos or REIGN differ from the case's leader tenures (the case is used)."""
    try:
        table = pd.concat([disagreements(case, state) for state in case.dyad], ignore_index=True)
    except MissingDataError as err:
        notes.append(f"leader cross-check: {err}")
        return pd.DataFrame()
    table["days"] = table["days"].astype("string").fillna("")
    return table


def longrun(case: Case, yearly: pd.DataFrame | None, monthly: pd.DataFrame | None, *, reasons: list[str],
            start: int = START) -> LongRunResult:
    """The long-run part from the case's full yearly and monthly panels (``None`` where a panel
    could not be built; ``reasons`` say why, and what each panel skipped)."""
    a, b = case.dyad
    notes = list(reasons)
    if yearly is None:
        return LongRunResult(available=False, reason="; ".join(notes) or "no yearly panel", case=case)
    yearly = yearly.loc[pd.Period(year=start, freq="Y"):]
    partner = _partner(case)
    for freq, frame in (("Y", yearly), ("M", monthly)):
        skipped = frame.attrs.get("skipped", {}) if frame is not None else {}
        if freq == "M" and partner is None:
            if any(step in skipped for step in DRAWN["M"]):
                notes.append(f"monthly trade and public opinion: none for {a}–{b} (the monthly sources, Japan's "
                             "customs statistics and the Jiji Press poll of Japanese respondents, cover only pairs "
                             "with Japan)")
            skipped = {}
        notes += [f"{step}: {skipped[step]}" for step in DRAWN[freq] if step in skipped]
    columns = yearly.attrs["columns"]
    events = key_events(case, start)
    polled = partner in OPINION_COUNTRIES
    wanted = {"trade_monthly.exports", "trade_monthly.imports"}
    wanted |= {opinion_lines(partner)[0][0]} if polled else set()
    months = _monthly_part(monthly, wanted) if partner is not None else None
    if partner is not None and not polled:
        notes.append(f"Japanese opinion of {partner}: the Jiji Press poll does not ask about it")
    if months is None and partner is not None and monthly is not None \
            and not any(s in monthly.attrs.get("skipped", {}) for s in DRAWN["M"]):
        notes.append(f"Japanese opinion and monthly trade: no data for {a}–{b}")
    items: list[LongRunFigure] = []
    if "unga.agreement" in yearly:
        thirds = list(dict.fromkeys(c.split("@")[1].split("-")[1] for c in yearly.columns
                                    if c.startswith("unga.agreement@")))
        with_thirds = (f"dashed and dotted lines: each side with {_listed([_name(t) for t in thirds])}. "
                       if thirds else "")
        caption = (f"Share of roll calls in which {a} and {b} voted alike, per UN year (1945 + session); "
                   f"{with_thirds}Years with fewer than {MIN_VOTES} joint votes are left out.")
        items.append(LongRunFigure("un-agreement", "UN General Assembly vote agreement", caption,
                                   agreement_figure(yearly, case, events, start),
                                   tuple(columns["unga.agreement"]["citation"])))
    if "trade.total" in yearly:
        caption = f"Total trade between {a} and {b} (COW, to 2014)"
        caption += (f" and, below, Japan's monthly exports to and imports from {_name(partner)} (Ministry of "
                    "Finance, 1987–2015)." if months is not None else ".")
        cited = list(columns["trade.total"]["citation"])
        if months is not None:
            cited += list(monthly.attrs["columns"]["trade_monthly.exports"]["citation"])
        items.append(LongRunFigure("trade", "Trade", caption, trade_figure(yearly, months, case, events, start),
                                   tuple(dict.fromkeys(cited))))
    if "mid.onsets" in yearly:
        disputes = dyad_disputes(a, b, since=start)
        caption = (f"Each of the {len(disputes)} MIDs between {a} and {b} since {start} at its start date "
                   "(GML day where known, else COW month) and hostility level; hover for the highest "
                   "action and outcome.")
        items.append(LongRunFigure("disputes", "Militarized interstate disputes", caption,
                                   dispute_figure(disputes, case, events, start),
                                   ("palmer2022mid5", "gibler2016mid", "miller2022peacesciencer")))
    if months is not None and polled:
        lines = opinion_lines(partner)
        soviet = " (the USSR before 1992)" if partner == "RUS" else ""
        others = _listed([label.removeprefix("dislike ") for _, label, _, _ in lines[2:]])
        caption = (f"Jiji Press monthly poll: share of Japanese respondents naming {_name(partner)}{soviet} among "
                   f"countries they like or dislike, with dislike of {others}.")
        items.append(LongRunFigure("opinion", f"Japanese opinion of {_name(partner)}", caption,
                                   opinion_figure(months, case, events, start),
                                   tuple(monthly.attrs["columns"][lines[0][0]]["citation"])))
    if not items:
        return LongRunResult(available=False, reason="no long-run data available — " + "; ".join(notes),
                             case=case, notes=tuple(notes))
    leaders = _leader_differences(case, notes)
    return LongRunResult(case=case, start=start, end=int(yearly.index[-1].year), items=tuple(items),
                         leaders=leaders, notes=tuple(notes), key_events=len(events),
                         sources=tuple(sorted({k for f in items for k in f.sources})))
