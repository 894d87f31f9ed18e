"""Dates of sentences: explicit dates, months, years, decades, relative phrases, the document's date.

A :class:`DateTracker` reads a document's sentences in order. An explicit date in a sentence
(``7 February 1855``, ``September 1992``, ``in 1956``) dates it and becomes the anchor; a relative
phrase (``three years later``, ``the following year``, ``two years ago``) moves from the anchor;
a sentence with neither takes the anchor with precision ``approx``, or the document's own date.
Dates are written as the case's ``events.csv`` wants them: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


def _words(text: str) -> list[str]:
    return text.split()

MONTHS = {name: i + 1 for i, name in enumerate(
    _words("january february march april may june july august september october november december"))}
MONTHS.update({name[:3]: number for name, number in list(MONTHS.items())} | {"sept": 9})
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>1[6-9]\d\d|20\d\d)"
_NUMBERS = {w: i for i, w in enumerate(_words("zero one two three four five six seven eight nine ten eleven twelve"))}

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(r"\b" + _YEAR + r"-(?P<m>\d\d)-(?P<day>\d\d)\b")),
    ("day_month_year", re.compile(r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)? " + _MONTH + r",? " + _YEAR + r"\b", re.I)),
    ("month_day_year", re.compile(r"\b" + _MONTH + r" (?P<day>[0-3]?\d)(?:st|nd|rd|th)?, " + _YEAR + r"\b", re.I)),
    ("month_year", re.compile(r"\b" + _MONTH + r",? (?:of )?" + _YEAR + r"\b", re.I)),
    ("decade", re.compile(r"\b(?:the )?" + r"(?P<year>1[6-9]\d0|20\d0)['’]?s\b")),
    ("year", re.compile(r"(?<![\d/.-])" + _YEAR + r"(?![\d/%]|\.\d| (?:km|tons|people|troops|yen|dollars))")),
)
"""Explicit date patterns, most precise first."""

RELATIVE = re.compile(r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2}) "
                      r"(?P<unit>years?|months?|decades?) (?P<dir>later|after|afterwards|ago|earlier|before)\b"
                      r"|\b(?:the )?(?P<adj>following|next|previous|preceding|same) (?P<unit2>year|month)\b", re.I)
"""Relative dates, counted from the anchor (``ago`` from the document's date when it has one)."""


@dataclass(frozen=True)
class Dated:
    """A sentence's date as written in ``events.csv``, its precision and the rule that found it."""

    date: str
    precision: str
    rule: str

    @property
    def day(self) -> date:
        parts = [int(p) for p in self.date.split("-")]
        return date(parts[0], *(parts[1:] + [1] * (3 - len(parts))))


def _write(year: int, month: int | None = None, day: int | None = None) -> str:
    if day is not None and month is not None:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}" if month is not None else f"{year:04d}"


class DateTracker:
    """Dates a document's sentences in reading order (see the module docstring)."""

    def __init__(self, document_date: date | None = None):
        self.document_date = document_date
        self.anchor: tuple[int, int | None, int | None] | None = None

    def explicit(self, text: str) -> tuple[Dated, tuple[int, int]] | None:
        """The first, most precise explicit date in ``text`` and its span, without moving the anchor."""
        found = self.all_explicit(text)
        return found[0] if found else None

    def all_explicit(self, text: str) -> list[tuple[Dated, tuple[int, int]]]:
        """Every explicit date in ``text`` with its span, left to right; where patterns overlap the
        most precise wins."""
        found: list[tuple[Dated, tuple[int, int]]] = []
        for rule, pattern in PATTERNS:
            for match in pattern.finditer(text):
                if any(a < match.end() and match.start() < b for _, (a, b) in found):
                    continue
                parts = match.groupdict()
                year = int(parts["year"])
                month = MONTHS[parts["month"].lower().rstrip(".")] if parts.get("month") else (
                    int(parts["m"]) if parts.get("m") else None)
                day = int(parts["day"]) if parts.get("day") else None
                try:
                    date(year, month or 1, day or 1)
                except ValueError:
                    continue
                precision = "day" if day else "month" if month else "approx" if rule == "decade" else "year"
                found.append((Dated(_write(year, month, day), precision, rule), match.span()))
        return sorted(found, key=lambda item: item[1])

    def nearest(self, text: str, position: int) -> Dated | None:
        """When ``text`` has several explicit dates, the one belonging to the trigger at ``position``:
        the first after it in the same clause (no comma or semicolon between), else the last before it
        in the same clause, else the nearest. It becomes the anchor; ``None`` with fewer than two."""
        found = self.all_explicit(text)
        if len(found) < 2:
            return None
        after = [d for d, (a, _) in found if a >= position and not re.search(r"[,;]", text[position:a])]
        before = [d for d, (_, b) in found if b <= position and not re.search(r"[,;]", text[b:position])]
        dated = (after[:1] or before[-1:] or [min(found, key=lambda item: min(abs(item[1][0] - position),
                                                                                abs(item[1][1] - position)))[0]])[0]
        self._anchor_at(dated)
        return dated

    def _anchor_at(self, dated: Dated) -> None:
        parts = [int(p) for p in dated.date.split("-")]
        self.anchor = (parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None)

    def date(self, text: str) -> Dated | None:
        """Date ``text`` (one sentence) and move the anchor."""
        found = self.explicit(text)
        relative = RELATIVE.search(text)
        if found is not None and (relative is None or found[1][0] < relative.start()):
            self._anchor_at(found[0])
            return found[0]
        if relative is not None:
            moved = self._relative(relative)
            if moved is not None:
                return moved
        if self.anchor is not None:
            return Dated(_write(self.anchor[0]), "approx", "anchor")
        if self.document_date is not None:
            return Dated(self.document_date.isoformat(), "day", "document")
        return None

    def _relative(self, match: re.Match[str]) -> Dated | None:
        if match.group("adj"):
            step = {"following": 1, "next": 1, "previous": -1, "preceding": -1, "same": 0}[match.group("adj").lower()]
            unit = match.group("unit2").lower()
        else:
            word = match.group("n").lower()
            step = int(word) if word.isdigit() else _NUMBERS.get(word, 1)
            unit = match.group("unit").lower().rstrip("s")
            step *= -1 if match.group("dir").lower() in ("ago", "earlier", "before") else 1
            if unit == "decade":
                unit, step = "year", step * 10
        base = self.anchor
        if (match.group("dir") or "").lower() == "ago" and self.document_date is not None:
            base = (self.document_date.year, self.document_date.month, self.document_date.day)
        if base is None:
            return None
        year, month, _ = base
        if unit == "month" and month is not None:
            total = year * 12 + month - 1 + step
            self.anchor = (total // 12, total % 12 + 1, None)
            return Dated(_write(*self.anchor[:2]), "approx", "relative")
        self.anchor = (year + step, None, None)
        return Dated(_write(year + step), "approx", "relative")
