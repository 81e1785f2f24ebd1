"""Scenario files: TOML with ``extends``, ``--set`` overrides and ``[sweep]`` grids.

    extends = "direction.toml"          # a base file, relative to this one; this file wins
                                        # (scenario.name, when the file does not set it, is
                                        # the file's name: "my-variant" for my-variant.toml)

    [fallback]
    upper = 1.2

    [sweep]                             # a grid: every combination is a named variant
    "fallback.upper" = [0.8, 1.0, 1.2]
    "regisseurs.corps_size" = { start = 0, stop = 8, step = 2 }   # 0, 2, 4, 6, 8

Everything that can go wrong with a file raises :class:`sim.scenario.ScenarioError`
naming the file (and, through ``extends``, every file that extends it) and the field;
nothing a file or a ``--set`` holds may crash the program or make it hang:

* only regular files are read (no devices, pipes or sockets), at most
  :data:`MAX_FILE_BYTES` (1 MiB) each, as UTF-8 TOML;
* tables and lists nest at most :data:`MAX_DEPTH` levels, counting the parts of a dotted
  key; ``extends`` chains are at most :data:`MAX_EXTENDS_DEPTH` files long, without cycles;
* ``extends`` names any readable regular file: relative to the extending file's folder
  (``../shared/base.toml`` may leave it) or absolute. A scenario file is trusted as much
  as the command line that names it, but an extended file's values never appear in
  another file's error messages: a problem with a value set in a base is reported as
  ``key (set in base.toml): what is allowed``;
* a ``[sweep]`` has at most :data:`MAX_SWEEP_VARIANTS` variants and no value twice.

``--set KEY=VALUE`` reads VALUE as TOML (``1.5``, ``true``, ``"text"``, ``['regie']``);
a VALUE that is not TOML is taken as text if it is a bare word, i.e. holds none of
``[ ] { } " ' = , #`` and no control characters (``--set scenario.style=direction``);
anything else is refused, so a typo such as ``[1,2`` is never silently text.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import stat
import sys
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.scenario import Scenario, ScenarioError, _describe, set_dotted
from sim.styles import MANAGER_STYLE_KEY, deep_merge

MAX_EXTENDS_DEPTH = 32
MAX_DEPTH = 32
"""Deepest nesting of tables and lists in a file or a ``--set`` (dotted keys count)."""
MAX_FILE_BYTES = 1 << 20
"""Largest scenario file read (1 MiB); the shipped ones are a few KB."""
EXPERIMENT_TABLES = ("sweep", "ranges")
"""Tables that describe experiments on a scenario, not the scenario itself."""
MAX_SWEEP_VARIANTS = 100_000
BARE_WORD = re.compile(r"[^\[\]{}\"'=,#\x00-\x1f\x7f]+")
"""A ``--set`` value taken as text when it is not TOML."""

Layers = list[tuple[str, dict[str, Any]]]
"""The files of an ``extends`` chain, the extending one first: (file name, its tables)."""


def read_scenario_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML scenario file, following ``extends``; the merged raw tables."""
    return _merge(_read_layers(Path(path)))


def _merge(layers: Layers) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for _, data in reversed(layers):
        merged = deep_merge(merged, data)
    return merged


def _chain_name(path: Path | str, chain: Sequence[Path]) -> str:
    """``c.toml (extended by b.toml, extended by a.toml)``: a file and who extends it."""
    return str(path) + "".join(f"{' (' if i == 0 else ', '}extended by {p}"
                               for i, p in enumerate(reversed(chain))) + (")" if chain else "")


def _read_layers(path: Path, chain: tuple[Path, ...] = ()) -> Layers:
    where = _chain_name(path, chain)
    if "\x00" in str(path):
        raise ScenarioError(["file name holds a NUL byte"], where)
    data = _parse(_read_text(path, where), where)
    resolved = path.resolve()
    parent = data.pop("extends", None)
    if parent is None:
        return [(str(path), data)]
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError([f"extends: must be a file name (text), got {_short(parent)}"],
                            where)
    if "\x00" in parent:
        raise ScenarioError([f"extends: the file name {parent!r} holds a NUL byte"], where)
    target = resolved.parent / parent
    try:
        seen = target.resolve() in (*chain, resolved)
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name too long
        seen = False
    if seen:
        cycle = " -> ".join(str(p) for p in (*chain, resolved, target))
        raise ScenarioError([f"extends: cycle {cycle}"], where)
    if len(chain) + 1 >= MAX_EXTENDS_DEPTH:
        raise ScenarioError([f"extends: chain deeper than {MAX_EXTENDS_DEPTH} files"], where)
    try:
        target.stat()
    except FileNotFoundError:
        raise ScenarioError([f"extends: file not found: {target}"], where) from None
    except (OSError, ValueError):
        pass  # reported when reading it
    return [(str(path), data), *_read_layers(target, (*chain, resolved))]


def _named(layers: Layers) -> Layers:
    """A file that does not set ``scenario.name`` itself is named after the file (its stem,
    "election-year" for election-year.toml), not after the base it extends, so every file
    of a folder gets its own name."""
    where, data = layers[0]
    table = data.get("scenario")
    if isinstance(table, dict) and "name" in table:
        return layers
    if table is not None and not isinstance(table, dict):
        return layers  # reported by the schema, naming the file
    own = {**data, "scenario": {**(table or {}), "name": Path(where).stem}}
    return [(where, own), *layers[1:]]


def read_toml_file(path: str | Path) -> dict[str, Any]:
    """A TOML file's tables, read as scenario files are (regular file, size cap, depth)."""
    return _parse(_read_text(Path(path), str(path)), str(path))


def _read_text(path: Path, where: str) -> str:
    """The text of a regular file of at most MAX_FILE_BYTES; never blocks on a pipe."""
    try:
        mode = path.stat().st_mode  # refuse devices and pipes before opening them
        if not stat.S_ISREG(mode):
            raise ScenarioError([_not_regular(mode)], where)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):  # replaced since the check above
                raise ScenarioError([_not_regular(mode)], where)
            blob = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError([f"file not found: {path}"], where) from None
    except OSError as err:
        raise ScenarioError([f"cannot read: {err.strerror or err}"], where) from None
    if len(blob) > MAX_FILE_BYTES:
        raise ScenarioError([f"larger than {MAX_FILE_BYTES:,} bytes, the most a scenario "
                             "file may hold"], where)
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError([f"not valid UTF-8 at byte {err.start}"], where) from None


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a scenario file"
    return "not a regular file (a device, pipe or socket); scenario files must be files"


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError([f"TOML syntax: {err}"], where) from None
    except RecursionError:
        raise ScenarioError([f"TOML syntax: nested too deeply (deeper than {MAX_DEPTH} "
                             "levels is refused)"], where) from None
    except ValueError:  # an integer too long to convert
        raise ScenarioError([f"TOML: a number with more than {sys.get_int_max_str_digits()} "
                             "digits"], where) from None
    _check_depth(data, where)
    return data


def _deepest(data: Any) -> tuple[str, ...]:
    """The key path of the most deeply nested value (without recursing; stops past
    MAX_DEPTH)."""
    deepest: tuple[str, ...] = ()
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack and len(deepest) <= MAX_DEPTH:
        node, path = stack.pop()
        deepest = max(deepest, path, key=len)
        if isinstance(node, dict):
            stack += [(v, (*path, str(k))) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [(v, (*path, f"[{i}]")) for i, v in enumerate(node)]
    return deepest


def _check_depth(data: Any, where: str) -> None:
    """Refuse tables and lists nested deeper than MAX_DEPTH."""
    path = _deepest(data)
    if len(path) > MAX_DEPTH:
        raise ScenarioError([f"{'.'.join(path[:4])}...: nested deeper than {MAX_DEPTH} "
                             "levels"], where)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def parse_assignment(text: str) -> tuple[str, Any]:
    """``"a.b=value"`` -> ``("a.b", value)``: the value read as TOML, else a bare word.

    A value that is not TOML is taken as text only if it holds none of
    ``[ ] { } " ' = , #`` and no control characters; otherwise it is refused.
    """
    key, sep, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    if not sep or not key:
        raise ScenarioError([f"--set {_short(text)}: expected KEY=VALUE, e.g. "
                             "fallback.enabled=false"])
    shown = key if len(key) <= 60 else key[:60] + "..."
    try:
        doc = tomllib.loads(f"v = {raw}")
    except tomllib.TOMLDecodeError:
        if not BARE_WORD.fullmatch(raw):
            raise ScenarioError([f"--set {shown}: {_short(raw)} is neither a TOML value nor "
                                 "a bare word; quote text that holds [ ] { } \" ' = , # "
                                 "as \"...\" (e.g. --set 'scenario.name=\"a, b\"')"]) from None
        doc = {"v": raw}
    except RecursionError:
        raise ScenarioError([f"--set {shown}: value nested deeper than {MAX_DEPTH} "
                             "levels"]) from None
    except ValueError:
        raise ScenarioError([f"--set {shown}: a number with too many digits"]) from None
    if set(doc) != {"v"}:
        raise ScenarioError([f"--set {shown}: {_short(raw)} holds more than one value"])
    _check_change(key, doc["v"], "--set ")
    return key, doc["v"]


def _check_change(dotted: str, value: Any, prefix: str) -> None:
    """Refuse a change whose key and value together nest deeper than MAX_DEPTH."""
    parts = dotted.split(".")
    if len(parts) + len(_deepest(value)) > MAX_DEPTH:
        raise ScenarioError([f"{prefix}{'.'.join(parts[:4])}{'...' if len(parts) > 4 else ''}"
                             f": key and value nest deeper than {MAX_DEPTH} levels"])


def _changes(overrides: Iterable[str] | dict[str, Any], source: str) -> dict[str, Any]:
    if isinstance(overrides, dict):
        return dict(overrides)
    try:
        return dict(parse_assignment(o) for o in overrides)
    except ScenarioError as err:
        raise ScenarioError(err.problems, source) from None


def _resolve(data: dict[str, Any], changes: dict[str, Any], source: str,
             layers: Layers | None = None) -> Scenario:
    data = {k: v for k, v in data.items() if k not in EXPERIMENT_TABLES}
    for dotted, value in changes.items():
        try:
            _check_change(dotted, value, "")
            set_dotted(data, dotted, value)
        except ScenarioError as err:
            raise ScenarioError(err.problems, source) from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        problems = [_blame(e, _owner(e["loc"], layers or [], changes)) for e in err.errors()]
        raise ScenarioError(problems, source) from None


def _owner(loc: tuple, layers: Layers, changes: dict[str, Any]) -> str | None:
    """The extended file whose value is at ``loc``; None if the file itself, a change or a
    default (or a style) gives it, or if it is a whole table that several files fill."""
    names = tuple(str(p) for p in loc)
    for dotted in changes:
        parts = tuple(dotted.split("."))
        if names[:len(parts)] == parts or parts[:len(names)] == names:
            return None
    for i, (where, data) in enumerate(layers):
        node: Any = data
        for part in loc:
            if not isinstance(node, dict):
                break
            if part not in node:
                node = None
                break
            node = node[part]
        else:
            if isinstance(node, dict):
                return None  # a whole table: merged from several files
        if node is not None:
            return where if i > 0 else None
    return None


def _blame(error: Any, owner: str | None) -> str:
    """One validation problem; one set in an extended file names it and omits its value."""
    if owner is None:
        return _describe(error)
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
    loc = loc.lstrip(".")
    if error["type"] == "value_error":
        return f"{loc} (set in {owner}): not allowed; validate that file for details"
    got = error.get("input")
    nan = isinstance(got, float) and math.isnan(got)
    text = _describe(error if nan else {**error, "input": {}})  # a table: no ", got value"
    what = text.removeprefix(f"{loc}: ")
    return f"{loc} (set in {owner}): {what}"


def load_scenario(path: str | Path, overrides: Iterable[str] | dict[str, Any] = ()) -> Scenario:
    """Read, merge, override and validate a scenario file (``[sweep]``, ``[ranges]`` aside)."""
    layers = _named(_read_layers(Path(path)))
    return _resolve(_merge(layers), _changes(overrides, str(path)), str(path), layers)


def _identity(value: Any) -> Any:
    """A hashable key under which equal sweep values (1 and 1.0) coincide."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("text", value)
    return ("other", repr(value))


def _unique(key: str, values: list[Any], source: str) -> list[Any]:
    seen: set[Any] = set()
    for value in values:
        ident = _identity(value)
        if ident in seen:
            raise ScenarioError([f"sweep.{key}: {_short(value)} appears more than once (each "
                                 "value is one variant)"], source)
        seen.add(ident)
    return values


def sweep_values(key: str, spec: Any, source: str) -> list[Any]:
    """The values of one sweep key: a list, or ``{start, stop, step}`` (stop included)."""
    if isinstance(spec, list):
        if not spec:
            raise ScenarioError([f"sweep.{key}: empty list"], source)
        return _unique(key, spec, source)
    if isinstance(spec, dict) and set(spec) == {"start", "stop", "step"}:
        return _unique(key, _range(key, spec["start"], spec["stop"], spec["step"], source),
                       source)
    raise ScenarioError([f"sweep.{key}: must be a list of values or a table "
                         f"{{ start, stop, step }}, got {_short(spec)}"], source)


def _range(key: str, start: Any, stop: Any, step: Any, source: str) -> list[Any]:
    numbers = (start, stop, step)
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        raise ScenarioError([f"sweep.{key}: start, stop and step must be numbers"], source)
    if all(isinstance(v, int) for v in numbers):
        if step <= 0 or stop < start:
            raise ScenarioError([f"sweep.{key}: need step > 0 and stop >= start"], source)
        count = (stop - start) // step + 1
    else:
        try:
            start, stop, step = (float(v) for v in numbers)
        except OverflowError:
            raise ScenarioError([f"sweep.{key}: start, stop and step must be numbers of at "
                                 "most 1.8e308"], source) from None
        if not all(math.isfinite(v) for v in (start, stop, step)):
            raise ScenarioError([f"sweep.{key}: start, stop and step must be finite "
                                 "numbers"], source)
        if step <= 0 or stop < start:
            raise ScenarioError([f"sweep.{key}: need step > 0 and stop >= start, got "
                                 f"start={start}, stop={stop}, step={step}"], source)
        span = (stop - start) / step  # inf when the step is tiny
        count = math.floor(span + 1e-9) + 1 if span < MAX_SWEEP_VARIANTS else math.inf
    if count > MAX_SWEEP_VARIANTS:
        raise ScenarioError([f"sweep.{key}: more than {MAX_SWEEP_VARIANTS:,} values"], source)
    if isinstance(step, int) and isinstance(start, int):
        return list(range(start, stop + 1, step))
    return [round(start + i * step, 12) for i in range(int(count))]


def _sweep_axes(data: dict[str, Any], source: str) -> dict[str, list[Any]]:
    """The values of every sweep key (each checked alone), and their product counted
    from the axes' lengths, never by expanding it; refused above MAX_SWEEP_VARIANTS."""
    sweep = data.get("sweep")
    if not isinstance(sweep, dict) or not sweep:
        raise ScenarioError(["sweep: must be a table of dotted keys and their values"], source)
    axes = {key: sweep_values(key, spec, source) for key, spec in sweep.items()}
    total = math.prod(len(v) for v in axes.values())
    if total > MAX_SWEEP_VARIANTS:
        raise ScenarioError([f"sweep: {total} variants, more than {MAX_SWEEP_VARIANTS}"], source)
    return axes


def _label(point: dict[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in point.items())


def load_variants(path: str | Path, overrides: Iterable[str] | dict[str, Any] = (),
                  ) -> tuple[dict[str, Scenario], dict[str, dict[str, Any]]]:
    """Every variant of a file: its ``[sweep]`` grid expanded (or the file alone).

    Returns the scenarios by variant name and each variant's swept values. A variant is
    named ``<scenario.name>[key=value,...]``. To check a file without building every
    variant (a grid of 100,000 in bounded memory), see :func:`check_variants`.
    """
    source = str(path)
    layers = _named(_read_layers(Path(path)))
    data = _merge(layers)
    changes = _changes(overrides, source)
    base = _resolve(data, changes, source, layers)
    name = base.scenario.name
    if data.get("sweep") is None:
        return {name: base}, {name: {}}
    axes = _sweep_axes(data, source)
    scenarios, params = {}, {}
    for combo in itertools.product(*axes.values()):
        point = dict(zip(axes, combo, strict=True))
        label = _label(point)
        variant = f"{name}[{label}]"
        if variant in scenarios:
            raise ScenarioError([f"sweep: two variants get the same name {variant!r}"], source)
        try:
            scenarios[variant] = _resolve(data, {**changes, **point}, source, layers)
        except ScenarioError as err:
            raise ScenarioError([f"sweep point {label}: {p}" for p in err.problems],
                                source) from None
        params[variant] = point
    return scenarios, params


def _top(keys: list[str]) -> str:
    """The top-level table of a group of sweep keys."""
    return keys[0].split(".")[0]


def _shared(key: str) -> bool:
    """A sweep key whose value can change any table: the style and the manager style
    (they fill in the values they govern), and anything else under ``[scenario]``."""
    return key.split(".")[0] == "scenario" or key == MANAGER_STYLE_KEY


@dataclass
class Variants:
    """A file's variants, checked without building the grid (:func:`check_variants`).

    ``count`` is the product of the axes' lengths; ``first`` the first variant, resolved
    in full (its digest is the one ``load_variants`` gives it); :meth:`names` and
    :meth:`scenarios` go through the grid one variant at a time (names in the order of
    :func:`load_variants`, scenarios in an order of their own), holding only the tables
    of the smaller groups of axes.
    """

    source: str
    first: Scenario
    count: int
    name: str
    axes: dict[str, list[Any]] = field(default_factory=dict)
    _data: dict[str, Any] = field(default_factory=dict, repr=False)
    _changes: dict[str, Any] = field(default_factory=dict, repr=False)
    _layers: Layers = field(default_factory=list, repr=False)

    def names(self) -> Iterator[str]:
        """Every variant's name (``name[key=value,...]``); two alike are refused."""
        if not self.axes:
            yield self.name
            return
        seen: set[str] = set()
        for combo in itertools.product(*self.axes.values()):
            variant = f"{self.name}[{_label(dict(zip(self.axes, combo, strict=True)))}]"
            if variant in seen:
                raise ScenarioError([f"sweep: two variants get the same name {variant!r}"],
                                    self.source)
            seen.add(variant)
            yield variant

    def _resolved(self, point: dict[str, Any]) -> Scenario:
        try:
            return _resolve(self._data, {**self._changes, **point}, self.source, self._layers)
        except ScenarioError as err:
            raise ScenarioError([f"sweep point {_label(point)}: {p}" for p in err.problems],
                                self.source) from None

    def _groups(self) -> tuple[list[str], list[list[str]]]:
        """The shared axes, and the others grouped by their top-level table (largest
        product first)."""
        shared = [k for k in self.axes if _shared(k)]
        tables: dict[str, list[str]] = {}
        for key in self.axes:
            if not _shared(key):
                tables.setdefault(key.split(".")[0], []).append(key)
        groups = sorted(tables.values(), key=lambda g: -math.prod(len(self.axes[k]) for k in g))
        return shared, groups

    def _points(self, keys: list[str]) -> Iterator[dict[str, Any]]:
        for combo in itertools.product(*(self.axes[k] for k in keys)):
            yield dict(zip(keys, combo, strict=True))

    def check(self) -> None:
        """Validate every variant without building the grid.

        Pydantic validates each top-level table on its own (the model validators that
        relate two fields, such as ``fallback.lower < fallback.upper``, sit inside one
        table), and only the style keys fill in values across tables. So a variant is
        valid exactly when, at its style keys' values, each table's swept keys are: the
        grid is checked as (product of the style axes) x (sum over tables of the product
        of that table's axes), not as the product of everything. The first problem
        found is raised, naming the point (the keys that make it).
        """
        shared, groups = self._groups()
        for style in self._points(shared):
            for group in groups or [[]]:
                for point in self._points(group):
                    self._resolved({**style, **point})

    def scenarios(self) -> Iterator[Scenario]:
        """Every variant with the values ``load_variants`` gives it, one at a time (after
        :meth:`check`): each table is taken from the scenario resolved for its own
        axes' values (``scenario.own_values`` is that of the largest group's scenario,
        not the union; the values the model reads are the same)."""
        if not self.axes:
            yield self.first
            return
        shared, groups = self._groups()
        for style in self._points(shared):
            if not groups:
                yield self._resolved(style)
                continue
            largest, *rest = groups
            small = [[(_top(g), getattr(self._resolved({**style, **p}), _top(g)))
                      for p in self._points(g)] for g in rest]
            for point in self._points(largest):
                base = self._resolved({**style, **point})
                for combo in itertools.product(*small):
                    yield base.model_copy(update=dict(combo))


def check_variants(path: str | Path, overrides: Iterable[str] | dict[str, Any] = (),
                   ) -> Variants:
    """A file checked as :func:`load_variants` checks it, without building its grid: every
    variant validated (see :meth:`Variants.check`), the variants counted from the axes'
    lengths; the variants themselves come one at a time from :meth:`Variants.scenarios`.
    A 100,000-variant sweep validates in about a second and a few MB."""
    source = str(path)
    layers = _named(_read_layers(Path(path)))
    data = _merge(layers)
    changes = _changes(overrides, source)
    base = _resolve(data, changes, source, layers)
    if data.get("sweep") is None:
        return Variants(source, base, 1, base.scenario.name)
    axes = _sweep_axes(data, source)
    found = Variants(source, base, math.prod(len(v) for v in axes.values()),
                     base.scenario.name, axes, data, changes, layers)
    found.check()
    found.first = found._resolved({k: v[0] for k, v in axes.items()})
    return found
