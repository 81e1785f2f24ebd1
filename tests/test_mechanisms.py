"""One test per mechanism: force it to happen, then check its effect."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import simulate
from sim.model.initiative import Initiative
from sim.model.ledger import km_median
from sim.model.municipality import Regime
from sim.model.random import PrivateSupply
from tests.conftest import short


def _initiative(energy: float = 0.5) -> Initiative:
    ini = Initiative(0, 0.0, True, PrivateSupply([1.0], [0.5], np.random.default_rng(0)))
    ini.energy, ini.trust, ini.drain, ini.wait_frustration = energy, 0.5, 0.01, 0.01
    ini.patience_end = 100.0
    return ini


def test_a_quitter_stops_at_once_and_is_not_revived() -> None:
    ini = _initiative()
    assert ini.going and ini.limit(0.0) == pytest.approx(50.0)
    ini.quit()
    assert not ini.going
    assert ini.limit(0.0) == 0.0  # its next moment of contact ends the journey
    ini.renew(0.9)  # dialogue renews energy only for initiatives still going
    assert ini.energy == 0.5 and not ini.going


def test_every_initiative_that_quits_drops_out() -> None:
    """A budget cut forces a fallback that withdraws the partner role every initiative
    needs: the broken promise makes them quit, and none of them comes back."""
    sc = short("direction", run={"event_log": True},
               tension={"cuts": [{"week": 10.0, "tension": 5.0}]},
               aldermen={"incident_rate": 0.0},
               initiatives={"disappointment_trust": 1.0, "disappointment_quit": 1.0,
                            "role_needs": {"autonomous": 0.0, "regie": 0.0, "support": 0.0,
                                           "symbol": 0.0, "partner": 1.0}})
    r = simulate(sc, 2)
    quits = r.log[r.log["event"] == "quits"]
    assert len(quits) > 20
    quitters = r.initiatives[r.initiatives["id"].isin(quits["id"])]
    # a quitter in realisation stops when that stage ends, its next moment of contact
    going = quitters[quitters["outcome"] == "in_progress"]
    assert (going["stage"] == "realisation").all()
    assert quitters["outcome"].isin(["dropout", "in_progress"]).all(), (
        quitters["outcome"].value_counts())


def test_a_mandate_takes_decisions_through_one_approval_layer() -> None:
    """Directive managers need two layers; a regisseur with a mandate needs one."""
    def second_layers(mandate: bool) -> int:
        sc = short("direction", run={"event_log": True}, fallback={"enabled": False},
                   middle_managers={"approval_layers": 2},
                   regisseurs={"mandate": mandate, "corps_size": 50})
        r = simulate(sc, 4)
        guided = set(r.initiatives.loc[r.initiatives["regisseur"], "id"])
        approvals = r.log[(r.log["event"] == "approval") & r.log["id"].isin(guided)]
        assert approvals["id"].nunique() > 20
        return int((approvals["value"] == 1.0).sum())

    assert second_layers(mandate=True) == 0
    assert second_layers(mandate=False) > 20


def test_regime_of_a_fallback_takes_the_more_directive_values() -> None:
    sc = short("direction", fallback={"regime": {"approval_layers": 3, "dialogue": 0.2,
                                                 "mandate": False}})
    own, fallen = Regime.of(sc, fallback=False), Regime.of(sc, fallback=True)
    assert (own.approval_layers, fallen.approval_layers) == (1, 3)
    assert (own.dialogue, fallen.dialogue) == (0.7, 0.2)
    assert own.mandate and not fallen.mandate
    assert "partner" in own.offered and "partner" not in fallen.offered
    assert "regie" in fallen.offered


def test_the_college_decides_no_more_than_its_agenda_holds() -> None:
    """Every decision escalated to a college of one with one slot: one item a week."""
    sc = short("directive", run={"event_log": True}, fallback={"enabled": False},
               middle_managers={"escalation_prob": 1.0},
               aldermen={"college_size": 1, "agenda_per_alderman": 1})
    r = simulate(sc, 1)
    decided = r.log[r.log["event"] == "college_decided"]
    weeks = np.floor(decided["week"] + sc.run.warmup_weeks)
    assert weeks.value_counts().max() == 1
    offsets = (decided["week"] + sc.run.warmup_weeks) % 1.0
    np.testing.assert_allclose(offsets, sc.aldermen.meeting_offset_weeks)
    assert r.series["queue_college"].max() > 3, "the agenda must be the bottleneck"
    assert r.summary["utilisation_college"] > 0.9


def test_patience_ends_a_journey_that_waits_too_long() -> None:
    """Signal takes ~520 weeks, patience ~2: nearly all drop out at signal, after ~2 weeks."""
    sc = short(initiatives={"patience_weeks": 2.0, "patience_shape": 1000.0,
                            "energy_drain": 0.0},
               municipality={"signal_weeks": 520.0}, regisseurs={"corps_size": 0})
    r = simulate(sc, 3)
    done = r.initiatives[r.initiatives["outcome"] != "in_progress"]
    at_signal = done[done["stage"] == "signal"]
    assert len(at_signal) > 0.95 * len(done) > 50
    assert (at_signal["outcome"] == "dropout").all()
    waited = at_signal["exit_week"] - at_signal["arrival_week"]
    assert waited.between(1.7, 2.3).all()


def test_an_unclear_process_sends_initiatives_from_pillar_to_post() -> None:
    """One department, no regisseurs: every handoff is a misroute, geometric with p."""
    base = {"departments": 1, "misroute_prob": 0.5}
    patient = {"patience_weeks": math.inf, "energy_drain": 0.0}
    clear = simulate(short(municipality={**base, "clear_process": 1.0},
                           initiatives=patient, regisseurs={"corps_size": 0}), 5)
    assert clear.initiatives["handoffs"].sum() == 0
    unclear = simulate(short(municipality={**base, "clear_process": 0.0},
                             initiatives=patient, regisseurs={"corps_size": 0},
                             run={"horizon_weeks": 208.0}), 5)
    past = unclear.initiatives[~unclear.initiatives["stage"].isin(
        ["signal", "intake", "handoffs"])]
    handoffs = past["handoffs"]
    assert len(handoffs) > 300
    se = handoffs.std() / math.sqrt(len(handoffs))
    assert abs(handoffs.mean() - 1.0) < 4 * se  # mean of a geometric: p / (1 - p) = 1


def test_kaplan_meier_median_counts_the_censored() -> None:
    # times 1, 2+, 3, 4, 5+: S(1)=0.8, S(3)=0.8*2/3=0.533, S(4)=0.533*1/2=0.267
    times = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    events = np.array([True, False, True, True, False])
    assert km_median(times, events) == 4.0
    assert km_median(times[:2], np.array([False, False])) != km_median(times[:2], events[:2])
    assert math.isnan(km_median(times[:2], np.array([False, False])))
    # at a tie, the event comes first: censored at 2 is still at risk at 2
    tied = np.array([1.0, 2.0, 2.0, 3.0])
    assert km_median(tied, np.array([False, True, False, True])) == 3.0
    # a naive mean of the decided (1, 3, 4) would say 2.67


def test_weeks_to_decision_is_not_biased_towards_the_fast() -> None:
    """With heavy dropout before decisions the KM median exceeds the mean of the decided."""
    sc = short("directive", initiatives={"patience_weeks": 20.0})
    r = simulate(sc, 6)
    df = r.initiatives
    decided = df["weeks_to_decision"].notna()
    assert r.summary["share_censored_before_decision"] == pytest.approx(1 - decided.mean())
    assert r.summary["share_censored_before_decision"] > 0.2
    assert r.summary["weeks_to_decision"] > df.loc[decided, "weeks_to_decision"].median()
    # censored at the exit, or at the end of the run for those still waiting
    end = sc.run.horizon_weeks
    censored_at = df["exit_week"].fillna(end) - df["arrival_week"]
    times = df["weeks_to_decision"].where(decided, censored_at).to_numpy()
    assert r.summary["weeks_to_decision"] == km_median(times, decided.to_numpy())
