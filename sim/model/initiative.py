"""One citizen initiative: a group of citizens with a plan, energy, trust and patience.

The initiative's state along its journey (:mod:`sim.model.journey`) changes only through
its own methods. Waiting drains energy and adds frustration; it stops (drops out) when its
energy or patience runs out, or when it has decided to quit: a quitter stops at its next
moment of contact with the municipality, and nothing brings it back.
"""

from __future__ import annotations

import math

from sim.model.random import PrivateSupply


class Initiative:
    """One citizen initiative and its state along the journey."""

    __slots__ = ("arrival", "complexity", "contact", "counted", "decided_at", "departments",
                 "drain", "energy", "frustration", "handoffs", "ident", "needs",
                 "patience_end", "queue_weeks", "quitting", "regisseur", "rng", "stage",
                 "trust", "wait_frustration")

    def __init__(self, ident: int, arrival: float, counted: bool, rng: PrivateSupply) -> None:
        self.ident = ident
        self.arrival = arrival
        self.counted = counted
        self.rng = rng
        self.stage = "signal"
        self.contact = False
        self.regisseur = False
        self.quitting = False
        self.handoffs = 0
        self.frustration = 0.0
        self.queue_weeks = 0.0
        self.decided_at = math.nan

    @property
    def going(self) -> bool:
        """Still in the game: energy left and not decided to quit."""
        return self.energy > 0.0 and not self.quitting

    def limit(self, now: float) -> float:
        """Weeks of further waiting before energy or patience runs out (0 for a quitter)."""
        if self.quitting:
            return 0.0
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

    def spend(self, energy: float) -> None:
        """Energy spent (a handoff, a fallback)."""
        self.energy -= energy

    def renew(self, energy: float) -> None:
        """Energy renewed (dialogue); an initiative that has stopped is not revived."""
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
