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

PLOTTING = ("plotly", "matplotlib", "dash")

WORKER_IMPORTS = [
    # what a pool task or a Dask worker imports to run a replication
    "sim.run", "sim.experiment.runner", "sim.experiment.batch", "sim.experiment.cluster",
    # what `regiesim run` and `regiesim batch` have imported when their pool forks workers
    "sim.cli", "sim.analysis", "sim.analysis.precision", "sim.experiment",
    "sim.experiment.sequential", "sim.experiment.scale",
]


def plotting_modules(modules: list[str]) -> list[str]:
    """The plotting packages a fresh interpreter has loaded after importing ``modules``."""
    code = (f"import importlib, json, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            f"print(json.dumps(sorted({{k.split('.')[0] for k in sys.modules}} & "
            f"set({PLOTTING!r}))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    return json.loads(out.stdout)


def test_a_worker_does_not_import_plotting_or_dash() -> None:
    """All of a worker's modules in one interpreter: none of them imports plotting."""
    assert plotting_modules(WORKER_IMPORTS) == [], (
        "a worker imports plotting; import it where the figure is made")


def test_the_check_sees_plotting_when_it_is_imported() -> None:
    """The check itself can fail: the report's modules do import plotly."""
    assert plotting_modules(["sim.run", "sim.report.figures"]) == ["plotly"]
