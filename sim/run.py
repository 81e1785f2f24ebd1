"""One replication: a scenario and a seed in, a :class:`RunResult` out.

Same scenario and seed give the same result, bit for bit, in any process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sim.model.world import World
from sim.scenario import Scenario, build_scenario


@dataclass
class RunResult:
    """Everything one replication produced.

    - ``summary``: every outcome as a number (see docs/odd.md, "Outputs").
    - ``series``: one row per week of the observation window (trust, tension, fallback,
      queues).
    - ``initiatives``: one row per initiative that arrived in the window, with its outcome.
    - ``episodes``: one row per fallback episode.
    - ``log``: the columnar event log, when ``run.event_log`` is on.
    """

    scenario: Scenario
    seed: int
    summary: dict[str, float]
    series: pd.DataFrame
    initiatives: pd.DataFrame
    episodes: pd.DataFrame
    log: pd.DataFrame | None = field(default=None, repr=False)


def simulate(config: Scenario | dict, seed: int = 0) -> RunResult:
    """Run one replication of ``config`` (a Scenario or a dict to validate) with ``seed``."""
    scenario = config if isinstance(config, Scenario) else build_scenario(config)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed: must be an integer >= 0, got {seed!r}")
    world = World(scenario, seed)
    summary = world.run()
    return RunResult(
        scenario=scenario,
        seed=seed,
        summary=summary,
        series=pd.DataFrame(world.municipality.series),
        initiatives=world.initiatives.frame(),
        episodes=world.municipality.episode_frame(),
        log=world.log.frame(),
    )
