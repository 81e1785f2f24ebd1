"""The municipality as a whole: trust, tension, and falling back into the directing role.

**Trust** is the citizens' trust in the municipality (0..1). It sets how many initiatives
come forward, moves towards the trust of every initiator whose journey ends (their trust
times one minus half their frustration), rises when an alderman backs a success in
public, and each week drifts back towards its initial level (everything else the
municipality does anchors it).

**Tension** builds from a base pressure, political incidents, the run-up to elections,
budget cuts and a backlog of waiting items, and is released each week at a rate that
grows with the four conditions (clear frames, clear process, dialogue, feedback).

**Fallback**: when tension passes ``fallback.upper`` the municipality falls back into the
directing role, and stays there until tension falls below ``fallback.lower``
(hysteresis). During a fallback approval layers and escalations return to directive
levels, managers turn inward, regisseurs lose their mandate, partner and autonomous work
turn into regie, and dialogue and feedback shrink to directive levels. At the moment it
falls back, every active initiative takes a frustration jump and loses trust and energy:
initiators experience it as a betrayal, and some of them (the more, the less they still
trust the municipality) stop at their next moment of contact. Every episode is recorded.

The municipality checks its tension weekly, at the start of each week, and records the
weekly series then.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.styles import MANAGER_STYLES, STYLES

if TYPE_CHECKING:
    from sim.model.initiative import Initiative
    from sim.model.world import World
    from sim.scenario import Scenario

DIRECTIVE_MANAGERS = MANAGER_STYLES["directive"]
DIRECTIVE_CONDITIONS = STYLES["directive"]["municipality"]
SERIES_COLUMNS = ("week", "trust", "tension", "fallback", "active", "arrival_rate",
                  "queue_front_office", "queue_managers", "queue_college")


@dataclass(frozen=True)
class Regime:
    """The settings in force: the municipality's own style, or the directing role.

    In the directing role every value takes the more directive of the municipality's own
    and the directive preset's: more approval layers and escalations, managers more
    inward, less dialogue and feedback, no mandate, regie instead of partner work.
    """

    approval_layers: int
    escalation_prob: float
    mandate: bool
    inward_share: float
    dialogue: float
    feedback: float
    rework_prob: float
    release_rate: float
    offered: frozenset[str]

    @classmethod
    def of(cls, cfg: Scenario, fallback: bool) -> Regime:
        m, mm, tc = cfg.municipality, cfg.middle_managers, cfg.tension
        dm, dc = DIRECTIVE_MANAGERS, DIRECTIVE_CONDITIONS

        def more(own: float, directive: float) -> float:
            return max(own, directive) if fallback else own

        def less(own: float, directive: float) -> float:
            return min(own, directive) if fallback else own

        dialogue, feedback = less(m.dialogue, dc["dialogue"]), less(m.feedback, dc["feedback"])
        relief = less(mm.rework_relief, dm["rework_relief"])
        conditions = m.clear_frames + m.clear_process + dialogue + feedback
        offered = frozenset(m.roles_offered)
        if fallback:
            offered = (offered - {"partner", "autonomous"}) | {"regie"}
        return cls(
            approval_layers=int(more(mm.approval_layers, dm["approval_layers"])),
            escalation_prob=more(mm.escalation_prob, dm["escalation_prob"]),
            mandate=cfg.regisseurs.mandate and not fallback,
            inward_share=more(mm.inward_share, dm["inward_share"]),
            dialogue=dialogue,
            feedback=feedback,
            # unclear frames send decisions back; dialogue and conversing managers prevent it
            rework_prob=m.rework_prob * (1.0 - m.clear_frames) * (1.0 - 0.6 * dialogue)
            * (1.0 - relief),
            # tension is released faster the stronger the four conditions in force
            release_rate=min(1.0, tc.release_rate * (1.0 + tc.conditions_gain * conditions / 4)),
            offered=offered,
        )


def _ident(ini: Initiative) -> int:
    return ini.ident


class Municipality:
    """Municipal state (trust, tension, fallback) and the style in force."""

    def __init__(self, world: World) -> None:
        self.world = world
        cfg = world.cfg
        self.cfg = cfg
        self.trust = cfg.municipality.initial_trust
        self.tension = 0.0
        self.episodes: list[dict[str, float]] = []
        self.support_back_at = -math.inf
        self.series: dict[str, list] = {k: [] for k in SERIES_COLUMNS}
        self.own_regime = Regime.of(cfg, fallback=False)
        self.fallback_regime = Regime.of(cfg, fallback=True)
        self.regime = self.own_regime

    @property
    def in_fallback(self) -> bool:
        return self.regime is self.fallback_regime

    def _switch_to(self, regime: Regime) -> None:
        """Change the regime in force (managers account their inward time first)."""
        self.world.managers.style_changes()
        self.regime = regime

    def start(self) -> None:
        env = self.world.env
        env.process(self._weekly())
        for cut in self.cfg.tension.cuts:
            env.process(self._budget_cut(cut.week + self.world.warmup, cut.tension,
                                         cut.support_withdrawn_weeks))

    def reset_statistics(self) -> None:
        pass

    # -------------------------------------------------------- the style in force
    def approval_layers(self, ini: Initiative) -> int:
        """Approvals a decision needs; a regisseur with a mandate takes it through in one."""
        r = self.regime
        return 1 if ini.regisseur and r.mandate else r.approval_layers

    def escalation_prob(self, ini: Initiative) -> float:
        r = self.regime
        if ini.regisseur and r.mandate:
            return r.escalation_prob * (1.0 - self.cfg.regisseurs.mandate_escalation_relief)
        return r.escalation_prob

    def inward_share(self) -> float:
        return self.regime.inward_share

    def dialogue(self) -> float:
        return self.regime.dialogue

    def feedback(self) -> float:
        return self.regime.feedback

    def rework_prob(self) -> float:
        return self.regime.rework_prob

    def offered_roles(self) -> frozenset[str]:
        roles = self.regime.offered
        if self.world.env.now < self.support_back_at:
            roles = roles - {"support"}
        return roles

    def role_fit(self, ini: Initiative) -> float:
        """Share of the roles the initiative needs that the municipality now takes."""
        return len(ini.needs & self.offered_roles()) / len(ini.needs)

    def reject_prob(self, ini: Initiative) -> float:
        m = self.cfg.municipality
        return min(1.0, m.reject_prob + m.reject_mismatch * (1.0 - self.role_fit(ini)))

    def support_fit(self, ini: Initiative) -> float:
        """1 when the initiative gets the support it needs during realisation, else 0."""
        return 0.0 if "support" in ini.needs and "support" not in self.offered_roles() else 1.0

    def handoffs_needed(self, ini: Initiative) -> int:
        """Handoffs on the way to the departments the initiative needs.

        Each move from one department to the next is a handoff unless a regisseur connects
        them; and with an unclear process the initiative is sent on from pillar to post
        (a geometric number of extra handoffs), which a single point of contact prevents.
        """
        m, rc = self.cfg.municipality, self.cfg.regisseurs
        rng = ini.rng
        connect = rc.connect_effect if ini.regisseur else 0.0
        n = sum(1 for _ in range(ini.departments - 1) if rng.uniform() >= connect)
        p_misroute = m.misroute_prob * (1.0 - m.clear_process) * (1.0 - connect)
        while rng.uniform() < p_misroute:
            n += 1
        return n

    # -------------------------------------------------------- trust and tension
    def learn_trust(self, initiator_trust: float) -> None:
        self.trust += self.cfg.municipality.trust_learning * (initiator_trust - self.trust)

    def raise_trust(self, gain: float) -> None:
        self.trust += gain * (1.0 - self.trust)

    def add_tension(self, amount: float) -> None:
        self.tension += amount

    def _budget_cut(self, at: float, tension: float, withdrawn: float) -> Generator[Any, Any, None]:
        env = self.world.env
        yield env.timeout(at)
        self.add_tension(tension)
        self.support_back_at = env.now + withdrawn
        self.world.log.add(env.now, "municipality", -1, "budget_cut", "", tension)

    def _weekly(self) -> Generator[Any, Any, None]:
        """Each week: pressure in, release out, fall back or recover, record the week."""
        w = self.world
        env, cfg = w.env, self.cfg
        tc, fc = cfg.tension, cfg.fallback
        while True:
            backlog = w.front_office_queue() + w.managers.queue_length() + (
                w.college.queue_length())
            pressure = (tc.base_pressure + w.college.election_pressure(env.now)
                        + tc.backlog_weight * max(0.0, backlog - tc.backlog_norm))
            self.tension = self.tension * (1.0 - self.regime.release_rate) + pressure
            m = cfg.municipality
            self.trust += m.trust_recovery * (m.initial_trust - self.trust)
            if fc.enabled and not self.in_fallback and self.tension > fc.upper:
                self._fall_back()
            elif self.in_fallback and self.tension < fc.lower:
                self._recover()
            elif self.in_fallback:
                episode = self.episodes[-1]
                episode["peak_tension"] = max(episode["peak_tension"], self.tension)
            if env.now >= w.warmup:
                self._record()
            yield env.timeout(1.0)

    def _fall_back(self) -> None:
        w = self.world
        fc = self.cfg.fallback
        self._switch_to(self.fallback_regime)
        hit = list(w.initiatives.active)
        w.log.add(w.env.now, "municipality", -1, "fallback_start", "", self.tension)
        betrayal = w.streams["betrayal"]
        draws = betrayal.random(len(hit)).tolist()
        for ini, u in zip(sorted(hit, key=_ident), draws, strict=True):
            ini.add_frustration(fc.frustration_jump)
            ini.trust = max(0.0, ini.trust - fc.trust_loss)
            ini.energy -= fc.energy_loss
            quits = u < fc.quit_share * (1.0 - ini.trust)
            if quits:
                ini.energy = 0.0  # they stop at their next moment of contact
            w.log.add(w.env.now, "initiative", ini.ident, "fallback_hit", ini.stage,
                      float(quits))
        self.episodes.append({"start_week": w.env.now - w.warmup, "end_week": math.nan,
                              "peak_tension": self.tension, "initiatives_hit": len(hit)})

    def _recover(self) -> None:
        w = self.world
        self._switch_to(self.own_regime)
        self.episodes[-1]["end_week"] = w.env.now - w.warmup
        w.log.add(w.env.now, "municipality", -1, "fallback_end", "", self.tension)

    def _record(self) -> None:
        w = self.world
        s = self.series
        ic = self.cfg.initiatives
        s["week"].append(w.env.now - w.warmup)
        s["trust"].append(self.trust)
        s["tension"].append(self.tension)
        s["fallback"].append(self.in_fallback)
        s["active"].append(len(w.initiatives.active))
        s["arrival_rate"].append(ic.arrival_rate * max(
            0.0, 1.0 + ic.trust_elasticity * (self.trust - self.cfg.municipality.initial_trust)))
        s["queue_front_office"].append(w.front_office_queue())
        s["queue_managers"].append(w.managers.queue_length())
        s["queue_college"].append(w.college.queue_length())

    # -------------------------------------------------------- outcomes
    def episode_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.episodes, columns=["start_week", "end_week", "peak_tension",
                                                    "initiatives_hit"])

    def contribute(self, summary: dict[str, float]) -> None:
        horizon = self.cfg.run.horizon_weeks
        weeks = 0.0
        for ep in self.episodes:
            start = max(ep["start_week"], 0.0)
            end = horizon if math.isnan(ep["end_week"]) else ep["end_week"]
            weeks += max(0.0, end - start)
        summary["fallback_episodes"] = sum(1 for ep in self.episodes if ep["start_week"] >= 0)
        summary["fallback_weeks"] = weeks
        summary["initiatives_hit_by_fallback"] = sum(
            ep["initiatives_hit"] for ep in self.episodes if ep["start_week"] >= 0)
        series = self.series
        summary["mean_trust"] = (sum(series["trust"]) / len(series["trust"])
                                 if series["trust"] else math.nan)
        summary["final_trust"] = self.trust
        summary["mean_tension"] = (sum(series["tension"]) / len(series["tension"])
                                   if series["tension"] else math.nan)
