"""Errors raised for user mistakes: each names where the problem is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


class BilateralError(Exception):
    """A mistake in the user's input. The CLI prints it without a traceback and exits with 2."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in an input file: ``file:line: field: what — fix``."""

    file: str
    line: int
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message} — {self.fix}"


class CaseError(BilateralError):
    """A case folder has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"{len(self.problems)} {noun} in the case:"] + [str(p) for p in self.problems]
        super().__init__("\n".join(lines))
