"""One test per mechanism: force it to happen, then check its effect."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from sim import Scenario, simulate
from sim.model.aldermen import College
from sim.model.initiative import Initiative
from sim.model.ledger import km_median
from sim.model.log import EventLog
from sim.model.municipality import ROLE_BIT, Municipality, Regime
from sim.model.network import Network
from sim.model.random import PrivateSupply
from sim.model.regisseurs import RegisseurCorps
from sim.model.satisfaction import satisfaction
from sim.scenario import SIGN_CONDITIONS
from tests.conftest import short


def _initiative(energy: float = 0.5) -> Initiative:
    ini = Initiative(0, 0.0, True, PrivateSupply([1.0], [0.5], np.random.default_rng(0)))
    ini.energy, ini.trust, ini.drain, ini.wait_frustration = energy, 0.5, 0.01, 0.01
    ini.patience_end = 100.0
    ini.kind_u = ini.link_u = ini.tolerance = 0.5
    ini.departments = 1
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


def test_a_mandate_takes_decisions_past_the_approval_layers_only_where_it_guides() -> None:
    """Directive managers need two layers; a regisseur with a mandate takes the decision
    of the initiative it guides through itself, and the others still need both layers."""
    def approvals(mandate: bool) -> tuple[int, int, int]:
        sc = short("direction", run={"event_log": True}, fallback={"enabled": False},
                   municipality={"derail_prob": 0.0},
                   middle_managers={"approval_layers": 2},
                   regisseurs={"mandate": mandate, "corps_size": 3})
        r = simulate(sc, 4)
        decided = r.initiatives[r.initiatives["weeks_to_decision"].notna()
                                & ~r.initiatives["needs"].str.contains("autonomous")]
        guided = set(decided.loc[decided["regisseur"], "id"])
        unguided = set(decided.loc[~decided["regisseur"], "id"])
        assert len(guided) > 20 and len(unguided) > 20
        log = r.log[r.log["event"] == "approval"]
        per = log.groupby("id").size()
        return (int(per.reindex(list(guided)).fillna(0).sum()),
                int(per.reindex(list(unguided)).fillna(0).min()), len(unguided))

    guided, fewest_unguided, _ = approvals(mandate=True)
    assert guided == 0
    assert fewest_unguided >= 2  # no mandate reaches an initiative without a regisseur
    guided, fewest_unguided, _ = approvals(mandate=False)
    assert guided > 40 and fewest_unguided >= 2


def test_regime_of_a_fallback_takes_the_more_directive_values() -> None:
    sc = short("direction", fallback={"regime": {"approval_layers": 3, "inward_share": 0.7,
                                                 "mandate": False}})
    own, fallen = Regime.of(sc, fallback=False), Regime.of(sc, fallback=True)
    assert (own.approval_layers, fallen.approval_layers) == (1, 3)
    assert (own.inward_share, fallen.inward_share) == (0.3, 0.7)
    assert own.allocation > fallen.allocation == 0.0
    assert own.mandate and not fallen.mandate
    assert "partner" in own.offered and "partner" not in fallen.offered
    assert "regie" in fallen.offered
    assert fallen.dialogue == own.dialogue  # conditions drop only through warning signs


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


# ------------------------------------------------------------------ model v2 mechanisms

def test_negative_disconfirmation_weighs_more_than_positive() -> None:
    sc = short()
    cfg = sc.satisfaction
    expectation = np.array([0.6, 0.6, 0.6])
    perf = np.array([0.5, 0.6, 0.7])
    s = satisfaction(perf, expectation, np.zeros(3), cfg, sc.breach)
    down, up = s[1] - s[0], s[2] - s[1]
    assert up == pytest.approx((cfg.performance + cfg.disconfirmation) * 0.1)
    assert down == pytest.approx((cfg.performance + cfg.disconfirmation
                                  * (1 + cfg.loss_aversion)) * 0.1)
    assert down > up


def test_a_shortfall_against_the_promise_is_felt_once_per_new_loss() -> None:
    ini = _initiative()
    ini.first_contact(1.0, False, promise_weight=0.5)
    assert ini.expectation == pytest.approx(0.75)  # (1 - 0.5) * trust 0.5 + 0.5 * 1.0
    assert ini.experience(1.0) == 0.0
    assert ini.experience(0.5) == pytest.approx(0.5)
    assert ini.experience(0.5) == 0.0  # the same loss again is no new disappointment
    assert ini.experience(0.0) == pytest.approx(0.5)
    assert ini.received == pytest.approx(0.5)
    better = _initiative()
    better.first_contact(0.5, False, promise_weight=0.5)
    assert better.experience(1.0) == 0.0  # more than promised disappoints no one
    assert better.experience(0.25) == pytest.approx(0.25)


def _forced_fallback(style: str, **groups: dict) -> Scenario:
    return short(style, run={"event_log": True}, aldermen={"incident_rate": 0.0},
                 tension={"cuts": [{"week": 10.0, "tension": 5.0,
                                    "support_withdrawn_weeks": 0.0}]}, **groups)


def test_warning_signs_show_only_where_there_was_a_partner() -> None:
    always = {"warning_signs": {name: {"prob": 1.0} for name in SIGN_CONDITIONS}}
    partner = simulate(_forced_fallback("direction", fallback=always), 1)
    signs = partner.log[partner.log["event"].str.startswith("sign_")]
    assert set(signs["event"]) == {f"sign_{name}" for name in SIGN_CONDITIONS}
    assert partner.episodes["warning_signs"].str.count(r"\+").max() == 4
    directive = simulate(_forced_fallback("consultative", fallback=always), 1)
    assert len(directive.episodes) > 0
    assert not directive.log["event"].str.startswith("sign_").any()


def test_a_warning_sign_lowers_its_condition_and_so_the_release_of_tension() -> None:
    sc = short("direction")
    own = Regime.of(sc, fallback=False)
    fallen = Regime.of(sc, fallback=True)
    signed = Regime.of(sc, fallback=True, lowered={"clear_process": 0.5})
    assert signed.clear_process == pytest.approx(0.5 * fallen.clear_process)
    assert fallen.clear_process == own.clear_process
    # conjunctive: the weakest condition sets the release rate
    weakest = min(signed.clear_frames, signed.clear_process, signed.dialogue, signed.feedback)
    tc = sc.tension
    assert signed.release_rate == pytest.approx(
        tc.release_rate * (1 + tc.conditions_gain * weakest))
    assert signed.release_rate < fallen.release_rate == own.release_rate


def test_one_missing_condition_sets_release_and_derailment_as_all_four_would() -> None:
    one = Regime.of(short("partner", municipality={"feedback": 0.0}), fallback=False)
    four = Regime.of(short("partner", municipality={
        "clear_frames": 0.0, "clear_process": 0.0, "dialogue": 0.0, "feedback": 0.0}),
        fallback=False)
    assert one.release_rate == four.release_rate
    assert one.derail_prob == four.derail_prob > 0.0


def test_a_partnership_derails_under_a_missing_condition_and_is_not_taken_up_again() -> None:
    needs_partner = {"disappointment_quit": 0.0,
                     "role_needs": {"autonomous": 0.0, "regie": 0.0, "support": 0.0,
                                    "symbol": 0.0, "partner": 1.0}}
    sc = short("partner", run={"event_log": True}, fallback={"enabled": False},
               initiatives=needs_partner,
               municipality={"feedback": 0.0, "derail_prob": 1.0})
    r = simulate(sc, 1)
    derailed = set(r.log.loc[r.log["event"] == "derailed", "id"])
    df = r.initiatives
    contacted = df[~df["stage"].isin(["signal", "intake"])]  # had a contact after intake
    assert len(contacted) > 50
    assert set(contacted["id"]) <= derailed
    assert (contacted["received"] < 1.0).all()  # the partner role was lost for good
    kept = simulate(sc.with_changes({f"municipality.{c}": 1.0 for c in (
        "clear_frames", "clear_process", "dialogue", "feedback")}), 1)
    assert not (kept.log["event"] == "derailed").any()


def test_consultation_costs_time_and_changes_no_decision() -> None:
    base = short("directive", fallback={"enabled": False}, run={"event_log": True})
    consulted = base.with_changes({"middle_managers.consult_weeks": 2.0})
    a, b = simulate(base, 3), simulate(consulted, 3)
    decided = a.initiatives.merge(b.initiatives, on="id", suffixes=("", "_c"))
    both = decided.dropna(subset=["weeks_to_decision", "weeks_to_decision_c"])
    assert len(both) > 50
    assert (both["weeks_to_decision_c"] > both["weeks_to_decision"]).mean() > 0.95
    assert (a.log["event"] == "approval").sum() > 0


def test_managers_who_allocate_across_departments_avoid_handoffs() -> None:
    patient = {"patience_weeks": math.inf, "energy_drain": 0.0}
    base = {"departments": 6, "clear_process": 1.0}
    r0 = simulate(short(municipality=base, initiatives=patient, regisseurs={"corps_size": 0},
                        middle_managers={"allocation": 0.0}), 2)
    r1 = simulate(short(municipality=base, initiatives=patient, regisseurs={"corps_size": 0},
                        middle_managers={"allocation": 1.0}), 2)
    assert r0.initiatives["handoffs"].sum() > 50
    assert r1.initiatives["handoffs"].sum() == 0


def test_regisseurs_lose_capacity_inside_under_draining_management() -> None:
    sc = short("direction", regisseurs={"corps_size": 1, "caseload": 10})
    corps = RegisseurCorps(simpy.Environment(), sc, EventLog(False, 0.0))
    drained = Regime.of(sc.with_changes({"middle_managers.regisseur_drain": 0.8}), False)
    adopted = [corps.adopt(_initiative(), drained) for _ in range(5)]
    assert adopted == [True, True, False, False, False]  # 10 * (1 - 0.8) = 2 slots


def test_public_backing_without_real_support_raises_no_trust() -> None:
    sc = short("direction", aldermen={"symbol_prob": 1.0, "symbol_trust": 0.5})
    env = simpy.Environment()
    mun = Municipality(env, sc, EventLog(False, 0.0), 0.0, np.random.default_rng(0))
    college = College(env, sc, EventLog(False, 0.0), 0.0, np.random.default_rng(0), mun)
    empty, real = _initiative(), _initiative()
    empty.fit_at_decision, real.fit_at_decision = 0.5, 1.0
    before = mun.trust
    college.celebrate(empty)
    assert mun.trust == before and college.empty_backings == 1
    college.celebrate(real)
    assert mun.trust > before and college.public_successes == 2


def test_a_success_renews_the_energy_of_linked_initiatives_under_way() -> None:
    sc = short(networks={"links": 1, "success_energy": 0.2})
    net = Network(simpy.Environment(), sc, EventLog(False, 0.0), np.random.default_rng(0))
    first, second, loner = _initiative(0.3), _initiative(0.3), _initiative(0.3)
    first.ident, second.ident, loner.ident = 1, 2, 3
    net.link(first)
    net.link(second)
    assert net.graph().has_edge(1, 2)
    net.succeeded(first)
    assert second.energy == pytest.approx(0.5) and loner.energy == pytest.approx(0.3)
    summary: dict[str, float] = {}
    net.contribute(summary, arrivals=4)
    assert summary["share_connected"] == 0.5 and summary["largest_network_group"] == 2


def test_aldermen_and_bridging_regisseurs_connect_initiatives() -> None:
    alone = simulate(short("directive"), 1).summary
    assert alone["share_connected"] == 0.0
    connected = simulate(short("direction"), 1).summary
    assert connected["share_connected"] > 0.2 and connected["largest_network_group"] > 5


def test_the_municipalitys_own_rules_are_not_negotiable() -> None:
    """Every initiative touches a permit; every permit is refused: none is approved."""
    sc = short("direction", fallback={"enabled": False},
               initiatives={"role_needs": {"autonomous": 1.0}},
               municipality={"permit_reject_prob": 1.0})
    df = simulate(sc, 1).initiatives
    done = df[df["outcome"] != "in_progress"]
    assert (done["outcome"] != "success").all()
    assert (done["outcome"] == "rejected").sum() > 50


def test_without_clear_frames_dialogue_becomes_rounds_of_consensus_seeking() -> None:
    unclear = short("direction", run={"event_log": True},
                    municipality={"clear_frames": 0.0, "polder_prob": 0.9})
    clear = unclear.with_changes({"municipality.clear_frames": 1.0})
    rounds = simulate(unclear, 1).log["event"].eq("dialogue_round").sum()
    assert rounds > 100
    assert simulate(clear, 1).log["event"].eq("dialogue_round").sum() == 0


def test_the_survey_counts_members_of_initiatives_with_contact_ongoing_included() -> None:
    sc = short("consultative", initiatives={"members_mean": 6.0})
    r = simulate(sc, 4)
    df, cfg = r.initiatives, sc.satisfaction
    recent = df["exit_week"].isna() | (df["exit_week"] >= sc.run.horizon_weeks
                                       - sc.run.survey_recall_weeks)
    asked = df[df["contact"] & recent]
    assert (asked["outcome"] == "in_progress").any()
    assert asked["members"].nunique() > 3
    weights = asked["members"]
    expected = weights[asked["satisfaction"] < cfg.dissatisfied_below].sum() / weights.sum()
    assert r.summary["share_dissatisfied"] == pytest.approx(expected)
    assert r.summary["survey_members"] == weights.sum()
    unweighted = (asked["satisfaction"] < cfg.dissatisfied_below).mean()
    assert r.summary["share_dissatisfied"] != pytest.approx(unweighted, abs=1e-6)


# ------------------------------------------------------------------ model v3 mechanisms

NEEDS_PARTNER = {"autonomous": 0.0, "regie": 0.0, "support": 0.0, "symbol": 0.0,
                 "partner": 1.0}


def test_a_breach_is_remembered_in_satisfaction_and_each_one_weighs_in_full() -> None:
    sc = short("direction")
    perf, expectation = np.full(3, 0.7), np.full(3, 0.6)
    s = satisfaction(perf, expectation, np.array([0.0, 1.0, 2.0]), sc.satisfaction, sc.breach)
    assert s[0] - s[1] == pytest.approx(sc.breach.satisfaction)
    assert s[1] - s[2] == pytest.approx(sc.breach.satisfaction)
    ini = _initiative()
    ini.first_contact(1.0, True, promise_weight=0.5)
    ini.suffer_breach(0.25)
    assert (ini.breaches, ini.partnered, ini.trust) == (1, False, pytest.approx(0.25))


def test_falling_back_breaks_every_partnership_under_way_at_once() -> None:
    """The fallback is a public act: every initiative promised the partner role and still
    going has its partnership broken at that moment, realisation included."""
    sc = _forced_fallback("direction", municipality={"derail_prob": 0.0},
                          initiatives={"disappointment_quit": 0.0,
                                       "role_needs": NEEDS_PARTNER})
    r = simulate(sc, 3)
    start = r.episodes["start_week"].iloc[0]
    breaches = r.log[r.log["event"] == "breach"]
    assert len(breaches) == r.episodes["partnerships_broken"].iloc[0] > 20
    assert breaches["week"].to_numpy() == pytest.approx(start)
    assert "realisation" in set(breaches["stage"])
    hit = r.initiatives[r.initiatives["id"].isin(breaches["id"])]
    counted = hit[hit["contact"]]
    assert (counted["breaches"] == 1).all() and len(counted) > 10
    # the same citizens with re-formed expectations: the partnership ends, nothing is felt
    rebased = simulate(sc.with_changes({"satisfaction.rebase_expectations": True}), 3)
    assert (rebased.initiatives["breaches"] == 0).all()
    assert rebased.episodes["partnerships_broken"].iloc[0] > 20


def test_a_promise_is_the_declared_way_of_working_not_the_regime_of_the_week() -> None:
    sc = short("direction", initiatives={"role_needs": NEEDS_PARTNER})
    mun = Municipality(simpy.Environment(), sc, EventLog(False, 0.0), 0.0,
                       np.random.default_rng(0))
    ini = _initiative()
    ini.needs_mask = 1 << 4  # partner only (ROLES order)
    mun.regime, mun.in_fallback = mun.directing, True
    assert mun.role_fit(ini) == 0.0  # taken now: not the partner role
    assert mun.promised_fit(ini) == 1.0 and mun.promises_partner(ini)  # promised: it is
    ini.derailed = True
    mun.regime, mun.in_fallback = mun.own_regime, False
    assert mun.regime_for(ini) is mun.directing  # a derailed partnership: directing role


def test_a_corps_with_system_matches_competence_to_the_connection_needed() -> None:
    def kinds(system: bool) -> list[bool]:
        sc = short("direction", regisseurs={"corps_size": 2, "caseload": 10,
                                            "regie_share": 0.5, "system": system},
                   middle_managers={"regisseur_drain": 0.0})
        corps = RegisseurCorps(simpy.Environment(), sc, EventLog(False, 0.0))
        regime = Regime.of(sc, fallback=False)
        out = []
        for departments, u in ((3, 0.9), (1, 0.1), (2, 0.7), (1, 0.2)):
            ini = _initiative()
            ini.departments, ini.kind_u = departments, u
            assert corps.adopt(ini, regime)
            out.append(ini.regie_kind)
        return out

    assert kinds(system=True) == [True, False, True, False]  # regie for several departments
    assert kinds(system=False) == [False, True, False, True]  # whoever it happens to meet


def test_a_full_competence_passes_the_initiative_to_the_other() -> None:
    sc = short("direction", regisseurs={"corps_size": 2, "caseload": 1, "regie_share": 0.5,
                                        "system": True},
               middle_managers={"regisseur_drain": 0.0})
    corps = RegisseurCorps(simpy.Environment(), sc, EventLog(False, 0.0))
    regime = Regime.of(sc, fallback=False)
    first, second, third = _initiative(), _initiative(), _initiative()
    for ini in (first, second, third):
        ini.departments = 3
    assert corps.adopt(first, regime) and corps.adopt(second, regime)
    assert (first.regie_kind, second.regie_kind) == (True, False)
    assert not corps.adopt(third, regime)
    corps.release(first)
    assert corps.adopt(third, regime) and third.regie_kind


def test_the_alderman_at_the_crucial_meeting_settles_the_decision() -> None:
    """Bridged initiatives whose decision goes up to the college are not sent back for
    rework when the alderman is at their crucial meeting (003)."""
    def reworked(crucial: bool) -> int:
        sc = short("direction", run={"event_log": True}, fallback={"enabled": False},
                   aldermen={"crucial_meetings": crucial},
                   municipality={"clear_frames": 0.0, "rework_prob": 0.9,
                                 "derail_prob": 0.0},
                   middle_managers={"escalation_prob": 1.0},
                   regisseurs={"mandate": False, "corps_size": 50, "bridge_effect": 1.0,
                               "off_skill": 1.0})
        r = simulate(sc, 5)
        guided = set(r.initiatives.loc[r.initiatives["regisseur"], "id"])
        assert len(guided) > 50
        log = r.log[r.log["id"].isin(guided)]
        assert (log["event"] == "escalated").sum() > 50
        return int((log["event"] == "rework").sum())

    assert reworked(crucial=True) == 0
    assert reworked(crucial=False) > 20


def test_a_success_relieves_the_burden_of_linked_initiatives() -> None:
    sc = short(networks={"links": 1, "success_relief": 0.4})
    net = Network(simpy.Environment(), sc, EventLog(False, 0.0), np.random.default_rng(0))
    first, second = _initiative(0.3), _initiative(0.3)
    first.ident, second.ident = 1, 2
    second.frustration = 0.5
    net.link(first)
    net.link(second)
    net.succeeded(first)
    assert second.frustration == pytest.approx(0.3)


def test_rounds_of_consensus_seeking_are_waiting() -> None:
    """Rounds after the first drain energy and add burden as waiting does (003)."""
    def burden(polder: float) -> float:
        sc = short("direction", fallback={"enabled": False},
                   municipality={"clear_frames": 0.0, "polder_prob": polder,
                                 "dialogue_relief": 0.0, "feedback_relief": 0.0})
        df = simulate(sc, 2).initiatives
        return float(df.loc[df["outcome"] != "in_progress", "frustration"].mean())

    assert burden(0.9) > burden(0.0) + 0.05


def test_in_the_counterfactual_of_reformed_expectations_a_breach_makes_nobody_quit() -> None:
    """Rebased expectations follow what is taken now, also at the moment of falling back:
    the partnership ends, but no promise is broken, so no one quits over it."""
    sc = _forced_fallback("direction", municipality={"derail_prob": 0.0},
                          initiatives={"disappointment_quit": 1.0, "disappointment_trust": 1.0,
                                       "role_needs": NEEDS_PARTNER})

    def quits_at_the_fallback(rebase: bool) -> int:
        r = simulate(sc.with_changes({"satisfaction.rebase_expectations": rebase}), 3)
        start = r.episodes["start_week"].iloc[0]
        quits = r.log[(r.log["event"] == "quits") & (r.log["week"] == start)]
        return len(quits)

    assert quits_at_the_fallback(rebase=False) > 5
    assert quits_at_the_fallback(rebase=True) == 0


def test_a_budget_cut_withdraws_support_for_its_weeks_and_then_gives_it_back() -> None:
    """Every reading of the roles in force (offered, role fit, support in realisation)
    sees the support role withdrawn while the cut lasts, and back after it."""
    sc = short("direction")
    env = simpy.Environment()
    mun = Municipality(env, sc, EventLog(False, 0.0), 0.0, np.random.default_rng(0))
    ini = _initiative()
    ini.needs_mask = ROLE_BIT["support"]
    env.process(mun._budget_cut(10.0, 0.0, 26.0))  # withdrawn from week 10 to week 36
    seen = []
    for week in (5.0, 12.0, 35.9, 36.1):
        env.run(until=week)
        seen.append((mun.support_withdrawn(), "support" in mun.offered_roles(),
                     mun.role_fit(ini), mun.support_fit(ini)))
    assert seen == [(False, True, 1.0, 1.0), (True, False, 0.0, 0.0),
                    (True, False, 0.0, 0.0), (False, True, 1.0, 1.0)]
