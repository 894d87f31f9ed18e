"""GDELT's event files, from the lists GDELT publishes beside them.

- **GDELT 1.0** (``{base}/events/``): yearly backfiles ``YYYY.zip`` (1979–2005), monthly
  ``YYYYMM.zip`` (2006 – March 2013) and daily ``YYYYMMDD.export.CSV.zip`` (from April 2013).
  ``md5sums`` lists ``<md5>  <name>`` (the ``md5sum`` format) and ``filesizes`` lists
  ``<bytes> <name>``, one file a line.
- **GDELT 2.0** (``{base}/gdeltv2/masterfilelist.txt``): one line per 15-minute file,
  ``<bytes> <md5> <url>``; the event exports are ``YYYYMMDDHHMMSS.export.CSV.zip`` (the
  mentions and GKG files beside them are not pulled). The list names the original host; a
  mirror (``--base-url``) is asked for the same paths.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import requests

from bilateral.data.archives.base import Period, Remote, on_base, safe_name
from bilateral.data.pull import CHUNK, get
from bilateral.errors import BilateralError

ENV_VAR = "BILATERAL_GDELT_URL"
GDELT = "http://data.gdeltproject.org"
_MD5 = re.compile(r"[0-9a-fA-F]{32}")


def _text(url: str, what: str) -> Iterator[str]:
    """The lines of a published list, streamed (the master file list has millions); a missing or
    unreachable list is a :class:`BilateralError`."""
    with get(url, stream=True) as response:
        if response.status_code >= 400:
            raise BilateralError(f"{url}: HTTP {response.status_code} {response.reason} — GDELT's {what} is not "
                                 f"there; check the address ({ENV_VAR} or --base-url)")
        try:
            for line in response.iter_lines(CHUNK):
                yield line.decode("utf-8", "replace")
        except requests.RequestException as err:
            raise BilateralError(f"{url}: the {what} stopped arriving ({type(err).__name__}) — pull again") from None


def _v1_coverage(name: str) -> tuple[date, date] | None:
    """Days covered by a GDELT 1.0 file name; ``None`` for other files (e.g. the reduced master file)."""
    try:
        if match := re.fullmatch(r"(\d{4})\.zip", name):
            year = int(match[1])
            return date(year, 1, 1), date(year, 12, 31)
        if match := re.fullmatch(r"(\d{4})(\d{2})\.zip", name):
            year, month = int(match[1]), int(match[2])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if match := re.fullmatch(r"(\d{8})\.export\.CSV\.zip", name):
            day = date.fromisoformat(match[1])
            return day, day
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class Gdelt1Archive:
    """GDELT 1.0 events: backfiles and daily files listed by ``md5sums`` and ``filesizes``."""

    name: str = "gdelt1"
    title: str = "GDELT 1.0 Event Database (1979 backfiles and daily files)"
    folder: str = "gdelt1"
    env_var: str = ENV_VAR
    default_url: str = GDELT

    def files(self, base: str, when: Period) -> list[Remote]:
        """The files covering ``when``, each with the MD5 and size GDELT lists for it."""
        sums_url, sizes_url = f"{base}/events/md5sums", f"{base}/events/filesizes"
        sums: dict[str, str] = {}
        for number, line in enumerate(_text(sums_url, "md5sums list"), 1):
            parts = line.split()
            if len(parts) == 2 and _MD5.fullmatch(parts[0]):
                sums[parts[1].lstrip("*")] = parts[0].lower()
            elif line.strip():
                raise BilateralError(f"{sums_url}:{number}: not '<md5>  <file>' ({line[:80]!r}) — the list is "
                                     "damaged or not GDELT's; check the address and pull again")
        sizes: dict[str, int] = {}
        for number, line in enumerate(_text(sizes_url, "filesizes list"), 1):
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit():
                sizes[parts[1]] = int(parts[0])
            elif line.strip():
                raise BilateralError(f"{sizes_url}:{number}: not '<bytes> <file>' ({line[:80]!r}) — the list is "
                                     "damaged or not GDELT's; check the address and pull again")
        remotes = []
        for name, md5 in sums.items():
            span = _v1_coverage(name)
            if span and when.meets(*span):
                remotes.append(Remote(safe_name(name, sums_url), f"{base}/events/{name}", sizes.get(name),
                                      f"md5:{md5}", *span))
        return sorted(remotes, key=lambda r: (r.first, r.name))


@dataclass(frozen=True)
class Gdelt2Archive:
    """GDELT 2.0 event exports, every 15 minutes, listed with size and MD5 in the master file list."""

    name: str = "gdelt2"
    title: str = "GDELT 2.0 Event Database (15-minute exports, from February 2015)"
    folder: str = "gdelt2"
    env_var: str = ENV_VAR
    default_url: str = GDELT

    def files(self, base: str, when: Period) -> list[Remote]:
        """The event exports whose 15-minute stamp falls in ``when``, with their listed size and MD5."""
        url = f"{base}/gdeltv2/masterfilelist.txt"
        remotes = []
        for number, line in enumerate(_text(url, "master file list"), 1):
            parts = line.split()
            if not parts:
                continue
            name = urlsplit(parts[-1]).path.rsplit("/", 1)[-1]
            match = re.fullmatch(r"(\d{8})\d{6}\.export\.CSV\.zip", name)
            if not match:
                continue
            try:
                day = date.fromisoformat(match[1])
            except ValueError:
                continue
            if not when.meets(day, day):
                continue
            if len(parts) != 3 or not parts[0].isdigit() or not _MD5.fullmatch(parts[1]):
                raise BilateralError(f"{url}:{number}: no '<bytes> <md5> <url>' for {name} ({line[:100]!r}) — "
                                     "the list is damaged there; pull again later, or leave that day out")
            remotes.append(Remote(safe_name(name, url), on_base(parts[2], base), int(parts[0]),
                                  f"md5:{parts[1].lower()}", day, day))
        return sorted(remotes, key=lambda r: r.name)
