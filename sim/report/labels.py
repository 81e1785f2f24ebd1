"""Words shown to people: outcome names and report text, in English and Dutch."""

from __future__ import annotations

LANGS = ("en", "nl")

OUTCOMES: dict[str, dict[str, str]] = {
    "arrivals": {"en": "Initiatives arrived", "nl": "Binnengekomen initiatieven"},
    "successes": {"en": "Successes", "nl": "Geslaagd"},
    "success_rate": {"en": "Success rate", "nl": "Slagingspercentage"},
    "rejected": {"en": "Rejected", "nl": "Afgewezen"},
    "dropouts": {"en": "Dropouts", "nl": "Afgehaakt"},
    "in_progress": {"en": "Still in progress", "nl": "Nog onderweg"},
    "frustration": {"en": "Frustration at exit", "nl": "Frustratie bij afloop"},
    "share_dissatisfied": {"en": "Share dissatisfied", "nl": "Aandeel ontevreden"},
    "weeks_to_decision": {"en": "Weeks to decision", "nl": "Weken tot besluit"},
    "weeks_to_realisation": {"en": "Weeks of realisation", "nl": "Weken uitvoering"},
    "handoffs_per_initiative": {"en": "Handoffs per initiative",
                                "nl": "Overdrachten per initiatief"},
    "fallback_episodes": {"en": "Fallback episodes", "nl": "Terugval-episodes"},
    "fallback_weeks": {"en": "Weeks in fallback", "nl": "Weken in terugval"},
    "mean_trust": {"en": "Mean trust", "nl": "Gemiddeld vertrouwen"},
    "mean_tension": {"en": "Mean tension", "nl": "Gemiddelde spanning"},
    "public_successes": {"en": "Successes backed in public",
                         "nl": "Publiek gesteunde successen"},
    "manager_inward_share": {"en": "Managers' inward share",
                             "nl": "Naar binnen gerichte tijd managers"},
    "utilisation_front_office": {"en": "Front office utilisation",
                                 "nl": "Bezetting frontoffice"},
    "utilisation_managers": {"en": "Managers' utilisation", "nl": "Bezetting managers"},
    "utilisation_regisseurs": {"en": "Regisseurs' caseload used",
                               "nl": "Benutte caseload regisseurs"},
    "utilisation_college": {"en": "College agenda used", "nl": "Benutte collegeagenda"},
    "trust": {"en": "Trust", "nl": "Vertrouwen"},
    "tension": {"en": "Tension", "nl": "Spanning"},
    "fallback": {"en": "Share of runs in fallback", "nl": "Aandeel runs in terugval"},
}

STAGES: dict[str, dict[str, str]] = {
    "arrived": {"en": "Arrived", "nl": "Binnengekomen"},
    "signal": {"en": "Signal", "nl": "Signalering"},
    "intake": {"en": "Intake", "nl": "Intake"},
    "dialogue": {"en": "Dialogue", "nl": "Dialoog"},
    "decision": {"en": "Decision", "nl": "Besluit"},
    "realisation": {"en": "Realisation", "nl": "Uitvoering"},
    "success": {"en": "Success", "nl": "Geslaagd"},
    "dropout": {"en": "Dropped out", "nl": "Afgehaakt"},
    "rejected": {"en": "Rejected", "nl": "Afgewezen"},
    "in_progress": {"en": "Still in progress", "nl": "Nog onderweg"},
}

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
                 "nl": "Route van initiatieven (gemiddeld per run)"},
    "frustration_dist": {"en": "Frustration at exit (all runs)",
                         "nl": "Frustratie bij afloop (alle runs)"},
}


DASHBOARD: dict[str, dict[str, str]] = {
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


def dashboard_word(key: str, lang: str) -> str:
    """A word on the dashboard's controls."""
    return DASHBOARD[key][lang]


def label(key: str, lang: str) -> str:
    """The display name of an outcome or a text key (the key itself if unknown)."""
    table = OUTCOMES.get(key) or TEXT.get(key) or STAGES.get(key)
    return table[lang] if table else key
