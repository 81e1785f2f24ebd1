"""The scenario schema: presets, overrides and clear errors on bad input."""

from __future__ import annotations

import math

import pytest

from sim import Scenario, ScenarioError, build_scenario, simulate
from sim.styles import MANAGER_STYLES, STYLES


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
