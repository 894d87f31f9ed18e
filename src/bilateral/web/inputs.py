"""Reading a request's query string: every value checked against its bounds, with a clear message.

A bad value raises :class:`BadInput` (a :class:`bilateral.BilateralError`), which the app renders
as an HTTP 400 page (or JSON for the API) naming the parameter, what was wrong and what to give.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bilateral.errors import BilateralError

MAX_ACTORS = 50
MAX_RUNS = 10_000
MAX_YEARS = 50
MAX_SEED = 2**32 - 1
MODEL_NAMES = ("compromise", "nash", "eum", "smp")
FREQS = {"M": "monthly", "Q": "quarterly", "Y": "yearly"}
ISO3 = re.compile(r"^[A-Z]{3}$")
MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


class BadInput(BilateralError):
    """A query parameter that is malformed or out of bounds (HTTP 400)."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(f"{name}: {message}")


def integer(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """A whole number in [low, high] (``default`` when absent or empty)."""
    raw = query.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(name, f"{raw[:40]!r} is not a whole number — give one from {low:,} to {high:,}") from None
    if not low <= value <= high:
        raise BadInput(name, f"{value:,} is out of range — give a whole number from {low:,} to {high:,}")
    return value


def number(query: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    """A finite number in [low, high], or ``None`` when absent or empty."""
    raw = query.get(name, "").strip()
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadInput(name, f"{raw[:40]!r} is not a number — give one from {low:g} to {high:g}") from None
    if not low <= value <= high:  # also rejects nan
        raise BadInput(name, f"{raw[:40]} is out of range — give a number from {low:g} to {high:g}")
    return value


def flag(query: Mapping[str, str], name: str) -> bool | None:
    """``1``/``0`` (also true/false, on/off), or ``None`` when absent."""
    raw = query.get(name, "").strip().lower()
    if raw == "":
        return None
    if raw in ("1", "true", "on", "yes"):
        return True
    if raw in ("0", "false", "off", "no"):
        return False
    raise BadInput(name, f"{raw[:40]!r} is not 1 or 0")


def choice(query: Mapping[str, str], name: str, options: tuple[str, ...] | list[str], default: str) -> str:
    """One of ``options`` (``default`` when absent)."""
    raw = query.get(name, "").strip()
    if raw == "":
        return default
    if raw not in options:
        raise BadInput(name, f"{raw[:40]!r} is not one of {', '.join(options)}")
    return raw


def models(query: Mapping[str, str]) -> list[str]:
    """``model``: ``all`` or a comma-separated list of model names."""
    raw = query.get("model", "").strip()
    if raw in ("", "all"):
        return list(MODEL_NAMES)
    names = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in MODEL_NAMES]
    if unknown or not names:
        raise BadInput("model", f"{', '.join(unknown)[:60]!r} is not a model — use all or any of "
                       f"{', '.join(MODEL_NAMES)} (comma-separated)")
    return list(dict.fromkeys(names))


def iso3(query: Mapping[str, str], name: str, default: str) -> str:
    """A country as ISO 3166-1 alpha-3 (``RUS``)."""
    raw = query.get(name, "").strip().upper()
    if raw == "":
        return default
    if not ISO3.match(raw):
        raise BadInput(name, f"{raw[:40]!r} is not an ISO3 country code — write three letters, e.g. RUS")
    return raw


def month(query: Mapping[str, str], name: str, default_month: int = 1) -> tuple[int, int] | None:
    """``YYYY`` or ``YYYY-MM`` as (year, month; ``default_month`` for a bare year), or ``None``."""
    raw = query.get(name, "").strip()
    if raw == "":
        return None
    found = MONTH.match(raw)
    if not found or not 1 <= int(found.group(2) or 1) <= 12:
        raise BadInput(name, f"{raw[:40]!r} is not a year or month — write YYYY or YYYY-MM, e.g. 1991-12")
    return int(found.group(1)), int(found.group(2) or default_month)


@dataclass(frozen=True)
class Span:
    """A date range of at most :data:`MAX_YEARS` years, as ``YYYY-MM`` strings (either may be open)."""

    start: str | None
    end: str | None


def span(query: Mapping[str, str], first: str, last: str) -> Span:
    """``from``/``to`` (a bare year: January of ``from``, December of ``to``), ≤ 50 years long; by
    default the last 50 years of the data's ``first``…``last`` months (``YYYY-MM``)."""
    start, end = month(query, "from"), month(query, "to", 12)
    lo = tuple(int(v) for v in first.split("-")[:2]) if first else (1, 1)
    hi = tuple(int(v) for v in last.split("-")[:2]) if last else (9999, 12)
    end = end or hi  # type: ignore[assignment]
    start = start or max(lo, (end[0] - MAX_YEARS, end[1] + 1) if end[1] < 12 else (end[0] - MAX_YEARS + 1, 1))
    if start > end:
        raise BadInput("from", f"{start[0]}-{start[1]:02d} is after to={end[0]}-{end[1]:02d} — give from ≤ to")
    months = (end[0] - start[0]) * 12 + end[1] - start[1] + 1
    if months > MAX_YEARS * 12:
        raise BadInput("to", f"{months / 12:.1f} years asked — give a range of at most {MAX_YEARS} years")
    return Span(f"{start[0]}-{start[1]:02d}", f"{end[0]}-{end[1]:02d}")


SHOCK_FIELD = re.compile(r"^([ywah])(\d{1,3})$")
ID = re.compile(r"^[a-z0-9_]{1,60}$")


def shocks(query: Mapping[str, str], limit: int) -> list[tuple[int, str, float | None, float | None]]:
    """The shocks of a query, ordered by their index ``i``: (year, what, size, half-life) from ``y<i>``,
    ``w<i>``, ``a<i>``, ``h<i>``; a row without ``w<i>`` (the empty "add" row) is left out."""
    rows: dict[int, dict[str, str]] = {}
    for key in query:
        found = SHOCK_FIELD.match(key)
        if found:
            rows.setdefault(int(found.group(2)), {})[found.group(1)] = query[key].strip()
    out = []
    for i in sorted(rows):
        row = rows[i]
        if not row.get("w"):
            if row.get("a") or row.get("h"):
                raise BadInput(f"w{i}", "a shock with a size or half-life needs a what: a case scenario or a driver")
            continue
        if not ID.match(row["w"]):
            raise BadInput(f"w{i}", f"{row['w'][:40]!r} is not a scenario or driver id (lower-case letters, digits, _)")
        named = {f"{field}{i}": value for field, value in row.items()}
        year = integer(named, f"y{i}", 0, 1000, 9999)
        if year == 0:
            raise BadInput(f"y{i}", "a shock needs its year — give YYYY")
        out.append((year, row["w"], number(named, f"a{i}", -1e6, 1e6), number(named, f"h{i}", 0.0, 1e6)))
    if len(out) > limit:
        raise BadInput("shocks", f"{len(out)} shocks given — a scenario has at most {limit}")
    return out
