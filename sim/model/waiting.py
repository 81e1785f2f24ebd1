"""Waiting, the thing citizens do most: in queues and for the municipality to act.

Waiting drains an initiative's energy and adds to its frustration. An initiative that
waits longer than its energy or its patience allows stops at that moment (it drops out
at the stage it is in). Both helpers return ``True`` when the initiative is still in the
game afterwards and ``False`` when it dropped out while waiting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, Final

import simpy

from sim.model.clock import Clock, Timer

if TYPE_CHECKING:
    from sim.model.initiative import Initiative
    from sim.model.pools import Pool, Turn

INF: Final = math.inf


class FirstOf:
    """Processed when the first of two events is processed: ``a | b`` (a SimPy ``AnyOf``)
    without the condition's bookkeeping and without an event of its own. ``AnyOf`` is
    scheduled when the first event is processed, so its waiter moves on later at that
    moment (a zero-time event for every patient wait); a FirstOf is processed at once, in
    the first event's callbacks, so its waiter moves on then. Its value is None.

    It is never queued: a journey (:mod:`sim.model.underway`) or a SimPy process waits for
    it, and they read of it what they read of a :class:`~sim.model.clock.Timer`
    (``callbacks``, None once processed, ``_ok`` and ``_value``); compiled, a native
    object. It never fails."""

    __slots__ = ("_ok", "_value", "callbacks", "env")

    def __init__(self, a: simpy.Event | Turn, b: simpy.Event | Timer) -> None:
        self.env = a.env
        self.callbacks: list[Any] | None = []
        self._ok = True
        self._value: Any = None
        first = self._first
        a.callbacks.append(first)  # type: ignore[union-attr]
        b.callbacks.append(first)  # type: ignore[union-attr]

    @property
    def triggered(self) -> bool:
        """Whether the first of the two has come (it is processed at that moment)."""
        return self.callbacks is None

    def _first(self, _event: Any) -> None:
        callbacks = self.callbacks
        if callbacks is None:  # processed already: the second of the two
            return
        self.callbacks = None  # processed, as Environment.step leaves an event
        for callback in callbacks:
            callback(self)


def wait_for(clock: Clock, ini: Initiative, weeks: float) -> Generator[Any, Any, bool]:
    """Wait ``weeks`` for the municipality (no queue: signal time, a handoff)."""
    if weeks <= 0.0:
        return True
    limit = ini.limit(clock.now())
    if weeks > limit:
        yield Timer(clock, limit)
        ini.waited(limit)
        return False
    yield Timer(clock, weeks)
    ini.waited(weeks)
    return ini.going


def wait_patiently(clock: Clock, ini: Initiative, event: simpy.Event | Turn,
                   withdraw: Callable[[], None]) -> Generator[Any, Any, bool]:
    """Wait for ``event`` (a queue, the college) as long as energy and patience last.

    When they run out first, ``withdraw()`` takes the initiative out of the queue and the
    result is ``False``. The time spent counts as waiting and as queue time.
    """
    start = clock.now()
    if not event.triggered:
        limit = ini.limit(start)
        if limit == INF:
            yield event
        else:
            yield FirstOf(event, Timer(clock, limit))
            if not event.triggered:
                withdraw()
                ini.waited(clock.now() - start)
                return False
        ini.waited(clock.now() - start)
    ini.queue_weeks += clock.now() - start
    return True


def wait_in_queue(clock: Clock, ini: Initiative, pool: Pool,
                  service_weeks: float) -> Generator[Any, Any, bool]:
    """Queue for one server of ``pool``, then hold it for ``service_weeks``.

    Only the time in the queue counts as waiting; the service itself is contact.
    """
    turn = pool.request()  # None: a server was free
    if turn is not None and not (yield from wait_patiently(clock, ini, turn, turn.cancel)):
        return False
    if service_weeks > 0.0:
        yield Timer(clock, service_weeks)
    pool.release()
    return ini.going
