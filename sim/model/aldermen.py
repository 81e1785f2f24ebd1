"""Aldermen: the college that decides escalated items, backs successes, feels pressure.

The college meets once a week. Items escalated to it wait for the next meeting, and a
meeting has a limited agenda (``college_size * agenda_per_alderman`` items); what does not
fit waits a week more. Aldermen are ambassadors: when an initiative succeeds and the
municipality takes the symbol role, an alderman may back it in public, which raises the
town's trust. They also bring political pressure into the municipality: incidents
(a Poisson stream) and the run-up to every election raise its tension.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.model.waiting import wait_patiently

if TYPE_CHECKING:
    from sim.model.initiative import Initiative
    from sim.model.world import World

MEETING_OFFSET = 0.5
"""The college meets mid-week: at week k + 0.5."""


class College:
    """The college of aldermen and the political pressure it brings."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cfg = world.cfg.aldermen
        self.agenda: deque[list] = deque()
        self.capacity = self.cfg.college_size * self.cfg.agenda_per_alderman
        self.public_successes = 0
        self.incidents = 0
        self._slots_offered = 0
        self._slots_used = 0

    def start(self) -> None:
        env = self.world.env
        env.process(self._meetings())
        if self.cfg.incident_rate > 0:
            env.process(self._incidents())

    def reset_statistics(self) -> None:
        self._slots_offered = self._slots_used = 0

    # ------------------------------------------------------------- decisions
    def escalates(self, ini: Initiative) -> bool:
        return ini.rng.uniform() < self.world.municipality.escalation_prob(ini)

    def decide(self, ini: Initiative) -> Generator[Any, Any, bool]:
        """Put the item on the college's agenda and wait for its decision."""
        env = self.world.env
        decided = env.event()
        entry = [ini, decided, False]
        self.agenda.append(entry)
        self.world.log.add(env.now, "initiative", ini.ident, "escalated", ini.stage)

        def withdraw() -> None:
            entry[2] = True  # the college will skip it

        if not (yield from wait_patiently(env, ini, decided, withdraw)):
            return False
        self.world.log.add(env.now, "college", ini.ident, "college_decided", ini.stage)
        return ini.energy > 0.0

    def _meetings(self) -> Generator[Any, Any, None]:
        env = self.world.env
        yield env.timeout(MEETING_OFFSET)
        while True:
            taken = 0
            agenda = self.agenda
            while agenda and taken < self.capacity:
                _, decided, withdrawn = agenda.popleft()
                if not withdrawn:
                    decided.succeed()
                    taken += 1
            self._slots_offered += self.capacity
            self._slots_used += taken
            yield env.timeout(1.0)

    def queue_length(self) -> int:
        return sum(1 for e in self.agenda if not e[2])

    # ------------------------------------------------------------- symbol role
    def celebrate(self, ini: Initiative) -> None:
        """An alderman may back a success in public (the symbol role)."""
        w = self.world
        if "symbol" not in w.municipality.offered_roles():
            return
        if ini.rng.uniform() < self.cfg.symbol_prob:
            w.municipality.raise_trust(self.cfg.symbol_trust)
            if ini.counted:
                self.public_successes += 1
            w.log.add(w.env.now, "college", ini.ident, "public_backing", ini.stage)

    # ------------------------------------------------------------- pressure
    def _incidents(self) -> Generator[Any, Any, None]:
        w = self.world
        env, rng = w.env, w.streams["incidents"]
        while True:
            gaps = (rng.standard_exponential(64) / self.cfg.incident_rate).tolist()
            for gap in gaps:
                yield env.timeout(gap)
                if env.now >= w.warmup:
                    self.incidents += 1
                w.log.add(env.now, "college", -1, "incident", "", self.cfg.incident_tension)
                w.municipality.add_tension(self.cfg.incident_tension)

    def election_pressure(self, now: float) -> float:
        """Weekly tension from the run-up to an election (weeks counted from the warm-up)."""
        week = now - self.world.warmup
        runup = self.cfg.runup_weeks
        if any(e - runup <= week < e for e in self.cfg.election_weeks):
            return self.cfg.election_pressure
        return 0.0

    def contribute(self, summary: dict[str, float]) -> None:
        summary["utilisation_college"] = (self._slots_used / self._slots_offered
                                          if self._slots_offered else float("nan"))
        summary["public_successes"] = self.public_successes
        summary["incidents"] = self.incidents
