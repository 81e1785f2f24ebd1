"""Regisseurs: the small corps of process directors.

They scan the town for initiatives (an initiative they spot is noticed within about a
week instead of months), become the single point of contact of the initiatives they
adopt (each regisseur guides ``caseload`` at once), and connect the departments an
initiative needs, so that most handoffs between them disappear. With a real mandate they
can direct departments: the extra approval layers are skipped and fewer decisions go up
to the college (003: friction disappears with a strong position and the power to direct).
Whether they keep the mandate during a fallback is the fallback regime's to say.

An initiative never queues for a regisseur: when the corps is full it simply goes the
ordinary way through the departments. The corps is therefore a count of case slots in
use, not a SimPy resource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

if TYPE_CHECKING:
    from sim.model.initiative import Initiative
    from sim.model.log import EventLog
    from sim.model.municipality import Regime
    from sim.scenario import Scenario


class RegisseurCorps:
    """The corps as ``corps_size * caseload`` case slots."""

    def __init__(self, env: simpy.Environment, cfg: Scenario, log: EventLog) -> None:
        self.env, self.log = env, log
        self.cfg = rc = cfg.regisseurs
        self.signal_weeks = cfg.municipality.signal_weeks
        self.capacity = rc.corps_size * rc.caseload
        self.in_use = 0
        self._area = 0.0
        self._since = self._last = 0.0
        demand = cfg.initiatives.arrival_rate
        # share of arriving initiatives the corps can spot early
        self.p_spot = min(1.0, rc.corps_size * rc.scan_per_week / demand)

    def start(self) -> None:
        pass

    def _account(self) -> None:
        now = self.env.now
        self._area += self.in_use * (now - self._last)
        self._last = now

    def reset_statistics(self) -> None:
        self._account()
        self._area = 0.0
        self._since = self.env.now

    def signal(self, ini: Initiative) -> tuple[bool, float]:
        """Did a scanning regisseur spot the initiative early, and the mean time to signal."""
        spotted = ini.rng.uniform() < self.p_spot
        return spotted, self.cfg.early_signal_weeks if spotted else self.signal_weeks

    def adopt(self, ini: Initiative) -> bool:
        """Become the initiative's single point of contact, if someone has room for it."""
        if self.in_use >= self.capacity:
            return False
        self._account()
        self.in_use += 1
        self.log.add(self.env.now, "initiative", ini.ident, "regisseur", ini.stage)
        return True

    def release(self) -> None:
        self._account()
        self.in_use -= 1

    def connected_share(self, ini: Initiative) -> float:
        """Share of the handoffs between departments that the initiative's regisseur avoids."""
        return self.cfg.connect_effect if ini.regisseur else 0.0

    def approval_layers(self, ini: Initiative, regime: Regime) -> int:
        """Approvals a decision needs; a regisseur with a mandate takes it through in one."""
        return 1 if ini.regisseur and regime.mandate else regime.approval_layers

    def escalation_prob(self, ini: Initiative, regime: Regime) -> float:
        """P(the decision goes up to the college); a mandate keeps some of them down."""
        if ini.regisseur and regime.mandate:
            return regime.escalation_prob * (1.0 - self.cfg.mandate_escalation_relief)
        return regime.escalation_prob

    def contribute(self, summary: dict[str, float]) -> None:
        self._account()
        span = self.env.now - self._since
        summary["utilisation_regisseurs"] = (self._area / (span * self.capacity)
                                             if self.capacity and span > 0 else float("nan"))
