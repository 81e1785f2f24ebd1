"""Aldermen: the college that decides escalated items, backs successes, feels pressure.

The college meets once a week. Items escalated to it wait for the next meeting, and a
meeting has a limited agenda (``college_size * agenda_per_alderman`` items); what does not
fit waits a week more; a regisseur who bridges gets the alderman to the initiative's
crucial meeting (003), so its item goes first. Aldermen are ambassadors: when an
initiative succeeds and the municipality takes the symbol role, an alderman may back it
in public, which raises the town's trust only when real support came with it (003 is
sceptical of empty symbolism): the initiative got every role it needed at its decision.
Aldermen also scan for initiatives with the regisseurs (in
:mod:`sim.model.regisseurs`), and bring political pressure into the municipality:
incidents (a Poisson stream) and the run-up to every election raise its tension.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.model.clock import Clock, Timer
from sim.model.initiative import Initiative  # at run time: mypyc's AgendaItem needs it
from sim.model.waiting import wait_patiently

if TYPE_CHECKING:
    from sim.model.log import EventLog
    from sim.model.municipality import Municipality
    from sim.scenario import Scenario


@dataclass(slots=True)
class AgendaItem:
    """An escalated decision waiting for the college."""

    initiative: Initiative
    decided: simpy.Event
    withdrawn: bool = False

    def withdraw(self) -> None:
        """The initiative gave up waiting: the college skips the item."""
        self.withdrawn = True


class College:
    """The college of aldermen and the political pressure it brings."""

    def __init__(self, env: simpy.Environment, cfg: Scenario, log: EventLog, warmup: float,
                 incidents: np.random.Generator, municipality: Municipality) -> None:
        self.env, self.log, self.warmup = env, log, warmup
        self.clock = Clock(env)
        self.logging = log.enabled  # no log calls when it is off
        self.cfg = cfg.aldermen
        self.municipality = municipality
        self.incident_stream = incidents
        self.agenda: deque[AgendaItem] = deque()
        self.capacity = self.cfg.college_size * self.cfg.agenda_per_alderman
        self._runups = [(e - self.cfg.runup_weeks, e) for e in self.cfg.election_weeks]
        self.public_successes = 0
        self.empty_backings = 0
        self.incidents = 0
        self._slots_offered = 0
        self._slots_used = 0

    def start(self) -> None:
        self.env.process(self._meetings())
        if self.cfg.incident_rate > 0:
            self.env.process(self._incidents())

    def reset_statistics(self) -> None:
        self._slots_offered = self._slots_used = 0

    # ------------------------------------------------------------- decisions
    def decide(self, ini: Initiative, crucial: bool) -> Generator[Any, Any, bool]:
        """Put the item on the college's agenda (first, if ``crucial``) and wait."""
        env = self.env
        item = AgendaItem(ini, env.event())
        if crucial:
            self.agenda.appendleft(item)
        else:
            self.agenda.append(item)
        if self.logging:
            self.log.add(env.now, "initiative", ini.ident, "escalated", ini.stage)
        if not (yield from wait_patiently(self.clock, ini, item.decided, item.withdraw)):
            return False
        if self.logging:
            self.log.add(env.now, "college", ini.ident, "college_decided", ini.stage)
        return ini.going

    def _meetings(self) -> Generator[Any, Any, None]:
        yield Timer(self.clock, self.cfg.meeting_offset_weeks)
        while True:
            taken = 0
            agenda = self.agenda
            while agenda and taken < self.capacity:
                item = agenda.popleft()
                if not item.withdrawn:
                    item.decided.succeed()
                    taken += 1
            self._slots_offered += self.capacity
            self._slots_used += taken
            yield Timer(self.clock, 1.0)

    def queue_length(self) -> int:
        return sum(1 for item in self.agenda if not item.withdrawn)

    # ------------------------------------------------------------- symbol role
    def celebrate(self, ini: Initiative) -> None:
        """An alderman may back a success in public (the symbol role)."""
        mun = self.municipality
        if "symbol" not in mun.offered_roles():
            return
        if ini.rng.uniform() < self.cfg.symbol_prob:
            real = ini.fit_at_decision >= 1.0
            if real:
                mun.raise_trust(self.cfg.symbol_trust)
            if ini.counted:
                self.public_successes += 1
                self.empty_backings += not real
            if self.logging:
                self.log.add(self.env.now, "college", ini.ident, "public_backing", ini.stage,
                             float(real))

    # ------------------------------------------------------------- pressure
    def _incidents(self) -> Generator[Any, Any, None]:
        env, rng = self.env, self.incident_stream
        while True:
            gaps = (rng.standard_exponential(64) / self.cfg.incident_rate).tolist()
            for gap in gaps:
                yield Timer(self.clock, gap)
                if env.now >= self.warmup:
                    self.incidents += 1
                if self.logging:
                    self.log.add(env.now, "college", -1, "incident", "", self.cfg.incident_tension)
                self.municipality.add_tension(self.cfg.incident_tension)

    def election_pressure(self, now: float) -> float:
        """Weekly tension from the run-up to an election (weeks counted from the warm-up)."""
        week = now - self.warmup
        for start, election in self._runups:
            if start <= week < election:
                return self.cfg.election_pressure
        return 0.0

    def contribute(self, summary: dict[str, float]) -> None:
        summary["utilisation_college"] = (self._slots_used / self._slots_offered
                                          if self._slots_offered else float("nan"))
        summary["public_successes"] = self.public_successes
        summary["empty_backings"] = self.empty_backings
        summary["incidents"] = self.incidents
