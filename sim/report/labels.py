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
    "made": {"en": "Made by regiesim", "nl": "Gemaakt met regiesim"},
    "journeys": {"en": "Journeys of initiatives (mean per run)",
                 "nl": "Hoe initiatieven door de gemeente gaan (gemiddeld per run)"},
    "frustration_dist": {"en": "Frustration at exit (all runs)",
                         "nl": "Frustratie bij afloop (alle runs)"},
    "fallback_share": {"en": "Share of runs in fallback", "nl": "Aandeel runs in terugval"},
    "runs_of": {"en": "{n} scenarios × {reps} replications.",
                "nl": "{n} scenario's × {reps} replicaties."},
    "run_of": {"en": "1 scenario × {reps} replications.",
               "nl": "1 scenario × {reps} replicaties."},
    "ci_method": {"en": "Intervals are 95% t-intervals over replications, held inside the "
                        "range an outcome can take (no count below zero, no share above "
                        "100%).",
                  "nl": "De intervallen zijn 95%-t-intervallen over de replicaties, begrensd "
                        "tot wat een uitkomst kan aannemen (geen aantal onder nul, geen "
                        "aandeel boven 100%)."},
    "glossary": {"en": "Glossary: what the outcomes mean",
                 "nl": "Begrippenlijst: wat de uitkomsten betekenen"},
    "outcome": {"en": "Outcome", "nl": "Uitkomst"},
    "unit": {"en": "Unit", "nl": "Eenheid"},
    "definition": {"en": "Definition", "nl": "Definitie"},
    "stress": {"en": "How these results were made (STRESS)",
               "nl": "Hoe deze resultaten zijn gemaakt (STRESS)"},
    "sweep": {"en": "Outcomes against the swept parameter {p} (mean, band: 95% CI)",
              "nl": "Uitkomsten bij verschillende waarden van {p} (gemiddelde; band: "
                    "95%-betrouwbaarheidsinterval)"},
    "sobol": {"en": "Sensitivity: Sobol indices with 95% intervals",
              "nl": "Gevoeligheid: Sobol-indices met 95%-intervallen"},
    "sobol_text": {"en": "S1 (first order) is the share of an outcome's variance a parameter "
                         "explains on its own; ST (total) adds everything it does together "
                         "with the others. A parameter with ST near zero hardly matters.",
                   "nl": "S1 (eerste orde) is het deel van de variantie van een uitkomst dat "
                         "een parameter in zijn eentje verklaart; ST (totaal) telt ook mee "
                         "wat hij samen met de andere parameters doet. Een parameter met ST "
                         "rond nul doet er nauwelijks toe."},
    "S1": {"en": "S1 (on its own)", "nl": "S1 (op zichzelf)"},
    "ST": {"en": "ST (in total)", "nl": "ST (in totaal)"},
    "parameter": {"en": "Parameter", "nl": "Parameter"},
    "samples": {"en": "Sample points: each parameter against the outcome",
                "nl": "Steekproefpunten: de uitkomst bij elke parameter"},
    "samples_text": {"en": "{n} points of the parameter space, each the mean of its "
                           "replications.",
                     "nl": "{n} punten in de parameterruimte, elk het gemiddelde van zijn "
                           "replicaties."},
    "end_states": {"en": "Where initiatives end (mean per run)",
                   "nl": "Waar initiatieven eindigen (gemiddeld per run)"},
    "decomposition": {"en": "Fallback's cost: the regime and broken expectations (paired, "
                            "95% CI)",
                      "nl": "Wat terugvallen kost: het regime en geschonden verwachtingen "
                            "(gepaard, 95%-betrouwbaarheidsinterval)"},
    "decomposition_text": {
        "en": "Total: with fallback minus without. Regime: the same difference when "
              "initiatives adjust their expectations to what they get, so that no promise "
              "can break (roles withdrawn, more layers, waits). Broken expectations: the "
              "rest, the disappointment of a broken promise.",
        "nl": "Totaal: met terugval min zonder. Regime: hetzelfde verschil als initiatieven "
              "hun verwachting bijstellen naar wat ze krijgen, zodat geen belofte kan "
              "breken (rollen ingetrokken, meer lagen, wachten). Geschonden verwachtingen: "
              "de rest, de teleurstelling over een gebroken belofte."},
    "part_total": {"en": "Total", "nl": "Totaal"},
    "part_regime": {"en": "Regime", "nl": "Regime"},
    "part_expectations": {"en": "Broken expectations", "nl": "Geschonden verwachtingen"},
    "threshold": {"en": "Fallback threshold swept (difference against no fallback)",
                  "nl": "Verschillende terugvaldrempels (verschil met een gemeente die niet "
                        "terugvalt)"},
    "threshold_x": {"en": "Tension threshold for fallback (fallback.upper)",
                    "nl": "Spanningsdrempel voor terugval (fallback.upper)"},
    "threshold_y": {"en": "Difference against no fallback (95% CI)",
                    "nl": "Verschil met de variant zonder terugval (95%-BI)"},
    "prim": {"en": "Where fallback costs most (PRIM scenario discovery)",
             "nl": "Waar terugvallen het meest kost (scenario-ontdekking met PRIM)"},
    "prim_text": {
        "en": "{points} combinations of circumstances, each run with and without fallback "
              "on the same seeds. Cost: the success rate with fallback minus without (below "
              "zero: success lost). PRIM looks for the simplest box of circumstances that "
              "holds the costliest quarter (the lowest costs). "
              "Inside the box lie {coverage} of all costly points (coverage), and {density} "
              "of the points inside the box are costly (density).",
        "nl": "{points} combinaties van omstandigheden, elk doorgerekend met en zonder "
              "terugval, met dezelfde toevalsgetallen. Kosten: het slagingspercentage met "
              "terugval min dat zonder terugval (onder nul: verloren succes). PRIM zoekt het "
              "eenvoudigste gebied van omstandigheden waarin het duurste kwart valt (de "
              "laagste waarden). In dat gebied ligt {coverage} "
              "van alle dure punten (dekking), en {density} van de punten in het gebied is "
              "duur (dichtheid)."},
    "prim_none": {"en": "PRIM found no box.", "nl": "PRIM vond geen gebied."},
    "low": {"en": "From", "nl": "Van"},
    "high": {"en": "To", "nl": "Tot"},
    "calibration": {"en": "Calibration against the national survey",
                    "nl": "Kalibratie op de landelijke enquête"},
    "fitted": {"en": "Fitted values", "nl": "Gekalibreerde waarden"},
    "target": {"en": "Target", "nl": "Streefwaarde"},
    "check": {"en": "Check on fresh seeds (mean [95% CI])",
              "nl": "Controle met nieuwe seeds (gemiddelde [95%-BI])"},
    "part": {"en": "Part", "nl": "Deel"},
    "failed": {"en": "Failed runs ({n})", "nl": "Mislukte runs ({n})"},
    "failed_text": {"en": "These runs raised an error and are not in the tables above; "
                          "their tracebacks are in failures.parquet.",
                    "nl": "Deze runs liepen op een fout en staan niet in de tabellen "
                          "hierboven; de foutmeldingen staan in failures.parquet."},
    "uncertainty": {"en": "Uncertainty shown", "nl": "Welke onzekerheid de intervallen tonen"},
    "uncertainty_posterior": {
        "en": "95% confidence intervals over replications. Each replication drew its "
              "uncertain parameters from a calibrated posterior (ABC-SMC, digest {digest}), "
              "the same draw in every scenario: the intervals carry parametric as well as "
              "stochastic uncertainty.",
        "nl": "95%-betrouwbaarheidsintervallen over replicaties. Elke replicatie trok haar "
              "onzekere parameters uit een gekalibreerde posterior (ABC-SMC, kenmerk "
              "{digest}), in elk scenario dezelfde trekking: de intervallen bevatten dus "
              "zowel toeval als onzekerheid over de parameters."},
    "uncertainty_fixed": {
        "en": "95% confidence intervals over replications with the parameters fixed at "
              "the scenarios' values: they show stochastic uncertainty only, not the "
              "uncertainty of the parameters.",
        "nl": "95%-betrouwbaarheidsintervallen over replicaties, met de parameters vast op "
              "de waarden van de scenario's: ze tonen alleen het toeval, niet de "
              "onzekerheid over de parameters."},
    "warmup": {"en": "Warm-up check (MSER-5)", "nl": "Controle van de inloopperiode (MSER-5)"},
    "warmup_title": {"en": "Warm-up check ({reps} replications from empty)",
                     "nl": "Controle van de inloopperiode ({reps} replicaties die leeg "
                           "beginnen)"},
    "warmup_mean": {"en": "mean", "nl": "gemiddelde"},
    "warmup_moving": {"en": "Welch moving average", "nl": "voortschrijdend gemiddelde (Welch)"},
    "warmup_line": {"en": "warm-up: {weeks}", "nl": "inloopperiode: {weeks}"},
    "warmup_text": {
        "en": "Runs started empty, {reps} replications: MSER-5 truncates the weekly series "
              "at up to {weeks} weeks; the scenario warms up for {warmup} weeks.",
        "nl": "Runs die leeg beginnen (zonder lopende initiatieven), {reps} replicaties: "
              "MSER-5 kapt de weekreeksen af na hoogstens {weeks} weken; het scenario heeft "
              "een inloopperiode van {warmup} weken."},
    "robustness": {"en": "Fallback's cost across threshold and incidents (paired, 95% CI)",
                   "nl": "Wat terugvallen kost bij elke drempel en elk aantal incidenten "
                         "(gepaard, 95%-BI)"},
    "replication": {"en": "Replication", "nl": "Replicatie"},
    "seed": {"en": "Seed", "nl": "Seed"},
    "error": {"en": "Error", "nl": "Fout"},
    "pairs": {"en": "Parameter space: every sample point coloured by {outcome}",
              "nl": "Parameterruimte: elk steekproefpunt gekleurd naar {outcome}"},
    "pairs_text": {"en": "Each panel sets two parameters against each other; a point's colour "
                         "is its {outcome} (mean over its replications). Where colours "
                         "gather in a corner, that combination of values drives the "
                         "outcome.",
                   "nl": "Elk paneel zet twee parameters tegen elkaar uit; de kleur van een "
                         "punt is zijn {outcome} (gemiddeld over de replicaties). Waar één "
                         "kleur zich in een hoek ophoopt, bepaalt die combinatie van waarden "
                         "de uitkomst."},
    "pairs_top": {"en": "Shown: the {k} of {n} parameters with the largest effect.",
                  "nl": "Getoond: de {k} van de {n} parameters met het grootste effect."},
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
    "inward": {"en": "Managers' time spent inward",
               "nl": "Tijd die middenmanagers intern besteden"},
    "progress": {"en": "{done} of {total} replications", "nl": "{done} van {total} replicaties"},
    "waiting": {"en": "Running the first replications …",
                "nl": "De eerste replicaties worden berekend …"},
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
    """``x`` as people read it: percentages for rates and shares; in Dutch a decimal comma
    and a point between thousands (1.500)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    group = "," if lang == "nl" else ""
    if kind in ("rate", "share"):
        text = f"{x:{group}.1%}"
    elif kind == "weeks":
        text = f"{x:{group}.1f}"
    elif kind == "level":
        text = f"{x:.2f}"
    else:
        text = f"{x:.3g}" if abs(x) < 1000 else f"{x:{group}.0f}"
    return text.translate(DUTCH_DIGITS) if lang == "nl" else text


DUTCH_DIGITS = str.maketrans(",.", ".,")
"""Python's 1,500.5 as Dutch writes it: 1.500,5."""


def value(key: str, x: float, lang: str) -> str:
    """The value of outcome ``key`` formatted for its kind (see :func:`number`)."""
    return number(x, lang, outcomes.describe(key).kind)


POINTS = {"en": " pp", "nl": "%-punt"}
"""A difference of two percentages is in percentage points."""


def signed(key: str, x: float, lang: str) -> str:
    """A difference in outcome ``key``, with its sign: "+2.1 pp" for shares and rates
    (percentage points; Dutch "+2,1%-punt"), "−0,40" for the rest."""
    text = value(key, abs(x), lang)
    if text == "–":
        return text
    if text.endswith("%"):
        text = text[:-1] + POINTS[lang]
    return ("−" if x < 0 else "+") + text


BOUNDS: dict[str, tuple[float, float]] = {
    "count": (0.0, math.inf), "weeks": (0.0, math.inf), "mean": (0.0, math.inf),
    "rate": (0.0, 1.0), "share": (0.0, 1.0)}
"""The range an outcome of each kind can take (levels are not bounded: tension)."""


LEVEL_BOUNDS: dict[str, tuple[float, float]] = {"0..1": (0.0, 1.0), "tension": (0.0, math.inf)}
"""Levels are bounded by their unit (a satisfaction score is not)."""


def clip(key: str, x: float) -> float:
    """``x`` held inside the range outcome ``key`` can take (nan stays nan)."""
    found = outcomes.describe(key)
    low, high = (LEVEL_BOUNDS.get(found.unit, (-math.inf, math.inf)) if found.kind == "level"
                 else BOUNDS.get(found.kind, (-math.inf, math.inf)))
    return x if x is None or math.isnan(x) else min(max(x, low), high)


def interval(key: str, low: float, high: float, lang: str) -> str:
    """A confidence interval of outcome ``key``, held inside the outcome's range (a count
    is never below zero, a share never above 100%): "[a, b]", in Dutch "[a; b]"."""
    sep = "; " if lang == "nl" else ", "
    return f"[{value(key, clip(key, low), lang)}{sep}{value(key, clip(key, high), lang)}]"


__all__ = ["CONTROLS", "LANGS", "TEXT", "dashboard_word", "interval", "label", "number",
           "signed", "style_name", "value"]
