"""The data directory (``BILATERAL_DATA``) and where each dataset's files live in it.

The directory has the layout of ``../shared/data/``: one folder per dataset (``unvotes/``,
``peacesciencer/``, …). A missing file raises :class:`MissingDataError` saying how to get it.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path

from bilateral.errors import BilateralError

ENV_VAR = "BILATERAL_DATA"


class MissingDataError(BilateralError):
    """A dataset file is not in the data directory; the message says how to get it."""

    def __init__(self, dataset: str, relpath: str, root: Path):
        self.dataset, self.relpath, self.root = dataset, relpath, root
        super().__init__(
            f"{relpath} ({dataset}) is not in the data directory {root} — run "
            f"`bilateral data pull {dataset}` to download it, or set {ENV_VAR} to a folder that "
            f"has it"
        )


def data_dir() -> Path:
    """``$BILATERAL_DATA``, or the user cache directory's ``data`` folder when it is not set.

    The cache directory is platformdirs' ``user_cache_path("bilateral")``: ``~/.cache/bilateral``
    on Linux (``$XDG_CACHE_HOME`` honoured), ``~/Library/Caches/bilateral`` on macOS.
    """
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value).expanduser() if value else user_cache_path("bilateral") / "data"


def locate(dataset: str, relpath: str, root: Path | None = None) -> Path:
    """The path of ``relpath`` (relative to the data directory) or :class:`MissingDataError`."""
    base = root if root is not None else data_dir()
    path = base / relpath
    if not path.is_file():
        raise MissingDataError(dataset, relpath, base)
    return path
