"""Scenario files: shipped files, extends, --set, sweeps, and robustness to bad files."""

from __future__ import annotations

import math
import tomllib
import typing
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sim import Scenario, ScenarioError, simulate
from sim.scenario_files import load_scenario, load_variants, parse_assignment
from tests.conftest import SCENARIOS

SHIPPED = sorted(SCENARIOS.glob("*.toml")) + sorted((SCENARIOS / "validation").glob("*.toml"))


def test_at_least_six_scenarios_ship() -> None:
    assert len(list(SCENARIOS.glob("*.toml"))) >= 6


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_file_validates_runs_and_has_a_header(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "each shipped scenario starts with a comment naming its case"
    scenario = load_scenario(path, {"run.horizon_weeks": 8.0, "run.warmup_weeks": 2.0})
    result = simulate(scenario, seed=1)
    assert result.summary["arrivals"] >= 0
    assert scenario.scenario.name != "unnamed"


def test_extends_takes_the_base_and_overrides_it(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text('[scenario]\nstyle = "direction"\nname = "b"\n'
                                        '[fallback]\nupper = 1.5\n')
    (tmp_path / "child.toml").write_text('extends = "base.toml"\n[scenario]\nname = "c"\n'
                                         '[fallback]\nlower = 0.2\n')
    sc = load_scenario(tmp_path / "child.toml")
    assert (sc.scenario.name, sc.scenario.style) == ("c", "direction")
    assert (sc.fallback.upper, sc.fallback.lower) == (1.5, 0.2)
    assert sc.regisseurs.mandate is True  # from the style of the base


def test_extends_cycle_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.toml")


def test_deep_extends_chain_is_refused(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"f{i}.toml").write_text(f'extends = "f{i + 1}.toml"\n')
    (tmp_path / "f40.toml").write_text("")
    with pytest.raises(ScenarioError, match="deeper than"):
        load_scenario(tmp_path / "f0.toml")


def test_set_overrides_are_typed_by_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("")
    sc = load_scenario(path, ["fallback.enabled=false", "regisseurs.corps_size=3",
                              "scenario.style=partner", "municipality.roles_offered=['support']"])
    assert sc.fallback.enabled is False and sc.regisseurs.corps_size == 3
    assert sc.scenario.style == "partner" and sc.municipality.roles_offered == ["support"]
    with pytest.raises(ScenarioError, match=r"regisseurs\.corps_size"):
        load_scenario(path, ["regisseurs.corps_size=many"])
    with pytest.raises(ScenarioError, match="KEY=VALUE"):
        parse_assignment("fallback.enabled")


def test_sweep_expands_into_named_variants(tmp_path: Path) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text('[scenario]\nname = "s"\n[sweep]\n"fallback.upper" = [0.8, 1.2]\n'
                    '"regisseurs.corps_size" = { start = 0, stop = 4, step = 2 }\n')
    variants, params = load_variants(path)
    assert len(variants) == 6
    assert "s[fallback.upper=0.8,regisseurs.corps_size=4]" in variants
    for name, sc in variants.items():
        assert sc.fallback.upper == params[name]["fallback.upper"]
        assert sc.regisseurs.corps_size == params[name]["regisseurs.corps_size"]


@pytest.mark.parametrize("sweep", ['"fallback.upper" = []',
                                   '"fallback.upper" = { start = 1, stop = 0, step = 1 }',
                                   '"fallback.upper" = 3',
                                   '"fallback.upper" = [0.1]'])
def test_bad_sweeps_are_clean_errors(tmp_path: Path, sweep: str) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text(f"[sweep]\n{sweep}\n")
    with pytest.raises(ScenarioError, match="sweep"):
        load_variants(path)


# ------------------------------------------------------------ property-based robustness
def _leaves(model: type[BaseModel] = Scenario, prefix: str = "") -> dict[str, typing.Any]:
    out = {}
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.update(_leaves(ann, f"{prefix}{name}."))
        elif ann in (float, int, bool) or typing.get_origin(ann) is typing.Literal:
            out[f"{prefix}{name}"] = field
    return out


LEAVES = _leaves()


def _bounds(field) -> tuple[float, float, bool, bool]:
    """(low, high, low open, high open) of a number field."""
    lo, hi, lo_open, hi_open = -math.inf, math.inf, False, False
    for meta in field.metadata:
        if getattr(meta, "ge", None) is not None:
            lo = meta.ge
        if getattr(meta, "gt", None) is not None:
            lo, lo_open = meta.gt, True
        if getattr(meta, "le", None) is not None:
            hi = meta.le
        if getattr(meta, "lt", None) is not None:
            hi, hi_open = meta.lt, True
    return lo, hi, lo_open, hi_open


def _rejects(field, x: float) -> bool:
    """Whether the field's type or bounds rule out the number ``x``."""
    if field.annotation not in (int, float):
        return True  # a bool or a choice of words
    lo, hi, lo_open, hi_open = _bounds(field)
    return x < lo or x > hi or (lo_open and x == lo) or (hi_open and x == hi)


def _valid_value(field) -> st.SearchStrategy:
    ann = field.annotation
    if typing.get_origin(ann) is typing.Literal:
        return st.sampled_from(typing.get_args(ann))
    if ann is bool:
        return st.booleans()
    lo, hi, lo_open, hi_open = _bounds(field)
    if ann is int:
        return st.integers(int(lo) + lo_open, int(min(hi, 10**6)) - hi_open)
    return st.floats(lo, min(hi, 1e6), exclude_min=lo_open, exclude_max=hi_open,
                     allow_nan=False)


@st.composite
def valid_files(draw) -> dict:
    keys = draw(st.lists(st.sampled_from(sorted(LEAVES)), max_size=8, unique=True))
    data: dict = {}
    for key in keys:
        group, name = key.rsplit(".", 1)
        node = data
        for part in group.split("."):
            node = node.setdefault(part, {})
        node[name] = draw(_valid_value(LEAVES[key]))
    fb = data.get("fallback", {})
    if "upper" in fb or "lower" in fb:  # keep the hysteresis rule satisfied
        fb["upper"] = max(fb.get("upper", 1.0), 0.5)
        fb["lower"] = min(fb.get("lower", 0.4), fb["upper"] / 2)
    sat = data.get("satisfaction", {})
    if "dissatisfied_below" in sat or "satisfied_above" in sat:  # keep them ordered
        low = sat.get("dissatisfied_below", 0.663)
        high = sat.get("satisfied_above", 0.796)
        sat["dissatisfied_below"], sat["satisfied_above"] = min(low, high), max(low, high)
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=valid_files())
def test_generated_valid_files_load(tmp_path_factory, data: dict) -> None:
    path = tmp_path_factory.mktemp("valid") / "s.toml"
    path.write_text(tomli_w.dumps(data))
    sc = load_scenario(path)

    def check(node: object, values: dict) -> None:
        for name, value in values.items():
            got = getattr(node, name)
            if isinstance(value, dict):
                check(got, value)
            else:
                assert got == value or got == pytest.approx(value)

    check(sc, data)


def _parses(blob: bytes) -> bool:
    try:
        tomllib.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return True


def _corruptions() -> st.SearchStrategy[bytes]:
    """Files that are each certainly wrong: a bad value for a field's type or bounds, an
    unknown key or table, broken TOML, bad UTF-8, binary garbage that is not TOML."""
    def keys(bad: float | None = None) -> st.SearchStrategy[str]:
        return st.sampled_from(sorted(k for k, f in LEAVES.items()
                                      if bad is None or _rejects(f, bad)))

    def assign(value: str) -> typing.Callable[[str], str]:
        return lambda k: f'[{k.rsplit(".", 1)[0]}]\n{k.rsplit(".", 1)[1]} = {value}\n'

    wrong_type = keys().map(assign('"x"'))
    huge = keys(math.inf).map(assign("1e999"))
    huge_int = keys(10.0**40).map(assign(str(10**40)))
    negative = keys(-1.0).map(assign("-1"))
    unknown = st.text("abcdefghij_", min_size=1, max_size=8).map(
        lambda w: f"[initiatives]\n{w}z = 1\n")
    brackets = st.sampled_from(["[initiatives\narrival_rate = 2\n", "[[tension.cuts]\n",
                                "initiatives = [\n", '[scenario]\nname = "x\n', "= 3\n",
                                "[a.b.c.d.e]\nx = 1\n", "[run]\nhorizon_weeks = nan\n"])
    text = st.one_of(wrong_type, huge, huge_int, negative, unknown, brackets).map(str.encode)
    bad_utf8 = st.binary(min_size=1, max_size=40).map(lambda b: b"[scenario]\nname = \"" + b
                                                      + b"\xff\xfe\"\n")
    garbage = st.binary(max_size=200).filter(lambda b: not _parses(b))
    return st.one_of(text, bad_utf8, garbage)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=_corruptions())
def test_corrupt_files_give_a_clean_error(tmp_path_factory, blob: bytes) -> None:
    path = tmp_path_factory.mktemp("bad") / "s.toml"
    path.write_bytes(blob)
    with pytest.raises(ScenarioError) as caught:
        load_variants(path)
    assert str(path) in str(caught.value)
    assert caught.value.problems and all(isinstance(p, str) and p for p in caught.value.problems)
