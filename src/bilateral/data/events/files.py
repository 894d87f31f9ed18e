"""Which event files a list of paths names: files, every file under a folder, glob matches."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from bilateral.errors import BilateralError


def expand(patterns: Iterable[str | Path]) -> list[Path]:
    """Files named directly, all files under named folders (sorted), and glob matches, in order.

    A name that is no file, no folder and matches nothing is a :class:`BilateralError`.
    """
    found: list[Path] = []
    for pattern in patterns:
        path = Path(pattern)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            matches = sorted(Path(p) for p in glob.glob(str(pattern), recursive=True) if Path(p).is_file())
            if not matches:
                raise BilateralError(f"{pattern}: no such file, folder or matching files")
            found += matches
    return found
