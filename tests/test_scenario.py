"""The scenario schema: presets, overrides and clear errors on bad input."""

from __future__ import annotations

import math

import pytest
from pydantic import BaseModel

from sim import Scenario, ScenarioError, build_scenario, simulate
from sim.scenario_files import load_scenario
from sim.styles import MANAGER_STYLES, STYLES
from tests.conftest import SCENARIOS


@pytest.mark.parametrize("style", sorted(STYLES))
def test_style_fills_every_value_it_fixes(style: str) -> None:
    sc = build_scenario({"scenario": {"style": style}})
    preset = STYLES[style]
    assert sc.municipality.roles_offered == preset["municipality"]["roles_offered"]
    assert sc.regisseurs.corps_size == preset["regisseurs"]["corps_size"]
    manager = MANAGER_STYLES[preset["middle_managers"]["style"]]
    assert sc.middle_managers.inward_share == manager["inward_share"]
    assert sc.middle_managers.approval_layers == manager["approval_layers"]


def test_explicit_value_wins_over_style() -> None:
    sc = build_scenario({"scenario": {"style": "direction"},
                         "middle_managers": {"inward_share": 0.8},
                         "regisseurs": {"corps_size": 1}})
    assert sc.middle_managers.style == "conversing"
    assert sc.middle_managers.inward_share == 0.8
    assert sc.regisseurs.corps_size == 1
    assert sc.regisseurs.mandate is True


def test_changing_style_reapplies_the_preset_but_keeps_explicit_values() -> None:
    sc = build_scenario({"scenario": {"style": "direction"}, "regisseurs": {"caseload": 5}})
    other = sc.with_changes({"scenario.style": "directive"})
    assert other.middle_managers.style == "directive"
    assert other.regisseurs.corps_size == 0
    assert other.regisseurs.caseload == 5
    assert sc.middle_managers.style == "conversing"  # the original is untouched


@pytest.mark.parametrize(("data", "field", "allowed"), [
    ({"initiatives": {"arrival_rate": -1}}, "initiatives.arrival_rate", "> 0"),
    ({"initiatives": {"arrival_rate": 0}}, "initiatives.arrival_rate", "> 0"),
    ({"municipality": {"clear_frames": 1.5}}, "municipality.clear_frames", "<= 1"),
    ({"middle_managers": {"escalation_prob": -0.1}}, "middle_managers.escalation_prob", ">= 0"),
    ({"fallback": {"upper": 1.0, "lower": 2.0}}, "fallback", "lower must be below upper"),
    ({"fallback": {"upper": 1.0, "lower": 1.0}}, "fallback", "lower must be below upper"),
    ({"scenario": {"style": "anarchy"}}, "scenario.style", "'direction'"),
    ({"middle_managers": {"style": "bossy"}}, "middle_managers.style", "'conversing'"),
    ({"municipality": {"roles_offered": ["king"]}}, "municipality.roles_offered[0]",
     "'partner'"),
    ({"initiatives": {"patience_weeks": math.nan}}, "initiatives.patience_weeks", "> 0"),
    ({"initiatives": {"arival_rate": 2.0}}, "initiatives.arival_rate", "unknown key"),
    ({"regisseurs": {"corps_size": 2.5}}, "regisseurs.corps_size", "integer"),
    ({"tension": {"cuts": [{"tension": 1.0}]}}, "tension.cuts[0].week", "required"),
])
def test_bad_input_names_field_and_allowed_values(data: dict, field: str, allowed: str) -> None:
    with pytest.raises(ScenarioError) as info:
        build_scenario(data)
    text = str(info.value)
    assert field in text
    assert allowed in text


def test_simulate_validates_dicts_before_running() -> None:
    with pytest.raises(ScenarioError, match=r"initiatives\.arrival_rate"):
        simulate({"initiatives": {"arrival_rate": -3}}, seed=1)


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_bad_seed_is_refused(seed: object) -> None:
    with pytest.raises(ValueError, match="seed"):
        simulate(Scenario(), seed=seed)  # type: ignore[arg-type]


def test_unlimited_patience_is_allowed() -> None:
    sc = build_scenario({"initiatives": {"patience_weeks": math.inf}})
    assert math.isinf(sc.initiatives.patience_weeks)


def test_digest_changes_with_any_value() -> None:
    a = Scenario()
    b = a.with_changes({"aldermen.symbol_prob": 0.51})
    assert a.digest() == Scenario().digest()
    assert a.digest() != b.digest()


@pytest.mark.parametrize("path", sorted((SCENARIOS).glob("*.toml")), ids=lambda p: p.stem)
def test_a_resolved_scenario_round_trips_exactly(path) -> None:
    """Rebuilt from its resolved values (manifest, `show`), a scenario is the same one:
    same digest, and the same scenario after any change of style."""
    sc = load_scenario(path)
    again = build_scenario(sc.model_dump(mode="json"))
    assert again.digest() == sc.digest()
    for style in STYLES:
        a = sc.with_changes({"scenario.style": style})
        b = again.with_changes({"scenario.style": style})
        assert a.digest() == b.digest(), style
        assert a.regisseurs.corps_size == b.regisseurs.corps_size


def test_changing_style_twice_comes_back_to_the_same_scenario() -> None:
    sc = build_scenario({"scenario": {"style": "direction"}, "regisseurs": {"caseload": 5}})
    back = sc.with_changes({"scenario.style": "directive"}).with_changes(
        {"scenario.style": "direction"})
    assert back.digest() == sc.digest()


def test_an_edited_copy_of_a_resolved_scenario_keeps_the_edit() -> None:
    data = build_scenario({"scenario": {"style": "direction"}}).model_dump(mode="json")
    data["regisseurs"]["corps_size"] = 3  # edited by hand, not listed in own_values
    sc = build_scenario(data)
    assert sc.regisseurs.corps_size == 3
    assert "regisseurs.corps_size" in sc.scenario.own_values
    assert sc.with_changes({"scenario.style": "partner"}).regisseurs.corps_size == 3


def test_own_values_must_be_keys_a_style_sets() -> None:
    with pytest.raises(ScenarioError, match=r"scenario\.own_values.*fallback\.upper.*allowed"):
        build_scenario({"scenario": {"own_values": ["fallback.upper"]}})


def _numeric_leaves(model: BaseModel, prefix: str = ""):
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _numeric_leaves(value, f"{prefix}{name}.")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield f"{prefix}{name}", value


def test_every_number_the_model_reads_is_in_the_digest() -> None:
    """Nudging any numeric value of the scenario changes its digest."""
    sc = Scenario()
    keys = dict(_numeric_leaves(sc))
    assert {"fallback.regime.approval_layers", "initiatives.patience_shape",
            "municipality.max_decision_rounds", "municipality.dialogue_rework_prevention",
            "initiatives.rework_dialogue_share", "initiatives.exit_trust_frustration",
            "aldermen.meeting_offset_weeks", "initiatives.complexity_weight"} <= set(keys)
    for key, value in keys.items():
        nudged = value + 1 if isinstance(value, int) else value * 0.97 + 0.01
        if not math.isfinite(nudged):
            continue
        try:
            other = sc.with_changes({key: nudged})
        except ScenarioError:
            other = sc.with_changes({key: value * 0.9 if value else 0.001})
        assert other.digest() != sc.digest(), key


def test_the_validated_crashes_are_refused_before_running() -> None:
    with pytest.raises(ScenarioError, match=r"initiatives\.energy_mean"):
        build_scenario({"initiatives": {"energy_mean": 5e-324}})
    with pytest.raises(ScenarioError, match=r"run\.horizon_weeks"):
        build_scenario({"run": {"horizon_weeks": 1e-300}})
