"""The outcome vocabulary: every number a run reports, declared once.

Each outcome has a key (the column in ``RunResult.summary`` and ``runs.parquet``), an
English and a Dutch label, a unit, a kind (how to read and format it) and a definition.
The stages of an initiative's journey and the ways it can end are declared here too, as
are the headline lists that reports, the terminal and the dashboard show.

Outcomes that come in families, one per stage or per frustration bin
(``dropouts_<stage>``, ``in_progress_<stage>``, ``frustration_bin_<k>``), are declared
as a :class:`Family` and expanded into ordinary outcomes, so every key a run can produce
is a plain entry of :data:`SUMMARY`. A new outcome of the model is one new entry here;
``tests/test_outcomes.py`` fails for any summary key or series column without one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from sim.words import LANGS, check_lang, local

Kind = Literal["count", "rate", "share", "weeks", "mean", "level"]
KINDS: dict[str, str] = {
    "count": "a number of things in the observation window of one run",
    "rate": "a share of finished initiatives, 0..1 (shown as a percentage)",
    "share": "a share of something else, 0..1 (shown as a percentage)",
    "weeks": "a duration in weeks",
    "mean": "a mean number per initiative",
    "level": "a level on a 0..1 scale (trust, tension, frustration)",
}


@dataclass(frozen=True)
class Term:
    """A named thing shown to people, in English and Dutch."""

    key: str
    en: str
    nl: str

    def label(self, lang: str) -> str:
        """The display name in ``lang`` ("en" or "nl")."""
        return self.en if check_lang(lang) == "en" else self.nl


@dataclass(frozen=True)
class Outcome(Term):
    """One number a run reports."""

    unit: str
    kind: Kind
    definition: str
    family: str | None = None
    """The key prefix of the :class:`Family` this outcome belongs to, if any."""


@dataclass(frozen=True)
class Family:
    """Outcomes generated per member (a stage, a bin): ``<prefix><member key>``.

    ``en``, ``nl`` and ``definition`` are templates: ``{en}`` and ``{nl}`` take the
    member's label in that language (lower case for stages), ``{key}`` its key.
    """

    prefix: str
    members: tuple[Term, ...]
    en: str
    nl: str
    unit: str
    kind: Kind
    definition: str

    def keys(self) -> list[str]:
        """The summary keys of the members, in member order."""
        return [f"{self.prefix}{m.key}" for m in self.members]

    def expand(self) -> list[Outcome]:
        return [Outcome(f"{self.prefix}{m.key}", self.en.format(en=m.en, nl=m.nl),
                        self.nl.format(en=m.en, nl=m.nl), self.unit, self.kind,
                        self.definition.format(key=m.key, en=m.en, nl=m.nl), self.prefix)
                for m in self.members]


# --- the journey -------------------------------------------------------------------------

STAGE_TERMS: tuple[Term, ...] = (
    Term("signal", "Signal", "Signalering"),
    Term("intake", "Intake", "Intake"),
    Term("handoffs", "Handoffs", "Doorverwijzing"),
    Term("dialogue", "Dialogue", "Dialoog"),
    Term("decision", "Decision", "Besluitvorming"),
    Term("realisation", "Realisation", "Uitvoering"),
)
EXIT_TERMS: tuple[Term, ...] = (
    Term("success", "Succeeded", "Geslaagd"),
    Term("rejected", "Rejected", "Afgewezen"),
    Term("dropout", "Gave up", "Afgehaakt"),
)
JOURNEY_TERMS: tuple[Term, ...] = (
    Term("arrived", "Arrived", "Binnengekomen"),
    *STAGE_TERMS,
    *EXIT_TERMS,
    Term("in_progress", "Still in progress", "Nog onderweg"),
)
"""Every node of the journey picture: arrival, the stages, the exits, still under way."""

STAGES: tuple[str, ...] = tuple(t.key for t in STAGE_TERMS)
"""The stages of the journey, in order (the model's ``STAGES``)."""
OUTCOMES: tuple[str, ...] = tuple(t.key for t in EXIT_TERMS)
"""How an initiative can end (the model's ``OUTCOMES``)."""
FRUSTRATION_BINS = 10
"""Frustration at exit is also reported as counts in this many bins of equal width."""

JOURNEY: dict[str, Term] = {t.key: t for t in JOURNEY_TERMS}


def stage_name(stage: str, lang: str) -> str:
    """A stage as a word inside a sentence ("intake", "signalering")."""
    return JOURNEY[stage].label(lang).lower()


def _lower(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    return tuple(Term(t.key, t.en.lower(), t.nl.lower()) for t in terms)


def _bins(n: int) -> tuple[Term, ...]:
    def edge(x: float, lang: str) -> str:
        return f"{local(x, lang)}"

    return tuple(Term(str(k), f"{edge(k / n, 'en')}–{edge((k + 1) / n, 'en')}",
                      f"{edge(k / n, 'nl')}–{edge((k + 1) / n, 'nl')}") for k in range(n))


# --- outcomes of a run -------------------------------------------------------------------

FAMILIES: tuple[Family, ...] = (
    Family("in_progress_", _lower(STAGE_TERMS), "Still at the {en} stage",
           "Nog onderweg in de fase {nl}", "initiatives", "count",
           "Initiatives that arrived in the window and were at the {en} stage at its end."),
    Family("dropouts_", _lower(STAGE_TERMS), "Dropouts at the {en} stage",
           "Afgehaakt in de fase {nl}", "initiatives", "count",
           "Finished initiatives that gave up at the {en} stage."),
    Family("frustration_bin_", _bins(FRUSTRATION_BINS), "Exits with frustration {en}",
           "Afgesloten met frustratie {nl}", "initiatives", "count",
           "Finished initiatives whose frustration at exit lay in {en} (lower edge "
           "included; the last bin also holds 1)."),
)

_OUTCOMES: tuple[Outcome, ...] = (
    # the journey
    Outcome("arrivals", "Initiatives arrived", "Binnengekomen initiatieven", "initiatives",
            "count", "Initiatives that came forward in the observation window (after the "
                     "warm-up); only these are counted in every other outcome."),
    Outcome("finished", "Finished initiatives", "Afgesloten initiatieven", "initiatives",
            "count", "Initiatives that arrived in the window and ended in it (succeeded, "
                     "rejected or gave up)."),
    Outcome("in_progress", "Still in progress", "Nog onderweg", "initiatives", "count",
            "Initiatives that arrived in the window and were still under way at its end."),
    Outcome("successes", "Successes", "Geslaagd", "initiatives", "count",
            "Finished initiatives that were realised."),
    Outcome("rejected", "Rejected", "Afgewezen", "initiatives", "count",
            "Finished initiatives the municipality turned down at the decision."),
    Outcome("dropouts", "Dropouts", "Afgehaakt", "initiatives", "count",
            "Finished initiatives that gave up (energy or patience ran out), at any stage."),
    Outcome("success_rate", "Success rate", "Slagingspercentage", "share 0..1", "rate",
            "Successes divided by finished initiatives."),
    Outcome("weeks_to_decision", "Weeks to decision", "Weken tot besluit", "weeks", "weeks",
            "Kaplan–Meier median of the weeks from arrival to the decision (approved or "
            "rejected): an initiative that gave up before its decision, or still waited for "
            "it at the end, is censored then (no survivorship bias towards the fast ones); "
            "empty (nan) when more than half never reach a decision."),
    Outcome("share_censored_before_decision", "Share without a decision",
            "Aandeel zonder besluit", "share 0..1", "share",
            "Share of the initiatives of the window that gave up before their decision or "
            "still waited for it at the end (censored in weeks_to_decision)."),
    Outcome("weeks_to_realisation", "Weeks of realisation", "Weken in uitvoering", "weeks",
            "weeks", "Mean weeks from approval to success, over successes."),
    Outcome("handoffs_per_initiative", "Handoffs per initiative",
            "Doorverwijzingen per initiatief", "handoffs", "mean",
            "Mean number of times a finished initiative was sent on to another department."),
    Outcome("share_with_regisseur", "Share guided by a regisseur", "Aandeel met een regisseur",
            "share 0..1", "share",
            "Share of finished initiatives that had a regisseur as single point of contact."),
    Outcome("intake_wait", "Wait for intake", "Wachttijd tot intake", "weeks", "weeks",
            "Mean wait in the front-office queue before intake (the quantity checked "
            "against Erlang C)."),
    # how initiators feel
    Outcome("frustration", "Frustration at exit", "Frustratie bij afloop", "0..1", "level",
            "Mean burden (frustration) of finished initiatives when they ended: waits, "
            "handoffs, rework, refusals, less what dialogue and feedback took away."),
    Outcome("share_dissatisfied", "Share dissatisfied", "Aandeel ontevreden", "share 0..1",
            "share", "The survey: among members of initiatives that had contact in the "
                     "recall window (ongoing ones included), the share whose satisfaction "
                     "lies below satisfaction.dissatisfied_below (as the Nationale ombudsman "
                     "asked members of citizen initiatives)."),
    Outcome("share_satisfied", "Share satisfied", "Aandeel tevreden", "share 0..1", "share",
            "The survey: the share of the same members whose satisfaction lies above "
            "satisfaction.satisfied_above."),
    Outcome("satisfaction", "Satisfaction", "Tevredenheid", "score", "level",
            "Members' mean satisfaction in the survey (expectancy-disconfirmation: "
            "performance, expectation and their gap)."),
    Outcome("expectation", "Expectation", "Verwachting", "0..1", "level",
            "Members' mean expectation formed at first contact, from trust and the roles "
            "the municipality promised."),
    Outcome("performance", "Experienced performance", "Ervaren prestatie", "0..1", "level",
            "Members' mean experienced performance: the burden of the journey and the share "
            "of their needed roles the municipality took."),
    Outcome("share_dissatisfied_not_turned_down", "Dissatisfied, not turned down",
            "Ontevreden, niet afgewezen", "share 0..1", "share",
            "The survey: the share of the same members who are (very) dissatisfied although "
            "their initiative was not turned down (approved, still under way, or stopped "
            "by the initiators themselves)."),
    Outcome("share_breached", "Share with a broken partnership",
            "Aandeel met een verbroken partnerschap", "share 0..1", "share",
            "The survey: the share of the same members whose partnership with the "
            "municipality was broken, by a fallback or a derailment (a breach they "
            "remember)."),
    Outcome("survey_members", "Members surveyed", "Ondervraagde leden", "persons", "count",
            "Members of the initiatives the survey asks."),
    # the municipality
    Outcome("fallback_episodes", "Fallback episodes", "Aantal keer teruggevallen", "episodes",
            "count", "Episodes of falling back into the directing role in force at any time "
                     "in the window (one that began in the warm-up included)."),
    Outcome("fallback_weeks", "Weeks in fallback", "Weken in terugval", "weeks", "weeks",
            "Weeks of the window the municipality spent fallen back into the directing "
            "role."),
    Outcome("initiatives_hit_by_fallback", "Initiatives hit by fallback",
            "Door terugval getroffen initiatieven", "initiatives", "count",
            "Active initiatives at the start of each fallback episode in the window, summed "
            "over episodes."),
    Outcome("partnerships_broken_by_fallback", "Partnerships broken by fallback",
            "Door terugval verbroken partnerschappen", "initiatives", "count",
            "Partnerships under way that a fallback episode in the window broke at its "
            "start, summed over episodes."),
    Outcome("mean_trust", "Mean trust", "Gemiddeld vertrouwen", "0..1", "level",
            "Citizens' trust in the municipality, averaged over the weeks of the window."),
    Outcome("final_trust", "Trust at the end", "Vertrouwen aan het eind", "0..1", "level",
            "Citizens' trust in the municipality at the end of the window."),
    Outcome("mean_tension", "Mean tension", "Gemiddelde spanning", "tension", "level",
            "Political tension, averaged over the weeks of the window (fallback starts "
            "above fallback.upper, so it can exceed 1)."),
    Outcome("incidents", "Political incidents", "Politieke incidenten", "incidents", "count",
            "Political incidents in the window."),
    Outcome("empty_backings", "Backings without support", "Steun zonder inhoud", "successes",
            "count", "Successes an alderman backed in public although the initiative had "
                     "not got every role it needed: symbolism without substance, which "
                     "raises no trust."),
    Outcome("share_connected", "Share connected", "Aandeel verbonden", "share 0..1",
            "share", "Share of the initiatives of the window linked into the network of "
                     "initiatives by an alderman or a regisseur."),
    Outcome("network_groups", "Network groups", "Netwerkgroepen", "groups", "count",
            "Connected groups of linked initiatives that hold an initiative of the window."),
    Outcome("largest_network_group", "Largest network group", "Grootste netwerkgroep",
            "initiatives", "count", "Initiatives in the largest of those groups."),
    Outcome("mean_network_group", "Mean network group", "Gemiddelde grootte netwerkgroep",
            "initiatives", "mean", "Mean number of initiatives in those groups."),
    Outcome("public_successes", "Successes backed in public", "Publiek gesteunde successen",
            "initiatives", "count", "Successes an alderman praised in public."),
    # capacity
    Outcome("utilisation_front_office", "Front office utilisation", "Bezetting frontoffice",
            "share 0..1", "share",
            "Time-average share of the front-office servers busy with intakes."),
    Outcome("utilisation_managers", "Managers' utilisation", "Bezetting middenmanagers",
            "share 0..1", "share",
            "Time-average share of the middle managers' capacity in use (approvals)."),
    Outcome("manager_inward_share", "Managers' time spent inward",
            "Tijd die middenmanagers intern besteden", "share 0..1", "share",
            "Time-average share of the middle managers' time spent inside the organisation "
            "(rises in fallback)."),
    Outcome("regisseur_inward_share", "Regisseurs' capacity lost inside",
            "Intern verloren capaciteit regisseurs", "share 0..1", "share",
            "Time-average share of the regisseurs' capacity lost inside their own "
            "organisation under the management in force (001)."),
    Outcome("utilisation_regisseurs", "Regisseurs' caseload used",
            "Benutte caseload regisseurs", "share 0..1", "share",
            "Time-average share of the regisseurs' case slots in use."),
    Outcome("utilisation_college", "College agenda used", "Benutte collegeagenda",
            "share 0..1", "share",
            "Share of the college's weekly agenda slots taken by escalated decisions."),
)

SUMMARY: dict[str, Outcome] = {o.key: o for o in _OUTCOMES}
SUMMARY.update({o.key: o for family in FAMILIES for o in family.expand()})
"""Every key of ``RunResult.summary`` (and column of ``runs.parquet``)."""

SERIES: dict[str, Outcome] = {o.key: o for o in (
    Outcome("trust", "Trust", "Vertrouwen", "0..1", "level",
            "Citizens' trust in the municipality at the end of the week."),
    Outcome("tension", "Tension", "Spanning", "tension", "level",
            "Political tension at the end of the week."),
    Outcome("fallback", "In fallback", "In terugval", "0 or 1", "share",
            "1 when the municipality is fallen back into the directing role that week; "
            "averaged over runs, the share of runs in fallback."),
    Outcome("active", "Active initiatives", "Lopende initiatieven", "initiatives", "count",
            "Initiatives under way at the end of the week."),
    Outcome("arrival_rate", "Arrival rate", "Instroom", "initiatives per week", "mean",
            "Rate at which new initiatives come forward (rises and falls with trust)."),
    Outcome("queue_front_office", "Queue at the front office", "Wachtrij frontoffice",
            "initiatives", "count", "Initiatives waiting for intake."),
    Outcome("queue_managers", "Queue at the managers", "Wachtrij middenmanagers", "requests",
            "count", "Approval requests waiting for a middle manager."),
    Outcome("queue_college", "Queue for the college", "Wachtrij voor het college", "decisions",
            "count", "Escalated decisions waiting for the college's weekly meeting."),
)}
"""Every column of ``RunResult.series`` (and ``series.parquet``) besides ``week``."""

# --- what is shown first -----------------------------------------------------------------

HEADLINE: tuple[str, ...] = (
    "success_rate", "share_dissatisfied", "share_satisfied", "satisfaction", "frustration",
    "weeks_to_decision", "handoffs_per_initiative", "fallback_episodes", "fallback_weeks",
    "mean_trust")
"""The headline of reports and experiment summaries."""
TERMINAL: tuple[str, ...] = ("arrivals", *HEADLINE)
"""The headline printed by ``regiesim run``."""
DASHBOARD: tuple[str, ...] = ("success_rate", "share_dissatisfied", "share_satisfied",
                              "share_breached", "weeks_to_decision", "fallback_weeks")
"""The cards on the live dashboard."""


FAMILY_DEFINITIONS_NL: dict[str, str] = {
    "in_progress_": "Initiatieven die in de meetperiode binnenkwamen en aan het eind daarvan "
                    "nog in de fase {nl} zaten.",
    "dropouts_": "Afgesloten initiatieven die in de fase {nl} afhaakten.",
    "frustration_bin_": "Afgesloten initiatieven met een frustratie bij afloop in de klasse {nl} "
                        "(ondergrens inbegrepen; de laatste klasse bevat ook 1).",
}
DEFINITIONS_NL: dict[str, str] = {
    "arrivals": "Initiatieven die zich in de meetperiode (na de inloopperiode) meldden; "
                "alleen deze tellen mee in alle andere uitkomsten.",
    "finished": "Initiatieven die in de meetperiode binnenkwamen en er ook eindigden "
                "(geslaagd, afgewezen of afgehaakt).",
    "in_progress": "Initiatieven die in de meetperiode binnenkwamen en aan het eind nog liepen.",
    "successes": "Afgesloten initiatieven die gerealiseerd zijn.",
    "rejected": "Afgesloten initiatieven die de gemeente bij het besluit afwees.",
    "dropouts": "Afgesloten initiatieven die afhaakten (energie of geduld op), in welke fase "
                "dan ook.",
    "success_rate": "Geslaagde initiatieven gedeeld door afgesloten initiatieven.",
    "weeks_to_decision": "Mediaan (Kaplan-Meier) van het aantal weken van aanmelding tot besluit "
                         "(goedgekeurd of afgewezen). Een initiatief dat vóór het besluit "
                         "afhaakte of aan het eind nog wachtte, telt mee tot dat moment "
                         "(gecensureerd), zodat de snelle initiatieven niet te zwaar wegen; "
                         "leeg als meer dan de helft nooit een besluit krijgt.",
    "share_censored_before_decision": "Aandeel van de initiatieven uit de meetperiode dat vóór "
                                      "het besluit afhaakte of aan het eind nog op het besluit "
                                      "wachtte.",
    "weeks_to_realisation": "Gemiddeld aantal weken van goedkeuring tot het slagen, over de "
                            "geslaagde initiatieven.",
    "handoffs_per_initiative": "Hoe vaak een afgesloten initiatief gemiddeld werd "
                               "doorverwezen naar een andere afdeling.",
    "share_with_regisseur": "Aandeel afgesloten initiatieven met een regisseur als vast "
                            "aanspreekpunt.",
    "intake_wait": "Gemiddelde wachttijd in de rij bij de frontoffice vóór de intake (de "
                   "grootheid die met Erlang C wordt gecontroleerd).",
    "frustration": "Gemiddelde last (frustratie) van afgesloten initiatieven bij afloop: "
                   "wachten, doorverwijzingen, overdoen, weigeringen, min wat dialoog en "
                   "feedback wegnamen.",
    "share_dissatisfied": "De enquête: van de leden van initiatieven die in de "
                          "terugblikperiode contact hadden (lopende initiatieven meegerekend), "
                          "het aandeel met een tevredenheid onder de grens "
                          "[[satisfaction.dissatisfied_below]] (zoals de Nationale ombudsman "
                          "leden van burgerinitiatieven vroeg).",
    "share_satisfied": "De enquête: het aandeel van dezelfde leden met een tevredenheid boven "
                       "de grens [[satisfaction.satisfied_above]].",
    "share_dissatisfied_not_turned_down": "De enquête: het aandeel van dezelfde leden dat "
                                          "(zeer) ontevreden is hoewel hun initiatief niet "
                                          "werd afgewezen (goedgekeurd, nog onderweg of door "
                                          "de initiatiefnemers zelf gestopt).",
    "share_breached": "De enquête: het aandeel van dezelfde leden van wie het partnerschap "
                      "met de gemeente werd verbroken, door een terugval of doordat het "
                      "ontspoorde (een breuk die ze onthouden).",
    "satisfaction": "Gemiddelde tevredenheid van de ondervraagde leden (verwachting tegenover "
                    "ervaring: ervaren prestatie, verwachting en het verschil daartussen).",
    "expectation": "Gemiddelde verwachting van de leden bij het eerste contact, gevormd door "
                   "vertrouwen en de rollen die de gemeente beloofde.",
    "performance": "Gemiddelde ervaren prestatie: de last van het traject en het deel van de "
                   "benodigde rollen dat de gemeente op zich nam.",
    "survey_members": "Leden van de initiatieven die de enquête ondervraagt.",
    "fallback_episodes": "Keren dat de gemeente in de meetperiode in de sturende rol terugviel "
                         "(ook een terugval die in de inloopperiode begon).",
    "fallback_weeks": "Weken van de meetperiode waarin de gemeente teruggevallen was in de "
                      "sturende rol.",
    "initiatives_hit_by_fallback": "Lopende initiatieven bij het begin van elke terugval in "
                                   "de meetperiode, opgeteld over de terugvallen.",
    "partnerships_broken_by_fallback": "Lopende partnerschappen die een terugval in de "
                                       "meetperiode bij haar begin verbrak, opgeteld over "
                                       "de terugvallen.",
    "mean_trust": "Vertrouwen van burgers in de gemeente, gemiddeld over de weken van de "
                  "meetperiode.",
    "final_trust": "Vertrouwen van burgers in de gemeente aan het eind van de meetperiode.",
    "mean_tension": "Politieke spanning, gemiddeld over de weken van de meetperiode "
                    "(terugval begint boven de spanningsdrempel, dus ze kan boven 1 komen).",
    "incidents": "Politieke incidenten in de meetperiode.",
    "empty_backings": "Successen die een wethouder publiekelijk steunde terwijl het "
                      "initiatief niet alle rollen kreeg die het nodig had: symboliek zonder "
                      "inhoud, die geen vertrouwen oplevert.",
    "share_connected": "Aandeel initiatieven uit de meetperiode dat een wethouder of regisseur "
                       "in het netwerk van initiatieven opnam.",
    "network_groups": "Samenhangende groepen verbonden initiatieven waarin een initiatief uit "
                      "de meetperiode zit.",
    "largest_network_group": "Initiatieven in de grootste van die groepen.",
    "mean_network_group": "Gemiddeld aantal initiatieven in die groepen.",
    "public_successes": "Successen die een wethouder publiekelijk prees.",
    "utilisation_front_office": "Over de tijd gemiddeld aandeel van de "
                                "frontofficemedewerkers dat met een intake bezig is.",
    "utilisation_managers": "Over de tijd gemiddeld aandeel van de capaciteit van "
                            "middenmanagers dat in gebruik is (goedkeuringen).",
    "manager_inward_share": "Over de tijd gemiddeld aandeel van de tijd van middenmanagers dat "
                            "naar binnen, op de eigen organisatie, gericht is (stijgt bij "
                            "terugval).",
    "utilisation_regisseurs": "Over de tijd gemiddeld aandeel van de caseload van "
                              "regisseurs dat in gebruik is.",
    "regisseur_inward_share": "Over de tijd gemiddeld aandeel van de capaciteit van regisseurs dat "
                              "binnen de eigen organisatie verloren gaat, onder het "
                              "management van dat moment (001).",
    "utilisation_college": "Aandeel van de wekelijkse agendaruimte van het college dat "
                           "opgaat aan opgeschaalde besluiten.",
    "trust": "Vertrouwen van burgers in de gemeente aan het eind van de week.",
    "tension": "Politieke spanning aan het eind van de week.",
    "fallback": "1 als de gemeente die week teruggevallen is in de sturende rol; gemiddeld "
                "over de runs: het aandeel runs in terugval.",
    "active": "Initiatieven die aan het eind van de week lopen.",
    "arrival_rate": "Tempo waarin nieuwe initiatieven zich melden (stijgt en daalt met het "
                    "vertrouwen).",
    "queue_front_office": "Initiatieven die op hun intake wachten.",
    "queue_managers": "Goedkeuringsverzoeken die op een middenmanager wachten.",
    "queue_college": "Opgeschaalde besluiten die op de wekelijkse collegevergadering wachten.",
}
"""The Dutch definition of every outcome (families: :data:`FAMILY_DEFINITIONS_NL`). A
scenario parameter is written ``[[key]]`` and shown by its Dutch name in the catalogue
(:func:`sim.words.parameter_name`: ‘ontevreden onder’), never as its key."""

_PARAMETER = re.compile(r"\[\[([\w.]+)\]\]")


def _named(text: str, lang: str) -> str:
    """``text`` with each ``[[key]]`` written as the parameter's name in ``lang``: the
    catalogue's Dutch name in quotes (‘ontevreden onder’), in English the key."""
    from sim.words import parameter_name

    def name(match: re.Match[str]) -> str:
        shown = parameter_name(match.group(1), lang)
        return shown if shown == match.group(1) else f"‘{shown}’"

    return _PARAMETER.sub(name, text)


UNITS_NL: dict[str, str] = {
    "0 or 1": "0 of 1", "0..1": "0–1", "decisions": "besluiten", "episodes": "keren",
    "groups": "groepen", "handoffs": "doorverwijzingen", "incidents": "incidenten",
    "initiatives": "initiatieven", "initiatives per week": "initiatieven per week",
    "persons": "personen", "requests": "verzoeken", "score": "score",
    "share 0..1": "aandeel 0–1", "successes": "successen", "tension": "spanning",
    "weeks": "weken"}
"""Every unit of the vocabulary in Dutch."""


def unit(key: str, lang: str) -> str:
    """The unit of outcome ``key`` in ``lang``."""
    found = describe(key).unit
    return found if lang == "en" else UNITS_NL[found]


def definition(key: str, lang: str) -> str:
    """The definition of outcome ``key`` in ``lang``."""
    found = describe(key)
    if lang == "en":
        return found.definition
    if found.family is not None:
        member = next(m for fam in FAMILIES if fam.prefix == found.family
                      for m in fam.members if f"{fam.prefix}{m.key}" == key)
        return FAMILY_DEFINITIONS_NL[found.family].format(nl=member.nl, key=member.key)
    return _named(DEFINITIONS_NL[key], lang)


def family(prefix: str) -> Family:
    """The family whose keys start with ``prefix`` (e.g. ``"dropouts_"``)."""
    for fam in FAMILIES:
        if fam.prefix == prefix:
            return fam
    raise KeyError(f"no outcome family {prefix!r}; have {', '.join(f.prefix for f in FAMILIES)}")


def describe(key: str) -> Outcome:
    """The outcome (summary key or series column) ``key``; KeyError names close keys."""
    found = SUMMARY.get(key) or SERIES.get(key)
    if found is None:
        import difflib

        close = difflib.get_close_matches(key, [*SUMMARY, *SERIES], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"{key!r} is not in the outcome vocabulary (sim/outcomes.py){hint}")
    return found


def label(key: str, lang: str) -> str:
    """The display name of an outcome, a series column or a journey node."""
    term = SUMMARY.get(key) or SERIES.get(key) or JOURNEY.get(key)
    if term is None:
        describe(key)  # raises with a hint
    assert term is not None
    return term.label(lang)


BOUNDS: dict[str, tuple[float, float]] = {
    "count": (0.0, math.inf), "weeks": (0.0, math.inf), "mean": (0.0, math.inf),
    "rate": (0.0, 1.0), "share": (0.0, 1.0)}
"""The range an outcome of each kind can take (levels are not bounded: tension)."""


LEVEL_BOUNDS: dict[str, tuple[float, float]] = {"0..1": (0.0, 1.0), "tension": (0.0, math.inf)}
"""Levels are bounded by their unit (a satisfaction score is not)."""


def clip(key: str, x: float) -> float:
    """``x`` held inside the range outcome ``key`` can take (nan stays nan)."""
    found = describe(key)
    low, high = (LEVEL_BOUNDS.get(found.unit, (-math.inf, math.inf)) if found.kind == "level"
                 else BOUNDS.get(found.kind, (-math.inf, math.inf)))
    return x if x is None or math.isnan(x) else min(max(x, low), high)


__all__ = ["BOUNDS", "DASHBOARD", "FAMILIES", "FRUSTRATION_BINS", "HEADLINE", "JOURNEY",
           "KINDS", "LANGS", "LEVEL_BOUNDS", "OUTCOMES", "SERIES", "STAGES", "SUMMARY",
           "TERMINAL", "Family", "Outcome", "Term", "clip", "definition", "describe",
           "family", "label",
           "stage_name", "unit"]

