"""Words and numbers of reports and the dashboard, in English and Dutch.

The words are in the catalogue :mod:`sim.words` (outcome, series and stage names in the
vocabulary of :mod:`sim.outcomes`); this module looks them up and writes outcomes' values,
differences and intervals as people read them, with :mod:`sim.words`' Babel formatting.
"""

from __future__ import annotations

import math
from typing import Any

from sim import outcomes
from sim.outcomes import clip
from sim.words import (
    CONTROLS,
    DERIVED,
    GRAMMAR,
    LANGS,
    MANAGER_STYLES,
    REPORT,
    STYLES,
    percent,
    say,
    scenario_name,
    significant,
    word,
)
from sim.words import decimal as decimal_text

TEXT = REPORT
"""The report's words under their old name, for :mod:`sim.report.folder` (which reads
them as ``TEXT[key][lang]``) until it imports :data:`sim.words.REPORT` itself."""


def style_name(style: str, lang: str, managers: bool = False) -> str:
    """A leadership style (or, with ``managers``, a managers' style) in words."""
    names = MANAGER_STYLES if managers else STYLES
    return word(names, style, lang) if style in names else style


def dashboard_word(key: str, lang: str) -> str:
    """A word on the dashboard's controls."""
    return word(CONTROLS, key, lang)


def label(key: str, lang: str) -> str:
    """The display name of a report word, or of an outcome, series column or stage, or of
    a derived outcome ``CONTRAST:OUTCOME`` (:data:`sim.words.DERIVED`: "Fallback's cost in
    share dissatisfied (with minus without)").

    Raises KeyError for anything else, so an outcome without a label fails loudly
    instead of showing its key.
    """
    if key in REPORT:
        return word(REPORT, key, lang)
    contrast, derived, outcome = key.partition(":")
    if derived and contrast in DERIVED:
        text = say(DERIVED, contrast, lang, outcome=outcomes.label(outcome, lang).lower())
        return f"{text[0].upper()}{text[1:]} ({word(GRAMMAR, 'with_minus_without', lang)})"
    return outcomes.label(key, lang)


SAME_ROLE_OUTCOMES = ("fallback_episodes", "fallback_weeks", "fallback_share")
"""Outcomes (and the weekly series' shaded share of runs in fallback) that count falling
back. Where falling back changes nothing (a directive or consultative municipality
already works in the directing role) they count tension episodes, weeks and runs above
the threshold, and are called so."""


def outcome_label(key: str, lang: str, changes: bool = True) -> str:
    """:func:`label`, or for a municipality whose fallback changes nothing (``changes``
    False) what :data:`SAME_ROLE_OUTCOMES` count there: "Tension episodes", "Weeks above
    the tension threshold"."""
    if not changes and key in SAME_ROLE_OUTCOMES:
        return word(REPORT, f"same_role_{key}", lang)
    return label(key, lang)


def same_role_note(key: str, lang: str) -> str:
    """What a value of outcome ``key`` counts for a municipality whose fallback changes
    nothing, for a table that also shows other municipalities ("" for other outcomes):
    "tension episodes – already directs: no fallback"."""
    if key not in SAME_ROLE_OUTCOMES:
        return ""
    return f"{outcome_label(key, lang, False).lower()} – {word(REPORT, 'same_role', lang)}"


def same_role(scenarios: dict[str, Any]) -> set[str]:
    """The names of ``scenarios`` (name -> :class:`sim.scenario.Scenario`, or its resolved
    settings as a dict) whose fallback changes nothing (:func:`fallback_changes`); a
    dict that is not a valid scenario is left out."""
    from pydantic import ValidationError

    from sim.model.municipality import fallback_changes
    from sim.scenario import Scenario

    found = set()
    for name, sc in scenarios.items():
        try:
            scenario = sc if isinstance(sc, Scenario) else Scenario.model_validate(sc)
        except ValidationError:
            continue
        if not fallback_changes(scenario):
            found.add(name)
    return found


def number(x: float, lang: str, kind: str = "count") -> str:
    """``x`` as people read it: percentages with one decimal for rates and shares, one
    decimal for weeks, two for levels, three significant digits for smaller counts and
    whole numbers from 1,000 on; in Dutch a decimal comma and a point between thousands
    (1.500), in English a point and a comma (1,500)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if kind in ("rate", "share"):
        return percent(x, lang, 1)
    if kind == "weeks":
        return decimal_text(x, lang, 1)
    if kind == "level":
        return decimal_text(x, lang, 2)
    return significant(x, lang, 3) if abs(x) < 1000 else decimal_text(x, lang, 0)


def value(key: str, x: float, lang: str) -> str:
    """The value of outcome ``key`` formatted for its kind (see :func:`number`)."""
    return number(x, lang, outcomes.describe(key).kind)


def signed(key: str, x: float, lang: str) -> str:
    """A difference in outcome ``key``, with its sign: "+2.1 pp" for shares and rates
    (percentage points; Dutch "+2,1%-punt"), "−0,40" for the rest; one that rounds to
    zero without a sign ("0,0", not "−0,0")."""
    text = value(key, abs(x), lang)
    if text == "–":
        return text
    if text.endswith("%"):
        text = text[:-1] + word(GRAMMAR, "points", lang)
    if not any(digit in text for digit in "123456789"):
        return text  # rounds to zero: "0,0", never "−0,0"
    return ("−" if x < 0 else "+") + text


def points(key: str, x: float, lang: str) -> str:
    """The size of a difference in outcome ``key``, without a sign: "2.1 pp" for shares
    and rates (a regret, a gap); as :func:`signed` otherwise."""
    text = signed(key, x, lang)
    return text if text == "–" else text[1:]


def shown_names(names: list[str], lang: str) -> dict[str, str]:
    """Each stored scenario name and the name shown for it in ``lang``
    (:func:`sim.words.scenario_name`); where two stored names would be shown alike, both
    are shown as stored, so that no two scenarios merge."""
    shown = {n: scenario_name(str(n), lang) for n in names}
    counts: dict[str, int] = {}
    for text in shown.values():
        counts[text] = counts.get(text, 0) + 1
    return {n: text if counts[text] == 1 else str(n) for n, text in shown.items()}


def interval(key: str, low: float, high: float, lang: str) -> str:
    """A confidence interval of outcome ``key``, held inside the outcome's range (a count
    is never below zero, a share never above 100%): "[a, b]", in Dutch "[a; b]"."""
    sep = word(GRAMMAR, "interval_sep", lang)
    return f"[{value(key, clip(key, low), lang)}{sep}{value(key, clip(key, high), lang)}]"


def signed_interval(key: str, low: float, high: float, lang: str) -> str:
    """A confidence interval of a difference in outcome ``key``, each bound with its sign
    and unclipped (a difference may be negative): "[−1.8 pp, −0.5 pp]", in Dutch with ";"."""
    sep = word(GRAMMAR, "interval_sep", lang)
    return f"[{signed(key, low, lang)}{sep}{signed(key, high, lang)}]"


__all__ = ["LANGS", "SAME_ROLE_OUTCOMES", "TEXT", "dashboard_word", "interval", "label",
           "number", "outcome_label", "points", "same_role", "same_role_note", "shown_names",
           "signed", "signed_interval", "style_name", "value"]
