"""State lists of the structural datasets (COW, Gleditsch–Ward) and their codes → ISO3, with country_converter.

* COW state numbers: the COW state list (``peacesciencer/cow_states.rda``, read from the data
  directory) names each state; country_converter turns the name (failing that, the same number
  read as a Gleditsch–Ward code) into ISO3. One COW state holds an ISO3 code at any time: where
  two coexisting states would share one (the two Yemens, the two Vietnams) the one listed later
  gets ``None``, as do states with no modern equivalent (Bavaria, Austria-Hungary, the GDR,
  Yugoslavia…). The USSR is COW 365 throughout and so ``RUS`` (DESIGN.md §4).
* Gleditsch–Ward numbers, ISO2 codes and names go through country_converter in batches.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path

import country_converter as coco

from bilateral.data.paths import data_dir
from bilateral.data.structural.files import read_rda, resolve
from bilateral.errors import BilateralError

logging.getLogger("country_converter").setLevel(logging.ERROR)
_MISSING = "<not found>"
_KNOWN: dict[tuple[str, str], str | None] = {}


@cache
def _converter() -> coco.CountryConverter:
    return coco.CountryConverter()


def convert(values: Iterable, src: str) -> dict:
    """``{value: ISO3 or None}`` for values of country_converter class ``src`` (``"GWcode"``,
    ``"ISO2"`` or ``"regex"`` for names); results are remembered for the process."""
    values = list(dict.fromkeys(values))
    todo = [v for v in values if (src, str(v)) not in _KNOWN]
    if todo:
        found = _converter().convert([str(v) for v in todo], src=src, to="ISO3", not_found=_MISSING)
        found = found if isinstance(found, list) else [found]
        for value, iso3 in zip(todo, found, strict=True):
            _KNOWN[src, str(value)] = iso3 if isinstance(iso3, str) and iso3 != _MISSING else None
    return {v: _KNOWN[src, str(v)] for v in values}


def _spells(states) -> dict[int, list[tuple[date, date]]]:
    spells: dict[int, list[tuple[date, date]]] = {}
    for row in states.itertuples():
        start = date(int(row.styear), int(row.stmonth), int(row.stday))
        end = date(int(row.endyear), int(row.endmonth), int(row.endday))
        spells.setdefault(int(row.ccode), []).append((start, end))
    return spells


@cache
def _states(path: str):
    return read_rda(Path(path), "cow_states", ["ccode", "statenme", "styear", "stmonth", "stday",
                                               "endyear", "endmonth", "endday"])


@cache
def _cow_table(path: str) -> dict[int, str | None]:
    states = _states(path)
    spells = _spells(states)
    first = states.drop_duplicates("ccode")
    by_name = convert(first["statenme"], "regex")
    by_gw = convert([int(c) for c in first["ccode"]], "GWcode")
    table: dict[int, str | None] = {}
    for code, name in zip(first["ccode"].astype(int), first["statenme"], strict=True):
        iso3 = by_name[name] or by_gw[code]
        holders = [c for c, i in table.items() if iso3 is not None and i == iso3]
        overlaps = any(s <= e2 and s2 <= e for c in holders for s, e in spells[c] for s2, e2 in spells[code])
        table[code] = None if overlaps else iso3
    return table


def cow_codes(path: Path | None = None) -> dict[int, str | None]:
    """COW state number → ISO3 (``None`` where no modern ISO3 code fits)."""
    file = resolve(path, "peacesciencer", "peacesciencer/cow_states.rda")
    return _cow_table(str(file))


def cow_to_iso3(codes: Iterable, path: Path | None = None) -> list[str | None]:
    """Map COW numbers (any iterable of numbers, NaN allowed) to ISO3."""
    table = cow_codes(path)
    return [table.get(int(c)) if c == c else None for c in codes]


def iso3_to_cow(iso3: str, path: Path | None = None) -> list[int]:
    """Every COW state number whose ISO3 is ``iso3`` (two for e.g. Germany: 255 and 260)."""
    codes = [c for c, i in cow_codes(path).items() if i == iso3]
    if not codes:
        raise BilateralError(f"no Correlates of War state has ISO3 code {iso3!r} (COW state list in "
                             f"{data_dir()}/peacesciencer/cow_states.rda)")
    return codes


def member_years(iso3: str, path: Path | None = None) -> set[int]:
    """Years in which a COW state with this ISO3 code was a system member (at any time of the
    year) — the years in which COW's dyadic data can have the state. Spells running at the end of
    the state list (2016-12-31) are taken to continue to this year."""
    file = resolve(path, "peacesciencer", "peacesciencer/cow_states.rda")
    table = _cow_table(str(file))
    spells = _spells(_states(str(file)))
    last = max(end for runs in spells.values() for _, end in runs)
    return {y for code, i in table.items() if i == iso3 for start, end in spells[code]
            for y in range(start.year, (date.today().year if end == last else end.year) + 1)}


def gw_to_iso3(codes: Iterable) -> list[str | None]:
    """Gleditsch–Ward numbers → ISO3 (``None`` where country_converter has none)."""
    codes = [int(c) for c in codes]
    table = convert(codes, "GWcode")
    return [table[c] for c in codes]
