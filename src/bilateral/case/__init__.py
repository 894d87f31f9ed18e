"""The case: a dyad's actors, leaders, periods, events, factors, hypotheses and negotiation inputs
as typed, cited data (docs/case-format.md)."""

from bilateral.case.bib import BibEntry, parse_bibtex
from bilateral.case.load import builtin_cases, load_case, resolve_case, validate_case
from bilateral.case.model import Case
from bilateral.case.series import SERIES, parse_series_ref

__all__ = [
    "SERIES",
    "BibEntry",
    "Case",
    "builtin_cases",
    "load_case",
    "parse_bibtex",
    "parse_series_ref",
    "resolve_case",
    "validate_case",
]
