"""The network of initiatives (003): regisseurs and aldermen connect initiatives to others.

Initiatives succeed through networks. When an alderman spots an initiative early, or a
regisseur strong in *verbinden* (bridging unlike actors, 002) adopts it, it is linked to
a few linked initiatives still under way. A linked initiative draws on its network: each
success of a neighbour still under way renews its energy and takes away part of its
burden (it learns the way through the rules from the one that made it). The network is a
graph over initiatives (adjacency lists; :meth:`Network.graph` gives it as a networkx
graph); its outcomes are the share of initiatives connected and the sizes of the
connected groups.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from itertools import chain
from typing import TYPE_CHECKING, Final

import numpy as np
import simpy
from scipy import sparse
from scipy.sparse import csgraph

if TYPE_CHECKING:
    import networkx as nx

    from sim.model.initiative import Initiative
    from sim.model.log import EventLog
    from sim.scenario import Scenario


UNIFORM_BLOCK: Final = 256
"""Uniforms of the network's stream drawn per numpy call."""


class Network:
    """The graph of linked initiatives, and the energy their successes pass on."""

    def __init__(self, env: simpy.Environment, cfg: Scenario, log: EventLog,
                 rng: np.random.Generator) -> None:
        self.env, self.log, self.rng = env, log, rng
        self.logging = log.enabled  # no log calls when it is off
        self.cfg = cfg.networks
        self.neighbours: dict[int, list[int]] = {}  # linked ident -> its links, in order made
        self._going: dict[int, Initiative] = {}
        self._order: list[int] = []  # the idents in _going, sorted
        self.counted: set[int] = set()
        self._uniforms: list[float] = []
        self._next = 0

    def start(self) -> None:
        pass

    def reset_statistics(self) -> None:
        pass

    def link(self, ini: Initiative) -> None:
        """Connect ``ini`` to up to ``links`` linked initiatives still under way."""
        if ini.linked:
            return
        ini.linked = True
        going = self._order
        others = [going[i] for i in self._sample(len(going), min(self.cfg.links, len(going)))]
        k = len(others)
        neighbours = self.neighbours
        neighbours[ini.ident] = list(others)
        for other in others:
            neighbours[other].append(ini.ident)
        self._going[ini.ident] = ini
        insort(going, ini.ident)
        if ini.counted:
            self.counted.add(ini.ident)
        if self.logging:
            self.log.add(self.env.now, "initiative", ini.ident, "linked", ini.stage, float(k))
            for other in others:
                self.log.add(self.env.now, "initiative", ini.ident, "linked_to", ini.stage,
                             float(other))

    def _uniform(self) -> float:
        """The next uniform of the network's stream, drawn in blocks."""
        i = self._next
        if i == len(self._uniforms):
            self._uniforms, i = self.rng.random(UNIFORM_BLOCK).tolist(), 0
        self._next = i + 1
        return self._uniforms[i]

    def _sample(self, n: int, k: int) -> list[int]:
        """``k`` distinct positions out of ``n``, uniformly (Floyd's algorithm: one
        uniform each, where ``Generator.choice`` without replacement costs microseconds
        of argument handling per call)."""
        chosen: list[int] = []
        for j in range(n - k, n):
            t = int(self._uniform() * (j + 1))
            chosen.append(j if t in chosen else t)
        return chosen

    def succeeded(self, ini: Initiative) -> None:
        """A success renews the energy, and relieves the burden, of every linked initiative
        still under way."""
        if not ini.linked:
            return
        energy, relief = self.cfg.success_energy, self.cfg.success_relief
        for other in self.neighbours[ini.ident]:
            neighbour = self._going.get(other)
            if neighbour is not None and neighbour.going:
                neighbour.renew(energy)
                neighbour.relieve(relief)

    def left(self, ini: Initiative) -> None:
        if self._going.pop(ini.ident, None) is not None:
            going = self._order
            del going[bisect_left(going, ini.ident)]

    def graph(self) -> nx.Graph:
        """The network as a graph: every linked initiative, with its links (networkx is
        imported here, for analysis: a run does not need it)."""
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(self.neighbours)
        graph.add_edges_from((a, b) for a, links in self.neighbours.items() for b in links
                             if a < b)  # each link is in both lists
        return graph

    def _group_sizes(self) -> list[int]:
        """Sizes of the connected groups that hold a counted initiative, in the order of
        their first initiative (the components of ``graph()``, found by scipy's sparse
        graph routines, which build no Python object per node)."""
        neighbours = self.neighbours
        n = len(neighbours)
        if not n:
            return []
        idents = np.fromiter(neighbours, np.int64, n)  # row i: the i-th linked initiative
        by_ident = np.argsort(idents)

        def rows(of: np.ndarray) -> np.ndarray:
            """The rows of idents ``of``: each is a key of ``neighbours`` (link() makes the
            key of every initiative it links or counts before any list names it)."""
            return by_ident[np.searchsorted(idents, of, sorter=by_ident)]

        indptr = np.zeros(n + 1, dtype=np.int64)  # the adjacency lists, row by row (CSR)
        np.cumsum(np.fromiter(map(len, neighbours.values()), np.int64, n), out=indptr[1:])
        links = int(indptr[-1])
        indices = rows(np.fromiter(chain.from_iterable(neighbours.values()), np.int64, links))
        adjacency = sparse.csr_array((np.ones(links), indices, indptr), shape=(n, n))
        _, labels = csgraph.connected_components(adjacency, directed=False)
        counted = np.zeros(n, dtype=bool)
        counted[rows(np.fromiter(self.counted, np.int64, len(self.counted)))] = True
        sizes = np.bincount(labels)
        return sizes[np.unique(labels[counted])].tolist()

    def contribute(self, summary: dict[str, float], arrivals: int) -> None:
        """Share of counted initiatives connected; sizes of their connected groups."""
        summary["share_connected"] = len(self.counted) / arrivals if arrivals else float("nan")
        sizes = self._group_sizes()
        summary["network_groups"] = len(sizes)
        summary["largest_network_group"] = max(sizes, default=0)
        summary["mean_network_group"] = (float(np.mean(sizes)) if sizes else float("nan"))
