"""The world of one run: the SimPy environment and every actor, built and wired.

Each actor kind lives in its own module and goes through the same phases: it is built
from the scenario, started (its processes), reset at the end of the warm-up, and at the
end contributes its own outcomes to the summary. Actors get their collaborators here,
explicitly; an actor changes another only through that actor's methods.
"""

from __future__ import annotations

import gc

import simpy

from sim.model.aldermen import College
from sim.model.clock import Clock
from sim.model.initiatives import Initiatives
from sim.model.journey import Journey
from sim.model.log import EventLog
from sim.model.managers import MiddleManagers
from sim.model.municipality import Municipality
from sim.model.network import Network
from sim.model.pools import Pool
from sim.model.random import Streams
from sim.model.regisseurs import RegisseurCorps
from sim.scenario import Scenario


class World:
    """Everything one replication needs, wired together."""

    def __init__(self, cfg: Scenario, seed: int) -> None:
        self.cfg = cfg
        self.env = env = simpy.Environment()
        streams = Streams(seed)
        self.warmup = warmup = cfg.run.warmup_weeks
        self.end = warmup + cfg.run.horizon_weeks
        self.log = log = EventLog(cfg.run.event_log, warmup)
        self.front_office = Pool(env, cfg.municipality.intake_staff)
        self.municipality = Municipality(env, cfg, log, warmup, streams["signs"])
        self.managers = MiddleManagers(env, cfg, log)
        self.regisseurs = RegisseurCorps(env, cfg, log)
        self.college = College(env, cfg, log, warmup, streams["incidents"], self.municipality)
        self.network = Network(env, cfg, log, streams["network"])
        self.initiatives = Initiatives(env, cfg, log, streams, warmup, self.municipality,
                                       self.regisseurs, self.network)
        self.municipality.connect(self.front_office, self.managers, self.college,
                                  self.initiatives)
        self.initiatives.route(Journey(
            env, cfg, log, self.municipality, self.front_office, self.regisseurs,
            self.managers, self.college, self.network, leave=self.initiatives.leave,
            intake_wait=self.initiatives.intake_wait))
        self.actors = (self.municipality, self.managers, self.regisseurs, self.college,
                       self.initiatives)

    def run(self) -> dict[str, float]:
        """Run to the end of the horizon and return the summary of outcomes.

        The cyclic garbage collector pauses while the world runs (and is restored as it
        was): a run makes tens of thousands of short-lived events, tuples and generators,
        freed by reference counting, and the collector's passes over them took about a
        twentieth of a run (``benchmarks/bench_core.py``). What a run leaves in cycles is
        collected after it."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if collecting:
                gc.enable()

    def _run(self) -> dict[str, float]:
        clock = Clock(self.env)
        for actor in self.actors:
            actor.start()
        if self.warmup > 0:
            clock.run(self.warmup)
        self.front_office.reset_statistics()
        for actor in self.actors:
            actor.reset_statistics()
        clock.run(self.end)
        summary: dict[str, float] = {}
        for actor in self.actors:
            actor.contribute(summary)
        summary["utilisation_front_office"] = self.front_office.utilisation()
        return summary
