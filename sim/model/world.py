"""The world of one run: the SimPy environment and every actor, built and connected.

Each actor kind lives in its own module and goes through the same phases: it is built
from the scenario, started (its processes), reset at the end of the warm-up, and at the
end contributes its own outcomes to the summary. A new actor kind is one new module and
one line in :attr:`World.actors`.
"""

from __future__ import annotations

import simpy

from sim.model.aldermen import College
from sim.model.initiative import Initiatives
from sim.model.log import EventLog
from sim.model.managers import MiddleManagers
from sim.model.municipality import Municipality
from sim.model.pools import Pool
from sim.model.random import Streams
from sim.model.regisseurs import RegisseurCorps
from sim.scenario import Scenario


class World:
    """Everything one replication needs, wired together."""

    def __init__(self, cfg: Scenario, seed: int) -> None:
        self.cfg = cfg
        self.env = simpy.Environment()
        self.streams = Streams(seed)
        self.warmup = cfg.run.warmup_weeks
        self.end = self.warmup + cfg.run.horizon_weeks
        self.log = EventLog(cfg.run.event_log, self.warmup)
        self.front_office = Pool(self.env, cfg.municipality.intake_staff, "front_office")
        self.municipality = Municipality(self)
        self.managers = MiddleManagers(self)
        self.regisseurs = RegisseurCorps(self)
        self.college = College(self)
        self.initiatives = Initiatives(self)
        self.actors = (self.municipality, self.managers, self.regisseurs, self.college,
                       self.initiatives)

    def front_office_queue(self) -> int:
        return len(self.front_office.queue)

    def run(self) -> dict[str, float]:
        """Run to the end of the horizon and return the summary of outcomes."""
        for actor in self.actors:
            actor.start()
        if self.warmup > 0:
            self.env.run(until=self.warmup)
        self.front_office.reset_statistics()
        for actor in self.actors:
            actor.reset_statistics()
        self.env.run(until=self.end)
        summary: dict[str, float] = {}
        for actor in self.actors:
            actor.contribute(summary)
        summary["utilisation_front_office"] = self.front_office.utilisation()
        return summary
