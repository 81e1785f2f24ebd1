"""regiesim: directive versus direction-based governance of citizen initiatives, on SimPy.

    >>> from sim import Scenario, simulate
    >>> result = simulate(Scenario(scenario={"style": "direction"}), seed=1)
    >>> result.summary["success_rate"]  # doctest: +SKIP
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
