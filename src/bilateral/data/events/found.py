"""Ingest the event files found in the data directory, each once.

The data directory (``BILATERAL_DATA``) keeps event files under ``events/``: the folders
``bilateral data pull`` writes (``events/icews/``, ``events/icews-daily/``, ``events/gdelt1/``,
``events/gdelt2/``, ``events/polecat/``) and whatever else has the layout of
``../shared/data/events/``. :func:`ingest_found` walks that folder, recognises each file's layout
and ingests it through :meth:`bilateral.data.store.Store.ingest`, which skips a file it already
holds (same sha256): a second call stores nothing and says so. Files that are no event data,
unfinished downloads (``*.part``) and damaged files are skipped with the reason; they never stop
the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bilateral.data import paths
from bilateral.data.events.detect import NotEventData
from bilateral.data.store import IngestResult, Store
from bilateral.errors import BilateralError
from bilateral.progress import ProgressArg, track

__all__ = ["FoundSummary", "ingest_found"]


@dataclass(frozen=True)
class FoundSummary:
    """What :func:`ingest_found` did with each file under ``root/events``.

    ``ingested`` are the files stored now (rows read = stored + quarantined + duplicates for
    each), ``already`` the files the store held before, ``skipped`` the others with the reason.
    """

    root: Path
    ingested: tuple[IngestResult, ...] = ()
    already: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def files(self) -> int:
        """Files found under ``events/``."""
        return len(self.ingested) + len(self.already) + len(self.skipped)

    def total(self, field: str) -> int:
        """The sum of ``read``, ``stored``, ``quarantined`` or ``duplicates`` over the files ingested now."""
        return sum(getattr(r, field) for r in self.ingested)

    def __str__(self) -> str:
        folder = self.root / "events"
        if not self.files:
            return f"no event files in {folder} — pull some (`bilateral data pull icews --years 2018:2019`)"
        head = (f"{self.files} files in {folder}: {len(self.ingested)} ingested, {len(self.already)} already in "
                f"the store, {len(self.skipped)} skipped")
        if self.ingested:
            head += (f"; {self.total('read'):,} rows read = {self.total('stored'):,} stored + "
                     f"{self.total('quarantined'):,} quarantined + {self.total('duplicates'):,} duplicates")
        else:
            head += "; nothing stored"
        return "\n".join([head, *(f"  skipped {path}: {why}" for path, why in self.skipped)])


def _skip_reason(path: Path) -> str | None:
    """Why a file is not even tried: a hidden file or an unfinished download."""
    if path.name.endswith(".part"):
        return "an unfinished download — run the same `bilateral data pull` again to finish it"
    if path.name.startswith("."):
        return "a hidden file"
    return None


def ingest_found(store: Store, data_dir: Path | None = None, *, progress: ProgressArg = None) -> FoundSummary:
    """Ingest every event file under ``data_dir/events`` once.

    Parameters
    ----------
    store
        The event store to ingest into.
    data_dir
        The data directory (default ``$BILATERAL_DATA``, :func:`bilateral.data.paths.data_dir`).
    progress
        A bar advancing once a file: ``None`` (automatic), ``True``, ``False`` or a rich Console
        (:mod:`bilateral.progress`).

    Returns
    -------
    FoundSummary
        The files ingested now, already stored and skipped (with why); empty when there is no
        ``events/`` folder.
    """
    base = data_dir if data_dir is not None else paths.data_dir()
    folder = base / "events"
    found = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    ingested: list[IngestResult] = []
    already: list[str] = []
    skipped: list[tuple[str, str]] = []
    for path in track(found, "event files", progress=progress, label=lambda p: p.name):
        name = path.relative_to(base).as_posix()
        reason = _skip_reason(path)
        if reason:
            skipped.append((name, reason))
            continue
        try:
            result = store.ingest(path)
        except NotEventData as err:
            skipped.append((name, f"not event data ({err.why})"))
            continue
        except BilateralError as err:
            if not str(err).startswith(str(path)):  # the store's own trouble (disk, lock), not this file's
                raise
            skipped.append((name, str(err).removeprefix(f"{path}: ")))
            continue
        if result.skipped:
            already.append(name)
        else:
            ingested.append(result)
    return FoundSummary(base, tuple(ingested), tuple(already), tuple(skipped))
