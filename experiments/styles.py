"""The four leadership styles side by side: success, dropout by stage, frustration, speed.

Directive, consultative, direction-based and partner municipalities (each style's preset
on the model defaults) on common random numbers, each with fallback as it comes.
Writes results/styles/.

    python experiments/styles.py [--reps 30] [--seed 2026] [--lang nl]
"""

from __future__ import annotations

from _common import finish, options, run

from sim.scenario import build_scenario

OUTCOMES = ["success_rate", "dropouts_signal", "dropouts_intake", "dropouts_decision",
            "dropouts_realisation", "rejected", "frustration", "share_dissatisfied",
            "weeks_to_decision", "fallback_weeks"]


def main() -> None:
    args = options(__doc__, "styles")
    scenarios = {style: build_scenario({"scenario": {"style": style, "name": style}})
                 for style in ("directive", "consultative", "direction", "partner")}
    batch = run(args, scenarios)
    finish(args, batch, "directive", {"en": "Leadership styles compared",
                                       "nl": "Stijlen van leidinggeven vergeleken"}, OUTCOMES)


if __name__ == "__main__":
    main()
