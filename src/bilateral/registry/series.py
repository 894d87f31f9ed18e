"""The series registry: every series ``bilateral`` measures, one row each, read from ``series.csv``.

Columns of the table (package data, UTF-8 CSV):

``name``
    ``family.metric``, the name a hypothesis, a panel column and an index metric all use
    (``leader.<ISO3>`` stands for one column per state).
``family``, ``metric``
    The two halves of the name.
``step``
    What builds it: a panel step (``unga``, ``trade``, …, the ``add_<step>`` method of the
    panel), ``events`` (the event-store index) or ``case`` (the case's own events and sanctions).
``kind``
    ``number``, or ``label`` for text columns (leaders, case periods) that no test can use.
``unit``, ``description``, ``dataset``, ``citation``
    What a value means (A is a dyad's first state, B its second), the catalogue dataset it comes
    from and its BibTeX keys (space-separated).
``aggregation``
    How monthly values become quarterly or yearly: ``sum`` or ``mean`` (of the months present),
    ``complete_sum`` (the sum, missing unless every month is present), ``max``, ``last`` (an
    annual state, repeated in each month), ``mode`` (the label of most days), ``recompute`` (a
    ratio computed again from the period's records) or ``Y only`` (an annual flow that has no
    monthly or quarterly value).
``triad``
    ``yes`` when the panel's ``triads`` step also measures it between each side of the dyad and
    each third state (as ``name@S-T``).

Adding a series is adding a row here (and, for a new step, its builder in
:mod:`bilateral.measure.builders`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files

from bilateral.errors import BilateralError

FILE = files("bilateral.registry") / "series.csv"
EVENTS = "events"
CASE = "case"
TRIADS = "triads"
AGGREGATIONS = ("sum", "complete_sum", "mean", "max", "last", "mode", "recompute", "Y only")
KINDS = ("number", "label")
_PER_STATE = "<ISO3>"


@dataclass(frozen=True)
class SeriesSpec:
    """One row of the registry."""

    name: str
    family: str
    metric: str
    step: str
    kind: str
    unit: str
    description: str
    dataset: str
    citation: tuple[str, ...]
    aggregation: str
    triad: bool


@dataclass(frozen=True)
class SeriesRef:
    """A parsed series reference ``family.metric[@A-B]``."""

    family: str
    metric: str
    dyad: tuple[str, str] | None = None


def _read() -> dict[str, SeriesSpec]:
    out: dict[str, SeriesSpec] = {}
    with FILE.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{FILE.name}:{line}"
            if row["name"] != f"{row['family']}.{row['metric']}":
                raise BilateralError(f"{where}: name {row['name']!r} must be family.metric "
                                     f"({row['family']}.{row['metric']})")
            if row["name"] in out:
                raise BilateralError(f"{where}: series {row['name']!r} is listed twice — keep one row")
            if row["aggregation"] not in AGGREGATIONS:
                raise BilateralError(f"{where}: aggregation {row['aggregation']!r} — use one of "
                                     f"{', '.join(AGGREGATIONS)}")
            if row["kind"] not in KINDS:
                raise BilateralError(f"{where}: kind {row['kind']!r} — use number or label")
            out[row["name"]] = SeriesSpec(
                name=row["name"], family=row["family"], metric=row["metric"], step=row["step"],
                kind=row["kind"], unit=row["unit"], description=row["description"], dataset=row["dataset"],
                citation=tuple(row["citation"].split()), aggregation=row["aggregation"],
                triad=row["triad"] == "yes")
    return out


#: Every series, by name, in the table's order.
SERIES: dict[str, SeriesSpec] = _read()


def spec(column: str) -> SeriesSpec:
    """The registry row of a series or panel column, ignoring an ``@A-B`` pair suffix;
    ``leader.<ISO3>`` columns (``leader.RUS``) share the row ``leader.<ISO3>``."""
    base = column.split("@")[0]
    if base.startswith("leader."):
        base = f"leader.{_PER_STATE}"
    try:
        return SERIES[base]
    except KeyError:
        raise BilateralError(f"unknown series {column!r} — use a family.metric name of the series "
                             f"registry (families: {', '.join(families())})") from None


def families() -> dict[str, tuple[str, ...]]:
    """Each family and its metrics, in the registry's order."""
    out: dict[str, list[str]] = {}
    for row in SERIES.values():
        out.setdefault(row.family, []).append(row.metric)
    return {family: tuple(metrics) for family, metrics in out.items()}


def steps() -> dict[str, tuple[str, ...]]:
    """Each step (panel steps in the order ``add(all)`` runs them, then ``triads``, ``events``
    and ``case``) and the series names it builds."""
    out: dict[str, list[str]] = {}
    for row in SERIES.values():
        out.setdefault(row.step, []).append(row.name)
    out[TRIADS] = [row.name for row in SERIES.values() if row.triad]
    order = [s for s in out if s not in (TRIADS, EVENTS, CASE)] + [TRIADS, EVENTS, CASE]
    return {s: tuple(out[s]) for s in order if s in out}


def citations(names: Iterable[str]) -> list[str]:
    """Sorted citation keys of the series the given steps build (``"all"`` for every step)."""
    known = steps()
    chosen = list(known) if "all" in names else list(names)
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise BilateralError(f"unknown step(s) {', '.join(unknown)} — use {', '.join(known)} or all")
    return sorted({key for step in chosen for name in known[step] for key in SERIES[name].citation})


_REF = re.compile(r"^(?P<family>[a-z_]+)\.(?P<metric>[a-z0-9_]+)(?:@(?P<a>[A-Z]{3})-(?P<b>[A-Z]{3}))?$")


def parse_series_ref(text: str) -> SeriesRef:
    """Parse ``family.metric[@A-B]`` naming a numeric series of the registry.

    Raises ``ValueError`` (for pydantic validators) naming the valid families or metrics.
    """
    match = _REF.match(text)
    if not match:
        raise ValueError(f"series {text!r} is not of the form family.metric or family.metric@AAA-BBB")
    family, metric = match["family"], match["metric"]
    numeric = {f: tuple(m for m in ms if SERIES[f"{f}.{m}"].kind == "number") for f, ms in families().items()}
    numeric = {f: ms for f, ms in numeric.items() if ms}
    if family not in numeric:
        raise ValueError(f"unknown series family {family!r}; known: {', '.join(sorted(numeric))}")
    if metric not in numeric[family]:
        choices = ", ".join(sorted(numeric[family]))
        raise ValueError(f"unknown metric {metric!r} for {family}; known: {choices}")
    dyad = (match["a"], match["b"]) if match["a"] else None
    return SeriesRef(family, metric, dyad)
