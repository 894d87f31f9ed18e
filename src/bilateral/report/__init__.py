"""The HTML report: the main job's output, rendered from :class:`bilateral.Analysis`.

``Report`` and ``write_report`` load :mod:`bilateral.report.writer` (and with it plotly and the
analysis layer) on first use, so that a command needing only the prose does not import the rest.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Report", "write_report"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'bilateral.report' has no attribute {name!r}")
    from bilateral.report import writer

    return getattr(writer, name)
