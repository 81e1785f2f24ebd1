"""Every run ends: no loop of the model draws one uniform at a time without a bound.

Misroutes "from pillar to post" and rounds of consensus-seeking repeat with a
probability; their number is one geometric draw, and repeats that take no time are
taken at once. A scenario at the edge of what the schema allows (a probability of
0.999999999) then runs as fast as any other.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np

from sim.model.initiative import Initiative
from sim.model.random import PrivateSupply
from sim.model.world import World
from tests.conftest import ROOT, short


def _draws(p: float, us: np.ndarray) -> tuple[list[int], list[int]]:
    """Misroutes of one initiative per uniform in ``us`` (one department, no regisseur,
    an unclear process with misroute probability ``p``), and the uniforms each used."""
    world = World(short(municipality={"departments": 1, "misroute_prob": p,
                                      "clear_process": 0.0}), 1)
    counts, used = [], []
    for u in us.tolist():
        ini = Initiative(0, 0.0, True, PrivateSupply([1.0], [u], np.random.default_rng(0)))
        ini.departments = 1
        counts.append(world.municipality.handoffs_needed(ini, 0.0))
        used.append(ini.rng._iu)
    return counts, used


def test_misroutes_are_one_geometric_draw() -> None:
    """P(N >= n) = p**n: over a fine grid of uniforms the shares are p**n to within the
    grid's spacing, and each initiative uses one uniform however often it is sent on."""
    p, m = 0.6, 20_000
    counts, used = _draws(p, (np.arange(m) + 0.5) / m)
    n = np.asarray(counts)
    for k in range(1, 8):
        assert abs(np.mean(n >= k) - p ** k) <= 1.0 / m, k
    assert set(used) == {1}
    assert abs(n.mean() - p / (1 - p)) < 0.01


def _run_in_a_child(changes: str, style: str = "directive", seconds: float = 120.0) -> dict:
    """simulate() of a style (one year) with ``changes``, in a child process
    that must end within ``seconds`` (a model stuck in a loop fails the test, not CI)."""
    code = ("import json, sys\n"
            "from sim import simulate\n"
            "from tests.conftest import short\n"
            f"sc = short({style!r}, **{changes})\n"
            "print(json.dumps(simulate(sc, 3).summary))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=seconds)
    assert done.returncode == 0, done.stderr
    import json
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_run_ends_however_often_an_initiative_is_sent_on() -> None:
    """The issue's scenario (each initiative sent on about 10^9 times): handoffs cost time
    and energy, so initiatives drop out in them and the run ends."""
    summary = _run_in_a_child("dict(municipality={'misroute_prob': 0.999999999, "
                              "'clear_process': 0.0})")
    assert summary["arrivals"] > 50
    assert summary["dropouts_handoffs"] >= 0.9 * summary["finished"]


def test_handoffs_that_take_no_time_are_taken_at_once() -> None:
    """Handoffs without time or energy: every one of the ~10^9 misroutes is taken (the
    mean count per initiative is about 1 / (1 - p)), in one step."""
    summary = _run_in_a_child("dict(municipality={'misroute_prob': 0.999999999, "
                              "'clear_process': 0.0, 'handoff_weeks': 0.0, "
                              "'handoff_energy': 0.0})")
    assert summary["finished"] > 50
    assert summary["handoffs_per_initiative"] > 1e8


def test_rounds_of_consensus_seeking_that_take_no_time_end() -> None:
    """Rounds of dialogue without time or energy at a polder probability next to 1: the
    further rounds are one geometric draw, and the run ends."""
    summary = _run_in_a_child("dict(initiatives={'dialogue_weeks': 0.0}, "
                              "municipality={'polder_prob': 0.999999999, "
                              "'clear_frames': 0.0, 'dialogue': 1.0, "
                              "'dialogue_round_energy': 0.0})",
                              style="direction")
    assert summary["finished"] > 50


def test_instant_rounds_follow_the_geometric_law_and_stop_with_the_energy() -> None:
    """The further rounds taken at once: P(N >= n) = p**n without an energy cost; with
    one, no more rounds than the energy pays for (the loop they replace stopped there)."""
    from sim.model.journey import Journey

    world = World(short("direction", municipality={"polder_prob": 0.6,
                                                    "clear_frames": 0.0}), 1)
    journey = world.initiatives.journey
    assert isinstance(journey, Journey)
    p = world.municipality.regime.polder_prob
    m = 20_000
    counts, capped = [], []
    for u in ((np.arange(m) + 0.5) / m).tolist():
        for energy, cost, out in ((1.0, 0.0, counts), (0.25, 0.1, capped)):
            ini = Initiative(0, 0.0, True,
                             PrivateSupply([1.0], [u], np.random.default_rng(0)))
            ini.energy = energy
            out.append(journey._instant_rounds(ini, cost))
    n = np.asarray(counts)
    for k in range(1, 6):
        assert abs(np.mean(n >= k) - p ** k) <= 1.0 / m, k
    assert max(capped) == math.ceil(0.25 / 0.1) == 3
    assert np.mean(np.asarray(capped) == 3) == np.mean(n >= 3)
