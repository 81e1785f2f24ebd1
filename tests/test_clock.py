"""The model's clock (``sim.model.clock``) and how a world runs: cheaper than SimPy's front
door, and the same to SimPy, so the same numbers."""

from __future__ import annotations

import gc
import json
from collections import deque

import pytest
import simpy

from sim.model.clock import Clock, Timer
from sim.model.pools import Pool, Turn
from sim.model.underway import set_out
from sim.model.world import World
from tests.conftest import in_the_sources


def test_a_timer_is_queued_as_simpys_timeout_would_be() -> None:
    env = simpy.Environment(initial_time=1.5)
    Timer(Clock(env), 2.0)
    env.timeout(2.0)
    (t1, p1, e1, first), (t2, p2, e2, second) = sorted(env._queue)
    assert isinstance(first, Timer) and isinstance(second, simpy.Timeout)
    assert (t1, p1) == (t2, p2) == (3.5, 1) and e2 == e1 + 1  # same time, priority, numbering
    with pytest.raises(ValueError, match="Negative delay"):
        Timer(Clock(env), -1.0)


def test_a_server_handed_over_is_queued_as_simpys_succeed_would_queue_it() -> None:
    env = simpy.Environment()
    pool = Pool(env, 1)  # its clock is made now; the time moves on after
    env.timeout(2.5)
    env.run()
    assert pool.request() is None  # the one server
    turn = pool.request()
    assert isinstance(turn, Turn) and not turn.triggered
    served: list[float] = []
    turn.callbacks.append(lambda _: served.append(env.now))
    pool.release()  # handed to the turn
    env.event().succeed()
    Timer(Clock(env), 0.0)
    (t1, p1, e1, first), (t2, p2, e2, _), (t3, p3, e3, _) = sorted(env._queue,
                                                                   key=lambda e: e[2])
    assert first is turn and turn.triggered and pool.queue == deque()
    assert (t1, p1) == (t2, p2) == (t3, p3) == (2.5, 1) and e1 + 1 == e2 == e3 - 1
    with pytest.raises(RuntimeError, match="once"):
        turn.succeed()
    env.step()
    assert served == [2.5] and turn.callbacks is None


def test_timers_and_simpy_events_at_one_moment_run_in_the_order_they_were_made() -> None:
    env = simpy.Environment()
    order: list[str] = []
    gate = env.event()

    def process(name: str, make) -> simpy.events.ProcessGenerator:
        value = yield make()
        order.append(f"{name}:{env.now}:{value}")

    def journey(name: str):
        value = yield Timer(Clock(env), 0.5)
        order.append(f"{name}:{Clock(env).now()}:{value}")

    env.process(process("timeout", lambda: env.timeout(1.0)))
    env.process(process("timer", lambda: Timer(Clock(env), 1.0)))
    env.process(process("gate", lambda: gate))
    env.run(until=0.5)
    set_out(journey("journey"))  # made after the others: runs after them at week 1
    env.timeout(0.5).callbacks.append(lambda _: gate.succeed("open"))  # week 1, last made
    env.run()
    assert order == ["timeout:1.0:None", "timer:1.0:None", "journey:1.0:None", "gate:1.0:open"]


# In the sources (compiled modules do not see a patch): the same scenario and seed with
# SimPy's own timeouts, a pool's turns as SimPy events and the stream of arrivals as a
# SimPy process, and as the model runs.
AS_SIMPY = """
import json, sys
import simpy
from sim.model import aldermen, initiatives, journey, municipality, pools, underway, waiting
from sim.model.world import World
from sim.scenario import build_scenario

MODULES = (aldermen, initiatives, journey, municipality, waiting)
scenario = build_scenario(json.loads(sys.argv[1]))
timer, set_out, turn = waiting.Timer, underway.set_out, pools.Turn


class EventTurn(simpy.Event):  # a place in a pool's queue as a SimPy event
    made = 0

    def __init__(self, pool):
        super().__init__(pool.env)
        self.pool = pool
        EventTurn.made += 1

    def cancel(self):
        if not self.triggered:
            self.pool.queue.remove(self)


out = {}
for how in ("simpy", "model"):
    world = World(scenario, 5)
    if how == "simpy":
        for module in MODULES:
            module.Timer = lambda clock, delay: simpy.Timeout(clock.env, delay)
        underway.set_out = world.env.process
        pools.Turn = EventTurn
    try:
        summary = world.run()
    finally:
        for module in MODULES:
            module.Timer = timer
        underway.set_out, pools.Turn = set_out, turn
    out[how] = {"summary": json.dumps(summary, sort_keys=True),
                "events": int(repr(world.env._eid)[6:-1]), "turns": EventTurn.made}
print(json.dumps(out))
"""


def test_the_model_gives_the_numbers_of_simpys_timeouts_events_and_processes(tiny) -> None:
    # one clerk at the front office: initiatives queue, and are handed the clerk in turn
    scenario = tiny.with_changes({"run.horizon_weeks": 104, "municipality.intake_staff": 1})
    out = in_the_sources(AS_SIMPY, scenario)
    assert out["model"]["summary"] == out["simpy"]["summary"]
    assert json.loads(out["model"]["summary"])["arrivals"] > 20
    assert out["simpy"]["turns"] > 10  # the SimPy events stood in for the model's turns
    # the stream of arrivals as a process is started by an event of its own
    assert out["simpy"]["events"] - out["model"]["events"] == 1


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_pauses_while_a_world_runs_and_is_left_as_it_was(tiny, enabled) -> None:
    world = World(tiny, 1)
    passes: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            passes.append(info["generation"])

    threshold = gc.get_threshold()
    was = gc.isenabled()
    gc.set_threshold(1, 1, 1)  # a pass on nearly every allocation, were it collecting
    gc.callbacks.append(count)
    (gc.enable if enabled else gc.disable)()
    try:
        world.run()
        after = gc.isenabled()
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)
        (gc.enable if was else gc.disable)()
    assert after is enabled
    assert passes == []
