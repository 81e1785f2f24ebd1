"""The outcome vocabulary: every key a run produces is declared once, with its words."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from sim import build_scenario, outcomes, simulate
from sim.model import ledger
from sim.outcomes import (
    DASHBOARD,
    HEADLINE,
    KINDS,
    LANGS,
    SERIES,
    SUMMARY,
    TERMINAL,
    describe,
    family,
    label,
)
from sim.report import labels
from tests.conftest import short


@pytest.fixture(scope="module")
def produced() -> tuple[set[str], set[str]]:
    """Summary keys and series columns of real runs: with fallback, regisseurs and the
    college busy (direction-based style, low threshold, incidents)."""
    keys: set[str] = set()
    columns: set[str] = set()
    for sc in (short("direction", fallback={"upper": 0.5, "lower": 0.2},
                     aldermen={"incident_rate": 0.3}), short("directive")):
        result = simulate(sc, 3)
        keys |= set(result.summary)
        columns |= set(result.series.columns) - {"week"}
    return keys, columns


def test_every_summary_key_of_a_run_is_in_the_vocabulary(produced) -> None:
    keys, _ = produced
    missing = sorted(keys - set(SUMMARY))
    assert not missing, f"add these outcomes to sim/outcomes.py: {missing}"


def test_every_series_column_of_a_run_is_in_the_vocabulary(produced) -> None:
    _, columns = produced
    missing = sorted(columns - set(SERIES))
    assert not missing, f"add these series columns to sim/outcomes.py: {missing}"


def test_the_vocabulary_holds_nothing_a_run_does_not_produce(produced) -> None:
    keys, columns = produced
    assert sorted(set(SUMMARY) - keys) == []
    assert sorted(set(SERIES) - columns) == []


def test_the_models_stages_and_exits_are_the_vocabularys() -> None:
    """The stages and exits a run records are the vocabulary's, and each stage is used."""
    frames = [simulate(build_scenario({"scenario": {"style": style}}), 3).initiatives
              for style in ("directive", "direction")]
    df = pd.concat(frames)
    assert set(df["outcome"]) == {*outcomes.OUTCOMES, "in_progress"}
    assert set(df["stage"]) <= set(outcomes.STAGES)
    assert set(df.loc[df["outcome"] == "dropout", "stage"]) >= {"signal", "decision"}
    assert ledger.STAGES is outcomes.STAGES


@pytest.mark.parametrize("key", [*SUMMARY, *SERIES])
def test_each_outcome_is_fully_described(key: str) -> None:
    o = describe(key)
    assert o.key == key
    assert o.kind in KINDS
    assert o.unit and o.definition.endswith(".")
    for lang in LANGS:
        assert o.label(lang) and o.label(lang) != key
    assert not re.search(r"\d\.\d", o.nl), "Dutch labels use decimal commas"


@pytest.mark.parametrize("lang", LANGS)
def test_labels_tell_outcomes_apart(lang: str) -> None:
    for table in (SUMMARY, SERIES):
        names = [o.label(lang) for o in table.values()]
        twins = {n for n in names if names.count(n) > 1}
        assert not twins


def test_families_expand_into_one_key_per_stage_and_bin() -> None:
    assert family("dropouts_").keys() == [f"dropouts_{s}" for s in outcomes.STAGES]
    assert family("frustration_bin_").keys() == [f"frustration_bin_{k}"
                                                for k in range(outcomes.FRUSTRATION_BINS)]
    assert label("dropouts_decision", "nl") == "Afgehaakt in de fase besluitvorming"
    assert label("frustration_bin_3", "nl") == "Afgesloten met frustratie 0,3–0,4"
    assert label("frustration_bin_3", "en") == "Exits with frustration 0.3–0.4"
    with pytest.raises(KeyError):
        family("nope_")


def test_headline_lists_name_outcomes() -> None:
    for listed in (HEADLINE, TERMINAL, DASHBOARD):
        assert set(listed) <= set(SUMMARY)


def test_an_unknown_key_fails_loudly_with_a_hint() -> None:
    with pytest.raises(KeyError, match="success_rate"):
        describe("succes_rate")
    with pytest.raises(KeyError):
        labels.label("contentment", "nl")
    with pytest.raises(ValueError, match="lang"):
        label("success_rate", "fr")


def test_numbers_follow_the_outcomes_kind_and_the_language() -> None:
    assert labels.value("success_rate", 0.5234, "en") == "52.3%"
    assert labels.value("success_rate", 0.5234, "nl") == "52,3%"
    assert labels.value("weeks_to_decision", 12.345, "nl") == "12,3"
    assert labels.value("frustration", 0.4567, "en") == "0.46"
    assert labels.value("arrivals", float("nan"), "en") == "–"
    assert labels.interval("frustration", 0.4, 0.5, "nl") == "[0,40; 0,50]"
    assert labels.interval("frustration", 0.4, 0.5, "en") == "[0.40, 0.50]"


def test_every_outcome_has_a_dutch_definition_and_unit() -> None:
    from sim.outcomes import SERIES, SUMMARY, definition, unit

    for key in [*SUMMARY, *SERIES]:
        nl, en = definition(key, "nl"), definition(key, "en")
        assert nl and nl != en, key
        assert unit(key, "nl"), key
    assert definition("dropouts_intake", "nl") == ("Afgesloten initiatieven die in de fase "
                                                   "intake afhaakten.")
