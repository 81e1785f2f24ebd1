"""Words shown to people in reports and on the dashboard, in English and Dutch.

Outcome, series and stage names come from the vocabulary in :mod:`sim.outcomes`; this
module adds the report's own words and formats numbers (decimal commas in Dutch).
"""

from __future__ import annotations

import math

from sim import outcomes
from sim.outcomes import LANGS

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "regiesim report", "nl": "regiesim-rapport"},
    "headline": {"en": "Headline (mean and 95% confidence interval over replications)",
                 "nl": "Kerncijfers (gemiddelde en 95%-betrouwbaarheidsinterval over "
                       "replicaties)"},
    "scenario": {"en": "Scenario", "nl": "Scenario"},
    "outcomes": {"en": "Outcomes per scenario", "nl": "Uitkomsten per scenario"},
    "differences": {"en": "Paired differences against",
                    "nl": "Gepaarde verschillen ten opzichte van"},
    "series": {"en": "Trust and tension week by week (mean over replications; shaded: share "
                     "of runs in fallback)",
               "nl": "Vertrouwen en spanning per week (gemiddelde over replicaties; gearceerd: "
                     "aandeel runs in terugval)"},
    "week": {"en": "Week", "nl": "Week"},
    "difference": {"en": "Difference", "nl": "Verschil"},
    "appendix": {"en": "Appendix: resolved scenarios and provenance",
                 "nl": "Bijlage: volledige scenario's en herkomst"},
    "replications": {"en": "replications", "nl": "replicaties"},
    "scenarios": {"en": "scenario(s)", "nl": "scenario('s)"},
    "made": {"en": "Made by regiesim", "nl": "Gemaakt met regiesim"},
    "journeys": {"en": "Journeys of initiatives (mean per run)",
                 "nl": "Route van initiatieven (gemiddeld per run)"},
    "frustration_dist": {"en": "Frustration at exit (all runs)",
                         "nl": "Frustratie bij afloop (alle runs)"},
    "fallback_share": {"en": "Share of runs in fallback", "nl": "Aandeel runs in terugval"},
}


CONTROLS: dict[str, dict[str, str]] = {
    "title": {"en": "regiesim — live", "nl": "regiesim — live"},
    "style": {"en": "Leadership style", "nl": "Stijl van leidinggeven"},
    "fallback": {"en": "Fall back into the directing role under tension",
                 "nl": "Terugvallen in de sturende rol bij spanning"},
    "threshold": {"en": "Tension threshold for fallback", "nl": "Spanningsdrempel voor terugval"},
    "clear_frames": {"en": "Clear frames", "nl": "Heldere kaders"},
    "clear_process": {"en": "Clear process", "nl": "Helder proces"},
    "dialogue": {"en": "Dialogue", "nl": "Dialoog"},
    "feedback": {"en": "Feedback culture", "nl": "Feedbackcultuur"},
    "corps": {"en": "Regisseurs in the corps", "nl": "Regisseurs in het korps"},
    "inward": {"en": "Managers' time spent inward", "nl": "Tijd van managers naar binnen"},
    "progress": {"en": "{done} of {total} replications", "nl": "{done} van {total} replicaties"},
    "waiting": {"en": "running the first replications ...",
                "nl": "de eerste replicaties lopen ..."},
    "on": {"en": "on", "nl": "aan"},
}


STYLE_NAMES: dict[str, dict[str, str]] = {
    "directive": {"en": "directive", "nl": "sturend"},
    "consultative": {"en": "consultative", "nl": "consultatief"},
    "direction": {"en": "direction-based", "nl": "regisserend"},
    "partner": {"en": "partner", "nl": "partnerschap"},
}
"""Leadership styles (``scenario.style``) as people call them."""
MANAGER_STYLE_NAMES: dict[str, dict[str, str]] = {
    "directive": {"en": "directive", "nl": "sturend"},
    "consultative": {"en": "consultative", "nl": "consultatief"},
    "conversing": {"en": "conversing", "nl": "samen converserend"},
}
"""Middle managers' styles (``middle_managers.style``) as people call them."""


def style_name(style: str, lang: str, managers: bool = False) -> str:
    """A leadership style (or, with ``managers``, a managers' style) in words."""
    names = MANAGER_STYLE_NAMES if managers else STYLE_NAMES
    return names[style][lang] if style in names else style


def dashboard_word(key: str, lang: str) -> str:
    """A word on the dashboard's controls."""
    return CONTROLS[key][lang]


def label(key: str, lang: str) -> str:
    """The display name of a report word, or of an outcome, series column or stage.

    Raises KeyError for anything else, so an outcome without a label fails loudly
    instead of showing its key.
    """
    return TEXT[key][lang] if key in TEXT else outcomes.label(key, lang)


def number(x: float, lang: str, kind: str = "count") -> str:
    """``x`` as people read it: percentages for rates and shares, decimal comma in Dutch."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if kind in ("rate", "share"):
        text = f"{x:.1%}"
    elif kind == "weeks":
        text = f"{x:.1f}"
    elif kind == "level":
        text = f"{x:.2f}"
    else:
        text = f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"
    return text.replace(".", ",") if lang == "nl" else text


def value(key: str, x: float, lang: str) -> str:
    """The value of outcome ``key`` formatted for its kind (see :func:`number`)."""
    return number(x, lang, outcomes.describe(key).kind)


def interval(key: str, low: float, high: float, lang: str) -> str:
    """A confidence interval of outcome ``key``: "[a, b]", in Dutch "[a; b]"."""
    sep = "; " if lang == "nl" else ", "
    return f"[{value(key, low, lang)}{sep}{value(key, high, lang)}]"


__all__ = ["CONTROLS", "LANGS", "TEXT", "dashboard_word", "interval", "label", "number",
           "style_name", "value"]
