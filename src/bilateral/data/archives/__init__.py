"""Event files from the original archives: ICEWS and POLECAT on the Harvard Dataverse, GDELT 1.0 and 2.0.

``bilateral data pull icews --years 2018:2019`` lists the archive's files with the checksums it
publishes (:mod:`~bilateral.data.archives.dataverse`, :mod:`~bilateral.data.archives.gdelt`),
keeps those covering the period, and fetches each with the guarantees of
:func:`bilateral.data.pull.fetch`: checksum verified before a file takes its place, resume of an
interrupted download, bounded retries when the server asks to slow down. Files go to
``events/<archive>/`` in the data directory.

With a store (``--into-store``) each verified file is ingested as soon as it is in place, and with
``delete_raw`` removed afterwards, so years of events fill the store without the raw files being
kept; a file the store already holds from that path (same size) is not fetched again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

from bilateral.data.archives.base import Period, Remote, base_url, period
from bilateral.data.archives.dataverse import ICEWS, ICEWS_DAILY, POLECAT
from bilateral.data.archives.gdelt import Gdelt1Archive, Gdelt2Archive
from bilateral.data.paths import data_dir
from bilateral.data.pull import download_progress, fetch
from bilateral.data.store import IngestResult, Store
from bilateral.errors import BilateralError

__all__ = ["ARCHIVES", "ArchiveFile", "ArchivePull", "Period", "archive", "period", "pull_archive"]


class Archive(Protocol):
    """What a pull needs of an archive: its name, title, folder, address and the files covering a period."""

    name: str
    title: str
    folder: str
    env_var: str
    default_url: str

    def files(self, base: str, when: Period) -> list[Remote]: ...


ARCHIVES: dict[str, Archive] = {a.name: a for a in (ICEWS, ICEWS_DAILY, Gdelt1Archive(), Gdelt2Archive(), POLECAT)}
"""The event archives ``bilateral data pull`` knows, by name."""


def archive(name: str) -> Archive:
    """One archive; an unknown name is a :class:`BilateralError` listing the known ones."""
    if name not in ARCHIVES:
        raise BilateralError(f"unknown event archive {name!r} — known archives: {', '.join(ARCHIVES)}")
    return ARCHIVES[name]


@dataclass(frozen=True)
class ArchiveFile:
    """One pulled file: ``status`` is ``downloaded``, ``resumed``, ``present`` (verified, nothing fetched)
    or ``in store`` (already ingested from this path; not fetched again)."""

    path: str
    status: str
    bytes: int
    ingest: IngestResult | None = None
    deleted: bool = False


@dataclass(frozen=True)
class ArchivePull:
    """What a pull of one archive over one period did, file by file."""

    archive: str
    period: Period
    root: Path
    files: tuple[ArchiveFile, ...]

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    def __str__(self) -> str:
        fetched = sum(f.bytes for f in self.files)
        lines = [f"{self.archive} {self.period}: {len(self.files)} files in {self.root / 'events'}: "
                 f"{self.count('downloaded')} downloaded, {self.count('resumed')} resumed, "
                 f"{self.count('present')} already present and verified, {self.count('in store')} already in "
                 f"the store ({fetched / 1e6:.1f} MB fetched)"]
        ingested = [f.ingest for f in self.files if f.ingest is not None]
        if ingested:
            new = [r for r in ingested if not r.skipped]
            total = [sum(getattr(r, k) for r in new) for k in ("read", "stored", "quarantined", "duplicates")]
            lines.append(f"ingested {len(new)} files ({len(ingested) - len(new)} already stored): {total[0]:,} rows "
                         f"read = {total[1]:,} stored + {total[2]:,} quarantined + {total[3]:,} duplicates")
        deleted = sum(f.deleted for f in self.files)
        if deleted:
            lines.append(f"{deleted} raw files deleted after ingest")
        return "\n".join(lines)


def _stored_paths(store: Store) -> dict[str, int | None]:
    """Paths the store has ingested, with the size recorded for each."""
    files = store.files()
    return {path: int(size) if pd.notna(size) else None
            for path, size in zip(files["path"], files["size"], strict=True)}


def pull_archive(name: str, when: Period, *, root: Path | None = None, base: str | None = None,
                 store: Store | None = None, delete_raw: bool = False, quiet: bool = False) -> ArchivePull:
    """Pull the files of archive ``name`` covering ``when`` into ``root/events/<folder>/``.

    ``base`` replaces the archive's address (else its environment variable, else the original
    host). With ``store``, each verified file is ingested; with ``delete_raw`` too, removed once
    ingested. A failure stops the pull with a :class:`BilateralError`: files finished before it
    stay verified (and ingested), the interrupted one is kept as ``.part`` to resume.
    """
    if delete_raw and store is None:
        raise BilateralError("--delete-raw removes files once they are in the store — add --into-store")
    source = archive(name)
    address = base_url(base, source.env_var, source.default_url)
    remotes = source.files(address, when)
    if not remotes:
        raise BilateralError(f"{name}: no event files of {source.title} cover {when} at {address} — choose "
                             "another period (--years or --from/--to)")
    top = root if root is not None else data_dir()
    stored = _stored_paths(store) if store is not None else {}
    results = []
    with download_progress(quiet) as progress:
        task = progress.add_task(name, total=sum(r.size or 0 for r in remotes))
        for remote in remotes:
            relpath = f"events/{source.folder}/{remote.name}"
            target = top / relpath
            key = str(target.resolve())
            if not target.exists() and key in stored and (remote.size is None or stored[key] in (remote.size, None)):
                progress.advance(task, remote.size or 0)
                results.append(ArchiveFile(relpath, "in store", 0))
                continue
            progress.update(task, description=f"{name} {remote.name}")
            status = fetch(relpath, remote.url, remote.checksum, remote.size, top,
                           lambda n: progress.advance(task, n))
            fetched = 0 if status == "present" else target.stat().st_size
            if store is None:
                results.append(ArchiveFile(relpath, status, fetched))
                continue
            progress.update(task, description=f"{name} {remote.name} → store")
            result = store.ingest(target)
            if delete_raw:
                target.unlink()
            results.append(ArchiveFile(relpath, status, fetched, result, delete_raw))
    return ArchivePull(name, when, top, tuple(results))
