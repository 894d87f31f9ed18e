"""``bilateral data pull``: download catalogued files with pooch — sha256 checks, resume, progress.

The catalogue (``catalog_files.csv``) is a pooch registry: each file's path in the data directory,
its sha256 and its original public URL. :meth:`pooch.Pooch.fetch` skips a file already present
with the right hash, and checks every download before moving it onto its target, so a corrupt
download never takes a target's place (pooch deletes it and raises).

Pooch's own HTTP downloader starts over after an interruption; :class:`ResumingDownloader` is a
pooch downloader that keeps ``<file>.part`` beside the target and asks the server for the rest
with an HTTP ``Range`` request on the next pull.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pooch
import requests
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from bilateral.data.catalog import DataFile, dataset, datasets
from bilateral.data.paths import data_dir
from bilateral.errors import BilateralError

CHUNK = 1 << 16
TIMEOUT = 60
pooch.get_logger().setLevel(logging.WARNING)  # the progress bar says what is fetched


class ChecksumError(BilateralError):
    """A downloaded file's sha256 differs from the catalogue; the download was deleted."""


@dataclass(frozen=True)
class Pulled:
    """What happened to one file: ``present`` (already verified), ``downloaded`` or ``resumed``."""

    path: str
    status: str
    bytes: int


def registry(entries: Iterable[DataFile], root: Path, base_url: str | None = None) -> pooch.Pooch:
    """A pooch over ``root`` for the given catalogue files (URLs under ``base_url`` when given)."""
    entries = list(entries)
    urls = {f.path: base_url.rstrip("/") + "/" + quote(f.path) if base_url else f.url for f in entries}
    return pooch.create(path=root, base_url="", registry={f.path: f"sha256:{f.sha256}" for f in entries},
                        urls=urls)


class ResumingDownloader:
    """A pooch downloader that resumes an interrupted download of one catalogue file.

    Bytes go to ``<target>.part``; a ``.part`` file left by an earlier pull is continued with
    ``Range: bytes=N-`` (restarted when the server ignores the range, or has fewer bytes). When
    the ``.part`` file is complete it is moved onto the temporary file pooch checks. ``status``
    becomes ``downloaded`` or ``resumed``.
    """

    def __init__(self, entry: DataFile, target: Path, advance: Callable[[int], object]):
        self.entry, self.part, self.advance = entry, target.with_name(target.name + ".part"), advance
        self.status = ""

    def __call__(self, url: str, output_file: str, pooch_: pooch.Pooch | None = None) -> None:
        part, size = self.part, self.entry.size
        offset = part.stat().st_size if part.exists() else 0
        if offset > size:
            part.unlink()
            offset = 0
        self.advance(offset)
        if offset < size:
            offset = self._fetch(url, offset)
        self.status = self.status or ("resumed" if offset else "downloaded")
        part.replace(output_file)

    def _fetch(self, url: str, offset: int) -> int:
        """Stream ``url`` into the ``.part`` file from ``offset``; return the offset it resumed from."""
        headers = {"User-Agent": "bilateral-data-pull", **({"Range": f"bytes={offset}-"} if offset else {})}
        try:
            response = requests.get(url, headers=headers, stream=True, timeout=TIMEOUT)
        except requests.RequestException as err:
            raise BilateralError(f"cannot reach {url} ({type(err).__name__}) — check the network or the "
                                 "mirror's address; nothing was written") from None
        with response:
            if response.status_code == 416 and offset:  # the server has fewer bytes than the .part file
                self.part.unlink()
                self.advance(-offset)
                return self._fetch(url, 0)
            if response.status_code >= 400:
                raise BilateralError(f"{url}: HTTP {response.status_code} {response.reason} — check the "
                                     "address (or the mirror's base URL) and try again")
            if offset and response.status_code != 206:  # the range was ignored: start again
                self.advance(-offset)
                offset = 0
            written, reason = offset, "the server closed the connection"
            try:
                with self.part.open("ab" if offset else "wb") as out:
                    for block in response.iter_content(CHUNK):
                        out.write(block)
                        written += len(block)
                        self.advance(len(block))
            except (OSError, requests.RequestException) as err:
                reason = type(err).__name__
        if written < self.entry.size:
            raise BilateralError(
                f"download of {self.entry.path} from {url} stopped after {written} of {self.entry.size} "
                f"bytes ({reason}); the partial file {self.part} was kept — run the same pull again to resume")
        return offset


def pull_file(entry: DataFile, root: Path, base_url: str | None = None,
              advance: Callable[[int], object] = lambda n: None) -> Pulled:
    """Make ``root/entry.path`` hold the catalogued file, downloading only what is needed."""
    target = root / entry.path
    downloader = ResumingDownloader(entry, target, advance)
    fetcher = registry([entry], root, base_url)
    try:
        fetcher.fetch(entry.path, downloader=downloader)
    except ValueError as err:  # pooch: the download's hash differs from the registry's
        got = re.search(r"but got (\w+)", str(err))
        raise ChecksumError(
            f"{entry.path}: sha256 mismatch — expected {entry.sha256}, got {got[1] if got else 'another'} "
            f"from {fetcher.get_url(entry.path)}. The corrupt download was deleted and {target} was left as "
            "it was; pull again, or check that the source serves the catalogued file") from None
    if not downloader.status:
        advance(entry.size)
        return Pulled(entry.path, "present", 0)
    return Pulled(entry.path, downloader.status, entry.size)


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
            results.append(pull_file(entry, base, base_url, lambda n: progress.advance(task, n)))
    return results
