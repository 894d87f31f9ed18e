"""UN General Assembly voting similarity of two states: vote agreement, the S score and the
ideal-point distance, per session, calendar year or month, overall or for one issue.

Votes are coded yes = 1, abstain = ½, no = 0; absences are not votes. Over the N roll calls in
which both states cast a vote (xᵢ and yᵢ):

* **agreement** A = (1/N) Σ 1[xᵢ = yᵢ] — the share of identical votes. This is the agreement
  column of Bailey, Strezhnev & Voeten's ideal-point file (``RUSSAgree`` etc.).
* **S score** (Signorino & Ritter 1999, their S with absolute distances, unweighted):
  S = 1 − 2·d/d_max with d = (1/N) Σ |xᵢ − yᵢ| and d_max = 1, so S ∈ [−1, 1]; 1 = identical votes,
  −1 = opposite on every vote. Bailey, Strezhnev & Voeten (2017) use the same three-category
  coding.
* **ideal-point distance** |θ_a − θ_b| between the two states' dynamic ideal points for a session
  (Bailey, Strezhnev & Voeten 2017, J. Conflict Resolution 61(2):430–456).

Sessions are dated by the UN year 1945 + session, as in Voeten's data: a session opens in
September, so its votes fall late in that year and sometimes early in the next.

**Reliability.** A share of very few roll calls says little: the 19th session (UN year 1964) held
a single recorded vote. :func:`thin_periods` marks the periods with fewer than :data:`MIN_VOTES`
joint roll calls and :func:`drop_thin_periods` blanks the vote-share columns there, the rule the
long-run analysis applies before showing or testing agreement.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from bilateral.data.paths import locate
from bilateral.data.structural import (
    read_ideal_points,
    read_roll_call_issues,
    read_roll_calls,
    read_un_votes,
)
from bilateral.data.structural.unvotes import DATASET, ISSUES
from bilateral.errors import BilateralError
from bilateral.registry.series import spec

SCORE = {"yes": 1.0, "abstain": 0.5, "no": 0.0}
BY = ("session", "year", "quarter", "month")
#: Fewer joint roll calls than this in a period make its agreement and S score unreliable.
MIN_VOTES = 10


@lru_cache(maxsize=2)
def _matrix(stamp: tuple[str, int, int]) -> pd.DataFrame:
    return vote_matrix(read_un_votes(stamp[0]))


def vote_matrix(votes: pd.DataFrame) -> pd.DataFrame:
    """Votes as numbers (yes 1, abstain ½, no 0; NaN = no vote), one row per roll call and one
    column per ISO3 code."""
    votes = votes.dropna(subset=["iso3"])
    scores = votes["vote"].astype(str).map(SCORE)
    return pd.DataFrame({"rcid": votes["rcid"], "iso3": votes["iso3"], "x": scores}).pivot(
        index="rcid", columns="iso3", values="x")


def voters() -> set[str]:
    """ISO3 codes of every state with at least one recorded vote."""
    file = locate(DATASET, "unvotes/un_votes.rda")
    stat = file.stat()
    return set(_matrix((str(file), stat.st_size, stat.st_mtime_ns)).columns)


def paired_votes(a: str, b: str, votes: pd.DataFrame | None = None,
                 roll_calls: pd.DataFrame | None = None) -> pd.DataFrame:
    """Roll calls in which both ``a`` and ``b`` voted: ``rcid, session, year, date, x_a, x_b``
    (votes as numbers: yes 1, abstain ½, no 0)."""
    if votes is None:
        file = locate(DATASET, "unvotes/un_votes.rda")
        stat = file.stat()
        matrix = _matrix((str(file), stat.st_size, stat.st_mtime_ns))
    else:
        matrix = vote_matrix(votes)
    roll_calls = read_roll_calls() if roll_calls is None else roll_calls
    for state in (a, b):
        if state not in matrix.columns:
            raise BilateralError(f"{state} never votes in the UN roll calls (unvotes/un_votes.rda)")
    both = matrix[[a, b]].dropna().set_axis(["x_a", "x_b"], axis=1)
    joined = roll_calls.set_index("rcid")[["session", "year", "date"]].join(both, how="inner").reset_index()
    joined.attrs["sources"] = sorted(spec("unga.votes").citation)
    return joined


def _key(pairs: pd.DataFrame, by: str) -> pd.Series:
    if by == "session":
        return pairs["year"]
    if by == "year":
        return pairs["date"].dt.to_period("Y")
    if by == "quarter":
        return pairs["date"].dt.to_period("Q")
    return pairs["date"].dt.to_period("M")


def agreement(a: str, b: str, *, by: str = "session", issue: str | None = None,
              votes: pd.DataFrame | None = None, roll_calls: pd.DataFrame | None = None,
              issues: pd.DataFrame | None = None) -> pd.DataFrame:
    """Vote agreement and S score of ``a`` and ``b`` per ``by`` (``session`` → UN year 1945 +
    session; ``year``/``quarter``/``month`` → calendar period of the vote); ``issue`` is one of the six issue
    codes (``me nu di hr co ec``) or their long names in :data:`ISSUES`.

    Returns ``votes`` (N), ``agree`` (identical votes), ``agreement`` and ``s_score`` indexed by
    the UN year (int) or the calendar Period.
    """
    if by not in BY:
        raise BilateralError(f"by={by!r}: use one of {', '.join(BY)}")
    pairs = paired_votes(a, b, votes, roll_calls)
    if issue is not None:
        code = {v: k for k, v in ISSUES.items()}.get(issue, issue)
        if code not in ISSUES:
            raise BilateralError(f"unknown UN issue {issue!r} — use one of {', '.join(ISSUES)}")
        issues = read_roll_call_issues() if issues is None else issues
        pairs = pairs[pairs["rcid"].isin(issues.loc[issues["issue_code"] == code, "rcid"])]
    x, y = pairs["x_a"], pairs["x_b"]
    frame = pd.DataFrame({"key": _key(pairs, by), "same": (x == y).astype(float),
                          "distance": (x - y).abs()})
    grouped = frame.groupby("key")
    out = pd.DataFrame({"votes": grouped.size(), "agree": grouped["same"].sum().astype(int)})
    out["agreement"] = out["agree"] / out["votes"]
    out["s_score"] = 1 - 2 * grouped["distance"].mean()
    out.index.name = "year" if by == "session" else by
    out.attrs["sources"] = sorted({*spec("unga.agreement").citation, *spec("unga.s_score").citation})
    return out


def ideal_point_distance(a: str, b: str, points: pd.DataFrame | None = None) -> pd.Series:
    """|θ_a − θ_b| per UN year (1945 + session) where both states have an ideal point (empty
    when one of them never has one)."""
    points = read_ideal_points() if points is None else points
    wide = points[points["iso3"].isin([a, b])].pivot_table(index="year", columns="iso3",
                                                           values="ideal_point", aggfunc="first")
    wide = wide.reindex(columns=[a, b])
    distance = (wide[a] - wide[b]).abs().dropna()
    distance = distance.astype(float).rename_axis("year").rename("ideal_distance")
    distance.attrs["sources"] = sorted(spec("unga.ideal_distance").citation)
    return distance


def thin_periods(frame: pd.DataFrame, min_votes: int = MIN_VOTES) -> pd.Series:
    """True for the periods of a panel with fewer than ``min_votes`` roll calls in which both
    states voted (``unga.votes``; a period without any is thin too)."""
    if "unga.votes" not in frame:
        raise BilateralError("the frame has no unga.votes column — build the panel with its unga step")
    return frame["unga.votes"].fillna(0) < min_votes


def drop_thin_periods(frame: pd.DataFrame, min_votes: int = MIN_VOTES) -> pd.DataFrame:
    """A copy of a panel whose roll-call shares (every ``unga`` column of the unvotes dataset but
    ``unga.votes``, the triads' ``unga.agreement@S-T`` included) are NaN in :func:`thin_periods`.

    The dyad's joint votes stand for the triads' too: a thin session (1964) is thin for all.
    """
    thin = thin_periods(frame, min_votes)
    shares = [c for c in frame.columns if c.startswith("unga.") and c != "unga.votes"
              and spec(c).dataset == DATASET]
    out = frame.copy()
    out.loc[thin, shares] = float("nan")
    return out
