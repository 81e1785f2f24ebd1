"""The run as a film for the classroom: every initiative a dot travelling the journey.

One run's event log (``run.event_log``) becomes, per initiative, the list of states it
passes through and when (:data:`STATES`: the stages of :mod:`sim.outcomes`, the piles it
waits in, and the exit), its frustration as the log reports it, its regisseur, and its
links in the network of initiatives; per week the municipality's tension and whether it
has fallen back; and, from :mod:`sim.report.narrate`, every initiative's own story and
what happens to the municipality (incidents, budget cuts, falling back with the warning
signs, recovering). :func:`panel` prepares that data; :func:`page` puts one or two
panels into a self-contained HTML player (canvas and vanilla JavaScript from
``animate.js``/``animate.css`` next to this module, data inlined as JSON): play, pause,
one week further, speed, a clock in weeks, a click on a dot follows that initiative.

Two panels are one seed under two settings. The model draws every candidate citizen's
arrival moment and attributes from streams of their own (common random numbers), so a
citizen who comes forward in both municipalities does so at the same moment with the
same plan, and their journeys part only where the municipalities differ. Where trust
differs, a candidate may come forward in one municipality and not in the other (the
arrival rate follows trust); the player shows that too.

The log events read here: ``arrive`` (signal), ``signalled`` (intake begins, in the
front office's queue), ``queued`` (served after waiting ``value`` weeks in that queue),
``stage`` (handoffs, dialogue, decision, realisation begin), ``handoff``, ``approval``
(waiting for a manager's signature), ``escalated``/``college_decided`` (waiting for the
college), ``rework``, ``approved``, ``regisseur``, ``linked_to`` (``value``: the other
initiative) and the exits ``success``, ``rejected``, ``dropout``.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pandas as pd

from sim.files import atomic_write
from sim.model.municipality import fallback_changes
from sim.outcomes import JOURNEY, OUTCOMES, STAGES
from sim.report.labels import style_name
from sim.report.narrate import initiative_names, journeys, tell
from sim.run import RunResult, simulate
from sim.scenario import Scenario
from sim.words import (
    PLAYER,
    SIGNS,
    SIGNS_SHORT,
    check_lang,
    join,
    scenario_name,
    symbols,
    word,
)

STATES: tuple[str, ...] = ("signal", "queue", "intake", "handoffs", "dialogue", "decision",
                           "approval", "college", "realisation", *OUTCOMES)
"""Where a dot can be: the stages, the three piles (the front office's queue, waiting for
a manager's signature, waiting for the college) and the exits."""
COLUMN: dict[str, str] = {"queue": "intake", "approval": "decision", "college": "decision"}
"""The stage a pile belongs to (every other state is its own column)."""
FRUSTRATION_EVENTS = frozenset({"stage", "handoff", "rework", "approved", *OUTCOMES})
"""Events whose ``value`` is the initiative's frustration at that moment."""
SECONDS_PER_TERM = 60.0
"""A council term (the horizon) plays in about a minute at normal speed."""
DIGITS = 3
"""Weeks in the data are rounded to this many decimals."""

@dataclass(frozen=True)
class Journey:
    """One initiative as the player shows it."""

    ident: int
    arrival: float
    exit: float | None
    outcome: str | None
    path: list[tuple[float, str]]
    """(week, state) in time order: where the dot goes and when."""
    frustration: list[tuple[float, float]]
    """(week, frustration) as the log reports it (0 at arrival)."""
    regisseur: float | None
    """When a regisseur became its single point of contact (None: never)."""


def paths(log: pd.DataFrame) -> dict[int, Journey]:
    """Every initiative's journey from the event log (in the log's order), warm-up
    included."""
    own = log[log["id"] >= 0]
    out: dict[int, Journey] = {}
    for ident, rows in own.groupby("id", sort=True):
        path: list[tuple[float, str]] = []
        frustration: list[tuple[float, float]] = []
        arrival, exit_week, outcome, regisseur = math.nan, None, None, None
        intake_at = math.nan
        for week, event, stage, value in zip(rows["week"].tolist(), rows["event"].tolist(),
                                             rows["stage"].tolist(), rows["value"].tolist(),
                                             strict=True):
            if event == "arrive":
                arrival = week
                frustration.append((week, 0.0))
            elif event == "signalled":
                intake_at = week
            elif event == "queued":  # served at the desk once its wait was over
                path.append((min(intake_at + value, week), "intake"))
            elif event == "regisseur":
                regisseur = week
            if event in FRUSTRATION_EVENTS:
                frustration.append((week, value))
            if event in OUTCOMES:
                exit_week, outcome = week, event
            state = stage if event == "stage" else EVENT_STATE.get(event)
            if state is not None:
                path.append((week, state))
        out[int(ident)] = Journey(int(ident), arrival, exit_week, outcome, path, frustration,
                                  regisseur)
    return out


EVENT_STATE: dict[str, str] = {
    "arrive": "signal", "signalled": "queue", "handoff": "handoffs", "approval": "approval",
    "escalated": "college", "college_decided": "decision", "rework": "decision",
    "approved": "decision", **{o: o for o in OUTCOMES}}
"""The state an event puts the initiative in (``stage`` events: their stage; ``queued``:
the intake desk, when its wait was over)."""


def panel(result: RunResult, lang: str, title: str | None = None) -> dict[str, Any]:
    """One run prepared for the player (compact lists; weeks rounded to :data:`DIGITS`).

    ``title`` names the panel before its style (default: the scenario's name, after it);
    ``changes`` says whether falling back changes anything here (a directive or
    consultative municipality already works in the directing role: its panel shows the
    tension above the threshold, not a fallback)."""
    log = result.log
    if log is None:
        raise ValueError("the run has no event log: simulate with run.event_log = true")
    sc = result.scenario
    horizon = sc.run.horizon_weeks
    stories = journeys(result, lang)
    ident_max = int(log["id"].max()) if len(log) else 0
    names = initiative_names(result.seed, max(ident_max + 1, 1), lang)
    shown = [j for j in paths(log).values()
             if j.arrival <= horizon and (j.exit is None or j.exit >= 0.0)]
    index = {j.ident: i for i, j in enumerate(shown)}
    links = log[(log["event"] == "linked_to") & (log["week"] <= horizon)]
    edges = [[index[int(a)], index[int(b)], _r(w)] for a, b, w in zip(
        links["id"], links["value"], links["week"], strict=True)
        if int(a) in index and int(b) in index]
    lines = tell(result, lang, follow=0)
    news = [[_r(max(line.week, 0.0)), line.kind, line.text] for line in lines
            if line.kind in ("municipality", "quarter") and line.week <= horizon]
    signs = log[log["event"].str.startswith("sign_") & (log["week"] <= horizon)]
    series = result.series
    return {
        "title": _title(sc, lang, title),
        "changes": fallback_changes(sc),
        "opening": lines[0].text if lines else "",
        "closing": lines[-1].text if lines else "",
        "seed": result.seed,
        "horizon": horizon,
        "upper": sc.fallback.upper if sc.fallback.enabled else None,
        "lower": sc.fallback.lower if sc.fallback.enabled else None,
        "tension": [_r(x) for x in series["tension"].tolist()],
        "fallback": [int(x) for x in series["fallback"].tolist()],
        "news": news,
        "signs": [[_r(w), word(SIGNS_SHORT, e.removeprefix("sign_"), lang),
                   _sentence_start(word(SIGNS, e.removeprefix("sign_"), lang))]
                  for w, e in zip(signs["week"], signs["event"], strict=True)
                  if e.removeprefix("sign_") in SIGNS],
        "regisseurs": sc.regisseurs.corps_size,
        "id": [j.ident for j in shown],
        "name": [names[j.ident] for j in shown],
        "arrive": [_r(j.arrival) for j in shown],
        "exit": [None if j.exit is None else _r(j.exit) for j in shown],
        "path": [_flat([(w, STATES.index(s)) for w, s in j.path]) for j in shown],
        "frus": [_flat(j.frustration) for j in shown],
        "reg": [None if j.regisseur is None else _r(j.regisseur) for j in shown],
        "links": edges,
        "story": [[[_r(line.week), line.text] for line in stories.get(j.ident, [])]
                  for j in shown],
    }


def _title(sc: Scenario, lang: str, name: str | None = None) -> str:
    """"Regisserende gemeente, valt terug onder druk", or with ``name`` "name:
    regisserend, ...". A scenario with a name of its own in ``lang``
    (:func:`sim.words.scenario_name`) is titled by it, its style added where the name does
    not say it ("Verkiezingsjaar (regisserend), ..."); any other scenario by its style,
    its stored name after it ("Regisserend, ... (mijn-gemeente)")."""
    key = ("without_fallback" if not sc.fallback.enabled else
           "with_fallback" if fallback_changes(sc) else "same_role")
    style = style_name(sc.scenario.style, lang)
    what = f"{style}, {word(PLAYER, key, lang)}"
    if name is not None:
        return f"{name}: {what}"
    shown = scenario_name(sc.scenario.name, lang)
    if shown == sc.scenario.name:
        return f"{_sentence_start(what)} ({shown})"
    said = shown if shown.lower().startswith(style.lower()) else f"{shown} ({style})"
    return f"{_sentence_start(said)}, {word(PLAYER, key, lang)}"


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def _r(x: float) -> float:
    return round(float(x), DIGITS)


def _flat(pairs: list[tuple[float, float]]) -> list[float]:
    return [v for w, x in pairs for v in (_r(w), _r(x) if isinstance(x, float) else x)]


def labels(lang: str) -> dict[str, str]:
    """Every word the player shows, in ``lang``: :data:`sim.words.PLAYER` and the names
    of the stages and exits."""
    words = {key: texts[check_lang(lang)] for key, texts in PLAYER.items()}
    words.update({f"state_{s}": JOURNEY[s].label(lang) for s in (*STAGES, *OUTCOMES)})
    return words


def film(scenario: Scenario, seed: int, lang: str = "nl",
         compare: Scenario | None = None,
         titles: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The player's data: ``scenario`` (and ``compare``) run on ``seed`` with the log on;
    ``titles`` name the panels (default: their scenarios' names).

    Two panels meet the same citizens only if every citizen who comes forward in both
    does so at the same moment (``paired``). Settings that change who arrives when (the
    arrival rate, the warm-up, ...) break that: the player then says so in its intro,
    names the settings that differ, and does not link a followed dot across the panels.
    """
    words = labels(lang)
    runs = [simulate(s.with_changes({"run.event_log": True}), seed)
            for s in (scenario, *(() if compare is None else (compare,)))]
    panels = [panel(r, lang, None if titles is None else titles[k])
              for k, r in enumerate(runs)]
    if len(panels) == 2 and panels[0]["title"] == panels[1]["title"]:
        panels[1]["title"] += " (2)"
    horizon = max(p["horizon"] for p in panels)
    paired = compare is not None and same_arrivals(panels)
    if compare is None:
        intro = words["one_run"].format(seed=seed)
    elif paired:
        intro = words["same_citizens"].format(seed=seed)
    else:
        keys = arrival_settings_differing(scenario, compare)
        intro = words["other_citizens_n" if len(keys) > 1 else "other_citizens_1"].format(
            seed=seed, keys=join(keys or ["?"], lang))
    return {"lang": lang, "words": words, "numbers": symbols(lang), "states": list(STATES),
            "columns": [*STAGES, "exit"], "column": {s: COLUMN.get(s, s) for s in STATES},
            "horizon": horizon, "secondsPerTerm": SECONDS_PER_TERM, "intro": intro,
            "paired": paired, "panels": panels}


def same_arrivals(panels: list[dict[str, Any]]) -> bool:
    """Whether every initiative shown in both panels arrives at the same week in both
    (and there is at least one)."""
    first, second = (dict(zip(p["id"], p["arrive"], strict=True)) for p in panels)
    limit = min(p["horizon"] for p in panels)
    common = [i for i in first.keys() & second.keys()
              if 0 <= first[i] <= limit or 0 <= second[i] <= limit]
    return bool(common) and all(first[i] == second[i] for i in common)


def parted(data: dict[str, Any]) -> dict[str, int]:
    """Of the citizens who come forward (in the window) in both panels of ``data``: how
    many (``both``), how many take another journey (``journey``: another state, or the
    same states at other moments), how many pass through other states (``states``) and
    how many end differently (``outcome``: another exit, or one still under way)."""
    first, second = ({i: p for i, p, w in zip(d["id"], d["path"], d["arrive"], strict=True)
                      if w >= 0} for d in data["panels"])
    both = first.keys() & second.keys()
    return {"both": len(both),
            "journey": sum(first[i] != second[i] for i in both),
            "states": sum(first[i][1::2] != second[i][1::2] for i in both),
            "outcome": sum(first[i][-1] != second[i][-1] for i in both)}


def arrival_settings_differing(a: Scenario, b: Scenario) -> list[str]:
    """The keys of ``run`` and ``initiatives`` (who comes forward and when) that differ
    between ``a`` and ``b``, dotted, in the scenario's order."""
    out = []
    for group in ("run", "initiatives"):
        left, right = getattr(a, group).model_dump(), getattr(b, group).model_dump()
        out += [f"{group}.{k}" for k in left if k != "event_log" and left[k] != right.get(k)]
    return out


def page(data: dict[str, Any]) -> str:
    """The self-contained player: one HTML file that plays offline."""
    folder = resources.files("sim.report")
    script = folder.joinpath("animate.js").read_text(encoding="utf-8")
    style = folder.joinpath("animate.css").read_text(encoding="utf-8")
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    payload = payload.replace("</", "<\\/")  # no "</script>" inside the data
    words = data["words"]
    return (f'<!DOCTYPE html>\n<html lang="{data["lang"]}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>regiesim: {html.escape(words['title'])}</title>\n"
            f"<style>\n{style}\n</style>\n</head>\n<body>\n"
            f'<script type="application/json" id="regie-data">{payload}</script>\n'
            f"<script>\n{script}\n</script>\n</body>\n</html>\n")


def write(path: Any, scenario: Scenario, seed: int, lang: str = "nl",
          compare: Scenario | None = None) -> None:
    """Write the player of ``scenario`` (beside ``compare``) on ``seed`` to ``path``."""
    atomic_write(path, page(film(scenario, seed, lang, compare)))


__all__ = ["COLUMN", "STATES", "Journey", "film", "labels", "page", "panel", "parted", "paths",
           "write"]
