"""Link partners are drawn uniformly without replacement (Floyd's algorithm on the
network stream's uniforms): every set of k of the n initiatives under way is equally
likely, exactly, over a grid of uniforms."""

from __future__ import annotations

import itertools
from collections import Counter

from sim.model.world import World
from tests.conftest import short


def test_every_set_of_partners_is_equally_likely() -> None:
    network = World(short("direction"), 1).network
    n, k, m = 6, 3, 60  # m a multiple of 4, 5 and 6: each draw's outcomes equally often
    grid = [(i + 0.5) / m for i in range(m)]
    sets: Counter[frozenset[int]] = Counter()
    for us in itertools.product(grid, repeat=k):
        network._uniforms, network._next = list(us), 0
        chosen = network._sample(n, k)
        assert len(set(chosen)) == k and all(0 <= c < n for c in chosen)
        sets[frozenset(chosen)] += 1
    assert len(sets) == 20  # C(6, 3)
    assert len(set(sets.values())) == 1, sets


def test_no_partners_when_none_are_under_way() -> None:
    network = World(short("direction"), 1).network
    assert network._sample(0, 0) == []
    network._uniforms, network._next = [0.99, 0.99], 0
    assert sorted(network._sample(2, 2)) == [0, 1]
