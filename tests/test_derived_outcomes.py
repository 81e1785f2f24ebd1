"""Outcomes derived from two arms of every point (the EMA Workbench's outcomes computed from
runs): ``fallback_cost:OUTCOME`` is the arm with fallback minus the arm without, on the
same seeds, replication by replication, for sensitivity studies and PRIM.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment import run_batch
from sim.experiment.exploration import CONTRASTS, check_outcomes, parse_ranges, read_ranges
from sim.experiment.sensitivity import evaluate_points, parameter_space, run_morris
from sim.report.sensitivity import outcome_title, write_sensitivity_page
from tests.conftest import plain_output, short

COST = CONTRASTS["fallback_cost"]
POINTS = pd.DataFrame({"fallback.upper": [0.6, 0.9], "aldermen.incident_rate": [0.3, 0.15]})
"""Two points where tension runs high, so that falling back happens and costs something."""


def _base():
    return short("direction", run={"horizon_weeks": 26.0, "warmup_weeks": 4.0})


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal bit for bit (NaN where both are NaN: an outcome undefined in both arms)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def test_a_derived_outcome_is_the_difference_of_the_two_arms_run_apart() -> None:
    base, reps, seed = _base(), 3, 7
    evaluated = evaluate_points(base, POINTS, reps, seed, None, (COST,), backend="serial")
    runs = evaluated.runs.set_index(["scenario", "replication"])
    outcomes = ["share_dissatisfied", "success_rate", "satisfaction", "fallback_weeks"]
    moved = 0
    for i, point in enumerate(POINTS.to_dict("records")):
        at = base.with_changes(point)
        # each arm alone, in a batch of its own, on the same base seed
        with_ = run_batch({"with": at.with_changes({"fallback.enabled": True})}, reps=reps,
                          seed=seed, backend="serial").runs.set_index("replication")
        without = run_batch({"without": at.with_changes({"fallback.enabled": False})},
                            reps=reps, seed=seed, backend="serial").runs.set_index(
            "replication")
        mine = runs.loc[f"sample-{i:05d}"]
        for o in outcomes:
            expected = (with_[o] - without[o]).to_numpy()
            assert _same(mine[f"fallback_cost:{o}"].to_numpy(), expected), (i, o)
            assert _same(mine[o].to_numpy(), with_[o].to_numpy())  # the point as given
        moved += int((with_["share_dissatisfied"] != without["share_dissatisfied"]).sum())
    assert moved > 0  # falling back changed something: the differences are not all zero


def test_over_a_posterior_both_arms_meet_the_same_draws(tmp_path: Path) -> None:
    """With a posterior, replication i of both arms runs on one draw (and one seed), and
    the derived value is their difference; the draws are not outcomes."""
    from tests.conftest import ROOT

    points = pd.DataFrame({"municipality.feedback": [0.3, 0.8]})
    evaluated = evaluate_points(_base(), points, 2, 5, tmp_path, (COST,), backend="serial",
                                posterior=ROOT / "calibration" / "typical")
    assert not [c for c in evaluated.runs.columns if "posterior" in c]
    stored = pd.read_parquet(tmp_path / "runs.parquet")
    drawn = ["seed", *[c for c in stored.columns if c.startswith("posterior.")]]
    assert len(drawn) > 3
    for i in range(len(points)):
        point = stored[stored["scenario"] == f"sample-{i:05d}"].set_index("replication")
        twin = stored[stored["scenario"] == f"sample-{i:05d} fallback_cost without"
                      ].set_index("replication")
        pd.testing.assert_frame_equal(point[drawn], twin[drawn])
        mine = evaluated.runs[evaluated.runs["scenario"] == f"sample-{i:05d}"]
        assert _same(mine["fallback_cost:share_dissatisfied"].to_numpy(),
                     (point["share_dissatisfied"] - twin["share_dissatisfied"]).to_numpy())


def test_a_screening_of_a_derived_outcome_names_it(tmp_path: Path) -> None:
    base = _base().with_changes({"aldermen.incident_rate": 0.25})
    ranges = parse_ranges({"fallback.upper": [0.5, 1.2], "municipality.feedback": [0.2, 0.9],
                           "municipality.dialogue": [0.2, 0.9]})
    space = parameter_space(base, ranges=ranges).subset(list(ranges.bounds))
    name = "fallback_cost:share_dissatisfied"
    screening = run_morris(base, tmp_path, trajectories=3, reps=2, seed=3, space=space,
                           contrasts=(COST,), backend="serial")
    morris = pd.read_csv(tmp_path / "morris.csv")
    assert set(morris.loc[morris["outcome"] == name, "parameter"]) == set(ranges.bounds)
    assert "share_dissatisfied" in set(morris["outcome"])  # the levels are screened too
    # each point's value is the mean over replications of with minus without, paired by
    # replication in the stored runs (same seed in both arms)
    stored = pd.read_parquet(tmp_path / "runs.parquet")
    twins = stored[stored["scenario"].str.endswith(" fallback_cost without")]
    assert len(twins) == len(screening.design.points) * 2  # every point ran both arms
    pairs = stored.merge(twins.assign(scenario=twins["scenario"].str.removesuffix(
        " fallback_cost without")), on=["scenario", "replication"], suffixes=("", "_twin"))
    assert (pairs["seed"] == pairs["seed_twin"]).all()
    cost = (pairs["share_dissatisfied"] - pairs["share_dissatisfied_twin"]).groupby(
        pairs["scenario"]).mean()
    points = screening.design.points
    expected = cost.reindex([f"sample-{i:05d}" for i in range(len(points))]).to_numpy()
    assert points[name].to_numpy() == pytest.approx(expected, nan_ok=True)
    assert np.nanmax(np.abs(expected)) > 0
    # the page names it as the difference it is, in both languages
    for lang, words in (("en", "Fallback&#x27;s cost in share dissatisfied (with minus "
                               "without)"),
                        ("nl", "Kosten van terugvallen in aandeel ontevreden (met min "
                               "zonder)")):
        (tmp_path / lang).mkdir()
        page = write_sensitivity_page(tmp_path / lang, "morris", screening.indices,
                                      screening.design, [name], "note", lang)
        assert words in page.read_text(encoding="utf-8")


SMALL = """extends = "{root}/scenarios/direction.toml"
[run]
horizon_weeks = 26.0
warmup_weeks = 4.0
[aldermen]
incident_rate = 0.25
[ranges]
"fallback.upper" = [0.5, 1.2]
"municipality.feedback" = [0.2, 0.9]
"""


def _small_file(tmp_path: Path) -> Path:
    from tests.conftest import ROOT

    path = tmp_path / "small.toml"
    path.write_text(SMALL.format(root=ROOT.as_posix()), encoding="utf-8")
    return path


def test_a_sample_and_its_prim_box_on_a_derived_outcome_from_the_command_line(
        tmp_path: Path) -> None:
    name = "fallback_cost:share_dissatisfied"
    out = tmp_path / "s"
    result = CliRunner().invoke(app, [
        "sensitivity", str(_small_file(tmp_path)), "--method", "lhs", "--samples", "8",
        "--reps", "2", "--outcome", name, "--prim", "high", "--backend", "serial",
        "--out", str(out)])
    assert result.exit_code == 0, result.output
    said = plain_output(result.output)
    assert ("PRIM box of the points in the highest quarter of fallback's cost in share "
            "dissatisfied (with minus without): ") in said
    samples = pd.read_csv(out / "samples.csv")
    stored = pd.read_parquet(out / "runs.parquet")
    wide = stored.pivot(index="replication", columns="scenario", values="share_dissatisfied")
    for i, value in enumerate(samples[name]):
        assert value == pytest.approx((wide[f"sample-{i:05d}"]
                                       - wide[f"sample-{i:05d} fallback_cost without"]).mean())
    box = pd.read_csv(out / "prim_box.csv")
    assert set(box["outcome"]) == {name} and set(box["tail"]) == {"high"}
    assert set(box["parameter"]) <= set(read_ranges(_small_file(tmp_path)).names)


@pytest.mark.parametrize(("outcome", "said"), [
    ("fallbak_cost:share_dissatisfied", ["unknown contrast 'fallbak_cost'",
                                         "fallback_cost (fallback.enabled true minus false"]),
    ("fallback_cost:share_dissatisfed", ["'share_dissatisfed' is not an outcome of a run",
                                         "did you mean share_dissatisfied",
                                         "OUTCOME one of arrivals, finished"]),
    (":share_dissatisfied", ["unknown contrast ''", "CONTRAST one of fallback_cost"]),
])
def test_a_bad_outcome_is_refused_before_anything_runs(tmp_path: Path, outcome: str,
                                                       said: list[str]) -> None:
    out = tmp_path / "never"
    result = CliRunner().invoke(app, ["sensitivity", str(_small_file(tmp_path)), "--method",
                                      "lhs", "--samples", "4", "--outcome", outcome,
                                      "--backend", "serial", "--out", str(out)])
    assert result.exit_code == 2
    text = plain_output(result.output)
    assert text.startswith("error: --outcome: "), text
    for part in said:
        assert part in text
    assert not out.exists()  # refused before anything ran


def test_prim_needs_a_sample(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sensitivity", str(_small_file(tmp_path)), "--method",
                                      "morris", "--prim", "high", "--backend", "serial",
                                      "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "--prim: only with --method lhs or qmc" in plain_output(result.output)


def test_the_library_names_what_is_allowed() -> None:
    assert check_outcomes(["success_rate", "fallback_cost:success_rate",
                           "fallback_cost:share_dissatisfied"]) == (COST,)
    assert check_outcomes(["success_rate"]) == ()
    with pytest.raises(ValueError, match="unknown contrast 'x'"):
        check_outcomes(["x:success_rate"])
    with pytest.raises(ValueError, match="'success' is not an outcome of a run"):
        check_outcomes(["fallback_cost:success"])
    assert outcome_title("fallback_cost:weeks_to_decision", "nl") == (
        "Kosten van terugvallen in weken tot besluit (met min zonder)")
