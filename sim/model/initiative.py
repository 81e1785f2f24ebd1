"""Citizen initiatives: who arrives, and the journey through the municipality.

An initiative is a group of citizens with a plan, some energy, some trust in the
municipality and a limited patience. Its journey reads as the story a trainer would tell:

    signal -> intake -> (handoffs) -> dialogue -> decision -> realisation -> success

At every stage it can stop: when waiting has used up its energy, when its patience runs
out, or at the decision when the municipality says no. Waiting drains energy and adds
frustration; each handoff between departments costs time and adds frustration; unclear
frames send the decision back for rework; dialogue renews energy and takes frustration
away, feedback does so after every stage. When the municipality falls back into the
directing role, every active initiative takes a frustration jump and loses trust and
energy (applied by :mod:`sim.model.municipality`). At exit each initiative's trust feeds
back into the municipality's trust, which sets how many new initiatives come forward.

This module owns the arrivals, the journeys and every per-initiative outcome.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.model.random import CandidateDraws, PrivateSupply
from sim.model.waiting import wait_for, wait_in_queue
from sim.styles import ROLES

if TYPE_CHECKING:
    from sim.model.world import World

STAGES: tuple[str, ...] = ("signal", "intake", "dialogue", "decision", "realisation")
OUTCOMES: tuple[str, ...] = ("success", "rejected", "dropout")
FRUSTRATION_BINS = 10
"""Frustration at exit is also reported as counts in ten bins of width 0.1."""
PATIENCE_SHAPE = 4.0
MAX_ROUNDS = 8
"""Decision rounds (rework loops) after which the municipality decides regardless."""


class Initiative:
    """One citizen initiative and its state along the journey."""

    __slots__ = ("arrival", "complexity", "contact", "counted", "decided_at", "departments",
                 "drain", "energy", "frustration", "handoffs", "ident", "needs",
                 "patience_end", "queue_weeks", "regisseur", "rng", "stage", "trust",
                 "wait_frustration")

    def __init__(self, ident: int, arrival: float, counted: bool) -> None:
        self.ident = ident
        self.arrival = arrival
        self.counted = counted
        self.stage = "signal"
        self.contact = False
        self.regisseur = False
        self.handoffs = 0
        self.frustration = 0.0
        self.queue_weeks = 0.0
        self.decided_at = math.nan

    def limit(self, now: float) -> float:
        """Weeks of further waiting before energy or patience runs out."""
        lim = self.patience_end - now
        if self.drain > 0.0:
            lim = min(lim, self.energy / self.drain)
        return max(lim, 0.0)

    def waited(self, weeks: float) -> None:
        self.energy -= self.drain * weeks
        self.add_frustration(self.wait_frustration * weeks)

    def add_frustration(self, amount: float) -> None:
        self.frustration = min(1.0, self.frustration + amount)

    def relieve(self, share: float) -> None:
        self.frustration *= 1.0 - share


class Initiatives:
    """The arrival stream, the journeys, and the ledger of every initiative's exit."""

    def __init__(self, world: World) -> None:
        self.world = world
        cfg = world.cfg
        self.cfg = cfg.initiatives
        self.mun_cfg = cfg.municipality
        self.draws = CandidateDraws(world.streams, cfg.municipality.departments - 1,
                                    self._attributes)
        self.overflow = world.streams["overflow"]
        self.active: set[Initiative] = set()
        self.ledger: dict[str, list] = {k: [] for k in (
            "id", "arrival_week", "exit_week", "outcome", "stage", "frustration", "energy",
            "trust", "handoffs", "regisseur", "contact", "weeks_to_decision",
            "weeks_to_realisation", "queue_weeks")}
        self.arrivals = 0
        self._intake_waits: list[float] = []
        ic = self.cfg
        self._drain = ic.energy_drain
        self._wait_frustration = ic.waiting_frustration
        # the needed roles for each bit mask over ROLES; an initiative needing nothing
        # named still needs support
        self._needs = [frozenset(r for b, r in enumerate(ROLES) if mask >> b & 1)
                       or frozenset(("support",)) for mask in range(1 << len(ROLES))]

    # ---------------------------------------------------------------- arrivals
    def start(self) -> None:
        self.world.env.process(self._arrivals())

    def reset_statistics(self) -> None:
        pass  # only initiatives arriving after the warm-up are counted

    def _arrivals(self) -> Generator[Any, Any, None]:
        """Poisson arrivals whose rate follows trust (exact, by thinning)."""
        w = self.world
        env, mun = w.env, w.municipality
        ic, t0 = self.cfg, self.mun_cfg.initial_trust
        rate, elasticity = ic.arrival_rate, ic.trust_elasticity
        rate_max = rate * (1.0 + elasticity * (1.0 - t0))
        rng = w.streams["arrivals"]
        k = 0
        while True:
            gaps = (rng.standard_exponential(512) / rate_max).tolist()
            accepts = rng.random(512).tolist()
            for gap, u in zip(gaps, accepts, strict=True):
                yield env.timeout(gap)
                current = rate * max(0.0, 1.0 + elasticity * (mun.trust - t0))
                if u * rate_max < current:
                    env.process(self._journey(self._new(k)))
                k += 1

    def _new(self, k: int) -> Initiative:
        """Candidate k becomes an initiative: its attributes come from its own draws."""
        w = self.world
        ic = self.cfg
        attrs, exps, unis = self.draws.get(k)
        now = w.env.now
        ini = Initiative(k, now, now >= w.warmup)
        ini.rng = PrivateSupply(exps, unis, self.overflow)
        ini.complexity, ini.energy, trust_z, patience, ini.departments, needs = attrs
        ini.trust = min(1.0, max(0.0, w.municipality.trust + ic.trust_spread * trust_z))
        ini.patience_end = now + patience
        ini.needs = self._needs[needs]
        ini.drain = self._drain
        ini.wait_frustration = self._wait_frustration
        self.active.add(ini)
        if ini.counted:
            self.arrivals += 1
        w.log.add(now, "initiative", k, "arrive", "signal", ini.energy)
        return ini

    def _attributes(self, u: np.ndarray, roles: np.ndarray) -> list[tuple]:
        """Turn a block of uniforms into attributes, by inverse CDFs (column by column).

        Per candidate: complexity ~ Beta(alpha, beta); initial energy ~ Beta with the given
        mean and concentration; the initiator's trust offset ~ N(0, 1) (scaled by
        trust_spread); patience ~ Gamma(shape 4) with the given mean (most initiators about
        equally patient); departments = 1 + the number of further departments, each
        involved with probability department_spread * complexity; and the roles it needs,
        as a bit mask over ROLES (each with its probability in role_needs).
        """
        ic = self.cfg
        complexity = stats.beta.ppf(u[:, 0], ic.complexity_alpha, ic.complexity_beta)
        a = ic.energy_mean * ic.energy_concentration
        energy = stats.beta.ppf(u[:, 1], a, ic.energy_concentration - a)
        trust_z = stats.norm.ppf(u[:, 2])
        patience = (np.full(len(u), math.inf) if math.isinf(ic.patience_weeks)
                    else stats.gamma.ppf(u[:, 3], PATIENCE_SHAPE) * ic.patience_weeks
                    / PATIENCE_SHAPE)
        spread = ic.department_spread * complexity
        departments = 1 + (u[:, 4:] < spread[:, None]).sum(axis=1)
        probs = np.array([getattr(ic.role_needs, role) for role in ROLES])
        needs = (roles < probs) @ (1 << np.arange(len(ROLES)))
        return list(zip(complexity.tolist(), energy.tolist(), trust_z.tolist(),
                        patience.tolist(), departments.tolist(), needs.tolist(), strict=True))

    # ---------------------------------------------------------------- journey
    def _journey(self, ini: Initiative) -> Generator[Any, Any, None]:
        """One initiative's way through the municipality, top to bottom."""
        w = self.world
        env, mc, ic = w.env, self.mun_cfg, self.cfg
        mun, log = w.municipality, w.log

        # signal: someone in the municipality has to notice the initiative
        spotted = w.regisseurs.spots(ini)
        mean = w.regisseurs.cfg.early_signal_weeks if spotted else mc.signal_weeks
        if not (yield from wait_for(env, ini, mean * ini.rng.exp())):
            return self._exit(ini, "dropout")
        log.add(env.now, "initiative", ini.ident, "signalled", "intake", float(spotted))

        # intake at the front office: the first contact
        ini.stage = "intake"
        ini.contact = True
        queued = ini.queue_weeks
        if not (yield from wait_in_queue(env, ini, w.front_office,
                                         mc.intake_weeks * ini.rng.exp())):
            return self._exit(ini, "dropout")
        if ini.counted:
            self._intake_waits.append(ini.queue_weeks - queued)
        ini.regisseur = w.regisseurs.adopt(ini)
        self._after_stage(ini)

        # routing: from one department to the next (and, without a clear process,
        # from pillar to post)
        for _ in range(mun.handoffs_needed(ini)):
            ini.handoffs += 1
            ini.add_frustration(mc.handoff_frustration)
            ini.energy -= mc.handoff_energy
            log.add(env.now, "initiative", ini.ident, "handoff", ini.stage, ini.frustration)
            if not (yield from wait_for(env, ini, mc.handoff_weeks * ini.rng.exp())):
                return self._exit(ini, "dropout")

        # dialogue about frames and needs
        ini.stage = "dialogue"
        if not (yield from self._dialogue(ini, 1.0)):
            return self._exit(ini, "dropout")

        # decision: approvals, maybe the college, maybe back for rework
        ini.stage = "decision"
        for _ in range(MAX_ROUNDS):
            if not (yield from w.managers.approve(ini)):
                return self._exit(ini, "dropout")
            if w.college.escalates(ini) and not (yield from w.college.decide(ini)):
                return self._exit(ini, "dropout")
            if ini.rng.uniform() >= mun.rework_prob():
                break
            ini.add_frustration(mc.rework_frustration)
            log.add(env.now, "initiative", ini.ident, "rework", ini.stage, ini.frustration)
            if not (yield from self._dialogue(ini, 0.5)):
                return self._exit(ini, "dropout")
        ini.decided_at = env.now
        if ini.rng.uniform() < mun.reject_prob(ini):
            ini.add_frustration(mc.reject_frustration)
            return self._exit(ini, "rejected")
        log.add(env.now, "initiative", ini.ident, "approved", ini.stage, ini.frustration)
        self._after_stage(ini)

        # realisation: the citizens do the work; lacking support drains their energy
        ini.stage = "realisation"
        weeks = ic.realisation_weeks * (0.5 + ini.complexity) * ini.rng.exp()
        drain = ic.realisation_drain * (1.0 - mun.support_fit(ini))
        if drain > 0.0 and weeks * drain >= ini.energy:
            yield env.timeout(max(ini.energy, 0.0) / drain)
            ini.energy = 0.0
            return self._exit(ini, "dropout")
        yield env.timeout(weeks)
        ini.energy -= weeks * drain
        if ini.energy <= 0.0:
            return self._exit(ini, "dropout")
        self._after_stage(ini)
        ini.trust = min(1.0, ini.trust + mc.success_trust * (1.0 - ini.trust))
        w.college.celebrate(ini)
        return self._exit(ini, "success")

    def _dialogue(self, ini: Initiative, share: float) -> Generator[Any, Any, bool]:
        """Talk it through: takes time, renews energy and takes frustration away."""
        w = self.world
        mc, dialogue = self.mun_cfg, w.municipality.dialogue()
        weeks = share * self.cfg.dialogue_weeks * (0.5 + ini.complexity) * ini.rng.exp()
        if weeks > 0.0:
            yield w.env.timeout(weeks)
        ini.energy = min(1.0, ini.energy + share * mc.dialogue_energy * dialogue)
        ini.relieve(share * mc.dialogue_relief * dialogue)
        self._after_stage(ini)
        return ini.energy > 0.0

    def _after_stage(self, ini: Initiative) -> None:
        """Feedback culture: after each stage some frustration is talked away."""
        ini.relieve(self.mun_cfg.feedback_relief * self.world.municipality.feedback())

    def _exit(self, ini: Initiative, outcome: str) -> None:
        """The journey ends: record it, and let the initiator's trust move the town's."""
        w = self.world
        now = w.env.now
        self.active.discard(ini)
        if outcome == "dropout":
            ini.add_frustration(self.cfg.dropout_frustration)
        if ini.regisseur:
            w.regisseurs.release()
        exit_trust = ini.trust * (1.0 - 0.5 * ini.frustration)
        w.municipality.learn_trust(exit_trust)
        w.log.add(now, "initiative", ini.ident, outcome, ini.stage, ini.frustration)
        if not ini.counted:
            return
        led = self.ledger
        led["id"].append(ini.ident)
        led["arrival_week"].append(ini.arrival - w.warmup)
        led["exit_week"].append(now - w.warmup)
        led["outcome"].append(outcome)
        led["stage"].append(ini.stage)
        led["frustration"].append(ini.frustration)
        led["energy"].append(max(ini.energy, 0.0))
        led["trust"].append(exit_trust)
        led["handoffs"].append(ini.handoffs)
        led["regisseur"].append(ini.regisseur)
        led["contact"].append(ini.contact)
        led["weeks_to_decision"].append(ini.decided_at - ini.arrival)
        led["weeks_to_realisation"].append(now - ini.decided_at if outcome == "success"
                                           else math.nan)
        led["queue_weeks"].append(ini.queue_weeks)

    # ---------------------------------------------------------------- outcomes
    def frame(self) -> pd.DataFrame:
        """One row per initiative that arrived in the observation window (active ones too)."""
        w = self.world
        df = pd.DataFrame(self.ledger)
        still = [i for i in self.active if i.counted]
        if still:
            rows = pd.DataFrame({
                "id": [i.ident for i in still],
                "arrival_week": [i.arrival - w.warmup for i in still],
                "exit_week": math.nan, "outcome": "in_progress",
                "stage": [i.stage for i in still],
                "frustration": [i.frustration for i in still],
                "energy": [max(i.energy, 0.0) for i in still],
                "trust": [i.trust for i in still],
                "handoffs": [i.handoffs for i in still],
                "regisseur": [i.regisseur for i in still],
                "contact": [i.contact for i in still],
                "weeks_to_decision": [i.decided_at - i.arrival for i in still],
                "weeks_to_realisation": math.nan,
                "queue_weeks": [i.queue_weeks for i in still],
            })
            df = pd.concat([df, rows], ignore_index=True) if len(df) else rows
        return df.sort_values("id", ignore_index=True)

    def contribute(self, summary: dict[str, float]) -> None:
        led = self.ledger
        n_exit = len(led["outcome"])
        outcome = np.asarray(led["outcome"], dtype=object)
        stage = np.asarray(led["stage"], dtype=object)
        frustration = np.asarray(led["frustration"], dtype=float)
        contact = np.asarray(led["contact"], dtype=bool)
        summary["arrivals"] = self.arrivals
        summary["finished"] = n_exit
        still = [i.stage for i in self.active if i.counted]
        summary["in_progress"] = len(still)
        for st in STAGES:
            summary[f"in_progress_{st}"] = still.count(st)
        summary["successes"] = int(np.sum(outcome == "success"))
        summary["rejected"] = int(np.sum(outcome == "rejected"))
        dropped = outcome == "dropout"
        summary["dropouts"] = int(np.sum(dropped))
        for s in STAGES:
            summary[f"dropouts_{s}"] = int(np.sum(dropped & (stage == s)))
        summary["success_rate"] = summary["successes"] / n_exit if n_exit else math.nan
        summary["weeks_to_decision"] = _nanmean(led["weeks_to_decision"])
        summary["weeks_to_realisation"] = _nanmean(led["weeks_to_realisation"])
        summary["frustration"] = float(frustration.mean()) if n_exit else math.nan
        threshold = self.cfg.dissatisfied_threshold
        summary["share_dissatisfied"] = (float(np.mean(frustration[contact] > threshold))
                                         if contact.any() else math.nan)
        counts = np.histogram(frustration, bins=FRUSTRATION_BINS, range=(0.0, 1.0))[0]
        for k, count in enumerate(counts.tolist()):
            summary[f"frustration_bin_{k}"] = count
        summary["handoffs_per_initiative"] = (float(np.mean(led["handoffs"])) if n_exit
                                              else math.nan)
        summary["share_with_regisseur"] = (float(np.mean(led["regisseur"])) if n_exit
                                           else math.nan)
        summary["intake_wait"] = (float(np.mean(self._intake_waits)) if self._intake_waits
                                  else math.nan)


def _nanmean(values: list[float]) -> float:
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    return float(arr.mean()) if arr.size else math.nan
