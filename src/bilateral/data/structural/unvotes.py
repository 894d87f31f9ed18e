"""UN General Assembly roll-call votes (``unvotes/*.rda``, the R package unvotes).

Three tables: votes (one row per member and roll call: yes, abstain or no — absences are not
recorded), roll calls (session, date, resolution, description) and issue codes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.files import read_rda, reader
from bilateral.data.structural.states import convert
from bilateral.errors import BilateralError

DATASET = "unvotes"
VOTES = ("yes", "abstain", "no")
#: The six issue codes of the roll-call issue table (Voeten's coding) and short names for columns.
ISSUES = {"me": "palestinian_conflict", "nu": "nuclear_weapons", "di": "arms_control",
          "hr": "human_rights", "co": "colonialism", "ec": "economic_development"}


@reader(DATASET, "unvotes/un_votes.rda")
def read_un_votes(file: Path) -> pd.DataFrame:
    """Votes: ``rcid, iso3, country, vote`` (vote ∈ yes/abstain/no, an ordered categorical).

    ISO3 comes from the ISO2 column; a member whose ISO2 code is missing or withdrawn (CS, YU, DD)
    gets it from its name. Where two members would share an ISO3 code in one roll call (the two
    Yemens before 1990) the name-derived codes are dropped, so each (rcid, iso3) is one vote.
    """
    raw = read_rda(file, "un_votes", ["rcid", "country", "country_code", "vote"])
    bad = set(raw["vote"].dropna().astype(str)) - set(VOTES)
    if bad:
        raise BilateralError(f"{file}: vote has unexpected values {sorted(bad)} (expected {VOTES})")
    iso3 = raw["country_code"].map(convert(raw["country_code"].dropna().unique(), "ISO2"))
    from_name = iso3.isna()
    by_name = convert(raw.loc[from_name, "country"].unique(), "regex")
    iso3 = iso3.where(~from_name, raw["country"].map(by_name))
    frame = pd.DataFrame({"rcid": raw["rcid"].astype(int), "iso3": iso3, "country": raw["country"],
                          "vote": pd.Categorical(raw["vote"].astype(str), categories=VOTES, ordered=True)})
    clash = frame.dropna(subset=["iso3"]).duplicated(["rcid", "iso3"], keep=False)
    ambiguous = frame.loc[clash[clash].index]
    frame.loc[ambiguous.index[from_name[ambiguous.index]], "iso3"] = None
    return frame


@reader(DATASET, "unvotes/un_roll_calls.rda")
def read_roll_calls(file: Path) -> pd.DataFrame:
    """Roll calls: ``rcid, session, year, date, important, resolution, short, description``.

    ``year`` is the UN year of the session, 1945 + session (the convention of Voeten's data and
    the ideal-point file); ``date`` is the calendar date of the vote.
    """
    raw = read_rda(file, "un_roll_calls", ["rcid", "session", "date", "importantvote", "unres",
                                           "short", "descr"])
    dates = pd.to_datetime(raw["date"], errors="coerce")
    if dates.isna().any():
        row = int(dates.isna().idxmax())
        raise BilateralError(f"{file}: un_roll_calls row {row + 1}: date {raw['date'][row]!r} is not a date")
    session = raw["session"].astype(int)
    return pd.DataFrame({"rcid": raw["rcid"].astype(int), "session": session, "year": 1945 + session,
                         "date": dates, "important": raw["importantvote"].astype(str) == "1",
                         "resolution": raw["unres"], "short": raw["short"], "description": raw["descr"]})


@reader(DATASET, "unvotes/un_roll_call_issues.rda")
def read_roll_call_issues(file: Path) -> pd.DataFrame:
    """Issue codes: ``rcid, issue_code, issue`` (a roll call may have several issues)."""
    raw = read_rda(file, "un_roll_call_issues", ["rcid", "short_name", "issue"])
    unknown = set(raw["short_name"].astype(str)) - set(ISSUES)
    if unknown:
        raise BilateralError(f"{file}: unknown issue code(s) {sorted(unknown)} (expected {sorted(ISSUES)})")
    return pd.DataFrame({"rcid": raw["rcid"].astype(int), "issue_code": raw["short_name"].astype(str),
                         "issue": raw["issue"].astype(str)})
