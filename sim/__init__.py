"""regiesim: directive versus direction-based governance of citizen initiatives, on SimPy.

    >>> from sim import Scenario, simulate
    >>> result = simulate(Scenario(scenario={"style": "direction"}), seed=1)
    >>> result.summary["success_rate"]  # doctest: +SKIP
"""

from sim.run import RunResult, simulate
from sim.scenario import Scenario, ScenarioError, build_scenario

__all__ = ["RunResult", "Scenario", "ScenarioError", "build_scenario", "simulate"]
__version__ = "0.1.0"
