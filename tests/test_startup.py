"""Start-up: a worker process loads the model and the runner, never plotting or Dash.

A pool or Dask worker imports what the runner needs to run a replication; plotly,
matplotlib and Dash take hundreds of milliseconds to import and belong to the main
process's report, so a worker that pulled them in would pay for them in every batch.
Each check runs in a fresh interpreter, so what this test process imported does not count.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # fresh interpreters import most of the package: ~125 s under load

PLOTTING = ("plotly", "matplotlib", "dash")
SLOW = ("scipy.stats", "networkx")
"""Imported where the statistics are computed or a network is analysed, never by a
worker (scipy.stats about 1 s to import, networkx about 0.5 s)."""

WORKER_IMPORTS = [
    # what a pool task or a Dask worker imports to run a replication
    "sim.run", "sim.experiment.runner", "sim.experiment.batch", "sim.experiment.cluster",
    # what `regiesim run` and `regiesim batch` have imported when their pool forks workers
    "sim.cli", "sim.analysis", "sim.analysis.precision", "sim.experiment",
    "sim.experiment.sequential", "sim.experiment.scale",
]


def loaded_modules(modules: list[str], watched: tuple[str, ...] = PLOTTING) -> list[str]:
    """The ``watched`` modules (plotting packages unless told) a fresh interpreter has
    loaded after importing ``modules``."""
    code = (f"import importlib, json, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            f"print(json.dumps(sorted(set(sys.modules) & set({watched!r}))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    return json.loads(out.stdout)


def test_a_worker_does_not_import_plotting_or_dash() -> None:
    """All of a worker's modules in one interpreter: none of them imports plotting."""
    assert loaded_modules(WORKER_IMPORTS) == [], (
        "a worker imports plotting; import it where the figure is made")


def test_the_check_sees_plotting_when_it_is_imported() -> None:
    """The check itself can fail: the report's modules do import plotly."""
    assert loaded_modules(["sim.run", "sim.report.figures"]) == ["plotly"]


def test_a_worker_does_not_import_scipy_stats_or_networkx() -> None:
    """scipy.stats (t quantiles, QMC designs, FDR) and networkx (``Network.graph()``, for
    analysis: a run finds its network groups with scipy's sparse graphs) are imported
    where they are used."""
    assert loaded_modules(WORKER_IMPORTS, SLOW) == []
    assert loaded_modules(["sim.analysis", "sim.experiment.exploration"], SLOW) == []

