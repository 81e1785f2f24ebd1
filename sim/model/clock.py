"""The simulation's clock, read and waited on more cheaply than through SimPy's front door.

**Clock** holds an environment's time, queue and event numbering where the model reaches
them natively: ``clock.now()`` is ``env.now`` without the property's Python-level call
(SimPy keeps the time in ``env._now``; the model reads it some 25,000 times in a council
term), and ``clock.schedule(event, delay)`` queues an event as SimPy's ``schedule()``
does. Each actor makes its own clock from its environment. A world runs with
``clock.run(until)``: SimPy's ``env.run(until=...)``, its loop (``Environment.step``, in
Python, about a seventh of a council term) native, every event processed in the same order
with the same effects.

**Timer** is a timeout as the model waits for one: SimPy's ``Timeout``, scheduled the same
way, cheaper.

``env.timeout(weeks)`` builds a :class:`simpy.Timeout` in Python (its ``__init__`` and the
environment's ``schedule()``), about a third of the cost of each of the model's events. A
:class:`Timer` is the same event to SimPy: it is put on the environment's queue with the
same time, priority (``NORMAL``) and event number as ``env.timeout(weeks)`` would be, so
everything happens in the same order and the model's numbers are the same, bit for bit.
SimPy's ``Environment.step`` and ``Process._resume`` read only what it has: its
``callbacks`` (None once processed), ``_ok`` and ``_value``. Compiled (``sim.compile_model``)
it is a native object, built without a Python-level ``__init__`` call. A server handed
over in a pool (:class:`~sim.model.pools.Turn`) is queued the same way, as SimPy's
``Event.succeed()`` queues an event (``delay`` 0).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from typing import Any, Final, SupportsFloat, cast

import simpy
from simpy.core import StopSimulation

NORMAL: Final = 1
"""SimPy's priority of a timeout (``simpy.events.NORMAL``)."""
URGENT: Final = 0
"""SimPy's priority of the event that ends ``env.run(until=...)`` (``simpy.events.URGENT``)."""
_heappush: Final = heapq.heappush
"""Held where compiled code reaches it without a lookup by name."""
_heappop: Final = heapq.heappop
"""As ``_heappush``."""


class Clock:
    """The environment's clock and queue, held where the model reaches them natively.

    A :class:`Timer` is put on SimPy's queue with the next event number; the queue (a list)
    and the numbering (an ``itertools.count``) are made once with the environment and never
    replaced, so a clock keeps them and reads only the time from the environment. Each actor
    that waits makes its own clock from its environment."""

    __slots__ = ("_next_eid", "_queue", "env")

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        internals: Any = env  # SimPy's queue holds Events: read its internals untyped
        self._queue: list[tuple[float, int, int, Any]] = internals._queue
        eid: Iterator[int] = internals._eid
        # next(eid), without looking it up; untyped, so that its number goes to the queue as
        # it comes
        self._next_eid: Callable[[], Any] = eid.__next__

    def now(self) -> float:
        """``env.now``."""
        env: Any = self.env
        return env._now

    def schedule(self, event: Any, delay: float = 0.0) -> None:
        """Process ``event`` ``delay`` weeks from now, after what is already due then: as
        SimPy's ``Environment.schedule()`` queues it (priority ``NORMAL``, the next event
        number)."""
        env: Any = self.env
        now: float = env._now
        _heappush(self._queue, (now + delay, NORMAL, self._next_eid(), event))

    def run(self, until: SupportsFloat) -> None:
        """``env.run(until=until)``, its loop native: SimPy's ``Environment.run`` and
        ``step``, done as SimPy 4.1 does them.

        The event that ends the run is scheduled as SimPy schedules it (``URGENT``, at
        ``until``, ``StopSimulation.callback`` its callback); each event is taken off the
        queue, the time set to the event's, and its callbacks cleared and called; an event
        that failed and was not defused crashes the run with a copy of its exception. A
        callback that stops the simulation (the ending event's, or any other) ends the
        run, the event queued again with priority -1 and the callbacks it had left, as
        SimPy leaves it: so the event numbering, and the order of everything after, is
        the same, in a later run too, after a crash too. Where SimPy fails an internal
        assertion (the queue emptied before the end), this says so."""
        env: Any = self.env
        at: Any = until  # an int stays one, as in SimPy
        if not isinstance(until, int):
            at = float(until)
        if at <= env._now:
            raise ValueError(f"until ({at}) must be greater than the current simulation time")
        end: Any = simpy.Event(env)
        end._ok = True
        end._value = None
        env.schedule(end, URGENT, at - env._now)
        end.callbacks.append(StopSimulation.callback)
        queue: list[Any] = self._queue  # untyped: an entry is read as it is, not converted
        while queue:
            item: tuple[Any, ...] = _heappop(queue)
            env._now = item[0]
            event: Any = item[3]
            timer: Timer | None = event if type(event) is Timer else None
            if timer is not None:  # most of the model's events: read natively
                callbacks = cast(list[Any], timer.callbacks)
                timer.callbacks = None
            else:
                callbacks = event.callbacks
                event.callbacks = None
            try:
                for callback in callbacks:
                    callback(event)
            except StopSimulation:
                event.callbacks = callbacks[callbacks.index(callback) + 1:]
                env.schedule(event, -1)
                return
            if timer is not None and timer._ok:
                continue
            if not event._ok and not hasattr(event, "_defused"):
                failure = event._value
                crash = type(failure)(*failure.args)
                crash.__cause__ = failure
                raise crash
        raise RuntimeError(f"No scheduled events left but the run's end was not reached: "
                           f"{end}")


class Timer:
    """Processed ``delay`` weeks from now, with the value None (``env.timeout(delay)``)."""

    __slots__ = ("_delay", "_ok", "_value", "callbacks", "env")

    def __init__(self, clock: Clock, delay: float) -> None:
        if delay < 0.0:
            raise ValueError(f"Negative delay {delay}")
        env: Any = clock.env
        self.env = env
        self.callbacks: list[Any] | None = []
        self._value: Any = None
        self._delay = delay
        self._ok = True
        clock.schedule(self, delay)

    @property
    def triggered(self) -> bool:
        """Always: a timeout is triggered when it is made (as SimPy's is)."""
        return True

