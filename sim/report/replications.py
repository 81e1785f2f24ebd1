"""The page and tables of `regiesim replications`: the replications chosen by Hoad,
Robinson & Davies' algorithm and the warm-up check (the library computes both)."""

from __future__ import annotations

from pathlib import Path

from sim.experiment.replications import ReplicationsChoice, write_tables
from sim.experiment.warmup import WarmupCheck
from sim.files import atomic_write
from sim.report.html import figure_html, page
from sim.report.warmup import warmup_figure


def write_replications(folder: Path, choice: ReplicationsChoice,
                       warm: WarmupCheck | None = None) -> Path:
    """replications.csv, trajectory.csv, (warmup.csv, warmup_series.csv) and
    replications.html in ``folder``; returns the page's path."""
    write_tables(folder, choice, warm)
    parts = ["<h2>Replications</h2>", choice.table.to_html(index=False),
             figure_html(choice.figure())]
    if warm is not None:
        parts += ["<h2>Warm-up (MSER-5)</h2>", warm.table.to_html(index=False),
                  figure_html(warmup_figure(warm))]
    return atomic_write(folder / "replications.html", page("Replications and warm-up", parts))
