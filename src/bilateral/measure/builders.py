"""The column builders of the panel steps: one function per dataset, ``f(a, b, index) -> frame``.

The all-pairs steps of :mod:`bilateral.measure.yearsteps` that have no function here (contiguity,
democracy, wars, …) are builders too: ``builders.<step>`` is :func:`from_years` for that step.

Each returns a DataFrame on the given PeriodIndex (yearly, quarterly or monthly) whose columns
are series of the registry (:mod:`bilateral.registry.series`) built by that step, without the
``@A-B`` suffix. Annual *state* variables (alliances, rivalry, IGOs, capabilities, ongoing
disputes, ideal points) repeat their year's value in each month or quarter; annual *flows* (COW
trade) exist only in yearly panels. Monthly sources (polls, Japan's trade) become quarters and
years by their registry aggregation rule; events (votes, dispute onsets, GDELT days) are counted
in the period their date falls in.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from bilateral.data.paths import MissingDataError
from bilateral.data.structural import (
    read_atop_alliances,
    read_country_codes,
    read_cow_alliances,
    read_cow_trade,
    read_gdelt_graph,
    read_igo_dyads,
    read_japan_monthly_trade,
    read_jiji_country_opinion,
    read_jiji_polls,
    read_mid_disputes,
    read_nmc,
    read_td_rivalries,
    read_tss_rivalries,
)
from bilateral.data.structural.dyads import orient
from bilateral.data.structural.states import member_years
from bilateral.data.structural.unvotes import ISSUES
from bilateral.errors import BilateralError
from bilateral.measure import unga as unga_measure
from bilateral.measure.mids import dyad_mid_years
from bilateral.measure.yearsteps import STEPS as YEAR_STEPS
from bilateral.registry.series import spec

#: Jiji poll countries and the metric names of their columns (``opinion.like_russia`` …).
OPINION_COUNTRIES = {"RUS": "russia", "USA": "usa", "CHN": "china", "KOR": "korea", "PRK": "north_korea"}


class NotApplicable(BilateralError):
    """A series does not exist for this pair or frequency (e.g. Japanese opinion without Japan)."""


def _annual(by_year: pd.Series, index: pd.PeriodIndex) -> np.ndarray:
    """Values of a year-indexed series at each period of ``index`` (repeated over months)."""
    return by_year.reindex(index.year).to_numpy(dtype=float)


def _indicator(by_year: pd.Series, index: pd.PeriodIndex, first: int, last: int,
               pair: tuple[str, str] | None = None) -> np.ndarray:
    """Like :func:`_annual`, with 0 for years inside the data's coverage that have no row —
    and, for a ``pair``, only in years when both are COW system members (else NaN: no dyad)."""
    values = _annual(by_year, index)
    inside = (index.year >= first) & (index.year <= last)
    if pair is not None:
        both = member_years(pair[0]) & member_years(pair[1])
        inside &= np.isin(index.year, list(both))
    return np.where(np.isnan(values) & inside, 0.0, values)


def _yearly(index: pd.PeriodIndex) -> bool:
    return index.freqstr.startswith("Y")


def _from_months(monthly: pd.DataFrame, index: pd.PeriodIndex) -> pd.DataFrame:
    """Monthly columns on ``index``, each aggregated by its registry rule (``mean`` of the months
    present, or ``complete_sum``: the sum where every month of the period is present)."""
    if index.freqstr.startswith("M"):
        return monthly.reindex(index)
    grouped = monthly.groupby(monthly.index.asfreq(index.freqstr))
    counts = grouped.count()
    months = counts.index.asfreq("M", how="end").month - counts.index.asfreq("M", how="start").month + 1
    out = pd.DataFrame(index=index)
    for column in monthly:
        rule = spec(column).aggregation
        if rule == "mean":
            values = grouped[column].mean()
        elif rule == "complete_sum":
            values = grouped[column].sum(min_count=1).where(counts[column] == months)
        else:
            raise BilateralError(f"{column}: monthly values cannot be aggregated by {rule!r} — give the "
                                 "series mean or complete_sum in the series registry")
        out[column] = values.reindex(index).to_numpy(dtype=float)
    return out


def unga(a: str, b: str, index: pd.PeriodIndex, by_issue: bool = True) -> pd.DataFrame:
    """Vote agreement, S score, joint votes (per UN year, quarter or month) and ideal-point distance.

    Without the ideal-point file the distance column is left out and ``attrs["skipped"]`` says why.
    """
    missing = [s for s in (a, b) if s not in unga_measure.voters()]
    if missing:
        raise NotApplicable(f"{', '.join(missing)} never votes in the UN roll calls (unvotes)")
    yearly = _yearly(index)
    by = "session" if yearly else ("quarter" if index.freqstr.startswith("Q") else "month")
    overall = unga_measure.agreement(a, b, by=by)
    out = pd.DataFrame(index=index)
    keys = index.year if yearly else index
    for column in ("agreement", "s_score", "votes"):
        out[f"unga.{column}"] = overall[column].reindex(keys).to_numpy(dtype=float)
    if by_issue:
        for code, name in ISSUES.items():
            scores = unga_measure.agreement(a, b, by=by, issue=code)
            out[f"unga.agreement_{name}"] = scores["agreement"].reindex(keys).to_numpy(dtype=float)
    try:
        out["unga.ideal_distance"] = _annual(unga_measure.ideal_point_distance(a, b), index)
    except (MissingDataError, NotApplicable) as err:
        out.attrs["skipped"] = {"unga.ideal_distance": str(err)}
    return out


def trade(a: str, b: str, index: pd.PeriodIndex) -> pd.DataFrame:
    """COW dyadic trade (annual flows; yearly panels only)."""
    if not _yearly(index):
        raise NotApplicable("COW trade is annual — use freq='Y', or trade_monthly for Japan's monthly trade")
    rows = orient(read_cow_trade(), a, b, ["ccode1", "ccode2", "year"], ("flow", "smoothflow"))
    flows = rows.groupby("year")[["flow1", "flow2"]].sum(min_count=1)
    total = flows["flow1"] + flows["flow2"]
    return pd.DataFrame({"trade.total": _annual(total, index),
                         "trade.exports": _annual(flows["flow2"], index),
                         "trade.imports": _annual(flows["flow1"], index)}, index=index)


def trade_monthly(a: str, b: str, index: pd.PeriodIndex) -> pd.DataFrame:
    """Japan's customs statistics for the pair, in million yen, seen from A."""
    if "JPN" not in (a, b):
        raise NotApplicable("monthly trade comes from Japan's customs statistics: the pair must include JPN")
    partner = b if a == "JPN" else a
    flows = read_japan_monthly_trade()
    flows = flows[flows["partner"] == partner].set_index("month")
    if flows.empty:
        raise NotApplicable(f"Japan's monthly trade file has no partner {partner}")
    if a == "JPN":
        exports, imports = flows["exports"], flows["imports"]
    else:  # A's exports to Japan are Japan's imports from A
        exports, imports = flows["imports"], flows["exports"]
    monthly = pd.DataFrame({"trade_monthly.exports": exports / 1000, "trade_monthly.imports": imports / 1000})
    return _from_months(monthly, index)


def mids(a: str, b: str, index: pd.PeriodIndex) -> pd.DataFrame:
    """MID onsets (every dispute) in the period; ongoing, hostility and highest action by year."""
    years = dyad_mid_years(a, b)
    disputes = read_mid_disputes()
    first, last = int(disputes["styear"].min()), int(disputes["styear"].max())
    yearly = years.assign(hostility=years[["hostlev1", "hostlev2"]].max(axis=1),
                          action=years[["hiact1", "hiact2"]].max(axis=1)).groupby("year")
    out = pd.DataFrame(index=index)
    onsets = disputes[disputes["dispnum"].isin(years.loc[years["onset"] == 1, "dispnum"])]
    if not _yearly(index):
        counts = onsets.groupby(onsets["start"].dt.asfreq(index.freqstr)).size()
        inside = ~np.isnan(_indicator(pd.Series(dtype=float), index, first, last, (a, b)))
        out["mid.onsets"] = np.where(inside, counts.reindex(index).fillna(0).to_numpy(dtype=float), np.nan)
    else:
        out["mid.onsets"] = _indicator(onsets.groupby("styear").size(), index, first, last, (a, b))
    out["mid.ongoing"] = _indicator(yearly["ongoing"].max(), index, first, last, (a, b))
    out["mid.hostility"] = _indicator(yearly["hostility"].max(), index, first, last, (a, b))
    out["mid.highest_action"] = _indicator(yearly["action"].max(), index, first, last, (a, b))
    return out


def _pair_rows(frame: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    one, two = frame["iso3_1"], frame["iso3_2"]
    return frame[((one == a) & (two == b)) | ((one == b) & (two == a))]


def alliances(a: str, b: str, index: pd.PeriodIndex) -> pd.DataFrame:
    """COW alliance types (to 2012) and ATOP obligations (to 2018), either direction."""
    out = pd.DataFrame(index=index)
    for prefix, frame, kinds in (
            ("alliance", read_cow_alliances(), ("defense", "neutrality", "nonaggression", "entente")),
            ("atop", read_atop_alliances(),
             ("defense", "offense", "neutrality", "nonaggression", "consultation"))):
        first, last = int(frame["year"].min()), int(frame["year"].max())
        yearly = _pair_rows(frame, a, b).groupby("year")[list(kinds)].max()
        for kind in kinds:
            out[f"{prefix}.{kind}"] = _indicator(yearly[kind], index, first, last, (a, b))
    return out


def rivalry(a: str, b: str, index: pd.PeriodIndex) -> pd.DataFrame:
    """Strategic rivalry indicators (Thompson & Dreyer to 2010; Thompson, Sakuwa & Suhas to 2020)."""
    out = pd.DataFrame(index=index)
    for column, frame in (("rivalry.strategic", read_td_rivalries()), ("rivalry.tss", read_tss_rivalries())):
        spans = _pair_rows(frame, a, b)
        years = index.year.to_numpy()
        active = np.zeros(len(index))
        for start, end in zip(spans["start"], spans["end"], strict=True):
            active[(years >= start) & (years <= end)] = 1.0
        active[(years < frame["start"].min()) | (years > frame["end"].max())] = np.nan
        out[column] = active
    return out


def igo(a: str, b: str, index: pd.PeriodIndex) -> pd.DataFrame:
    """Joint IGO memberships (COW IGO v3, to 2014)."""
    rows = orient(read_igo_dyads(), a, b, ["ccode1", "ccode2", "year"])
    return pd.DataFrame({"igo.joint_memberships": _annual(rows.groupby("year")["joint_igos"].max(), index)},
                        index=index)


def capabilities(a: str, b: str, index: pd.PeriodIndex) -> pd.DataFrame:
    """Both states' CINC scores, their ratio and A's share of the pair."""
    nmc = read_nmc()
    cinc = {s: nmc[nmc["iso3"] == s].groupby("year")["cinc"].sum(min_count=1) for s in (a, b)}
    ca, cb = _annual(cinc[a], index), _annual(cinc[b], index)
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame({"capabilities.cinc_a": ca, "capabilities.cinc_b": cb,
                             "capabilities.cinc_ratio": np.where(cb > 0, ca / cb, np.nan),
                             "capabilities.cinc_share": ca / (ca + cb)}, index=index)


def opinion(a: str, b: str, index: pd.PeriodIndex) -> pd.DataFrame:
    """Japanese opinion (Jiji Press): likes and dislikes of five countries, cabinet approval."""
    if "JPN" not in (a, b):
        raise NotApplicable("the Jiji Press poll asks Japanese respondents: the pair must include JPN")
    views = read_jiji_country_opinion()
    monthly = pd.DataFrame(index=pd.PeriodIndex(sorted(views["month"].unique()), freq="M"))
    for iso3, name in OPINION_COUNTRIES.items():
        mine = views[views["iso3"] == iso3].set_index("month")
        monthly[f"opinion.like_{name}"] = mine["like"]
        monthly[f"opinion.dislike_{name}"] = mine["dislike"]
    monthly["opinion.cabinet_approval"] = read_jiji_polls()["cabinet_approval"]
    return _from_months(monthly, index)


def gdelt_graph(a: str, b: str, index: pd.PeriodIndex) -> pd.DataFrame:
    """Sum of the daily GDELT network scores of the pair, and the days with a file."""
    missing = [s for s in (a, b) if s not in read_country_codes()]
    if missing:
        raise NotApplicable(f"the GDELT country network has no row for {', '.join(missing)}")
    start, end = index[0].start_time.date(), index[-1].end_time.date()
    daily = read_gdelt_graph([(a, b)], start, end)
    periods = daily["date"].dt.to_period(index.freqstr)
    grouped = daily.groupby(periods)["score"]
    return pd.DataFrame({"gdelt_graph.score": grouped.sum().reindex(index).to_numpy(dtype=float),
                         "gdelt_graph.days": grouped.size().reindex(index).to_numpy(dtype=float)},
                        index=index)


def from_years(step: str, a: str, b: str, index: pd.PeriodIndex) -> pd.DataFrame:
    """The all-pairs step ``step`` (:mod:`bilateral.measure.yearsteps`) for the pair: its directed
    dyad-years (A first; a state or leader step gives A's ``…_a`` and B's ``…_b`` columns) on ``index``.

    Annual values repeat in each month or quarter; series the registry marks ``Y only`` (annual
    counts and flows) are left out of monthly and quarterly panels.
    """
    from bilateral.measure.dyadyears import dyadyears

    frame = (dyadyears(years=range(index[0].year, index[-1].year + 1)).filter_pairs([(a, b)])
             .add(step).to_pandas())
    columns = [c for c in frame.columns if "." in c and (_yearly(index) or spec(c).aggregation != "Y only")]
    if not columns:
        raise NotApplicable(f"{step} is annual only — use freq='Y'")
    by_year = frame.groupby("year")[columns].max()
    return pd.DataFrame({c: _annual(by_year[c], index) for c in columns}, index=index)


def __getattr__(name: str):
    """The builder of an all-pairs step that has no function here: :func:`from_years` for it."""
    if name in YEAR_STEPS:
        return partial(from_years, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
