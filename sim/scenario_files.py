"""Scenario files: TOML with ``extends``, ``--set`` overrides and ``[sweep]`` grids.

    extends = "direction.toml"          # a base file, relative to this one; this file wins

    [fallback]
    upper = 1.2

    [sweep]                             # a grid: every combination is a named variant
    "fallback.upper" = [0.8, 1.0, 1.2]
    "regisseurs.corps_size" = { start = 0, stop = 8, step = 2 }   # 0, 2, 4, 6, 8

Everything that can go wrong with a file (missing, not UTF-8, not TOML, an ``extends``
cycle or a chain too deep, unknown keys, values out of range) raises
:class:`~sim.scenario.ScenarioError` naming the file and the field.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sim.scenario import Scenario, ScenarioError, build_scenario, set_dotted
from sim.styles import deep_merge

MAX_EXTENDS_DEPTH = 32
EXPERIMENT_TABLES = ("sweep", "ranges")
"""Tables that describe experiments on a scenario, not the scenario itself."""
MAX_SWEEP_VARIANTS = 100_000


def read_scenario_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML scenario file, following ``extends``; the merged raw tables."""
    return _read_chain(Path(path), ())


def _read_chain(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    where = str(path)
    try:
        resolved = path.resolve(strict=True)
    except (FileNotFoundError, OSError):
        via = f" (extended by {chain[-1]})" if chain else ""
        raise ScenarioError([f"file not found: {path}{via}"], where) from None
    if resolved in chain:
        cycle = " -> ".join(str(p) for p in (*chain, resolved))
        raise ScenarioError([f"extends: cycle {cycle}"], where)
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError([f"extends: chain deeper than {MAX_EXTENDS_DEPTH} files"], where)
    if resolved.is_dir():
        raise ScenarioError(["is a folder, not a scenario file"], where)
    try:
        text = resolved.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError([f"not valid UTF-8 at byte {err.start}"], where) from None
    except OSError as err:
        raise ScenarioError([f"cannot read: {err.strerror}"], where) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError([f"TOML syntax: {err}"], where) from None
    except RecursionError:
        raise ScenarioError(["TOML syntax: nested too deeply"], where) from None
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ScenarioError([f"extends: must be a file name (string), got {parent!r}"], where)
    base = _read_chain(resolved.parent / parent, (*chain, resolved))
    return deep_merge(base, data)


def parse_assignment(text: str) -> tuple[str, Any]:
    """``"a.b=value"`` -> ``("a.b", value)``; the value is read as TOML, else as a string."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ScenarioError([f"--set {text!r}: expected KEY=VALUE, e.g. fallback.enabled=false"])
    raw = raw.strip()
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def _changes(overrides: Iterable[str] | dict[str, Any]) -> dict[str, Any]:
    if isinstance(overrides, dict):
        return dict(overrides)
    return dict(parse_assignment(o) for o in overrides)


def _resolve(data: dict[str, Any], changes: dict[str, Any], source: str) -> Scenario:
    data = {k: v for k, v in data.items() if k not in EXPERIMENT_TABLES}
    for dotted, value in changes.items():
        try:
            set_dotted(data, dotted, value)
        except ScenarioError as err:
            raise ScenarioError(err.problems, source) from None
    return build_scenario(data, source)


def load_scenario(path: str | Path, overrides: Iterable[str] | dict[str, Any] = ()) -> Scenario:
    """Read, merge, override and validate a scenario file (``[sweep]``, ``[ranges]`` aside)."""
    return _resolve(read_scenario_file(path), _changes(overrides), str(path))


def sweep_values(key: str, spec: Any, source: str) -> list[Any]:
    """The values of one sweep key: a list, or ``{start, stop, step}`` (stop included)."""
    if isinstance(spec, list):
        if not spec:
            raise ScenarioError([f"sweep.{key}: empty list"], source)
        return spec
    if isinstance(spec, dict) and set(spec) == {"start", "stop", "step"}:
        start, stop, step = spec["start"], spec["stop"], spec["step"]
        if not all(isinstance(v, int | float) and not isinstance(v, bool)
                   and math.isfinite(v) for v in (start, stop, step)):
            raise ScenarioError([f"sweep.{key}: start, stop and step must be numbers"], source)
        if step <= 0 or stop < start:
            raise ScenarioError([f"sweep.{key}: need step > 0 and stop >= start, got "
                                 f"start={start}, stop={stop}, step={step}"], source)
        count = math.floor((stop - start) / step + 1e-9) + 1
        if count > MAX_SWEEP_VARIANTS:
            raise ScenarioError([f"sweep.{key}: {count} values, more than "
                                 f"{MAX_SWEEP_VARIANTS}"], source)
        if all(isinstance(v, int) for v in (start, stop, step)):
            return list(range(start, stop + 1, step))
        return [round(start + i * step, 12) for i in range(count)]
    raise ScenarioError([f"sweep.{key}: must be a list of values or a table "
                         f"{{ start, stop, step }}, got {spec!r}"], source)


def load_variants(path: str | Path, overrides: Iterable[str] | dict[str, Any] = (),
                  ) -> tuple[dict[str, Scenario], dict[str, dict[str, Any]]]:
    """Every variant of a file: its ``[sweep]`` grid expanded (or the file alone).

    Returns the scenarios by variant name and each variant's swept values. A variant is
    named ``<scenario.name>[key=value,...]``.
    """
    source = str(path)
    data = read_scenario_file(path)
    changes = _changes(overrides)
    sweep = data.get("sweep")
    base = _resolve(data, changes, source)
    name = base.scenario.name
    if sweep is None:
        return {name: base}, {name: {}}
    if not isinstance(sweep, dict) or not sweep:
        raise ScenarioError(["sweep: must be a table of dotted keys and their values"], source)
    axes = {key: sweep_values(key, spec, source) for key, spec in sweep.items()}
    total = math.prod(len(v) for v in axes.values())
    if total > MAX_SWEEP_VARIANTS:
        raise ScenarioError([f"sweep: {total} variants, more than {MAX_SWEEP_VARIANTS}"], source)
    scenarios, params = {}, {}
    for combo in itertools.product(*axes.values()):
        point = dict(zip(axes, combo, strict=True))
        label = ",".join(f"{k}={v}" for k, v in point.items())
        try:
            scenarios[f"{name}[{label}]"] = _resolve(data, {**changes, **point}, source)
        except ScenarioError as err:
            raise ScenarioError([f"sweep point {label}: {p}" for p in err.problems],
                                source) from None
        params[f"{name}[{label}]"] = point
    return scenarios, params
