"""Pydantic models of a case's records (docs/case-format.md)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from bilateral.case.series import parse_series_ref
from bilateral.errors import BilateralError
from bilateral.registry import methods as method_registry

Id = Annotated[str, Field(pattern=r"^([a-z][a-z0-9_]*|[A-Z]{3})$")]
Unit = Annotated[float, Field(ge=0, le=1)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Cited(Record):
    """A record that says where it comes from: a bibliography key and a place in that work."""

    source: str = Field(min_length=1)
    locator: str = Field(min_length=1)


class Breakthrough(Record):
    threshold: float
    description: str


class CaseInfo(Cited):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    dyad: tuple[str, str]
    summary: str
    breakthrough: Breakthrough


class Actor(Cited):
    id: Id
    name: str
    kind: Literal["state", "leader", "group", "organisation"]
    country: str | None = None
    role: str
    territorial_stance: str
    rapprochement: Literal["opposed", "sceptical", "neutral", "supportive", "champion"]


def _after_start(end: date | None, info: ValidationInfo) -> date | None:
    start = info.data.get("start")
    if end is not None and start is not None and end < start:
        raise ValueError(f"end {end} is before start {start}")
    return end


class Leader(Cited):
    id: Id
    name: str
    country: str
    office: str
    start: date
    end: date | None = None
    party: str = ""
    note: str = ""

    _ordered = field_validator("end")(_after_start)


class Period(Cited):
    id: Id
    name: str
    start: date
    end: date
    characterisation: str
    tone: Literal["hostile", "cold", "mixed", "warm", "best"]
    leaders: list[str] = []

    _ordered = field_validator("end")(_after_start)


Precision = Literal["day", "month", "year", "approx"]
_DATE_FORMS = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}


def parse_dated(text: str, precision: Precision) -> date:
    """Read ``YYYY-MM-DD``/``YYYY-MM``/``YYYY`` as the first day it covers, checking the precision."""
    forms = _DATE_FORMS.values() if precision == "approx" else [_DATE_FORMS[precision]]
    if not any(re.fullmatch(form, text) for form in forms):
        wanted = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}
        shape = "YYYY, YYYY-MM or YYYY-MM-DD" if precision == "approx" else wanted[precision]
        raise ValueError(f"date {text!r} does not match precision {precision!r} (write {shape})")
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


class Event(Cited):
    """A dated event. ``source``/``locator`` cover only what the seed states; what the record adds
    from elsewhere is in ``outside`` with its own ``outside_source``/``outside_locator``. Where that
    outside knowledge corrects the seed's date, ``date`` is the corrected one and ``seed_date`` the
    seed's (``1917``, ``1995-05-29`` or a decade such as ``1980s``), and ``flag`` says why."""

    id: str = Field(pattern=r"^E\d{3,}$")
    precision: Precision
    date: str
    source_actor: str
    target_actor: str
    cameo: str = Field(pattern=r"^\d{2,4}$")
    goldstein: float
    quad_class: int = Field(ge=1, le=4)
    category: Literal[
        "summit", "visit", "agreement", "territorial", "military", "economic", "energy",
        "disaster", "sanctions", "incident", "statement", "domestic", "third_party", "history",
    ]
    summary: str
    flag: str = ""
    seed_date: str = Field(default="", pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?|\d{3}0s)?$")
    outside: str = ""
    outside_source: str = ""
    outside_locator: str = ""

    @field_validator("date")
    @classmethod
    def _date_matches_precision(cls, text: str, info: ValidationInfo) -> str:
        if "precision" in info.data:
            parse_dated(text, info.data["precision"])
        return text

    @model_validator(mode="after")
    def _outside_is_cited(self) -> Event:
        """Outside knowledge comes with its own citation; a corrected date keeps the seed's, flagged."""
        given = [bool(self.outside), bool(self.outside_source), bool(self.outside_locator)]
        if any(given) and not all(given):
            raise ValueError("outside, outside_source and outside_locator go together: give all three or none")
        if self.seed_date:
            if self.seed_date == self.date:
                raise ValueError(f"seed_date {self.seed_date!r} equals date: leave seed_date empty")
            if not (self.flag and self.outside):
                raise ValueError("a corrected date (seed_date set) needs a flag saying why and the outside "
                                 "knowledge, with its source, that corrects it")
        return self

    @property
    def day(self) -> date:
        """The first day the event's date covers."""
        return parse_dated(self.date, self.precision)

    @property
    def date_corrected(self) -> bool:
        """Whether ``date`` corrects the date the seed gives (kept in ``seed_date``)."""
        return bool(self.seed_date)


class Factor(Cited):
    id: Id
    name: str
    timescale: Literal["enduring", "time_limited"]
    domain: Literal[
        "history", "territorial", "identity", "leadership", "domestic", "external", "economic",
        "security", "disaster",
    ]
    direction: Literal["positive", "negative", "mixed"]
    mechanism: str
    actors: list[str] = []


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str | date) else value


class TestSpec(Record):
    """How the explain layer should test a hypothesis (methods and keys: docs/case-format.md).

    ``method``, ``expect`` and the keys each method needs are checked against the explain-method
    registry (:mod:`bilateral.registry.methods`). ``side`` is the sign the claim is about: for
    ``break_at`` the break's, for a null expectation (``flat``, ``no_break`` …) the departure that
    would contradict it. ``directness`` maps a tested series to ``[direct|proxy, reason]``: how
    directly it measures the claim (series not listed take their family's default).
    """

    method: str
    series: list[str] = Field(min_length=1)
    expect: str
    supports: str
    contradicts: str
    freq: Literal["M", "Q", "Y"] = "Y"
    between: tuple[date, date] | None = None
    groups: Literal["leaders", "periods"] | None = None
    compare: list[str] | None = None
    target: list[str] | None = None
    event: list[str] | None = None
    window: int | None = Field(default=None, ge=1)
    at: list[str] | None = None
    predictors: list[str] | None = None
    side: Literal["up", "down", "either"] = "either"
    directness: dict[str, tuple[Literal["direct", "proxy"], str]] = {}

    _lists = field_validator("series", "compare", "target", "event", "at", "predictors",
                             mode="before")(_as_list)

    @field_validator("event", "at", mode="before")
    @classmethod
    def _dates_as_text(cls, value: Any) -> Any:
        value = _as_list(value)
        return [v.isoformat() if isinstance(v, date) else v for v in value or []] or value

    @field_validator("method")
    @classmethod
    def _known_method(cls, name: str) -> str:
        try:
            method_registry.method(name)
        except BilateralError as err:
            raise ValueError(str(err)) from None
        return name

    @field_validator("series", "predictors")
    @classmethod
    def _known_series(cls, refs: list[str] | None) -> list[str] | None:
        for ref in refs or []:
            parse_series_ref(ref)
        return refs

    @model_validator(mode="after")
    def _method_keys(self) -> TestSpec:
        entry = method_registry.method(self.method)
        missing = [key for key in entry.required if getattr(self, key) in (None, [])]
        if missing:
            raise ValueError(f"method {self.method!r} needs {', '.join(missing)}")
        try:
            entry.expectation(self.expect)
        except BilateralError as err:
            raise ValueError(str(err)) from None
        if self.compare is not None and len(self.compare) < 2:
            raise ValueError("compare needs two or more group ids")
        stray = sorted(set(self.directness) - set(self.series))
        if stray:
            raise ValueError(f"directness names {', '.join(stray)}, not in series: give one entry per tested series")
        return self


class Hypothesis(Cited):
    id: str = Field(pattern=r"^H\d{2,}$")
    claim: str
    factors: list[str] = []
    test: TestSpec


class Anchor(Cited):
    position: float
    label: str
    description: str


class Scale(Record):
    name: str
    unit: str
    min: float
    max: float
    status_quo: float
    anchors: list[Anchor] = Field(min_length=2)

    @model_validator(mode="after")
    def _inside(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"max {self.max} must be above min {self.min}")
        for value in [self.status_quo, *(a.position for a in self.anchors)]:
            if not self.min <= value <= self.max:
                raise ValueError(f"position {value} is outside the scale {self.min}–{self.max}")
        return self


class Stakeholder(Cited):
    actor: str
    position: float
    position_low: float
    position_high: float
    salience: Unit
    salience_low: Unit
    salience_high: Unit
    capability: Unit
    capability_low: Unit
    capability_high: Unit
    veto: bool
    level: Literal["international", "domestic"]
    state: str | None = None
    rationale: str

    @field_validator("state", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return value or None

    @field_validator("position_high", "salience_high", "capability_high")
    @classmethod
    def _range_holds_value(cls, high: float, info: ValidationInfo) -> float:
        name = info.field_name.removesuffix("_high")
        low, value = info.data.get(f"{name}_low"), info.data.get(name)
        if low is not None and value is not None and not low <= value <= high:
            raise ValueError(f"{name} {value:g} is outside its range {low:g}–{high:g}")
        return high


class Change(Record):
    actor: str
    field: Literal["position", "salience", "capability", "veto"]
    set: float | bool | None = None
    add: float | None = None
    scale: float | None = None

    @model_validator(mode="after")
    def _one_op(self) -> Change:
        ops = [op for op in ("set", "add", "scale") if getattr(self, op) is not None]
        if len(ops) != 1:
            raise ValueError("give exactly one of set, add or scale")
        if self.field == "veto" and ops != ["set"]:
            raise ValueError("veto takes set: true or set: false")
        return self


class FactorSwitch(Record):
    factor: str
    set: Literal["on", "off", "stronger", "weaker"]

    @field_validator("set", mode="before")
    @classmethod
    def _yaml_bools(cls, value: Any) -> Any:
        return {True: "on", False: "off"}.get(value, value) if isinstance(value, bool) else value


class Scenario(Cited):
    id: Id
    name: str
    description: str
    changes: list[Change] = []
    factors: list[FactorSwitch] = []
