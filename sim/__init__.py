"""regiesim: directive versus direction-based governance of citizen initiatives, on SimPy.

    >>> from sim import Scenario, simulate
    >>> result = simulate(Scenario(scenario={"style": "direction"}), seed=1)
    >>> result.summary["success_rate"]  # doctest: +SKIP
"""

from sim.run import RunResult, simulate
from sim.scenario import Scenario, ScenarioError, build_scenario
from sim.scenario_files import load_scenario, load_variants

__all__ = ["RunResult", "Scenario", "ScenarioError", "build_scenario", "load_scenario",
           "load_variants", "simulate"]
__version__ = "0.1.0"
