"""Levers against fallback's cost, ranked by expected protection and by regret."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.analysis.levers import LEVERS, lever_claims, lever_costs, lever_ranking, lever_scenario
from sim.analysis.national import NO_FALLBACK
from sim.scenario_files import load_scenario
from tests.test_national import ROOT

MIX = {"directive": 0.5, "direction-based": 0.5}


def _rows(scenario: str, dissatisfied: list[float], members: list[float]) -> list[dict]:
    return [{"scenario": scenario, "replication": r, "share_dissatisfied": d,
             "survey_members": m} for r, (d, m) in enumerate(zip(dissatisfied, members,
                                                                    strict=True))]


def _runs() -> pd.DataFrame:
    """Two replications. Directive: 0.4 with fallback or not. Direction-based: 0.30 with,
    0.20 without fallback. Lever a halves fallback's cost there in both replications;
    lever b removes it all in replication 0 and none of it in replication 1."""
    rows = (_rows("directive", [0.4, 0.4], [100, 100])
            + _rows("directive" + NO_FALLBACK, [0.4, 0.4], [100, 100])
            + _rows("direction-based", [0.3, 0.3], [100, 100])
            + _rows("direction-based" + NO_FALLBACK, [0.2, 0.2], [100, 100])
            + _rows(lever_scenario("direction-based", "a"), [0.25, 0.25], [100, 100])
            + _rows(lever_scenario("direction-based", "a") + NO_FALLBACK, [0.2, 0.2],
                    [100, 100])
            + _rows(lever_scenario("direction-based", "b"), [0.2, 0.3], [100, 100])
            + _rows(lever_scenario("direction-based", "b") + NO_FALLBACK, [0.2, 0.2],
                    [100, 100]))
    return pd.DataFrame(rows)


def test_a_levers_cost_replaces_only_the_kinds_it_acts_in() -> None:
    costs = lever_costs(_runs(), MIX, ["a", "b"], ["direction-based"])
    # national: half the members in each kind, so fallback's cost is half the kind's
    assert costs["none"].tolist() == pytest.approx([0.05, 0.05])
    assert costs["a"].tolist() == pytest.approx([0.025, 0.025])
    assert costs["b"].tolist() == pytest.approx([0.0, 0.05])
    with pytest.raises(ValueError, match="no runs of"):
        lever_costs(_runs(), MIX, ["c"], ["direction-based"])


def test_levers_are_ranked_by_expected_protection_and_by_largest_regret() -> None:
    ranking = lever_ranking(lever_costs(_runs(), MIX, ["a", "b"], ["direction-based"]))
    a, b = (ranking.set_index("lever").loc[name] for name in ("a", "b"))
    assert a["protection"] == pytest.approx(0.025) and b["protection"] == pytest.approx(0.025)
    assert a["share_of_cost"] == pytest.approx(0.5)
    # regret: replication 0, b protects 0.05 and a 0.025; replication 1, a 0.025 and b 0
    assert a["max_regret"] == pytest.approx(0.025) and b["max_regret"] == pytest.approx(0.025)
    assert a["mean_regret"] == pytest.approx(0.0125) and b["mean_regret"] == pytest.approx(0.0125)
    assert a["best_share"] == 0.5 and b["best_share"] == 0.5
    # a lever that protects more in one draw and never less wins both rankings
    runs = _runs()
    runs.loc[(runs["scenario"] == lever_scenario("direction-based", "a"))
             & (runs["replication"] == 0), "share_dissatisfied"] = 0.2
    ranking = lever_ranking(lever_costs(runs, MIX, ["a", "b"], ["direction-based"]))
    first = ranking.iloc[0]
    assert first["lever"] == "a" and first["rank_expected"] == 1 and first["rank_regret"] == 1
    assert first["max_regret"] == pytest.approx(0.0)
    assert ranking.set_index("lever").loc["b", "rank_regret"] == 2
    # a replication where the levers tie (no episode: nothing to protect) is shared
    flat = lever_costs(_runs(), MIX, ["a", "b"], ["direction-based"])
    flat.loc[1] = 0.0
    shares = lever_ranking(flat).set_index("lever")["best_share"]
    assert shares["a"] == pytest.approx(0.25) and shares["b"] == pytest.approx(0.75)
    claims = lever_claims(ranking)
    assert claims["claim"].tolist() == ["lever_a", "lever_b"]
    assert (claims["interval"] == "ci95").all()


def test_every_lever_is_a_valid_change_of_a_municipality_that_can_fall_back() -> None:
    direction = load_scenario(ROOT / "scenarios" / "direction.toml")
    for lever in LEVERS:
        assert lever.source, lever.name
        pulled = direction.with_changes(dict(lever.changes))
        assert pulled != direction, f"lever {lever.name} changes nothing"
