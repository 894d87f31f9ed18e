"""The series a hypothesis test may name, ``family.metric[@A-B]``: the series registry
(:mod:`bilateral.registry.series`), re-exported for the case validator and its users."""

from bilateral.registry.series import SERIES, SeriesRef, parse_series_ref

__all__ = ["SERIES", "SeriesRef", "parse_series_ref"]
