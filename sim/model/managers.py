"""Middle managers: a pool per department that approves decisions.

A manager's time is split: a share goes inward (internal coordination, reporting up) and
only the rest to initiatives, so an approval that needs ``approval_weeks`` of work keeps
the manager (and the initiative) ``approval_weeks / (1 - inward_share)`` weeks. Directive
managers control (000): most energy inward, two approval layers, many escalations.
Consultative managers keep that top-down flow; after every approval the initiative waits
``consult_weeks`` for their consultation, which changes no decision (000: "Verandert er
dan iets? Nee."). Managers
who converse with the board (000) handle ambiguity (fewer escalations), allocate across
departments (fewer handoffs, in :meth:`Municipality.handoffs_needed`) and let the
regisseurs work outward (their capacity, in :mod:`sim.model.regisseurs`). The
municipality tells the managers which regime is in force (:meth:`work_under`): while it
has fallen back into the directing role, layers, escalations and inward time are at least
directive (consultation goes on).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim.model.clock import Clock
from sim.model.pools import Pool
from sim.model.waiting import wait_for, wait_in_queue

if TYPE_CHECKING:
    from sim.model.initiative import Initiative
    from sim.model.log import EventLog
    from sim.model.municipality import Regime
    from sim.scenario import Scenario


class MiddleManagers:
    """The department pools of middle managers and their approval work."""

    def __init__(self, env: simpy.Environment, cfg: Scenario, log: EventLog) -> None:
        self.env, self.log = env, log
        self.clock = Clock(env)
        self.logging = log.enabled  # no log calls when it is off
        self.cfg = cfg.middle_managers
        self.pools = [Pool(env, self.cfg.per_department)
                      for _ in range(cfg.municipality.departments)]
        self._approval_weeks, self._consult_weeks = self.cfg.approval_weeks, self.cfg.consult_weeks
        self.inward_share = self.cfg.inward_share
        self.regisseur_drain = self.cfg.regisseur_drain
        self._inward_area = 0.0
        self._drain_area = 0.0
        self._inward_since = 0.0
        self._inward_last = 0.0

    def start(self) -> None:
        pass

    def reset_statistics(self) -> None:
        for pool in self.pools:
            pool.reset_statistics()
        self._account_inward()
        self._inward_area = self._drain_area = 0.0
        self._inward_since = self.env.now

    def _account_inward(self) -> None:
        now = self.env.now
        self._inward_area += self.inward_share * (now - self._inward_last)
        self._drain_area += self.regisseur_drain * (now - self._inward_last)
        self._inward_last = now

    def work_under(self, regime: Regime) -> None:
        """From now on, work under ``regime`` (the inward time so far is accounted first)."""
        self._account_inward()
        self.inward_share = regime.inward_share
        self.regisseur_drain = regime.regisseur_drain

    def approve(self, ini: Initiative, layers: int) -> Generator[Any, Any, bool]:
        """Take the initiative's decision through ``layers`` approvals, department by department."""
        clock, rng, pools = self.clock, ini.rng, self.pools
        per_work = self._approval_weeks / (1.0 - self.inward_share)
        consult = self._consult_weeks
        lead = ini.ident % len(pools)
        for layer in range(layers):
            pool = pools[(lead + layer) % len(pools)]
            if self.logging:
                self.log.add(self.env.now, "initiative", ini.ident, "approval", ini.stage,
                             float(layer))
            if not (yield from wait_in_queue(clock, ini, pool, per_work * rng.exp())):
                return False
            # consultation: the initiative waits for it, the decision stays the same
            weeks = consult * rng.exp()
            if weeks > 0.0 and not (yield from wait_for(clock, ini, weeks)):
                return False
        return True

    def queue_length(self) -> int:
        return sum(len(p.queue) for p in self.pools)

    def contribute(self, summary: dict[str, float]) -> None:
        self._account_inward()
        span = self.env.now - self._inward_since
        summary["utilisation_managers"] = (sum(p.utilisation() for p in self.pools)
                                           / len(self.pools))
        summary["manager_inward_share"] = self._inward_area / span if span > 0 else float("nan")
        summary["regisseur_inward_share"] = (self._drain_area / span if span > 0
                                             else float("nan"))
