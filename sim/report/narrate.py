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
from sim.report.labels import number, style_name
from sim.run import RunResult, simulate
from sim.scenario import Scenario
from sim.words import (
    CONDITIONS,
    OPENING,
    PHASES,
    PLACES,
    ROLES,
    SIGNS,
    STORY,
    check_lang,
    join,
    listed,
    local,
    say,
    word,
)

MUNICIPAL = {"incident", "budget_cut", "fallback_start", "fallback_end"}


def ordinal(n: int, lang: str) -> str:
    """1 -> "eerste"/"first" ... 20 in words; beyond that "21e"/"21st"."""
    ordinals = listed("ordinals", lang)
    if 1 <= n <= len(ordinals):
        return ordinals[n - 1]
    if lang == "nl":
        return f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class Line:
    """One line of the story: when, what kind (for styling), the text."""

    week: float
    kind: str
    text: str


def initiative_names(seed: int, count: int, lang: str) -> list[str]:
    """Names for initiatives 0..count-1, deterministic in the seed."""
    rng = np.random.default_rng([seed, 20260])
    kinds = listed("initiative_kinds", lang)
    combos = len(kinds) * len(PLACES)
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
    check_lang(lang)
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
    fell = say(STORY, f"{what}_{episodes if episodes < 2 else 'n'}", lang,
               n=episodes, weeks=float(s["fallback_weeks"]))
    lines.append(Line(sc.run.horizon_weeks, "closing", say(
        STORY, "closing", lang, arrivals=_count(int(s["arrivals"]), lang),
        finished=_count(int(s["successes"] + s["rejected"] + s["dropouts"]), lang),
        successes=_count(int(s["successes"]), lang),
        rate=_num(s["success_rate"]), dis=_num(s["share_dissatisfied"]),
        sat=_num(s["share_satisfied"]), fell=fell)))
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
    regisseurs = say(STORY, f"regisseurs_{corps if corps < 2 else 'n'}", lang, n=corps)
    if corps and sc.regisseurs.mandate:
        regisseurs += word(STORY, "mandate", lang)
    style = sc.scenario.style
    managers, aldermen = sc.middle_managers.per_department, sc.aldermen.college_size
    return say(
        STORY, "opening", lang,
        style=word(OPENING, style, lang) if style in OPENING else say(
            OPENING, "other", lang, style=style), regisseurs=regisseurs,
        managers=say(STORY, f"managers_{1 if managers == 1 else 'n'}", lang, n=managers),
        mstyle=style_name(sc.middle_managers.style, lang, managers=True),
        aldermen=say(STORY, f"aldermen_{1 if aldermen == 1 else 'n'}", lang, n=aldermen),
        weeks=float(sc.run.horizon_weeks))


def _fallback_more(sc: Scenario, lang: str) -> str:
    """What else changes in a fallback, as far as this municipality had it to lose."""
    more = ""
    if sc.regisseurs.corps_size and sc.regisseurs.mandate and not sc.fallback.regime.mandate:
        more += word(STORY, "lose_mandate", lang)
    lost = [r for r in sc.fallback.regime.roles_withdrawn
            if r in sc.municipality.roles_offered]
    if lost:
        more += say(STORY, "withdrawn", lang,
                    roles=join([word(ROLES, r, lang) for r in lost], lang))
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
    fields = {"name": names[row.id] if row.id >= 0 else "", "value": float(value),
              "stage": word(PHASES, row.stage, lang) if row.stage in PHASES else row.stage,
              "count": int(value), "nth": ordinal(int(value) + 1, lang)}
    if event.startswith("sign_"):
        name = event.removeprefix("sign_")
        if name not in SIGNS:
            return None
        condition = getattr(sc.fallback.warning_signs, name).condition
        return say(STORY, "sign", lang, sign=word(SIGNS, name, lang),
                   condition=word(CONDITIONS, condition, lang))
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
    if key not in STORY:
        return None
    return say(STORY, key, lang, **fields)


def _unrepeated(lines: list[Line], lang: str) -> list[Line]:
    """No line word for word again: a repeat says how many times it has happened."""
    seen: dict[str, int] = {}
    out = []
    for line in lines:
        n = seen[line.text] = seen.get(line.text, 0) + 1
        if n > 1:
            text = line.text.rstrip(".!")
            plain, again = word(STORY, "waits", lang), word(STORY, "waits_again", lang)
            if plain in text:  # "waits again for ...", counted from the third time
                text = text.replace(plain, again, 1)
                if n > 2:
                    text += say(STORY, "again_comma", lang, nth=ordinal(n, lang))
            else:  # no two brackets in a row
                key = "again_comma" if text.endswith(")") else "again"
                text += say(STORY, key, lang, nth=ordinal(n, lang))
            line = Line(line.week, line.kind, text + ".")
        out.append(line)
    return out


def _count(n: int, lang: str) -> str:
    """A whole number as a sentence writes it: 1.604 in Dutch, 1,604 in English."""
    return number(n, lang)


def _new(n: int, lang: str) -> str:
    """"1 new initiative" / "5 new initiatives" (and in Dutch)."""
    return say(STORY, f"new_{1 if n == 1 else 'n'}", lang, n=_count(n, lang))


def _num(x: float) -> float:
    return 0.0 if math.isnan(x) else x


def _elections(sc: Scenario, lang: str) -> list[Line]:
    return [Line(w, "municipality", word(STORY, "election", lang))
            for w in sc.aldermen.election_weeks
            if w <= sc.run.horizon_weeks]


def _quarters(result: RunResult, lang: str) -> list[Line]:
    df, series = result.initiatives, result.series
    lines = []
    horizon = result.scenario.run.horizon_weeks
    for q in range(math.ceil(horizon / 13)):
        lo, hi = 13 * q, min(13 * (q + 1), horizon)
        exited = df[(df["exit_week"] >= lo) & (df["exit_week"] < hi)]
        week = series[series["week"] < hi].iloc[-1] if len(series) else None
        lines.append(Line(hi - 1e-6, "quarter", say(
            STORY, "quarter", lang, q=q + 1, arrived=_new(int(((df["arrival_week"] >= lo)
                                      & (df["arrival_week"] < hi)).sum()), lang),
            success=int((exited["outcome"] == "success").sum()),
            dropout=int((exited["outcome"] == "dropout").sum()),
            rejected=int((exited["outcome"] == "rejected").sum()),
            trust=float(week["trust"]) if week is not None else 0.0,
            tension=float(week["tension"]) if week is not None else 0.0)))
    return lines


def render(lines: list[Line], lang: str, console) -> None:
    """Print the story: rich styling on a terminal, plain text when piped."""
    styles = {"municipality": "bold red", "quarter": "dim", "opening": "bold",
              "closing": "bold", "initiative": ""}
    week = word(STORY, "week", lang)
    for line in lines:
        stamp = f"{week} {local(max(line.week, 0.0), lang):6.1f}"
        style = styles.get(line.kind, "")
        text = f"[{style}]{escape(line.text)}[/]" if style else escape(line.text)
        console.print(f"[cyan]{stamp}[/]  {text}", highlight=False, soft_wrap=True)


__all__ = ["Line", "choose_followed", "initiative_names", "journeys", "render", "story",
           "tell"]
