"""Country codes: anything country_converter understands → ISO 3166-1 alpha-3.

The Soviet Union is coded ``RUS``, its successor state (DESIGN.md §4): :data:`SUCCESSORS` is that
rule, read by :func:`to_iso3` and by the event store's SQL.
"""

from __future__ import annotations

import logging
from functools import cache

import country_converter as coco

from bilateral.errors import BilateralError

logging.getLogger("country_converter").setLevel(logging.ERROR)

_MISSING = "<not found>"  # country_converter returns the input for a falsy not_found

SUCCESSORS: dict[str, str] = {"SUN": "RUS", "USSR": "RUS", "SOVIET UNION": "RUS"}
"""Codes and names (upper case) of former states → the ISO3 code of the state coded in their place."""


@cache
def _converter() -> coco.CountryConverter:
    return coco.CountryConverter()


@cache
def to_iso3(name: str | int, src: str | None = None) -> str:
    """Convert a country name or code (ISO2/ISO3/COW number/name) to ISO3.

    ``src`` names the classification (country_converter's names, e.g. ``"ISO2"``, ``"GWcode"``,
    ``"name_short"``); by default it is guessed, and a bare number is read as a Gleditsch–Ward
    code (identical to the COW code for the case's states: 365 RUS, 740 JPN, 710 CHN, 2 USA,
    732 KOR, 731 PRK). Raises :class:`BilateralError` when not found.
    """
    key = str(name).strip()
    if key.upper() in SUCCESSORS:
        return SUCCESSORS[key.upper()]
    if src is None and key.isdigit():
        src = "GWcode"
    result = _converter().convert(key, src=src, to="ISO3", not_found=_MISSING)
    if not isinstance(result, str) or result == _MISSING:
        raise BilateralError(
            f"unknown country {name!r} — give an ISO3 code (e.g. 'RUS', 'JPN'), an ISO2 code, a "
            "Gleditsch–Ward number or an English country name"
        )
    return result


@cache
def iso3_codes() -> tuple[str, ...]:
    """Every ISO3 code country_converter knows, sorted."""
    return tuple(sorted(set(_converter().data["ISO3"].dropna())))
