"""Readers for the long-run structural datasets; each returns a tidy DataFrame with ISO3 codes.

Files are found in the data directory (``BILATERAL_DATA``) unless a path is given; a missing
file raises :class:`bilateral.data.paths.MissingDataError`, a malformed one a
:class:`bilateral.BilateralError` naming the file and the problem.
"""

from bilateral.data.structural.alliances import read_atop_alliances, read_cow_alliances
from bilateral.data.structural.archigos import read_archigos
from bilateral.data.structural.capabilities import read_nmc
from bilateral.data.structural.gdelt_graph import read_country_codes, read_gdelt_graph
from bilateral.data.structural.idealpoints import read_ideal_point_agreement, read_ideal_points
from bilateral.data.structural.igo import read_igo_dyads
from bilateral.data.structural.japan_trade import read_japan_monthly_trade
from bilateral.data.structural.jiji import read_jiji_country_opinion, read_jiji_polls
from bilateral.data.structural.mids import (
    read_gml_participants,
    read_mid_dispute_dyads,
    read_mid_disputes,
    read_mid_dyad_years,
)
from bilateral.data.structural.peacesciencer import read_peacesciencer
from bilateral.data.structural.reign import read_reign_leaders
from bilateral.data.structural.rivalries import read_td_rivalries, read_tss_rivalries
from bilateral.data.structural.states import cow_codes, cow_to_iso3, iso3_to_cow
from bilateral.data.structural.trade import read_cow_trade
from bilateral.data.structural.unvotes import read_roll_call_issues, read_roll_calls, read_un_votes

__all__ = [
    "cow_codes",
    "cow_to_iso3",
    "iso3_to_cow",
    "read_archigos",
    "read_atop_alliances",
    "read_country_codes",
    "read_cow_alliances",
    "read_cow_trade",
    "read_gdelt_graph",
    "read_gml_participants",
    "read_ideal_point_agreement",
    "read_ideal_points",
    "read_igo_dyads",
    "read_japan_monthly_trade",
    "read_jiji_country_opinion",
    "read_jiji_polls",
    "read_mid_dispute_dyads",
    "read_mid_disputes",
    "read_mid_dyad_years",
    "read_nmc",
    "read_peacesciencer",
    "read_reign_leaders",
    "read_roll_call_issues",
    "read_roll_calls",
    "read_td_rivalries",
    "read_tss_rivalries",
    "read_un_votes",
]
