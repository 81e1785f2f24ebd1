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
DERIVED: dict[str, tuple[str, dict[str, Any]]] = {
    # 000: the move to consultative behaviour changed nothing ("Verandert er dan iets?
    # Nee."): the directive municipality, with managers who consult on top of the same
    # top-down flow
    "consultative": ("directive", {"middle_managers": {"style": "consultative"}}),
    # 004: the partner municipality is the direction-based one with the strongest four
    # conditions
    "partner": ("direction", {"municipality": {
        "clear_frames": 0.8, "clear_process": 0.8, "dialogue": 0.9, "feedback": 0.8}}),
}
"""Leadership styles made from another: (the style they derive from, what they state
themselves). Every other value is the parent's, and moves with it (:func:`preset_owner`)."""
STYLES: dict[str, dict[str, Any]] = {
    "directive": _DIRECTIVE,
    "consultative": deep_merge(_DIRECTIVE, DERIVED["consultative"][1]),
    "direction": _DIRECTION,
    "partner": deep_merge(_DIRECTION, DERIVED["partner"][1]),
}
"""Leadership style presets, by name."""
MANAGER_DERIVED: dict[str, str] = {"consultative": "directive"}
"""Manager styles made from another: consultative managers are directive ones who
consult (000); they state only ``consult_weeks`` themselves."""


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


PRESET_PREFIX = "preset."
"""A preset value as a parameter: ``preset.<owner>.<key>``, the value ``key`` takes in
every scenario whose style takes it from the preset ``owner`` (a leadership style, or
``managers.<manager style>``), unless the scenario states it itself. Calibrations and
sensitivity studies vary the presets through such keys (docs/odd.md §8)."""


def _own_keys(owner: str) -> set[str]:
    """The keys a preset states itself (a derived one: only what differs from its parent)."""
    if owner.startswith("managers."):
        manager = owner.split(".", 1)[1]
        values = MANAGER_STYLES[manager]
        parent = MANAGER_DERIVED.get(manager)
        return {f"middle_managers.{k}" for k, v in values.items()
                if parent is None or MANAGER_STYLES[parent][k] != v}
    if owner in DERIVED:
        return set(flat_keys(DERIVED[owner][1]))
    return set(flat_keys(STYLES[owner]))


DIRECTING_ROLE: dict[str, str] = {f"middle_managers.{k}": f"fallback.regime.{k}" for k in (
    "approval_layers", "escalation_prob", "inward_share", "allocation", "regisseur_drain")}
"""The directing role a municipality falls back into (``fallback.regime``) is the
directive managers' preset: a value drawn for ``preset.managers.directive`` moves the
role's value too, wherever the scenario leaves it at that preset's value, so a directive
municipality still falls back into the role it already plays."""
PRESET_OWNERS: tuple[str, ...] = (*STYLES, *(f"managers.{m}" for m in MANAGER_STYLES))
"""Every preset that can own a value."""


def preset_owner(key: str, style: str, manager_style: str) -> str:
    """The preset whose value ``key`` takes under a leadership style and a manager style:
    the style itself, or the style it derives from where it states nothing of its own
    (``managers.<style>`` for the manager values)."""
    if key in MANAGER_KEYS:
        manager = manager_style
        while key not in _own_keys(f"managers.{manager}"):
            manager = MANAGER_DERIVED[manager]
        return f"managers.{manager}"
    owner = style
    while key not in _own_keys(owner):
        owner = DERIVED[owner][0]
    return owner


def split_preset_key(dotted: str) -> tuple[str, str] | None:
    """``preset.<owner>.<key>`` as (owner, key), or None when ``dotted`` is not of that
    form. Raises ValueError naming what is allowed when the owner does not state ``key``."""
    if not dotted.startswith(PRESET_PREFIX):
        return None
    rest = dotted[len(PRESET_PREFIX):]
    head, _, tail = rest.partition(".")
    owner, key = (head, tail) if head != "managers" else (
        f"managers.{tail.partition('.')[0]}", tail.partition(".")[2])
    if owner not in PRESET_OWNERS:
        raise ValueError(f"{dotted}: no preset {owner!r}; the presets are "
                         f"{', '.join(PRESET_OWNERS)}")
    own = _own_keys(owner)
    if key not in own:
        allowed = ", ".join(sorted(f"{PRESET_PREFIX}{owner}.{k}" for k in own))
        raise ValueError(f"{dotted}: the preset {owner!r} does not state {key!r} itself "
                         f"(a derived preset takes its other values from the one it "
                         f"derives from); it states: {allowed}")
    return owner, key
