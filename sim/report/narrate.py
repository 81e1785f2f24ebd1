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


def choose_followed(result: RunResult, follow: int, start: float = 0.0) -> list[int]:
    """Initiatives to follow, among those that come forward from week ``start`` on (a
    negative ``start`` reaches into the warm-up): first one whose partnership a fallback
    breaks (the moment the story is about), then a success, a dropout, a rejection and
    one disappointed by a broken promise (when there are), then the earliest arrivals;
    within each kind the earliest."""
    log = result.log
    if log is None or start >= 0:
        df = result.initiatives
        candidates = df.loc[df["arrival_week"] >= start, ["id", "outcome"]]
    else:  # the warm-up's initiatives are in the log only
        arrived = log.loc[(log["event"] == "arrive") & (log["week"] >= start), ["id"]]
        ends = log[log["event"].isin(["success", "dropout", "rejected"])]
        outcome = dict(zip(ends["id"], ends["event"], strict=True))
        candidates = arrived.assign(outcome=arrived["id"].map(outcome))
    ids = candidates["id"]
    chosen: list[int] = []

    def hit(*events: str) -> set[int]:
        return set() if log is None else set(log.loc[log["event"].isin(events), "id"])

    for mask in (ids.isin(hit("breach")), candidates["outcome"] == "success",
                 candidates["outcome"] == "dropout", candidates["outcome"] == "rejected",
                 ids.isin(hit("disappointed", "quits"))):
        found = ids[mask & ~ids.isin(chosen)]
        if len(found) and len(chosen) < follow:
            chosen.append(int(found.iloc[0]))
    for ident in ids:
        if len(chosen) >= follow:
            break
        if int(ident) not in chosen:
            chosen.append(int(ident))
    return sorted(chosen)


def story(scenario: Scenario, seed: int, lang: str = "nl", follow: int = 3,
          before: float = 0.0) -> list[Line]:
    """The story of one run of ``scenario`` with ``seed``; it begins ``before`` weeks
    before the observation window (in the warm-up), so that a class sees how the
    municipality worked before the window's pressure began."""
    check_lang(lang)
    if follow < 0:
        raise ValueError(f"follow: must be >= 0, got {follow}")
    check_before(before, scenario)
    result = simulate(scenario.with_changes({"run.event_log": True}), seed)
    return tell(result, lang, follow, before)


def check_before(before: float, scenario: Scenario) -> None:
    """``before`` must lie in the warm-up: 0 up to ``run.warmup_weeks``."""
    warmup = scenario.run.warmup_weeks
    if not 0.0 <= before <= warmup:
        raise ValueError(f"before: must be between 0 and the warm-up of {scenario.scenario.name}"
                         f" (run.warmup_weeks = {warmup:g}), got {before:g}")


def tell(result: RunResult, lang: str = "nl", follow: int = 3,
         before: float = 0.0) -> list[Line]:
    """The story of ``result`` (a run with its event log), following ``follow`` initiatives,
    from ``before`` weeks before the observation window on."""
    log = result.log
    if log is None:
        raise ValueError("the run has no event log: simulate with run.event_log = true")
    sc = result.scenario
    check_before(before, sc)
    start = -float(before)
    followed = set(choose_followed(result, follow, start))
    names = initiative_names(result.seed, _names_needed(log), lang)
    lines = [Line(start, "opening", _opening(sc, lang, before))]
    since = _fallen_since(log, start)
    if since is not None:  # the story begins in the middle of a fallback
        key = "fallen_since" if fallback_changes(sc) else "above_since"
        lines.append(Line(start, "municipality", say(STORY, key, lang, week=local(since, lang))))
    reasons = _rejection_reasons(result)
    told = (log["week"] >= start) & (log["event"].isin(MUNICIPAL) | log["event"].str.startswith(
        "sign_") | log["id"].isin(followed))
    incidents = 0
    for row in log[told].itertuples(index=False):
        incidents += row.event == "incident"
        text = _sentence(row, sc, lang, names, reasons, incidents)
        if text is None:
            continue
        municipal = row.event in MUNICIPAL or row.event.startswith("sign_")
        lines.append(Line(row.week, "municipality" if municipal else "initiative", text))
    lines += _elections(sc, lang, start) + _quarters(result, lang)
    order = {"opening": 0, "municipality": 1}
    lines.sort(key=lambda line: (line.week, order.get(line.kind, 2)))
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


def _fallen_since(log, start: float) -> float | None:
    """The week the fallback in force at ``start`` began (None: none in force)."""
    turns = log[log["event"].isin(["fallback_start", "fallback_end"]) & (log["week"] < start)]
    if len(turns) and turns["event"].iloc[-1] == "fallback_start":
        return float(turns["week"].iloc[-1])
    return None


def _opening(sc: Scenario, lang: str, before: float = 0.0) -> str:
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
        weeks=float(sc.run.horizon_weeks)) + (say(
            STORY, "opening_before", lang, before=float(before), week=local(-before, lang))
            if before > 0 else "")


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


def _elections(sc: Scenario, lang: str, start: float = 0.0) -> list[Line]:
    """Every election in the story, and the start of its run-up (from then on the
    pressure of the coming election raises tension every week)."""
    al = sc.aldermen
    lines = [Line(w, "municipality", word(STORY, "election", lang))
             for w in al.election_weeks if start <= w <= sc.run.horizon_weeks]
    if al.election_pressure > 0 and al.runup_weeks > 0:
        lines += [Line(w - al.runup_weeks, "municipality", word(STORY, "runup", lang))
                  for w in al.election_weeks
                  if start <= w - al.runup_weeks < min(w, sc.run.horizon_weeks)]
    return lines


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
        stamp = f"{week} {local(line.week + 0.0, lang):6.1f}"
        style = styles.get(line.kind, "")
        text = f"[{style}]{escape(line.text)}[/]" if style else escape(line.text)
        console.print(f"[cyan]{stamp}[/]  {text}", highlight=False, soft_wrap=True)


__all__ = ["Line", "choose_followed", "initiative_names", "journeys", "render", "story",
           "tell"]
