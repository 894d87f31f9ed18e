"""What each panel column means: unit, description, dataset and the works to cite.

Column names follow the case's series vocabulary ``family.metric`` (:mod:`bilateral.case.series`);
a column about another pair than the panel's dyad carries ``@A-B`` (``unga.agreement@JPN-CHN``).
In the descriptions A is the panel's first state and B its second.
"""

from __future__ import annotations

from dataclasses import dataclass

from bilateral.data.structural.unvotes import ISSUES

PEACESCIENCER = ("miller2022peacesciencer",)


@dataclass(frozen=True)
class ColumnSpec:
    unit: str
    description: str
    dataset: str
    citation: tuple[str, ...]


def _unga(description: str, unit: str = "share of roll calls (0–1)",
          extra: tuple[str, ...] = ()) -> ColumnSpec:
    return ColumnSpec(unit, description, "unvotes", ("voeten2009unvotes", "robinson_unvotes", *extra))


SPECS: dict[str, ColumnSpec] = {
    "unga.agreement": _unga("Share of UNGA roll calls in which A and B cast the same vote (yes, abstain or "
                            "no; absences dropped). Y: UN year = 1945 + session; M: month of the vote"),
    "unga.s_score": _unga("Signorino–Ritter S: 1 − 2·mean|x_A − x_B| with yes = 1, abstain = ½, no = 0",
                          "−1 (opposite) … 1 (identical)", ("signorino1999tau", "bailey2017estimating")),
    "unga.votes": _unga("Roll calls in which both A and B voted", "roll calls"),
    **{f"unga.agreement_{name}":
       _unga(f"Vote agreement on roll calls coded '{code}' ({name.replace('_', ' ')})")
       for code, name in ISSUES.items()},
    "unga.ideal_distance": ColumnSpec("ideal-point units", "|θ_A − θ_B|, the distance between the two "
                                      "states' dynamic UNGA ideal points for the session (annual value)",
                                      "unga", ("bailey2017estimating",)),
    "trade.total": ColumnSpec("million current US$", "Trade between A and B: A's imports from B plus B's "
                              "imports from A (COW flows; NaN when either flow is missing)", "peacesciencer",
                              ("barbieri2009trading", *PEACESCIENCER)),
    "trade.exports": ColumnSpec("million current US$", "A's exports to B, as B's reported imports from A",
                                "peacesciencer", ("barbieri2009trading", *PEACESCIENCER)),
    "trade.imports": ColumnSpec("million current US$", "A's imports from B", "peacesciencer",
                                ("barbieri2009trading", *PEACESCIENCER)),
    "trade_monthly.exports": ColumnSpec("million yen", "A's exports to B from Japan's customs statistics "
                                        "(Japan's exports, or Japan's imports when B is Japan); Y: sum of "
                                        "12 months, NaN for incomplete years", "opinion",
                                        ("mof_trade", "kato_foreign_image")),
    "trade_monthly.imports": ColumnSpec("million yen", "A's imports from B from Japan's customs statistics; "
                                        "Y: sum of 12 months, NaN for incomplete years", "opinion",
                                        ("mof_trade", "kato_foreign_image")),
    "mid.onsets": ColumnSpec("disputes", "MIDs between A and B that began in the period (every dispute, "
                             "not peacesciencer's one-per-dyad-year selection); 0 where MID data has none",
                             "peacesciencer", ("palmer2022mid5", *PEACESCIENCER)),
    "mid.ongoing": ColumnSpec("0/1", "1 if A and B were in a MID at any time in the year (annual value)",
                              "peacesciencer", ("palmer2022mid5", *PEACESCIENCER)),
    "mid.hostility": ColumnSpec("1–5 (0 = no MID)", "Highest hostility level either state reached in the "
                                "pair's MIDs that year: 2 threat, 3 display, 4 use of force, 5 war (annual)",
                                "peacesciencer", ("palmer2022mid5", *PEACESCIENCER)),
    "mid.highest_action": ColumnSpec("0–21 MID action code", "Highest action either state took in the "
                                     "pair's MIDs that year (e.g. 7 show of force, 15 seizure, 16 attack)",
                                     "peacesciencer", ("palmer2022mid5", *PEACESCIENCER)),
    **{f"alliance.{kind}": ColumnSpec("0/1", f"1 if A and B share a COW formal alliance with a {kind} "
                                      "clause (annual)", "peacesciencer",
                                      ("gibler2009alliances", *PEACESCIENCER))
       for kind in ("defense", "neutrality", "nonaggression", "entente")},
    **{f"atop.{kind}": ColumnSpec("0/1", f"1 if either state has an ATOP {kind} obligation to the other "
                                  "(annual)", "peacesciencer", ("leeds2002atop", *PEACESCIENCER))
       for kind in ("defense", "offense", "neutrality", "nonaggression", "consultation")},
    "rivalry.strategic": ColumnSpec("0/1", "1 if A and B are strategic rivals in Thompson & Dreyer's "
                                    "list (annual)", "peacesciencer",
                                    ("thompson2012rivalries", *PEACESCIENCER)),
    "rivalry.tss": ColumnSpec("0/1", "1 if A and B are strategic rivals in Thompson, Sakuwa & Suhas's "
                              "list (annual)", "peacesciencer", ("thompson2022strategic", *PEACESCIENCER)),
    "igo.joint_memberships": ColumnSpec("organisations", "IGOs of which both A and B are full members "
                                        "(annual)", "peacesciencer", ("pevehouse2020igo", *PEACESCIENCER)),
    **{f"capabilities.{name}": ColumnSpec(unit, text, "peacesciencer",
                                          ("singer1972capability", *PEACESCIENCER))
       for name, unit, text in (
           ("cinc_a", "share of world capabilities", "A's CINC score (annual)"),
           ("cinc_b", "share of world capabilities", "B's CINC score (annual)"),
           ("cinc_ratio", "ratio", "CINC_A / CINC_B (annual)"),
           ("cinc_share", "0–1", "A's share of the pair's capabilities, CINC_A / (CINC_A + CINC_B)"))},
    "gdelt_graph.score": ColumnSpec("Goldstein-weighted score", "Sum over the period's days of the GDELT "
                                    "country-network score of A and B (undirected); days without a file "
                                    "are skipped", "gdelt-graph", ("leetaru2013gdelt", "gzemo_gdeltgraph")),
    "gdelt_graph.days": ColumnSpec("days", "Days of the period with a GDELT network file", "gdelt-graph",
                                   ("gzemo_gdeltgraph",)),
}

#: Jiji poll columns: Japanese respondents' likes and dislikes of each country, cabinet approval.
OPINION_COUNTRIES = {"RUS": "russia", "USA": "usa", "CHN": "china", "KOR": "korea", "PRK": "north_korea"}
for _iso3, _name in OPINION_COUNTRIES.items():
    for _kind in ("like", "dislike"):
        SPECS[f"opinion.{_kind}_{_name}"] = ColumnSpec(
            "% of respondents", f"Japanese respondents naming {_iso3} among countries they {_kind} "
            "(Jiji Press monthly poll; Y: mean of the year's polls)", "opinion",
            ("jiji_poll", "kato_foreign_image"))
SPECS["opinion.cabinet_approval"] = ColumnSpec("% of respondents", "Support for the Japanese cabinet "
                                               "(Jiji Press; Y: mean of the year's polls)", "opinion",
                                               ("jiji_poll", "kato_foreign_image"))
SPECS["leader"] = ColumnSpec("name", "leader.<ISO3>: the state's leader in office for most days of the "
                             "period — the case's tenures where the case covers, else Archigos, else REIGN",
                             "peacesciencer", ("archigos", "reign"))
SPECS["case.period"] = ColumnSpec("period id", "The case period covering most days of the period", "case", ())
SPECS["case.tone"] = ColumnSpec("tone", "That period's tone in the case (hostile, cold, mixed, warm, best)",
                                "case", ())


def spec(column: str) -> ColumnSpec:
    """The spec of a column name, ignoring an ``@A-B`` pair suffix; ``leader.<ISO3>`` columns
    share the spec ``leader``."""
    base = column.split("@")[0]
    if base.startswith("leader."):
        base = "leader"
    return SPECS[base]
