"""Reports: plotly figures and a self-contained HTML report, in English or Dutch."""

from sim.report.html import build_report, write_report

__all__ = ["build_report", "write_report"]
