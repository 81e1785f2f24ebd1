"""Warnings where a scenario's results will mean little: overload, too short a run.

These are checks of a scenario before it runs, from its own numbers (rough, on the
scenario's own style; fallback and trust can change them during a run):

- **overload**: a stage whose offered load reaches its capacity (utilisation rho >= 1)
  has a queue that grows without bound, so every outcome depends on the horizon;
- **horizon too short**: shorter than two typical journeys, most initiatives are still
  under way at the end and exit-based outcomes describe the fast ones;
- **no or a short warm-up** (under half a journey): the run starts empty; the first
  journeys meet no queues;
- **lost from pillar to post**: misroutes repeat with a probability of misroute_prob
  x (1 - clear_process) (their number is one geometric draw, so the run still ends);
  near 1 an initiative is sent on about p / (1 - p) times, and nearly every one drops
  out in its handoffs.
"""

from __future__ import annotations

from sim.scenario import Scenario

NEAR = 0.95
"""Utilisation from which a stage counts as near overload."""
MISROUTES = 100.0
"""Expected extra handoffs of one initiative from which it is all but lost in them."""


def loads(sc: Scenario) -> dict[str, float]:
    """Offered load per server (utilisation rho) of each queueing stage, at initial trust."""
    ic, m, mm, al = sc.initiatives, sc.municipality, sc.middle_managers, sc.aldermen
    rate = ic.arrival_rate
    rework = min(m.rework_prob * (1.0 - m.clear_frames), 0.99)
    rounds = min(1.0 / (1.0 - rework), float(m.max_decision_rounds))
    approval = mm.approval_weeks / (1.0 - mm.inward_share)
    return {
        "front office": rate * m.intake_weeks / m.intake_staff,
        "middle managers": rate * rounds * mm.approval_layers * approval
        / (m.departments * mm.per_department),
        "college": rate * rounds * mm.escalation_prob
        / (al.college_size * al.agenda_per_alderman),
    }


def typical_journey(sc: Scenario) -> float:
    """Rough weeks from arrival to the end of realisation, without queues."""
    ic, m = sc.initiatives, sc.municipality
    return (m.signal_weeks + m.intake_weeks + ic.dialogue_weeks * m.dialogue
            + ic.role_needs.autonomous * m.permit_weeks + ic.realisation_weeks)


WHO = {"front office": "the front office", "middle managers": "each of the middle managers",
       "college": "the college"}
"""Each queueing stage as the subject of a sentence (one server's load)."""


def warnings_for(sc: Scenario) -> list[str]:
    """One readable line per reason the scenario's results may mean little."""
    out = []
    for stage, rho in loads(sc).items():
        stage = WHO[stage]
        if rho >= 1.0:
            out.append(f"overload: {stage} gets more work than it can do (utilisation "
                       f"{rho:.2f} >= 1); its queue grows without bound and every outcome "
                       "depends on the horizon")
        elif rho >= NEAR:
            out.append(f"near overload: {stage} is busy {rho:.0%} of the time; waits "
                       "will be long and very variable")
    p = sc.municipality.misroute_prob * (1.0 - sc.municipality.clear_process)
    if p >= 1.0 or p / (1.0 - p) >= MISROUTES:
        out.append(f"misroutes: each initiative is sent on about {p / (1.0 - p):.3g} times "
                   f"(municipality.misroute_prob x (1 - clear_process) = {p:.10g}): nearly "
                   "every initiative drops out in its handoffs")
    journey = typical_journey(sc)
    if sc.run.horizon_weeks < 2 * journey:
        out.append(f"run.horizon_weeks = {sc.run.horizon_weeks:g} is shorter than two typical "
                   f"journeys (about {journey:.0f} weeks each): most initiatives will still be "
                   "under way at the end")
    if sc.run.warmup_weeks == 0:
        out.append("run.warmup_weeks = 0: the run starts empty, so the first initiatives meet "
                   "no queues and no tension")
    elif sc.run.warmup_weeks < journey / 2:
        out.append(f"run.warmup_weeks = {sc.run.warmup_weeks:g} is shorter than half a "
                   f"typical journey (about {journey:.0f} weeks): the start is not yet "
                   "typical")
    return out
