"""bilateral — measure, explain and simulate the relations between two states.

Notebook use::

    import bilateral
    case = bilateral.load_case("russia-japan")
    case.table("events")
    bilateral.write_report(case, "report/")
"""

from bilateral.case import Case, builtin_cases, load_case, validate_case
from bilateral.codes import cameo, goldstein, quad_class, to_iso3
from bilateral.errors import BilateralError, CaseError, Problem
from bilateral.report import write_report

__version__ = "0.1.0"

__all__ = [
    "BilateralError",
    "Case",
    "CaseError",
    "Problem",
    "builtin_cases",
    "cameo",
    "goldstein",
    "load_case",
    "quad_class",
    "to_iso3",
    "validate_case",
    "write_report",
]
