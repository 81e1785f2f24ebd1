"""A sweep is counted from its axes and checked without building its grid (issue 25,
item 6): ``validate`` of a 100,000-variant file in bounded memory, every variant still
checked, the same verdicts and numbers as the expanded grid."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim import ScenarioError
from sim.cli import app
from sim.experiment.plausibility import warnings_for
from sim.experiment.scale import estimate
from sim.scenario_files import check_variants, load_variants
from tests.conftest import SCENARIOS

runner = CliRunner()

BIG = f'''extends = "{(SCENARIOS / "direction.toml").as_posix()}"
[scenario]
name = "big"
[sweep]
"fallback.upper" = {{ start = 1.0, stop = 1.9, step = 0.1 }}
"fallback.lower" = {{ start = 0.05, stop = 0.5, step = 0.05 }}
"initiatives.arrival_rate" = {{ start = 0.5, stop = 1.4, step = 0.1 }}
"regisseurs.corps_size" = {{ start = 1, stop = 10, step = 1 }}
"tension.release_rate" = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
'''
"""100,000 variants from a 400-byte file: five axes of ten values over four tables."""

PEAK_BYTES = 64 * 2**20
"""What checking the 100,000 variants may hold at once (the expanded grid took 1.7 GB
of resident memory and 26 s of CPU; the check measures about 20 MB of Python objects,
most of them the variants' names that ``validate`` keeps to refuse a name two files
share)."""


def dumped(scenario) -> dict:
    """A scenario's values, ``own_values`` aside (see Variants.scenarios)."""
    data = scenario.model_dump(mode="json")
    data["scenario"].pop("own_values")
    return data


def test_a_100000_variant_sweep_is_checked_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(BIG, encoding="utf-8")
    tracemalloc.start()
    try:
        found = check_variants(path)
        names = list(found.names())
        largest = max(estimate(sc).initiatives for sc in found.scenarios())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found.count == 100_000 and len(set(names)) == 100_000
    weeks = found.first.run.warmup_weeks + found.first.run.horizon_weeks
    assert largest == pytest.approx(1.4 * weeks)  # the variant of the largest arrival rate
    assert peak < PEAK_BYTES, f"peak {peak / 2**20:.0f} MiB"
    result = runner.invoke(app, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "100,000 sweep variants" in result.output


SMALL = f'''extends = "{(SCENARIOS / "direction.toml").as_posix()}"
[scenario]
name = "small"
[sweep]
"scenario.style" = ["direction", "directive"]
"fallback.upper" = [0.5, 1.0]
"fallback.lower" = [0.1, 0.4]
"initiatives.arrival_rate" = [1.0, 40.0]
"run.horizon_weeks" = [20.0, 208.0]
'''


def test_the_streamed_variants_are_the_expanded_grid(tmp_path: Path) -> None:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    scenarios, _ = load_variants(path)
    found = check_variants(path)
    assert found.count == len(scenarios) == 32
    assert list(found.names()) == list(scenarios)
    assert found.first.digest() == next(iter(scenarios.values())).digest()
    streamed = sorted(repr(dumped(sc)) for sc in found.scenarios())
    assert streamed == sorted(repr(dumped(sc)) for sc in scenarios.values())
    assert ({w for sc in found.scenarios() for w in warnings_for(sc)}
            == {w for sc in scenarios.values() for w in warnings_for(sc)} != set())


@pytest.mark.parametrize(("sweep", "problem"), [
    # one bad corner of a table's axes: lower = upper = 0.5, whatever the other tables hold
    ('"fallback.upper" = [0.5, 1.0, 1.5]\n"fallback.lower" = [0.1, 0.5]\n'
     '"tension.release_rate" = [0.1, 0.2]', "lower must be below upper"),
    # a swept value meets another key's default in its table, at every style
    ('"scenario.style" = ["direction", "directive"]\n"satisfaction.satisfied_above" = [0.0]\n'
     '"tension.release_rate" = [0.1, 0.2]', "dissatisfied_below must not exceed"),
    ('"regisseurs.corps_size" = [1, 2.5]\n"fallback.upper" = [1.0, 2.0]', "corps_size"),
])
def test_every_invalid_variant_is_found(tmp_path: Path, sweep: str, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(f'[scenario]\nname = "bad"\n[sweep]\n{sweep}\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as expanded:
        load_variants(path)
    with pytest.raises(ScenarioError) as checked:
        check_variants(path)
    for err in (expanded.value, checked.value):
        assert "sweep point" in str(err) and problem in str(err), str(err)
    result = runner.invoke(app, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 2 and problem in result.output, result.output


def test_names_two_variants_share_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.toml"
    path.write_text('[scenario]\nname = "t"\n[sweep]\n'
                    '"scenario.description" = ["x,scenario.name=y", "x"]\n'
                    '"scenario.name" = ["z", "y,scenario.name=z"]\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="two variants get the same name"):
        load_variants(path)
    with pytest.raises(ScenarioError, match="two variants get the same name"):
        list(check_variants(path).names())
