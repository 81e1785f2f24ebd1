"""Every word regiesim shows people, in English and Dutch, and how it writes numbers.

One catalogue: the report's headings, the dashboard, the story of a run, the classroom
player (``animate.py`` hands :data:`PLAYER` to ``animate.js`` with the film's data), the
reproducibility block, the terminal's headline and the command line all read their words
here. A table maps each key to its text in every language of :data:`LANGS`;
``tests/test_words.py`` fails for a key that misses a language or whose placeholders
differ between the languages. Outcome, series and stage names stay with their
definitions in :mod:`sim.outcomes` (the outcome vocabulary), which uses the same
languages and the same number formatting.

Numbers go through Babel (CLDR) in the conventions of each language: ``1,234.5`` and
``44.3%`` in English, ``1.234,5`` and ``44,3%`` in Dutch. :func:`local` wraps a number so
that a template's own format spec (``{value:.0%}``, ``{tension:.2f}``) comes out that way.

This module imports nothing of regiesim, so every layer can use it.
"""

from __future__ import annotations

import hashlib
import math
import re
from decimal import Decimal
from typing import Literal

from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

Lang = Literal["en", "nl"]
LANGS: tuple[Lang, ...] = ("en", "nl")
"""The languages of everything regiesim shows people."""
LOCALES: dict[str, str] = {"en": "en_GB", "nl": "nl_NL"}
"""The Babel locale of each language (its numbers: decimal mark, thousands, percent)."""

Words = dict[str, dict[str, str]]
"""A table of the catalogue: key -> language -> text (``str.format`` placeholders)."""


def check_lang(lang: str) -> Lang:
    """``lang`` if it is one of :data:`LANGS`; ValueError naming them if not."""
    if lang not in LANGS:
        raise ValueError(f"lang: must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang  # type: ignore[return-value]


def word(table: Words, key: str, lang: str) -> str:
    """The text of ``key`` in ``table`` in ``lang`` (KeyError for an unknown key)."""
    return table[key][check_lang(lang)]


def say(table: Words, key: str, lang: str, **fields: object) -> str:
    """``word(table, key, lang)`` with its placeholders filled; float fields are written
    in the language's conventions (see :func:`local`), ints and strings as they are."""
    return word(table, key, lang).format(
        **{k: local(v, lang) if isinstance(v, float) else v for k, v in fields.items()})


# --- numbers -----------------------------------------------------------------------------


def _exact(x: float) -> Decimal:
    """The float's exact value, so that Babel rounds as Python's own formatting does."""
    return Decimal(x) if isinstance(x, int) else Decimal(float(x))


def decimal(x: float, lang: str, digits: int = 1) -> str:
    """``x`` with ``digits`` decimals and thousands grouped: 1,234.5 / 1.234,5."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(_exact(x), format=pattern, locale=LOCALES[check_lang(lang)])


def percent(x: float, lang: str, digits: int = 1) -> str:
    """The share ``x`` (0..1) as a percentage with ``digits`` decimals: 44.3% / 44,3%."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return format_percent(_exact(x), format=pattern, locale=LOCALES[check_lang(lang)])


def significant(x: float, lang: str, digits: int = 6) -> str:
    """``x`` to at most ``digits`` significant digits, trailing zeros dropped, as
    Python's ``g`` writes it but never in exponent form: 12.3 / 12,3; 1000."""
    pattern = "@" + "#" * (digits - 1) if x else "0"  # Babel writes a zero as 0.0 with "@"
    return format_decimal(_exact(x), format=pattern, locale=LOCALES[check_lang(lang)])


_SPEC = re.compile(r"(?P<width>\d+)?,?(?:\.(?P<digits>\d+))?(?P<kind>[fg%])?")


def formatted(x: float, spec: str, lang: str) -> str:
    """``format(x, spec)`` in the conventions of ``lang``, for the specs the catalogue's
    templates use: ``[width][.digits]`` and ``f``, ``%`` or ``g`` (default ``g``).
    Thousands are always grouped for ``f`` and ``%`` (Babel's conventions); ``g`` is
    never grouped. nan and infinities are written as Python writes them."""
    found = _SPEC.fullmatch(spec)
    if found is None:
        raise ValueError(f"number format {spec!r}: the catalogue's numbers take "
                         "[width][.digits] and f, % or g")
    if not math.isfinite(x):
        return format(x, spec)
    digits = found["digits"]
    kind = found["kind"] or "g"
    if kind == "%":
        text = percent(x, lang, 6 if digits is None else int(digits))
    elif kind == "f":
        text = decimal(x, lang, 6 if digits is None else int(digits))
    else:
        text = significant(x, lang, 6 if digits is None else max(int(digits), 1))
    return text.rjust(int(found["width"] or 0))


class Local(float):
    """A number that formats itself in the conventions of its language: ``f"{x:.1%}"``
    gives 44.3% or 44,3% (see :func:`formatted`)."""

    lang: str

    def __new__(cls, x: float, lang: str) -> Local:
        made = super().__new__(cls, x)
        made.lang = check_lang(lang)
        return made

    def __format__(self, spec: str) -> str:
        return formatted(float(self), spec, self.lang)


def local(x: float, lang: str) -> Local:
    """``x`` for a template in ``lang``: its format spec is honoured with the language's
    decimal mark and thousands separator."""
    return Local(x, lang)


def symbols(lang: str) -> dict[str, str]:
    """The decimal mark and thousands separator of ``lang``, for code outside Python (the
    player's JavaScript)."""
    locale = LOCALES[check_lang(lang)]
    return {"decimal": get_decimal_symbol(locale), "group": get_group_symbol(locale)}


def plotly_separators(lang: str) -> str:
    """Plotly's ``layout.separators`` for ``lang``: the decimal mark, then the thousands
    separator (".," in English, ",." in Dutch)."""
    found = symbols(lang)
    return found["decimal"] + found["group"]


def join(items: list[str], lang: str) -> str:
    """"a, b and c" / "a, b en c"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word(GRAMMAR, 'and', lang)} {items[-1]}"


# --- small words of every table ----------------------------------------------------------

GRAMMAR: Words = {
    "and": {"en": "and", "nl": "en"},
    "points": {"en": " pp", "nl": "%-punt"},
    "interval_sep": {"en": ", ", "nl": "; "},
    "with_minus_without": {"en": "with minus without", "nl": "met min zonder"},
}
"""Words between other words: "a, b and c"; a difference of two percentages is in
percentage points ("+2.1 pp", "+2,1%-punt"); the bounds of an interval ("[a, b]", in Dutch
"[a; b]", since the comma is the decimal mark)."""

# --- reports (sim.report.html, folder, figures) -------------------------------------

REPORT: Words = {
    "title": {"en": "regiesim report", "nl": "regiesim-rapport"},
    "headline": {"en": "Headline (mean and 95% confidence interval over replications)",
                 "nl": "Kerncijfers (gemiddelde en 95%-betrouwbaarheidsinterval over "
                       "replicaties)"},
    "scenario": {"en": "Scenario", "nl": "Scenario"},
    "outcomes": {"en": "Outcomes per scenario", "nl": "Uitkomsten per scenario"},
    "differences": {"en": "Paired differences against",
                    "nl": "Gepaarde verschillen ten opzichte van"},
    "series": {"en": "Trust and tension week by week (mean over replications; shaded: "
                     "{shaded})",
               "nl": "Vertrouwen en spanning per week (gemiddelde over replicaties; gearceerd: "
                     "{shaded})"},
    "week": {"en": "Week", "nl": "Week"},
    "difference": {"en": "Difference", "nl": "Verschil"},
    "family": {"en": "Differing from the reference in: {what}",
               "nl": "Verschilt van de referentie in: {what}"},
    "family_many": {"en": "Differing from the reference in {n} settings (another kind of "
                          "municipality)",
                    "nl": "Verschilt van de referentie in {n} instellingen (een ander soort "
                          "gemeente)"},
    "family_rest": {"en": "Differing from the reference in other settings",
                    "nl": "Verschilt van de referentie op andere punten"},
    "cite": {"en": "How to cite", "nl": "Zo verwijst u naar deze resultaten"},
    "cite_text": {
        "en": "The regiesim authors, regiesim: a discrete-event simulation of directive and "
              "direction-based governance of citizen initiatives, version {version} "
              "(CITATION.cff). These results were made by {code}; the folder's "
              "manifest.json records the seeds and the scenarios in full.",
        "nl": "De auteurs van regiesim, regiesim: een discrete-eventsimulatie van sturend en "
              "regisserend bestuur van burgerinitiatieven, versie {version} (CITATION.cff). "
              "Deze resultaten zijn gemaakt met {code}; manifest.json in de map legt de "
              "seeds en de volledige scenario's vast."},
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
                    "nl": "Spanningsdrempel voor terugval"},
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
              "uncertain parameters from a calibrated posterior (digest {digest}), "
              "the same draw in every scenario: the intervals carry parametric as well as "
              "stochastic uncertainty.",
        "nl": "95%-betrouwbaarheidsintervallen over replicaties. Elke replicatie trok haar "
              "onzekere parameters uit een gekalibreerde posterior (kenmerk "
              "{digest}), in elk scenario dezelfde trekking: de intervallen bevatten dus "
              "zowel toeval als onzekerheid over de parameters."},
    "uncertainty_identified": {
        "en": "Of the {n} parameters drawn ({folder}, parameters.csv), the survey data "
              "narrowed {k}: {identified}. The other {rest} are drawn from their prior "
              "only (the data did not narrow them): {prior}.",
        "nl": "Van de {n} getrokken parameters ({folder}, parameters.csv) hebben de "
              "enquêtegegevens er {k} ingeperkt: {identified}. De andere {rest} komen "
              "alleen uit hun prior (de gegevens perkten ze niet in): {prior}."},
    "uncertainty_none_identified": {
        "en": "None of the {n} parameters drawn ({folder}, parameters.csv) was narrowed "
              "by the data: every one is drawn from its prior only.",
        "nl": "Geen van de {n} getrokken parameters ({folder}, parameters.csv) is door "
              "de gegevens ingeperkt: ze komen alle uit hun prior."},
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
    "same_role_fallback_episodes": {"en": "Tension episodes", "nl": "Spanningsepisodes"},
    "same_role_fallback_weeks": {"en": "Weeks above the tension threshold",
                                 "nl": "Weken boven de spanningsdrempel"},
    "same_role_fallback_share": {"en": "Share of runs above the tension threshold",
                                 "nl": "Aandeel runs boven de spanningsdrempel"},
    "same_role": {"en": "already directs: no fallback", "nl": "stuurt al: geen terugval"},
    "unlike_counts": {"en": "{outcome}: no difference drawn for {names}. Of the two "
                            "municipalities compared, one already directs (no fallback): "
                            "there this number counts {counted}, at the other it counts "
                            "falling back. Two different things do not subtract.",
                      "nl": "{outcome}: geen verschil getekend voor {names}. Van de twee "
                            "vergeleken gemeenten stuurt er één al (geen terugval): daar telt "
                            "dit getal {counted}, bij de andere het terugvallen. Twee "
                            "verschillende dingen trek je niet van elkaar af."},
}
"""The report's headings and explanations (outcome names come from :mod:`sim.outcomes`)."""
STYLES: Words = {
    "directive": {"en": "directive", "nl": "sturend"},
    "consultative": {"en": "consultative", "nl": "consultatief"},
    "direction": {"en": "direction-based", "nl": "regisserend"},
    "partner": {"en": "partner", "nl": "partnerschap"},
}
"""Leadership styles (``scenario.style``) as people call them."""
MANAGER_STYLES: Words = {
    "directive": {"en": "directive", "nl": "sturend"},
    "consultative": {"en": "consultative", "nl": "consultatief"},
    "conversing": {"en": "conversing", "nl": "samen converserend"},
}
"""Middle managers' styles (``middle_managers.style``) as people call them."""
STRESS: Words = {
    "length": {"en": "Run length", "nl": "Looptijd per run"},
    "length_value": {"en": "{horizon} weeks observed after a warm-up of {warmup} weeks",
                     "nl": "{horizon} weken waargenomen na een inloopperiode van {warmup} "
                           "weken"},
    "varies": {"en": "differs per scenario: {values}", "nl": "verschilt per scenario: {values}"},
    "reps": {"en": "Replications", "nl": "Replicaties"},
    "reps_value": {"en": "{reps} per scenario, base seed {seed}; replication i of every "
                         "scenario runs on the same seed (common random numbers)",
                   "nl": "{reps} per scenario, basisseed {seed}; replicatie i van elk "
                         "scenario gebruikt dezelfde seed (gemeenschappelijke "
                         "toevalsgetallen)"},
    "rng": {"en": "Random numbers", "nl": "Toevalsgetallen"},
    "rng_value": {"en": "numpy PCG64; one SeedSequence per replication, spawned from the base "
                        "seed; from it one stream per purpose with a fixed child index ({streams}; "
                        "sim/model/random.py)",
                  "nl": "numpy PCG64; één SeedSequence per replicatie, afgeleid van de "
                        "basisseed; daaruit één stroom per doel met een vaste index "
                        "({streams}; sim/model/random.py)"},
    "code": {"en": "Code", "nl": "Code"},
    "software": {"en": "Software", "nl": "Software"},
    "hardware": {"en": "Hardware", "nl": "Hardware"},
    "hardware_value": {"en": "{cpus} CPUs ({machine}), {memory} GB memory, {system}, "
                             "host {host}",
                       "nl": "{cpus} processorkernen ({machine}), {memory} GB geheugen, "
                             "{system}, computer {host}"},
    "unknown": {"en": "not recorded", "nl": "niet vastgelegd"},
    "backend": {"en": "Backend", "nl": "Rekenomgeving"},
    "time": {"en": "Run time", "nl": "Rekentijd"},
    "time_value": {"en": "{start} to {end} ({minutes} minutes)",
                   "nl": "van {start} tot {end} ({minutes} minuten)"},
    "running": {"en": "started {start}, not finished", "nl": "begonnen op {start}, niet afgerond"},
    "status": {"en": "Status", "nl": "Status"},
    "status_value": {"en": "{status}; failed runs: {failed}",
                     "nl": "{status}; mislukte runs: {failed}"},
}
"""The reproducibility block of a report (STRESS)."""
STATUS: Words = {
    "complete": {"en": "complete", "nl": "compleet"},
    "complete with failures": {"en": "complete with failures",
                               "nl": "compleet, met mislukte runs"},
    "running": {"en": "running or interrupted", "nl": "bezig of onderbroken"},
}
"""An experiment's status in the manifest, in words."""
PUBLISH: Words = {
    "differences": {"en": "Paired differences against {ref} (95% CI; * the interval excludes "
                          "0: not luck):",
                    "nl": "Gepaarde verschillen ten opzichte van {ref} (95%-BI; * 0 valt "
                          "buiten het interval: geen toeval):"},
    "scenario": {"en": "scenario", "nl": "scenario"},
    "outcome": {"en": "outcome", "nl": "uitkomst"},
    "mean": {"en": "mean [95% CI]", "nl": "gemiddelde [95%-BI]"},
    "unlike_counts": {"en": "  {outcome}: no difference for {names}: of the two compared, "
                            "one already directs (no fallback), so there this number counts "
                            "{counted}; two different things do not subtract.",
                      "nl": "  {outcome}: geen verschil voor {names}: van de twee vergeleken "
                            "gemeenten stuurt er één al (geen terugval), dus daar telt dit "
                            "getal {counted}; twee verschillende dingen trek je niet van "
                            "elkaar af."},
}
"""The headline an experiment prints on the terminal."""
CODE: Words = {
    "unknown": {"en": "unknown code (written before regiesim recorded its code identity)",
                "nl": "onbekende code (geschreven voordat regiesim de identiteit van zijn "
                      "code vastlegde)"},
    "no_git": {"en": "no git revision", "nl": "geen git-revisie"},
    "dirty": {"en": " with uncommitted changes", "nl": " met nog niet vastgelegde wijzigingen"},
    "source": {"en": "source", "nl": "broncode"},
}
"""The code identity of a run, in words (:func:`sim.provenance.describe`)."""

# --- the live dashboard --------------------------------------------------------------

CONTROLS: Words = {
    "title": {"en": "regiesim — live dashboard", "nl": "regiesim — dashboard voor de klas"},
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
"""The dashboard's controls and progress."""
LIVE: Words = {
    "numbers": {"nl": "Cijfers", "en": "Numbers"},
    "film": {"nl": "Animatie", "en": "Animation"},
    "compare": {"nl": "naast de gemeente waarmee het dashboard begon (dezelfde burgers)",
                "en": "beside the municipality the dashboard started with (the same "
                      "citizens)"},
    "setting": {"nl": "Instelling op de knoppen", "en": "Setting on the controls"},
    "start": {"nl": "Beginscenario", "en": "Starting scenario"},
    "previous": {"nl": "vorige instelling", "en": "previous setting"},
    "reference": {"nl": "Vergelijk met", "en": "Compare with"},
    "switch": {"nl": " dezelfde instelling met en zonder terugval",
               "en": " the same setting with and without fallback"},
    "pinned": {"nl": " de vastgezette instelling", "en": " the pinned setting"},
    "pin": {"nl": "Zet deze instelling vast", "en": "Pin this setting"},
    "nothing_pinned": {"nl": "Nog niets vastgezet: vergeleken wordt met en zonder terugval.",
                       "en": "Nothing pinned yet: comparing with and without fallback."},
    "pinned_as": {"nl": "Vastgezet: {style}, terugval {fallback}, drempel {threshold}.",
                  "en": "Pinned: {style}, fallback {fallback}, threshold {threshold}."},
    "on": {"nl": "aan", "en": "on"},
    "off": {"nl": "uit", "en": "off"},
    "cost_more": {"nl": "Terugvallen kost {size} meer ontevreden leden {ci}.",
                  "en": "Falling back costs {size} more dissatisfied members {ci}."},
    "cost_fewer": {"nl": "Met terugvallen zijn {size} minder leden ontevreden {ci}.",
                   "en": "With falling back, {size} fewer members are dissatisfied {ci}."},
    "pinned_more": {"nl": "Deze instelling heeft {size} meer ontevreden leden dan de "
                          "vastgezette {ci}.",
                    "en": "This setting has {size} more dissatisfied members than the "
                          "pinned one {ci}."},
    "pinned_fewer": {"nl": "Deze instelling heeft {size} minder ontevreden leden dan de "
                           "vastgezette {ci}.",
                     "en": "This setting has {size} fewer dissatisfied members than the "
                           "pinned one {ci}."},
    "no_change": {"nl": "Terugvallen verandert hier niets: deze gemeente werkt al in de "
                        "sturende rol.",
                  "en": "Falling back changes nothing here: this municipality already "
                        "works in the directing role."},
    "same": {"nl": "Deze instelling geeft dezelfde uitkomsten als de vastgezette.",
             "en": "This setting gives the same outcomes as the pinned one."},
    "pairs": {"nl": "Gepaard: {n} replicaties van dezelfde burgers in beide instellingen. "
                    "Sluit het interval 0 uit, dan is het verschil geen toeval.",
              "en": "Paired: {n} replications of the same citizens in both settings. If "
                    "the interval excludes 0, the difference is not luck."},
}
"""The dashboard's tabs and the animation tab (the player's words are :data:`PLAYER`)."""

# --- the story of a run (sim.report.narrate) ----------------------------------------

STORY: Words = {
    "opening": {
        "nl": "{style}: {regisseurs}, {managers} per afdeling ({mstyle}), {aldermen}. "
              "We volgen {weeks:.0f} weken.",
        "en": "{style}: {regisseurs}, {managers} per department ({mstyle}), {aldermen}. "
              "We follow {weeks:.0f} weeks."},
    "opening_before": {"nl": " Het verhaal begint {before:.0f} weken eerder, in week {week:.0f}, "
                             "nog in de inloopperiode.",
                       "en": " The story begins {before:.0f} weeks earlier, in week {week:.0f}, "
                             "still in the warm-up."},
    "fallen_since": {"nl": "De gemeente is al teruggevallen in de sturende rol (sinds week "
                           "{week:.0f}).",
                     "en": "The municipality has already fallen back into the directing role "
                           "(since week {week:.0f})."},
    "above_since": {"nl": "De spanning staat al boven de drempel (sinds week {week:.0f}).",
                    "en": "Tension is already above the threshold (since week {week:.0f})."},
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
    "fallback_start_same": {"nl": "De spanning loopt op tot {value:.2f}: een spanningsepisode "
                                  "begint. Deze gemeente stuurt al: terugvallen in de sturende "
                                  "rol verandert niets aan haar werkwijze.",
                            "en": "Tension reaches {value:.2f}: a tension episode begins. This "
                                  "municipality already directs: falling back into the "
                                  "directing role changes nothing in how it works."},
    "fallback_end_same": {"nl": "De spanning is gezakt tot {value:.2f}: de spanningsepisode is "
                                "voorbij.",
                          "en": "Tension has eased to {value:.2f}: the tension episode is "
                                "over."},
    "lose_mandate": {"nl": ", regisseurs zonder mandaat", "en": ", regisseurs without a mandate"},
    "withdrawn": {"nl": "; de gemeente stapt uit {roles}", "en": "; it gives up {roles}"},
    "sign": {"nl": "Waarschuwingssignaal: {sign} Dat ondermijnt {condition}.",
             "en": "Warning sign: {sign} That undermines {condition}."},
    "fallback_end": {"nl": "De spanning is gezakt ({value:.2f}): de gemeente pakt haar eigen "
                           "rol weer op.",
                     "en": "Tension has eased ({value:.2f}): the municipality takes up its own "
                           "role again."},
    "election": {"nl": "Gemeenteraadsverkiezingen.", "en": "Elections."},
    "runup": {"nl": "De aanloop naar de verkiezingen begint: de politieke druk neemt vanaf nu "
                    "elke week toe.",
              "en": "The run-up to the elections begins: from now on political pressure "
                    "rises every week."},
    "quarter": {"nl": "Kwartaal {q}: {arrived}, {success} geslaagd, "
                      "{dropout} afgehaakt, {rejected} afgewezen; vertrouwen {trust:.0%}, "
                      "spanning {tension:.2f}.",
                "en": "Quarter {q}: {arrived}, {success} succeeded, "
                      "{dropout} gave up, {rejected} turned down; trust {trust:.0%}, "
                      "tension {tension:.2f}."},
    "new_1": {"nl": "1 nieuw initiatief", "en": "1 new initiative"},
    "new_n": {"nl": "{n} nieuwe initiatieven", "en": "{n} new initiatives"},
    "closing": {"nl": "Einde: {arrivals} initiatieven, waarvan {finished} afgerond: "
                      "{successes} geslaagd ({rate:.0%} van de afgeronde), de rest nog "
                      "onderweg; {dis:.0%} van de leden ontevreden en {sat:.0%} tevreden; "
                      "{fell}.",
                "en": "The end: {arrivals} initiatives, {finished} of them finished: "
                      "{successes} succeeded ({rate:.0%} of the finished), the rest still "
                      "under way; {dis:.0%} of the members dissatisfied and {sat:.0%} "
                      "satisfied; {fell}."},
    "fell_0": {"nl": "de gemeente is niet teruggevallen",
               "en": "the municipality never fell back"},
    "fell_1": {"nl": "de gemeente viel één keer terug ({weeks:.0f} weken)",
               "en": "the municipality fell back once ({weeks:.0f} weeks)"},
    "fell_n": {"nl": "de gemeente viel {n} keer terug ({weeks:.0f} weken)",
               "en": "the municipality fell back {n} times ({weeks:.0f} weeks)"},
    "crossed_0": {"nl": "de spanning bleef onder de drempel",
                  "en": "tension stayed below the threshold"},
    "crossed_1": {"nl": "één spanningsepisode ({weeks:.0f} weken boven de drempel); deze "
                        "gemeente stuurt al, terugvallen verandert niets",
                  "en": "one tension episode ({weeks:.0f} weeks above the threshold); this "
                        "municipality already directs, falling back changes nothing"},
    "crossed_n": {"nl": "{n} spanningsepisodes ({weeks:.0f} weken boven de drempel); deze "
                        "gemeente stuurt al, terugvallen verandert niets",
                  "en": "{n} tension episodes ({weeks:.0f} weeks above the threshold); this "
                        "municipality already directs, falling back changes nothing"},
    "again": {"nl": " (voor de {nth} keer)", "en": " (for the {nth} time)"},
    "again_comma": {"nl": ", voor de {nth} keer", "en": ", for the {nth} time"},
    "week": {"nl": "week", "en": "week"},
    "waits": {"nl": " wacht op ", "en": " waits for "},
    "waits_again": {"nl": " wacht opnieuw op ", "en": " waits again for "},
}
"""The sentences of the story, one per kind of event."""
SIGNS: Words = {
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
CONDITIONS: Words = {
    "clear_frames": {"nl": "de heldere kaders", "en": "clear frames"},
    "clear_process": {"nl": "het heldere proces", "en": "the clear process"},
    "dialogue": {"nl": "de dialoog", "en": "dialogue"},
    "feedback": {"nl": "de feedbackcultuur", "en": "the feedback culture"},
}
"""The four conditions of 004 inside a sentence."""
ROLES: Words = {
    "autonomous": {"nl": "de autonome rol", "en": "the autonomous role"},
    "regie": {"nl": "de regierol", "en": "the regie role"},
    "support": {"nl": "de supportrol", "en": "the supporting role"},
    "symbol": {"nl": "de symboolrol", "en": "the symbolic role"},
    "partner": {"nl": "de partnerrol", "en": "the partner role"},
}
"""The five roles of 004 inside a sentence."""

# --- the classroom player (sim.report.animate, animate.js) --------------------------

PLAYER: Words = {
    "title": {"nl": "Hoe de gemeente met initiatieven werkt", "en":
              "How the municipality works with initiatives"},
    "play": {"nl": "▶ Afspelen", "en": "▶ Play"},
    "pause": {"nl": "‖ Pauze", "en": "‖ Pause"},
    "step": {"nl": "Een week verder ▸", "en": "Next week ▸"},
    "restart": {"nl": "↺ Opnieuw", "en": "↺ Restart"},
    "speed": {"nl": "Snelheid", "en": "Speed"},
    "week": {"nl": "Week", "en": "Week"},
    "of": {"nl": "van", "en": "of"},
    "queue": {"nl": "in de rij", "en": "in the queue"},
    "approval": {"nl": "wacht op handtekening", "en": "waiting for a signature"},
    "college": {"nl": "wacht op het college", "en": "waiting for the college"},
    "waiting_for": {"nl": "wacht op:", "en": "waiting for:"},
    "approval_short": {"nl": "handtekening", "en": "signature"},
    "college_short": {"nl": "college", "en": "college"},
    "frustration": {"nl": "Frustratie", "en": "Frustration"},
    "from_to": {"nl": "0%", "en": "0%"},
    "tension": {"nl": "Spanning", "en": "Tension"},
    "threshold": {"nl": "drempel", "en": "threshold"},
    "fallback": {"nl": "Teruggevallen in de sturende rol",
                 "en": "Fallen back into the directing role"},
    "fallback_same": {"nl": "Spanning boven de drempel – deze gemeente stuurt al",
                      "en": "Tension above the threshold – this municipality already directs"},
    "regisseurs_1": {"nl": "Regisseurs begeleiden 1 initiatief",
                     "en": "Regisseurs guide 1 initiative"},
    "regisseurs": {"nl": "Regisseurs begeleiden {n} initiatieven",
                   "en": "Regisseurs guide {n} initiatives"},
    "regisseur_line": {"nl": "regisseur als vast aanspreekpunt",
                       "en": "regisseur as single point of contact"},
    "network_line": {"nl": "netwerk van initiatieven", "en": "network of initiatives"},
    "absent": {"nl": "meldde zich bij de andere gemeente, hier niet",
               "en": "came forward in the other municipality, not here"},
    "absent_short": {"nl": "meldde zich hier niet", "en": "not here"},
    "follow_hint": {"nl": "Klik op een stip om dat initiatief te volgen.",
                    "en": "Click a dot to follow that initiative."},
    "not_here": {"nl": "Dit initiatief meldde zich bij deze gemeente niet.",
                 "en": "This initiative did not come forward in this municipality."},
    "warmup": {"nl": "inloopperiode", "en": "warm-up"},
    "ended": {"nl": "Einde van deze run", "en": "End of this run"},
    "pause_fallback": {"nl": "Pauzeer bij terugval", "en": "Pause at a fallback"},
    "not_linked": {"nl": "Andere burgers in deze gemeente: dit initiatief is hier niet te "
                         "volgen.",
                   "en": "Other citizens in this municipality: this initiative cannot be "
                         "followed here."},
    "news": {"nl": "In de gemeente", "en": "In the municipality"},
    "followed": {"nl": "Gevolgd", "en": "Following"},
    "with_fallback": {"nl": "valt terug onder druk", "en": "falls back under pressure"},
    "without_fallback": {"nl": "valt niet terug", "en": "does not fall back"},
    "same_role": {"nl": "terugvallen verandert niets", "en": "falling back changes nothing"},
    "style": {"nl": "stijl", "en": "style"},
    "seed": {"nl": "seed", "en": "seed"},
    "same_citizens": {"nl": "Dezelfde burgers (seed {seed}) bij twee gemeenten: wie zich bij "
                            "beide meldt, doet dat op hetzelfde moment met hetzelfde plan.",
                      "en": "The same citizens (seed {seed}) meeting two municipalities: "
                            "whoever comes forward in both does so at the same moment with "
                            "the same plan."},
    "other_citizens_1": {"nl": "Twee gemeenten op seed {seed}, maar niet met dezelfde "
                               "burgers: {keys} verschilt, dus wie zich meldt en wanneer "
                               "verschilt ook. Vergelijk de aantallen, niet de stippen.",
                         "en": "Two municipalities on seed {seed}, but not with the same "
                               "citizens: {keys} differs, so who comes forward and when "
                               "differs too. Compare the counts, not the dots."},
    "other_citizens_n": {"nl": "Twee gemeenten op seed {seed}, maar niet met dezelfde "
                               "burgers: {keys} verschillen, dus wie zich meldt en wanneer "
                               "verschilt ook. Vergelijk de aantallen, niet de stippen.",
                         "en": "Two municipalities on seed {seed}, but not with the same "
                               "citizens: {keys} differ, so who comes forward and when "
                               "differs too. Compare the counts, not the dots."},
    "one_run": {"nl": "Eén run, seed {seed}.", "en": "One run, seed {seed}."},
    "made": {"nl": "Gemaakt met regiesim", "en": "Made by regiesim"},
}
"""The player's own words (stage and outcome names come from :mod:`sim.outcomes`)."""
SIGNS_SHORT: Words = {
    "internal_information": {"nl": "Informatie blijft binnen", "en": "Information kept inside"},
    "cuts_without_consultation": {"nl": "Bezuinigd zonder overleg",
                                  "en": "Cuts without consultation"},
    "blaming_partners": {"nl": "Schuld bij partners", "en": "Blaming partners"},
    "figures_over_stories": {"nl": "Kengetallen boven verhalen", "en": "Figures over stories"},
    "feedback_as_criticism": {"nl": "Feedback als kritiek", "en": "Feedback as criticism"},
}
"""The warning signs of 004 as the labels above a panel (the news tells them in full)."""
CLI: Words = {
    "report": {"en": "report written to", "nl": "rapport geschreven naar"},
    "plot": {"en": "plot written to", "nl": "figuur geschreven naar"},
    "animation": {"en": "animation written to", "nl": "animatie geschreven naar"},
    "outcomes": {"en": "Outcomes of a run (columns of runs.parquet) and weekly series",
                 "nl": "Uitkomsten van een run (kolommen van runs.parquet) en weekreeksen"},
}
"""What the commands with ``--lang`` say on the terminal: a file written, the heading of
``regiesim outcomes``."""
PROGRESS: Words = {
    "runs": {"en": "runs", "nl": "runs"},
    "line": {"en": "{label}: {done}/{total} done, {rate:.1f} runs/s, about {left:.0f} s left",
             "nl": "{label}: {done} van {total} klaar, {rate:.1f} runs per seconde, nog "
                   "ongeveer {left:.0f} s"},
    "rate": {"en": "{rate:.1f} runs/s", "nl": "{rate:.1f} runs per seconde"},
}
"""The progress of a batch on the terminal (:class:`sim.experiment.progress.BatchProgress`)."""
BATCH: Words = {
    "start": {"en": "{scenarios} scenario(s) x {reps} replications = {total} runs -> {out} "
                    "({backend}; model: {model})",
              "nl": "{scenarios} scenario('s) × {reps} replicaties = {total} runs → {out} "
                    "({backend}; model: {model})"},
    "done": {"en": "done: {runs} runs in {runs_file}, weekly series in {series_file}, "
                   "provenance in {manifest_file}",
             "nl": "klaar: {runs} runs in {runs_file}, weekreeksen in {series_file}, "
                   "herkomst in {manifest_file}"},
    "written": {"en": "written {files} in {folder}; next: {compare}  |  {report}",
                "nl": "geschreven: {files} in {folder}; volgende stap: {compare}  |  {report}"},
    "large": {"en": "[yellow]warning[/] large: {warning}",
              "nl": "[yellow]waarschuwing[/] groot: {warning}"},
    "round_met": {"en": "{done} replications done; every target is met",
                  "nl": "{done} replicaties klaar; elk doel is gehaald"},
    "round": {"en": "{done} replications done; {missing} of {targets} target(s) not met, "
                    "the hardest: {worst}",
              "nl": "{done} replicaties klaar; {missing} van {targets} doel(en) niet gehaald, "
                    "het lastigste: {worst}"},
    "reached": {"en": "precision reached for every target ({file})",
                "nl": "precisie gehaald voor elk doel ({file})"},
    "missed": {"en": "[bold yellow]precision not reached[/] for {missed} target(s) (all in "
                     "{file}):",
               "nl": "[bold yellow]precisie niet gehaald[/] voor {missed} doel(en) (alle in "
                     "{file}):"},
    "near_zero": {"en": "  a mean near zero has no relative precision: give an absolute "
                        "half-width with --absolute",
                  "nl": "  een gemiddelde bij nul heeft geen relatieve precisie: geef een "
                        "absolute halve breedte met --absolute"},
    "miss": {"en": "{outcome} of {target}: half-width {half} > target {width} (mean {mean}, "
                   "n = {n}); {reach}",
             "nl": "{outcome} van {target}: halve breedte {half} > doel {width} (gemiddelde "
                   "{mean}, n = {n}); {reach}"},
    "needs": {"en": "needs about {needed}", "nl": "vraagt ongeveer {needed}"},
    "out_of_reach": {"en": "needs about {needed}, more than the limit of {max_reps}: out of "
                           "reach",
                     "nl": "vraagt ongeveer {needed}, meer dan de grens van {max_reps}: "
                           "buiten bereik"},
    "resuming": {"en": "resuming {out}: {kept} of {total} runs already stored, {todo} to run",
                 "nl": "verder in {out}: {kept} van {total} runs al opgeslagen, nog {todo} "
                       "te draaien"},
    "quarantined": {"en": "{n} damaged file(s) moved into {folder} ({error}); their runs "
                          "run again",
                    "nl": "{n} beschadigd(e) bestand(en) verplaatst naar {folder} ({error}); "
                          "hun runs draaien opnieuw"},
    "skipped": {"en": "[yellow]skipped {n} invalid file(s)[/] (listed in {file} under "
                      "skipped_files):",
                "nl": "[yellow]{n} ongeldig(e) bestand(en) overgeslagen[/] (vermeld in {file} "
                      "onder skipped_files):"},
}
"""What ``regiesim batch`` says as it starts and when its runs are in (``--lang``)."""
SENSITIVITY: Words = {
    "morris": {"en": "Morris screening", "nl": "Morris-screening"},
    "sobol": {"en": "Sobol indices", "nl": "Sobol-indices"},
    "noise": {"en": "Replication noise", "nl": "Ruis tussen replicaties"},
    "noise_text": {"en": "noise_share: the replication variance of a point mean over the "
                         "variance of the point means across the design.",
                   "nl": "Aandeel ruis: de variantie van een puntgemiddelde die van de "
                         "replicaties komt, gedeeld door de variantie van de "
                         "puntgemiddelden over het hele ontwerp."},
    "indices": {"en": "Indices", "nl": "Indices"},
    "mu_star_axis": {"en": "μ* (mean |elementary effect| per range)",
                     "nl": "μ* (gemiddeld |elementair effect| per bereik)"},
    "morris_note": {"en": "{parameters} parameters, {trajectories} trajectories, {levels} "
                          "levels, {reps} replications per point (common random numbers).",
                    "nl": "{parameters} parameters, {trajectories} trajecten, {levels} "
                          "niveaus, {reps} replicaties per punt (gemeenschappelijke "
                          "toevalsgetallen)."},
    "sobol_note": {"en": "Top {parameters} parameters by Morris μ*; Saltelli base size "
                         "{samples}; {reps} replications per point.",
                   "nl": "De {parameters} belangrijkste parameters volgens Morris' μ*; "
                         "Saltelli-basisgrootte {samples}; {reps} replicaties per punt."},
    "derived_note": {"en": "{outcome}: every design point runs with and without, on the "
                           "same seeds; each value is with minus without, in the outcome's "
                           "unit (for a share, 0.01 is 1 percentage point).",
                     "nl": "{outcome}: elk punt van het ontwerp draait met en zonder, op "
                           "dezelfde seeds; elke waarde is met min zonder, in de eenheid "
                           "van de uitkomst (bij een aandeel is 0,01 één procentpunt)."},
    "top": {"en": "{outcome}: top {k} by {index} (95% CI half-width); noise share {share}",
            "nl": "{outcome}: de {k} belangrijkste volgens {index} (halve breedte van het "
                  "95%-interval); aandeel ruis {share}"},
    "written": {"en": "written {files}", "nl": "geschreven: {files}"},
    "morris_start": {"en": "Morris: {parameters} parameters x {trajectories} trajectories x "
                           "{reps} replications ({skipped} skipped: see parameters.csv)",
                     "nl": "Morris: {parameters} parameters × {trajectories} trajecten × "
                           "{reps} replicaties ({skipped} overgeslagen: zie "
                           "parameters.csv)"},
    "sobol_start": {"en": "Sobol on the top {k}: {names}",
                    "nl": "Sobol op de {k} belangrijkste: {names}"},
    "sampled": {"en": "{n} sample points -> {file}", "nl": "{n} steekproefpunten → {file}"},
    "sampled_title": {"en": "Sobol indices (first order S1, total ST; 95% CI)",
                      "nl": "Sobol-indices (eerste orde S1, totaal ST; 95%-interval)"},
    "prim": {"en": "PRIM box of the points in the {tail} quarter of {outcome}: {limits}; "
                   "coverage {coverage}, density {density}",
             "nl": "PRIM-box van de punten in het {tail} kwart van {outcome}: {limits}; "
                   "dekking {coverage}, dichtheid {density}"},
    "prim_none": {"en": "PRIM: no box restricts a parameter for {outcome}",
                  "nl": "PRIM: geen box die een parameter beperkt voor {outcome}"},
    "high": {"en": "highest", "nl": "hoogste"},
    "low": {"en": "lowest", "nl": "laagste"},
    "between": {"en": "{name} between {low} and {high}",
                "nl": "{name} tussen {low} en {high}"},
    "outcome": {"en": "outcome", "nl": "uitkomst"},
    "parameter": {"en": "parameter", "nl": "parameter"},
    "reps": {"en": "reps", "nl": "replicaties"},
    "noise_variance": {"en": "noise_variance", "nl": "ruisvariantie"},
    "total_variance": {"en": "total_variance", "nl": "totale variantie"},
    "noise_share": {"en": "noise_share", "nl": "aandeel ruis"},
    "mu": {"en": "mu", "nl": "μ"},
    "mu_star": {"en": "mu_star", "nl": "μ*"},
    "sigma": {"en": "sigma", "nl": "σ"},
    "mu_star_conf": {"en": "mu_star_conf", "nl": "μ* ± (95%)"},
    "mu_star_low": {"en": "mu_star_low", "nl": "μ* ondergrens"},
    "mu_star_high": {"en": "mu_star_high", "nl": "μ* bovengrens"},
    "S1": {"en": "S1", "nl": "S1"},
    "S1_conf": {"en": "S1_conf", "nl": "S1 ± (95%)"},
    "S1_low": {"en": "S1_low", "nl": "S1 ondergrens"},
    "S1_high": {"en": "S1_high", "nl": "S1 bovengrens"},
    "ST": {"en": "ST", "nl": "ST"},
    "ST_conf": {"en": "ST_conf", "nl": "ST ± (95%)"},
    "ST_low": {"en": "ST_low", "nl": "ST ondergrens"},
    "ST_high": {"en": "ST_high", "nl": "ST bovengrens"},
}
"""The sensitivity study's page (:mod:`sim.report.sensitivity`) and its lines on the
terminal (``regiesim sensitivity --lang``): headings, notes, the tables' columns (English
keeps the stored column names), PRIM's box."""
CALIBRATION: Words = {
    "start": {"en": "ABC-SMC of {file} over {n} parameters: {populations} populations of "
                    "{particles} particles, {reps} replication(s) each -> {out}",
              "nl": "ABC-SMC van {file} over {n} parameters: {populations} populaties van "
                    "{particles} deeltjes, replicaties per deeltje: {reps} → {out}"},
    "done": {"en": "done: posterior in {posterior}, report in {report} ({simulations} "
                   "simulations)",
             "nl": "klaar: posterior in {posterior}, rapport in {report} ({simulations} "
                   "simulaties)"},
    "start_rejection": {"en": "rejection ABC of {file} over {n} parameters: the {particles} "
                              "closest of {total} draws from the prior, {reps} "
                              "replication(s) each -> {out}",
                        "nl": "ABC met verwerping van {file} over {n} parameters: de "
                              "{particles} dichtstbijzijnde van {total} trekkingen uit de "
                              "prior, replicaties per trekking: {reps} → {out}"},
    "resuming": {"en": "resuming: {done} of {populations} populations done",
                 "nl": "verder: {done} van {populations} populaties al klaar"},
    "resuming_draws": {"en": "resuming: {done} of {total} draws from the prior done",
                       "nl": "verder: {done} van {total} trekkingen uit de prior al klaar"},
    "draws": {"en": "rejection ABC: {done} of {total} draws from the prior",
              "nl": "ABC met verwerping: {done} van {total} trekkingen uit de prior"},
    "kept": {"en": "kept the {particles} closest of {total} draws (tolerance {epsilon:.2f})",
             "nl": "de {particles} dichtstbijzijnde van {total} trekkingen gehouden "
                   "(tolerantie {epsilon:.2f})"},
    "posterior": {"en": "posterior: {n} particles, effective sample size {ess:.1f}",
                  "nl": "posterior: {n} deeltjes, effectieve steekproefomvang {ess:.1f}"},
    "check": {"en": "{pattern} ({role}): posterior predictive median {median:.3f} [90%: "
                    "{low:.3f}, {high:.3f}], target {target:g}, {share:.0%} of draws match",
              "nl": "{pattern} – {role}: mediaan van de voorspelling uit de posterior "
                    "{median:.3f} [90%: {low:.3f}; {high:.3f}], doel {target:g}, "
                    "{share:.0%} van de trekkingen klopt"},
    "population": {"en": "population {t}: tolerance {epsilon}",
                   "nl": "populatie {t}: tolerantie {epsilon}"},
    "calibrate": {"en": "calibrate", "nl": "kalibratie"},
    "validate": {"en": "validate", "nl": "toetsing achteraf"},
    "dissatisfied_44": {"en": "dissatisfied_44",
                        "nl": "44% ontevreden (Nationale ombudsman)"},
    "satisfied_33": {"en": "satisfied_33", "nl": "33% tevreden (Nationale ombudsman)"},
    "fallback_often": {"en": "fallback_often",
                       "nl": "regiegemeenten vallen vaak terug (004)"},
    "dissatisfied_not_turned_down": {"en": "dissatisfied_not_turned_down",
                                     "nl": "ontevreden zonder afwijzing (Rekenkamer "
                                           "Amsterdam)"},
    "work_inside_harder": {"en": "work_inside_harder",
                           "nl": "werken in de eigen organisatie is lastiger (001)"},
    "title": {"en": "ABC-SMC calibration", "nl": "Kalibratie met ABC-SMC"},
    "posterior_heading": {"en": "Posterior (last population, weighted)",
                          "nl": "Posterior (laatste populatie, gewogen)"},
    "posterior_text": {"en": "{n} particles; effective sample size {ess:.1f} (Kish). The "
                             "quantiles rest on about that many distinct parameter sets.",
                       "nl": "{n} deeltjes; effectieve steekproefomvang {ess:.1f} (Kish). "
                             "De kwantielen rusten op ongeveer zoveel verschillende "
                             "combinaties van parameterwaarden."},
    "checks_heading": {"en": "Posterior predictive checks",
                       "nl": "Toetsing van de voorspellingen uit de posterior"},
    "populations_heading": {"en": "Populations", "nl": "Populaties"},
    "parameter": {"en": "parameter", "nl": "parameter"},
    "mean": {"en": "mean", "nl": "gemiddelde"},
    "sd": {"en": "sd", "nl": "standaardafwijking"},
    "q05": {"en": "q05", "nl": "5%-kwantiel"},
    "q50": {"en": "q50", "nl": "mediaan"},
    "q95": {"en": "q95", "nl": "95%-kwantiel"},
    "pattern": {"en": "pattern", "nl": "patroon"},
    "outcome": {"en": "outcome", "nl": "uitkomst"},
    "role": {"en": "role", "nl": "rol"},
    "target": {"en": "target", "nl": "doel"},
    "low": {"en": "low", "nl": "ondergrens"},
    "high": {"en": "high", "nl": "bovengrens"},
    "median": {"en": "median", "nl": "mediaan"},
    "share_matching": {"en": "share_matching", "nl": "aandeel dat klopt"},
    "t": {"en": "t", "nl": "populatie"},
    "epsilon": {"en": "epsilon", "nl": "tolerantie"},
    "samples": {"en": "samples", "nl": "simulaties"},
    "particles": {"en": "particles", "nl": "deeltjes"},
    "wall_time": {"en": "wall_time", "nl": "rekentijd in seconden"},
    "population_end_time": {"en": "population_end_time", "nl": "klaar op"},
}
"""What ``regiesim calibrate --lang`` says on the terminal and writes in its report.html:
the lines of the calibration, the patterns by name (English keeps their keys), the
headings and the tables' columns (English keeps the stored column names)."""
VOI: Words = {
    "start": {"en": "value of information over {posterior}: every particle x {reps} run(s) "
                    "of {population} -> {out}",
              "nl": "waarde van informatie over {posterior}: per deeltje {reps} keer "
                    "{population} gedraaid → {out}"},
    "progress": {"en": "particles: {done} of {total}", "nl": "deeltjes: {done} van {total}"},
    "title": {"en": "What to measure next: falling back's part of the national dissatisfied",
              "nl": "Wat als eerste meten: het deel van de ontevredenen in het land dat door "
                    "terugvallen komt"},
    "measurement": {"en": "measurement", "nl": "meting"},
    "n": {"en": "n", "nl": "n"},
    "unit": {"en": "unit", "nl": "eenheid"},
    "now": {"en": "90% width now", "nl": "breedte 90%-interval nu"},
    "after": {"en": "after", "nl": "na de meting"},
    "narrows": {"en": "narrows by", "nl": "smaller met"},
    "points": {"en": " pts", "nl": "%-punt"},
    "done": {"en": "done: {voi} and {particles}", "nl": "klaar: {voi} en {particles}"},
    "dissatisfied_direction": {"en": "dissatisfied_direction",
                               "nl": "ontevreden in regiegemeenten"},
    "dissatisfied_broken": {"en": "dissatisfied_broken",
                            "nl": "ontevreden na een verbroken partnerschap"},
    "weeks_to_decision": {"en": "weeks_to_decision", "nl": "weken tot een besluit"},
    "three_departments": {"en": "three_departments", "nl": "langs drie of meer afdelingen"},
    "partner_like": {"en": "partner_like", "nl": "gemeenten die als partner werken"},
    "members": {"en": "members", "nl": "leden"},
    "municipalities": {"en": "municipalities", "nl": "gemeenten"},
    "initiatives": {"en": "initiatives", "nl": "initiatieven"},
}
"""What ``regiesim value-of-information --lang`` says on the terminal: its lines, the
table's title and columns, each measurement by name (English keeps the keys ``--n``
takes) and its unit."""
DERIVED: Words = {
    "fallback_cost": {"en": "fallback's cost in {outcome}",
                      "nl": "kosten van terugvallen in {outcome}"},
}
"""Outcomes derived from two arms of every point (``fallback_cost:share_dissatisfied``,
:data:`sim.experiment.exploration.CONTRASTS`): each contrast's name as people read it
(the sign of the difference is :data:`GRAMMAR`'s ``with_minus_without``)."""
OPENING: Words = {
    "directive": {"en": "A municipality in the 'directive' style",
                  "nl": "Een sturende gemeente"},
    "consultative": {"en": "A municipality in the 'consultative' style",
                     "nl": "Een consultatieve gemeente"},
    "direction": {"en": "A municipality in the 'direction-based' style",
                  "nl": "Een regisserende gemeente"},
    "partner": {"en": "A municipality in the 'partner' style",
                "nl": "Een gemeente die als partner werkt"},
    "other": {"en": "A municipality in the '{style}' style",
              "nl": "Een gemeente in de stijl {style}"},
}
"""How the story's opening names the municipality's style (``other``: a style without
a name of its own)."""
PHASES: Words = {
    "signal": {"en": "signal", "nl": "signaleringsfase"},
    "intake": {"en": "intake", "nl": "intakefase"},
    "handoffs": {"en": "handoffs", "nl": "doorverwijsfase"},
    "dialogue": {"en": "dialogue", "nl": "dialoogfase"},
    "decision": {"en": "decision", "nl": "besluitfase"},
    "realisation": {"en": "realisation", "nl": "uitvoeringsfase"},
}
"""The stages inside a sentence: "at the {stage} stage", "in de {stage}"."""

LISTS: dict[str, dict[str, tuple[str, ...]]] = {
    "initiative_kinds": {
        "nl": ("Buurtmoestuin", "Repaircafé", "Speeltuin", "Energiecoöperatie", "Taalcafé",
               "Buurthuis", "Voedselbank", "Zorgcoöperatie", "Boomplantactie", "Wijkfeest",
               "Jongerenpodium", "Buurtbus", "Ontmoetingsbankje", "Kunstroute",
               "Klussendienst"),
        "en": ("Community garden", "Repair café", "Playground", "Energy cooperative",
               "Language café", "Community centre", "Food bank", "Care cooperative",
               "Tree planting", "Street party", "Youth stage", "Neighbourhood bus",
               "Meeting bench", "Art trail", "Odd-job service"),
    },
    "ordinals": {
        "nl": ("eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste",
               "negende", "tiende", "elfde", "twaalfde", "dertiende", "veertiende",
               "vijftiende", "zestiende", "zeventiende", "achttiende", "negentiende",
               "twintigste"),
        "en": ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
               "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
               "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
               "twentieth"),
    },
}
"""Word lists, the same length in every language: the kinds of initiative that name
them (the same index in either language) and the ordinals 1 to 20."""
PLACES: tuple[str, ...] = (
    "De Linde", "Het Anker", "De Eik", "Oosterpark", "De Vlinder", "Zonnehoek", "De Molen",
    "Het Baken", "Westwijk", "De Hoven", "Lindenhof", "De Esch", "Het Veld", "Kerkbuurt",
    "De Brink", "Rivierwijk", "Het Hofje", "De Akker", "Noorderlicht", "De Kade")
"""The places that name initiatives ("Buurtmoestuin De Linde"), in either language."""


def listed(name: str, lang: str) -> tuple[str, ...]:
    """The word list ``name`` of :data:`LISTS` in ``lang``."""
    return LISTS[name][check_lang(lang)]


# --- the flagship's answers (experiments/fallback.py, headline.csv) -------------------

HEADLINE: Words = {
    "title": {"en": "The answer", "nl": "Het antwoord"},
    "intro": {"en": "What falling back costs, over the national calibration's posterior "
                    "(calibration/national): each replication draws its parameters and "
                    "its mix of municipalities, the same in every kind and its twin without "
                    "fallback.",
              "nl": "Wat terugvallen kost, over de posterior van de landelijke kalibratie "
                    "(calibration/national): elke replicatie trekt haar parameters en haar "
                    "mix van gemeenten, dezelfde in elke soort gemeente en in haar tweeling "
                    "zonder terugval."},
    "claim": {"en": "Claim", "nl": "Uitspraak"},
    "estimate": {"en": "Estimate", "nl": "Schatting"},
    "interval": {"en": "Interval", "nl": "Interval"},
    "national_dissatisfied": {"en": "Share dissatisfied, nationally",
                              "nl": "Aandeel ontevreden, landelijk"},
    "fallback_cost_national": {"en": "What falling back costs nationally (with minus "
                                     "without)",
                               "nl": "Wat terugvallen landelijk kost (met min zonder)"},
    "fallback_part_national": {"en": "Falling back's part of the nation's dissatisfied",
                               "nl": "Deel van de landelijk ontevredenen door terugvallen"},
    "breach_members": {"en": "Members whose partnership a fallback broke: dissatisfied, "
                             "with minus without (direction-based, fixed parameters)",
                       "nl": "Leden van wie een terugval het partnerschap verbrak: "
                             "ontevreden, met min zonder (regisserend, vaste parameters)"},
    "style_consultative": {"en": "Consultative minus directive, share dissatisfied",
                           "nl": "Consultatief min sturend, aandeel ontevreden"},
    "style_direction-based": {"en": "Direction-based minus directive, share dissatisfied",
                              "nl": "Regisserend min sturend, aandeel ontevreden"},
    "style_partner": {"en": "Partner minus directive, share dissatisfied",
                      "nl": "Partnerschap min sturend, aandeel ontevreden"},
    "lever_conditions": {"en": "Lever, the four conditions met in full: fallback's national "
                               "cost it takes away (without minus with the lever)",
                         "nl": "Hefboom, de vier voorwaarden volledig vervuld: wat het "
                               "wegneemt van wat terugvallen landelijk kost (zonder min met "
                               "de hefboom)"},
    "lever_mandate": {"en": "Lever, regisseurs keep their mandate in a fallback: fallback's "
                            "national cost it takes away",
                      "nl": "Hefboom, regisseurs houden hun mandaat bij terugval: wat het "
                            "wegneemt van wat terugvallen landelijk kost"},
    "lever_conversing": {"en": "Lever, managers keep conversing in a fallback: fallback's "
                               "national cost it takes away",
                         "nl": "Hefboom, managers blijven converseren bij terugval: wat het "
                               "wegneemt van wat terugvallen landelijk kost"},
    "lever_signs_heeded": {"en": "Lever, the warning signs heeded: fallback's national cost "
                                 "it takes away",
                           "nl": "Hefboom, de waarschuwingssignalen serieus genomen: wat het "
                                 "wegneemt van wat terugvallen landelijk kost"},
    "name_conditions": {"en": "the four conditions", "nl": "de vier voorwaarden"},
    "name_mandate": {"en": "mandate kept", "nl": "mandaat behouden"},
    "name_conversing": {"en": "conversing managers", "nl": "converserende managers"},
    "name_signs_heeded": {"en": "warning signs heeded", "nl": "signalen serieus genomen"},
    "levers_title": {"en": "Which lever protects most against falling back",
                     "nl": "Welke hefboom het best beschermt tegen terugvallen"},
    "levers_intro": {"en": "Each lever runs in every kind of municipality that can fall "
                           "back, with fallback and without, on the same seeds and posterior "
                           "draws. Its protection is fallback's national cost without it "
                           "minus with it (percentage points of the share dissatisfied); its "
                           "regret in a replication is the best lever's protection there "
                           "minus its own. A lever that is best by both ranks is robust to "
                           "what the posterior leaves open.",
                     "nl": "Elke hefboom draait in elke soort gemeente die kan terugvallen, "
                           "met en zonder terugval, op dezelfde seeds en posteriortrekkingen. "
                           "Zijn bescherming is wat terugvallen landelijk kost zonder de "
                           "hefboom min met de hefboom (procentpunten van het aandeel "
                           "ontevreden); zijn spijt in een replicatie is de bescherming van "
                           "de beste hefboom daar min die van hemzelf. Een hefboom die op "
                           "beide ranglijsten bovenaan staat, is robuust voor wat de "
                           "posterior openlaat."},
    "lever": {"en": "Lever", "nl": "Hefboom"},
    "protection": {"en": "Protection (95% CI)", "nl": "Bescherming (95%-BI)"},
    "mean_regret": {"en": "Mean regret", "nl": "Gemiddelde spijt"},
    "max_regret": {"en": "Largest regret", "nl": "Grootste spijt"},
    "best_share": {"en": "Best in (share of draws)", "nl": "Beste in (aandeel trekkingen)"},
    "rank_expected": {"en": "Rank, expected", "nl": "Rang, verwacht"},
    "rank_regret": {"en": "Rank, regret", "nl": "Rang, spijt"},
    "ranking": {"en": "Levers against fallback's cost, by expected protection: {expected}. "
                      "By largest regret over the posterior (the most robust first): "
                      "{regret}.",
                "nl": "Hefbomen tegen wat terugvallen kost, naar verwachte bescherming: "
                      "{expected}. Naar grootste spijt over de posterior (de robuustste "
                      "eerst): {regret}."},
    "ci95": {"en": "95% CI of the mean", "nl": "95%-BI van het gemiddelde"},
    "pi90": {"en": "90% of the replications' values (over a posterior: of its draws)",
             "nl": "90% van de waarden van de replicaties (over een posterior: van de "
                   "trekkingen)"},
    "prior90": {"en": "90% over the prior of the mix, at the defaults' parameters",
                "nl": "90% over de prior van de mix, bij de standaardparameters"},
    "reconcile": {"en": "Three numbers for one question: what falling back costs",
                  "nl": "Drie getallen voor één vraag: wat terugvallen kost"},
    "reconcile_intro": {
        "en": "This folder says three times what falling back costs in the share of "
              "dissatisfied members. The numbers differ because each rests on something "
              "else; the first is the headline, the answer to the question for the country.",
        "nl": "Deze map zegt drie keer wat terugvallen kost aan ontevreden leden. De getallen "
              "verschillen omdat elk van iets anders uitgaat; het eerste is het antwoord op "
              "de vraag voor het hele land."},
    "number": {"en": "Number", "nl": "Getal"},
    "rests_on": {"en": "What it rests on", "nl": "Waar het van uitgaat"},
    "reconcile_national": {"en": "Nationally: the headline", "nl": "Landelijk: het antwoord"},
    "reconcile_national_text": {
        "en": "Every kind of municipality in its national share; each replication draws its "
              "parameters and its mix of municipalities from the national calibration's "
              "posterior. Only municipalities that work by direction or as partners can fall "
              "back out of anything, so the cost is spread over all of them.",
        "nl": "Elke soort gemeente naar haar landelijke aandeel; elke replicatie trekt haar "
              "parameters en haar mix van gemeenten uit de posterior van de landelijke "
              "kalibratie. Alleen gemeenten die regisseren of als partner werken, kunnen "
              "ergens uit terugvallen, dus de kosten worden over alle gemeenten verdeeld."},
    "reconcile_scenario": {"en": "{name} with minus without fallback (ODD §7.3)",
                           "nl": "{name}, met min zonder terugval (ODD §7.3)"},
    "reconcile_posterior": {
        "en": "This one municipality, on the seeds of this folder's batch; each replication "
              "draws its parameters from the posterior {digest}.",
        "nl": "Alleen deze ene gemeente, op de seeds van de runs in deze map; elke replicatie "
              "trekt haar parameters uit de posterior {digest}."},
    "reconcile_fixed": {
        "en": "This one municipality, on the seeds of this folder's batch, its parameters "
              "fixed at the scenario's values.",
        "nl": "Alleen deze ene gemeente, op de seeds van de runs in deze map, met vaste "
              "parameters (de waarden van het scenario)."},
    "reconcile_threshold": {"en": "The threshold sweep at the scenario's threshold ({value})",
                            "nl": "De reeks drempels bij de drempel van het scenario "
                                  "({value})"},
    "reconcile_threshold_text": {
        "en": "The same municipality with its parameters fixed at the scenario's values "
              "(chance alone, no parametric uncertainty), in the sweep's own replications.",
        "nl": "Dezelfde gemeente met vaste parameters (alleen toeval, geen onzekerheid over "
              "de parameters), in de eigen replicaties van de drempelreeks."},
    "sentence": {"en": "{claim}: {estimate} {interval} ({kind})",
                 "nl": "{claim}: {estimate} {interval} ({kind})"},
}
"""The claims of the flagship's headline.csv, and its report section."""

FOLDER: Words = {
    "unknown": {"en": "Other artefacts in this folder",
                "nl": "Andere bestanden in deze map"},
    "unknown_text": {"en": "The manifest lists these files with a kind this version of "
                           "regiesim has no section for; they are shown here by name only.",
                     "nl": "Het manifest noemt deze bestanden met een soort waarvoor deze "
                           "versie van regiesim geen onderdeel heeft; ze staan hier alleen "
                           "met hun naam."},
    "file": {"en": "file", "nl": "bestand"},
    "kind": {"en": "kind", "nl": "soort"},
}
"""A result folder's report: the artefacts this version has no section for."""

# --- scenarios, parameters and backends as people call them -------------------------

SCENARIOS: Words = {
    "direction": {"en": "direction", "nl": "regisserende gemeente"},
    "directive": {"en": "directive", "nl": "sturende gemeente"},
    "consultative": {"en": "consultative", "nl": "consultatieve gemeente"},
    "direction-based": {"en": "direction-based", "nl": "regisserende gemeente"},
    "partner": {"en": "partner", "nl": "partnergemeente"},
    "typical": {"en": "typical", "nl": "doorsneegemeente"},
    "becoming-regie": {"en": "becoming-regie", "nl": "gemeente op weg naar regie"},
    "budget-cut": {"en": "budget-cut", "nl": "bezuiniging"},
    "election-year": {"en": "election-year", "nl": "verkiezingsjaar"},
    "large-city": {"en": "large-city", "nl": "grote stad"},
    "small-village": {"en": "small-village", "nl": "klein dorp"},
    "netherlands": {"en": "netherlands", "nl": "Nederland"},
    "mmc": {"en": "mmc", "nl": "M/M/c-wachtrij"},
    "unnamed": {"en": "unnamed", "nl": "naamloos scenario"},
    "conditions": {"en": "conditions", "nl": "partnergemeente"},
}
"""The shipped scenarios by their stored name (``scenario.name``): English shows the
name as stored (what a command takes), Dutch a name of its own; the stored name never
changes, so stored results still match (:func:`scenario_name`)."""
SCENARIO_PARTS: Words = {
    "-no-fallback": {"en": "-no-fallback", "nl": " zonder terugval"},
    ": no fallback": {"en": ": no fallback", "nl": " zonder terugval"},
    "-rebased": {"en": "-rebased", "nl": " met bijgestelde verwachtingen"},
    # experiments/claims.py: each lever switched off, each contrast's arms, the conditions
    ": no mandate": {"en": ": no mandate", "nl": " zonder mandaat"},
    ": no crucial meetings": {"en": ": no crucial meetings",
                              "nl": " zonder wethouder bij cruciale overleggen"},
    ": no networks": {"en": ": no networks", "nl": " zonder netwerken"},
    ": no warning signs": {"en": ": no warning signs", "nl": " zonder waarschuwingssignalen"},
    ": no system": {"en": ": no system", "nl": " zonder regie met systeem"},
    " (with)": {"en": " (with)", "nl": " (met)"},
    " (without)": {"en": " (without)", "nl": " (zonder)"},
    ": inward drain": {"en": ": inward drain", "nl": ", middenmanagers die regisseurs "
                                                     "intern belasten"},
    ": all regie vs all verbinden": {"en": ": all regie vs all verbinden",
                                     "nl": ", alleen regie tegenover alleen verbinden"},
    ": more dialogue, no frames": {"en": ": more dialogue, no frames",
                                   "nl": ", meer dialoog zonder heldere kaders"},
    ": more dialogue, clear frames": {"en": ": more dialogue, clear frames",
                                      "nl": ", meer dialoog met heldere kaders"},
    ": all four": {"en": ": all four", "nl": " met alle vier de voorwaarden"},
    ": none": {"en": ": none", "nl": " waar alle vier de voorwaarden ontbreken"},
    ": no clear_frames": {"en": ": no clear_frames", "nl": " zonder heldere kaders"},
    ": no clear_process": {"en": ": no clear_process", "nl": " zonder helder proces"},
    ": no dialogue": {"en": ": no dialogue", "nl": " zonder dialoog"},
    ": no feedback": {"en": ": no feedback", "nl": " zonder feedbackcultuur"},
}
"""Endings that experiments give a shipped scenario's name (its variants)."""
CLAIMS: Words = {
    "fallback": {"en": "fallback", "nl": "terugvallen"},
    "mandate": {"en": "mandate", "nl": "mandaat"},
    "crucial meetings": {"en": "crucial meetings", "nl": "wethouder bij cruciale overleggen"},
    "networks": {"en": "networks", "nl": "netwerken"},
    "warning signs": {"en": "warning signs", "nl": "waarschuwingssignalen"},
    "system": {"en": "system", "nl": "regie met systeem"},
    "inward drain": {"en": "inward drain", "nl": "interne belasting van regisseurs"},
    "all regie vs all verbinden": {"en": "all regie vs all verbinden",
                                   "nl": "alleen regie tegenover alleen verbinden"},
    "more dialogue, no frames": {"en": "more dialogue, no frames",
                                 "nl": "meer dialoog zonder heldere kaders"},
    "more dialogue, clear frames": {"en": "more dialogue, clear frames",
                                    "nl": "meer dialoog met heldere kaders"},
    "consultative = directive": {"en": "consultative = directive",
                                 "nl": "consultatief = sturend"},
    "promised a partnership": {"en": "promised a partnership",
                               "nl": "partnerschap beloofd"},
    "all": {"en": "all", "nl": "alle"},
    "share_of_all_four": {"en": "share of all four {share}",
                          "nl": "deel van wat alle vier kosten {share}"},
    "breach": {"en": "breach, {sentence}", "nl": "breuk, {sentence}"},
}
"""experiments/claims.py on the terminal: each claim (a lever, a contrast) and group by
the name people call it (the stored names stay as they are, so claims.csv is the same in
every language)."""
EXPERIMENTS: Words = {
    "mix_prior": {"en": "prior mean mix: {mix}", "nl": "gemiddelde mix volgens de prior: {mix}"},
    "mix_posterior": {"en": "posterior mean mix: {mix}",
                      "nl": "gemiddelde mix volgens de posterior: {mix}"},
    "kind_cost": {"en": "{kind}: fallback's cost {cost} {interval}",
                  "nl": "{kind}: wat terugvallen kost {cost} {interval}"},
}
"""What the experiment scripts say on the terminal beyond the report's words: the national
mix and each kind's cost (experiments/national.py)."""
BUILDS: Words = {
    "compiled": {"en": "compiled", "nl": "gecompileerd"},
    "pure": {"en": "pure Python ({why})", "nl": "de Python-bronnen ({why})"},
    "REGIESIM_PURE=1": {"en": "REGIESIM_PURE=1", "nl": "REGIESIM_PURE=1"},
    "not compiled (python -m sim.compile_model)": {
        "en": "not compiled (python -m sim.compile_model)",
        "nl": "niet gecompileerd: python -m sim.compile_model"},
    "compiled from other sources (python -m sim.compile_model)": {
        "en": "compiled from other sources (python -m sim.compile_model)",
        "nl": "gecompileerd uit andere bronnen: python -m sim.compile_model"},
    "compiled but not checked against the sources": {
        "en": "compiled but not checked against the sources",
        "nl": "gecompileerd, maar nog niet tegen de bronnen gecontroleerd"},
    "other_build": {"en": "{why}", "nl": "de gecompileerde versie is niet bruikbaar: {why}"},
}
"""Which model runs, in the start lines of ``regiesim batch`` and the experiment scripts
(:func:`sim.experiment.progress.model_build`: :func:`sim.model.build` says compiled, or
the sources and why; a reason this table does not name is shown as the model says it)."""
_DUTCH_PARAMETERS: dict[str, str] = {
    "fallback.enabled": "terugvallen",
    "fallback.upper": "spanningsdrempel voor terugval",
    "fallback.lower": "spanning waarbij de terugval eindigt",
    "aldermen.incident_rate": "politieke incidenten per week",
    "aldermen.election_pressure": "verkiezingsdruk per week",
    "municipality.clear_frames": "heldere kaders",
    "municipality.clear_process": "helder proces",
    "municipality.dialogue": "dialoog",
    "municipality.feedback": "feedbackcultuur",
    "tension.release_rate": "spanning die per week wegebt",
    "satisfaction.disconfirmation": "gewicht van teleurgestelde verwachtingen",
    "satisfaction.performance": "gewicht van de ervaren prestatie",
    "satisfaction.burden_weight": "gewicht van de last",
    "satisfaction.loss_aversion": "verliesaversie",
    "satisfaction.promise_weight": "gewicht van de belofte",
    "satisfaction.satisfied_above": "tevreden vanaf",
    "satisfaction.dissatisfied_below": "ontevreden onder",
    "satisfaction.rebase_expectations": "verwachtingen bijgesteld",
    "initiatives.waiting_frustration": "frustratie per week wachten",
    "breach.satisfaction": "breuk: verlies aan tevredenheid",
    "breach.trust": "breuk: verlies aan vertrouwen",
    "regisseurs.corps_size": "regisseurs in het korps",
    "regisseurs.mandate": "mandaat van de regisseurs",
    "middle_managers.inward_share": "tijd die middenmanagers intern besteden",
    "middle_managers.style": "stijl van de middenmanagers",
    "scenario.style": "stijl van leidinggeven",
    "initiatives.arrival_rate": "initiatieven per week",
    "initiatives.role_needs.partner": "kans dat een initiatief een partner nodig heeft",
    "initiatives.role_needs.symbol": "kans dat een initiatief symbolische steun nodig heeft",
    "municipality.reject_mismatch": "extra kans op afwijzing als geen gevraagde rol wordt "
                                    "geboden",
    "middle_managers.escalation_prob": "kans dat een besluit naar het college gaat",
    "middle_managers.regisseur_drain": "capaciteit die regisseurs intern verliezen",
    "middle_managers.allocation": "toewijzing door middenmanagers over afdelingen",
    "middle_managers.consult_weeks": "weken die een consultatie toevoegt",
    "aldermen.scan_per_week": "initiatieven die een wethouder per week vroeg ziet",
}
PARAMETERS: Words = {**{key: {"en": key, "nl": name} for key, name in _DUTCH_PARAMETERS.items()},
                     "on": {"en": "on", "nl": "aan"}, "off": {"en": "off", "nl": "uit"}}
del _DUTCH_PARAMETERS  # only PARAMETERS is the catalogue's table
"""Scenario parameters (dotted keys) as people call them (:func:`parameter_name`): English
shows the key as the scenario files write it (what ``--set`` takes), Dutch a name; ``on``
and ``off`` write a switch's value."""
STREAMS: Words = {
    "arrivals": {"en": "arrivals", "nl": "aanmeldingen"},
    "attributes": {"en": "attributes", "nl": "kenmerken"},
    "journeys": {"en": "journeys", "nl": "trajecten"},
    "incidents": {"en": "incidents", "nl": "incidenten"},
    "overflow": {"en": "overflow", "nl": "overloop"},
    "signs": {"en": "signs", "nl": "waarschuwingssignalen"},
    "network": {"en": "network", "nl": "netwerk"},
}
"""The purposes of the random streams (``sim.model.random.PURPOSES``) in the
reproducibility block; a purpose without a word here is shown by its name."""
BACKENDS: Words = {
    "serial": {"en": "serial (one process)", "nl": "na elkaar in één proces"},
    "process": {"en": "process (a pool of worker processes)",
                "nl": "meerdere processen tegelijk (één per processorkern)"},
    "dask": {"en": "Dask", "nl": "Dask"},
}
"""Where the runs ran (the manifest's ``backend``), in words."""


NAME_LIMIT = 200
"""The longest name shown whole (wrapped, never cut, so that it can be pasted into a
command); a longer one is shown by :func:`short_name`."""


def short_name(name: str, limit: int = NAME_LIMIT) -> str:
    """A name as tables, reports and messages show it: whole up to ``limit`` characters;
    a longer one as its first characters, an ellipsis and the first 8 hex digits of its
    SHA-256 in parentheses, ``limit`` characters in all, so that two long names stay
    distinct ("aaaa… (#1f3a9c2e)"). Stored names (tables, manifests) stay whole."""
    if len(name) <= limit:
        return name
    tail = f"… (#{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]})"
    return name[:max(limit - len(tail), 1)] + tail


def scenario_name(name: str, lang: str) -> str:
    """A stored scenario name as people read it in ``lang``: English shows it as stored
    (what a command takes); Dutch names a shipped scenario (:data:`SCENARIOS`), its
    variants (:data:`SCENARIO_PARTS`) and a sweep variant ``name[key=value,...]``
    (parameters through :data:`PARAMETERS`). A name it does not know, the user's own, is
    shown as it is; above :data:`NAME_LIMIT` characters it is cut (:func:`short_name`)."""
    if len(name) > NAME_LIMIT:
        return short_name(name)
    if check_lang(lang) == "en":
        return name
    found = re.fullmatch(r"(?P<base>.*)\[(?P<point>[^\[\]]*)\]", name)
    if found:
        point = [part.split("=", 1) for part in found["point"].split(",")]
        if all(len(p) == 2 for p in point):
            values = "; ".join(setting(k, v, lang) for k, v in point)
            return f"{scenario_name(found['base'], lang)} ({values})"
        return name
    base, ends = name, []
    while base not in SCENARIOS:
        end = next((e for e in SCENARIO_PARTS if base.endswith(e) and len(base) > len(e)),
                   None)
        if end is None:
            return name
        ends.insert(0, word(SCENARIO_PARTS, end, lang))
        base = base[:-len(end)]
    return word(SCENARIOS, base, lang) + "".join(ends)


MANAGER_PRESETS: Words = {
    "directive": {"en": "directive managers", "nl": "sturende managers"},
    "consultative": {"en": "consultative managers", "nl": "consultatieve managers"},
    "conversing": {"en": "conversing managers", "nl": "samen converserende managers"},
}
"""The manager presets that own a value (``preset.managers.<style>``), as people call
them ("voorinstelling sturende managers")."""


def parameter_name(key: str, lang: str) -> str:
    """A scenario parameter (a dotted key) as people call it; a key the catalogue does
    not know is shown as it is. A preset's value (``preset.<owner>.<key>``) is its key's
    name and the preset's: "dialoog (voorinstelling regisserend)"."""
    from sim.styles import split_preset_key

    try:
        split = split_preset_key(key)
    except ValueError:
        split = None
    if split is not None and check_lang(lang) == "nl":
        owner, inner = split
        preset = (word(MANAGER_PRESETS, owner.split(".", 1)[1], lang)
                  if owner.startswith("managers.")
                  else word(STYLES, owner, lang))
        return f"{parameter_name(inner, lang)} (voorinstelling {preset})"
    return word(PARAMETERS, key, lang) if key in PARAMETERS else key


def setting(key: str, value: object, lang: str) -> str:
    """``key`` set to ``value`` in words: "spanningsdrempel voor terugval 0,6", "terugvallen
    uit"; a value as a sweep variant's name writes it (text) is read as a number or a
    switch where it is one. English writes it as a sweep variant's name does:
    ``fallback.upper=0.6``."""
    text = str(value).strip()
    if check_lang(lang) == "en":
        return f"{key}={text}"
    if text.lower() in ("true", "false"):
        shown = word(PARAMETERS, "on" if text.lower() == "true" else "off", lang)
    elif key == "scenario.style" and text in STYLES:
        shown = word(STYLES, text, lang)
    else:
        try:
            shown = significant(float(text), lang, 6)
        except ValueError:
            shown = text
    return f"{parameter_name(key, lang)} {shown}"


CATALOGUE: dict[str, Words] = {
    "report": REPORT, "styles": STYLES, "manager_styles": MANAGER_STYLES, "stress": STRESS,
    "status": STATUS, "publish": PUBLISH, "code": CODE, "controls": CONTROLS,
    "live": LIVE, "story": STORY, "signs": SIGNS, "conditions": CONDITIONS,
    "roles": ROLES, "opening": OPENING, "phases": PHASES, "player": PLAYER,
    "signs_short": SIGNS_SHORT, "cli": CLI, "grammar": GRAMMAR, "headline": HEADLINE,
    "folder": FOLDER, "scenarios": SCENARIOS, "scenario_parts": SCENARIO_PARTS,
    "parameters": PARAMETERS, "manager_presets": MANAGER_PRESETS, "backends": BACKENDS,
    "streams": STREAMS, "progress": PROGRESS, "batch": BATCH, "sensitivity": SENSITIVITY,
    "derived": DERIVED, "claims": CLAIMS, "experiments": EXPERIMENTS, "builds": BUILDS,
    "calibration": CALIBRATION, "voi": VOI}
"""Every table of the catalogue by name (tests walk it; code uses the tables)."""


__all__ = [
    "BACKENDS",
    "BATCH",
    "BUILDS",
    "CALIBRATION",
    "CATALOGUE",
    "CLAIMS",
    "CLI",
    "CODE",
    "CONDITIONS",
    "CONTROLS",
    "DERIVED",
    "EXPERIMENTS",
    "FOLDER",
    "GRAMMAR",
    "HEADLINE",
    "LANGS",
    "LISTS",
    "LIVE",
    "LOCALES",
    "MANAGER_PRESETS",
    "MANAGER_STYLES",
    "OPENING",
    "PARAMETERS",
    "PHASES",
    "PLACES",
    "PLAYER",
    "PROGRESS",
    "PUBLISH",
    "REPORT",
    "ROLES",
    "SCENARIOS",
    "SCENARIO_PARTS",
    "SENSITIVITY",
    "SIGNS",
    "SIGNS_SHORT",
    "STATUS",
    "STORY",
    "STREAMS",
    "STRESS",
    "STYLES",
    "VOI",
    "Lang",
    "Local",
    "Words",
    "check_lang",
    "decimal",
    "formatted",
    "join",
    "listed",
    "local",
    "parameter_name",
    "percent",
    "plotly_separators",
    "say",
    "scenario_name",
    "setting",
    "significant",
    "symbols",
    "word",
]
