"""Citizen initiatives as a whole: who arrives, who is under way, and the ledger.

Initiatives come forward as a Poisson stream whose rate follows the municipality's trust.
Each one's attributes (complexity, energy, trust, patience, departments, needed roles)
come from its own candidate draws, so every style meets the same citizens. Each travels
its :class:`~sim.model.journey.Journey`; when it leaves, its row goes into the
:class:`~sim.model.ledger.Ledger` and the trust it leaves with moves the town's trust.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.model import underway
from sim.model.clock import Clock, Timer
from sim.model.initiative import Initiative
from sim.model.ledger import Ledger
from sim.model.municipality import role_mask
from sim.model.random import (
    ATTRIBUTE_COLUMNS,
    CandidateDraws,
    PrivateSupply,
    Streams,
    beta_ppf,
    gamma_ppf,
    norm_ppf,
    poisson_ppf,
)
from sim.model.underway import set_out
from sim.styles import ROLES

if TYPE_CHECKING:
    import pandas as pd

    from sim.model.journey import Journey
    from sim.model.log import EventLog
    from sim.model.municipality import Municipality
    from sim.model.network import Network
    from sim.model.regisseurs import RegisseurCorps
    from sim.scenario import Scenario


def _ident(ini: Initiative) -> int:
    return ini.ident


class Initiatives:
    """The arrival stream, the initiatives under way, and the ledger of every exit."""

    def __init__(self, env: simpy.Environment, cfg: Scenario, log: EventLog, streams: Streams,
                 warmup: float, municipality: Municipality, regisseurs: RegisseurCorps,
                 network: Network) -> None:
        self.env, self.log, self.warmup = env, log, warmup
        self.clock = Clock(env)
        self.logging = log.enabled  # no log calls when it is off
        self.cfg = cfg.initiatives
        self.initial_trust = cfg.municipality.initial_trust
        self.municipality = municipality
        self.regisseurs = regisseurs
        self.network = network
        self.journey: Journey | None = None
        self.draws = CandidateDraws(streams, cfg.municipality.departments - 1,
                                    self._attributes)
        self.overflow = streams["overflow"]
        self.arrival_stream = streams["arrivals"]
        self.active: set[Initiative] = set()
        self.ledger = Ledger(warmup, cfg)
        self.arrivals = 0
        # the needed roles for each bit mask over ROLES; an initiative needing nothing
        # named still needs support
        self._needs = [frozenset(r for b, r in enumerate(ROLES) if mask >> b & 1)
                       or frozenset(("support",)) for mask in range(1 << len(ROLES))]
        self._needs_mask = [role_mask(needs) for needs in self._needs]
        # the scenario's values read for every arrival, read once
        ic = self.cfg
        self._trust_spread = ic.trust_spread
        self._energy_drain = ic.energy_drain
        self._waiting_frustration = ic.waiting_frustration
        self._dropout_frustration = ic.dropout_frustration  # and for every exit
        self._exit_trust_frustration = ic.exit_trust_frustration

    def route(self, journey: Journey) -> None:
        """The journey every new initiative travels."""
        self.journey = journey

    # ---------------------------------------------------------------- arrivals
    def start(self) -> None:
        # nothing waits for the stream of arrivals: it is set out as a journey is, without
        # a SimPy process's start event and its resumptions (sim.model.underway)
        underway.set_out(self._arrivals())

    def reset_statistics(self) -> None:
        pass  # only initiatives arriving after the warm-up are counted

    def arrival_rate(self, trust: float) -> float:
        """Arrivals per week at municipal trust ``trust``."""
        ic = self.cfg
        return ic.arrival_rate * max(0.0, 1.0 + ic.trust_elasticity * (
            trust - self.initial_trust))

    def _arrivals(self) -> Generator[Any, Any, None]:
        """Poisson arrivals whose rate follows trust (exact, by thinning)."""
        clock, mun, journey = self.clock, self.municipality, self.journey
        assert journey is not None, "Initiatives.route(journey) wires the journey first"
        ic = self.cfg
        rate, elasticity, initial = ic.arrival_rate, ic.trust_elasticity, self.initial_trust
        rate_max = rate * (1.0 + elasticity * (1.0 - initial))
        rng = self.arrival_stream
        k = 0
        while True:
            gaps = (rng.standard_exponential(512) / rate_max).tolist()
            accepts = rng.random(512).tolist()
            for gap, u in zip(gaps, accepts, strict=True):
                yield Timer(clock, gap)
                # the rate at the town's trust now (arrival_rate(), inlined)
                if u * rate_max < rate * max(0.0, 1.0 + elasticity * (mun.trust - initial)):
                    set_out(journey.travel(self._new(k)))
                k += 1

    def _new(self, k: int) -> Initiative:
        """Candidate k becomes an initiative: its attributes come from its own draws."""
        attrs, exps, unis, start = self.draws.get(k)
        now = self.clock.now()
        ini = Initiative(k, now, now >= self.warmup,
                         PrivateSupply(exps, unis, self.overflow, start))
        (ini.complexity, ini.energy, trust_z, patience, ini.members, ini.tolerance, ini.kind_u,
         ini.link_u, ini.departments, needs) = attrs
        ini.trust = min(1.0, max(0.0, self.municipality.trust + self._trust_spread * trust_z))
        ini.patience_end = now + patience
        ini.needs = self._needs[needs]
        ini.needs_mask = self._needs_mask[needs]
        ini.drain = self._energy_drain
        ini.wait_frustration = self._waiting_frustration
        self.active.add(ini)
        if ini.counted:
            self.arrivals += 1
        if self.logging:
            self.log.add(now, "initiative", k, "arrive", "signal", ini.energy)
        return ini

    def _attributes(self, u: np.ndarray, roles: np.ndarray) -> list[tuple]:
        """Turn a block of uniforms into attributes, by inverse CDFs (column by column).

        Per candidate: complexity ~ Beta(alpha, beta); initial energy ~ Beta with the given
        mean and concentration; the initiator's trust offset ~ N(0, 1) (scaled by
        trust_spread); patience ~ Gamma(patience_shape) with the given mean; members ~ 1 +
        Poisson(members_mean - 1); its tolerance of disappointment ~ U(0, 1); two uniforms
        for the kind of regisseur it may get and whether it is bridged; departments = 1 +
        the number of further departments, each involved with probability
        department_spread * complexity; and the roles it needs, as a bit mask over ROLES
        (each with its probability in role_needs).
        """
        ic = self.cfg
        complexity = beta_ppf(u[:, 0], ic.complexity_alpha, ic.complexity_beta)
        a = ic.energy_mean * ic.energy_concentration
        energy = beta_ppf(u[:, 1], a, ic.energy_concentration - a)
        trust_z = norm_ppf(u[:, 2])
        shape = ic.patience_shape
        patience = (np.full(len(u), math.inf) if math.isinf(ic.patience_weeks)
                    else gamma_ppf(u[:, 3], shape) * ic.patience_weeks / shape)
        members = 1 + poisson_ppf(u[:, 4], ic.members_mean - 1.0).astype(int)
        spread = ic.department_spread * complexity
        departments = 1 + (u[:, ATTRIBUTE_COLUMNS:] < spread[:, None]).sum(axis=1)
        probs = np.array([getattr(ic.role_needs, role) for role in ROLES])
        needs = (roles < probs) @ (1 << np.arange(len(ROLES)))
        return list(zip(complexity.tolist(), energy.tolist(), trust_z.tolist(),
                        patience.tolist(), members.tolist(), u[:, 5].tolist(),
                        u[:, 6].tolist(), u[:, 7].tolist(), departments.tolist(),
                        needs.tolist(), strict=True))

    # ---------------------------------------------------------------- exits
    def leave(self, ini: Initiative, outcome: str) -> None:
        """The journey ends: record it, and let the initiator's trust move the town's."""
        now = self.clock.now()
        self.active.discard(ini)
        if outcome == "dropout":
            ini.add_frustration(self._dropout_frustration)
        if ini.regisseur:
            self.regisseurs.release(ini)
        self.network.left(ini)
        exit_trust = ini.trust * (1.0 - self._exit_trust_frustration * ini.frustration)
        self.municipality.learn_trust(exit_trust)
        if self.logging:
            self.log.add(now, "initiative", ini.ident, outcome, ini.stage, ini.frustration)
        if ini.counted:
            self.ledger.record(ini, outcome, now, exit_trust)

    def meet_fallback(self) -> int:
        """The municipality falls back: every partnership under way is broken, in order of
        arrival. Returns how many were broken (counted initiatives or not)."""
        journey = self.journey
        assert journey is not None
        broken = 0
        for ini in sorted(self.active, key=_ident):
            broken += journey.break_partnership(ini)
        return broken

    def intake_wait(self, ini: Initiative, weeks: float) -> None:
        if ini.counted:
            self.ledger.intake_waits.append(weeks)

    # ---------------------------------------------------------------- outcomes
    def still_counted(self) -> list[Initiative]:
        """The counted initiatives still under way, in order of arrival."""
        return sorted((i for i in self.active if i.counted), key=_ident)

    def frame(self) -> pd.DataFrame:
        """One row per initiative that arrived in the observation window (active ones too)."""
        return self.ledger.frame(self.still_counted())

    def contribute(self, summary: dict[str, float]) -> None:
        self.ledger.contribute(summary, self.still_counted(), self.arrivals, self.env.now)
        self.network.contribute(summary, self.arrivals)
