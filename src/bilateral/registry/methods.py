"""The explain methods a hypothesis may name: their required test keys and their expectations.

Read from ``methods.yaml`` beside this module, so the case validator (``bilateral.case``) and the
explain engine share one vocabulary without the case package importing ``explain``.

    from bilateral.registry import methods
    methods.method("trend").expectations["flat"].direction    # 0: a null expectation
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import yaml

from bilateral.errors import BilateralError

FILE = "methods.yaml"
DIRECTIONS = (-1, 0, 1)


@dataclass(frozen=True)
class Expectation:
    """What a test's ``expect`` may say: +1/−1 for an effect in that direction, 0 for no effect."""

    name: str
    direction: int
    meaning: str

    @property
    def null(self) -> bool:
        """True for a null expectation (no change, no effect, decoupled …)."""
        return self.direction == 0


@dataclass(frozen=True)
class MethodSpec:
    """One explain method: the test keys it needs and the expectations it can judge."""

    name: str
    required: tuple[str, ...]
    expectations: dict[str, Expectation]

    def expectation(self, name: str) -> Expectation:
        """The expectation called ``name``; a ``BilateralError`` listing this method's choices if none."""
        try:
            return self.expectations[name]
        except KeyError:
            choices = " or ".join(self.expectations)
            raise BilateralError(f"expect {name!r} does not fit {self.name!r}: use {choices}") from None


def _entry(name: str, data: Any) -> MethodSpec:
    where = f"{FILE}: method {name!r}"
    if not isinstance(data, dict) or set(data) != {"required", "expectations"}:
        raise BilateralError(f"{where}: give exactly the keys required and expectations")
    required, given = data["required"], data["expectations"]
    if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
        raise BilateralError(f"{where}: required must be a list of test keys")
    if not isinstance(given, dict) or not given:
        raise BilateralError(f"{where}: expectations must map each expectation to its direction and meaning")
    expectations = {}
    for key, value in given.items():
        if not isinstance(value, dict) or value.get("direction") not in DIRECTIONS or not value.get("meaning"):
            raise BilateralError(f"{where}: expectation {key!r} needs direction (-1, 0 or 1) and a meaning")
        expectations[key] = Expectation(key, int(value["direction"]), str(value["meaning"]))
    return MethodSpec(name, tuple(required), expectations)


def load(text: str) -> dict[str, MethodSpec]:
    """Parse the YAML text of a methods registry (the layout of ``methods.yaml``)."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not data:
        raise BilateralError(f"{FILE}: expected a mapping of method names to their entries")
    return {name: _entry(name, entry) for name, entry in data.items()}


METHODS: dict[str, MethodSpec] = load(files(__package__).joinpath(FILE).read_text(encoding="utf-8"))


def method(name: str) -> MethodSpec:
    """The registry entry of method ``name``; a ``BilateralError`` listing the methods if unknown."""
    try:
        return METHODS[name]
    except KeyError:
        raise BilateralError(f"unknown method {name!r}: use one of {', '.join(METHODS)}") from None
