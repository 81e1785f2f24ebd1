"""Preset values as parameters (``preset.<owner>.<key>``): a calibration or a study varies
what makes the styles differ, and each kind of municipality moves with the preset it
takes the value from (sim.styles.preset_owner)."""

from __future__ import annotations

import pytest

from sim.experiment.calibration import as_changes, read_priors
from sim.scenario import ScenarioError, field_at
from sim.scenario_files import load_scenario
from sim.styles import preset_owner, split_preset_key

KINDS = ("directive", "typical", "direction", "partner")


@pytest.fixture(scope="module")
def kinds():
    return {k: load_scenario(f"scenarios/{k}.toml") for k in KINDS}


def _moved(kinds, changes, read):
    return {k: read(sc.with_changes(changes)) != read(sc) for k, sc in kinds.items()}


def test_the_directive_conditions_move_the_consultative_municipality_too(kinds):
    # 000: consultative is the directive municipality whose managers consult
    moved = _moved(kinds, {"preset.directive.municipality.clear_frames": 0.42},
                   lambda sc: sc.municipality.clear_frames)
    assert moved == {"directive": True, "typical": True, "direction": False,
                     "partner": False}
    assert kinds["typical"].with_changes(
        {"preset.directive.municipality.clear_frames": 0.42}).municipality.clear_frames == 0.42


def test_partner_states_its_conditions_and_takes_its_corps_from_direction(kinds):
    conditions = _moved(kinds, {"preset.direction.municipality.dialogue": 0.6},
                        lambda sc: sc.municipality.dialogue)
    assert conditions == {"directive": False, "typical": False, "direction": True,
                          "partner": False}
    corps = _moved(kinds, {"preset.direction.regisseurs.corps_size": 4},
                   lambda sc: sc.regisseurs.corps_size)
    assert corps == {"directive": False, "typical": False, "direction": True,
                     "partner": True}
    own = _moved(kinds, {"preset.partner.municipality.feedback": 0.9},
                 lambda sc: sc.municipality.feedback)
    assert own == {"directive": False, "typical": False, "direction": False,
                   "partner": True}


def test_manager_presets_follow_the_manager_style(kinds):
    inward = _moved(kinds, {"preset.managers.directive.middle_managers.inward_share": 0.7},
                    lambda sc: sc.middle_managers.inward_share)
    assert inward == {"directive": True, "typical": True, "direction": False,
                      "partner": False}
    consult = _moved(kinds, {"preset.managers.consultative.middle_managers.consult_weeks": 0.9},
                     lambda sc: sc.middle_managers.consult_weeks)
    assert consult == {"directive": False, "typical": True, "direction": False,
                       "partner": False}


def test_a_value_the_scenario_states_itself_wins(kinds):
    own = kinds["direction"].with_changes({"municipality.dialogue": 0.2})
    drawn = own.with_changes({"preset.direction.municipality.dialogue": 0.8})
    assert drawn.municipality.dialogue == 0.2
    # and a drawn value stays through later changes (it is the scenario's own value then)
    kept = kinds["direction"].with_changes({"preset.direction.municipality.dialogue": 0.8})
    assert kept.with_changes({"fallback.enabled": False}).municipality.dialogue == 0.8
    assert kept.digest() != kinds["direction"].digest()


def test_a_preset_that_does_not_state_the_key_is_refused_naming_what_it_states(kinds):
    with pytest.raises(ScenarioError, match=r"derives from.*preset\.consultative\."
                                            r"middle_managers\.style"):
        kinds["typical"].with_changes({"preset.consultative.municipality.clear_frames": 0.4})
    with pytest.raises(ScenarioError, match="no preset 'kindly'; the presets are directive"):
        kinds["typical"].with_changes({"preset.kindly.municipality.clear_frames": 0.4})


def test_priors_and_changes_read_a_preset_key_as_its_field():
    assert field_at("preset.direction.regisseurs.corps_size") is field_at(
        "regisseurs.corps_size")
    assert field_at("preset.consultative.municipality.dialogue") is None
    assert as_changes({"preset.direction.regisseurs.corps_size": 6.6}) == {
        "preset.direction.regisseurs.corps_size": 7}
    priors = read_priors("experiments/priors-national.toml")
    owners = {split_preset_key(k)[0] for k in priors if k.startswith("preset.")}
    assert owners == {"directive", "direction", "partner", "managers.directive",
                      "managers.consultative", "managers.conversing"}
    assert preset_owner("municipality.clear_frames", "consultative", "consultative") == \
        "directive"


def test_a_preset_value_is_named_with_its_preset_in_dutch():
    from sim.words import parameter_name

    assert parameter_name("preset.direction.municipality.dialogue", "nl") == (
        "dialoog (voorinstelling regisserend)")
    assert parameter_name("preset.managers.consultative.middle_managers.consult_weeks",
                          "nl") == ("weken die een consultatie toevoegt (voorinstelling "
                                    "consultatieve managers)")
    assert parameter_name("preset.direction.municipality.dialogue", "en") == (
        "preset.direction.municipality.dialogue")


def test_every_preset_value_that_sets_the_kinds_apart_has_a_prior_in_the_shipped_posterior():
    """The rule of docs/odd.md §8 ("Priors on the presets"): every continuous value that
    differs between the national kinds is drawn, for each preset that owns it, except a
    zero that is a structural absence (no corps, no scanning, no consultation, no
    allocation); discrete choices stay as the presets set them."""
    from sim.experiment.calibration import Posterior
    from sim.population import load_population
    from sim.styles import GOVERNED_KEYS, flat_keys
    from tests.conftest import ROOT

    _population, kinds = load_population(ROOT / "scenarios" / "national" / "netherlands.toml")
    drawn = set(Posterior(ROOT / "calibration" / "national").keys)
    values = {k: flat_keys(sc.model_dump(mode="json")) for k, sc in kinds.items()}
    checked = 0
    for key in GOVERNED_KEYS:
        seen = {kind: values[kind][key] for kind in kinds}
        if len(set(map(repr, seen.values()))) == 1:
            continue
        for kind, value in seen.items():
            if isinstance(value, bool) or not isinstance(value, float | int) or (
                    isinstance(value, int) and key != "regisseurs.corps_size") or value == 0:
                continue
            sc = kinds[kind]
            owner = preset_owner(key, sc.scenario.style, sc.middle_managers.style)
            assert f"preset.{owner}.{key}" in drawn, (kind, key)
            checked += 1
    assert checked >= 20


def test_the_directing_role_moves_with_the_directive_managers(kinds):
    """A directive municipality falls back into the role it already plays, whatever the
    draw of the directive managers' values; the direction-based one falls back into that
    same drawn role."""
    from sim.model.municipality import fallback_changes

    draw = {"preset.managers.directive.middle_managers.inward_share": 0.5,
            "preset.managers.directive.middle_managers.escalation_prob": 0.3,
            "preset.managers.directive.middle_managers.regisseur_drain": 0.4}
    for name, sc in kinds.items():
        drawn = sc.with_changes(draw)
        regime = drawn.fallback.regime
        assert (regime.inward_share, regime.escalation_prob, regime.regisseur_drain) == (
            0.5, 0.3, 0.4), name
    for name in ("directive", "typical"):
        assert not fallback_changes(kinds[name].with_changes(draw)), name
    assert fallback_changes(kinds["direction"].with_changes(draw))
    # a directing role the scenario sets itself is kept
    own = kinds["direction"].with_changes({"fallback.regime.inward_share": 0.8})
    assert own.with_changes(draw).fallback.regime.inward_share == 0.8
