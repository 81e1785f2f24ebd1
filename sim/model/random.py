"""Random streams: one per purpose, spawned from the replication's SeedSequence.

Common random numbers across styles come from two rules. First, every purpose has its own
stream, so drawing more incidents never shifts the citizens. Second, everything about a
citizen initiative is drawn per *candidate arrival* (its index in the arrival stream), not
in the order the simulation happens to ask: candidate k has the same complexity, energy,
needs and the same private supply of service times and coin flips in every style, so two
styles run on one seed meet the same citizens.

Each purpose keeps a fixed child index of the SeedSequence forever (``PURPOSES``), so a
purpose added or retired later never shifts the streams of the others.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from typing import Final

import numpy as np
from scipy import special

PURPOSES: dict[str, int] = {"arrivals": 0, "attributes": 1, "journeys": 2, "incidents": 3,
                            "overflow": 5, "signs": 7, "network": 8}
"""Purpose -> its fixed child index (4 and 6 are retired)."""
ATTRIBUTE_COLUMNS: Final = 8
"""Uniforms per candidate before its department columns (see Initiatives._attributes)."""
BLOCK: Final = 256
"""Candidates drawn per numpy batch."""
JOURNEY_DRAWS: Final = 16
"""Unit exponentials and uniforms each candidate carries for its own journey."""


class Streams:
    """The independent generators of one replication, by purpose."""

    def __init__(self, seed: int | np.random.SeedSequence) -> None:
        seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        self.rng = {
            name: np.random.Generator(np.random.PCG64(np.random.SeedSequence(
                seq.entropy, spawn_key=(*seq.spawn_key, index), pool_size=seq.pool_size)))
            for name, index in PURPOSES.items()}

    def __getitem__(self, purpose: str) -> np.random.Generator:
        return self.rng[purpose]


class CandidateDraws:
    """Per-candidate draws, made in numpy blocks: the attributes handed out as plain Python
    values; the journey draws kept in the block's two arrays, JOURNEY_DRAWS of each kind to
    a candidate, which its journey reads as it needs them."""

    def __init__(self, streams: Streams, n_extra_departments: int,
                 attributes: Callable[[np.ndarray, np.ndarray], list[tuple]]) -> None:
        self._attr = streams["attributes"]
        self._jour = streams["journeys"]
        self._attributes = attributes
        self._n_dep = n_extra_departments
        self._drawn = 0  # blocks drawn so far
        self._block: tuple[list, array[float], array[float]] = ([], array("d"), array("d"))

    def _draw_block(self) -> None:
        a, j = self._attr, self._jour
        uniforms = a.random((BLOCK, ATTRIBUTE_COLUMNS + self._n_dep))
        roles = a.random((BLOCK, 5))                           # one uniform per role
        self._block = (  # journey draws: row by row, JOURNEY_DRAWS to a candidate
            self._attributes(uniforms, roles),
            array("d", j.standard_exponential((BLOCK, JOURNEY_DRAWS)).tobytes()),
            array("d", j.random((BLOCK, JOURNEY_DRAWS)).tobytes()),
        )
        self._drawn += 1

    def get(self, k: int) -> tuple[tuple, array[float], array[float], int]:
        """Candidate k's attributes, its block's unit exponentials and uniforms, and where
        its own draws start in them.

        Candidates are asked for in order, so only the block of the latest one is kept: a
        block is drawn when its first candidate is asked for and let go with the next (its
        journey draws live on with the initiatives that read them).
        """
        b, i = divmod(k, BLOCK)
        if b < self._drawn - 1:
            raise ValueError(f"candidate {k}: its block is gone (candidates come in order)")
        while b >= self._drawn:
            self._draw_block()
        attrs, exps, unis = self._block
        return attrs[i], exps, unis, i * JOURNEY_DRAWS


class PrivateSupply:
    """An initiative's own random numbers, JOURNEY_DRAWS of each kind from ``start`` in
    ``exps`` and ``unis``; past its supply it draws from the overflow stream."""

    __slots__ = ("_exps", "_ie", "_iu", "_overflow", "_start", "_unis")

    def __init__(self, exps: Sequence[float], unis: Sequence[float],
                 overflow: np.random.Generator, start: int = 0) -> None:
        self._exps, self._unis = exps, unis
        self._start = start
        self._ie = self._iu = 0
        self._overflow = overflow

    def exp(self) -> float:
        """A unit exponential (mean 1)."""
        i = self._ie
        self._ie = i + 1
        if i < JOURNEY_DRAWS:
            return self._exps[self._start + i]
        return float(self._overflow.standard_exponential())

    def uniform(self) -> float:
        """A uniform on [0, 1)."""
        i = self._iu
        self._iu = i + 1
        if i < JOURNEY_DRAWS:
            return self._unis[self._start + i]
        return float(self._overflow.random())


def repeats(u: float, p: float) -> int:
    """How many times something that repeats with probability ``p`` repeats, from one
    uniform ``u``: geometric, ``P(N >= n) = p**n``, by inversion (``1 - u`` lies in
    (0, 1], so the logarithm is finite)."""
    return int(math.log1p(-u) / math.log(p)) if p > 0.0 else 0


# ---------------------------------------------------------------- inverse CDFs
# The quantile functions of scipy.stats' beta, norm, gamma and poisson, computed as
# scipy.stats computes them (the scipy.special function its ``_ppf`` calls, the bounds
# of the support at q = 0 and q = 1, ``* scale + loc``) without its generic argument
# handling, which costs more than the functions themselves on a block of candidates; and
# the model does not import scipy.stats. The same numbers, bit for bit, on every value
# ``Generator.random`` gives (tests/test_model.py). For beta, scipy.stats calls Boost's
# beta quantile and this module Boost's inverse incomplete beta (``betaincinv``), the
# same algorithm; they differ only on subnormal q, which ``random()`` never gives. For
# poisson, scipy.stats inverts the CDF and checks the answer against it, which gives the
# smallest k whose CDF reaches q; this module finds that k in a table of the same CDF.


def _continuous(q: np.ndarray, inside: np.ndarray, lower: float, upper: float) -> np.ndarray:
    if q.size and q.min() > 0.0 and q.max() < 1.0:  # as good as always: no bound to place
        return inside + 0.0  # (``* 1.0``, scipy.stats' scale, changes no value)
    return np.where(q == 0.0, lower, np.where(q == 1.0, upper, inside * 1.0 + 0.0))


def beta_ppf(q: np.ndarray, a: float, b: float) -> np.ndarray:
    """``scipy.stats.beta.ppf(q, a, b)``."""
    if not (a > 0 and b > 0):
        return np.full(q.shape, np.nan)
    return _continuous(q, special.betaincinv(a, b, q), 0.0, 1.0)


def gamma_ppf(q: np.ndarray, a: float) -> np.ndarray:
    """``scipy.stats.gamma.ppf(q, a)``."""
    if not a > 0:
        return np.full(q.shape, np.nan)
    return _continuous(q, special.gammaincinv(a, q), 0.0, np.inf)


def norm_ppf(q: np.ndarray) -> np.ndarray:
    """``scipy.stats.norm.ppf(q)``."""
    return _continuous(q, special.ndtri(q), -np.inf, np.inf)


def poisson_ppf(q: np.ndarray, mu: float) -> np.ndarray:
    """``scipy.stats.poisson.ppf(q, mu)`` (as floats): the smallest k whose CDF
    (``pdtr(k, mu)``, the function scipy.stats checks its answer with) reaches q, looked up
    in a table of the CDF rather than by inverting it per value (``pdtrik``) and checking."""
    if not mu >= 0:
        return np.full(q.shape, np.nan)
    size = int(mu + 50.0 * math.sqrt(mu)) + 100
    cdf = special.pdtr(np.arange(size, dtype=float), mu)
    while cdf[-1] < 1.0:  # the table ends where the CDF is 1 (the largest q is below it)
        size *= 2
        cdf = special.pdtr(np.arange(size, dtype=float), mu)
    inside = np.searchsorted(cdf, q, side="left").astype(float)
    return np.where(q == 0.0, -1.0, np.where(q == 1.0, np.inf, inside))
