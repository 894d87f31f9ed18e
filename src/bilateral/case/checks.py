"""Cross-checks between a case's files: references resolve, codes and weights agree, dates fit."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from bilateral.case.files import Raw
from bilateral.case.schema import Stakeholder
from bilateral.codes import cameo_table, to_iso3
from bilateral.errors import BilateralError, Problem


def _pairs(parsed: dict[str, Any], kind: str) -> Iterator[tuple[Raw, Any]]:
    records = parsed.get(kind)
    if records is None:
        return iter(())
    if not isinstance(records, list):
        records = [records]
    return zip(parsed["raws"].get(kind, []), records, strict=False)


def _ids(parsed: dict[str, Any], kind: str, key: str = "id") -> set[str]:
    return {getattr(r, key) for _, r in _pairs(parsed, kind)}


def _unique(parsed: dict[str, Any], kind: str, key: str = "id") -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for raw, record in _pairs(parsed, kind):
        value = getattr(record, key)
        if value in seen:
            problems.append(Problem(raw.file, raw.line_of((key,)), key, f"duplicate {key} {value!r}",
                                    f"give it another {key}; the first is on line {seen[value]}"))
        else:
            seen[value] = raw.line
    return problems


def _leader_ids(parsed: dict[str, Any]) -> list[Problem]:
    """A leader id may repeat for another tenure of the same person, never for someone else or the same start."""
    first: dict[str, tuple[Raw, Any]] = {}
    starts: dict[tuple[str, Any], int] = {}
    problems = []
    for raw, leader in _pairs(parsed, "leaders"):
        if (leader.id, leader.start) in starts:
            problems.append(Problem(raw.file, raw.line, "id", f"duplicate leader {leader.id!r} starting {leader.start}",
                                    f"remove the repeated row; the first is on line {starts[leader.id, leader.start]}"))
            continue
        starts[leader.id, leader.start] = raw.line
        if leader.id in first:
            other_raw, other = first[leader.id]
            if (other.name, other.country) != (leader.name, leader.country):
                problems.append(Problem(raw.file, raw.line, "id",
                                        f"leader id {leader.id!r} is {other.name} ({other.country}) on line "
                                        f"{other_raw.line} but {leader.name} ({leader.country}) here",
                                        "give each person their own id"))
        else:
            first[leader.id] = (raw, leader)
    return problems


def _citations(parsed: dict[str, Any], seeds: Path | None) -> list[Problem]:
    sources = parsed["sources"]
    problems = []
    cited: list[tuple[Raw, tuple[Any, ...], Any]] = []
    for kind in ("info", "actors", "leaders", "periods", "events", "factors", "hypotheses",
                 "stakeholders", "scenarios"):
        cited += [(raw, (), record) for raw, record in _pairs(parsed, kind)]
    for raw, scale in _pairs(parsed, "scale"):
        cited += [(raw, ("anchors", i), a) for i, a in enumerate(scale.anchors)]
    for raw, event in _pairs(parsed, "events"):
        outside = getattr(event, "outside_source", None)
        if outside and outside not in sources:
            problems.append(Problem(raw.file, raw.line, "outside_source",
                                    f"citation key {outside!r} is not in sources.bib",
                                    "add the work the outside knowledge comes from to sources.bib"))
    for raw, loc, record in cited:
        entry = sources.get(record.source)
        if entry is None:
            problems.append(Problem(raw.file, raw.line_of((*loc, "source")), "source",
                                    f"citation key {record.source!r} is not in sources.bib",
                                    "add the work to sources.bib or use an existing key"))
            continue
        seed_file = entry.fields.get("file")
        if not seed_file:
            continue
        match = re.fullmatch(re.escape(seed_file) + r":L(\d+)(?:-L?(\d+))?", record.locator)
        line = raw.line_of((*loc, "locator"))
        if not match:
            problems.append(Problem(raw.file, line, "locator",
                                    f"{record.locator!r} does not point into {seed_file}",
                                    f"write {seed_file}:L<first>-<last>"))
            continue
        first, last = int(match[1]), int(match[2] or match[1])
        if last < first:
            problems.append(Problem(raw.file, line, "locator", f"line range {first}-{last} is reversed",
                                    "write the first line before the last"))
        elif seeds is not None and (seeds / seed_file).is_file() and not (seeds / seed_file).is_symlink():
            length = len((seeds / seed_file).read_text(encoding="utf-8").splitlines())
            if last > length:
                problems.append(Problem(raw.file, line, "locator",
                                        f"line {last} is past the end of {seed_file} ({length} lines)",
                                        "check the line numbers against the seed"))
    return problems


def _iso3(value: str) -> bool:
    try:
        return to_iso3(value) == value
    except BilateralError:
        return False


def _countries(parsed: dict[str, Any]) -> list[Problem]:
    fix = "use an ISO 3166-1 alpha-3 code such as RUS, JPN, CHN, USA"
    problems = []
    for raw, info in _pairs(parsed, "info"):
        problems += [Problem(raw.file, raw.line_of(("dyad",)), "dyad", f"{c!r} is not an ISO3 code", fix)
                     for c in info.dyad if not _iso3(c)]
    for raw, actor in _pairs(parsed, "actors"):
        if actor.kind == "state" and actor.country != actor.id:
            problems.append(Problem(raw.file, raw.line_of(("country",)), "country",
                                    f"a state's country must be its own id {actor.id!r}",
                                    f"write country: {actor.id}"))
        elif actor.kind != "organisation" and actor.country is None:
            problems.append(Problem(raw.file, raw.line, "country", "missing",
                                    "give the ISO3 code of the state this actor belongs to"))
    for kind, field in (("actors", "country"), ("leaders", "country"), ("stakeholders", "state")):
        for raw, record in _pairs(parsed, kind):
            value = getattr(record, field)
            if value is not None and not _iso3(value):
                problems.append(Problem(raw.file, raw.line_of((field,)), field,
                                        f"{value!r} is not an ISO3 code", fix))
    return problems


def _references(parsed: dict[str, Any]) -> list[Problem]:
    actors, factors = _ids(parsed, "actors"), _ids(parsed, "factors")
    leaders, periods = _ids(parsed, "leaders"), _ids(parsed, "periods")
    events = _ids(parsed, "events")
    stakeholders = _ids(parsed, "stakeholders", "actor")
    problems = []

    def need(raw: Raw, loc: tuple[Any, ...], value: str, known: set[str], what: str, file: str):
        if value not in known:
            field = ".".join(str(p) for p in loc)
            problems.append(Problem(raw.file, raw.line_of(loc), field,
                                    f"{what} {value!r} is not defined",
                                    f"use an id from {file} or add it there"))

    for raw, event in _pairs(parsed, "events"):
        for field in ("source_actor", "target_actor"):
            need(raw, (field,), getattr(event, field), actors, "actor", "actors.yaml")
    for raw, factor in _pairs(parsed, "factors"):
        for i, actor in enumerate(factor.actors):
            need(raw, ("actors", i), actor, actors, "actor", "actors.yaml")
    for raw, period in _pairs(parsed, "periods"):
        for i, leader in enumerate(period.leaders):
            need(raw, ("leaders", i), leader, leaders | actors, "leader", "leaders.csv")
    for raw, stakeholder in _pairs(parsed, "stakeholders"):
        need(raw, ("actor",), stakeholder.actor, actors, "actor", "actors.yaml")
    for raw, hypothesis in _pairs(parsed, "hypotheses"):
        for i, factor in enumerate(hypothesis.factors):
            need(raw, ("factors", i), factor, factors, "factor", "factors.yaml")
        test = hypothesis.test
        groups = {"leaders": (leaders, "leaders.csv"), "periods": (periods, "periods.yaml")}
        if test.groups:
            known, file = groups[test.groups]
            for key in ("compare", "target"):
                for i, group in enumerate(getattr(test, key) or []):
                    need(raw, ("test", key, i), group, known, test.groups[:-1], file)
        for key in ("event", "at"):
            for i, ref in enumerate(getattr(test, key) or []):
                if ref in events:
                    continue
                try:
                    date.fromisoformat(ref)
                except ValueError:
                    problems.append(Problem(raw.file, raw.line_of(("test", key, i)), f"test.{key}",
                                            f"{ref!r} is neither an event id nor an ISO date",
                                            "use an id from events.csv or a date YYYY-MM-DD"))
    for raw, scenario in _pairs(parsed, "scenarios"):
        for i, change in enumerate(scenario.changes):
            need(raw, ("changes", i, "actor"), change.actor, stakeholders, "stakeholder",
                 "stakeholders.csv")
        for i, switch in enumerate(scenario.factors):
            need(raw, ("factors", i, "factor"), switch.factor, factors, "factor", "factors.yaml")
    return problems


def _codes(parsed: dict[str, Any]) -> list[Problem]:
    table = cameo_table()
    problems = []
    for raw, event in _pairs(parsed, "events"):
        if event.cameo not in table.index:
            problems.append(Problem(raw.file, raw.line, "cameo", f"unknown CAMEO code {event.cameo!r}",
                                    "use a code from the CAMEO codebook with its leading zero"))
            continue
        row = table.loc[event.cameo]
        if abs(event.goldstein - float(row["goldstein"])) > 1e-9:
            problems.append(Problem(raw.file, raw.line, "goldstein",
                                    f"{event.goldstein:g} is not the weight of CAMEO {event.cameo} "
                                    f"({row['name']})", f"write {float(row['goldstein']):g}"))
        if event.quad_class != int(row["quad_class"]):
            problems.append(Problem(raw.file, raw.line, "quad_class",
                                    f"{event.quad_class} does not match root {row['root']}",
                                    f"write {int(row['quad_class'])}"))
    return problems


def _tenures(parsed: dict[str, Any]) -> list[Problem]:
    problems = []
    by_office: dict[tuple[str, str], list[tuple[Raw, Any]]] = {}
    for raw, leader in _pairs(parsed, "leaders"):
        by_office.setdefault((leader.country, leader.office), []).append((raw, leader))
    for rows in by_office.values():
        rows.sort(key=lambda pair: pair[1].start)
        for (_, before), (raw, after) in itertools.pairwise(rows):
            if before.end is None or after.start < before.end:
                problems.append(Problem(raw.file, raw.line, "start",
                                        f"{after.name}'s tenure from {after.start} overlaps "
                                        f"{before.name}'s ({before.start}–{before.end or 'today'})",
                                        "end the earlier tenure on or before this start"))
    return problems


def _periods(parsed: dict[str, Any]) -> list[Problem]:
    rows = sorted(_pairs(parsed, "periods"), key=lambda pair: pair[1].start)
    return [Problem(raw.file, raw.line_of(("start",)), "start",
                    f"period {after.id!r} starts {after.start}, before {before.id!r} ends {before.end}",
                    "make the periods follow each other without overlap")
            for (_, before), (raw, after) in itertools.pairwise(rows)
            if after.start <= before.end]


def _apply(stakeholder: Stakeholder, change: Any) -> float | bool:
    value = getattr(stakeholder, change.field)
    if change.set is not None:
        return change.set
    return value + change.add if change.add is not None else value * change.scale


def _scale(parsed: dict[str, Any]) -> list[Problem]:
    scale = parsed.get("scale")
    if scale is None:
        return []
    lo, hi = scale.min, scale.max
    problems = []
    for raw, info in _pairs(parsed, "info"):
        if not lo <= info.breakthrough.threshold <= hi:
            problems.append(Problem(raw.file, raw.line_of(("breakthrough", "threshold")),
                                    "breakthrough.threshold", f"outside the scale {lo:g}–{hi:g}",
                                    "use a position on the scale"))
    for raw, s in _pairs(parsed, "stakeholders"):
        if not lo <= s.position_low <= s.position_high <= hi:
            problems.append(Problem(raw.file, raw.line, "position",
                                    f"range {s.position_low:g}–{s.position_high:g} leaves the scale",
                                    f"keep positions within {lo:g}–{hi:g}"))
    stakeholders = {s.actor: s for _, s in _pairs(parsed, "stakeholders")}
    bounds = {"position": (lo, hi), "salience": (0, 1), "capability": (0, 1)}
    for raw, scenario in _pairs(parsed, "scenarios"):
        for i, change in enumerate(scenario.changes):
            if change.actor not in stakeholders or change.field == "veto":
                continue
            value = _apply(stakeholders[change.actor], change)
            low, high = bounds[change.field]
            if not low <= value <= high:
                problems.append(Problem(raw.file, raw.line_of(("changes", i)), f"changes.{i}",
                                        f"{change.actor}'s {change.field} becomes {value:g}",
                                        f"keep it within {low:g}–{high:g}"))
    return problems


def cross_check(parsed: dict[str, Any], seeds: Path | None) -> list[Problem]:
    """All cross-file problems of a parsed case."""
    problems: list[Problem] = []
    for kind in ("actors", "leaders", "periods", "events", "factors", "hypotheses", "scenarios"):
        if kind != "leaders":
            problems += _unique(parsed, kind)
    problems += _unique(parsed, "stakeholders", "actor")
    problems += _leader_ids(parsed)
    problems += _citations(parsed, seeds)
    problems += _countries(parsed)
    problems += _references(parsed)
    problems += _codes(parsed)
    problems += _tenures(parsed)
    problems += _periods(parsed)
    problems += _scale(parsed)
    return problems
