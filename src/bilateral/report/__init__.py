"""The HTML report: the main job's output."""

from bilateral.report.html import summary_lines, write_report

__all__ = ["summary_lines", "write_report"]
