"""Former name of :mod:`bilateral.data.structural.states`, kept importable until its importers
(``measure/builders.py``, ``tests/test_structural_readers.py``) import ``states``."""

from bilateral.data.structural.states import cow_codes, cow_to_iso3, gw_to_iso3, iso3_to_cow, member_years

__all__ = ["cow_codes", "cow_to_iso3", "gw_to_iso3", "iso3_to_cow", "member_years"]
