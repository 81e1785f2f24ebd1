"""Journeys run without SimPy processes (sim.model.underway), with the same numbers."""

from __future__ import annotations

import pytest
import simpy

from sim.model.clock import Clock, Timer
from sim.model.underway import set_out
from tests.conftest import in_the_sources

# In the sources (compiled modules do not see a patch): the same scenario and seed with
# every journey run as a SimPy process, as before, and set out without one.
AS_PROCESSES = """
import json, sys
from sim.model import initiatives
from sim.model.world import World
from sim.scenario import build_scenario

scenario = build_scenario(json.loads(sys.argv[1]))
set_out = initiatives.set_out
out = {}
for how in ("process", "underway"):
    world = World(scenario, 3)
    started = [0]
    def as_process(gen, env=world.env):
        started[0] += 1
        env.process(gen)
    def counted(gen):
        started[0] += 1
        set_out(gen)
    initiatives.set_out = as_process if how == "process" else counted
    summary = world.run()
    out[how] = {"summary": json.dumps(summary, sort_keys=True), "started": started[0],
                "ended": started[0] - len(world.initiatives.active),
                "events": int(repr(world.env._eid)[6:-1])}
print(json.dumps(out))
"""


def test_journeys_set_out_give_the_numbers_of_simpy_processes_in_fewer_events(tiny) -> None:
    scenario = tiny.with_changes({"run.horizon_weeks": 104})
    out = in_the_sources(AS_PROCESSES, scenario)
    process, underway = out["process"], out["underway"]
    assert underway["summary"] == process["summary"]
    assert underway["started"] == process["started"] > 20
    # a process is started by one event and ended by another; a journey set out needs neither
    assert process["events"] - underway["events"] == underway["started"] + underway["ended"]


def test_a_journey_moves_on_with_each_event_and_at_once_past_a_processed_one() -> None:
    env = simpy.Environment()
    seen: list[tuple[float, object]] = []
    done = env.event()
    done.succeed("early")
    env.run()  # ``done`` is processed now

    def journey():
        seen.append((env.now, "start"))
        value = yield env.timeout(2.0, value="two weeks")
        seen.append((env.now, value))
        value = yield done  # processed already: no wait
        seen.append((env.now, value))
        yield env.timeout(1.0)
        seen.append((env.now, "end"))

    set_out(journey())
    assert seen == [(0.0, "start")]  # its first step runs at once
    env.run()
    assert seen == [(0.0, "start"), (2.0, "two weeks"), (2.0, "early"), (3.0, "end")]


def test_a_failed_event_raises_inside_the_journey() -> None:
    env = simpy.Environment()
    caught: list[str] = []
    trouble = env.event()

    def journey():
        try:
            yield trouble
        except ValueError as exc:
            caught.append(str(exc))

    set_out(journey())
    trouble.fail(ValueError("no"))
    env.run()
    assert caught == ["no"]


def test_an_uncaught_failure_is_not_swallowed() -> None:
    env = simpy.Environment()
    trouble = env.event()

    def journey():
        yield trouble

    set_out(journey())
    trouble.fail(RuntimeError("lost"))
    with pytest.raises(RuntimeError, match="lost"):
        env.run()


def test_a_journey_that_yields_nothing_to_wait_for_fails_loudly() -> None:
    """A journey that returns ends quietly; one that yields None (a bug: nothing to wait
    for) is not taken for one that returned."""
    env = simpy.Environment()
    clock = Clock(env)
    seen: list[str] = []

    def returns():
        yield Timer(clock, 1.0)
        seen.append("returned")

    def yields_none():
        yield Timer(clock, 2.0)
        yield None
        seen.append("went on")

    set_out(returns())
    set_out(yields_none())
    with pytest.raises(AttributeError):
        env.run()
    assert seen == ["returned"] and env.now == 2.0
