"""Regisseurs: the small corps of process directors (002, 003).

With the aldermen they scan the town for initiatives (an initiative spotted early is
noticed within about a week instead of months), and they become the single point of
contact of the initiatives they adopt. Each guides ``caseload`` initiatives at once when
no energy is lost inside; the management in force decides how much is
(``regisseur_drain``, 001), so the corps' capacity shrinks under directive management.

Two competences (002): ``regie_share`` of the corps is strong in *regie*, making similar
actors cooperate: it connects the departments an initiative needs, so that most handoffs
disappear. The rest is strong in *verbinden*, bridging unlike actors: it links the
initiative to the network of other initiatives and gets the alderman to its crucial
meeting (003). Each does the other kind of work at ``off_skill`` of the effect. A corps
*with system* (``system``) matches competence to need: an initiative that must pass
several departments gets a regie-strong regisseur, the others a verbinden-strong one,
while that kind has room. Without system the initiative gets whoever it happens to meet
(002: connecting without system is aimless networking). With a real mandate they direct
departments: the decision of an initiative they guide needs no approval layers, and fewer
go up to the college (003). Whether they keep the mandate during a fallback is the
fallback regime's to say.

An initiative never queues for a regisseur: when the corps is full it simply goes the
ordinary way through the departments. The corps is therefore a count of case slots in
use per competence, not a SimPy resource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from sim.model.clock import Clock

if TYPE_CHECKING:
    from sim.model.initiative import Initiative
    from sim.model.log import EventLog
    from sim.model.municipality import Regime
    from sim.scenario import Scenario


class RegisseurCorps:
    """The corps as ``corps_size * caseload`` case slots."""

    def __init__(self, env: simpy.Environment, cfg: Scenario, log: EventLog) -> None:
        self.env, self.log = env, log
        self.clock = Clock(env)
        self.logging = log.enabled  # no log calls when it is off
        self.cfg = rc = cfg.regisseurs
        self.signal_weeks = cfg.municipality.signal_weeks
        # the values read on the hot path, read once
        self._early_weeks = rc.early_signal_weeks
        self._regie_share, self._off_skill = rc.regie_share, rc.off_skill
        self._connect, self._bridge = rc.connect_effect, rc.bridge_effect
        self._relief = rc.mandate_escalation_relief
        self._system = rc.system
        regie = int(rc.corps_size * rc.regie_share + 0.5)  # regisseurs strong in regie
        self.capacity = rc.corps_size * rc.caseload
        self.capacity_regie = regie * rc.caseload
        self.capacity_verbinden = self.capacity - self.capacity_regie
        self.in_use = self.in_use_regie = 0
        self._area = 0.0
        self._since = self._last = 0.0
        demand = cfg.initiatives.arrival_rate
        by_regisseurs = rc.corps_size * rc.scan_per_week
        by_aldermen = cfg.aldermen.college_size * cfg.aldermen.scan_per_week
        # share of arriving initiatives spotted early, and the part of it by aldermen
        self.p_spot = min(1.0, (by_regisseurs + by_aldermen) / demand)
        total = by_regisseurs + by_aldermen
        self.p_alderman = self.p_spot * by_aldermen / total if total else 0.0

    def start(self) -> None:
        pass

    def _account(self) -> None:
        now = self.clock.now()
        self._area += self.in_use * (now - self._last)
        self._last = now

    def reset_statistics(self) -> None:
        self._account()
        self._area = 0.0
        self._since = self.env.now

    def signal(self, ini: Initiative) -> tuple[bool, bool, float]:
        """Spotted early? By an alderman? And the mean time until it is noticed."""
        u = ini.rng.uniform()
        spotted = u < self.p_spot
        return spotted, u < self.p_alderman, self._early_weeks if spotted else self.signal_weeks

    def adopt(self, ini: Initiative, regime: Regime) -> bool:
        """Become the initiative's single point of contact, if someone has room for it.

        The room of each competence is its caseload left after the energy regisseurs lose
        inside their own organisation under the management in force. With system the
        initiative gets the competence it needs (regie for several departments), without
        it the one it happens to meet; the other competence takes it when that one is full.
        """
        keep = 1.0 - regime.regisseur_drain
        regie_room = self.in_use_regie < self.capacity_regie * keep
        verbinden_room = self.in_use - self.in_use_regie < self.capacity_verbinden * keep
        if not (regie_room or verbinden_room):
            return False
        # with system: the competence needed; without: whoever it happens to meet
        regie = ini.departments > 1 if self._system else ini.kind_u < self._regie_share
        if not (regie_room if regie else verbinden_room):
            regie = not regie
        self._account()
        self.in_use += 1
        self.in_use_regie += regie
        ini.regisseur = True
        ini.regie_kind = regie
        if self.logging:
            self.log.add(self.env.now, "initiative", ini.ident, "regisseur", ini.stage,
                         float(ini.regie_kind))
        return True

    def release(self, ini: Initiative) -> None:
        """The initiative's journey ended: its regisseur has room again."""
        self._account()
        self.in_use -= 1
        self.in_use_regie -= ini.regie_kind

    def _skill(self, ini: Initiative, regie: bool) -> float:
        return 1.0 if ini.regie_kind == regie else self._off_skill

    def connected_share(self, ini: Initiative) -> float:
        """Share of the handoffs between departments that the initiative's regisseur avoids."""
        return self._connect * self._skill(ini, regie=True) if ini.regisseur else 0.0

    def bridges(self, ini: Initiative) -> bool:
        """Does the initiative's regisseur bridge it to the network and the alderman?"""
        return ini.regisseur and ini.link_u < self._bridge * self._skill(ini, regie=False)

    def approval_layers(self, ini: Initiative, regime: Regime) -> int:
        """Approvals a decision needs; a regisseur with a mandate takes it through itself."""
        return 0 if ini.regisseur and regime.mandate else regime.approval_layers

    def escalation_prob(self, ini: Initiative, regime: Regime) -> float:
        """P(the decision goes up to the college); a mandate keeps some of them down."""
        if ini.regisseur and regime.mandate:
            return regime.escalation_prob * (1.0 - self._relief)
        return regime.escalation_prob

    def contribute(self, summary: dict[str, float]) -> None:
        self._account()
        span = self.env.now - self._since
        summary["utilisation_regisseurs"] = (self._area / (span * self.capacity)
                                             if self.capacity and span > 0 else float("nan"))
