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
