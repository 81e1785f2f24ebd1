"""Regisseurs: the small corps of process directors.

They scan the town for initiatives (an initiative they spot is noticed within about a
week instead of months), become the single point of contact of the initiatives they
adopt (each regisseur guides ``caseload`` at once), and connect the departments an
initiative needs, so that most handoffs between them disappear. With a real mandate they
can direct departments: the extra approval layers are skipped and fewer decisions go up
to the college. During a fallback they keep their cases but lose the mandate.

An initiative never queues for a regisseur: when the corps is full it simply goes the
ordinary way through the departments. The corps is therefore a count of case slots in
use, not a SimPy resource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.initiative import Initiative
    from sim.model.world import World


class RegisseurCorps:
    """The corps as ``corps_size * caseload`` case slots."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cfg = cfg = world.cfg.regisseurs
        self.capacity = cfg.corps_size * cfg.caseload
        self.in_use = 0
        self._area = 0.0
        self._since = self._last = 0.0
        demand = world.cfg.initiatives.arrival_rate
        # share of arriving initiatives the corps can spot early
        self.p_spot = min(1.0, cfg.corps_size * cfg.scan_per_week / demand)

    def start(self) -> None:
        pass

    def _account(self) -> None:
        now = self.world.env.now
        self._area += self.in_use * (now - self._last)
        self._last = now

    def reset_statistics(self) -> None:
        self._account()
        self._area = 0.0
        self._since = self.world.env.now

    def spots(self, ini: Initiative) -> bool:
        """Did a scanning regisseur spot this initiative early?"""
        return ini.rng.uniform() < self.p_spot

    def adopt(self, ini: Initiative) -> bool:
        """Become the initiative's single point of contact, if someone has room for it."""
        if self.in_use >= self.capacity:
            return False
        self._account()
        self.in_use += 1
        self.world.log.add(self.world.env.now, "initiative", ini.ident, "regisseur", ini.stage)
        return True

    def release(self) -> None:
        self._account()
        self.in_use -= 1

    def contribute(self, summary: dict[str, float]) -> None:
        self._account()
        span = self.world.env.now - self._since
        summary["utilisation_regisseurs"] = (self._area / (span * self.capacity)
                                             if self.capacity and span > 0 else float("nan"))
