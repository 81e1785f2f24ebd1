"""regiesim: directive versus direction-based governance of citizen initiatives, on SimPy.

One replication is :func:`simulate` of a :class:`Scenario` and a seed; it returns a
:class:`RunResult` (the outcomes, the weekly series, every initiative). A scenario comes
from a TOML file (:func:`load_scenario`, :func:`load_variants` for a ``[sweep]``) or from
a dictionary (:func:`build_scenario`); bad input raises :class:`ScenarioError`.

    >>> from sim import load_scenario, simulate
    >>> direction = load_scenario("scenarios/direction.toml")
    >>> result = simulate(direction, seed=1)
    >>> rate = result.summary["success_rate"]

Beyond one run: batches on common random numbers, the result store and sensitivity
analysis in :mod:`sim.experiment`; confidence intervals and paired differences in
:mod:`sim.analysis`; figures, the HTML report and the narration in :mod:`sim.report`.
notebooks/researcher.ipynb shows them together.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.run import RunResult, simulate
    from sim.scenario import Scenario, ScenarioError, build_scenario
    from sim.scenario_files import load_scenario, load_variants

_LAZY = {"RunResult": "sim.run", "simulate": "sim.run", "Scenario": "sim.scenario",
         "ScenarioError": "sim.scenario", "build_scenario": "sim.scenario",
         "load_scenario": "sim.scenario_files", "load_variants": "sim.scenario_files"}
"""Imported on first use, so ``regiesim --help`` does not wait for numpy, pandas, SimPy."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


__all__ = ["RunResult", "Scenario", "ScenarioError", "build_scenario", "load_scenario",
           "load_variants", "simulate"]
__version__ = "0.1.0"
