"""The scenario: the one validated object that is the whole input of a run.

Every value the model reads lives here, grouped by the actor that owns it, so that the
digest of a scenario identifies everything a run depends on (besides the seed and the
code). Each field carries its unit, range and source, from which docs/scenarios.md and the
parameter table of docs/odd.md are generated.

A leadership style (``scenario.style``) fills in the values it governs (see
:mod:`sim.styles`); anything the scenario states itself wins over the style. Which
governed values the scenario states itself is part of the scenario
(``scenario.own_values``), so a resolved scenario, dumped and read back (the manifest's
copy, ``regiesim show``), is the same scenario: same digest, and the same behaviour when a
change of style re-applies the presets.

Bad input fails here, before any simulation starts, with the field path and the allowed
values (:class:`ScenarioError`).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import typing
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from sim.styles import (
    DIRECTING_ROLE,
    GOVERNED_KEYS,
    MANAGER_STYLE_KEY,
    MANAGER_STYLES,
    ROLES,
    STYLES,
    preset_owner,
    preset_value,
    split_preset_key,
)

DEFAULT_STYLE = "consultative"
StyleName = Literal["directive", "consultative", "direction", "partner"]
ManagerStyleName = Literal["directive", "consultative", "conversing"]
Role = Literal["autonomous", "regie", "support", "symbol", "partner"]
OfferedRole = Literal["regie", "support", "symbol", "partner"]
"""The roles a municipality can take or not; the autonomous role is always in force."""
Condition = Literal["clear_frames", "clear_process", "dialogue", "feedback"]



def _f(default: Any, description: str, unit: str = "-", source: str = "assumption", **kw: Any):
    """A documented field: description, unit and source feed the generated docs."""
    return Field(
        default,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
        **kw,
    )


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True)


class ScenarioInfo(_Group):
    """Name, description and leadership style of the scenario."""

    name: str = _f("unnamed", "Short name used in tables and reports")
    description: str = _f("", "What the scenario represents and where it comes from")
    style: StyleName = _f(
        DEFAULT_STYLE,
        "Leadership style preset that fills in every value the scenario leaves open",
        source="000-004: directive versus direction-based leadership",
    )
    own_values: list[str] = _f(
        [], "Style-governed keys whose value the scenario states itself; every other "
        "governed key takes the style's value (filled in when the scenario is read)",
        source="-")

    @field_validator("own_values")
    @classmethod
    def _governed(cls, keys: list[str]) -> list[str]:
        unknown = [k for k in keys if k not in GOVERNED_KEYS]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not set by a style; allowed: "
                             f"{', '.join(GOVERNED_KEYS)}")
        return sorted(set(keys))


class RunSettings(_Group):
    """Length of a run, what it records, and when the survey is taken."""

    horizon_weeks: float = _f(208.0, "Observation window after warm-up (one council term)",
                              "week", "a Dutch council term is four years", ge=1, le=5200)
    warmup_weeks: float = _f(104.0, "Warm-up before observation starts; nothing is counted",
                             "week", "MSER-5 on the weekly number of active initiatives "
                             "(`regiesim replications`): truncation points of 35 to 90 weeks "
                             "for the shipped styles", ge=0, le=5200)
    event_log: bool = _f(False, "Record the columnar event log of every initiative")
    survey_recall_weeks: float = _f(
        104.0, "The survey at the end of the run asks members of initiatives that had contact "
        "in this many weeks before it (ongoing ones included)", "week",
        "assumption (Nationale ombudsman 2018 surveyed members of initiatives about their "
        "contacts; it names no recall period)", gt=0, le=5200)


class RoleNeeds(_Group):
    """Probability that a new initiative needs each of the five roles (004)."""

    autonomous: float = _f(0.3, "P(the initiative touches the municipality's own tasks: a "
                           "permit, public order)", "probability", "004 (five roles: "
                           "autonomous, e.g. passports, public order); share assumed", ge=0,
                           le=1)
    regie: float = _f(0.3, "P(needs the municipality to allocate or decide)", "probability",
                      "004 (five roles: regie); share is an assumption", ge=0, le=1)
    support: float = _f(0.7, "P(needs money, subsidy or facilities)", "probability",
                        "004 (five roles: support); share is an assumption", ge=0, le=1)
    symbol: float = _f(0.4, "P(needs public appreciation by the alderman)", "probability",
                       "004 (five roles: symbol); share is an assumption", ge=0, le=1)
    partner: float = _f(0.4, "P(needs joint work as equals)", "probability",
                        "004 (five roles: partner); share is an assumption", ge=0, le=1)


class InitiativeSettings(_Group):
    """Citizen initiatives: arrivals, attributes, energy, patience and burden."""

    arrival_rate: float = _f(3.0, "Arrival rate of initiatives at the initial trust level",
                             "per week", gt=0, le=1000)
    trust_elasticity: float = _f(
        1.0, "Arrival rate = arrival_rate * (1 + elasticity * (trust - initial_trust))",
        ge=0, le=10)
    members_mean: float = _f(8.0, "Mean number of members of an initiative (1 + Poisson); the "
                             "survey counts members", "persons", "assumption", ge=1, le=1000)
    complexity_alpha: float = _f(2.0, "Beta(alpha, beta) shape of complexity (0..1)", ge=0.01,
                                 le=100)
    complexity_beta: float = _f(3.0, "Beta(alpha, beta) shape of complexity (0..1)", ge=0.01,
                                le=100)
    complexity_weight: float = _f(
        1.0, "How much complexity stretches dialogue and realisation: their length scales "
        "with 1 - weight/2 + weight * complexity (the mean at complexity 0.5; 0 ignores "
        "complexity)", ge=0, le=2)
    energy_mean: float = _f(0.7, "Mean initial energy of initiators", "0..1", ge=0.01,
                            le=0.99)
    energy_concentration: float = _f(8.0, "Beta concentration of initial energy (higher: less "
                                     "spread)", ge=0.5, le=1000)
    trust_spread: float = _f(0.1, "Std. dev. of an initiator's trust around the municipal trust",
                             "0..1", ge=0, le=1)
    patience_weeks: float = _f(78.0, "Mean patience: the initiative stops when its journey lasts "
                               "longer (inf = unlimited)", "week", gt=0)
    patience_shape: float = _f(4.0, "Gamma shape of patience (higher: initiators more alike)",
                               gt=0, le=1000)
    energy_drain: float = _f(0.01, "Energy lost per week of waiting", "per week", ge=0, le=1)
    waiting_frustration: float = _f(0.03, "Burden (frustration) added per week of waiting",
                                    "per week", "assumption", ge=0, le=1)
    dropout_frustration: float = _f(0.2, "Burden added when an initiative has to stop",
                                    "0..1", ge=0, le=1)
    dialogue_weeks: float = _f(3.0, "Mean length of one dialogue round at complexity 0.5 and "
                               "full dialogue habit (it scales with the habit in force)",
                               "week", "004 (partnership means continually aligning and "
                               "adjusting); length assumed", ge=0, le=520)
    rework_dialogue_share: float = _f(
        0.5, "A rework round's dialogue as a share of a full round (its time, energy and "
        "relief)", "0..1", ge=0, le=1)
    realisation_weeks: float = _f(16.0, "Mean realisation length at complexity 0.5", "week",
                                  ge=0, le=520)
    realisation_drain: float = _f(0.01, "Energy lost per week of realisation without the support "
                                  "it needs", "per week", ge=0, le=1)
    department_spread: float = _f(0.6, "Each further department is involved with probability "
                                  "spread * complexity", "probability", ge=0, le=1)
    exit_trust_frustration: float = _f(
        0.5, "Weight of the burden in the trust an initiator leaves with: trust * (1 - "
        "weight * burden)", "0..1", ge=0, le=1)
    disappointment_trust: float = _f(
        0.3, "Trust an initiator loses per unit of new shortfall: the share of its needed "
        "roles promised at first contact but not taken at a later contact", "0..1",
        "assumption (Van Ryzin 2007 links performance and satisfaction to trust)", ge=0,
        le=1)
    disappointment_energy: float = _f(
        0.2, "Energy an initiative loses per unit of new shortfall at a contact", "0..1",
        "assumption (004 says only that falling back leads to great frustration)", ge=0,
        le=1)
    disappointment_quit: float = _f(
        0.8, "An initiative quits at a contact when disappointment_quit * shortfall * (1 - "
        "trust) exceeds its own tolerance (uniform 0..1)", "0..1", "assumption", ge=0,
        le=1)
    role_needs: RoleNeeds = Field(default_factory=RoleNeeds)


class SatisfactionSettings(_Group):
    """Satisfaction with the contacts, by expectancy-disconfirmation.

    At first contact an initiative expects E = (1 - promise_weight) * trust +
    promise_weight * promised fit (the share of its needed roles the municipality takes
    then). Along the journey it experiences P = burden_weight * (1 - burden) +
    (1 - burden_weight) * received fit (the mean share of its needed roles taken at its
    contacts). Satisfaction S = performance * P + expectation * E + disconfirmation * D,
    with D = P - E, a negative D weighing (1 + loss_aversion) times.
    """

    promise_weight: float = _f(0.5, "Weight of the promised role fit in the expectation (the "
                               "rest: the initiator's trust)", "0..1",
                               "assumption (how promises shape expectations: James 2011)",
                               ge=0, le=1)
    burden_weight: float = _f(0.6, "Weight of the burden (waits, handoffs, rework) in "
                              "experienced performance (the rest: roles received)", "0..1",
                              "assumption", ge=0, le=1)
    performance: float = _f(0.7, "Weight of experienced performance in satisfaction", "-",
                            "assumption (our reading of Van Ryzin 2004 and Zhang et al. "
                            "2022: performance drives satisfaction)", ge=0, le=5)
    expectation: float = _f(0.3, "Weight of the expectation itself (assimilation)", "-",
                            "Schiebler, Lee & Brodbeck 2024: expectations correlate "
                            "positively with satisfaction (r about .29); size assumed", ge=0,
                            le=5)
    disconfirmation: float = _f(0.5, "Weight of disconfirmation (performance minus "
                                "expectation)", "-", "Van Ryzin 2006 (subtractive "
                                "disconfirmation confirmed); size assumed", ge=0, le=5)
    loss_aversion: float = _f(1.0, "Extra weight of negative disconfirmation", "-",
                              "assumption (asymmetry of losses, prospect theory)", ge=0,
                              le=10)
    dissatisfied_below: float = _f(0.451, "Satisfaction below which a member counts as "
                                   "(very) dissatisfied", "-", "fitted to the survey's 44% "
                                   "(Nationale ombudsman 2018) on scenarios/typical.toml by "
                                   "experiments/calibrate.py", ge=-5, le=5)
    satisfied_above: float = _f(0.645, "Satisfaction above which a member counts as (very) "
                                "satisfied", "-", "fitted to the survey's 33% (Nationale "
                                "ombudsman 2018) on scenarios/typical.toml by "
                                "experiments/calibrate.py", ge=-5, le=5)
    rebase_expectations: bool = _f(
        False, "Counterfactual for decomposing fallback's cost: initiatives lower their "
        "expectations to the roles taken now and feel no breach when a partnership is "
        "broken, so no promise is broken and only the regime costs", source="-")

    @model_validator(mode="after")
    def _ordered(self) -> SatisfactionSettings:
        if self.dissatisfied_below > self.satisfied_above:
            raise ValueError(f"dissatisfied_below must not exceed satisfied_above, got "
                             f"{self.dissatisfied_below} > {self.satisfied_above}")
        return self


class BreachSettings(_Group):
    """A broken partnership: psychological-contract breach (004: "grote frustraties").

    When the municipality falls back into the directing role it pulls the direction to
    itself, in public: every initiative it was a partner of (promised the partner role,
    under way, realisation included) experiences the breach at that moment, as does an
    initiative whose partnership derails (004: a missing condition derails it). Following
    Robinson & Rousseau (1994) and Morrison & Robinson (1997) a breach is remembered: it
    enters satisfaction as its own term, ``satisfaction`` per breach, and lowers the
    initiator's trust by ``trust``; a partnership, once broken, is not taken up again.
    """

    satisfaction: float = _f(
        0.32, "Satisfaction lost per breach of a partnership (a remembered term, not "
        "averaged over later contacts)", "-",
        "prior: Zhao, Wayne, Glibkowski & Bravo 2007 (meta-analysis: breach relates "
        "strongly to lower satisfaction, read as r about .5, d about 1.15) times the "
        "spread of satisfaction among surveyed members (SD about 0.28)", ge=0, le=2)
    trust: float = _f(
        0.25, "Trust an initiator loses when its partnership is broken", "0..1",
        "prior: Zhao et al. 2007 (breach relates strongly to mistrust); Robinson & "
        "Rousseau 1994", ge=0, le=1)


class MunicipalitySettings(_Group):
    """The organisation: departments, front office, roles, the four conditions and trust."""

    departments: int = _f(4, "Number of departments (pillars)", ge=1, le=50)
    intake_staff: int = _f(3, "Front-office servers for intake", "servers", ge=1, le=1000)
    intake_weeks: float = _f(0.5, "Mean intake service time (exponential)", "week", ge=0, le=52)
    signal_weeks: float = _f(8.0, "Mean time until an unspotted initiative is noticed", "week",
                             ge=0, le=520)
    initial_trust: float = _f(0.5, "Citizens' trust in the municipality at the start", "0..1",
                              ge=0, le=1)
    trust_learning: float = _f(0.02, "Weight of each finished initiative's trust in municipal "
                               "trust", ge=0, le=1)
    trust_recovery: float = _f(0.03, "Share of the gap to initial_trust that closes each week "
                               "(everything else the municipality does)", "per week", ge=0,
                               le=1)
    roles_offered: list[OfferedRole] = _f(
        ["regie", "support"], "Roles the municipality takes towards initiatives "
        "(its autonomous role, its own tasks, is always in force)",
        source="004 (five roles)", min_length=1)
    permit_weeks: float = _f(4.0, "Mean time of a permit or public-order check (the "
                             "autonomous role, always in force)", "week", "assumption: our "
                             "reading of 004's autonomous role", ge=0, le=520)
    permit_reject_prob: float = _f(0.05, "P(a permit is refused; the municipality decides "
                                   "its own tasks alone)", "probability", "assumption: our "
                                   "reading of 004's autonomous role", ge=0, le=1)
    clear_frames: float = _f(0.5, "Condition 1: clarity of what is possible and on what terms",
                             "0..1", "004 (four conditions)", ge=0, le=1)
    clear_process: float = _f(0.3, "Condition 2: clear process, one point of contact", "0..1",
                              "004 (four conditions)", ge=0, le=1)
    dialogue: float = _f(0.1, "Condition 3: dialogue as a habit", "0..1",
                         "004 (four conditions)", ge=0, le=1)
    feedback: float = _f(0.1, "Condition 4: feedback culture", "0..1",
                         "004 (four conditions)", ge=0, le=1)
    handoff_weeks: float = _f(2.0, "Mean delay of one handoff between departments", "week", ge=0,
                              le=52)
    handoff_frustration: float = _f(0.1, "Burden added by one handoff", "0..1", ge=0, le=1)
    handoff_energy: float = _f(0.03, "Energy lost by one handoff", "0..1", ge=0, le=1)
    misroute_prob: float = _f(0.6, "P(an extra handoff, 'from pillar to post') when the process "
                              "is wholly unclear; repeats", "probability",
                              "004 (do not send people from pillar to post); size assumed",
                              ge=0, lt=1)
    rework_prob: float = _f(0.5, "P(decision sent back for rework) when frames are wholly "
                            "unclear and there is no dialogue", "probability", ge=0, lt=1)
    dialogue_rework_prevention: float = _f(
        0.6, "Share of rework prevented at full dialogue (rework P scales with 1 - share * "
        "dialogue)", "0..1", ge=0, le=1)
    derail_prob: float = _f(
        0.3, "P(an initiative's partnership derails at a contact) when the weakest of the "
        "four conditions is wholly missing; scales with 1 - the weakest condition",
        "probability", "004 (each missing condition is an alarm signal: sooner or later "
        "the partnership derails); size assumed", ge=0, le=1)
    polder_prob: float = _f(
        0.6, "P(another round of consensus-seeking dialogue) at full dialogue habit and "
        "wholly unclear frames; scales with dialogue * (1 - clear_frames) and repeats",
        "probability", "003 (facilitating alone is not enough: 'minder polderen', more "
        "steering on content); size assumed", ge=0, lt=1)
    dialogue_round_energy: float = _f(0.03, "Energy one full dialogue round costs the "
                                      "initiators", "0..1", "assumption", ge=0, le=1)
    max_decision_rounds: int = _f(8, "Decision rounds (rework loops) after which the "
                                  "municipality decides regardless", "rounds", ge=1, le=100)
    rework_frustration: float = _f(0.1, "Burden added by one rework round", "0..1", ge=0,
                                   le=1)
    reject_prob: float = _f(0.08, "P(rejection) when every needed role is offered",
                            "probability", ge=0, le=1)
    reject_mismatch: float = _f(0.5, "Extra P(rejection) when no needed role is offered",
                                "probability", ge=0, le=1)
    reject_frustration: float = _f(0.4, "Burden added by a rejection", "0..1", ge=0, le=1)
    dialogue_relief: float = _f(0.5, "Share of the burden a full dialogue round takes away at "
                                "full dialogue", "0..1", ge=0, le=1)
    feedback_relief: float = _f(0.25, "Share of the burden taken away per stage at full "
                                "feedback", "0..1", ge=0, le=1)
    success_trust: float = _f(0.2, "Trust gained by an initiator whose initiative succeeds",
                              "0..1", ge=0, le=1)


class ManagerSettings(_Group):
    """Middle managers: a pool per department that approves decisions (000, 001)."""

    style: ManagerStyleName = _f("consultative", "Manager style preset",
                                 source="000 (directive, consultative, conversing)")
    per_department: int = _f(2, "Middle managers per department", "servers", ge=1, le=100)
    approval_weeks: float = _f(0.25, "Mean working time of one approval (exponential)", "week",
                               ge=0, le=52)
    consult_weeks: float = _f(0.0, "Time a consultation adds to every approval (it changes "
                              "no decision)", "week", "000 (consultative behaviour changed "
                              "nothing: the flow stays top-down); length assumed", ge=0,
                              le=52)
    inward_share: float = _f(0.6, "Share of managers' time spent inward (internal "
                             "coordination); approvals take 1/(1-share) longer", "0..1",
                             "assumption (000: in the directive flow the manager controls)",
                             ge=0, le=0.95)
    approval_layers: int = _f(2, "Approvals in sequence before a decision", "layers",
                              "000 (top-down flow); count assumed", ge=1, le=5)
    escalation_prob: float = _f(0.4, "P(a decision is escalated to the college)",
                                "probability", "000 (conversing managers handle ambiguity "
                                "better); size assumed", ge=0, le=1)
    allocation: float = _f(0.0, "Share of the handoffs between departments that managers who "
                           "allocate means judiciously avoid", "0..1",
                           "assumption: our reading of 000 (after samen converseren managers "
                           "allocate means judiciously)", ge=0, le=1)
    regisseur_drain: float = _f(0.5, "Share of regisseurs' capacity lost inside their own "
                                "organisation under this management", "0..1",
                                "001 (management decides whether staff work outward with "
                                "force or lose their energy inside); size assumed", ge=0,
                                le=0.95)


class RegisseurSettings(_Group):
    """The corps of regisseurs (process directors; 002, 003)."""

    corps_size: int = _f(0, "Number of regisseurs", "persons", "003 (a select corps); size "
                         "assumed", ge=0, le=1000)
    caseload: int = _f(12, "Initiatives one regisseur guides at once, with no energy lost "
                       "inside", "cases", ge=1, le=200)
    mandate: bool = _f(False, "Regisseurs may direct departments: the decision of an "
                       "initiative they guide needs no approval layers, and fewer go up to "
                       "the college",
                       source="003 (friction disappears with the power to direct at a high "
                       "level)")
    regie_share: float = _f(0.5, "Share of the corps whose strength is regie (making similar "
                            "actors, departments, cooperate); the rest's is verbinden "
                            "(bridging unlike actors: citizens and politics, other "
                            "initiatives)", "0..1", "002 (regie versus verbinden); share "
                            "assumed", ge=0, le=1)
    system: bool = _f(
        False, "The corps matches competence to the connection an initiative needs: regie "
        "for one that must pass several departments (similar actors), verbinden for the "
        "others (unlike actors: politics, citizens, other initiatives); without system it "
        "takes whoever has room", source="002 (without system, connecting becomes "
        "aimless networking)")
    off_skill: float = _f(0.3, "Effect of a regisseur on the kind of connection that is not "
                          "their strength, as a share of the full effect", "0..1",
                          "assumption, after 002 (which competence a connection needs)",
                          ge=0, le=1)
    scan_per_week: float = _f(0.5, "Initiatives one regisseur can spot early per week",
                              "per week", "003 (initiatives in view early); rate assumed",
                              ge=0, le=100)
    early_signal_weeks: float = _f(1.0, "Mean time to signal for an initiative spotted early",
                                   "week", ge=0, le=520)
    connect_effect: float = _f(0.7, "Share of handoffs between departments a regie-strong "
                               "regisseur avoids", "0..1", "Nationale ombudsman 2018 (one "
                               "point of contact; 004: not from pillar to post); size assumed",
                               ge=0, le=1)
    bridge_effect: float = _f(0.7, "P(a verbinden-strong regisseur links the initiative to "
                              "the network and gets the alderman to its crucial meeting)",
                              "probability", "003 (connect emerging networks; the alderman "
                              "at crucial moments); size assumed", ge=0, le=1)
    mandate_escalation_relief: float = _f(0.5, "Share of escalations avoided by a mandate",
                                          "0..1", "assumption (003: friction disappears "
                                          "with the power to direct)", ge=0, le=1)


class NetworkSettings(_Group):
    """Networks among initiatives (003): linked by regisseurs and aldermen."""

    links: int = _f(2, "Links to other initiatives made when an initiative is connected",
                    "links", "003 (connect networks to others); count assumed", ge=0, le=50)
    success_energy: float = _f(0.05, "Energy an initiative gains when a linked initiative "
                               "succeeds", "0..1", "assumption (003: success comes through "
                               "networks, said of aldermen and policy)", ge=0, le=1)
    success_relief: float = _f(
        0.3, "Share of its burden a linked initiative loses when a linked initiative "
        "succeeds (it learns the way through the rules from the other)", "0..1",
        "003 (success comes through networks); Rekenkamer Amsterdam 2018 (complex rules "
        "and poor information drive dissatisfaction); size assumed", ge=0, le=1)


class AldermanSettings(_Group):
    """The college of aldermen: weekly meeting, symbol role, scanning, incidents, elections."""

    college_size: int = _f(5, "Aldermen in the college", "persons", ge=1, le=20)
    agenda_per_alderman: int = _f(1, "Escalated items each alderman can take per weekly meeting",
                                  "items", ge=1, le=100)
    meeting_offset_weeks: float = _f(0.5, "When in the week the college meets (0.5: mid-week)",
                                     "week", ge=0, lt=1)
    scan_per_week: float = _f(0.1, "Initiatives one alderman spots early (and links to the "
                              "network) per week, together with the regisseurs", "per week",
                              "003 (aldermen and regisseurs look out for initiatives); size "
                              "assumed", ge=0, le=100)
    crucial_meetings: bool = _f(
        True, "A regisseur who bridges gets the alderman to the initiative's crucial "
        "meeting: its escalation goes first on the agenda and the alderman settles the "
        "frames there, so the decision is not sent back for rework",
        source="003 (the regisseur gets the alderman to the crucial meetings; aldermen "
        "guard the goals); our reading")
    symbol_prob: float = _f(0.5, "P(an alderman publicly backs a success, if the symbol role is "
                            "offered)", "probability", ge=0, le=1)
    symbol_trust: float = _f(0.02, "Municipal trust gained by one public backing of an "
                             "initiative that got every role it needed", "0..1",
                             "003 (empty symbolism does not help); size assumed", ge=0, le=1)
    incident_rate: float = _f(0.08, "Political incidents", "per week", ge=0, le=10)
    incident_tension: float = _f(0.7, "Tension added by one incident", "tension", ge=0, le=100)
    election_weeks: list[Annotated[float, Field(ge=0, le=5200)]] = _f(
        [208.0], "Elections, in weeks after warm-up", "week")
    runup_weeks: float = _f(26.0, "Length of the run-up to an election", "week", ge=0, le=520)
    election_pressure: float = _f(0.06, "Tension added per week of run-up", "per week", ge=0,
                                  le=100)


class BudgetCut(_Group):
    """A budget cut: a tension shock and support withdrawn for a while."""

    week: float = _f(..., "When the cut falls, in weeks after warm-up", "week", ge=0,
                     allow_inf_nan=False)
    tension: float = _f(1.0, "Tension added", "tension", ge=0, le=100)
    support_withdrawn_weeks: float = _f(26.0, "Weeks the support role is withdrawn", "week",
                                        ge=0, le=5200)


class TensionSettings(_Group):
    """The municipality's tension: what builds it and what releases it."""

    base_pressure: float = _f(0.02, "Tension added every week", "per week", ge=0, le=100)
    backlog_weight: float = _f(0.004, "Tension added per week per item waiting above the norm",
                               "per item-week", ge=0, le=10)
    backlog_norm: float = _f(10.0, "Waiting items the organisation takes in its stride",
                             "items", ge=0)
    release_rate: float = _f(0.15, "Share of tension released per week with no conditions",
                             "per week", gt=0, le=1)
    conditions_gain: float = _f(1.0, "Release rate grows by this factor times the weakest of "
                                "the four conditions in force (conjunctive)", "-",
                                "assumption (the minimum: 004, each missing condition is an "
                                "alarm signal)", ge=0, le=10)
    cuts: list[BudgetCut] = _f([], "Budget cuts")


class FallbackRegime(_Group):
    """The directing role a municipality falls back into.

    During a fallback each value is the more directive of the municipality's own and
    this table's: more layers and escalations, managers more inward and allocating less,
    regisseurs losing more energy inside; partner work turns into regie (004: the
    municipality falls back into the regie role and declares its own rules dominant). The
    four conditions drop only through the warning signs that show.
    """

    approval_layers: int = _f(2, "Approval layers in the directing role (at least)", "layers",
                              "assumption: the directive manager preset", ge=1, le=5)
    escalation_prob: float = _f(0.4, "P(escalation to the college) in the directing role (at "
                                "least)", "probability", "assumption: the directive manager "
                                "preset", ge=0, le=1)
    inward_share: float = _f(0.6, "Managers' inward share in the directing role (at least)",
                             "0..1", "assumption: the directive manager preset", ge=0,
                             le=0.95)
    allocation: float = _f(0.0, "Managers' allocation across departments in the directing "
                           "role (at most)", "0..1", "assumption: the directive manager "
                           "preset", ge=0, le=1)
    regisseur_drain: float = _f(0.5, "Regisseurs' capacity lost inside in the directing role "
                                "(at least)", "0..1", "001; assumption: the directive manager "
                                "preset", ge=0, le=0.95)
    roles_withdrawn: list[OfferedRole] = _f(
        ["partner"], "Roles the municipality stops taking in the directing role",
        source="004 (weg gelijkwaardigheid, weg wederkerigheid)")
    roles_taken: list[OfferedRole] = _f(["regie"], "Roles the municipality takes in the "
                                        "directing role", source="004 (falls back mostly "
                                        "into the regie role)")
    mandate: bool = _f(False, "Whether regisseurs keep their mandate in the directing role",
                       source="assumption")


class WarningSign(_Group):
    """A warning sign that the partner stepped out of the dialogue (004)."""

    condition: Condition = _f(..., "The condition the sign lowers while the fallback lasts",
                              source="assumption: our reading of 004")
    prob: float = _f(0.5, "P(the sign shows in a fallback episode)", "probability",
                     "assumption", ge=0, le=1)
    lowers: float = _f(0.5, "Share by which it lowers the condition while it lasts", "0..1",
                       "assumption", ge=0, le=1)


SIGN_CONDITIONS: dict[str, str] = {
    "internal_information": "clear_process",
    "cuts_without_consultation": "clear_frames",
    "blaming_partners": "dialogue",
    "figures_over_stories": "dialogue",
    "feedback_as_criticism": "feedback",
}
"""The condition each warning sign lowers by default (our reading of 004)."""


def _sign(name: str, what: str) -> Any:
    return Field(default_factory=lambda: WarningSign(condition=SIGN_CONDITIONS[name]),
                 description=what)


class WarningSigns(_Group):
    """The five warning signs of 004, each lowering one condition while a fallback lasts."""

    internal_information: WarningSign = _sign(
        "internal_information", "Management information discussed only inside the "
        "municipality")
    cuts_without_consultation: WarningSign = _sign(
        "cuts_without_consultation", "Policy and financial cuts without consulting the "
        "partners")
    blaming_partners: WarningSign = _sign("blaming_partners",
                                          "Blaming partners and those involved")
    figures_over_stories: WarningSign = _sign(
        "figures_over_stories", "Key figures put first instead of the stories of those "
        "involved")
    feedback_as_criticism: WarningSign = _sign(
        "feedback_as_criticism", "Feedback seen as criticism to be parried")

    @model_validator(mode="before")
    @classmethod
    def _default_conditions(cls, data: Any) -> Any:
        """A sign given without its condition keeps its default one."""
        if not isinstance(data, dict):
            return data
        return {k: ({"condition": SIGN_CONDITIONS[k], **v}
                    if isinstance(v, dict) and k in SIGN_CONDITIONS else v)
                for k, v in data.items()}


class FallbackSettings(_Group):
    """Falling back into the directing role when tension runs high (hysteresis; 004)."""

    enabled: bool = _f(True, "Whether the municipality falls back under tension",
                       source="004 (the biggest risk: falling back into another role)")
    upper: float = _f(1.0, "Tension above which the municipality falls back", "tension", gt=0,
                      le=1000)
    lower: float = _f(0.4, "Tension below which it returns to its own style", "tension", ge=0,
                      le=1000)
    regime: FallbackRegime = Field(default_factory=FallbackRegime)
    warning_signs: WarningSigns = Field(default_factory=WarningSigns)

    @model_validator(mode="after")
    def _hysteresis(self) -> FallbackSettings:
        if self.lower >= self.upper:
            raise ValueError(
                f"lower must be below upper (hysteresis), got lower={self.lower}, "
                f"upper={self.upper}"
            )
        return self


class Scenario(_Group):
    """A complete, validated scenario: the only input of :func:`sim.simulate`.

    Every table left out takes its defaults (and the values the style sets);
    docs/scenarios.md lists every key with its unit, range and source.
    """

    scenario: ScenarioInfo = Field(default_factory=ScenarioInfo)
    run: RunSettings = Field(default_factory=RunSettings)
    initiatives: InitiativeSettings = Field(default_factory=InitiativeSettings)
    satisfaction: SatisfactionSettings = Field(default_factory=SatisfactionSettings)
    breach: BreachSettings = Field(default_factory=BreachSettings)
    municipality: MunicipalitySettings = Field(default_factory=MunicipalitySettings)
    middle_managers: ManagerSettings = Field(default_factory=ManagerSettings)
    regisseurs: RegisseurSettings = Field(default_factory=RegisseurSettings)
    networks: NetworkSettings = Field(default_factory=NetworkSettings)
    aldermen: AldermanSettings = Field(default_factory=AldermanSettings)
    tension: TensionSettings = Field(default_factory=TensionSettings)
    fallback: FallbackSettings = Field(default_factory=FallbackSettings)

    @model_validator(mode="before")
    @classmethod
    def _apply_style(cls, data: Any) -> Any:
        """Fill in the values the style governs, except those the scenario states itself."""
        return resolve_style(data) if isinstance(data, dict) else data

    def digest(self) -> str:
        """A short hash of the resolved scenario, for provenance and result keys."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A copy with dotted-key changes applied (``{"fallback.enabled": False}``), revalidated.

        A changed key that a style governs becomes one of the scenario's own values; the
        other governed values are filled in again from the (possibly changed) style, so
        changing ``scenario.style`` gives that style's values for all not stated.
        A preset's value (``preset.<owner>.<key>``, :func:`sim.styles.split_preset_key`)
        changes ``key`` only where this scenario takes it from that preset and does not
        state it itself; there it becomes one of the scenario's own values. The directive
        managers' values move the directing role's too (:data:`sim.styles.DIRECTING_ROLE`).
        """
        data = self.model_dump(mode="json")
        own = set(self.scenario.own_values)
        for key in GOVERNED_KEYS:
            if key not in own:
                _pop_dotted(data, key)
        presets = {}
        for dotted, value in changes.items():
            try:
                split = split_preset_key(dotted)
            except ValueError as e:
                raise ScenarioError([str(e)]) from None
            if split is None:
                set_dotted(data, dotted, value)
            else:
                presets[split] = value
        own |= set(changes) & set(GOVERNED_KEYS)
        style = data["scenario"].get("style", DEFAULT_STYLE)
        if presets and style in STYLES:  # a preset's value, where this scenario takes it
            manager = (_get_dotted(data, MANAGER_STYLE_KEY) if MANAGER_STYLE_KEY in own
                       else STYLES[style]["middle_managers"]["style"])
            for (owner, key), value in presets.items():
                if (key not in own and manager in MANAGER_STYLES
                        and preset_owner(key, style, manager) == owner):
                    set_dotted(data, key, value)
                    own.add(key)
        for (owner, key), value in presets.items():  # the directing role is directive
            role = DIRECTING_ROLE.get(key) if owner == "managers.directive" else None
            if role is not None and _get_dotted(data, role) == MANAGER_STYLES["directive"][
                    key.split(".", 1)[1]]:
                set_dotted(data, role, value)
        data["scenario"]["own_values"] = sorted(own)
        return build_scenario(data)


_MISSING = object()


def _get_dotted(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _pop_dotted(data: dict[str, Any], dotted: str) -> None:
    *parents, leaf = dotted.split(".")
    node: Any = data
    for key in parents:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(leaf, None)


def resolve_style(data: dict[str, Any]) -> dict[str, Any]:
    """The input with every style-governed value filled in and ``own_values`` made explicit.

    A governed key is the scenario's own when ``scenario.own_values`` lists it, or when
    the input states it and either lists no ``own_values`` (a hand-written file: what
    it states is its own) or states a value other than the style's (an edited copy of a
    resolved scenario). Every other governed key takes the preset's value. Invalid
    styles and malformed tables are left for validation to report.
    """
    info = data.get("scenario", {})
    if not isinstance(info, dict):
        return data
    style = info.get("style", DEFAULT_STYLE)
    listed = info.get("own_values")
    if not isinstance(style, str) or style not in STYLES or not (
            listed is None or isinstance(listed, list)):
        return data
    data = _copy_tables(data)
    own = {k for k in listed or [] if isinstance(k, str)}

    def stated_as_own(key: str, preset: Any) -> bool:
        value = _get_dotted(data, key)
        return value is not _MISSING and (listed is None or value != preset)

    default_manager = STYLES[style]["middle_managers"]["style"]
    if stated_as_own(MANAGER_STYLE_KEY, default_manager):
        own.add(MANAGER_STYLE_KEY)
    manager = (_get_dotted(data, MANAGER_STYLE_KEY) if MANAGER_STYLE_KEY in own
               else default_manager)
    if not isinstance(manager, str) or manager not in MANAGER_STYLES:
        return data
    for key in GOVERNED_KEYS:
        if key == MANAGER_STYLE_KEY:
            continue
        preset = preset_value(key, style, manager)
        if key in own or stated_as_own(key, preset):
            own.add(key)
        else:
            try:
                set_dotted(data, key, preset)
            except ScenarioError:
                return data  # a value where a table belongs: validation says so
    if MANAGER_STYLE_KEY not in own:
        set_dotted(data, MANAGER_STYLE_KEY, manager)
    data.setdefault("scenario", {})["own_values"] = sorted(own)
    return data


def _copy_tables(data: Any) -> Any:
    """A copy of the nested dictionaries (and lists) of ``data``; leaves shared."""
    if isinstance(data, dict):
        return {k: _copy_tables(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy_tables(v) for v in data]
    return data


def set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``data["a"]["b"] = value`` for ``dotted == "a.b"``, creating sub-tables."""
    *parents, leaf = dotted.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ScenarioError([f"{dotted}: '{key}' is a value, not a table"])
    node[leaf] = value


class ScenarioError(ValueError):
    """Invalid scenario input; ``problems`` holds one readable line per problem."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        where = f" in {source}" if source else ""
        super().__init__(f"invalid scenario{where}:\n  " + "\n  ".join(problems))


def _describe(error: dict[str, Any]) -> str:
    """One error of a pydantic ValidationError as ``path: what is allowed, got value``."""
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
    loc = loc.lstrip(".")
    kind = error["type"]
    ctx = error.get("ctx", {}) or {}
    got = error.get("input")
    bounds = {"greater_than": "> {gt}", "greater_than_equal": ">= {ge}", "less_than": "< {lt}",
              "less_than_equal": "<= {le}"}
    if kind in bounds and isinstance(got, float) and math.isnan(got):
        return f"{loc}: must be a number, got nan (not a number); allowed: " + (
            bounds[kind].format(**ctx))
    if kind in bounds:
        what = "must be " + bounds[kind].format(**ctx)
    elif kind == "literal_error":
        what = f"must be one of {ctx.get('expected')}"
    elif kind == "extra_forbidden":
        what = "unknown key" + _suggest(error["loc"])
    elif kind == "missing":
        what = "required"
    elif kind == "value_error":
        return str(ctx.get("error", error["msg"])) if not loc else (
            f"{loc}: {ctx.get('error', error['msg'])}")
    else:
        what = error["msg"][0].lower() + error["msg"][1:]
    shown = repr(got) if isinstance(got, str) else got
    suffix = "" if kind in ("missing", "extra_forbidden") or isinstance(got, dict) else (
        f", got {shown}")
    return f"{loc}: {what}{suffix}"


def table_at(path: Iterable[str | int]) -> type[BaseModel] | None:
    """The schema table reached by a key path, or None.

    A list of tables is entered only through an index (``("tension", "cuts", 0)``).
    """
    model: type[BaseModel] = Scenario
    parts = list(path)
    for i, part in enumerate(parts):
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        ann = field.annotation
        if typing.get_origin(ann) is list:
            if i + 1 >= len(parts) or not isinstance(parts[i + 1], int):
                return None
            ann = typing.get_args(ann)[0]
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def field_at(dotted: str) -> FieldInfo | None:
    """The schema field of a dotted key (``"fallback.upper"``), or None if there is none.
    A preset's value (``preset.<owner>.<key>``, :data:`sim.styles.PRESET_PREFIX`) has the
    field of its key."""
    try:
        split = split_preset_key(dotted)
    except ValueError:
        return None
    if split is not None:
        dotted = split[1]
    *parents, leaf = dotted.split(".")
    table = table_at(parents)
    return table.model_fields.get(leaf) if table is not None else None


def _suggest(loc: tuple) -> str:
    """'; did you mean ...' for an unknown key, from the keys allowed at that place."""
    model = table_at(loc[:-1])
    if model is None:
        return ""
    names = list(model.model_fields)
    match = difflib.get_close_matches(str(loc[-1]), names, n=1)
    return f"; did you mean '{match[0]}'?" if match else f"; allowed: {', '.join(names)}"


def build_scenario(data: dict[str, Any], source: str | None = None) -> Scenario:
    """Validate a nested dictionary into a :class:`Scenario`, or raise :class:`ScenarioError`."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError([_describe(e) for e in err.errors()], source) from None


assert set(ROLES) == set(Role.__args__)  # type: ignore[attr-defined]
