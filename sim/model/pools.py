"""SimPy resources that keep their own utilisation."""

from __future__ import annotations

import simpy


class Pool(simpy.Resource):
    """A pool of identical servers that integrates its busy servers over time.

    ``utilisation()`` is the time-average share of servers busy since the last
    ``reset_statistics()`` (called at the end of the warm-up).
    """

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        super().__init__(env, capacity)
        self._area = 0.0
        self._since = env.now
        self._last = env.now

    def _account(self) -> None:
        now = self._env.now
        self._area += len(self.users) * (now - self._last)
        self._last = now

    def _do_put(self, event):  # type: ignore[override]
        self._account()
        return super()._do_put(event)

    def _do_get(self, event):  # type: ignore[override]
        self._account()
        return super()._do_get(event)

    def reset_statistics(self) -> None:
        self._account()
        self._area = 0.0
        self._since = self._env.now

    def utilisation(self) -> float:
        self._account()
        span = self._env.now - self._since
        return self._area / (span * self.capacity) if span > 0 else 0.0
