"""The HTML report: the main job's output."""

from bilateral.report.html import Report, summary_lines, write_report

__all__ = ["Report", "summary_lines", "write_report"]
