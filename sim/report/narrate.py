"""The story of one run, in time order, for a classroom (Dutch or English).

What happens to the municipality (incidents, budget cuts, elections, falling back into
the directing role and recovering) is told as it happens; every quarter gets a line of
how initiatives fared; and a few initiatives, with generated names such as "Buurtmoestuin
De Linde", are followed in depth: meeting a regisseur, being sent from one department to
the next, waiting for the college, feeling the fallback, succeeding or giving up. Names
are drawn from the seed, so the same seed tells the same story.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rich.markup import escape

from sim.outcomes import STAGES, stage_name
from sim.report.labels import style_name
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
        "nl": "Gemeente met stijl '{style}': {regisseurs} regisseur(s){mandate}, "
              "{managers} middenmanagers per afdeling ({mstyle}), {aldermen} wethouders. "
              "We volgen {weeks:.0f} weken.",
        "en": "A municipality in the '{style}' style: {regisseurs} regisseur(s){mandate}, "
              "{managers} middle managers per department ({mstyle}), {aldermen} aldermen. "
              "We follow {weeks:.0f} weeks."},
    "mandate": {"nl": " met mandaat", "en": " with a mandate"},
    "arrive": {"nl": "{name} meldt zich (energie {value:.0%}).",
               "en": "{name} comes forward (energy {value:.0%})."},
    "signalled_1": {"nl": "Een regisseur spot {name} al vroeg.",
                    "en": "A regisseur spots {name} early."},
    "signalled_0": {"nl": "De gemeente heeft {name} eindelijk in beeld.",
                    "en": "The municipality has finally noticed {name}."},
    "regisseur": {"nl": "{name} krijgt een regisseur als vast aanspreekpunt.",
                  "en": "{name} gets a regisseur as single point of contact."},
    "handoff": {"nl": "{name} wordt doorgestuurd naar een volgende afdeling "
                      "(frustratie {value:.0%}).",
                "en": "{name} is sent on to another department (frustration {value:.0%})."},
    "approval": {"nl": "{name} wacht op een handtekening van een middenmanager.",
                 "en": "{name} waits for a middle manager's signature."},
    "escalated": {"nl": "Het besluit over {name} gaat naar het college; wachten op de "
                        "wekelijkse vergadering.",
                  "en": "The decision on {name} goes up to the college; waiting for the "
                        "weekly meeting."},
    "college_decided": {"nl": "Het college bespreekt {name}.",
                        "en": "The college discusses {name}."},
    "rework": {"nl": "De kaders waren niet helder: {name} moet het plan overdoen "
                     "(frustratie {value:.0%}).",
               "en": "The frames were unclear: {name} has to rework the plan "
                     "(frustration {value:.0%})."},
    "approved": {"nl": "{name} krijgt groen licht.", "en": "{name} gets the green light."},
    "rejected": {"nl": "{name} wordt afgewezen (frustratie {value:.0%}).",
                 "en": "{name} is turned down (frustration {value:.0%})."},
    "dropout": {"nl": "{name} haakt af in de fase '{stage}' (frustratie {value:.0%}).",
                "en": "{name} gives up at the {stage} stage (frustration {value:.0%})."},
    "success": {"nl": "{name} is gerealiseerd!", "en": "{name} is up and running!"},
    "public_backing": {"nl": "Een wethouder zet {name} publiekelijk in het zonnetje.",
                       "en": "An alderman praises {name} in public."},
    "fallback_hit_0": {"nl": "{name} voelt zich verraden door de terugval, maar gaat door.",
                       "en": "{name} feels betrayed by the fallback but carries on."},
    "fallback_hit_1": {"nl": "{name} voelt zich verraden door de terugval en overweegt te "
                             "stoppen.",
                       "en": "{name} feels betrayed by the fallback and thinks of giving up."},
    "incident": {"nl": "Incident! De politieke druk neemt toe (spanning +{value:.2f}).",
                 "en": "An incident! Political pressure rises (tension +{value:.2f})."},
    "budget_cut": {"nl": "Bezuiniging zonder overleg: de spanning stijgt (+{value:.2f}) en "
                         "subsidies worden tijdelijk stopgezet.",
                   "en": "A budget cut without consultation: tension rises (+{value:.2f}) "
                         "and support is withdrawn for a while."},
    "fallback_start": {"nl": "De spanning loopt op tot {value:.2f}: de gemeente valt terug "
                             "in de sturende rol. Extra handtekeningen, minder dialoog, "
                             "regisseurs zonder mandaat.",
                       "en": "Tension reaches {value:.2f}: the municipality falls back into "
                             "the directing role. More signatures, less dialogue, regisseurs "
                             "without a mandate."},
    "fallback_end": {"nl": "De spanning is gezakt ({value:.2f}): de gemeente pakt haar eigen "
                           "rol weer op.",
                     "en": "Tension has eased ({value:.2f}): the municipality takes up its own "
                           "role again."},
    "election": {"nl": "Verkiezingen.", "en": "Elections."},
    "quarter": {"nl": "Kwartaal {q}: {arrived} nieuwe initiatieven, {success} geslaagd, "
                      "{dropout} afgehaakt, {rejected} afgewezen; vertrouwen {trust:.0%}, "
                      "spanning {tension:.2f}.",
                "en": "Quarter {q}: {arrived} new initiatives, {success} succeeded, "
                      "{dropout} gave up, {rejected} turned down; trust {trust:.0%}, "
                      "tension {tension:.2f}."},
    "closing": {"nl": "Einde: {arrivals} initiatieven, {rate:.0%} geslaagd, {dis:.0%} "
                      "ontevreden, {fb} keer teruggevallen ({weeks:.0f} weken).",
                "en": "The end: {arrivals} initiatives, {rate:.0%} succeeded, {dis:.0%} "
                      "dissatisfied, {fb} fallback(s) ({weeks:.0f} weeks)."},
    "week": {"nl": "week", "en": "week"},
}
MUNICIPAL = {"incident", "budget_cut", "fallback_start", "fallback_end"}


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
    """Initiatives to follow: first a success, a dropout, a rejection and one hit by a
    fallback (when there are), then the earliest arrivals."""
    df = result.initiatives
    log = result.log
    chosen: list[int] = []
    hit = set(log.loc[log["event"] == "fallback_hit", "id"]) if log is not None else set()
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
    log = result.log
    assert log is not None
    followed = set(choose_followed(result, follow))
    top = int(log["id"].max()) + 1 if len(log) else 0
    names = initiative_names(seed, max(top, 1), lang)
    sc = scenario
    lines = [Line(0.0, "opening", T["opening"][lang].format(
        style=style_name(sc.scenario.style, lang), regisseurs=sc.regisseurs.corps_size,
        mandate=T["mandate"][lang] if sc.regisseurs.mandate else "",
        managers=sc.middle_managers.per_department,
        mstyle=style_name(sc.middle_managers.style, lang, managers=True),
        aldermen=sc.aldermen.college_size, weeks=sc.run.horizon_weeks))]
    told = (log["week"] >= 0) & (log["event"].isin(MUNICIPAL) | log["id"].isin(followed))
    for row in log[told].itertuples(index=False):
        key = _key(row)
        if key is None:
            continue
        stage = stage_name(row.stage, lang) if row.stage in STAGES else row.stage
        value = 0.0 if isinstance(row.value, float) and math.isnan(row.value) else row.value
        name = names[row.id] if row.id >= 0 else ""
        lines.append(Line(row.week, "municipality" if row.event in MUNICIPAL else "initiative",
                          T[key][lang].format(name=name, stage=stage, value=_n(value, lang))))
    lines += _elections(sc, lang) + _quarters(result, lang)
    lines.sort(key=lambda line: (line.week, line.kind != "municipality"))
    s = result.summary
    lines.append(Line(sc.run.horizon_weeks, "closing", T["closing"][lang].format(
        arrivals=s["arrivals"], rate=_n(_num(s["success_rate"]), lang),
        dis=_n(_num(s["share_dissatisfied"]), lang), fb=s["fallback_episodes"],
        weeks=_n(s["fallback_weeks"], lang))))
    return lines


def _num(x: float) -> float:
    return 0.0 if math.isnan(x) else x


def _key(row) -> str | None:
    if row.event == "signalled":
        return f"signalled_{int(row.value)}"
    if row.event == "fallback_hit":
        return f"fallback_hit_{int(row.value)}"
    return row.event if row.event in T else None


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
            q=q + 1, arrived=int(((df["arrival_week"] >= lo) & (df["arrival_week"] < hi)).sum()),
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


__all__ = ["Line", "choose_followed", "initiative_names", "render", "story"]
