"""``bilateral data pull``: download catalogued files with pooch — sha256 checks, resume, progress.

The catalogue (``catalog_files.csv``) is a pooch registry: each file's path in the data directory,
its sha256 and its original public URL. :meth:`pooch.Pooch.fetch` skips a file already present
with the right hash, and checks every download before moving it onto its target, so a corrupt
download never takes a target's place (pooch deletes it and raises).

Pooch's own HTTP downloader starts over after an interruption; :class:`ResumingDownloader` is a
pooch downloader that keeps ``<file>.part`` beside the target and asks the server for the rest
with an HTTP ``Range`` request on the next pull. :func:`fetch` is the same verified download for
any URL and pooch hash (``sha256:…``, ``md5:…``), used by the event archives
(:mod:`bilateral.data.archives`). Every request goes through :func:`get`: a server that answers
HTTP 429 or 503 is asked again after the ``Retry-After`` it names, at most :data:`MAX_TRIES` times.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
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
MAX_TRIES = 5
"""Requests answered 429 or 503 before a pull gives up (and says to run it again later)."""
MAX_WAIT = 600.0
"""The longest ``Retry-After`` honoured, in seconds; a longer one ends the pull with the time asked."""
BUSY = (429, 503)
pooch.get_logger().setLevel(logging.WARNING)  # the progress bar says what is fetched
_sleep = time.sleep  # the wait between tries; tests record it instead of waiting
_session = requests.Session()  # one connection pool: a year of GDELT 2.0 is 35,000 files from one host


class ChecksumError(BilateralError):
    """A downloaded file's checksum differs from the published one; the download was deleted."""


def retry_after(value: str | None, attempt: int) -> float:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date); ``2**attempt`` without one."""
    if value and value.strip().isdigit():
        return float(value.strip())
    if value:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    return float(2 ** attempt)


def get(url: str, headers: dict[str, str] | None = None, *, stream: bool = False) -> requests.Response:
    """GET ``url``; HTTP 429 and 503 are retried after their ``Retry-After``, at most :data:`MAX_TRIES` times.

    An unreachable server, or one still busy after the last try, is a :class:`BilateralError`.
    Other statuses are returned for the caller to judge.
    """
    headers = {"User-Agent": "bilateral-data-pull", **(headers or {})}
    attempt = 0
    while True:
        attempt += 1
        try:
            response = _session.get(url, headers=headers, stream=stream, timeout=TIMEOUT)
        except requests.RequestException as err:
            raise BilateralError(f"cannot reach {url} ({type(err).__name__}) — check the network or the "
                                 "mirror's address; nothing new was written") from None
        if response.status_code not in BUSY:
            return response
        wait = retry_after(response.headers.get("Retry-After"), attempt)
        status = f"HTTP {response.status_code} {response.reason}"
        response.close()
        if attempt == MAX_TRIES or wait > MAX_WAIT:
            tries = f"{attempt} {'try' if attempt == 1 else 'tries'}"
            raise BilateralError(f"{url}: {status} after {tries} (the server asks to wait {wait:.0f} s) — "
                                 "wait and run the same pull again; a partial file is kept to resume, "
                                 "nothing incomplete is kept as a finished file")
        _sleep(wait)


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
    """A pooch downloader that resumes an interrupted download of one file.

    Bytes go to ``<target>.part``; a ``.part`` file left by an earlier pull is continued with
    ``Range: bytes=N-`` (restarted when the server ignores the range, or has fewer bytes). When
    the ``.part`` file is complete it is moved onto the temporary file pooch checks. ``status``
    becomes ``downloaded`` or ``resumed``. ``size`` is the published size (``None`` when the
    source publishes none: then only an interrupted transfer shows a download is incomplete).
    """

    def __init__(self, label: str, size: int | None, target: Path, advance: Callable[[int], object]):
        self.label, self.size, self.advance = label, size, advance
        self.part = target.with_name(target.name + ".part")
        self.status = ""

    def __call__(self, url: str, output_file: str, pooch_: pooch.Pooch | None = None) -> None:
        part, size = self.part, self.size
        offset = part.stat().st_size if part.exists() else 0
        if size is not None and offset > size:
            part.unlink()
            offset = 0
        self.advance(offset)
        if size is None or offset < size:
            offset = self._fetch(url, offset)
        self.status = self.status or ("resumed" if offset else "downloaded")
        part.replace(output_file)

    def _fetch(self, url: str, offset: int) -> int:
        """Stream ``url`` into the ``.part`` file from ``offset``; return the offset it resumed from."""
        response = get(url, {"Range": f"bytes={offset}-"} if offset else None, stream=True)
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
            written, reason = offset, ""
            try:
                with self.part.open("ab" if offset else "wb") as out:
                    for block in response.iter_content(CHUNK):
                        out.write(block)
                        written += len(block)
                        self.advance(len(block))
            except (OSError, requests.RequestException) as err:
                reason = type(err).__name__
        short = self.size is not None and written < self.size
        if reason or short:
            of = f" of {self.size}" if self.size is not None else ""
            raise BilateralError(
                f"download of {self.label} from {url} stopped after {written}{of} bytes "
                f"({reason or 'the server closed the connection'}); the partial file {self.part} was kept — "
                "run the same pull again to resume")
        return offset


def fetch(relpath: str, url: str, known_hash: str, size: int | None, root: Path,
          advance: Callable[[int], object] = lambda n: None) -> str:
    """Make ``root/relpath`` hold the file published at ``url`` with pooch hash ``known_hash``.

    Returns ``present`` (already there and verified, nothing fetched), ``downloaded`` or
    ``resumed``. A download whose hash differs is deleted (:class:`ChecksumError`) and an
    existing file is left as it was.
    """
    target = root / relpath
    downloader = ResumingDownloader(relpath, size, target, advance)
    fetcher = pooch.create(path=root, base_url="", registry={relpath: known_hash}, urls={relpath: url})
    try:
        fetcher.fetch(relpath, downloader=downloader)
    except ValueError as err:  # pooch: the download's hash differs from the registry's
        got = re.search(r"but got (\w+)", str(err))
        alg, _, expected = known_hash.partition(":")
        raise ChecksumError(
            f"{relpath}: {alg} mismatch — expected {expected}, got {got[1] if got else 'another'} "
            f"from {url}. The corrupt download was deleted and {target} was left as it was; pull again, "
            "or check that the source serves the published file") from None
    if not downloader.status:
        advance(target.stat().st_size)
        return "present"
    return downloader.status


def pull_file(entry: DataFile, root: Path, base_url: str | None = None,
              advance: Callable[[int], object] = lambda n: None) -> Pulled:
    """Make ``root/entry.path`` hold the catalogued file, downloading only what is needed."""
    url = registry([entry], root, base_url).get_url(entry.path)
    status = fetch(entry.path, url, f"sha256:{entry.sha256}", entry.size, root, advance)
    return Pulled(entry.path, status, 0 if status == "present" else entry.size)


def download_progress(quiet: bool = False) -> Progress:
    """A transient rich progress bar in bytes on stderr (silent when ``quiet``)."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TransferSpeedColumn(), TimeRemainingColumn())
    return Progress(*columns, console=Console(stderr=True, quiet=quiet), transient=True)


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
    with download_progress(quiet) as progress:
        task = progress.add_task("pull", total=sum(f.size for f in entries))
        for entry in entries:
            progress.update(task, description=entry.path)
            results.append(pull_file(entry, base, base_url, lambda n: progress.advance(task, n)))
    return results
