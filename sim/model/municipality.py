"""The municipality as a whole: trust, tension, and falling back into the directing role.

**Trust** is the citizens' trust in the municipality (0..1). It sets how many initiatives
come forward, moves towards the trust of every initiator whose journey ends (their trust,
lowered by their frustration), rises when an alderman backs a success in
public, and each week drifts back towards its initial level (everything else the
municipality does anchors it).

**Tension** builds from a base pressure, political incidents, the run-up to elections,
budget cuts and a backlog of waiting items, and is released each week at a rate that
grows with the weakest of the four conditions (clear frames, clear process, dialogue,
feedback).

**Fallback**: when tension passes ``fallback.upper`` the municipality falls back into the
directing role, and stays there until tension falls below ``fallback.lower``
(hysteresis). During a fallback the regime of ``fallback.regime`` is in force: approval
layers and escalations at directive levels, managers inward and allocating less,
regisseurs losing energy inside, no mandate, partner work turned into regie. Where the
municipality was a partner,
the warning signs of 004 may show (each with its probability per episode); each lowers
one condition while the episode lasts, which slows the release of tension: a fallback in
a weak municipality feeds on itself. Falling back is a public act: at that moment every
initiative in a partnership with the municipality, wherever it is on its journey, has its
partnership broken (a breach, :meth:`Journey.break_partnership`; 004: those who felt they
were walking together feel betrayed). Each initiative also meets the changed regime at
its next contact (the roles it no longer gets, more layers and waits). Every episode is
recorded, with the warning signs that showed and the partnerships it broke.

**Promises** are the municipality's declared way of working: an initiative's first
contact forms its expectation from the roles of the municipality's own regime, whatever
regime is in force that week (:meth:`promised_fit`). **A derailed partnership** is not
taken up again: the municipality takes that initiative's decisions in the directing role
(:meth:`regime_for`).

**Tension release is conjunctive** (004: each missing condition is an alarm signal): the
weakest of the four conditions in force sets how fast tension is released.

The municipality checks its tension weekly, at the start of each week, and records the
weekly series then.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import simpy

from sim.model.clock import Clock, Timer
from sim.model.random import repeats
from sim.scenario import WarningSigns
from sim.styles import ROLES

if TYPE_CHECKING:
    from sim.model.aldermen import College
    from sim.model.initiative import Initiative
    from sim.model.initiatives import Initiatives
    from sim.model.log import EventLog
    from sim.model.managers import MiddleManagers
    from sim.model.pools import Pool
    from sim.scenario import Scenario

SIGNS: tuple[str, ...] = tuple(WarningSigns.model_fields)
"""The warning signs of 004, in the order their draws are made."""
SERIES_COLUMNS = ("week", "trust", "tension", "fallback", "active", "arrival_rate",
                  "queue_front_office", "queue_managers", "queue_college")


CONDITIONS: tuple[str, ...] = ("clear_frames", "clear_process", "dialogue", "feedback")
"""The four conditions of 004."""

ROLE_BIT: dict[str, int] = {role: 1 << b for b, role in enumerate(ROLES)}
"""Each role's bit in a role mask (a set of roles as an int, for the hot path)."""
SUPPORT: Final = ROLE_BIT["support"]
PARTNER: Final = ROLE_BIT["partner"]
NO_SUPPORT: Final = ~SUPPORT
NO_PARTNER: Final = ~PARTNER


def role_mask(roles: Iterable[str]) -> int:
    """The mask of a set of roles."""
    return sum(ROLE_BIT[role] for role in set(roles))


FIT: Final[tuple[tuple[float, ...], ...]] = tuple(
    tuple((needs & taken).bit_count() / needs.bit_count() if needs else math.nan
          for taken in range(1 << len(ROLES)))
    for needs in range(1 << len(ROLES)))
"""``FIT[needs][offered]``: the share of the roles needed that are offered (role masks)."""


@dataclass(frozen=True)
class Regime:
    """The settings in force: the municipality's own style, or the directing role.

    In the directing role (``fallback.regime``) every value takes the more directive of
    the municipality's own and the regime table's: more approval layers and escalations,
    managers more inward and allocating less, regisseurs losing more energy inside, the
    regime's mandate, and its roles withdrawn and taken. The warning signs that show
    lower their conditions (``lowered``).
    """

    approval_layers: int
    escalation_prob: float
    mandate: bool
    inward_share: float
    allocation: float
    regisseur_drain: float
    clear_frames: float
    clear_process: float
    dialogue: float
    feedback: float
    rework_prob: float
    polder_prob: float
    derail_prob: float
    release_rate: float
    offered: frozenset[str]
    offered_mask: int = field(init=False)
    """``offered`` as a role mask."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "offered_mask", role_mask(self.offered))

    @classmethod
    def of(cls, cfg: Scenario, fallback: bool,
           lowered: dict[str, float] | None = None) -> Regime:
        m, mm, tc, fr = cfg.municipality, cfg.middle_managers, cfg.tension, cfg.fallback.regime

        def more(own: float, directive: float) -> float:
            return max(own, directive) if fallback else own

        def less(own: float, directive: float) -> float:
            return min(own, directive) if fallback else own

        conditions = {"clear_frames": m.clear_frames, "clear_process": m.clear_process,
                      "dialogue": m.dialogue, "feedback": m.feedback}
        for name, factor in (lowered or {}).items():
            conditions[name] *= factor
        frames, dialogue = conditions["clear_frames"], conditions["dialogue"]
        offered = frozenset(m.roles_offered)
        if fallback:
            offered = (offered - set(fr.roles_withdrawn)) | set(fr.roles_taken)
        return cls(
            approval_layers=int(more(mm.approval_layers, fr.approval_layers)),
            escalation_prob=more(mm.escalation_prob, fr.escalation_prob),
            mandate=cfg.regisseurs.mandate and (fr.mandate or not fallback),
            inward_share=more(mm.inward_share, fr.inward_share),
            allocation=less(mm.allocation, fr.allocation),
            regisseur_drain=more(mm.regisseur_drain, fr.regisseur_drain),
            clear_frames=frames,
            clear_process=conditions["clear_process"],
            dialogue=dialogue,
            feedback=conditions["feedback"],
            # unclear frames send decisions back; dialogue prevents some of it
            rework_prob=m.rework_prob * (1.0 - frames)
            * (1.0 - m.dialogue_rework_prevention * dialogue),
            # dialogue without clear frames turns into rounds of consensus-seeking (003)
            polder_prob=m.polder_prob * dialogue * (1.0 - frames),
            # conjunctive: the weakest condition sets the risk that a partnership derails
            derail_prob=m.derail_prob * (1.0 - min(conditions.values())),
            # conjunctive: the weakest condition limits how fast tension is released (004)
            release_rate=min(1.0, tc.release_rate * (
                1.0 + tc.conditions_gain * min(conditions.values()))),
            offered=offered | {"autonomous"},
        )


def fallback_changes(cfg: Scenario) -> bool:
    """Whether the directing role differs from how this municipality already works: a
    directive municipality (or a consultative one that never took the partner role) has
    nothing to fall back from, so its episodes change no setting."""
    return Regime.of(cfg, fallback=True) != Regime.of(cfg, fallback=False)


class Municipality:
    """Municipal state (trust, tension, fallback) and the regime in force.

    Built first; :meth:`connect` then wires the actors whose state it watches (queues,
    election pressure) and those it tells when the regime changes.
    """

    def __init__(self, env: simpy.Environment, cfg: Scenario, log: EventLog,
                 warmup: float, signs: np.random.Generator) -> None:
        self.env, self.log, self.warmup = env, log, warmup
        self.clock = Clock(env)
        self.logging = log.enabled  # no log calls when it is off
        self.signs = signs
        self.cfg = cfg
        m = cfg.municipality  # the values read on the hot path, read once
        self._reject_prob, self._reject_mismatch = m.reject_prob, m.reject_mismatch
        self._misroute_prob = m.misroute_prob
        self._trust_learning = m.trust_learning
        self.trust = cfg.municipality.initial_trust
        self.tension = 0.0
        self.episodes: list[dict[str, Any]] = []
        self.support_back_at = -math.inf
        self.series: dict[str, list] = {k: [] for k in SERIES_COLUMNS}
        self.own_regime = Regime.of(cfg, fallback=False)
        self.directing = Regime.of(cfg, fallback=True)
        self.regime = self.own_regime
        self.in_fallback = False
        # the warning signs show only where there was a partner relation to step out of
        self.partner = "partner" in self.own_regime.offered

    def connect(self, front_office: Pool, managers: MiddleManagers, college: College,
                initiatives: Initiatives) -> None:
        self.front_office = front_office
        self.managers = managers
        self.college = college
        self.initiatives = initiatives

    def _switch_to(self, regime: Regime) -> None:
        """Change the regime in force, and tell the managers."""
        self.managers.work_under(regime)
        self.regime = regime

    def start(self) -> None:
        env = self.env
        env.process(self._weekly())
        for cut in self.cfg.tension.cuts:
            env.process(self._budget_cut(cut.week + self.warmup, cut.tension,
                                         cut.support_withdrawn_weeks))

    def reset_statistics(self) -> None:
        pass

    # -------------------------------------------------------- the roles in force
    def support_withdrawn(self) -> bool:
        """Is support withdrawn now, by a budget cut not yet over? (Time is never negative:
        without a cut the clock is not read.)"""
        return self.support_back_at > 0.0 and self.clock.now() < self.support_back_at

    def offered_roles(self) -> frozenset[str]:
        roles = self.regime.offered
        if self.support_withdrawn():
            roles = roles - {"support"}
        return roles

    def promised_fit(self, ini: Initiative) -> float:
        """Share of the roles the initiative needs that the municipality's declared way of
        working takes: what it promises at first contact, in fallback or not."""
        return FIT[ini.needs_mask][self.own_regime.offered_mask]

    def promises_partner(self, ini: Initiative) -> bool:
        """Does the initiative need the partner role, and does the municipality declare it?"""
        return bool(ini.needs_mask & self.own_regime.offered_mask & PARTNER)

    def regime_for(self, ini: Initiative) -> Regime:
        """The regime an initiative's decision meets: the one in force, or the directing
        role for one whose partnership derailed (the municipality's own rules dominate)."""
        if ini.derailed and not self.in_fallback:
            return self.directing
        return self.regime

    def role_fit(self, ini: Initiative) -> float:
        """Share of the roles the initiative needs that the municipality now takes (a
        partnership that derailed is not taken up again with that initiative)."""
        offered = self.regime.offered_mask
        if self.support_withdrawn():
            offered &= NO_SUPPORT
        if ini.derailed:
            offered &= NO_PARTNER
        return FIT[ini.needs_mask][offered]

    def derails(self, ini: Initiative) -> bool:
        """Does the initiative's partnership derail at this contact (weakest condition)?"""
        regime = self.regime
        if not (ini.needs_mask & regime.offered_mask & PARTNER) or ini.derailed:
            return False  # no partnership needed and offered, or it derailed before
        return ini.rng.uniform() < regime.derail_prob

    def reject_prob(self, ini: Initiative) -> float:
        return min(1.0, self._reject_prob + self._reject_mismatch * (1.0 - self.role_fit(ini)))

    def support_fit(self, ini: Initiative) -> float:
        """1 when the initiative gets the support it needs during realisation, else 0."""
        if not ini.needs_mask & SUPPORT:
            return 1.0
        offered = self.regime.offered_mask
        if self.support_withdrawn():
            offered &= NO_SUPPORT
        return 1.0 if offered & SUPPORT else 0.0

    def handoffs_needed(self, ini: Initiative, connected: float) -> int:
        """Handoffs on the way to the departments the initiative needs.

        Each move from one department to the next is a handoff unless it is avoided: a
        regisseur connects the departments (``connected``) or managers allocate across
        them. With an unclear process the initiative is also sent on from pillar to post
        (a geometric number of extra handoffs), which a single point of contact prevents.
        """
        rng = ini.rng
        avoided = 1.0 - (1.0 - connected) * (1.0 - self.regime.allocation)
        n = 0
        for _ in range(ini.departments - 1):
            if rng.uniform() >= avoided:
                n += 1
        p_misroute = self._misroute_prob * (1.0 - self.regime.clear_process) * (1.0 - connected)
        # each misroute is followed by another with probability p: one uniform, however
        # many follow
        return n + repeats(rng.uniform(), p_misroute)

    # -------------------------------------------------------- trust and tension
    def learn_trust(self, initiator_trust: float) -> None:
        self.trust += self._trust_learning * (initiator_trust - self.trust)

    def raise_trust(self, gain: float) -> None:
        self.trust += gain * (1.0 - self.trust)

    def add_tension(self, amount: float) -> None:
        self.tension += amount

    def _budget_cut(self, at: float, tension: float, withdrawn: float) -> Generator[Any, Any, None]:
        env = self.env
        yield Timer(self.clock, at)
        self.add_tension(tension)
        self.support_back_at = env.now + withdrawn
        if self.logging:
            self.log.add(env.now, "municipality", -1, "budget_cut", "", tension)

    def _queues(self) -> tuple[int, int, int]:
        """Items waiting at the front office, the managers and the college."""
        return (len(self.front_office.queue), self.managers.queue_length(),
                self.college.queue_length())

    def _weekly(self) -> Generator[Any, Any, None]:
        """Each week: pressure in, release out, fall back or recover, record the week."""
        env, cfg = self.env, self.cfg
        tc, fc, m = cfg.tension, cfg.fallback, cfg.municipality
        while True:
            queues = self._queues()  # the backlog; nothing moves until the week is recorded
            front, managers, college = queues
            pressure = (tc.base_pressure + self.college.election_pressure(env.now)
                        + tc.backlog_weight * max(0.0, front + managers + college
                                                  - tc.backlog_norm))
            self.tension = self.tension * (1.0 - self.regime.release_rate) + pressure
            self.trust += m.trust_recovery * (m.initial_trust - self.trust)
            if fc.enabled and not self.in_fallback and self.tension > fc.upper:
                self._fall_back()
            elif self.in_fallback and self.tension < fc.lower:
                self._recover()
            elif self.in_fallback:
                episode = self.episodes[-1]
                episode["peak_tension"] = max(episode["peak_tension"], self.tension)
            if env.now >= self.warmup:
                self._record(queues)
            yield Timer(self.clock, 1.0)

    def _fall_back(self) -> None:
        """Fall back into the directing role; the warning signs that show lower conditions."""
        signs = self.cfg.fallback.warning_signs
        draws = self.signs.random(len(SIGNS)).tolist()
        shown = [name for name, u in zip(SIGNS, draws, strict=True)
                 if self.partner and u < getattr(signs, name).prob]
        lowered: dict[str, float] = {}
        for name in shown:
            sign = getattr(signs, name)
            lowered[sign.condition] = lowered.get(sign.condition, 1.0) * (1.0 - sign.lowers)
        self.in_fallback = True
        self._switch_to(Regime.of(self.cfg, fallback=True, lowered=lowered))
        if self.logging:
            self.log.add(self.env.now, "municipality", -1, "fallback_start", "", self.tension)
        for name in shown:
            if self.logging:
                self.log.add(self.env.now, "municipality", -1, f"sign_{name}", "", self.tension)
        broken = self.initiatives.meet_fallback()
        self.episodes.append({"start_week": self.env.now - self.warmup, "end_week": math.nan,
                              "peak_tension": self.tension,
                              "initiatives_hit": len(self.initiatives.active),
                              "partnerships_broken": broken,
                              "warning_signs": "+".join(shown)})

    def _recover(self) -> None:
        self.in_fallback = False
        self._switch_to(self.own_regime)
        self.episodes[-1]["end_week"] = self.env.now - self.warmup
        if self.logging:
            self.log.add(self.env.now, "municipality", -1, "fallback_end", "", self.tension)

    def _record(self, queues: tuple[int, int, int]) -> None:
        s = self.series
        s["week"].append(self.env.now - self.warmup)
        s["trust"].append(self.trust)
        s["tension"].append(self.tension)
        s["fallback"].append(self.in_fallback)
        s["active"].append(len(self.initiatives.active))
        s["arrival_rate"].append(self.initiatives.arrival_rate(self.trust))
        s["queue_front_office"].append(queues[0])
        s["queue_managers"].append(queues[1])
        s["queue_college"].append(queues[2])

    # -------------------------------------------------------- outcomes
    def episode_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.episodes, columns=["start_week", "end_week", "peak_tension",
                                                    "initiatives_hit", "partnerships_broken",
                                                    "warning_signs"])

    def contribute(self, summary: dict[str, float]) -> None:
        """Fallback, trust and tension outcomes over the observation window.

        An episode counts when it is in force at any time in the window (one that began
        in the warm-up included); its initiatives hit count when it began in the window.
        """
        horizon = self.cfg.run.horizon_weeks
        weeks, episodes = 0.0, 0
        for ep in self.episodes:
            start = max(ep["start_week"], 0.0)
            end = horizon if math.isnan(ep["end_week"]) else ep["end_week"]
            weeks += max(0.0, end - start)
            episodes += end > 0.0
        summary["fallback_episodes"] = episodes
        summary["fallback_weeks"] = weeks
        summary["initiatives_hit_by_fallback"] = sum(
            ep["initiatives_hit"] for ep in self.episodes if ep["start_week"] >= 0)
        summary["partnerships_broken_by_fallback"] = sum(
            ep["partnerships_broken"] for ep in self.episodes if ep["start_week"] >= 0)
        series = self.series
        summary["mean_trust"] = (sum(series["trust"]) / len(series["trust"])
                                 if series["trust"] else math.nan)
        summary["final_trust"] = self.trust
        summary["mean_tension"] = (sum(series["tension"]) / len(series["tension"])
                                   if series["tension"] else math.nan)
