"""Middle managers: style and the share of their time spent inward.

The typical municipality with directive, consultative and conversing managers, and the
inward share of their time at 0.2, 0.45 and 0.7 (style values otherwise as preset), on
common random numbers. Writes results/managers/.

    python experiments/managers.py [--reps 30]
"""

from __future__ import annotations

from _common import finish, options, run, scenario

OUTCOMES = ["weeks_to_decision", "success_rate", "share_dissatisfied",
            "utilisation_managers", "manager_inward_share", "fallback_weeks"]


def main() -> None:
    args = options(__doc__, "managers")
    scenarios, params = {}, {}
    for style in ("directive", "consultative", "conversing"):
        for inward in (0.2, 0.45, 0.7):
            name = f"{style}, inward {inward}"
            scenarios[name] = scenario("typical.toml", **{"middle_managers.style": style,
                                                          "middle_managers.inward_share": inward})
            params[name] = {"manager_style": style, "inward_share": inward}
    batch = run(args, scenarios, params=params)
    finish(args, batch, "consultative, inward 0.45",
           {"en": "Middle managers: style and inward time",
            "nl": "Middenmanagers: stijl en tijd die ze intern besteden"}, OUTCOMES)


if __name__ == "__main__":
    main()
