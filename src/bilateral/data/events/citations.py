"""Former home of the event datasets' BibTeX, now in ``catalog.yaml``'s references; kept importable
until ``measure/index.py`` and ``report/measured.py`` import ``bilateral.data.catalog.DATASET_KEYS``
and use ``bilateral.data.bibliography()``."""

from __future__ import annotations

from typing import Any

from bilateral.data.catalog import DATASET_KEYS

__all__ = ["DATASET_KEYS"]  # and BIBTEX, built on first use


def __getattr__(name: str) -> Any:
    """``BIBTEX`` (key → BibTeX of the event datasets and the Goldstein scale), parsed on first use."""
    if name != "BIBTEX":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from bilateral.data.bib import bibliography

    return {key: bibliography().entry(key).text for key in [*DATASET_KEYS.values(), "goldstein1992"]}
