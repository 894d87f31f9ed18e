"""The HTML report: the main job's output.

``Report``, ``summary_lines`` and ``write_report`` load :mod:`bilateral.report.html` (and with it
every section's libraries) on first use, so that a command needing one section's figures does not
import the rest.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Report", "summary_lines", "write_report"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'bilateral.report' has no attribute {name!r}")
    from bilateral.report import html

    return getattr(html, name)
