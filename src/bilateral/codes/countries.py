"""Country codes and names → ISO 3166-1 alpha-3, matched exactly, never guessed.

The Soviet Union is coded ``RUS``, its successor state (DESIGN.md §4): :data:`SUCCESSORS` is that
rule, read by :func:`to_iso3` and by the event store's SQL.

country_converter finds a country with regular expressions searched anywhere in the text, so on
its own it reads "United States of Nowhere" as the USA and ``NA`` as Namibia. Here a name counts
only when it is one of country_converter's short or official names, matches one of its regular
expressions *in full*, or is in a dataset's own dictionary (:data:`DATASET_NAMES`); codes are
looked up exactly in their classification.
"""

from __future__ import annotations

import logging
import re
from functools import cache

import country_converter as coco

from bilateral.errors import BilateralError

logging.getLogger("country_converter").setLevel(logging.ERROR)

_MISSING = "<not found>"  # country_converter returns the input for a falsy not_found

SUCCESSORS: dict[str, str] = {"SUN": "RUS", "USSR": "RUS", "SOVIET UNION": "RUS"}
"""Codes and names (upper case) of former states → the ISO3 code of the state coded in their place."""

CAMEO_COUNTRIES: dict[str, str] = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS"}
"""CAMEO actor country codes that differ from ISO3 (CAMEO manual 1.1b3, country codes) → ISO3."""

CAMEO_REGIONS: tuple[str, ...] = (
    "AFR", "ASA", "BLK", "CRB", "CAU", "CFR", "CAS", "CEU", "EIN", "EAF", "EEU", "EUR", "LAM", "MEA",
    "MDT", "NAF", "NMR", "PGS", "SCN", "SAM", "SAS", "SEA", "SAF", "WAF", "WST")
"""CAMEO's regional actor codes (CAMEO manual 1.1b3, "Regions"): stored with no country. Any other
three-letter code that is no ISO3 code is not a country (``JPX`` is not Japan)."""

DATASET_NAMES: dict[str, str] = {
    "Occupied Palestinian Territory": "PSE", "Moldova, Republic of": "MDA",
    "the former Yugoslav Republic of Macedonia": "MKD", "U.S. Virgin Islands": "VIR", "Cook Island": "COK",
    "Svalbard and Jan Mayen": "SJM",
}
"""ICEWS's own country names that country_converter's names and patterns do not match in full."""

MAX_NAME = 100
"""Longer texts are no country name (and are not searched)."""


@cache
def _converter() -> coco.CountryConverter:
    return coco.CountryConverter()


@cache
def _names() -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    data = _converter().data
    exact = {name.casefold(): iso3 for column in ("name_official", "name_short")
             for name, iso3 in zip(data[column], data["ISO3"], strict=True) if isinstance(name, str)}
    exact.update({name.casefold(): iso3 for name, iso3 in DATASET_NAMES.items()})
    patterns = [(re.compile(pattern, re.IGNORECASE), iso3)
                for pattern, iso3 in zip(data["regex"], data["ISO3"], strict=True) if isinstance(pattern, str)]
    return exact, patterns


@cache
def name_to_iso3(name: str) -> str | None:
    """The ISO3 code of an English country name or an ISO3 code, matched exactly; None when it is neither.

    A name is one of country_converter's short or official names (any case), a text one of its
    patterns matches in full, a name of :data:`DATASET_NAMES`, or a former state of
    :data:`SUCCESSORS`. Two-letter codes are not read (``NA`` is no Namibia in a names column).
    """
    key = " ".join(name.split())
    if not key or len(key) > MAX_NAME:
        return None
    if key.upper() in SUCCESSORS:
        return SUCCESSORS[key.upper()]
    if len(key) == 3 and key.upper() in iso3_codes():
        return key.upper()
    exact, patterns = _names()
    if key.casefold() in exact:
        return exact[key.casefold()]
    found = {iso3 for pattern, iso3 in patterns if pattern.fullmatch(key)}
    return found.pop() if len(found) == 1 else None


@cache
def to_iso3(name: str | int, src: str | None = None) -> str:
    """Convert a country name or code (ISO2/ISO3/COW number/name) to ISO3, exactly.

    ``src`` names the classification (country_converter's names, e.g. ``"ISO2"``, ``"GWcode"``,
    ``"name_short"``). By default a bare number is read as a Gleditsch–Ward code (identical to the
    COW code for the case's states: 365 RUS, 740 JPN, 710 CHN, 2 USA, 732 KOR, 731 PRK), two
    letters as ISO2 and anything else by :func:`name_to_iso3`. Raises :class:`BilateralError` when
    not found.
    """
    key = str(name).strip()
    if key.upper() in SUCCESSORS:
        return SUCCESSORS[key.upper()]
    if src is None and key.isdigit():
        src = "GWcode"
    elif src is None and len(key) == 2 and key.isalpha():
        src = "ISO2"
    if src is None:
        result = name_to_iso3(key) or _MISSING
    else:
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
