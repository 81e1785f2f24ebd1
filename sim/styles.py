"""Named leadership styles: presets that set every actor at once.

A style is a nested dictionary of scenario values, merged under whatever the scenario
file states itself, so a scenario can take a style and still override any single value.
Middle managers have their own three styles (directive, consultative, conversing); a
leadership style picks one of them and the manager style fills in the manager values.

The values are assumptions grounded in the source articles (see docs/odd.md): a directive
municipality controls and approves top-down through managers who spend most energy inward
(000); a consultative one is the same municipality whose managers consult on top of the
same flow (000: nothing changes); a direction-based ("regie") municipality has a corps of
regisseurs with a mandate (003) who match their competence to what an initiative needs (002),
conversing managers (000) and dialogue as a habit, and takes the partner role (004); a
partner municipality has the strongest four conditions (004).
"""

from __future__ import annotations

from typing import Any

ROLES: tuple[str, ...] = ("autonomous", "regie", "support", "symbol", "partner")
"""The five roles of the municipality towards an initiative."""

_DIRECTIVE_MANAGERS: dict[str, Any] = {
    "consult_weeks": 0.0,
    "inward_share": 0.60,
    "approval_layers": 2,
    "escalation_prob": 0.40,
    "allocation": 0.0,
    "regisseur_drain": 0.5,
}
MANAGER_STYLES: dict[str, dict[str, Any]] = {
    # 000: directive management was the norm; the flow is top-down and the manager controls
    "directive": _DIRECTIVE_MANAGERS,
    # 000: consultative behaviour changed nothing: the same flow, consultation costs time
    "consultative": {**_DIRECTIVE_MANAGERS, "consult_weeks": 0.5},
    # 000, 001: after "samen converseren" managers handle ambiguity (fewer escalations),
    # allocate across the organisation (fewer handoffs) and create the conditions in which
    # regisseurs work outward (less energy lost inside)
    "conversing": {
        "consult_weeks": 0.0,
        "inward_share": 0.30,
        "approval_layers": 1,
        "escalation_prob": 0.20,
        "allocation": 0.5,
        "regisseur_drain": 0.1,
    },
}


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``base`` with ``override`` merged in, recursing into sub-tables."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_DIRECTIVE: dict[str, Any] = {
    "municipality": {
        "roles_offered": ["regie", "support"],
        "clear_frames": 0.5,
        "clear_process": 0.3,
        "dialogue": 0.1,
        "feedback": 0.1,
    },
    "middle_managers": {"style": "directive"},
    "regisseurs": {"corps_size": 0, "mandate": False, "system": False},
    "aldermen": {"scan_per_week": 0.0},
}
_DIRECTION: dict[str, Any] = {
    "municipality": {
        "roles_offered": ["regie", "support", "symbol", "partner"],
        "clear_frames": 0.7,
        "clear_process": 0.7,
        "dialogue": 0.7,
        "feedback": 0.6,
    },
    "middle_managers": {"style": "conversing"},
    "regisseurs": {"corps_size": 6, "mandate": True, "system": True},
    "aldermen": {"scan_per_week": 0.1},
}
STYLES: dict[str, dict[str, Any]] = {
    "directive": _DIRECTIVE,
    # 000: the move to consultative behaviour changed nothing ("Verandert er dan iets?
    # Nee."): the directive municipality, with managers who consult on top of the same
    # top-down flow
    "consultative": deep_merge(_DIRECTIVE, {"middle_managers": {"style": "consultative"}}),
    "direction": _DIRECTION,
    # 004: the partner municipality is the direction-based one with the strongest four
    # conditions
    "partner": deep_merge(_DIRECTION, {"municipality": {
        "clear_frames": 0.8, "clear_process": 0.8, "dialogue": 0.9, "feedback": 0.8}}),
}
"""Leadership style presets, by name."""


def style_settings(style: str) -> dict[str, Any]:
    """Every value a leadership style fixes, manager-style values included (for display)."""
    preset = STYLES[style]
    managers = MANAGER_STYLES[preset["middle_managers"]["style"]]
    return deep_merge(preset, {"middle_managers": managers})


def flat_keys(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested table as dotted keys: {"a": {"b": 1}} -> {"a.b": 1}."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(flat_keys(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


MANAGER_STYLE_KEY = "middle_managers.style"
"""The key by which a leadership style picks a manager style."""
MANAGER_KEYS: tuple[str, ...] = tuple(f"middle_managers.{k}" for k in next(iter(
    MANAGER_STYLES.values())))
"""The keys a manager style sets."""
STYLE_KEYS: tuple[str, ...] = tuple(dict.fromkeys(
    k for preset in STYLES.values() for k in flat_keys(preset)))
"""The keys a leadership style sets (the manager style among them)."""
GOVERNED_KEYS: tuple[str, ...] = STYLE_KEYS + MANAGER_KEYS
"""Every key whose value comes from a preset unless the scenario states it itself."""


def preset_value(key: str, style: str, manager_style: str) -> Any:
    """The value the presets give ``key`` under a leadership style and a manager style."""
    if key in MANAGER_KEYS:
        return MANAGER_STYLES[manager_style][key.split(".", 1)[1]]
    return flat_keys(STYLES[style])[key]
