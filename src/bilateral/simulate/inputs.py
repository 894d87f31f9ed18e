"""Stakeholder tables: from a case, or from a CSV in the common ``Actor,Capability,Position,Salience``
format (Bueno de Mesquita's and the KTAB formats are read too).

Every model reads the same :class:`Stakeholders`: one row per actor with position xᵢ on the scale,
salience sᵢ ∈ [0, 1], capability cᵢ ≥ 0, an uncertainty range for each, a veto flag, a level
(``international`` or ``domestic``) and the state whose domestic level the actor belongs to.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from bilateral.errors import BilateralError, Problem

SalienceScale = Literal["auto", "unit", "percent"]
SALIENCE_SCALES = ("auto", "unit", "percent")

DEFAULT_SCALE = (0.0, 100.0)

#: Accepted column names (case-insensitive) for each field of the common format.
ALIASES: dict[str, tuple[str, ...]] = {
    "actor": ("actor", "stakeholder", "name"),
    "capability": ("capability", "resources", "influence", "power", "clout"),
    "position": ("position", "policy position"),
    "salience": ("salience", "policy salience"),
    "position_low": ("position_low",), "position_high": ("position_high",),
    "salience_low": ("salience_low",), "salience_high": ("salience_high",),
    "capability_low": ("capability_low",), "capability_high": ("capability_high",),
    "veto": ("veto",), "level": ("level",), "state": ("state",),
}
REQUIRED = ("actor", "capability", "position", "salience")
NUMERIC = ("capability", "position", "salience", "position_low", "position_high", "salience_low",
           "salience_high", "capability_low", "capability_high")
FIELDS = ("position", "salience", "capability")


class StakeholderError(BilateralError):
    """A stakeholder table has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem], source: str = "stakeholders"):
        self.problems = sorted(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"{len(self.problems)} {noun} in {source}:"] + [str(p) for p in self.problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True, eq=False, repr=False)
class Stakeholders:
    """The negotiation inputs as aligned numpy arrays (one entry per actor).

    ``scale`` is the issue dimension (lo, hi); ``status_quo`` the reversion point q (``None`` when
    the input gives none); ``breakthrough`` the case's threshold on the scale (``None`` for a bare
    CSV); ``file`` and ``lines`` say where each row came from, for error messages.
    """

    actor: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    position_low: np.ndarray
    position_high: np.ndarray
    salience_low: np.ndarray
    salience_high: np.ndarray
    capability_low: np.ndarray
    capability_high: np.ndarray
    veto: np.ndarray
    level: tuple[str, ...]
    state: tuple[str | None, ...]
    scale: tuple[float, float] = DEFAULT_SCALE
    status_quo: float | None = None
    breakthrough: float | None = None
    file: str = "stakeholders"
    lines: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def __repr__(self) -> str:
        quo = "none" if self.status_quo is None else f"{self.status_quo:g}"
        return (f"Stakeholders({self.n} actors from {self.file}, scale {self.scale[0]:g}–"
                f"{self.scale[1]:g}, status quo {quo}, breakthrough {self.breakthrough})")

    def _repr_html_(self) -> str:
        return self.frame().to_html(index=False)

    @property
    def n(self) -> int:
        return len(self.actor)

    @property
    def weight(self) -> np.ndarray:
        """Effective power cᵢsᵢ of each actor."""
        return self.capability * self.salience

    def with_values(self, **arrays: Any) -> Stakeholders:
        """A copy with some arrays (or metadata) replaced."""
        return replace(self, **{k: np.asarray(v, dtype=float) if k in NUMERIC else v
                                for k, v in arrays.items()})

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame, one row per actor."""
        frame = pd.DataFrame({
            "actor": self.actor, "position": self.position, "position_low": self.position_low,
            "position_high": self.position_high, "salience": self.salience,
            "salience_low": self.salience_low, "salience_high": self.salience_high,
            "capability": self.capability, "capability_low": self.capability_low,
            "capability_high": self.capability_high, "veto": self.veto, "level": self.level,
            "state": self.state,
        })
        frame.attrs["sources"] = list(self.sources)
        return frame


def _line(lines: tuple[int, ...], i: int) -> int:
    return lines[i] if i < len(lines) else 0


def check(sh: Stakeholders) -> list[Problem]:
    """Every problem of a stakeholder table (empty when it is usable by the models)."""
    problems: list[Problem] = []
    lo, hi = sh.scale
    f = sh.file
    if hi <= lo:
        problems.append(Problem(f, 0, "scale", f"scale {lo:g}–{hi:g} is empty",
                                "give a scale whose maximum is above its minimum"))
    if sh.n < 2:
        problems.append(Problem(f, 0, "actor", f"{sh.n} actor(s): a negotiation needs two or more",
                                "add at least two stakeholder rows"))
    seen: dict[str, int] = {}
    for i, name in enumerate(sh.actor):
        line = _line(sh.lines, i)
        if not name:
            problems.append(Problem(f, line, "actor", "empty actor name", "name every actor"))
        elif name in seen:
            problems.append(Problem(f, line, "actor", f"duplicate actor {name!r} (first on line "
                                    f"{seen[name]})", "keep one row per actor or rename one"))
        else:
            seen[name] = line
        for fld in FIELDS:
            value = float(getattr(sh, fld)[i])
            low, high = float(getattr(sh, f"{fld}_low")[i]), float(getattr(sh, f"{fld}_high")[i])
            if not np.isfinite(value):
                problems.append(Problem(f, line, fld, "not a number", "write a number"))
                continue
            if not low <= value <= high:
                problems.append(Problem(f, line, f"{fld}_low/{fld}_high",
                                        f"range {low:g}–{high:g} does not contain {fld} {value:g}",
                                        f"widen the range so that {fld}_low ≤ {fld} ≤ {fld}_high"))
        if sh.capability[i] < 0 or sh.capability_low[i] < 0:
            low = min(sh.capability[i], sh.capability_low[i])
            problems.append(Problem(f, line, "capability", f"capability {low:g} is negative",
                                    "capabilities are 0 or more (only ratios matter)"))
        for value in (sh.salience[i], sh.salience_low[i], sh.salience_high[i]):
            if not 0 <= value <= 1:
                problems.append(Problem(f, line, "salience", f"salience {value:g} is outside 0–1",
                                        "write saliences as shares 0–1 (a file with all saliences "
                                        "in 0–100 is read as percent: salience_scale='percent', "
                                        "--salience-scale percent)"))
                break
        for value in (sh.position[i], sh.position_low[i], sh.position_high[i]):
            if hi > lo and not lo <= value <= hi:
                problems.append(Problem(f, line, "position", f"position {value:g} is off the scale "
                                        f"{lo:g}–{hi:g}", "correct it, or give the scale of the "
                                        "issue (scale=(lo, hi), --scale LO:HI)"))
                break
    if sh.status_quo is not None and hi > lo and not lo <= sh.status_quo <= hi:
        problems.append(Problem(f, 0, "status_quo", f"status quo {sh.status_quo:g} is off the scale "
                                f"{lo:g}–{hi:g}", "give a status quo on the scale"))
    return problems


def validated(sh: Stakeholders) -> Stakeholders:
    """``sh`` itself, or :class:`StakeholderError` listing every problem."""
    problems = check(sh)
    if problems:
        raise StakeholderError(problems, sh.file)
    return sh


def from_case(case: Any) -> Stakeholders:
    """The stakeholders of a loaded :class:`bilateral.Case`, on its scale, with its status quo."""
    rows = case.stakeholders
    arr = {name: np.array([getattr(r, name) for r in rows], dtype=float) for name in NUMERIC}
    sh = Stakeholders(
        actor=tuple(r.actor for r in rows), veto=np.array([r.veto for r in rows], dtype=bool),
        level=tuple(r.level for r in rows), state=tuple(r.state for r in rows),
        scale=(float(case.scale.min), float(case.scale.max)),
        status_quo=float(case.scale.status_quo),
        breakthrough=float(case.info.breakthrough.threshold),
        file="stakeholders.csv", lines=tuple(range(2, len(rows) + 2)),
        sources=tuple(dict.fromkeys(r.source for r in rows)), **arr,
    )
    return validated(sh)


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """CSV rows with their line numbers, blank rows dropped, trailing empty cells trimmed."""
    out = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        cells = [c.strip() for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            out.append((start, cells))
        start = reader.line_num + 1
    return out


def _ktab_header(rows: list[tuple[int, list[str]]]) -> bool:
    """KTAB's SMP CSV: a scenario line (name, description, #actors, #dimensions), then a header
    ``Actor,Description,Influence,<dim> Position,<dim> Salience…``."""
    if len(rows) < 2 or len(rows[0][1]) < 4:
        return False
    head = [c.lower() for c in rows[1][1]]
    return head[:3] == ["actor", "description", "influence"]


def _ktab_columns(rows: list[tuple[int, list[str]]], file: str) -> list[tuple[int, list[str]]]:
    dims = rows[0][1][3].strip()
    if dims not in ("1", "1.0"):
        raise StakeholderError([Problem(file, rows[0][0], "dimensions", f"{dims} issue dimensions",
                                        "bilateral models one dimension: keep one Position/Salience "
                                        "pair")], file)
    header = ["actor", "description", "capability", "position", "salience"]
    return [(rows[1][0], header), *rows[2:]]


def _parse_bool(text: str) -> bool | None:
    low = text.strip().lower()
    if low in ("true", "yes", "y", "1", "t"):
        return True
    if low in ("false", "no", "n", "0", "f", ""):
        return False
    return None


def check_salience_scale(value: str) -> None:
    """Raise :class:`BilateralError` unless ``value`` is one of :data:`SALIENCE_SCALES`."""
    if value not in SALIENCE_SCALES:
        raise BilateralError(f"salience_scale={value!r}: use one of {', '.join(SALIENCE_SCALES)}")


def read_stakeholders(path: str | Path, *, scale: tuple[float, float] | None = None,
                      status_quo: float | None = None, salience_scale: SalienceScale = "auto",
                      breakthrough: float | None = None) -> Stakeholders:
    """Read a stakeholder CSV; raise :class:`StakeholderError` listing every problem.

    Columns (any case; aliases in :data:`ALIASES`): ``Actor, Capability, Position, Salience`` are
    required; ``position_low/high``, ``salience_low/high``, ``capability_low/high`` (uncertainty
    ranges, default: the value), ``veto`` (true/false), ``level`` (international/domestic) and
    ``state`` (ISO3) are optional. KTAB's one-dimension SMP format is recognised.

    ``scale`` defaults to 0–100. ``salience_scale="auto"`` reads saliences as percent when most of
    them exceed 1 (Bueno de Mesquita's data use 0–100) and divides them by 100; otherwise they must
    lie in 0–1. Capabilities are relative: any non-negative numbers.
    """
    check_salience_scale(salience_scale)
    path = Path(path)
    file = path.name
    if not path.is_file():
        raise BilateralError(f"{path}: no such stakeholder file — give a CSV with columns "
                             "Actor,Capability,Position,Salience, or a case name/folder")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise BilateralError(f"{file}: not UTF-8 ({err.reason}) — save the file as UTF-8") from None
    rows = _rows(text)
    if not rows:
        raise StakeholderError([Problem(file, 1, "file", "empty", "add a header and one row per "
                                        "actor")], file)
    if _ktab_header(rows):
        rows = _ktab_columns(rows, file)
    header_line, header = rows[0]
    columns: dict[str, int] = {}
    names = [h.strip().lower() for h in header]
    for fld, aliases in ALIASES.items():
        for alias in aliases:
            if alias in names:
                columns[fld] = names.index(alias)
                break
    problems = [Problem(file, header_line, fld, "missing column",
                        f"add a column {fld.capitalize()!r} (accepted names: {', '.join(ALIASES[fld])})")
                for fld in REQUIRED if fld not in columns]
    if problems:
        raise StakeholderError(problems, file)

    data: dict[str, list[Any]] = {k: [] for k in ALIASES}
    lines: list[int] = []
    for line, cells in rows[1:]:
        lines.append(line)

        def cell(fld: str, cells: list[str] = cells) -> str:
            idx = columns.get(fld)
            return cells[idx].strip() if idx is not None and idx < len(cells) else ""

        data["actor"].append(cell("actor"))
        for fld in NUMERIC:
            raw = cell(fld)
            if raw == "" and fld not in REQUIRED:
                data[fld].append(np.nan)
                continue
            try:
                data[fld].append(float(raw))
            except ValueError:
                problems.append(Problem(file, line, fld, f"{raw!r} is not a number", "write a number"))
                data[fld].append(np.nan)
        veto = _parse_bool(cell("veto"))
        if veto is None:
            problems.append(Problem(file, line, "veto", f"{cell('veto')!r} is not true/false",
                                    "write true or false"))
        data["veto"].append(bool(veto))
        level = cell("level").lower() or "international"
        if level not in ("international", "domestic"):
            problems.append(Problem(file, line, "level", f"{level!r} is not a level",
                                    "write international or domestic"))
        data["level"].append(level)
        data["state"].append(cell("state") or None)
    if problems:
        raise StakeholderError(problems, file)

    arr = {k: np.array(data[k], dtype=float) for k in NUMERIC}
    notes: list[str] = []
    sal = arr["salience"]
    percent = salience_scale == "percent" or (
        salience_scale == "auto" and len(sal) > 0 and float(np.nanmedian(sal)) > 1)
    if percent:
        for k in ("salience", "salience_low", "salience_high"):
            arr[k] = arr[k] / 100.0
        notes.append("saliences read as percent (divided by 100)")
    for fld in FIELDS:
        for side in ("low", "high"):
            key = f"{fld}_{side}"
            arr[key] = np.where(np.isnan(arr[key]), arr[fld], arr[key])
    sh = Stakeholders(
        actor=tuple(data["actor"]), veto=np.array(data["veto"], dtype=bool),
        level=tuple(data["level"]), state=tuple(data["state"]),
        scale=tuple(float(v) for v in (scale or DEFAULT_SCALE)),  # type: ignore[arg-type]
        status_quo=None if status_quo is None else float(status_quo), breakthrough=breakthrough,
        file=file, lines=tuple(lines), sources=(), notes=tuple(notes), **arr,
    )
    return validated(sh)


def load_stakeholders(source: Any = "russia-japan", **options: Any) -> Stakeholders:
    """Stakeholders from a `Stakeholders`, a loaded case, a case name/folder or a CSV path.

    Parameters
    ----------
    source
        A `Stakeholders`, a ``Case``, a case name or folder, or a CSV of ``Actor, Capability,
        Position, Salience`` (and optional ranges and veto) rows.
    **options
        ``scale``, ``status_quo``, ``salience_scale``, ``breakthrough``: they apply to CSV files;
        for a case they override the case's own scale, status quo or threshold when given.

    Returns
    -------
    Stakeholders
        The validated table as aligned numpy arrays, one entry per actor.

    Examples
    --------
    >>> sh = simulate.load_stakeholders("russia-japan")
    >>> sh.frame()[["actor", "position", "salience", "capability", "veto"]]
    """
    overrides = {k: v for k, v in options.items() if k in ("scale", "status_quo", "breakthrough")
                 and v is not None}
    if isinstance(source, Stakeholders):
        return validated(replace(source, **overrides)) if overrides else source
    if hasattr(source, "stakeholders") and hasattr(source, "scale"):
        sh = from_case(source)
    elif str(source).lower().endswith(".csv") or Path(str(source)).is_file():
        return read_stakeholders(source, **options)
    else:
        from bilateral.case import load_case

        sh = from_case(load_case(source))
    return validated(replace(sh, **overrides)) if overrides else sh
