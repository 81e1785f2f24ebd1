"""The model: reproducibility, common random numbers, bookkeeping and mechanisms."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim import simulate
from sim.outcomes import STAGES
from tests.conftest import ROOT, short


def test_same_seed_same_numbers_bit_for_bit(tiny) -> None:
    a, b = simulate(tiny, 11), simulate(tiny, 11)
    assert a.summary == b.summary or _nan_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.series, b.series, check_exact=True)
    pd.testing.assert_frame_equal(a.initiatives, b.initiatives, check_exact=True)


def test_other_seed_other_numbers(tiny) -> None:
    assert simulate(tiny, 1).initiatives["arrival_week"].tolist() != simulate(
        tiny, 2).initiatives["arrival_week"].tolist()


def _nan_equal(x: dict, y: dict) -> bool:
    return x.keys() == y.keys() and all(
        (isinstance(v, float) and math.isnan(v) and math.isnan(y[k])) or v == y[k]
        for k, v in x.items())


def test_common_random_numbers_same_citizens_across_styles() -> None:
    """With arrivals independent of trust, every style meets the same initiatives.

    Same candidates, same arrival moments, and the same drawn attributes: complexity,
    departments, needed roles and initial energy (logged at arrival).
    """
    runs = [simulate(short(style, initiatives={"trust_elasticity": 0.0},
                           run={"event_log": True}), 5)
            for style in ("directive", "direction", "partner")]
    drawn = ["id", "arrival_week", "complexity", "departments", "needs"]
    first = runs[0].initiatives[drawn]
    assert first["departments"].nunique() > 1 and first["needs"].nunique() > 1
    energy = [r.log[r.log["event"] == "arrive"].set_index("id")["value"] for r in runs]
    for other, other_energy in zip(runs[1:], energy[1:], strict=True):
        pd.testing.assert_frame_equal(other.initiatives[drawn], first, check_exact=True)
        pd.testing.assert_series_equal(other_energy, energy[0], check_exact=True)
    assert not runs[0].initiatives["outcome"].equals(runs[1].initiatives["outcome"]), (
        "the styles must treat these citizens differently, or the test shows nothing")


def test_fallback_off_changes_nothing_before_the_first_episode() -> None:
    """A budget cut in week 20 forces the first episode; until then both runs agree."""
    forced = {"incident_rate": 0.0}
    cut = {"cuts": [{"week": 20.0, "tension": 5.0}]}
    on = simulate(short("direction", aldermen=forced, tension=cut), 3)
    off = simulate(short("direction", aldermen=forced, tension=cut,
                         fallback={"enabled": False}), 3)
    first = on.episodes["start_week"].min()
    assert 20.0 <= first <= 21.0
    before = on.series["week"] < first
    assert before.sum() == int(first) >= 20
    for column in ("tension", "trust", "active", "queue_managers"):
        pd.testing.assert_series_equal(on.series.loc[before, column],
                                       off.series.loc[before, column])
    assert not on.series["trust"].equals(off.series["trust"])


@pytest.mark.parametrize("style", ["directive", "consultative", "direction", "partner"])
def test_every_counted_initiative_is_accounted_for(style: str) -> None:
    r = simulate(short(style), 2)
    s, df = r.summary, r.initiatives
    assert s["arrivals"] == len(df) == s["finished"] + s["in_progress"]
    assert s["finished"] == s["successes"] + s["rejected"] + s["dropouts"]
    assert s["dropouts"] == sum(s[f"dropouts_{st}"] for st in STAGES)
    assert set(df["outcome"]) <= {"success", "rejected", "dropout", "in_progress"}
    for key in ("success_rate", "share_dissatisfied", "manager_inward_share",
                "utilisation_front_office", "utilisation_managers", "utilisation_college"):
        assert 0.0 <= s[key] <= 1.0, key
    assert df["frustration"].between(0, 1).all()


def test_series_has_one_row_per_week() -> None:
    sc = short()
    r = simulate(sc, 1)
    assert len(r.series) == int(sc.run.horizon_weeks)
    assert r.series["week"].iloc[0] == 0.0
    assert r.series["trust"].between(0, 1).all()


def test_fallback_follows_hysteresis() -> None:
    sc = short("consultative", fallback={"upper": 0.6, "lower": 0.3},
               aldermen={"incident_rate": 0.2})
    r = simulate(sc, 4)
    s = r.series
    assert s["fallback"].any(), "this much pressure must cause a fallback"
    entered = s["fallback"] & ~s["fallback"].shift(1, fill_value=False)
    left = ~s["fallback"] & s["fallback"].shift(1, fill_value=False)
    assert (s.loc[entered, "tension"] > 0.6).all()
    assert (s.loc[left, "tension"] < 0.3).all()
    in_window = r.episodes["end_week"].isna() | (r.episodes["end_week"] > 0)
    assert r.summary["fallback_episodes"] == in_window.sum()
    assert r.summary["fallback_weeks"] > 0


def test_fallback_hits_active_initiatives() -> None:
    sc = short("consultative", fallback={"upper": 0.6, "lower": 0.3},
               aldermen={"incident_rate": 0.2})
    r = simulate(sc, 4)
    assert (r.episodes["initiatives_hit"] > 0).all()
    assert r.summary["initiatives_hit_by_fallback"] > 0


def test_fallback_disabled_means_no_episodes() -> None:
    r = simulate(short("direction", fallback={"enabled": False},
                       aldermen={"incident_rate": 0.5}), 4)
    assert r.summary["fallback_episodes"] == 0
    assert not r.series["fallback"].any()


def test_directive_inward_share_is_reported() -> None:
    r = simulate(short("directive", fallback={"enabled": False}), 1)
    assert r.summary["manager_inward_share"] == pytest.approx(0.6)


def test_budget_cut_raises_tension() -> None:
    base = short("direction", fallback={"enabled": False})
    cut = base.with_changes({"tension.cuts": [{"week": 10.0, "tension": 2.0}]})
    a, b = simulate(base, 1).series, simulate(cut, 1).series
    week = 11.0
    assert b.loc[b.week == week, "tension"].item() > a.loc[a.week == week, "tension"].item() + 1


def test_event_log_only_on_request(tiny) -> None:
    assert simulate(tiny, 1).log is None
    log = simulate(tiny.with_changes({"run.event_log": True}), 1).log
    assert log is not None and len(log) > 0
    assert {"arrive", "signalled"} <= set(log["event"])
    assert log["week"].is_monotonic_increasing


def test_event_log_does_not_change_results(tiny) -> None:
    a = simulate(tiny, 9).summary
    b = simulate(tiny.with_changes({"run.event_log": True}), 9).summary
    assert _nan_equal(a, b)


@pytest.mark.parametrize("style", ["directive", "direction"])
def test_journey_counts_add_up_stage_by_stage(style: str) -> None:
    """What enters a stage leaves it as the next stage, a dropout, or is still there."""
    s = simulate(short(style), 6).summary
    flow = s["arrivals"]
    for stage in STAGES:
        flow -= s[f"dropouts_{stage}"] + s[f"in_progress_{stage}"]
        if stage == "decision":
            flow -= s["rejected"]
    assert flow == s["successes"]
    assert sum(s[f"frustration_bin_{k}"] for k in range(10)) == s["finished"]


def test_episode_peak_is_the_highest_weekly_tension_of_the_episode() -> None:
    sc = short("consultative", fallback={"upper": 0.6, "lower": 0.3},
               aldermen={"incident_rate": 0.2})
    r = simulate(sc, 4)
    s = r.series
    observed = r.episodes[r.episodes["start_week"] >= 0]  # the series starts at week 0
    assert len(observed) > 0
    for ep in observed.itertuples():
        end = ep.end_week if ep.end_week == ep.end_week else s["week"].max() + 1
        during = s[(s["week"] >= ep.start_week) & (s["week"] < end)]
        assert ep.peak_tension == pytest.approx(during["tension"].max())


LOG_CALLS = """
import json, sys
from sim.model.log import EventLog
from sim.run import simulate
from sim.scenario import build_scenario

def refuse(*args, **kwargs):
    raise AssertionError("a log call")

EventLog.add = refuse
scenario = build_scenario(json.loads(sys.argv[1]))
try:
    simulate(scenario.with_changes({"run.event_log": True}), 0)
except AssertionError:
    print("the patch is seen")
print("log off:", simulate(scenario, 0).log)
"""


def test_logging_off_makes_no_log_calls(tiny) -> None:
    # in the sources: compiled modules do not see a patch (sim.model)
    done = subprocess.run([sys.executable, "-c", LOG_CALLS, json.dumps(tiny.model_dump(
        mode="json"))], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "REGIESIM_PURE": "1"})
    assert done.stdout.splitlines() == ["the patch is seen", "log off: None"], done.stderr


def test_candidate_draws_follow_the_live_candidates() -> None:
    """Only the block of the latest candidate is kept; an earlier block is gone."""
    from sim.model.random import BLOCK, CandidateDraws, Streams

    def attributes(u, roles) -> list[tuple]:
        return [tuple(row) for row in u.tolist()]

    kept = CandidateDraws(Streams(0), 2, attributes)
    first = kept.get(0)
    assert kept.get(BLOCK - 1)[0] != first[0]
    late = kept.get(3 * BLOCK + 5)
    with pytest.raises(ValueError):
        kept.get(BLOCK)
    # the same draws whatever was asked for in between
    fresh = CandidateDraws(Streams(0), 2, attributes)
    assert fresh.get(0) == first
    assert fresh.get(3 * BLOCK + 5) == late


def test_a_candidates_private_supply_is_its_own_row_of_its_blocks_journey_draws() -> None:
    """Candidate k's journey draws are row k of its block of the journeys stream (the unit
    exponentials drawn first, then the uniforms), in order; past them, the overflow stream."""
    from sim.model.random import BLOCK, JOURNEY_DRAWS, CandidateDraws, PrivateSupply, Streams

    draws = CandidateDraws(Streams(7), 2, lambda u, roles: [()] * len(u))
    journeys = Streams(7)["journeys"]
    for block in range(2):
        exps = journeys.standard_exponential((BLOCK, JOURNEY_DRAWS))
        unis = journeys.random((BLOCK, JOURNEY_DRAWS))
        for k in (0, 1, 37, BLOCK - 1):
            _, e, u, start = draws.get(block * BLOCK + k)
            supply = PrivateSupply(e, u, np.random.default_rng(1), start)
            assert [supply.exp() for _ in range(JOURNEY_DRAWS)] == exps[k].tolist()
            assert [supply.uniform() for _ in range(JOURNEY_DRAWS)] == unis[k].tolist()
            overflow = np.random.default_rng(1)
            assert supply.exp() == overflow.standard_exponential()
            assert supply.uniform() == overflow.random()


def test_pool_is_first_come_first_served_and_keeps_utilisation() -> None:
    import simpy

    from sim.model.pools import Pool

    env = simpy.Environment()
    pool = Pool(env, 1)
    order: list[str] = []

    def user(name: str, arrive: float, hold: float):
        yield env.timeout(arrive)
        turn = pool.request()
        if turn is not None:
            yield turn
        order.append(name)
        yield env.timeout(hold)
        pool.release()

    for name, arrive in (("a", 0.0), ("b", 1.0), ("c", 2.0)):
        env.process(user(name, arrive, 4.0))
    env.run()
    assert order == ["a", "b", "c"]
    assert env.now == 12.0
    assert pool.utilisation() == 1.0
    assert pool.busy == 0 and not pool.queue


def test_inverse_cdfs_are_scipy_stats_bit_for_bit() -> None:
    """The model's quantile functions give scipy.stats' numbers exactly on every value
    ``Generator.random()`` gives (multiples of 2**-53 in [0, 1)), the extremes included:
    every candidate's attributes depend on it."""
    from scipy import stats

    from sim.model.random import beta_ppf, gamma_ppf, norm_ppf, poisson_ppf

    rng = np.random.default_rng(3)
    steps = np.concatenate([[0, 1, 2, 3, 2**52], 2**53 - np.arange(1, 4),
                            rng.integers(0, 2**53, 20_000)])
    every = steps.astype(float) * 2.0**-53

    def same(ours: np.ndarray, theirs: np.ndarray) -> bool:
        return ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes()

    for q in (every, every[every > 0.0]):  # with 0 (its bound placed), and without
        for a, b in ((2.0, 3.0), (5.6, 8.0 - 5.6), (0.01, 0.5), (0.5, 0.5), (1.0, 1.0),
                     (99.0, 7.0), (0.01, 100.0)):
            assert same(beta_ppf(q, a, b), stats.beta.ppf(q, a, b)), (a, b)
        for shape in (4.0, 0.3, 1.0, 25.0):
            assert same(gamma_ppf(q, shape), stats.gamma.ppf(q, shape)), shape
        assert same(norm_ppf(q), stats.norm.ppf(q))
        for mu in (0.0, 0.5, 7.0, 11.0, 999.0):
            assert same(poisson_ppf(q, mu), stats.poisson.ppf(q, mu)), mu


def test_first_of_two_moves_on_at_the_first_event_without_an_event_of_its_own() -> None:
    """A patient wait (FirstOf) moves its waiter on at the moment the first of its two
    events is processed, in that event's callbacks: before processes scheduled later at
    the same moment (SimPy's ``a | b`` schedules an event of its own and moves it on after
    them), once, and with one scheduled event fewer per wait."""
    import simpy

    from sim.model.waiting import FirstOf

    def trace(first_of) -> tuple[list[tuple[str, float, bool]], int]:
        env = simpy.Environment()
        gate = env.event()
        order: list[tuple[str, float, bool]] = []

        def waiter(name: str, limit: float):
            yield first_of(gate, env.timeout(limit))
            order.append((name, env.now, gate.triggered))

        def at_two(name: str, open_gate: bool):
            yield env.timeout(2.0)
            if open_gate:
                gate.succeed()
            order.append((name, env.now, gate.triggered))

        env.process(at_two("bystander", False))
        for name, limit in (("patient", 5.0), ("impatient", 1.0), ("tied", 2.0)):
            env.process(waiter(name, limit))
        env.process(at_two("opener", True))
        env.process(at_two("late bystander", False))
        env.run()
        return order, int(repr(env._eid)[6:-1])

    order, events = trace(FirstOf)
    # "tied" waited 2 weeks for a gate opened at 2 by a process scheduled after its limit:
    # its limit came first, so it moves on before the gate opens ("a | b" would let it see
    # the gate open, having waited for its own event)
    assert order == [("impatient", 1.0, False), ("bystander", 2.0, False),
                     ("tied", 2.0, False), ("opener", 2.0, True),
                     ("late bystander", 2.0, True), ("patient", 2.0, True)]
    any_order, any_events = trace(lambda a, b: a | b)
    assert sorted(any_order) != sorted(order)  # the tie is the one difference
    assert [o for o in any_order if o[0] != "tied"] == [o for o in order if o[0] != "tied"]
    assert any_events - events == 3  # one event per wait fewer (three waits)


def test_role_fit_table_is_the_set_algebra() -> None:
    """Role fit from masks (the hot path) equals the share of needed roles offered,
    computed on sets, for every set of needs and of offered roles."""
    from itertools import combinations

    from sim.model.municipality import FIT, role_mask
    from sim.styles import ROLES

    subsets = [frozenset(c) for n in range(len(ROLES) + 1) for c in combinations(ROLES, n)]
    for needs in subsets:
        for offered in subsets:
            expected = len(needs & offered) / len(needs) if needs else None
            got = FIT[role_mask(needs)][role_mask(offered)]
            assert (math.isnan(got) if expected is None else got == expected), (needs, offered)
