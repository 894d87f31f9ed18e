"""bilateral — measure, explain and simulate the relations between two states.

Notebook use::

    import bilateral
    case = bilateral.load_case("russia-japan")
    case.table("events")
    bilateral.write_report(case, "report/")

    store = bilateral.Store()                        # $BILATERAL_HOME/store.duckdb
    store.ingest("20190122-icews-events.tab.gz")     # any supported event file
    bilateral.index("RUS", "JPN", freq="month")      # pandas DataFrame, citations in .attrs
"""

from bilateral import explain, simulate
from bilateral.case import Case, builtin_cases, load_case, validate_case
from bilateral.codes import cameo, goldstein, quad_class, to_iso3
from bilateral.data.store import Store
from bilateral.errors import BilateralError, CaseError, Problem
from bilateral.measure.index import dyad_index
from bilateral.measure.index import relations_index as index
from bilateral.measure.panel import Panel, panel
from bilateral.report import write_report

__version__ = "0.1.0"

__all__ = [
    "BilateralError",
    "Case",
    "CaseError",
    "Panel",
    "Problem",
    "Store",
    "builtin_cases",
    "cameo",
    "dyad_index",
    "explain",
    "goldstein",
    "index",
    "load_case",
    "panel",
    "quad_class",
    "simulate",
    "to_iso3",
    "validate_case",
    "write_report",
]
