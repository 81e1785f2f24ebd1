"""How big one replication of a scenario is, before running it: the scale guard.

A scenario can be valid and still need hours and tens of gigabytes per replication
(arrival rate 1,000 a week over 5,200 + 5,200 weeks). The estimate is rough but cheap:

    initiatives = arrival_rate x (warmup_weeks + horizon_weeks)
    events      = 7 x initiatives + 30 x (warmup_weeks + horizon_weeks)
    memory      = 2.7 kB x initiatives            CPU = 0.1 ms x initiatives

(the factors were measured on the shipped scenarios: 7-17 SimPy events per initiative,
about 30 a week for the recurring actors, 0.05-0.2 ms CPU and about 2.7 kB per initiative).
Arrival rates that rise with trust make the true number larger or smaller; the guard is
about orders of magnitude. Above :data:`WARN_INITIATIVES` `validate` warns; above
:data:`MAX_INITIATIVES` `validate` and `batch` refuse unless ``--force``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario import Scenario

WARN_INITIATIVES = 200_000
"""Expected initiatives per replication above which `validate` warns (about 0.5 GB)."""
MAX_INITIATIVES = 2_000_000
"""The ceiling: above it `validate` and `batch` refuse without ``--force`` (about 5 GB)."""
EVENTS_PER_INITIATIVE = 7.0
EVENTS_PER_WEEK = 30.0
BYTES_PER_INITIATIVE = 2_700.0
SECONDS_PER_INITIATIVE = 1e-4


@dataclass(frozen=True)
class Scale:
    """Expected size of one replication."""

    initiatives: float
    events: float
    memory_bytes: float
    cpu_seconds: float

    @property
    def too_big(self) -> bool:
        return not self.initiatives <= MAX_INITIATIVES  # NaN counts as too big

    @property
    def large(self) -> bool:
        return not self.initiatives <= WARN_INITIATIVES

    def describe(self) -> str:
        return (f"about {self.initiatives:,.0f} initiatives and {self.events:,.0f} events per "
                f"replication (~{self.memory_bytes / 1e9:,.1f} GB, ~{self.cpu_seconds / 60:,.1f} "
                "CPU-minutes)")


def estimate(scenario: Scenario) -> Scale:
    """The expected size of one replication of ``scenario`` (see the module docstring)."""
    weeks = float(scenario.run.warmup_weeks) + float(scenario.run.horizon_weeks)
    initiatives = float(scenario.initiatives.arrival_rate) * weeks
    return Scale(initiatives=initiatives,
                 events=EVENTS_PER_INITIATIVE * initiatives + EVENTS_PER_WEEK * weeks,
                 memory_bytes=BYTES_PER_INITIATIVE * initiatives,
                 cpu_seconds=SECONDS_PER_INITIATIVE * initiatives)


class TooBig(ValueError):
    """A scenario above the scale ceiling."""


def check_scale(scenarios: dict[str, Scenario], force: bool = False) -> list[str]:
    """Refuse scenarios above the ceiling (unless ``force``); return warnings for large ones."""
    warnings, refused = [], []
    for name, scenario in scenarios.items():
        scale = estimate(scenario)
        if scale.too_big and not force:
            refused.append(f"{name}: {scale.describe()}")
        elif scale.large:
            warnings.append(f"{name}: {scale.describe()}")
    if refused:
        raise TooBig(f"above the ceiling of {MAX_INITIATIVES:,} expected initiatives per "
                     f"replication: {'; '.join(refused)}. Shorten the horizon or lower the "
                     "arrival rate, or pass --force to run it anyway")
    return warnings
