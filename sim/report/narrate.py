"""The story of one run, in time order, for a classroom (Dutch or English).

What happens to the municipality (incidents, budget cuts, elections, falling back into
the directing role with the warning signs that show, and recovering) is told as it
happens; every quarter gets a line of how initiatives fared; and a few initiatives, with
generated names such as "Buurtmoestuin De Linde", are followed in depth: meeting a
regisseur, being linked to other initiatives, being sent from one department to the
next, rounds of talks, waiting for the college, a partnership that derails, being
disappointed by a broken promise and deciding to stop, a permit refused, praise in public
with or without real support, succeeding or giving up. Every rejection says why; no line
is repeated word for word. Names are drawn from the seed, so the same seed tells the same
story.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rich.markup import escape

from sim.model.municipality import fallback_changes
from sim.outcomes import STAGES, stage_name
from sim.report.labels import number, style_name
from sim.run import RunResult, simulate
from sim.scenario import Scenario

KINDS = {
    "nl": ["Buurtmoestuin", "Repaircafé", "Speeltuin", "Energiecoöperatie", "Taalcafé",
           "Buurthuis", "Voedselbank", "Zorgcoöperatie", "Boomplantactie", "Wijkfeest",
           "Jongerenpodium", "Buurtbus", "Ontmoetingsbankje", "Kunstroute", "Klussendienst"],
    "en": ["Community garden", "Repair café", "Playground", "Energy cooperative",
           "Language café", "Community centre", "Food bank", "Care cooperative",
           "Tree planting", "Street party", "Youth stage", "Neighbourhood bus",
           "Meeting bench", "Art trail", "Odd-job service"],
}
PLACES = ["De Linde", "Het Anker", "De Eik", "Oosterpark", "De Vlinder", "Zonnehoek",
          "De Molen", "Het Baken", "Westwijk", "De Hoven", "Lindenhof", "De Esch", "Het Veld",
          "Kerkbuurt", "De Brink", "Rivierwijk", "Het Hofje", "De Akker", "Noorderlicht",
          "De Kade"]

T: dict[str, dict[str, str]] = {
    "opening": {
        "nl": "{style}: {regisseurs}, {managers} per afdeling ({mstyle}), {aldermen}. "
              "We volgen {weeks:.0f} weken.",
        "en": "A municipality in the '{style}' style: {regisseurs}, {managers} per department "
              "({mstyle}), {aldermen}. We follow {weeks:.0f} weeks."},
    "managers_1": {"nl": "één middenmanager", "en": "one middle manager"},
    "managers_n": {"nl": "{n} middenmanagers", "en": "{n} middle managers"},
    "aldermen_1": {"nl": "één wethouder", "en": "one alderman"},
    "aldermen_n": {"nl": "{n} wethouders", "en": "{n} aldermen"},
    "regisseurs_0": {"nl": "geen regisseurs", "en": "no regisseurs"},
    "regisseurs_1": {"nl": "één regisseur", "en": "one regisseur"},
    "regisseurs_n": {"nl": "{n} regisseurs", "en": "{n} regisseurs"},
    "mandate": {"nl": " met mandaat", "en": " with a mandate"},
    "arrive": {"nl": "{name} meldt zich (energie {value:.0%}).",
               "en": "{name} comes forward (energy {value:.0%})."},
    "signalled_1": {"nl": "Een regisseur heeft {name} al vroeg in beeld.",
                    "en": "A regisseur notices {name} early."},
    "signalled_0": {"nl": "De gemeente heeft {name} eindelijk in beeld.",
                    "en": "The municipality has finally noticed {name}."},
    "regisseur": {"nl": "{name} krijgt een regisseur als vast aanspreekpunt.",
                  "en": "{name} gets a regisseur as single point of contact."},
    "handoff": {"nl": "{name} wordt doorverwezen naar een andere afdeling "
                      "(frustratie {value:.0%}).",
                "en": "{name} is sent on to another department (frustration {value:.0%})."},
    "approval": {"nl": "{name} wacht op de {nth} handtekening van een middenmanager.",
                 "en": "{name} waits for a middle manager's {nth} signature."},
    "escalated": {"nl": "Het besluit over {name} gaat naar het college; nu is het wachten "
                        "op de wekelijkse collegevergadering.",
                  "en": "The decision on {name} goes up to the college; waiting for the "
                        "weekly meeting."},
    "college_decided": {"nl": "Het college bespreekt {name}.",
                        "en": "The college discusses {name}."},
    "dialogue_round": {"nl": "Weer een overlegronde met {name} (ronde {count}): eindeloos "
                             "polderen kost tijd en energie.",
                       "en": "Another round of talks with {name} (round {count}): endless "
                             "consensus-seeking costs time and energy."},
    "rework": {"nl": "De kaders waren niet helder: {name} moet het plan overdoen "
                     "(frustratie {value:.0%}).",
               "en": "The frames were unclear: {name} has to rework the plan "
                     "(frustration {value:.0%})."},
    "approved": {"nl": "{name} krijgt groen licht.", "en": "{name} gets the green light."},
    "rejected_permit": {"nl": "{name} krijgt geen vergunning en wordt afgewezen: de regels "
                              "van de gemeente zijn hier niet onderhandelbaar "
                              "(frustratie {value:.0%}).",
                        "en": "{name} is refused a permit and turned down: here the "
                              "municipality's rules are not negotiable "
                              "(frustration {value:.0%})."},
    "rejected_roles": {"nl": "{name} wordt afgewezen: de gemeente neemt niet de rollen op "
                             "zich die het initiatief nodig heeft (frustratie {value:.0%}).",
                       "en": "{name} is turned down: the municipality does not take the roles "
                             "the initiative needs (frustration {value:.0%})."},
    "rejected_policy": {"nl": "{name} wordt afgewezen: het plan past niet in het beleid "
                              "(frustratie {value:.0%}).",
                        "en": "{name} is turned down: the plan does not fit the policy "
                              "(frustration {value:.0%})."},
    "derailed": {"nl": "Het partnerschap met {name} ontspoort: een van de vier voorwaarden "
                       "schiet tekort, en dat vergeten de initiatiefnemers niet.",
                 "en": "The partnership with {name} derails: one of the four conditions "
                       "falls short, and the initiators will not forget it."},
    "breach": {"nl": "De gemeente trekt de regie naar zich toe: het partnerschap met {name} "
                     "is verbroken en de initiatiefnemers voelen zich verraden.",
               "en": "The municipality pulls the direction to itself: the partnership with "
                     "{name} is broken, and the initiators feel betrayed."},
    "disappointed": {"nl": "{name} is teleurgesteld: de gemeente doet minder dan ze bij het "
                           "eerste contact beloofde.",
                     "en": "{name} is disappointed: the municipality does less than it "
                           "promised at first contact."},
    "quits": {"nl": "{name} is de gebroken belofte zat en besluit te stoppen.",
              "en": "{name} has had enough of the broken promise and decides to stop."},
    "linked_0": {"nl": "{name} komt in het netwerk van initiatieven, maar er is nog niemand "
                       "om mee samen te werken.",
                 "en": "{name} joins the network of initiatives, but there is nobody to work "
                       "with yet."},
    "linked_1": {"nl": "{name} wordt in contact gebracht met een ander initiatief.",
                 "en": "{name} is put in touch with another initiative."},
    "linked_n": {"nl": "{name} wordt in contact gebracht met {count} andere initiatieven.",
                 "en": "{name} is put in touch with {count} other initiatives."},
    "dropout": {"nl": "{name} haakt af in de {stage} (frustratie {value:.0%}).",
                "en": "{name} gives up at the {stage} stage (frustration {value:.0%})."},
    "success": {"nl": "{name} is gerealiseerd!", "en": "{name} is up and running!"},
    "public_backing_1": {"nl": "Een wethouder zet {name} publiekelijk in het zonnetje, en de "
                               "gemeente heeft ook echt geleverd wat nodig was.",
                         "en": "An alderman praises {name} in public, and the municipality "
                               "really did deliver what was needed."},
    "public_backing_0": {"nl": "Een wethouder zet {name} publiekelijk in het zonnetje, maar "
                               "de gemeente leverde niet wat nodig was: symboliek zonder "
                               "inhoud.",
                         "en": "An alderman praises {name} in public, but the municipality "
                               "did not deliver what was needed: symbolism without "
                               "substance."},
    "incident": {"nl": "Het {nth} incident: de politieke druk neemt toe "
                       "(spanning +{value:.2f}).",
                 "en": "The {nth} incident: political pressure rises "
                       "(tension +{value:.2f})."},
    "budget_cut": {"nl": "Bezuiniging zonder overleg: de spanning stijgt (+{value:.2f}) en "
                         "subsidies worden tijdelijk stopgezet.",
                   "en": "A budget cut without consultation: tension rises (+{value:.2f}) "
                         "and support is withdrawn for a while."},
    "fallback_start": {"nl": "De spanning loopt op tot {value:.2f}: de gemeente valt terug "
                             "in de sturende rol. Meer handtekeningen, minder dialoog{more}.",
                       "en": "Tension reaches {value:.2f}: the municipality falls back into "
                             "the directing role. More signatures, less dialogue{more}."},
    "fallback_start_same": {"nl": "De spanning loopt op tot {value:.2f}. Deze gemeente stuurt "
                                  "al: terugvallen in de sturende rol verandert niets aan haar "
                                  "werkwijze.",
                            "en": "Tension reaches {value:.2f}. This municipality already "
                                  "directs: falling back into the directing role changes "
                                  "nothing in how it works."},
    "fallback_end_same": {"nl": "De spanning is gezakt tot {value:.2f}.",
                          "en": "Tension has eased to {value:.2f}."},
    "lose_mandate": {"nl": ", regisseurs zonder mandaat", "en": ", regisseurs without a mandate"},
    "withdrawn": {"nl": "; de gemeente stapt uit {roles}", "en": "; it gives up {roles}"},
    "sign": {"nl": "Waarschuwingssignaal: {sign} Dat ondermijnt {condition}.",
             "en": "Warning sign: {sign} That undermines {condition}."},
    "fallback_end": {"nl": "De spanning is gezakt ({value:.2f}): de gemeente pakt haar eigen "
                           "rol weer op.",
                     "en": "Tension has eased ({value:.2f}): the municipality takes up its own "
                           "role again."},
    "election": {"nl": "Gemeenteraadsverkiezingen.", "en": "Elections."},
    "quarter": {"nl": "Kwartaal {q}: {arrived}, {success} geslaagd, "
                      "{dropout} afgehaakt, {rejected} afgewezen; vertrouwen {trust:.0%}, "
                      "spanning {tension:.2f}.",
                "en": "Quarter {q}: {arrived}, {success} succeeded, "
                      "{dropout} gave up, {rejected} turned down; trust {trust:.0%}, "
                      "tension {tension:.2f}."},
    "new_1": {"nl": "1 nieuw initiatief", "en": "1 new initiative"},
    "new_n": {"nl": "{n} nieuwe initiatieven", "en": "{n} new initiatives"},
    "closing": {"nl": "Einde: {arrivals} initiatieven, {rate:.0%} geslaagd, {dis:.0%} "
                      "ontevreden en {sat:.0%} tevreden; {fell}.",
                "en": "The end: {arrivals} initiatives, {rate:.0%} succeeded, {dis:.0%} "
                      "dissatisfied and {sat:.0%} satisfied; {fell}."},
    "fell_0": {"nl": "de gemeente is niet teruggevallen",
               "en": "the municipality never fell back"},
    "fell_1": {"nl": "de gemeente viel één keer terug ({weeks:.0f} weken)",
               "en": "the municipality fell back once ({weeks:.0f} weeks)"},
    "fell_n": {"nl": "de gemeente viel {n} keer terug ({weeks:.0f} weken)",
               "en": "the municipality fell back {n} times ({weeks:.0f} weeks)"},
    "crossed_0": {"nl": "de spanning bleef onder de drempel",
                  "en": "tension stayed below the threshold"},
    "crossed_1": {"nl": "de spanning kwam één keer boven de drempel ({weeks:.0f} weken)",
                  "en": "tension crossed the threshold once ({weeks:.0f} weeks)"},
    "crossed_n": {"nl": "de spanning kwam {n} keer boven de drempel ({weeks:.0f} weken)",
                  "en": "tension crossed the threshold {n} times ({weeks:.0f} weeks)"},
    "again": {"nl": " (voor de {nth} keer)", "en": " (for the {nth} time)"},
    "again_comma": {"nl": ", voor de {nth} keer", "en": ", for the {nth} time"},
    "week": {"nl": "week", "en": "week"},
}
SIGN_TEXT: dict[str, dict[str, str]] = {
    "internal_information": {"nl": "managementinformatie blijft binnen het gemeentehuis.",
                             "en": "management information stays inside the town hall."},
    "cuts_without_consultation": {"nl": "er wordt bezuinigd zonder de partners te "
                                        "raadplegen.",
                                  "en": "cuts are made without consulting the partners."},
    "blaming_partners": {"nl": "de gemeente legt de schuld bij partners en betrokkenen.",
                         "en": "the municipality blames its partners and those involved."},
    "figures_over_stories": {"nl": "kengetallen gaan voor de verhalen van betrokkenen.",
                             "en": "key figures come before the stories of those involved."},
    "feedback_as_criticism": {"nl": "feedback wordt gezien als kritiek die je moet pareren.",
                              "en": "feedback is seen as criticism to be parried."},
}
"""The warning signs of 004 (``sign_<name>`` events), as a sentence's end."""
CONDITION_TEXT: dict[str, dict[str, str]] = {
    "clear_frames": {"nl": "de heldere kaders", "en": "clear frames"},
    "clear_process": {"nl": "het heldere proces", "en": "the clear process"},
    "dialogue": {"nl": "de dialoog", "en": "dialogue"},
    "feedback": {"nl": "de feedbackcultuur", "en": "the feedback culture"},
}
ROLE_TEXT: dict[str, dict[str, str]] = {
    "autonomous": {"nl": "de autonome rol", "en": "the autonomous role"},
    "regie": {"nl": "de regierol", "en": "the regie role"},
    "support": {"nl": "de supportrol", "en": "the supporting role"},
    "symbol": {"nl": "de symboolrol", "en": "the symbolic role"},
    "partner": {"nl": "de partnerrol", "en": "the partner role"},
}
STYLE_OPENING: dict[str, str] = {
    "directive": "Een sturende gemeente", "consultative": "Een consultatieve gemeente",
    "direction": "Een regisserende gemeente", "partner": "Een gemeente die als partner werkt",
}
"""How the Dutch opening names the municipality's style."""
PHASES_NL: dict[str, str] = {
    "signal": "signaleringsfase", "intake": "intakefase", "handoffs": "doorverwijsfase",
    "dialogue": "dialoogfase", "decision": "besluitfase", "realisation": "uitvoeringsfase"}
"""The stages as Dutch says "in the ... stage"."""
ORDINALS: dict[str, list[str]] = {
    "nl": ["eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste",
           "negende", "tiende", "elfde", "twaalfde", "dertiende", "veertiende", "vijftiende",
           "zestiende", "zeventiende", "achttiende", "negentiende", "twintigste"],
    "en": ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
           "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
           "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"],
}
AGAIN_VERB: dict[str, tuple[str, str]] = {
    "nl": (" wacht op ", " wacht opnieuw op "), "en": (" waits for ", " waits again for ")}
"""A repeated wait says "again" in the sentence rather than counting behind it."""
MUNICIPAL = {"incident", "budget_cut", "fallback_start", "fallback_end"}


def ordinal(n: int, lang: str) -> str:
    """1 -> "eerste"/"first" ... 20 in words; beyond that "21e"/"21st"."""
    if 1 <= n <= len(ORDINALS[lang]):
        return ORDINALS[lang][n - 1]
    if lang == "nl":
        return f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _join(items: list[str], lang: str) -> str:
    """"a, b and c" / "a, b en c"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {'en' if lang == 'nl' else 'and'} {items[-1]}"


class _Komma(float):
    """A number that formats with a decimal comma, as Dutch text writes it."""

    def __format__(self, spec: str) -> str:
        return format(float(self), spec).replace(".", ",")


def _n(x: float, lang: str) -> float:
    """``x`` for a sentence in ``lang``: a decimal comma in Dutch."""
    return _Komma(x) if lang == "nl" else x


@dataclass(frozen=True)
class Line:
    """One line of the story: when, what kind (for styling), the text."""

    week: float
    kind: str
    text: str


def initiative_names(seed: int, count: int, lang: str) -> list[str]:
    """Names for initiatives 0..count-1, deterministic in the seed."""
    rng = np.random.default_rng([seed, 20260])
    kinds, combos = KINDS[lang], len(KINDS[lang]) * len(PLACES)
    order = rng.permutation(combos)
    names = []
    for i in range(count):
        k, p = divmod(int(order[i % combos]), len(PLACES))
        suffix = "" if i < combos else f" {i // combos + 1}"
        names.append(f"{kinds[k]} {PLACES[p]}{suffix}")
    return names


def choose_followed(result: RunResult, follow: int) -> list[int]:
    """Initiatives to follow: first a success, a dropout, a rejection and one
    disappointed by a broken promise (when there are), then the earliest arrivals."""
    df = result.initiatives
    log = result.log
    chosen: list[int] = []
    hit = set(log.loc[log["event"].isin(["disappointed", "quits"]), "id"]) \
        if log is not None else set()
    for mask in (df["outcome"] == "success", df["outcome"] == "dropout",
                 df["outcome"] == "rejected", df["id"].isin(hit)):
        ids = df.loc[mask & ~df["id"].isin(chosen), "id"]
        if len(ids) and len(chosen) < follow:
            chosen.append(int(ids.iloc[0]))
    for ident in df["id"]:
        if len(chosen) >= follow:
            break
        if int(ident) not in chosen:
            chosen.append(int(ident))
    return sorted(chosen)


def story(scenario: Scenario, seed: int, lang: str = "nl", follow: int = 3) -> list[Line]:
    """The story of one run of ``scenario`` with ``seed``."""
    if lang not in T["week"]:
        raise ValueError(f"lang: must be one of nl, en, got {lang!r}")
    if follow < 0:
        raise ValueError(f"follow: must be >= 0, got {follow}")
    result = simulate(scenario.with_changes({"run.event_log": True}), seed)
    return tell(result, lang, follow)


def tell(result: RunResult, lang: str = "nl", follow: int = 3) -> list[Line]:
    """The story of ``result`` (a run with its event log), following ``follow`` initiatives."""
    log = result.log
    if log is None:
        raise ValueError("the run has no event log: simulate with run.event_log = true")
    followed = set(choose_followed(result, follow))
    names = initiative_names(result.seed, _names_needed(log), lang)
    sc = result.scenario
    lines = [Line(0.0, "opening", _opening(sc, lang))]
    reasons = _rejection_reasons(result)
    told = (log["week"] >= 0) & (log["event"].isin(MUNICIPAL) | log["event"].str.startswith(
        "sign_") | log["id"].isin(followed))
    incidents = 0
    for row in log[told].itertuples(index=False):
        incidents += row.event == "incident"
        text = _sentence(row, sc, lang, names, reasons, incidents)
        if text is None:
            continue
        municipal = row.event in MUNICIPAL or row.event.startswith("sign_")
        lines.append(Line(row.week, "municipality" if municipal else "initiative", text))
    lines += _elections(sc, lang) + _quarters(result, lang)
    lines.sort(key=lambda line: (line.week, line.kind != "municipality"))
    s = result.summary
    episodes = int(s["fallback_episodes"])
    what = "fell" if fallback_changes(sc) or not sc.fallback.enabled else "crossed"
    fell = T[f"{what}_{episodes if episodes < 2 else 'n'}"][lang].format(
        n=episodes, weeks=_n(s["fallback_weeks"], lang))
    lines.append(Line(sc.run.horizon_weeks, "closing", T["closing"][lang].format(
        arrivals=_count(int(s["arrivals"]), lang), rate=_n(_num(s["success_rate"]), lang),
        dis=_n(_num(s["share_dissatisfied"]), lang),
        sat=_n(_num(s["share_satisfied"]), lang), fell=fell)))
    return _unrepeated(lines, lang)


def journeys(result: RunResult, lang: str = "nl") -> dict[int, list[Line]]:
    """Every initiative's own story, as :func:`tell` would tell it if it were followed:
    its id -> its lines in time order (warm-up included)."""
    log = result.log
    if log is None:
        raise ValueError("the run has no event log: simulate with run.event_log = true")
    names = initiative_names(result.seed, _names_needed(log), lang)
    reasons = _rejection_reasons(result)
    told: dict[int, list[Line]] = {}
    own = log[log["id"] >= 0]
    for row in own.itertuples(index=False):
        text = _sentence(row, result.scenario, lang, names, reasons, 0)
        if text is not None:
            told.setdefault(int(row.id), []).append(Line(row.week, "initiative", text))
    return {ident: _unrepeated(lines, lang) for ident, lines in told.items()}


def _names_needed(log) -> int:
    """How many names the log's initiatives need (ids run from 0)."""
    return max(int(log["id"].max()) + 1 if len(log) else 0, 1)


def _opening(sc: Scenario, lang: str) -> str:
    corps = sc.regisseurs.corps_size
    regisseurs = T[f"regisseurs_{corps if corps < 2 else 'n'}"][lang].format(n=corps)
    if corps and sc.regisseurs.mandate:
        regisseurs += T["mandate"][lang]
    style = sc.scenario.style
    managers, aldermen = sc.middle_managers.per_department, sc.aldermen.college_size
    return T["opening"][lang].format(
        style=STYLE_OPENING.get(style, f"Een gemeente in de stijl {style}") if lang == "nl"
        else style_name(style, lang), regisseurs=regisseurs,
        managers=T[f"managers_{1 if managers == 1 else 'n'}"][lang].format(n=managers),
        mstyle=style_name(sc.middle_managers.style, lang, managers=True),
        aldermen=T[f"aldermen_{1 if aldermen == 1 else 'n'}"][lang].format(n=aldermen),
        weeks=sc.run.horizon_weeks)


def _fallback_more(sc: Scenario, lang: str) -> str:
    """What else changes in a fallback, as far as this municipality had it to lose."""
    more = ""
    if sc.regisseurs.corps_size and sc.regisseurs.mandate and not sc.fallback.regime.mandate:
        more += T["lose_mandate"][lang]
    lost = [r for r in sc.fallback.regime.roles_withdrawn
            if r in sc.municipality.roles_offered]
    if lost:
        more += T["withdrawn"][lang].format(roles=_join([ROLE_TEXT[r][lang] for r in lost],
                                                        lang))
    return more


def _rejection_reasons(result: RunResult) -> dict[int, str]:
    """Why each rejected initiative was turned down: a permit refused, roles the
    municipality did not take, or else the policy."""
    df, log = result.initiatives, result.log
    assert log is not None
    refused = set(log.loc[log["event"] == "permit_refused", "id"])
    reasons = {}
    for r in df[df["outcome"] == "rejected"].itertuples(index=False):
        if r.id in refused:
            reasons[int(r.id)] = "rejected_permit"
        elif r.received < 1.0:
            reasons[int(r.id)] = "rejected_roles"
        else:
            reasons[int(r.id)] = "rejected_policy"
    return reasons


def _sentence(row, sc: Scenario, lang: str, names: list[str], reasons: dict[int, str],
              incidents: int) -> str | None:
    """The sentence of one event of the log (None for events not told)."""
    event = row.event
    value = 0.0 if isinstance(row.value, float) and math.isnan(row.value) else row.value
    fields = {"name": names[row.id] if row.id >= 0 else "", "value": _n(value, lang),
              "stage": (PHASES_NL.get(row.stage, row.stage) if lang == "nl" else
                        stage_name(row.stage, lang) if row.stage in STAGES else row.stage),
              "count": int(value), "nth": ordinal(int(value) + 1, lang)}
    if event.startswith("sign_"):
        name = event.removeprefix("sign_")
        if name not in SIGN_TEXT:
            return None
        condition = getattr(sc.fallback.warning_signs, name).condition
        return T["sign"][lang].format(sign=SIGN_TEXT[name][lang],
                                      condition=CONDITION_TEXT[condition][lang])
    if event == "dialogue_round":  # logged as the next round begins
        fields["count"] += 1
    if event == "incident":
        fields["nth"] = ordinal(incidents, lang)
    if event in ("fallback_start", "fallback_end") and not fallback_changes(sc):
        event = f"{event}_same"
    if event == "fallback_start":
        fields["more"] = _fallback_more(sc, lang)
    key = {"signalled": f"signalled_{int(value)}", "public_backing": f"public_backing_{int(value)}",
           "linked": f"linked_{min(int(value), 2) if value < 2 else 'n'}",
           "rejected": reasons.get(int(row.id), "rejected_policy")}.get(event, event)
    if key not in T:
        return None
    return T[key][lang].format(**fields)


def _unrepeated(lines: list[Line], lang: str) -> list[Line]:
    """No line word for word again: a repeat says how many times it has happened."""
    seen: dict[str, int] = {}
    out = []
    for line in lines:
        n = seen[line.text] = seen.get(line.text, 0) + 1
        if n > 1:
            text = line.text.rstrip(".!")
            plain, again = AGAIN_VERB[lang]
            if plain in text:  # "waits again for ...", counted from the third time
                text = text.replace(plain, again, 1)
                if n > 2:
                    text += T["again_comma"][lang].format(nth=ordinal(n, lang))
            else:  # no two brackets in a row
                key = "again_comma" if text.endswith(")") else "again"
                text += T[key][lang].format(nth=ordinal(n, lang))
            line = Line(line.week, line.kind, text + ".")
        out.append(line)
    return out


def _count(n: int, lang: str) -> str:
    """A whole number as a sentence writes it: 1.604 in Dutch, 1604 in English."""
    return number(n, lang)


def _new(n: int, lang: str) -> str:
    """"1 new initiative" / "5 new initiatives" (and in Dutch)."""
    return T[f"new_{1 if n == 1 else 'n'}"][lang].format(n=_count(n, lang))


def _num(x: float) -> float:
    return 0.0 if math.isnan(x) else x


def _elections(sc: Scenario, lang: str) -> list[Line]:
    return [Line(w, "municipality", T["election"][lang]) for w in sc.aldermen.election_weeks
            if w <= sc.run.horizon_weeks]


def _quarters(result: RunResult, lang: str) -> list[Line]:
    df, series = result.initiatives, result.series
    lines = []
    horizon = result.scenario.run.horizon_weeks
    for q in range(math.ceil(horizon / 13)):
        lo, hi = 13 * q, min(13 * (q + 1), horizon)
        exited = df[(df["exit_week"] >= lo) & (df["exit_week"] < hi)]
        week = series[series["week"] < hi].iloc[-1] if len(series) else None
        lines.append(Line(hi - 1e-6, "quarter", T["quarter"][lang].format(
            q=q + 1, arrived=_new(int(((df["arrival_week"] >= lo)
                                      & (df["arrival_week"] < hi)).sum()), lang),
            success=int((exited["outcome"] == "success").sum()),
            dropout=int((exited["outcome"] == "dropout").sum()),
            rejected=int((exited["outcome"] == "rejected").sum()),
            trust=_n(float(week["trust"]) if week is not None else 0.0, lang),
            tension=_n(float(week["tension"]) if week is not None else 0.0, lang))))
    return lines


def render(lines: list[Line], lang: str, console) -> None:
    """Print the story: rich styling on a terminal, plain text when piped."""
    styles = {"municipality": "bold red", "quarter": "dim", "opening": "bold",
              "closing": "bold", "initiative": ""}
    word = T["week"][lang]
    for line in lines:
        stamp = f"{word} {_n(max(line.week, 0.0), lang):6.1f}"
        style = styles.get(line.kind, "")
        text = f"[{style}]{escape(line.text)}[/]" if style else escape(line.text)
        console.print(f"[cyan]{stamp}[/]  {text}", highlight=False, soft_wrap=True)


__all__ = ["Line", "choose_followed", "initiative_names", "journeys", "render", "story",
           "tell"]
