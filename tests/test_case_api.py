"""The Case's notebook API: wrong keys, ids and kinds are BilateralErrors that list the choices;
tables are built once per case and handed out as copies."""

import pytest

from bilateral import BilateralError, load_case
from bilateral.case.model import TABLES, Case


def test_wrong_key_id_or_kind_names_it_and_the_choices():
    case = load_case("russia-japan")
    with pytest.raises(BilateralError, match=r"unknown citation key\(s\) 'nobody2020' in case russia-japan "
                                             r"\(sources.bib\) — known keys: seed000, seed003, archigos"):
        case.cite("seed000", "nobody2020")
    with pytest.raises(BilateralError, match=r"no actor 'ussr' in case russia-japan \(actors.yaml\) — use one of: "
                                             r"RUS, JPN, CHN"):
        case.actor("ussr")
    with pytest.raises(BilateralError, match="no table 'event' in a case — use one of: actors, leaders, periods, "
                                             "events"):
        case.table("event")
    assert case.actor("JPN").country == "JPN"
    assert case.cite("seed003", "seed000").index("@article{seed003") == 0


def test_tables_are_built_once_and_returned_as_copies(monkeypatch):
    case = load_case("russia-japan")
    built: list[str] = []
    original = Case._build

    def counting(self: Case, kind: str):
        built.append(kind)
        return original(self, kind)

    monkeypatch.setattr(Case, "_build", counting)
    first = case.table("events")
    first.loc[:, "goldstein"] = 99.0
    for _ in range(6):
        again = case.table("events")
    assert built == ["events"]
    assert len(again) == len(case.events) and (again["goldstein"] != 99.0).all()
    assert list(again.columns[:4]) == ["id", "day", "date", "precision"]
    for kind in TABLES:
        assert len(case.table(kind)) == len(getattr(case, kind))
    assert built == ["events", *[k for k in TABLES if k != "events"]]
