"""A journey under way: an initiative's generator, moved on by the events it waits for.

SimPy runs a generator as a :class:`simpy.Process`, which schedules two events nobody in
the model waits for: one to start it and one when it ends. An initiative's journey is
never waited for, so :func:`set_out` runs it without them: its first step runs at once
(at the moment of arrival, as the start event would have, since nothing else happens at
that moment) and each later step runs as a callback of the event it waited for, in the
order SimPy would have run it. The model's numbers are the same, bit for bit; about a
fifth fewer events are scheduled (``benchmarks/bench_core.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Final, cast

import simpy

from sim.model.clock import Timer

_next: Final = next
"""The built-in, held where compiled code reaches it without a lookup by name."""
_RETURNED: Final = object()
"""What ``_next(gen, _RETURNED)`` gives when the generator has returned."""


class Underway:
    """Moves one generator on, event by event, until it returns."""

    __slots__ = ("_gen", "_resume")

    def __init__(self, gen: Generator[simpy.Event, Any, Any]) -> None:
        self._gen = gen
        # the bound method, made once: every wait hands it to the event waited for. It
        # refers to this object, so it is let go when the generator returns
        self._resume: Callable[[Any], None] | None = self.resume

    def resume(self, event: Any) -> None:
        """Send the value of ``event`` (None at the start) and wait for the next event;
        an event already processed sends its value at once, as SimPy does.

        Most events are the model's timers (:class:`~sim.model.clock.Timer`: ok, value
        None); they are read as what they are, without looking their attributes up."""
        gen = self._gen
        value = None if event is None or type(event) is Timer else event._value
        nxt: Any  # what the generator yields: the next event to wait for
        while True:
            if value is None:
                # most events: next(gen) is gen.send(None), and says that the generator
                # returned without raising StopIteration
                nxt = _next(gen, _RETURNED)
                if nxt is _RETURNED:
                    self._resume = None
                    return
            else:
                try:
                    # a failed event (its value is the exception) raises in the journey;
                    # the model's own events (Timer, FirstOf, Turn) never fail
                    if not event._ok:
                        event._defused = True
                        assert isinstance(value, BaseException)
                        nxt = gen.throw(value)
                    else:
                        nxt = gen.send(value)
                except StopIteration:
                    self._resume = None
                    return
            if type(nxt) is Timer:
                timer: Timer = cast(Timer, nxt)
                timer_callbacks = timer.callbacks
                if timer_callbacks is not None:
                    waiting: list[Any] = timer_callbacks  # a list, appended to natively
                    waiting.append(self._resume)
                    return
                event, value = timer, None  # processed already: go on now
                continue
            # None once processed (SimPy's annotation says list: read it untyped)
            callbacks: list | None = cast(Any, nxt).callbacks
            if callbacks is not None:
                callbacks.append(self._resume)
                return
            event, value = nxt, nxt._value  # processed already: go on now


def set_out(gen: Generator[simpy.Event, Any, Any]) -> None:
    """Start ``gen`` now, without a SimPy process (see the module's docstring)."""
    Underway(gen).resume(None)
