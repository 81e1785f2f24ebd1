"""Global sensitivity analysis of a scenario.

- :func:`run_sensitivity`: Sobol indices (or LHS / QMC samples) over a file's ``[ranges]``.
- :func:`run_morris`: Morris screening of *every* numeric parameter, its ranges derived
  from the schema at run time (:func:`parameter_space`, which documents the rule), then
  :func:`run_sobol` on the most important (:meth:`Screening.top`), with N >= 1024 fine.

Every design point runs ``reps`` replications on common random numbers; the indices are
those of the per-point means, and each outcome's *noise share* says how much of the
variance of those means is replication noise rather than parameter effect.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from sim import words
from sim.choices import STUDIES
from sim.experiment.batch import RUN_KEYS
from sim.experiment.exploration import (
    METHODS,
    SEPARATOR,
    Contrast,
    Ranges,
    latin_hypercube,
    points_to_scenarios,
    saltelli_points,
    schema_bounds,
    sobol_indices,
    sobol_points,
)
from sim.experiment.options import Executor, StoreOptions, run_options
from sim.experiment.runner import run_batch
from sim.experiment.store.artefacts import write_artefact
from sim.scenario import Scenario
from sim.words import SENSITIVITY


@dataclass
class Sensitivity:
    """Sample points with their mean outcomes, and Sobol indices (method ``sobol``)."""

    ranges: Ranges
    samples: pd.DataFrame
    indices: pd.DataFrame | None


# PLR0913: each keyword is one setting of a study, as the command line gives it
def run_sensitivity(base: Scenario, ranges: Ranges, samples: int,  # noqa: PLR0913
                    out: str | Path,
                    method: str = "sobol", reps: int = 1, seed: int = 0,
                    outcomes: list[str] | None = None,
                    executor: Executor | None = None, store: StoreOptions | None = None,
                    contrasts: tuple[Contrast, ...] = (), **keywords: Any) -> Sensitivity:
    """Sample ``ranges`` around ``base``, run every point ``reps`` times (common random
    numbers), and estimate Sobol indices of each outcome. Writes samples.csv (and
    sobol.csv) to out. (Reading a file's ``[ranges]`` is the caller's job:
    :func:`sim.experiment.exploration.read_ranges`.)

    ``samples`` is the Saltelli base size N for ``sobol`` (N * (D + 2) points, N rounded
    up to a power of two), the number of points for ``lhs``, and for ``qmc`` (a scrambled
    Sobol sequence) rounded up to a power of two. With ``contrasts`` every point also runs
    in each contrast's two arms, and the derived outcomes ``NAME:OUTCOME`` (with minus
    without, paired by replication: :func:`evaluate_points`)
    are analysed beside the point's own outcomes.
    """
    executor, store = run_options(executor, store, **keywords)
    if method not in METHODS:
        raise ValueError(f"method: must be one of {', '.join(METHODS)}, got {method!r}")
    if samples < 2:
        raise ValueError(f"samples: must be >= 2, got {samples}")
    sampler = {"sobol": saltelli_points, "lhs": latin_hypercube, "qmc": sobol_points}[method]
    points = sampler(ranges, samples, seed)
    evaluated = evaluate_points(base, points, reps, seed, out, contrasts, executor=executor,
                                store=store)
    runs = evaluated.runs
    outcomes = outcomes or [c for c in runs.columns if c not in RUN_KEYS
                            and c not in ranges.names and pd.api.types.is_numeric_dtype(runs[c])]
    means = runs.groupby("scenario", sort=False)[outcomes].mean().reindex(evaluated.names)
    table = pd.concat([points.reset_index(drop=True), means.reset_index(drop=True)], axis=1)
    write_artefact(out, "samples.csv", table, "design")
    indices = None
    if method == "sobol":
        frames = []
        for outcome in outcomes:
            y = means[outcome].to_numpy(float)
            if pd.isna(y).any() or y.min() == y.max():
                continue  # undefined at some point (e.g. no contact at all), or constant
            frames.append(sobol_indices(ranges, y, seed).assign(outcome=outcome))
        indices = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        write_artefact(out, "sobol.csv", indices, "sobol")
    return Sensitivity(ranges, table, indices)


# --- every point of a design, and its derived outcomes (with minus without) --------------


def _value_at(scenario: Scenario, key: str) -> Any:
    value: Any = scenario
    for part in key.split("."):
        value = getattr(value, part)
    return value


def arm(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """``scenario`` in one arm of a contrast: itself where it already has the arm's
    values, else with the arm's changes."""
    if all(_value_at(scenario, k) == v for k, v in changes.items()):
        return scenario
    return scenario.with_changes(changes)


@dataclass
class Evaluated:
    """The runs of a design: one row per point and replication (``scenario`` is the
    point's name), its outcomes and the derived ones; the points' names in order."""

    runs: pd.DataFrame
    names: list[str]


def evaluate_points(base: Scenario, points: pd.DataFrame, reps: int, seed: int,
                    out: str | Path | None, contrasts: tuple[Contrast, ...] = (),
                    **batch: Any) -> Evaluated:
    """Run every point of ``points`` ``reps`` times (common random numbers); with
    ``contrasts``, each point also in each contrast's two arms (the arm it already is runs
    once), on the same seeds, and the derived outcome ``NAME:OUTCOME`` of replication i is
    the arm with minus the arm without, for every numeric outcome. ``batch`` goes to
    :func:`sim.experiment.runner.run_batch` (executor, store, posterior). Every point's
    runs must succeed."""
    scenarios, params = points_to_scenarios(base, points)
    arms: dict[str, dict[str, tuple[str, str]]] = {name: {} for name in scenarios}
    every, every_params = dict(scenarios), dict(params)
    for name, scenario in scenarios.items():
        for c in contrasts:
            pair = []
            for side, changes in (("with", c.changes_with), ("without", c.changes_without)):
                made = arm(scenario, changes)
                arm_name = name if made is scenario else f"{name} {c.name} {side}"
                every[arm_name], every_params[arm_name] = made, params[name]
                pair.append(arm_name)
            arms[name][c.name] = (pair[0], pair[1])
    done = run_batch(every, reps=reps, seed=seed, out=out, params=every_params, **batch)
    if not done.failures.empty:
        where = f" (see {Path(out) / 'failures.parquet'})" if out is not None else ""
        raise ValueError(f"{len(done.failures)} design run(s) failed{where}; the analysis "
                         "needs every point")
    runs = done.runs
    outcomes = [c for c in runs.columns if c not in RUN_KEYS and c not in points.columns
                and not c.startswith("posterior")  # a replication's draw, not an outcome
                and pd.api.types.is_numeric_dtype(runs[c])]
    levels = runs[runs["scenario"].isin(scenarios)].reset_index(drop=True)
    frames = [levels[["scenario", "replication", *outcomes]]]
    indexed = runs.set_index(["scenario", "replication"])[outcomes]
    for c in contrasts:
        sides = []
        for k in (0, 1):
            named = levels["scenario"].map({n: arms[n][c.name][k] for n in scenarios})
            sides.append(indexed.reindex(pd.MultiIndex.from_arrays(
                [named, levels["replication"]])).to_numpy(float))
        frames.append(pd.DataFrame(sides[0] - sides[1],
                                   columns=[f"{c.name}{SEPARATOR}{o}" for o in outcomes]))
    return Evaluated(pd.concat(frames, axis=1), list(scenarios))


# --- global sensitivity over every parameter: Morris screening, then Sobol on the top ------

RELATIVE = 0.2
"""Default half-width of a derived range, as a share of the scenario's value."""
EXCLUDED_TABLES = ("scenario", "run")
"""Tables that are not model parameters (names, run length, survey moment)."""


@dataclass(frozen=True)
class Parameter:
    """One varied parameter: dotted key, range, integer or not, and where the range came
    from (``derived`` from the schema, or ``ranges`` from the file)."""

    key: str
    low: float
    high: float
    integer: bool
    base: float
    origin: str


@dataclass(frozen=True)
class ParameterSpace:
    """The parameters a screening varies, and those it skipped (key, reason).

    Designs are drawn in the unit cube; :meth:`values` maps them to parameter values:
    floats linearly onto [low, high], integers onto low..high with equal probability each.
    """

    parameters: tuple[Parameter, ...]
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def names(self) -> list[str]:
        return [p.key for p in self.parameters]

    def unit_problem(self) -> Ranges:
        return Ranges({p.key: (0.0, 1.0) for p in self.parameters}, frozenset())

    def values(self, unit: np.ndarray) -> pd.DataFrame:
        unit = np.asarray(unit, dtype=float)
        columns: dict[str, np.ndarray] = {}
        for j, p in enumerate(self.parameters):
            if p.integer:
                k = np.floor(p.low + unit[:, j] * (p.high - p.low + 1))
                columns[p.key] = np.clip(k, p.low, p.high).astype(int)
            else:
                columns[p.key] = p.low + unit[:, j] * (p.high - p.low)
        return pd.DataFrame(columns, index=range(unit.shape[0]))

    def table(self) -> pd.DataFrame:
        rows = [{"parameter": p.key, "low": p.low, "high": p.high, "base": p.base,
                 "integer": p.integer, "origin": p.origin, "skipped": ""}
                for p in self.parameters]
        rows += [{"parameter": k, "skipped": why} for k, why in self.skipped]
        return pd.DataFrame(rows)

    def subset(self, keys: list[str]) -> ParameterSpace:
        chosen = {p.key: p for p in self.parameters}
        return ParameterSpace(tuple(chosen[k] for k in keys))


def numeric_keys(model: type[BaseModel] = Scenario, prefix: str = "",
                 ) -> list[tuple[str, Any, str | None]]:
    """Every field under ``model`` as (dotted key, field, kind): kind ``float``/``int`` for
    numbers, else None (booleans, strings, literals, lists); sub-tables are entered."""
    found: list[tuple[str, Any, str | None]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            found += numeric_keys(ann, f"{key}.")
        else:
            kind = "float" if ann is float else "int" if ann is int else None
            found.append((key, field, kind))
    return found


def _derived(key: str, field: Any, kind: str, value: float,
             relative: float) -> Parameter | str:
    """The derived range of one parameter, or why it is skipped."""
    low_b, high_b, low_open, high_open = schema_bounds(field)
    if not math.isfinite(value):
        return f"value {value} is not finite"
    if value == 0.0:
        if not (math.isfinite(high_b) and high_b <= 1.0 and low_b == 0.0):
            return "value 0 and no 0..1 scale: give it in [ranges]"
        low, high = 0.0, relative * high_b
    else:
        low, high = sorted((value * (1 - relative), value * (1 + relative)))
    eps = 1e-9 * max(1.0, abs(value))
    low = max(low, low_b + (eps if low_open else 0.0))
    high = min(high, high_b - (eps if high_open else 0.0))
    if kind == "int":
        low, high = math.ceil(low - 1e-9) if low > low_b else low, math.floor(high + 1e-9)
        low, high = min(low, math.floor(value)), max(high, math.ceil(value))
        if low == high:
            low, high = max(low - 1, low_b), min(high + 1, high_b)
        if low == high:
            return "an integer with no room to vary"
        low, high = float(math.ceil(low)), float(math.floor(high))
    if not low < high:
        return "no room to vary within its bounds"
    return Parameter(key, low, high, kind == "int", float(value), "derived")


def parameter_space(base: Scenario, relative: float = RELATIVE, ranges: Ranges | None = None,
                    exclude: tuple[str, ...] = EXCLUDED_TABLES) -> ParameterSpace:
    """Every numeric parameter of ``base`` with a range (see the rule below).

    Rule: a parameter of value v varies over v * (1 - relative) .. v * (1 + relative),
    cut to its schema bounds (ge/gt/le/lt); a parameter of value 0 on a 0..1 scale over
    0 .. relative; integers over the integers in that range (at least v - 1 .. v + 1 within
    bounds). Booleans, strings, literals and lists are skipped, as are the tables in
    ``exclude`` and zeros without a 0..1 scale, unless ``ranges`` (a file's ``[ranges]``)
    gives them; ``ranges`` also overrides derived ranges. Two parameters of one table that
    its validators keep ordered (e.g. ``fallback.lower`` < ``fallback.upper``) are cut
    at the midpoint of their values so no combination is invalid.
    """
    if not 0 < relative < 1:
        raise ValueError(f"relative: must be between 0 and 1 (e.g. 0.2), got {relative}")
    data = base.model_dump(mode="python")
    given = ranges.bounds if ranges is not None else {}
    params: dict[str, Parameter] = {}
    skipped: list[tuple[str, str]] = []
    for key, field, kind in numeric_keys():
        value: Any = data
        for part in key.split("."):
            value = value[part]
        if key in given:
            low, high = given[key]
            params[key] = Parameter(key, low, high, key in ranges.integers,  # type: ignore[union-attr]
                                    float(value), "ranges")
            continue
        if key.split(".")[0] in exclude:
            continue
        if kind is None:
            skipped.append((key, "not a number (boolean, text, choice or list)"))
            continue
        found = _derived(key, field, kind, float(value), relative)
        if isinstance(found, str):
            skipped.append((key, found))
        else:
            params[key] = found
    _order_pairs(params, data)
    return ParameterSpace(tuple(params.values()), tuple(skipped))


def _order_pairs(params: dict[str, Parameter], data: dict[str, Any]) -> None:
    """Cut the ranges of pairs a table's validators keep ordered (probed on the table)."""
    from pydantic import ValidationError

    from sim.scenario import table_at

    by_table: dict[str, list[str]] = {}
    for key in params:
        by_table.setdefault(key.rpartition(".")[0], []).append(key)
    for table, keys in by_table.items():
        model = table_at(table.split("."))
        if model is None or len(keys) < 2:
            continue
        own: Any = data
        for part in table.split("."):
            own = own[part]
        for a in keys:
            for b in keys:
                pa, pb = params[a], params[b]
                if a == b or not pa.base < pb.base:
                    continue
                leaf_a, leaf_b = a.rpartition(".")[2], b.rpartition(".")[2]
                try:
                    model.model_validate({**own, leaf_a: _typed(pa, pa.high),
                                          leaf_b: _typed(pb, pb.low)})
                except ValidationError:
                    mid = (pa.base + pb.base) / 2
                    params[a] = dataclasses.replace(pa, high=min(pa.high, mid))
                    params[b] = dataclasses.replace(pb, low=max(pb.low, mid))


def _typed(p: Parameter, value: float) -> float | int:
    return int(value) if p.integer else float(value)


@dataclass
class Design:
    """Per design point the parameter values and the mean outcomes over replications,
    and per outcome the share of the variance of those means that is replication noise."""

    points: pd.DataFrame
    noise: pd.DataFrame
    outcomes: list[str]


def run_design(base: Scenario, space: ParameterSpace, unit: np.ndarray, out: str | Path,
               reps: int, seed: int, outcomes: list[str] | None = None,
               executor: Executor | None = None, store: StoreOptions | None = None,
               contrasts: tuple[Contrast, ...] = ()) -> Design:
    """Run every point ``reps`` times on common random numbers; average per point. With
    ``contrasts``, every point runs in each contrast's two arms too, and the derived
    outcomes ``NAME:OUTCOME`` (with minus without, replication by replication) are
    averaged and analysed like the rest
    (:func:`evaluate_points`).

    Noise share of an outcome: the replication variance of a point mean (the mean
    within-point variance / reps) over the variance of the point means across the design
    (NaN with one replication). Near 1, the indices mostly describe noise: add replications.
    """
    values = space.values(unit)
    evaluated = evaluate_points(base, values, reps, seed, out, contrasts, executor=executor,
                                store=store)
    runs = evaluated.runs
    outcomes = outcomes or [c for c in runs.columns if c not in RUN_KEYS and c not in space.names
                            and pd.api.types.is_numeric_dtype(runs[c])]
    scenarios = evaluated.names
    grouped = runs.groupby("scenario", sort=False)[outcomes]
    means = grouped.mean().reindex(list(scenarios))
    within = grouped.var(ddof=1).reindex(list(scenarios)) if reps > 1 else None
    rows = []
    for o in outcomes:
        total = float(means[o].var(ddof=1))
        noise = float(within[o].mean()) / reps if within is not None else math.nan
        rows.append({"outcome": o, "reps": reps, "noise_variance": noise,
                     "total_variance": total,
                     "noise_share": noise / total if total > 0 else math.nan})
    points = pd.concat([values, means.reset_index(drop=True)], axis=1)
    return Design(points, pd.DataFrame(rows), outcomes)


def _analysable(y: np.ndarray) -> bool:
    return not (np.isnan(y).any() or y.min() == y.max())


@dataclass
class Screening:
    """Morris screening: μ* (with its bootstrap CI), μ and σ per parameter and outcome."""

    space: ParameterSpace
    design: Design
    indices: pd.DataFrame

    def top(self, k: int, outcomes: list[str] | None = None) -> list[str]:
        """The k most important parameters: ranked by the largest, over ``outcomes``, of
        μ* divided by that outcome's largest μ* (so outcomes on any scale count alike)."""
        idx = self.indices
        if outcomes:
            idx = idx[idx["outcome"].isin(outcomes)]
        scaled = idx.assign(score=idx["mu_star"] / idx.groupby("outcome")["mu_star"]
                            .transform("max"))
        rank = scaled.groupby("parameter")["score"].max().sort_values(ascending=False,
                                                                       kind="stable")
        return list(rank.index[:k])


# PLR0913: each keyword is one setting of a study, as the command line gives it
def run_morris(base: Scenario, out: str | Path, trajectories: int = 10,  # noqa: PLR0913
               levels: int = 4,
               reps: int = 2, seed: int = 0, space: ParameterSpace | None = None,
               outcomes: list[str] | None = None, executor: Executor | None = None,
               store: StoreOptions | None = None, contrasts: tuple[Contrast, ...] = (),
               **keywords: Any) -> Screening:
    """Morris screening (SALib) of every numeric parameter of ``space`` (default:
    :func:`parameter_space` of ``base``, whose ``relative`` and ``ranges`` set other
    ranges).

    ``trajectories`` x (D + 1) points, each run ``reps`` times on common random numbers.
    Elementary effects are taken per unit of each parameter's range (the design lives in
    the unit cube), so μ* compares across parameters. With ``contrasts`` the derived
    outcomes (with minus without, see :func:`run_design`) are screened too. Writes
    parameters.csv,
    morris.csv/.parquet, points.parquet and noise.csv to ``out``, each listed with its kind.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    executor, store = run_options(executor, store, **keywords)
    if trajectories < 2:
        raise ValueError(f"trajectories: must be >= 2, got {trajectories}")
    if levels < 2 or levels % 2:
        raise ValueError(f"levels: must be an even number >= 2, got {levels}")
    space = space or parameter_space(base)
    problem = space.unit_problem().problem()
    unit = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    out = Path(out)
    design = run_design(base, space, unit, out, reps, seed, outcomes,
                        executor=executor, store=store, contrasts=contrasts)
    frames = []
    for o in design.outcomes:
        y = design.points[o].to_numpy(float)
        if not _analysable(y):
            continue
        res = morris_analyze.analyze(problem, unit, y, num_levels=levels, conf_level=0.95,
                                     seed=seed)
        frame = pd.DataFrame({"outcome": o, "parameter": space.names, "mu": res["mu"],
                              "mu_star": res["mu_star"], "sigma": res["sigma"],
                              "mu_star_conf": res["mu_star_conf"]})
        # μ* is a mean of absolute effects: its interval stops at 0
        frame["mu_star_low"] = (frame["mu_star"] - frame["mu_star_conf"]).clip(lower=0.0)
        frame["mu_star_high"] = frame["mu_star"] + frame["mu_star_conf"]
        frames.append(frame)
    indices = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    screening = Screening(space, design, indices)
    _write(out, "morris", indices, design, space)
    return screening


@dataclass
class SobolResult:
    """Sobol indices (S1, ST with bootstrap CIs) of the parameters of ``space``."""

    space: ParameterSpace
    design: Design
    indices: pd.DataFrame


def run_sobol(base: Scenario, space: ParameterSpace, samples: int, out: str | Path,
              reps: int = 2, seed: int = 0, outcomes: list[str] | None = None,
              executor: Executor | None = None, store: StoreOptions | None = None,
              contrasts: tuple[Contrast, ...] = (), **keywords: Any) -> SobolResult:
    """Sobol indices of ``space``'s parameters: Saltelli design of base size ``samples``
    (rounded up to a power of two; N * (D + 2) points), ``reps`` replications per point
    on common random numbers, indices of the per-point means (with ``contrasts``, of the
    derived outcomes too: :func:`run_design`). Writes sobol.csv/.parquet,
    points.parquet, noise.csv and parameters.csv to ``out``, each listed with its kind."""
    executor, store = run_options(executor, store, **keywords)
    from SALib.sample import sobol as sobol_sample

    if samples < 2:
        raise ValueError(f"samples: must be >= 2, got {samples}")
    unit_ranges = space.unit_problem()
    n = 2 ** max(1, math.ceil(math.log2(samples)))
    unit = sobol_sample.sample(unit_ranges.problem(), n, calc_second_order=False, seed=seed)
    out = Path(out)
    design = run_design(base, space, unit, out, reps, seed, outcomes,
                        executor=executor, store=store, contrasts=contrasts)
    frames = [sobol_indices(unit_ranges, design.points[o].to_numpy(float), seed)
              .assign(outcome=o) for o in design.outcomes
              if _analysable(design.points[o].to_numpy(float))]
    indices = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not indices.empty:
        indices = indices[["outcome", *indices.columns.drop("outcome")]]
    _write(out, "sobol", indices, design, space)
    return SobolResult(space, design, indices)


def _write(out: Path, name: str, indices: pd.DataFrame, design: Design,
           space: ParameterSpace) -> None:
    """The tables of a screening or a Sobol analysis (``name``), each listed with its kind
    in the folder's manifest."""
    write_artefact(out, "parameters.csv", space.table(), "parameters")
    write_artefact(out, f"{name}.csv", indices, name)
    write_artefact(out, f"{name}.parquet", indices, name)
    write_artefact(out, "points.parquet", design.points, "design")
    write_artefact(out, "noise.csv", design.noise, "noise")




@dataclass(frozen=True)
class StudyDesign:
    """How a sensitivity study samples: the method and its sizes (see :func:`run_study`)."""

    method: str = "sobol"
    samples: int = 64
    reps: int = 1
    seed: int = 0
    top: int | None = None
    trajectories: int = 10
    levels: int = 4
    relative: float = RELATIVE

    def __post_init__(self) -> None:
        if self.method not in STUDIES:
            raise ValueError(f"method: must be one of {', '.join(STUDIES)}, got "
                             f"{self.method!r}")
        if self.top is not None and self.method != "sobol":
            raise ValueError("top: only with method sobol")

    @property
    def screened(self) -> bool:
        """Whether the study screens every parameter by Morris (else it samples ranges)."""
        return self.method == "morris" or self.top is not None


@dataclass
class Study:
    """What :func:`run_study` ran: the screening, the Sobol analysis on its top parameters,
    or the sample over the given ranges."""

    screening: Screening | None = None
    sobol: SobolResult | None = None
    sampled: Sensitivity | None = None


Stage = Callable[[str, Path, Any], None]
"""Hears of each finished stage: ("morris", its folder, the Screening), then ("sobol", its
folder, the SobolResult)."""


def run_study(base: Scenario, design: StudyDesign, out: str | Path,
              ranges: Ranges | None = None, rank_by: list[str] | None = None,
              on_stage: Stage | None = None, log: Callable[[str], None] | None = None,
              executor: Executor | None = None, store: StoreOptions | None = None,
              contrasts: tuple[Contrast, ...] = (), **keywords: Any) -> Study:
    """A sensitivity study of ``base`` into ``out``.

    Screened (method morris, or sobol with ``top``): Morris screening of every numeric
    parameter (``ranges`` override the derived ones); for sobol, into ``out/morris``, then
    Sobol on the ``top`` parameters by μ* over ``rank_by`` into ``out/sobol``. Otherwise
    (sobol without top, lhs, qmc): a sample over ``ranges`` (:func:`run_sensitivity`).
    ``on_stage`` hears of each finished stage, ``log`` gets a line as each starts (in
    the executor's language, as its progress lines).
    ``contrasts`` (:data:`~sim.experiment.exploration.CONTRASTS`) run every point in both
    arms of each, so that its derived outcomes (``fallback_cost:share_dissatisfied``:
    with minus without, same seeds) are analysed and can be ranked by (``rank_by``).
    """
    executor, store = run_options(executor, store, **keywords)
    say = log or (lambda _line: None)
    if not design.screened:
        if ranges is None:
            raise ValueError("ranges: needed for method sobol without top, lhs or qmc")
        return Study(sampled=run_sensitivity(
            base, ranges, design.samples, out, method=design.method, reps=design.reps,
            seed=design.seed, executor=executor, store=store, contrasts=contrasts))
    out = Path(out)
    space = parameter_space(base, design.relative, ranges)
    if not space.parameters:
        raise ValueError("no parameter to vary")
    where = out / "morris" if design.method == "sobol" else out
    where.mkdir(parents=True, exist_ok=True)
    say(words.say(SENSITIVITY, "morris_start", executor.lang,
                  parameters=len(space.parameters), trajectories=design.trajectories,
                  reps=design.reps, skipped=len(space.skipped)))
    screening = run_morris(base, where, design.trajectories, design.levels, design.reps,
                           design.seed, space=space, executor=executor, store=store,
                           contrasts=contrasts)
    if on_stage is not None:
        on_stage("morris", where, screening)
    if design.method == "morris":
        return Study(screening=screening)
    chosen = screening.top(design.top, rank_by)  # type: ignore[arg-type]
    say(words.say(SENSITIVITY, "sobol_start", executor.lang, k=len(chosen),
                  names=", ".join(chosen)))
    (out / "sobol").mkdir(parents=True, exist_ok=True)
    result = run_sobol(base, space.subset(chosen), design.samples, out / "sobol", design.reps,
                       design.seed, executor=executor, store=store, contrasts=contrasts)
    if on_stage is not None:
        on_stage("sobol", out / "sobol", result)
    return Study(screening=screening, sobol=result)
