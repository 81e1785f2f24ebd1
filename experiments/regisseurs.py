"""Regisseurs: corps size and mandate against handoffs and time to decision.

A consultative municipality (the typical one) with a corps of 0, 2, 4, 8 or 12
regisseurs, each with and without a mandate, on common random numbers. Writes
results/regisseurs/.

    python experiments/regisseurs.py [--reps 30]
"""

from __future__ import annotations

from _common import finish, options, run, scenario

OUTCOMES = ["handoffs_per_initiative", "weeks_to_decision", "share_with_regisseur",
            "success_rate", "share_dissatisfied", "utilisation_regisseurs"]


def main() -> None:
    args = options(__doc__, "regisseurs")
    scenarios, params = {}, {}
    for size in (0, 2, 4, 8, 12):
        for mandate in (False, True):
            if size == 0 and mandate:
                continue
            name = f"corps {size}" + (" + mandate" if mandate else "")
            scenarios[name] = scenario("typical.toml", **{"regisseurs.corps_size": size,
                                                          "regisseurs.mandate": mandate})
            params[name] = {"corps_size": size, "mandate": mandate}
    batch = run(args, scenarios, params=params)
    finish(args, batch, "corps 0", {"en": "Regisseurs: corps size and mandate",
                                    "nl": "Regisseurs: omvang van het korps en mandaat"},
           OUTCOMES)


if __name__ == "__main__":
    main()
