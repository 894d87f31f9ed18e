"""Load and validate a case folder: every problem in one pass, each with file, line and fix."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bilateral.case import checks
from bilateral.case.bib import parse_bibtex
from bilateral.case.dynamics import folder_problems
from bilateral.case.files import Raw, csv_records, read_text, read_yaml, yaml_records
from bilateral.case.model import Case
from bilateral.case.schema import (
    Actor,
    CaseInfo,
    Event,
    Factor,
    Hypothesis,
    Leader,
    Period,
    Scale,
    Scenario,
    Stakeholder,
)
from bilateral.errors import BilateralError, CaseError, Problem

LIST_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "actors": ("actors.yaml", Actor),
    "leaders": ("leaders.csv", Leader),
    "periods": ("periods.yaml", Period),
    "events": ("events.csv", Event),
    "factors": ("factors.yaml", Factor),
    "hypotheses": ("hypotheses.yaml", Hypothesis),
    "stakeholders": ("stakeholders.csv", Stakeholder),
    "scenarios": ("scenarios.yaml", Scenario),
}
SINGLE_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "info": ("case.yaml", CaseInfo),
    "scale": ("scale.yaml", Scale),
}


def builtin_cases() -> dict[str, Path]:
    """Names and folders of the cases shipped with the package.

    Returns
    -------
    dict of str to Path
        Each built-in case's name (its folder's name) and folder.

    Examples
    --------
    >>> sorted(bilateral.builtin_cases())
    ['russia-japan']
    """
    root = files("bilateral").joinpath("cases")
    return {p.name: Path(str(p)) for p in root.iterdir() if p.joinpath("case.yaml").is_file()}


def resolve_case(name_or_path: str | Path | None = None) -> Path:
    """A built-in case name, or a folder; the default is ``russia-japan``."""
    cases = builtin_cases()
    target = name_or_path or "russia-japan"
    if str(target) in cases:
        return cases[str(target)]
    path = Path(target)
    if path.is_dir():
        return path
    raise BilateralError(
        f"no case {str(target)!r}: give a folder with case.yaml, or one of the built-in cases "
        f"({', '.join(sorted(cases))})"
    )


def _fix(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "add this field (docs/case-format.md lists them)"
    if kind == "extra_forbidden":
        return "remove it or correct its spelling"
    if kind.startswith("literal") or kind == "enum":
        return "use one of the values listed"
    if kind == "string_pattern_mismatch":
        return "follow the id/code pattern in docs/case-format.md"
    return "correct the value (docs/case-format.md)"


def _build(raw: Raw, model: type[BaseModel], problems: list[Problem]) -> BaseModel | None:
    try:
        return model.model_validate(raw.data)
    except ValidationError as err:
        label = raw.data.get("id") or raw.data.get("actor") or model.__name__.lower()
        for error in err.errors():
            loc = tuple(error["loc"])
            field = ".".join(str(p) for p in loc) or str(label)
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] not in ("missing",) and "input" in error and loc:
                message = f"{message} (got {error['input']!r})"
            problems.append(Problem(raw.file, raw.line_of(loc), field, message, _fix(error)))
    return None


def _read(folder: Path, problems: list[Problem]) -> dict[str, Any]:
    parsed: dict[str, Any] = {"raws": {}}
    for kind, (name, model) in SINGLE_FILES.items():
        path = folder / name
        if not path.is_file():
            problems.append(Problem(name, 0, "file", "missing", f"create {name} in {folder}"))
            parsed[kind] = None
            continue
        data = read_yaml(path, problems)
        raw = Raw(data if isinstance(data, dict) else {}, name, 1)
        parsed[kind] = _build(raw, model, problems) if data is not None else None
        parsed["raws"][kind] = [raw]
    for kind, (name, model) in LIST_FILES.items():
        path = folder / name
        if not path.is_file():
            problems.append(Problem(name, 0, "file", "missing", f"create {name} in {folder}"))
            raws = []
        elif name.endswith(".csv"):
            raws = csv_records(path, list(model.model_fields), problems)
        else:
            raws = yaml_records(path, problems)
        built = [(raw, _build(raw, model, problems)) for raw in raws]
        parsed["raws"][kind] = [raw for raw, record in built if record is not None]
        parsed[kind] = [record for _, record in built if record is not None]
    bib = folder / "sources.bib"
    parsed["sources"] = {}
    if not bib.is_file():
        problems.append(Problem("sources.bib", 0, "file", "missing", f"create sources.bib in {folder}"))
    elif (text := read_text(bib, problems)) is not None:
        parsed["sources"], bib_problems = parse_bibtex(text)
        problems.extend(bib_problems)
        problems.extend(_seed_files(parsed["sources"], text))
    return parsed


def _seed_files(sources: dict[str, Any], text: str) -> list[Problem]:
    """A ``file`` field of sources.bib names a seed document by its bare name: a path could make
    the validator read any file on the machine, so it is a problem and is never opened."""
    problems = []
    lines = text.splitlines()
    for key, entry in sources.items():
        name = entry.fields.get("file")
        if name and (Path(name).name != name or name in (".", "..")):
            opening = re.compile(r"@\w+\s*\{\s*" + re.escape(key) + r"\s*,")
            line = next((n for n, t in enumerate(lines, start=1) if opening.search(t)), 0)
            problems.append(Problem("sources.bib", line, f"{key}.file", f"file {name!r} is a path, not a file name",
                                    "give the seed document's bare file name, e.g. 000_7f62de5ec775ad22.txt"))
            entry.fields["file"] = ""
    return problems


def validate_case(case: str | Path | None = None, seeds: Path | None = None) -> list[Problem]:
    """Every problem in a case folder (empty when valid).

    Parameters
    ----------
    case
        A built-in case name or a case folder (default ``russia-japan``).
    seeds
        A folder of the seed texts: when given, every ``file:Lstart-end`` locator is checked
        against the lines of its file.

    Returns
    -------
    list of Problem
        Each problem with its file, line, field, message and fix, sorted; empty when the case is
        valid.

    Examples
    --------
    >>> bilateral.validate_case("src/bilateral/cases/russia-japan")
    []
    """
    folder = resolve_case(case)
    problems: list[Problem] = []
    parsed = _read(folder, problems)
    problems.extend(checks.cross_check(parsed, seeds))
    problems.extend(folder_problems(folder, parsed))
    return sorted(set(problems))


def load_case(case: str | Path | None = None) -> Case:
    """Load a case: its records typed and cross-checked.

    Parameters
    ----------
    case
        A built-in case name or a case folder (default ``russia-japan``).

    Returns
    -------
    Case
        The case's actors, leaders, periods, events, factors, hypotheses, stakeholders,
        scenarios and bibliography.

    Raises
    ------
    CaseError
        Listing every problem (file, line, field, fix) when the case is not valid.

    Examples
    --------
    >>> case = bilateral.load_case("russia-japan")
    >>> case.dyad
    ('RUS', 'JPN')
    >>> case.table("events").head()       # one row per cited event
    """
    folder = resolve_case(case)
    problems: list[Problem] = []
    parsed = _read(folder, problems)
    problems.extend(checks.cross_check(parsed, None))
    problems.extend(folder_problems(folder, parsed))
    if problems:
        raise CaseError(sorted(set(problems)))
    fields = {k: v for k, v in parsed.items() if k != "raws"}
    return Case(path=folder, **fields)
