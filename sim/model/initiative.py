"""One citizen initiative: a group of citizens with a plan, energy, trust and patience.

The initiative's state along its journey (:mod:`sim.model.journey`) changes only through
its own methods. Waiting drains energy and adds to its burden; it stops (drops out) when
its energy or patience runs out, or when it has decided to quit: a quitter stops at its
next moment of contact with the municipality, and nothing brings it back.

At its first contact it forms an expectation from its trust and from the roles the
municipality promises to take: those of its declared way of working
(expectancy-disconfirmation; see :mod:`sim.model.satisfaction`). At every later contact it
experiences the roles it gets; where the municipality now takes fewer of them than it
promised, the initiator is disappointed: it loses trust and energy, and may quit. An
initiative promised the partner role is in a partnership (``partnered``) until the
partnership is broken, by a fallback or a derailment: a breach it remembers
(``breaches``) and that costs it trust.
"""

from __future__ import annotations

import math

from sim.model.random import PrivateSupply


class Initiative:
    """One citizen initiative and its state along the journey."""

    __slots__ = ("arrival", "breaches", "complexity", "contact", "contacts", "counted",
                 "decided_at", "departments", "derailed", "drain", "energy", "expectation",
                 "fit_at_decision", "fit_sum", "frustration", "handoffs", "ident", "kind_u",
                 "link_u", "linked", "members", "needs", "needs_mask", "partnered",
                 "patience_end", "promised", "queue_weeks", "quitting", "refused",
                 "regie_kind", "regisseur", "rng", "stage", "tolerance", "trust",
                 "wait_frustration", "worst_shortfall")
    # set by Initiatives._new after construction (declared for mypyc)
    complexity: float
    departments: int
    drain: float
    energy: float
    kind_u: float
    link_u: float
    members: int
    needs: frozenset[str]
    needs_mask: int
    patience_end: float
    tolerance: float
    trust: float
    wait_frustration: float

    def __init__(self, ident: int, arrival: float, counted: bool, rng: PrivateSupply) -> None:
        self.ident = ident
        self.arrival = arrival
        self.counted = counted
        self.rng = rng
        self.stage = "signal"
        self.contact = False
        self.regisseur = False
        self.regie_kind = False
        self.linked = False
        self.quitting = False
        self.refused = False
        self.derailed = False
        self.partnered = False
        self.breaches = 0
        self.handoffs = 0
        self.frustration = 0.0
        self.queue_weeks = 0.0
        self.decided_at = math.nan
        self.promised = self.expectation = math.nan
        self.fit_sum = 0.0
        self.contacts = 0
        self.worst_shortfall = 0.0
        self.fit_at_decision = math.nan

    @property
    def going(self) -> bool:
        """Still in the game: energy left and not decided to quit."""
        return self.energy > 0.0 and not self.quitting

    def limit(self, now: float) -> float:
        """Weeks of further waiting before energy or patience runs out (0 for a quitter)."""
        if self.quitting:
            return 0.0
        lim = self.patience_end - now
        drain = self.drain
        if drain > 0.0 and self.energy / drain < lim:
            lim = self.energy / drain
        return 0.0 if lim < 0.0 else lim  # max(lim, 0.0) without the call

    def waited(self, weeks: float) -> None:
        """Waiting ``weeks`` drains energy and adds to the burden (frustration, 0..1)."""
        self.energy -= self.drain * weeks
        frustration = self.frustration + self.wait_frustration * weeks
        self.frustration = frustration if frustration < 1.0 else 1.0

    def add_frustration(self, amount: float) -> None:
        """Add to the burden (frustration, 0..1) of the journey."""
        frustration = self.frustration + amount
        self.frustration = frustration if frustration < 1.0 else 1.0

    def relieve(self, share: float) -> None:
        self.frustration *= 1.0 - share

    def spend(self, energy: float) -> None:
        """Energy spent (a handoff, a round of dialogue, a disappointment)."""
        self.energy -= energy

    def renew(self, energy: float) -> None:
        """Energy renewed (a linked initiative's success); a stopped one is not revived."""
        if self.going:
            self.energy = min(1.0, self.energy + energy)

    def gain_trust(self, share: float) -> None:
        """Trust moves ``share`` of the way to full trust."""
        self.trust = min(1.0, self.trust + share * (1.0 - self.trust))

    def lose_trust(self, amount: float) -> None:
        self.trust = max(0.0, self.trust - amount)

    def quit(self) -> None:
        """Decide to stop: it drops out at its next moment of contact."""
        self.quitting = True

    # ------------------------------------------------------------ expectations
    def first_contact(self, promised: float, partnered: bool, promise_weight: float) -> None:
        """Form the expectation: from trust and the share of needed roles promised
        (``partnered``: the partner role is needed and promised)."""
        self.contact = True
        self.partnered = partnered
        self.promised = promised
        self.expectation = (1.0 - promise_weight) * self.trust + promise_weight * promised

    def experience(self, fit: float) -> float:
        """A contact at which the municipality takes ``fit`` of the needed roles.

        Returns the new shortfall: how much further below the promise this contact falls
        than any contact before (0 when nothing more is lost).
        """
        self.fit_sum += fit
        self.contacts += 1
        shortfall = self.promised - fit
        new = shortfall - self.worst_shortfall
        if new <= 0.0:
            return 0.0
        self.worst_shortfall = shortfall
        return new

    def suffer_breach(self, trust_lost: float) -> None:
        """The partnership is broken: a breach remembered, trust lost, no partnership left."""
        self.partnered = False
        self.breaches += 1
        self.lose_trust(trust_lost)

    def rebase(self, fit: float, promise_weight: float) -> None:
        """Re-form the expectation at a lower promise (the counterfactual of no betrayal)."""
        if fit < self.promised:
            self.promised = fit
            self.expectation = (1.0 - promise_weight) * self.trust + promise_weight * fit

    @property
    def received(self) -> float:
        """The mean share of its needed roles the municipality took at its contacts."""
        return self.fit_sum / self.contacts if self.contacts else self.promised
