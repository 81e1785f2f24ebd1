"""The model's clock (``sim.model.clock``) and how a world runs: cheaper than SimPy's front
door, and the same to SimPy, so the same numbers."""

from __future__ import annotations

import gc
import json
from collections import deque

import pytest
import simpy
from simpy.core import StopSimulation

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
# SimPy's own timeouts, a pool's turns as SimPy events, the stream of arrivals as a SimPy
# process and SimPy's own loop (``env.run``), and as the model runs.
AS_SIMPY = """
import json, sys
import simpy
from sim.model import (aldermen, clock, initiatives, journey, municipality, pools, underway,
                       waiting)
from sim.model.world import World
from sim.scenario import build_scenario

MODULES = (aldermen, initiatives, journey, municipality, waiting)
scenario = build_scenario(json.loads(sys.argv[1]))
timer, set_out, turn, run = waiting.Timer, underway.set_out, pools.Turn, clock.Clock.run


class EventTurn(simpy.Event):  # a place in a pool's queue as a SimPy event
    made = 0

    def __init__(self, pool):
        super().__init__(pool.env)
        self.pool = pool
        EventTurn.made += 1

    def cancel(self):
        if not self.triggered:
            self.pool.queue.remove(self)


loops = []


def simpy_run(self, until):
    loops.append(until)
    self.env.run(until=until)


out = {}
for how in ("simpy", "model"):
    world = World(scenario, 5)
    if how == "simpy":
        for module in MODULES:
            module.Timer = lambda clock, delay: simpy.Timeout(clock.env, delay)
        underway.set_out = world.env.process
        pools.Turn = EventTurn
        clock.Clock.run = simpy_run
    try:
        summary = world.run()
    finally:
        for module in MODULES:
            module.Timer = timer
        underway.set_out, pools.Turn, clock.Clock.run = set_out, turn, run
    out[how] = {"summary": json.dumps(summary, sort_keys=True),
                "events": int(repr(world.env._eid)[6:-1]), "turns": EventTurn.made,
                "loops": len(loops)}
print(json.dumps(out))
"""


def test_the_model_gives_the_numbers_of_simpys_timeouts_events_and_processes(tiny) -> None:
    # one clerk at the front office: initiatives queue, and are handed the clerk in turn
    scenario = tiny.with_changes({"run.horizon_weeks": 104, "municipality.intake_staff": 1})
    out = in_the_sources(AS_SIMPY, scenario)
    assert out["model"]["summary"] == out["simpy"]["summary"]
    assert json.loads(out["model"]["summary"])["arrivals"] > 20
    assert out["simpy"]["turns"] > 10  # the SimPy events stood in for the model's turns
    assert out["simpy"]["loops"] == 2  # SimPy's loop ran the warm-up and the horizon
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


def story(env: simpy.Environment, seen: list) -> Timer:
    """Processes that wait on timeouts, one ending at a run's end, an event failed and
    defused, processes made as the time moves on, callbacks that see whether their event
    is processed, and an event that stops the simulation with a callback left: what
    SimPy's loop and the clock's must run alike."""

    def ticking(name: str, delay: float, times: int) -> simpy.events.ProcessGenerator:
        for _ in range(times):
            value = yield env.timeout(delay, value=name)
            seen.append((env.now, value))
            if env.now == 1.5:
                env.process(ticking(f"{name}+", 0.25, 2))

    def timing(delay: float) -> simpy.events.ProcessGenerator:  # the model's own timeouts
        for _ in range(6):
            value = yield Timer(Clock(env), delay)
            seen.append((env.now, f"timer {value}"))

    def defusing() -> simpy.events.ProcessGenerator:
        failed = env.event()
        failed.fail(KeyError("handled"))
        try:
            yield failed
        except KeyError as error:
            seen.append((env.now, f"defused {error}"))

    env.process(ticking("a", 0.5, 8))
    env.process(ticking("b", 2.0, 2))  # at week 2, the first run's end
    env.process(timing(0.75))
    env.process(defusing())
    def processed(event) -> str:
        return "processed" if event.callbacks is None else "not cleared"

    early = env.timeout(2.0, value="queued before the run")  # before the run's end, too
    early.callbacks.append(lambda event: seen.append((env.now, event.value, processed(event))))
    timer = Timer(Clock(env), 3.0)  # a timer with two callbacks
    for name in ("first", "second"):
        timer.callbacks.append(
            lambda event, name=name: seen.append((env.now, name, processed(event))))
    halt = env.timeout(4.0)  # stops the simulation, one callback left for the next run
    halt.callbacks += [StopSimulation.callback, lambda _: seen.append((env.now, "left"))]
    return timer


def test_the_clocks_run_is_simpys_run_event_for_event_and_leaves_the_environment_as_it() -> None:
    runs = {}
    for how in ("simpy", "clock"):
        env = simpy.Environment()
        seen: list = []
        timer = story(env, seen)
        for until in (2.0, 2.6, 9.0, 12.0, 13.0):
            if how == "simpy":
                env.run(until=until)
            else:
                Clock(env).run(until)
            seen.append(("end", env.now))
        queued = sorted((t, p, e, type(event).__name__) for t, p, e, event in env._queue)
        runs[how] = seen, queued, next(env._eid), timer.callbacks  # None: processed
    assert runs["clock"] == runs["simpy"]
    seen, queued, _, callbacks = runs["clock"]
    assert callbacks is None
    # what is due at a run's end waits for the next run, as in SimPy
    early = (2.0, "queued before the run", "processed")
    assert seen.index(early) == seen.index(("end", 2.0)) + 1
    assert seen.index((2.0, "b")) > seen.index(("end", 2.0))
    assert (1.5, "a") in seen and (2.0, "a+") in seen and (0, "defused 'handled'") in seen
    assert (2.25, "timer None") in seen and (4.5, "timer None") in seen
    assert seen.index((3.0, "first", "processed")) + 1 == seen.index((3.0, "second",
                                                                      "processed"))
    # the run to week 9 stops at week 4, its callback left runs first in the next run;
    # each later run stops where the run before it was to end, as in SimPy
    ends = [entry[1] for entry in seen if entry[0] == "end"]
    assert ends == [2.0, 2.6, 4.0, 9.0, 12.0]
    assert seen.index(("end", 4.0)) + 1 == seen.index((4.0, "left"))
    assert queued[-2:] == [(12.0, -1, queued[-2][2], "Event"), (13.0, 0, queued[-1][2], "Event")]


def test_the_clocks_run_keeps_the_type_of_its_end_as_simpys_does() -> None:
    for until in (2, 2.5):
        ends = []
        for how in ("simpy", "clock"):
            env = simpy.Environment()
            env.run(until=until) if how == "simpy" else Clock(env).run(until)
            ends.append((env.now, type(env.now)))
        assert ends[0] == ends[1] == (until, type(until))


def test_the_clocks_run_crashes_and_refuses_as_simpys_does() -> None:
    def failing(env: simpy.Environment) -> simpy.events.ProcessGenerator:
        yield env.timeout(1.0)
        raise ValueError("inside")

    crashes = {}
    for how in ("simpy", "clock"):
        env = simpy.Environment()
        env.process(failing(env))
        env.timeout(7.0)
        with pytest.raises(ValueError, match="inside") as crash:
            env.run(until=5.0) if how == "simpy" else Clock(env).run(5.0)
        crashes[how] = [type(crash.value), crash.value.args, type(crash.value.__cause__),
                        env.now]
        with pytest.raises(ValueError, match=r"until \(1\.0\) must be greater"):
            env.run(until=1.0) if how == "simpy" else Clock(env).run(1.0)
        env.run(until=10.0) if how == "simpy" else Clock(env).run(10.0)
        crashes[how].append(env.now)  # the crashed run's end stops the next run
    assert crashes["clock"] == crashes["simpy"] == [ValueError, ("inside",), ValueError, 1.0,
                                                    5.0]
    # the queue emptied, the run's end with it (SimPy fails an assertion of its own there)
    env = simpy.Environment()
    env.timeout(1.0).callbacks.append(lambda _: env._queue.clear())
    with pytest.raises(RuntimeError, match="No scheduled events left"):
        Clock(env).run(3.0)
