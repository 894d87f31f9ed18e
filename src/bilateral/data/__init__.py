"""External data: readers for event and structural datasets, the store, fetching originals, and
the one bibliography (:func:`bibliography`) of the case and the catalogue."""

from __future__ import annotations

from typing import Any

__all__ = ["Bibliography", "bibliography"]


def __getattr__(name: str) -> Any:
    """``bibliography`` and ``Bibliography`` load pybtex on first use (PEP 562)."""
    if name in __all__:
        from bilateral.data import bib as module

        return getattr(module, name)
    raise AttributeError(f"module 'bilateral.data' has no attribute {name!r}")
