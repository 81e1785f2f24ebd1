"""`regiesim compare` on a sweep: each variant against its twin that differs only in one
setting (--pair-by), intervals and stars by one stated rule over the whole table, and
names shown whole, as stored, so that what is printed can be pasted back."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.cli.results import adjusted_differences
from sim.experiment import run_batch
from sim.scenario_files import load_variants
from tests.conftest import SCENARIOS

runner = CliRunner()
SWEEP = """extends = "{base}"

[scenario]
name = "drempel"

[run]
horizon_weeks = 26.0
warmup_weeks = 4.0

[sweep]
"fallback.upper" = [0.6, 1.4]
"fallback.enabled" = [true, false]
"""


@pytest.fixture(scope="module")
def grid(tmp_path_factory) -> Path:
    """A sweep of the threshold and the fallback switch: four variants, named as a
    [sweep] names them (drempel[fallback.upper=0.6,fallback.enabled=True], ...)."""
    folder = tmp_path_factory.mktemp("grid")
    file = folder / "drempel.toml"
    file.write_text(SWEEP.format(base=(SCENARIOS / "direction.toml").as_posix()))
    scenarios, params = load_variants(file)
    run_batch(scenarios, reps=4, seed=7, backend="serial", out=folder / "out", params=params)
    return folder / "out"


def test_pair_by_compares_each_variant_with_its_twin(grid: Path, tmp_path: Path) -> None:
    """Each variant with fallback against the variant at the same threshold without it
    (the twin that differs only in fallback.enabled): with minus without."""
    csv = tmp_path / "pairs.csv"
    result = runner.invoke(app, ["compare", str(grid), "--pair-by", "fallback.enabled",
                                 "--outcome", "share_dissatisfied", "--csv", str(csv)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(csv)
    assert dict(zip(table["scenario"], table["reference"], strict=True)) == {
        f"drempel[fallback.upper={u},fallback.enabled=True]":
            f"drempel[fallback.upper={u},fallback.enabled=False]" for u in (0.6, 1.4)}
    runs = pd.read_parquet(grid / "runs.parquet").set_index(["scenario", "replication"])
    for row in table.itertuples():
        paired = (runs.loc[row.scenario, "share_dissatisfied"]
                  - runs.loc[row.reference, "share_dissatisfied"])
        assert row.difference == pytest.approx(paired.mean(), abs=1e-12)
    # the other way round, named: the twin with fallback is the reference
    back = runner.invoke(app, ["compare", str(grid), "--pair-by", "fallback.enabled=true",
                               "--outcome", "share_dissatisfied", "--csv", str(csv)])
    assert back.exit_code == 0, back.output
    assert all("enabled=True" in r for r in pd.read_csv(csv)["reference"])


@pytest.mark.parametrize(("args", "message"), [
    ([], "--reference NAME"),
    (["--reference", "x", "--pair-by", "fallback.enabled"], "one of the two"),
    (["--pair-by", "fallback.upper"], "say which is the reference"),
    (["--pair-by", "fallback.upper=0.9"], "no scenario has fallback.upper = 0.9"),
    (["--pair-by", "fallback.uper"], "is not a setting"),
    (["--pair-by", "aldermen.incident_rate"], "nothing to pair"),
])
def test_pair_by_refuses_what_it_cannot_pair(grid: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["compare", str(grid), *args])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output


def test_names_are_shown_whole_and_as_stored(grid: Path) -> None:
    """On an 80-column terminal the names were cut ("drempel[fallback.upper…"): each
    stands whole on one line, as stored (no space after the comma), so that what is
    printed can be pasted into --reference."""
    result = runner.invoke(app, ["compare", str(grid), "--reference",
                                 "drempel[fallback.upper=0.6,fallback.enabled=False]"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    cells = {c.strip() for line in result.output.splitlines() for c in re.split("[│┃]", line)}
    for upper, enabled in ((0.6, True), (1.4, True), (1.4, False)):
        assert f"drempel[fallback.upper={upper},fallback.enabled={enabled}]" in cells


def _many(m: int = 10) -> pd.DataFrame:
    """A reference and ``m`` scenarios each a little above it: every per-comparison 95%
    interval excludes 0 (p about 0.01), too little for Holm over ``m`` comparisons."""
    rng = np.random.default_rng(3)
    noise = rng.standard_normal(12)
    noise = (noise - noise.mean()) / noise.std(ddof=1)
    rows = [{"scenario": "ref", "replication": i, "x": 0.0} for i in range(12)]
    rows += [{"scenario": f"s{k}", "replication": i, "x": 1.0 + 1.2 * noise[i]}
             for k in range(m) for i in range(12)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("adjust", ["holm", "bh", "none"])
def test_intervals_and_stars_follow_one_rule(adjust: str) -> None:
    """The issue's row: an interval that excludes 0 without a star (95% intervals, Holm's
    stars). Under every rule a starless interval touches 0; bh and none star exactly the
    intervals that exclude 0."""
    runs = _many()
    diffs = adjusted_differences(runs, ["x"], [(f"s{k}", "ref") for k in range(10)], adjust)
    excludes = (diffs["ci_low"] > 0) | (diffs["ci_high"] < 0)
    assert (~excludes | diffs["significant"]).all(), diffs  # no interval off 0 lacks a star
    if adjust != "holm":
        assert (excludes == diffs["significant"]).all()
    level = {"holm": 1 - 0.05 / 10, "none": 0.95, "bh": 1 - 0.05 * max(
        int(diffs["significant"].sum()), 1) / 10}[adjust]
    assert np.allclose(diffs["level"], level)
    if adjust == "holm":  # p about 0.01 ten times: too little for Holm, so no interval
        assert not diffs["significant"].any() and not excludes.any()  # excludes 0 either
    else:  # all ten p alike: BH stars them all, at 95% as without adjustment
        assert excludes.all() and diffs["significant"].all()


def test_the_table_states_its_rule(grid: Path) -> None:
    result = runner.invoke(app, ["compare", str(grid), "--pair-by", "fallback.enabled"])
    text = " ".join(result.output.split())
    assert "simultaneous CIs (Bonferroni over the" in text and "Holm" in text
