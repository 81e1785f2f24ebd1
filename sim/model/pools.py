"""Pools of identical servers (the front office, the managers of a department).

A pool is first come, first served, like a ``simpy.Resource``, and keeps its own
utilisation, but it schedules an event only where a process has to wait: a request that
finds a server free gets it at once (no event), and a release hands the server straight
to the first in line (one event, the one that wakes it). A ``simpy.Resource`` would also
schedule the request granted at once and every release, events that nobody waits for.
The order in which processes move on is the same.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import simpy

from sim.model.clock import Clock


class Turn:
    """A place in the queue of a pool; it triggers when a server is handed over.

    To SimPy it is an event as a :class:`~sim.model.clock.Timer` is, and it is scheduled
    as ``Event.succeed()`` schedules one (now, priority ``NORMAL``, the next event number);
    compiled, a native object."""

    __slots__ = ("_ok", "_value", "callbacks", "env", "pool", "triggered")

    def __init__(self, pool: Pool) -> None:
        self.env = pool.env
        self.pool = pool
        self.callbacks: list[Any] | None = []
        self._ok = True
        self._value: Any = None
        self.triggered = False  # True once a server is handed over

    def succeed(self) -> None:
        """A server is handed over: processed now, after what is already due now."""
        if self.triggered:  # as SimPy's succeed() refuses a second trigger
            raise RuntimeError("a turn in a pool's queue is handed a server once")
        self.triggered = True
        self.pool.clock.schedule(self)

    def cancel(self) -> None:
        """Leave the queue (waited too long); a turn already served stays served."""
        if not self.triggered:
            self.pool.queue.remove(self)


class Pool:
    """A pool of ``capacity`` identical servers that integrates its busy servers over time.

    ``request()`` returns ``None`` when a server was free (the caller has it now) and a
    :class:`Turn` to wait for otherwise; ``release()`` gives the server back.
    ``utilisation()`` is the time-average share of servers busy since the last
    ``reset_statistics()`` (called at the end of the warm-up).
    """

    __slots__ = ("_area", "_last", "_since", "busy", "capacity", "clock", "env", "queue")

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.clock = Clock(env)
        self.capacity = capacity
        self.busy = 0
        self.queue: deque[Turn] = deque()
        self._area = 0.0
        self._since = env.now
        self._last = env.now

    def _account(self) -> None:
        now = self.clock.now()
        self._area += self.busy * (now - self._last)
        self._last = now

    def request(self) -> Turn | None:
        """A server now (``None``) or a turn in the queue."""
        now = self.clock.now()  # _account(), inlined on the hot path
        busy = self.busy
        self._area += busy * (now - self._last)
        self._last = now
        if busy < self.capacity:
            self.busy = busy + 1
            return None
        turn = Turn(self)
        self.queue.append(turn)
        return turn

    def release(self) -> None:
        """Give a server back: to the first in line, if anyone waits."""
        now = self.clock.now()  # _account(), inlined on the hot path
        self._area += self.busy * (now - self._last)
        self._last = now
        if self.queue:
            self.queue.popleft().succeed()
        else:
            self.busy -= 1

    def reset_statistics(self) -> None:
        self._account()
        self._area = 0.0
        self._since = self.env.now

    def utilisation(self) -> float:
        self._account()
        span = self.env.now - self._since
        return self._area / (span * self.capacity) if span > 0 else 0.0
