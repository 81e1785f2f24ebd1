"""Statistics: adjustment for many comparisons, replication counts, warm-up detection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis import paired_differences
from sim.analysis.multiple import adjust_pvalues, holm
from sim.analysis.stats import t_test_p

P = [0.01, 0.04, 0.03, 0.005]


def test_holm_matches_hand_computation() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04; running max
    np.testing.assert_allclose(holm(np.array(P)), [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(holm(np.array([0.5, 0.9])), [1.0, 1.0])  # capped at 1


def test_benjamini_hochberg_matches_hand_computation() -> None:
    # p * m / rank = 0.02, 0.02, 0.04, 0.04 (ranks 1..4); running minimum from the top
    np.testing.assert_allclose(adjust_pvalues(P, "bh"), [0.02, 0.04, 0.04, 0.02])
    np.testing.assert_allclose(adjust_pvalues(P, "none"), P)


def test_nan_p_values_stay_out_of_the_family() -> None:
    got = adjust_pvalues([0.01, np.nan, 0.04], "holm")
    assert np.isnan(got[1])
    np.testing.assert_allclose(got[[0, 2]], [0.02, 0.04])  # a family of two, not three


def test_unknown_adjustment_names_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"adjust: must be one of holm, bh, none, got 'bonf'"):
        adjust_pvalues(P, "bonf")


def test_t_test_p_matches_scipy() -> None:
    from scipy import stats

    x = np.random.default_rng(0).normal(0.3, 1, 15)
    assert t_test_p(x) == pytest.approx(stats.ttest_1samp(x, 0.0).pvalue, rel=1e-12)
    assert t_test_p(np.array([2.0, 2.0])) == 0.0 and t_test_p(np.array([0.0, 0.0])) == 1.0
    assert np.isnan(t_test_p(np.array([1.0])))


def _runs(shifts: dict[str, float], n: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    common = rng.normal(0, 1, n)
    frames = [pd.DataFrame({"scenario": name, "replication": range(n),
                            "y": common + shift + rng.normal(0, 1, n)})
              for name, shift in shifts.items()]
    return pd.concat(frames, ignore_index=True)


def test_paired_differences_adjust_over_the_table_and_say_so() -> None:
    runs = _runs({"ref": 0.0, **{f"s{i}": 0.1 * i for i in range(8)}})
    plain = paired_differences(runs, ["y"], "ref")
    assert (plain["adjustment"] == "none").all()
    np.testing.assert_allclose(plain["p_adjusted"], plain["p_value"])
    # without adjustment, significant is the interval excluding zero (as before)
    assert (plain["significant"] == ((plain["ci_low"] > 0) | (plain["ci_high"] < 0))).all()
    for method in ("holm", "bh"):
        table = paired_differences(runs, ["y"], "ref", adjust=method)
        assert (table["adjustment"] == method).all()
        np.testing.assert_allclose(table["p_adjusted"],
                                   adjust_pvalues(table["p_value"], method))
        assert (table["p_adjusted"] >= table["p_value"] - 1e-15).all()
        assert (table["significant"] == (table["p_adjusted"] < 0.05)).all()
        assert table["significant"].sum() <= plain["significant"].sum()
    holm_t = paired_differences(runs, ["y"], "ref", adjust="holm")
    bh_t = paired_differences(runs, ["y"], "ref", adjust="bh")
    assert (bh_t["p_adjusted"] <= holm_t["p_adjusted"] + 1e-15).all()


# --- replications by method ---------------------------------------------------------------

from sim.analysis.precision import (  # noqa: E402
    ci_trajectory,
    hoad_replications,
    precision_status,
    replications_needed,
)
from sim.analysis.stats import mean_ci  # noqa: E402
from sim.analysis.warmup import mser, welch_moving_average  # noqa: E402


def test_ci_trajectory_is_the_t_interval_at_every_n() -> None:
    x = np.random.default_rng(2).normal(5, 1, 40)
    table = ci_trajectory(x, 0.05)
    for n in (2, 7, 40):
        row = table[table["n"] == n].iloc[0]
        ci = mean_ci(x[:n])
        assert row["mean"] == pytest.approx(ci.mean) and row["ci_low"] == pytest.approx(ci.low)
        assert row["target_width"] == pytest.approx(0.05 * abs(ci.mean))


def test_hoad_solution_on_a_known_distribution() -> None:
    # normal(10, 2), 5%: the CI method needs about (1.96 * 2 / 0.5)^2 = 61 replications
    found = []
    for seed in range(20):
        x = np.random.default_rng(seed).normal(10, 2, 400)
        choice = hoad_replications(x, 0.05, k_limit=5)
        assert choice.n is not None
        t = choice.trajectory.set_index("n")
        # the solution meets the target and keeps meeting it through the look-ahead
        assert t.loc[choice.n:choice.n + 5, "met"].all()
        assert not t.loc[choice.n - 1, "met"] or not t.loc[choice.n - 1:choice.n + 4,
                                                          "met"].all()
        found.append(choice.n)
    assert 45 < np.median(found) < 80


def test_hoad_look_ahead_refuses_an_accidentally_narrow_start() -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([[10.0, 10.0, 10.0], rng.normal(10, 2, 300)])
    plain = ci_trajectory(x, 0.05, start=3)
    assert plain.iloc[0]["met"], "three equal values: a zero-width interval at n = 3"
    choice = hoad_replications(x, 0.05, k_limit=5)
    assert choice.n is not None and choice.n > 20
    short = hoad_replications(x[:8], 0.05)
    assert short.n is None and short.needed_next > 8  # undecided: run more


def test_absolute_target_for_a_mean_near_zero() -> None:
    x = np.random.default_rng(4).normal(0.0, 0.4, 30)
    assert replications_needed(x, 0.05, cap=5000) == 5000  # no relative precision at 0
    n = replications_needed(x, None, absolute=0.1)
    sd = x.std(ddof=1)
    assert (1.96 * sd / 0.1) ** 2 <= n <= (2.1 * sd / 0.1) ** 2
    # with both, the easier target counts
    assert replications_needed(x, 0.05, absolute=0.1) == n
    with pytest.raises(ValueError, match="precision: give a relative precision"):
        replications_needed(x, None)


def test_precision_status_on_paired_differences() -> None:
    rng = np.random.default_rng(6)
    common = rng.normal(0, 5, 20)
    runs = pd.DataFrame({"scenario": ["a"] * 20 + ["b"] * 20, "replication": list(range(20)) * 2,
                         "y": np.concatenate([common, common + 1 + rng.normal(0, 0.1, 20)])})
    status = precision_status(runs, ["y"], 0.05, on="both", reference="a").set_index("target")
    assert set(status.index) == {"a", "b", "b - a"}
    assert status.loc["b - a", "met"] and not status.loc["a", "met"]  # CRN: the pair is sharp
    assert status.loc["b - a", "mean"] == pytest.approx(1.0, abs=0.1)
    with pytest.raises(ValueError, match="reference: must be one of a, b"):
        precision_status(runs, ["y"], 0.05, on="differences", reference="c")


def test_mser5_finds_a_known_transient() -> None:
    # a linear transient of 40 weeks, then steady; the mean of 10 replications' noise
    found = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        y = 10 * np.minimum(np.arange(300) / 40, 1) + rng.normal(0, 0.5, (10, 300)).mean(0)
        cut = mser(y, 5)
        assert cut.reliable and cut.truncation >= 40  # never keeps part of the transient
        found.append(cut.truncation)
    assert np.median(found) <= 50  # and mostly cuts right there (MSER over-cuts at times)
    flat = mser(np.random.default_rng(1).normal(0, 1, 200))
    assert flat.truncation <= 40  # no transient: little or nothing deleted
    rising = mser(np.arange(100.0))  # never settles: the minimum sits at the edge
    assert not rising.reliable


def test_welch_moving_average() -> None:
    y = np.arange(10.0)
    np.testing.assert_allclose(welch_moving_average(y, 2), [0, 1, 2, 3, 4, 5, 6, 7])
    with pytest.raises(ValueError, match="window"):
        welch_moving_average(y, 5)
