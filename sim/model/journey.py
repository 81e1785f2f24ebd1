"""The journey of one initiative through the municipality, told top to bottom.

    signal -> intake -> (handoffs) -> dialogue -> decision -> realisation -> success

At every stage the initiative can stop: when waiting has used up its energy, when its
patience runs out, when it has decided to quit, or at the decision when the municipality
says no. Waiting drains energy and adds to the burden; each handoff between departments
costs time and energy and adds to the burden; a permit (the municipality's autonomous
role) takes time and may be refused; unclear frames send the decision back for rework
and turn dialogue into rounds of consensus-seeking; dialogue takes time and energy and
takes burden away, and a feedback culture does so after every stage; rounds of
consensus-seeking after the first are waiting, not relief.

The first contact (intake) forms the initiative's expectation; every later contact
(:meth:`Journey.contact`) lets it experience the roles the municipality takes now, and a
shortfall against what was promised disappoints it. A partnership that derails at a
contact, or that a fallback breaks at any moment (:meth:`Journey.break_partnership`), is a
breach the initiative remembers (see :mod:`sim.model.satisfaction`).

Each stage is a small generator that returns ``True`` while the initiative goes on; the
journey ends at the first ``False``, as a dropout at the stage it was in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim.model.clock import Clock, Timer
from sim.model.random import repeats
from sim.model.waiting import wait_for, wait_in_queue

if TYPE_CHECKING:
    from sim.model.aldermen import College
    from sim.model.initiative import Initiative
    from sim.model.log import EventLog
    from sim.model.managers import MiddleManagers
    from sim.model.municipality import Municipality
    from sim.model.network import Network
    from sim.model.pools import Pool
    from sim.model.regisseurs import RegisseurCorps
    from sim.scenario import Scenario

Stage = Generator[Any, Any, bool]


class Journey:
    """The stages of the journey, with the actors an initiative meets on its way."""

    def __init__(self, env: simpy.Environment, cfg: Scenario, log: EventLog,
                 municipality: Municipality, front_office: Pool, regisseurs: RegisseurCorps,
                 managers: MiddleManagers, college: College, network: Network,
                 leave: Callable[[Initiative, str], None],
                 intake_wait: Callable[[Initiative, float], None]) -> None:
        self.env, self.log = env, log
        self.clock = Clock(env)
        self.logging = log.enabled  # no log calls when it is off
        self.ic, self.mc, self.sc = ic, mc, sc = cfg.initiatives, cfg.municipality, cfg.satisfaction
        self.municipality = municipality
        self.front_office = front_office
        self.regisseurs = regisseurs
        self.managers = managers
        self.college = college
        self.network = network
        self._leave = leave
        self._intake_wait = intake_wait
        w = ic.complexity_weight
        self._base, self._weight = 1.0 - 0.5 * w, w
        # the scenario's values on the hot path, read once
        self._feedback_relief = mc.feedback_relief
        self._success_trust = mc.success_trust
        self._reject_frustration = mc.reject_frustration
        self._rebase = sc.rebase_expectations
        self._promise_weight = sc.promise_weight
        self._quit = ic.disappointment_quit
        self._breach_trust = cfg.breach.trust
        self._crucial = cfg.aldermen.crucial_meetings
        self._disappointment_trust = ic.disappointment_trust
        self._disappointment_energy = ic.disappointment_energy
        self._dialogue_weeks = ic.dialogue_weeks
        self._round_energy = mc.dialogue_round_energy
        self._dialogue_relief = mc.dialogue_relief
        self._handoff_weeks = mc.handoff_weeks
        self._handoff_energy = mc.handoff_energy
        self._handoff_frustration = mc.handoff_frustration
        self._intake_weeks = mc.intake_weeks
        self._permit_weeks, self._permit_reject = mc.permit_weeks, mc.permit_reject_prob
        self._rounds = mc.max_decision_rounds
        self._rework_frustration = mc.rework_frustration
        self._rework_share = ic.rework_dialogue_share
        self._realisation_weeks = ic.realisation_weeks
        self._realisation_drain = ic.realisation_drain

    def travel(self, ini: Initiative) -> Generator[Any, Any, None]:
        """One initiative's way through the municipality."""
        if not ((yield from self.signal(ini)) and (yield from self.intake(ini))
                and (yield from self.handoffs(ini)) and (yield from self.dialogue(ini))
                and (yield from self.decision(ini))):
            return self._leave(ini, "dropout")
        if not self._approved(ini):
            return self._leave(ini, "rejected")
        if not (self.contact(ini) and (yield from self.realisation(ini))):
            return self._leave(ini, "dropout")
        ini.gain_trust(self._success_trust)
        self.college.celebrate(ini)
        self.network.succeeded(ini)
        return self._leave(ini, "success")

    def _enter(self, ini: Initiative, stage: str) -> None:
        """The initiative enters ``stage`` (logged, for the classroom player)."""
        ini.stage = stage
        if self.logging:
            self.log.add(self.env.now, "initiative", ini.ident, "stage", stage,
                         ini.frustration)

    def stretch(self, ini: Initiative) -> float:
        """How much the initiative's complexity stretches dialogue and realisation."""
        return self._base + self._weight * ini.complexity

    # ---------------------------------------------------------------- the stages
    def signal(self, ini: Initiative) -> Stage:
        """Someone in the municipality has to notice the initiative."""
        spotted, by_alderman, mean = self.regisseurs.signal(ini)
        if not (yield from wait_for(self.clock, ini, mean * ini.rng.exp())):
            return False
        if self.logging:
            self.log.add(self.env.now, "initiative", ini.ident, "signalled", "intake",
                         float(spotted))
        if by_alderman:  # aldermen connect emerging networks to others (003)
            self.network.link(ini)
        return True

    def intake(self, ini: Initiative) -> Stage:
        """The first contact, at the front office; a regisseur may adopt the initiative."""
        ini.stage = "intake"
        mun = self.municipality
        ini.first_contact(mun.promised_fit(ini), mun.promises_partner(ini),
                          self._promise_weight)
        queued = ini.queue_weeks
        if not (yield from wait_in_queue(self.clock, ini, self.front_office,
                                         self._intake_weeks * ini.rng.exp())):
            return False
        self._intake_wait(ini, ini.queue_weeks - queued)
        if self.logging:  # served after waiting this long in the front office's queue
            self.log.add(self.env.now, "initiative", ini.ident, "queued", ini.stage,
                         ini.queue_weeks - queued)
        if self.regisseurs.adopt(ini, mun.regime) and self.regisseurs.bridges(ini):
            self.network.link(ini)
        return self.contact(ini)

    def handoffs(self, ini: Initiative) -> Stage:
        """From one department to the next (and, with an unclear process, pillar to post)."""
        self._enter(ini, "handoffs")
        clock = self.clock
        connected = self.regisseurs.connected_share(ini)
        n = self.municipality.handoffs_needed(ini, connected)
        if self._handoff_weeks == 0.0:  # handoffs take no time: all of them at once
            return self._instant_handoffs(ini, n)
        for _ in range(n):
            ini.handoffs += 1
            ini.add_frustration(self._handoff_frustration)
            ini.spend(self._handoff_energy)
            if self.logging:
                self.log.add(self.env.now, "initiative", ini.ident, "handoff", ini.stage,
                             ini.frustration)
            if not (yield from wait_for(clock, ini, self._handoff_weeks * ini.rng.exp())):
                return False
        return True

    def _instant_handoffs(self, ini: Initiative, n: int) -> bool:
        """``n`` handoffs that take no time, taken at once (however many misroutes an
        unclear process adds, the stage costs one step): the burden and the energy of
        each; the initiative goes on while it has energy."""
        if n:
            ini.handoffs += n
            ini.add_frustration(n * self._handoff_frustration)
            ini.spend(n * self._handoff_energy)
            if self.logging:
                self.log.add(self.env.now, "initiative", ini.ident, "handoff", ini.stage,
                             ini.frustration)
        return ini.going

    def dialogue(self, ini: Initiative) -> Stage:
        """Talk frames and needs through with the municipality."""
        self._enter(ini, "dialogue")
        return (yield from self._talk(ini, 1.0))

    def _talk(self, ini: Initiative, share: float) -> Stage:
        """Dialogue (``share`` of a full round): it takes time and energy in proportion to
        the dialogue habit in force and relieves the burden; without clear frames further
        rounds of consensus-seeking follow, the likelier the stronger the habit, each
        costing time and energy again without relief: the initiative waits through them
        (003: facilitating alone is not enough, "minder polderen")."""
        mun, clock, rng = self.municipality, self.clock, ini.rng
        stretch = self.stretch(ini)
        rounds = 0
        while True:
            # the regime in force may change while the initiative talks: read it each time
            scale = share * mun.regime.dialogue * self._dialogue_weeks * stretch
            weeks = scale * rng.exp()
            if rounds == 0:
                if weeks > 0.0:
                    yield Timer(clock, weeks)
            elif not (yield from wait_for(clock, ini, weeks)):
                return False
            dialogue = mun.regime.dialogue
            ini.spend(share * dialogue * self._round_energy)
            if rounds == 0:
                ini.relieve(share * self._dialogue_relief * dialogue)
            rounds += 1
            if not ini.going:
                break
            if scale == 0.0:  # rounds take no time: the further ones all at once
                further = self._instant_rounds(ini, share * dialogue * self._round_energy)
                if further and self.logging:
                    self.log.add(self.env.now, "initiative", ini.ident, "dialogue_round",
                                 ini.stage, float(rounds + further))
                break
            if rng.uniform() >= mun.regime.polder_prob:
                break
            if self.logging:
                self.log.add(self.env.now, "initiative", ini.ident, "dialogue_round", ini.stage,
                             float(rounds))
        return self.contact(ini)

    def _instant_rounds(self, ini: Initiative, energy: float) -> int:
        """Further rounds of consensus-seeking that take no time, taken at once: each
        follows with probability ``polder_prob`` (a geometric number, drawn from one
        uniform) and costs ``energy``, and they end where the energy does. Returns how
        many were taken."""
        n = repeats(ini.rng.uniform(), self.municipality.regime.polder_prob)
        if energy > 0.0:
            n = min(n, math.ceil(ini.energy / energy))
        ini.spend(n * energy)
        return n

    def decision(self, ini: Initiative) -> Stage:
        """A permit if needed, approvals, maybe the college, maybe back for rework."""
        self._enter(ini, "decision")
        env, mun, rng, regisseurs = self.env, self.municipality, ini.rng, self.regisseurs
        if "autonomous" in ini.needs:  # the municipality's own rules: not negotiable (004)
            if not (yield from wait_for(self.clock, ini, self._permit_weeks * rng.exp())):
                return False
            ini.refused = rng.uniform() < self._permit_reject
            if ini.refused:  # a refused permit is the decision
                ini.decided_at = self.clock.now()
                if self.logging:
                    self.log.add(env.now, "initiative", ini.ident, "permit_refused", ini.stage)
                return True
        crucial = self._crucial and regisseurs.bridges(ini)
        for _ in range(self._rounds):
            regime = mun.regime_for(ini)
            layers = regisseurs.approval_layers(ini, regime)
            if not (yield from self.managers.approve(ini, layers)):
                return False
            if rng.uniform() < regisseurs.escalation_prob(ini, regime):
                if not (yield from self.college.decide(ini, crucial)):
                    return False
                if crucial:  # the alderman at the crucial meeting settles the frames (003)
                    break
            if rng.uniform() >= mun.regime.rework_prob:
                break
            ini.add_frustration(self._rework_frustration)
            if self.logging:
                self.log.add(self.env.now, "initiative", ini.ident, "rework", ini.stage,
                             ini.frustration)
            if not (yield from self._talk(ini, self._rework_share)):
                return False
        ini.decided_at = self.clock.now()
        return True

    def _approved(self, ini: Initiative) -> bool:
        """Yes or no: a no is likelier when the municipality does not take the roles needed."""
        mun = self.municipality
        ini.fit_at_decision = mun.role_fit(ini)
        if ini.refused or ini.rng.uniform() < mun.reject_prob(ini):
            ini.add_frustration(self._reject_frustration)
            return False
        if self.logging:
            self.log.add(self.env.now, "initiative", ini.ident, "approved", ini.stage,
                         ini.frustration)
        return True

    def realisation(self, ini: Initiative) -> Stage:
        """The citizens do the work; lacking the support they need drains their energy."""
        self._enter(ini, "realisation")
        weeks = self._realisation_weeks * self.stretch(ini) * ini.rng.exp()
        drain = self._realisation_drain * (1.0 - self.municipality.support_fit(ini))
        if drain > 0.0 and weeks * drain >= ini.energy:
            yield Timer(self.clock, max(ini.energy, 0.0) / drain)
            ini.spend(ini.energy)
            return False
        yield Timer(self.clock, weeks)
        ini.spend(weeks * drain)
        return ini.going and self.contact(ini)

    # ---------------------------------------------------------------- contacts
    def contact(self, ini: Initiative) -> bool:
        """A moment of contact: feedback relieves, a partnership may derail (the weaker the
        weakest condition, the likelier), and the roles taken now are experienced.

        Where the municipality now takes fewer of the needed roles than it promised at
        first contact, the initiator is disappointed by the new shortfall: it loses trust
        and energy, and quits when the disappointment outweighs its tolerance. Returns
        whether the initiative goes on.
        """
        mun = self.municipality
        ini.relieve(self._feedback_relief * mun.regime.feedback)
        if mun.derails(ini):
            self._break(ini, "derailed")
        fit = mun.role_fit(ini)
        if self._rebase:
            ini.rebase(fit, self._promise_weight)
        new = ini.experience(fit)
        if new > 0.0:
            ini.lose_trust(self._disappointment_trust * new)
            ini.spend(self._disappointment_energy * new)
            if self.logging:
                self.log.add(self.env.now, "initiative", ini.ident, "disappointed", ini.stage, new)
        self._consider_quitting(ini)
        return ini.going

    def _consider_quitting(self, ini: Initiative) -> None:
        """Quit when the disappointment outweighs the initiative's tolerance."""
        if self._quit * ini.worst_shortfall * (1.0 - ini.trust) > ini.tolerance:
            ini.quit()
            if self.logging:
                self.log.add(self.env.now, "initiative", ini.ident, "quits", ini.stage)

    def break_partnership(self, ini: Initiative) -> bool:
        """The municipality falls back: a partnership under way is broken now, whatever
        stage the initiative is in (realisation included). Returns whether one was."""
        if not (ini.partnered and ini.going):
            return False
        self._break(ini, "breach")
        fit = self.municipality.role_fit(ini)
        if self._rebase:  # the counterfactual: the promise follows what is taken now
            ini.rebase(fit, self._promise_weight)
        shortfall = ini.promised - fit
        if shortfall > ini.worst_shortfall:
            ini.worst_shortfall = shortfall
        self._consider_quitting(ini)
        return True

    def _break(self, ini: Initiative, why: str) -> None:
        """The partnership ends (derailed or broken by a fallback) and is not taken up
        again. The initiator feels it as a breach, except in the counterfactual of
        re-formed expectations, where nothing was promised that could be broken."""
        ini.derailed = True
        if self._rebase or not ini.partnered:
            ini.partnered = False
        else:
            ini.suffer_breach(self._breach_trust)
        if self.logging:
            self.log.add(self.env.now, "initiative", ini.ident, why, ini.stage,
                         float(ini.breaches))
