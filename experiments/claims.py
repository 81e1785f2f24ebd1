"""The claims table of docs/odd.md §11: each mechanism's effect at the shipped defaults.

Every effect is a paired difference on common random numbers, "with minus without", with
its 95% CI over replications:

1. **Levers** (claims.csv): at the defaults of scenarios/direction.toml, partner.toml and
   becoming-regie.toml, each mechanism the sources name switched off, one at a time; the
   effect is the default (with the mechanism) minus the variant without it.
2. **Fallback**: the same municipality with and without fallback (also in the shipped
   election-year and budget-cut scenarios, with the warning signs there too), and typical
   against directive (000:
   consultative changes nothing).
3. **Conditions** (conditions.csv): the partner municipality with all four conditions,
   one missing at a time, and all four missing; each cost against all four present, and
   the share of the all-four cost that one missing condition already costs (004: each
   missing condition is an alarm signal). conditions_partnered.csv gives the same for
   the initiatives promised a partnership, the ones 004 speaks of, beside all of them
   (:mod:`sim.analysis.partnerships`).
4. **Breach** (breach.csv): the members whose partnership a fallback broke against the
   same initiatives without fallback (:func:`sim.analysis.twins.breach_twins`), per
   replication.
5. **Polderen** (in claims.csv): more dialogue (0.1 to 0.9) without and with clear frames.

    python experiments/claims.py [--reps 30] [--seed 2026] [--out results/claims] [--lang nl]
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from _common import changes, console, options, run, scenario
from _twins import GROUPS, breach_sentence, breach_table, group_table

from sim.analysis import paired_differences
from sim.experiment.store import write_artefact
from sim.report.labels import label
from sim.scenario import SIGN_CONDITIONS, Scenario
from sim.words import CLAIMS, decimal, say, scenario_name, word

OUTCOMES = ["success_rate", "share_dissatisfied", "weeks_to_decision", "satisfaction"]
GROUP_OUTCOMES = ["success_rate", "share_dissatisfied", "weeks_to_decision"]
CONDITIONS = ("clear_frames", "clear_process", "dialogue", "feedback")
NO_SIGNS = {f"fallback.warning_signs.{name}.prob": 0.0 for name in SIGN_CONDITIONS}
LEVERS: dict[str, dict[str, Any]] = {
    "fallback": {"fallback.enabled": False},
    "mandate": {"regisseurs.mandate": False},
    "crucial meetings": {"aldermen.crucial_meetings": False},
    "networks": {"networks.links": 0},
    "warning signs": NO_SIGNS,
    "system": {"regisseurs.system": False},
}
"""Each lever: the changes that switch its mechanism off."""
CONTRASTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # (with, without) as changes to the base
    "inward drain": ({"middle_managers.regisseur_drain": 0.5},
                     {"middle_managers.regisseur_drain": 0.1}),
    "all regie vs all verbinden": ({"regisseurs.regie_share": 1.0},
                                   {"regisseurs.regie_share": 0.0}),
    "more dialogue, no frames": ({"municipality.clear_frames": 0.0,
                                  "municipality.dialogue": 0.9},
                                 {"municipality.clear_frames": 0.0,
                                  "municipality.dialogue": 0.1}),
    "more dialogue, clear frames": ({"municipality.clear_frames": 0.9,
                                     "municipality.dialogue": 0.9},
                                    {"municipality.clear_frames": 0.9,
                                     "municipality.dialogue": 0.1}),
}
"""Contrasts that are not on/off: (with, without), each a set of changes to the base."""
BASES = ("direction", "partner", "becoming-regie")
"""The shipped scenarios whose levers are measured: the two defaults, and the municipality
on its way to regie where the levers the defaults hardly use come into play."""
SHOWCASES = ("election-year", "budget-cut")
"""Shipped scenarios where fallbacks are longer or more frequent: fallback's cost there."""
SHOWCASE_LEVERS = ("fallback", "warning signs")
"""The levers measured in the showcases: falling back, and the warning signs that make an
episode feed on itself (at the defaults episodes are too short for the signs to show)."""


def lever_scenarios(base: Scenario, prefix: str) -> dict[str, Scenario]:
    """The base, each lever switched off, and each contrast's two arms."""
    out = {prefix: base}
    for name, off in LEVERS.items():
        out[f"{prefix}: no {name}"] = base.with_changes(off)
    for name, (with_, without) in CONTRASTS.items():
        out[f"{prefix}: {name} (with)"] = base.with_changes(with_)
        out[f"{prefix}: {name} (without)"] = base.with_changes(without)
    return out


def lever_effects(runs: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Each lever's effect (default minus switched off) and each contrast (with minus
    without), paired over replications."""
    rows = []
    for name in LEVERS:
        d = paired_differences(runs[runs["scenario"].isin([prefix, f"{prefix}: no {name}"])],
                               OUTCOMES, reference=f"{prefix}: no {name}")
        rows.append(d.assign(claim=name, base=prefix))
    for name in CONTRASTS:
        pair = [f"{prefix}: {name} (with)", f"{prefix}: {name} (without)"]
        d = paired_differences(runs[runs["scenario"].isin(pair)], OUTCOMES,
                               reference=pair[1])
        rows.append(d.assign(claim=name, base=prefix))
    return pd.concat(rows, ignore_index=True)


def condition_effects(runs: pd.DataFrame, outcomes: list[str] = OUTCOMES) -> pd.DataFrame:
    """Cost of each missing condition and of all four, against all four present (paired
    over replications); and the share of the all-four cost that each single one costs,
    as the ratio of the two mean costs."""
    d = paired_differences(runs[runs["scenario"].str.startswith("conditions")], outcomes,
                           reference="conditions: all four")
    four = d[d["scenario"] == "conditions: none"].set_index("outcome")["difference"]
    d["share_of_all_four"] = d["difference"] / d["outcome"].map(four)
    return d


def main() -> None:
    args = options(__doc__, "claims")
    bases = {name: scenario(f"{name}.toml") for name in BASES}
    scenarios: dict[str, Scenario] = {}
    for name, base in bases.items():
        scenarios.update(lever_scenarios(base, name))
    for name in SHOWCASES:  # where fallbacks are longer or more frequent
        scenarios[name] = scenario(f"{name}.toml")
        for lever in SHOWCASE_LEVERS:
            scenarios[f"{name}: no {lever}"] = scenarios[name].with_changes(LEVERS[lever])
    scenarios["typical"] = scenario("typical.toml")
    scenarios["directive"] = scenario("directive.toml")
    partner = bases["partner"]
    scenarios["conditions: all four"] = partner
    for c in CONDITIONS:
        scenarios[f"conditions: no {c}"] = partner.with_changes({f"municipality.{c}": 0.0})
    scenarios["conditions: none"] = partner.with_changes(
        {f"municipality.{c}": 0.0 for c in CONDITIONS})
    batch = run(args, scenarios)
    runs = batch.runs
    levers = pd.concat([lever_effects(runs, name) for name in bases], ignore_index=True)
    showcases = pd.concat([paired_differences(
        runs[runs["scenario"].isin([name, f"{name}: no {lever}"])], OUTCOMES,
        reference=f"{name}: no {lever}").assign(claim=lever, base=name)
        for name in SHOWCASES for lever in SHOWCASE_LEVERS], ignore_index=True)
    styles = paired_differences(runs[runs["scenario"].isin(["typical", "directive"])],
                                OUTCOMES, reference="directive").assign(
        claim="consultative = directive", base="typical")
    claims = pd.concat([levers, showcases, styles], ignore_index=True)
    write_artefact(args.out, "claims.csv", claims, "claims")
    conditions = condition_effects(runs)
    write_artefact(args.out, "conditions.csv", conditions, "conditions")
    groups = group_table({k: v.with_changes(changes(args)) for k, v in scenarios.items()
                          if k.startswith("conditions")}, args.reps, args.seed, args.workers)
    partnered = pd.concat([condition_effects(groups[groups["group"] == g],
                                             GROUP_OUTCOMES).assign(group=g)
                           for g in GROUPS], ignore_index=True)
    write_artefact(args.out, "conditions_partnered.csv", partnered, "conditions_partnered")
    twins = breach_table({k: v.with_changes(changes(args)) for k, v in bases.items()},
                         args.reps, args.seed, args.workers)
    write_artefact(args.out, "breach.csv", twins, "breach")

    lang = args.lang
    for r in claims.itertuples():
        console.print(f"{_name(r.base, lang):9} {word(CLAIMS, r.claim, lang):28} "
                      f"{_outcome(r.outcome, lang):20} {_diff(r, lang)}", highlight=False,
                      soft_wrap=True)
    for r in conditions.itertuples():
        console.print(f"{_name(r.scenario, lang):28} {_outcome(r.outcome, lang):20} "
                      f"{_diff(r, lang)} {_share(r.share_of_all_four, lang)}",
                      highlight=False, soft_wrap=True)
    for r in partnered.itertuples():
        console.print(f"{word(CLAIMS, r.group, lang):22} {_name(r.scenario, lang):28} "
                      f"{_outcome(r.outcome, lang):20} {_diff(r, lang)} "
                      f"{_share(r.share_of_all_four, lang)}", highlight=False,
                      soft_wrap=True)
    for name, runs_of in twins.groupby("base"):
        console.print(say(CLAIMS, "breach", lang,
                          sentence=breach_sentence(name, runs_of, lang)), highlight=False,
                      soft_wrap=True)


def _name(name: str, lang: str) -> str:
    """A stored scenario name as the console shows it (Dutch: the scenario's Dutch name)."""
    return scenario_name(name, lang)


def _outcome(key: str, lang: str) -> str:
    """An outcome on the console: its key in English (what the tables hold), its label in
    Dutch."""
    return key if lang == "en" else label(key, lang).lower()


def _diff(r: Any, lang: str) -> str:
    """A difference with its 95% CI: "+0.0123 [-0.0010, +0.0256]", in Dutch with decimal
    commas and ";" between the bounds."""
    if lang == "en":
        return f"{r.difference:+.4f} [{r.ci_low:+.4f}, {r.ci_high:+.4f}]"
    def nl(x: float) -> str:
        return ("+" if x >= 0 else "") + decimal(x, lang, 4)
    return f"{nl(r.difference)} [{nl(r.ci_low)}; {nl(r.ci_high)}]"


def _share(x: float, lang: str) -> str:
    return say(CLAIMS, "share_of_all_four", lang,
               share=f"{x:.2f}" if lang == "en" else decimal(x, lang, 2))

if __name__ == "__main__":
    main()
