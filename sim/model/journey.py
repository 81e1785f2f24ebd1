"""The journey of one initiative through the municipality, told top to bottom.

    signal -> intake -> (handoffs) -> dialogue -> decision -> realisation -> success

At every stage the initiative can stop: when waiting has used up its energy, when its
patience runs out, when it has decided to quit (after a fallback), or at the decision
when the municipality says no. Waiting drains energy and adds frustration; each handoff
between departments costs time and energy and adds frustration; unclear frames send the
decision back for rework; dialogue renews energy and takes frustration away, and a
feedback culture does so after every stage.

Each stage is a small generator that returns ``True`` while the initiative goes on; the
journey ends at the first ``False``, as a dropout at the stage it was in.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim.model.waiting import wait_for, wait_in_queue

if TYPE_CHECKING:
    from sim.model.aldermen import College
    from sim.model.initiative import Initiative
    from sim.model.log import EventLog
    from sim.model.managers import MiddleManagers
    from sim.model.municipality import Municipality
    from sim.model.pools import Pool
    from sim.model.regisseurs import RegisseurCorps
    from sim.scenario import Scenario

Stage = Generator[Any, Any, bool]


class Journey:
    """The stages of the journey, with the actors an initiative meets on its way."""

    def __init__(self, env: simpy.Environment, cfg: Scenario, log: EventLog,
                 municipality: Municipality, front_office: Pool, regisseurs: RegisseurCorps,
                 managers: MiddleManagers, college: College,
                 leave: Callable[[Initiative, str], None],
                 intake_wait: Callable[[Initiative, float], None]) -> None:
        self.env, self.log = env, log
        self.ic, self.mc = cfg.initiatives, cfg.municipality
        self.municipality = municipality
        self.front_office = front_office
        self.regisseurs = regisseurs
        self.managers = managers
        self.college = college
        self._leave = leave
        self._intake_wait = intake_wait
        w = cfg.initiatives.complexity_weight
        self._base, self._weight = 1.0 - 0.5 * w, w

    def travel(self, ini: Initiative) -> Generator[Any, Any, None]:
        """One initiative's way through the municipality."""
        for stage in (self.signal, self.intake, self.handoffs, self.dialogue, self.decision):
            if not (yield from stage(ini)):
                return self._leave(ini, "dropout")
        if not self._approved(ini):
            return self._leave(ini, "rejected")
        if not (yield from self.realisation(ini)):
            return self._leave(ini, "dropout")
        ini.gain_trust(self.mc.success_trust)
        self.college.celebrate(ini)
        return self._leave(ini, "success")

    def stretch(self, ini: Initiative) -> float:
        """How much the initiative's complexity stretches dialogue and realisation."""
        return self._base + self._weight * ini.complexity

    # ---------------------------------------------------------------- the stages
    def signal(self, ini: Initiative) -> Stage:
        """Someone in the municipality has to notice the initiative."""
        spotted, mean = self.regisseurs.signal(ini)
        if not (yield from wait_for(self.env, ini, mean * ini.rng.exp())):
            return False
        self.log.add(self.env.now, "initiative", ini.ident, "signalled", "intake",
                     float(spotted))
        return True

    def intake(self, ini: Initiative) -> Stage:
        """The first contact, at the front office; a regisseur may adopt the initiative."""
        ini.stage = "intake"
        ini.contact = True
        queued = ini.queue_weeks
        if not (yield from wait_in_queue(self.env, ini, self.front_office,
                                         self.mc.intake_weeks * ini.rng.exp())):
            return False
        self._intake_wait(ini, ini.queue_weeks - queued)
        ini.regisseur = self.regisseurs.adopt(ini)
        self._after_stage(ini)
        return True

    def handoffs(self, ini: Initiative) -> Stage:
        """From one department to the next (and, with an unclear process, pillar to post)."""
        ini.stage = "handoffs"
        mc = self.mc
        connected = self.regisseurs.connected_share(ini)
        for _ in range(self.municipality.handoffs_needed(ini, connected)):
            ini.handoffs += 1
            ini.add_frustration(mc.handoff_frustration)
            ini.spend(mc.handoff_energy)
            self.log.add(self.env.now, "initiative", ini.ident, "handoff", ini.stage,
                         ini.frustration)
            if not (yield from wait_for(self.env, ini, mc.handoff_weeks * ini.rng.exp())):
                return False
        return True

    def dialogue(self, ini: Initiative) -> Stage:
        """Talk frames and needs through with the municipality."""
        ini.stage = "dialogue"
        return (yield from self._talk(ini, 1.0))

    def _talk(self, ini: Initiative, share: float) -> Stage:
        """A dialogue (``share`` of a full one): takes time, renews energy, relieves."""
        mc, dialogue = self.mc, self.municipality.regime.dialogue
        weeks = share * self.ic.dialogue_weeks * self.stretch(ini) * ini.rng.exp()
        if weeks > 0.0:
            yield self.env.timeout(weeks)
        ini.renew(share * mc.dialogue_energy * dialogue)
        ini.relieve(share * mc.dialogue_relief * dialogue)
        self._after_stage(ini)
        return ini.going

    def decision(self, ini: Initiative) -> Stage:
        """Approvals, maybe the college, maybe back for rework (a shorter dialogue)."""
        ini.stage = "decision"
        mun, mc = self.municipality, self.mc
        for _ in range(mc.max_decision_rounds):
            layers = self.regisseurs.approval_layers(ini, mun.regime)
            if not (yield from self.managers.approve(ini, layers)):
                return False
            if (ini.rng.uniform() < self.regisseurs.escalation_prob(ini, mun.regime)
                    and not (yield from self.college.decide(ini))):
                return False
            if ini.rng.uniform() >= mun.regime.rework_prob:
                break
            ini.add_frustration(mc.rework_frustration)
            self.log.add(self.env.now, "initiative", ini.ident, "rework", ini.stage,
                         ini.frustration)
            if not (yield from self._talk(ini, self.ic.rework_dialogue_share)):
                return False
        ini.decided_at = self.env.now
        return True

    def _approved(self, ini: Initiative) -> bool:
        """Yes or no: a no is likelier when the municipality does not take the roles needed."""
        if ini.rng.uniform() < self.municipality.reject_prob(ini):
            ini.add_frustration(self.mc.reject_frustration)
            return False
        self.log.add(self.env.now, "initiative", ini.ident, "approved", ini.stage,
                     ini.frustration)
        self._after_stage(ini)
        return True

    def realisation(self, ini: Initiative) -> Stage:
        """The citizens do the work; lacking the support they need drains their energy."""
        ini.stage = "realisation"
        weeks = self.ic.realisation_weeks * self.stretch(ini) * ini.rng.exp()
        drain = self.ic.realisation_drain * (1.0 - self.municipality.support_fit(ini))
        if drain > 0.0 and weeks * drain >= ini.energy:
            yield self.env.timeout(max(ini.energy, 0.0) / drain)
            ini.spend(ini.energy)
            return False
        yield self.env.timeout(weeks)
        ini.spend(weeks * drain)
        if not ini.going:
            return False
        self._after_stage(ini)
        return True

    def _after_stage(self, ini: Initiative) -> None:
        """Feedback culture: after each stage some frustration is talked away."""
        ini.relieve(self.mc.feedback_relief * self.municipality.regime.feedback)
