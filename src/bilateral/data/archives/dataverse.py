"""Event archives on a Dataverse (ICEWS, POLECAT) through its native API.

``GET {base}/api/datasets/:persistentId/?persistentId={doi}`` answers ``{"status": "OK", "data":
{"latestVersion": {"files": [...]}}}``; each file has a ``label`` and a ``dataFile`` with its
``id``, ``filesize`` and ``checksum`` (``{"type": "MD5", "value": …}``). A tabular file Dataverse
ingested also names ``originalFileName``, ``originalFileSize`` and ``originalFileFormat``: its
checksum is that of the original upload, so it is fetched as
``{base}/api/access/datafile/{id}?format=original``; other files as ``…/datafile/{id}``.

Which files hold events, and the days each covers, is read from the file's label (or original
name) with the archive's pattern (e.g. ``events.2018.20200427084805.tab`` covers 2018); other
files (codebooks, documentation) are not pulled. A file is saved under its original name.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from bilateral.data.archives.base import Period, Remote, safe_name
from bilateral.data.pull import get
from bilateral.errors import BilateralError

ENV_VAR = "BILATERAL_DATAVERSE_URL"
HARVARD = "https://dataverse.harvard.edu"
CHECKSUMS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-512": "sha512"}
"""Dataverse's checksum types → hashlib (pooch) names."""


def coverage(name: str, pattern: re.Pattern[str]) -> tuple[date, date] | None:
    """The days a file covers, from its name: group ``day`` (YYYYMMDD or YYYY-MM-DD), ``month``
    (YYYYMM) or ``year``; ``None`` when the name does not match (not an event file)."""
    match = pattern.search(name)
    if not match:
        return None
    found = {k: v for k, v in match.groupdict().items() if v}
    try:
        if "day" in found:
            day = date.fromisoformat(found["day"].replace("-", "")[:8])
            return day, day
        if "month" in found:
            year, month = int(found["month"][:4]), int(found["month"][4:6])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if "year" in found:
            year = int(found["year"])
            return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class DataverseArchive:
    """A Dataverse dataset of event files: its DOI, the folder its files go to, the file-name pattern."""

    name: str
    title: str
    doi: str
    folder: str
    pattern: re.Pattern[str]
    env_var: str = ENV_VAR
    default_url: str = HARVARD

    def listing_url(self, base: str) -> str:
        return f"{base}/api/datasets/:persistentId/?persistentId={quote(self.doi, safe=':/')}"

    def files(self, base: str, when: Period) -> list[Remote]:
        """The event files of the dataset's latest version covering ``when``, with the checksum
        Dataverse publishes for each."""
        url = self.listing_url(base)
        response = get(url)
        with response:
            if response.status_code >= 400:
                raise BilateralError(f"{url}: HTTP {response.status_code} {response.reason} — no dataset "
                                     f"{self.doi} there; check the Dataverse address ({self.env_var} or --base-url)")
            try:
                body = response.json()
            except ValueError:
                raise BilateralError(f"{url}: the answer is not JSON — is {base} a Dataverse? Set "
                                     f"{self.env_var} or --base-url to one") from None
        try:
            entries = body["data"]["latestVersion"]["files"]
        except (KeyError, TypeError):
            raise BilateralError(f"{url}: the JSON has no data.latestVersion.files (status "
                                 f"{body.get('status') if isinstance(body, dict) else '?'}) — not a "
                                 "Dataverse dataset answer; check the address") from None
        remotes = []
        for k, entry in enumerate(entries):
            remote = self._remote(entry, base, f"{url} files[{k}]")
            if remote is not None and when.meets(remote.first, remote.last):
                remotes.append(remote)
        return sorted(remotes, key=lambda r: (r.first, r.name))

    def _remote(self, entry: dict, base: str, where: str) -> Remote | None:
        data = entry.get("dataFile") or {}
        original = bool(data.get("originalFileFormat"))
        label = str(entry.get("label") or data.get("filename") or "")
        name = str(data.get("originalFileName") or label) if original else label
        span = coverage(label, self.pattern) or coverage(name, self.pattern)
        if span is None:
            return None
        name = safe_name(name, where)
        checksum = data.get("checksum") or ({"type": "MD5", "value": data["md5"]} if data.get("md5") else None)
        if not checksum or checksum.get("type") not in CHECKSUMS or not checksum.get("value"):
            raise BilateralError(f"{where}: {name} has no checksum of a known type ({checksum!r}) — the pull "
                                 f"cannot verify it; known types: {', '.join(CHECKSUMS)}")
        if "id" not in data:
            raise BilateralError(f"{where}: {name} has no dataFile.id — the listing is damaged; pull again")
        size = data.get("originalFileSize") if original else data.get("filesize")
        url = f"{base}/api/access/datafile/{data['id']}" + ("?format=original" if original else "")
        return Remote(name, url, int(size) if size is not None else None,
                      f"{CHECKSUMS[checksum['type']]}:{checksum['value'].lower()}", *span)


ICEWS = DataverseArchive(
    name="icews", title="ICEWS Coded Event Data, yearly files (Boschee et al.)", doi="doi:10.7910/DVN/28075",
    folder="icews", pattern=re.compile(r"^events\.(?P<year>\d{4})\.")
)
ICEWS_DAILY = DataverseArchive(
    name="icews-daily", title="ICEWS daily-update files, from October 2018", doi="doi:10.7910/DVN/QI2T9A",
    folder="icews-daily", pattern=re.compile(r"^(?P<day>\d{8})-icews-events")
)
POLECAT = DataverseArchive(
    name="polecat", title="POLECAT Weekly Data (PLOVER-coded)", doi="doi:10.7910/DVN/AJGVIT", folder="polecat",
    pattern=re.compile(r"^ngecEvents\D*?(?:(?P<day>\d{4}-\d{2}-\d{2}|\d{8})|(?P<month>\d{6})|(?P<year>\d{4}))(?!\d)")
)
