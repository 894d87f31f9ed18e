"""What every event archive shares: a period to pull, the files an archive lists, where they go.

An archive lists its files with the checksum it publishes for each (:class:`Remote`); a pull
keeps those whose coverage meets the period asked for (:class:`Period`) and writes them under
``events/<folder>/`` in the data directory, the layout of ``../shared/data/events/``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from bilateral.errors import BilateralError


@dataclass(frozen=True)
class Period:
    """Days ``first`` to ``last``, both included."""

    first: date
    last: date

    def __str__(self) -> str:
        if (self.first.month, self.first.day, self.last.month, self.last.day) == (1, 1, 12, 31):
            years = str(self.first.year)
            return years if self.first.year == self.last.year else f"{years}–{self.last.year}"
        return f"{self.first.isoformat()} to {self.last.isoformat()}"

    def meets(self, first: date, last: date) -> bool:
        """Whether ``first``…``last`` shares a day with this period."""
        return first <= self.last and last >= self.first


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BilateralError(f"{what} {text!r} is not a date — write it as YYYY-MM-DD, e.g. 2018-10-04") from None


def period(years: str | None = None, start: str | None = None, end: str | None = None) -> Period:
    """The period of ``--years A:B`` (or one year ``A``), or of ``--from``/``--to`` (ISO dates).

    Exactly one of the two forms must be given; ``--to`` defaults to ``--from`` (one day).
    """
    if years and (start or end):
        raise BilateralError("give either --years or --from/--to, not both")
    if years:
        match = re.fullmatch(r"\s*(\d{4})\s*(?::\s*(\d{4})\s*)?", years)
        if not match:
            raise BilateralError(f"--years {years!r}: write one year (2018) or a range FIRST:LAST (2018:2019)")
        first, last = int(match[1]), int(match[2] or match[1])
        if last < first:
            raise BilateralError(f"--years {years!r}: the last year comes before the first — write {last}:{first}")
        return Period(date(first, 1, 1), date(last, 12, 31))
    if not start:
        raise BilateralError("say which events to pull: --years 2018:2019, or --from 2018-10-01 [--to 2018-10-31]")
    first = _day(start, "--from")
    last = _day(end, "--to") if end else first
    if last < first:
        raise BilateralError(f"--to {last} comes before --from {first} — swap them")
    return Period(first, last)


@dataclass(frozen=True)
class Remote:
    """One file an archive publishes: its name, where to get it, its size and checksum, what it covers.

    ``checksum`` is in pooch's form (``md5:…``, ``sha256:…``); ``size`` is ``None`` when the
    archive publishes none.
    """

    name: str
    url: str
    size: int | None
    checksum: str
    first: date
    last: date


def safe_name(name: str, source: str) -> str:
    """``name`` as a plain file name; one with a folder or ``..`` in it is a :class:`BilateralError`."""
    if not name or PurePosixPath(name).name != name or name in (".", "..") or "\\" in name:
        raise BilateralError(f"{source}: the file name {name!r} is not a plain file name — the listing is "
                             "damaged or not from the archive; check the base URL")
    return name


def base_url(option: str | None, env_var: str, default: str) -> str:
    """The archive's address: the option, else ``$env_var``, else the original public one."""
    return (option or os.environ.get(env_var, "").strip() or default).rstrip("/")


def on_base(url: str, base: str) -> str:
    """``url``'s path on ``base`` (file lists name the original host; a mirror serves the same paths)."""
    parts = urlsplit(url)
    return base + parts.path + (f"?{parts.query}" if parts.query else "")
