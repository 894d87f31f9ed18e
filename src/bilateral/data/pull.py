"""``bilateral data pull``: download catalogued files with progress, sha256 checks and resume.

Each file is downloaded to ``<file>.part`` beside its target. An interrupted download keeps the
``.part`` file and the next pull asks the server for the rest with an HTTP ``Range`` request. A
finished download is checked against the catalogue's sha256: on a match it is renamed onto the
target in one atomic step (``os.replace``); on a mismatch it is deleted and the pull fails, so a
corrupt file never takes a target's place.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from urllib.parse import quote

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from bilateral.data.catalog import DataFile, dataset, datasets, sha256_file
from bilateral.data.paths import data_dir
from bilateral.errors import BilateralError

CHUNK = 1 << 16
TIMEOUT = 60


class ChecksumError(BilateralError):
    """A downloaded file's sha256 differs from the catalogue; the download was deleted."""


@dataclass(frozen=True)
class Pulled:
    """What happened to one file: ``present`` (already verified), ``downloaded`` or ``resumed``."""

    path: str
    status: str
    bytes: int


def _url(entry: DataFile, base_url: str | None) -> str:
    if base_url:
        return base_url.rstrip("/") + "/" + quote(entry.path)
    return entry.url


def _open(url: str, offset: int):
    headers = {"User-Agent": "bilateral-data-pull"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=TIMEOUT)


def _download(entry: DataFile, url: str, part: Path, advance) -> str:
    """Fetch ``url`` into ``part`` (resuming it when it exists); return downloaded/resumed."""
    offset = part.stat().st_size if part.exists() else 0
    if offset >= entry.size:  # a complete partial file that failed its check, or an over-long one
        part.unlink()
        advance(-offset)
        offset = 0
    try:
        response = _open(url, offset)
    except urllib.error.HTTPError as err:
        if err.code == 416 and offset:  # the server has fewer bytes than the partial file
            part.unlink()
            advance(-offset)
            return _download(entry, url, part, advance)
        raise BilateralError(f"{url}: HTTP {err.code} {err.reason} — check the address "
                             "(or --base-url) and try again") from None
    except (urllib.error.URLError, OSError) as err:
        raise BilateralError(f"cannot reach {url} ({getattr(err, 'reason', err)}) — check the "
                             "network or --base-url; nothing was written") from None
    resumed = offset > 0 and response.status == 206
    if offset and not resumed:  # the server ignored the Range header: start from the beginning
        advance(-offset)
        offset = 0
    written = offset
    try:
        with response, part.open("ab" if resumed else "wb") as out:
            while block := response.read(CHUNK):
                out.write(block)
                written += len(block)
                advance(len(block))
    except (OSError, HTTPException) as err:
        raise BilateralError(
            f"download of {entry.path} from {url} stopped after {written} of {entry.size} bytes "
            f"({type(err).__name__}); the partial file {part} was kept — run the same pull again "
            "to resume"
        ) from None
    return "resumed" if resumed else "downloaded"


def pull_file(entry: DataFile, root: Path, base_url: str | None = None,
              advance=lambda n: None) -> Pulled:
    """Make ``root/entry.path`` hold the catalogued file, downloading only what is needed."""
    target = root / entry.path
    if target.is_file() and target.stat().st_size == entry.size and sha256_file(target) == entry.sha256:
        advance(entry.size)
        return Pulled(entry.path, "present", 0)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    url = _url(entry, base_url)
    if part.exists():
        advance(part.stat().st_size)
    if part.exists() and part.stat().st_size == entry.size and sha256_file(part) == entry.sha256:
        how = "resumed"  # finished earlier but never moved into place
    else:
        how = _download(entry, url, part, advance)
    if part.stat().st_size < entry.size:
        raise BilateralError(
            f"download of {entry.path} from {url} stopped after {part.stat().st_size} of "
            f"{entry.size} bytes; the partial file {part} was kept — run the same pull again to resume"
        )
    got = sha256_file(part)
    if got != entry.sha256:
        part.unlink()
        raise ChecksumError(
            f"{entry.path}: sha256 mismatch — expected {entry.sha256}, got {got} from {url}. The "
            f"corrupt download was deleted and {target} was left as it was; pull again, or check "
            "that the source (or --base-url) serves the catalogued file"
        )
    os.replace(part, target)
    return Pulled(entry.path, how, entry.size)


def pull(names: Iterable[str] | None = None, *, base_url: str | None = None,
         root: Path | None = None, quiet: bool = False) -> list[Pulled]:
    """Download the named datasets (all when none) into the data directory.

    ``base_url`` replaces the original public URLs with a mirror that has the data directory's
    layout (e.g. ``http://127.0.0.1:8000`` serving a copy of ``../shared/data``).
    """
    chosen = [dataset(n) for n in names] if names else list(datasets().values())
    base = root if root is not None else data_dir()
    entries = [f for ds in chosen for f in ds.files]
    results: list[Pulled] = []
    console = Console(stderr=True, quiet=quiet)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("pull", total=sum(f.size for f in entries))
        for entry in entries:
            progress.update(task, description=entry.path)
            results.append(pull_file(entry, base, base_url,
                                     lambda n: progress.advance(task, n)))
    return results
