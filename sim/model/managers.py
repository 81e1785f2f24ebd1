"""Middle managers: a pool per department that approves decisions.

A manager's time is split: a share goes inward (internal coordination, reporting up) and
only the rest to initiatives, so an approval that needs ``approval_weeks`` of work keeps
the manager (and the initiative) ``approval_weeks / (1 - inward_share)`` weeks. Directive
managers spend most energy inward and add approval layers; conversing managers spend more
time outward and, talking with professionals and citizens, prevent rework. While the
municipality has fallen back into the directing role, every manager acts directively.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.model.pools import Pool
from sim.model.waiting import wait_in_queue

if TYPE_CHECKING:
    from sim.model.initiative import Initiative
    from sim.model.world import World


class MiddleManagers:
    """The department pools of middle managers and their approval work."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cfg = world.cfg.middle_managers
        n = world.cfg.municipality.departments
        self.pools = [Pool(world.env, self.cfg.per_department, f"managers[{d}]")
                      for d in range(n)]
        self._inward_area = 0.0
        self._inward_since = 0.0
        self._inward_last = 0.0

    def start(self) -> None:
        pass

    def reset_statistics(self) -> None:
        for pool in self.pools:
            pool.reset_statistics()
        self._account_inward()
        self._inward_area = 0.0
        self._inward_since = self.world.env.now

    def _account_inward(self) -> None:
        now = self.world.env.now
        self._inward_area += self.world.municipality.inward_share() * (now - self._inward_last)
        self._inward_last = now

    def style_changes(self) -> None:
        """Called just before the municipality switches in or out of fallback."""
        self._account_inward()

    def approve(self, ini: Initiative) -> Generator[Any, Any, bool]:
        """Take the initiative's decision through every approval layer."""
        w = self.world
        mun = w.municipality
        layers = mun.approval_layers(ini)
        per_work = self.cfg.approval_weeks / (1.0 - mun.inward_share())
        lead = ini.ident % len(self.pools)
        for layer in range(layers):
            pool = self.pools[(lead + layer) % len(self.pools)]
            w.log.add(w.env.now, "initiative", ini.ident, "approval", ini.stage, float(layer))
            if not (yield from wait_in_queue(w.env, ini, pool, per_work * ini.rng.exp())):
                return False
        return True

    def queue_length(self) -> int:
        return sum(len(p.queue) for p in self.pools)

    def contribute(self, summary: dict[str, float]) -> None:
        self._account_inward()
        span = self.world.env.now - self._inward_since
        summary["utilisation_managers"] = (sum(p.utilisation() for p in self.pools)
                                           / len(self.pools))
        summary["manager_inward_share"] = self._inward_area / span if span > 0 else float("nan")
