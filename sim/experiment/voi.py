"""Which measurement would settle the national answer: value of information over a
national calibration's posterior (:mod:`sim.analysis.voi`).

For every particle of the posterior the population runs with and without fallback on
the same seeds (each kind, ``reps`` replications): that gives the particle's answer,
falling back's part of the national dissatisfied, and what each measurement a
researcher could commission would show if the particle were the truth, with the model's
run-to-run spread. The preposterior analysis then says, per measurement and sample size,
how much it would narrow the answer's 90% interval.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.twins import surveyed
from sim.analysis.voi import Measurement, observation_sd, value_of_information
from sim.experiment.calibration import as_changes, load_calibration
from sim.experiment.options import Executor
from sim.population import Population
from sim.run import RunResult, simulate
from sim.scenario import Scenario

DIRECTION = "direction-based"
MEASUREMENTS: tuple[Measurement, ...] = (
    Measurement("dissatisfied_direction", "share (very) dissatisfied among members "
                "surveyed in direction-based municipalities", "share", 400, "members"),
    Measurement("dissatisfied_broken", "the same among members whose partnership broke "
                "(a fallback or a derailment)", "share", 100, "members"),
    Measurement("weeks_to_decision", "median weeks from first contact to a decision, "
                "across the country", "mean", 200),
    Measurement("three_departments", "share of initiatives sent through three or more "
                "departments, across the country", "share", 400),
    Measurement("partner_like", "share of municipalities working as partners (those "
                "that declare the partner role)", "share", 100, "municipalities"),
)
"""The measurements of the analysis, with the sample size each is taken at."""


def _dissatisfied(result: RunResult, only: np.ndarray | None = None) -> tuple[float, float]:
    """(members dissatisfied, members asked) of the survey, optionally of a subset (a mask
    over ``result.initiatives``)."""
    asked = surveyed(result)
    if only is not None:
        asked = asked[asked["id"].isin(result.initiatives["id"][only])]
    members = asked["members"].to_numpy(float)
    return (float(np.sum(members * asked["dissatisfied"].to_numpy(bool))),
            float(members.sum()))


def _replication(kinds: dict[str, Scenario], shares: dict[str, float],
                 seed: int) -> dict[str, float]:
    """One replication of the population with and without fallback: the answer and what
    each measurement would show."""
    num = {True: 0.0, False: 0.0}
    den = {True: 0.0, False: 0.0}
    weeks_num = weeks_den = three_num = three_den = 0.0
    spread: list[float] = []
    direction: dict[str, tuple[float, float]] = {}
    for kind, scenario in kinds.items():
        for fallback in (True, False):
            sc = scenario if fallback else scenario.with_changes({"fallback.enabled": False})
            result = simulate(sc, seed)
            bad, asked = _dissatisfied(result)
            num[fallback] += shares[kind] * bad
            den[fallback] += shares[kind] * asked
            if not fallback:
                continue
            df = result.initiatives
            weight = shares[kind] * len(df)
            weeks_num += weight * result.summary["weeks_to_decision"]
            weeks_den += weight
            ended = df[df["exit_week"].notna()]
            three_num += shares[kind] * float((ended["handoffs"] >= 2).sum())
            three_den += shares[kind] * len(ended)
            spread.extend(df["weeks_to_decision"].dropna().tolist())
            if kind == DIRECTION:
                direction["all"] = (bad, asked)
                direction["broken"] = _dissatisfied(result, df["breaches"].to_numpy() > 0)
    with_, without = num[True] / den[True], num[False] / den[False]

    def share(pair: tuple[float, float] | None) -> float:
        return pair[0] / pair[1] if pair and pair[1] > 0 else math.nan

    return {"answer": (with_ - without) / with_ if with_ > 0 else math.nan,
            "dissatisfied_direction": share(direction.get("all")),
            "dissatisfied_broken": share(direction.get("broken")),
            "weeks_to_decision": weeks_num / weeks_den if weeks_den else math.nan,
            "weeks_spread": float(np.std(spread)) if spread else math.nan,
            "three_departments": three_num / three_den if three_den else math.nan,
            "partner_like": sum(shares[k] for k, sc in kinds.items()
                                if "partner" in sc.municipality.roles_offered)}


def _particle(job: tuple[dict[str, Scenario], dict[str, float], list[int]]
              ) -> dict[str, float]:
    kinds, shares, seeds = job
    runs = pd.DataFrame([_replication(kinds, shares, seed) for seed in seeds])
    out = {key: float(runs[key].mean()) for key in runs.columns}
    out.update({f"{key}_run_sd": float(runs[key].std(ddof=1) / math.sqrt(len(runs)))
                if len(runs) > 1 else 0.0 for key in runs.columns})
    return out


def particle_table(folder: str | Path, population: Population,
                   kinds: dict[str, Scenario], reps: int = 2, seed: int = 0,
                   workers: int | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   serial: bool = False) -> pd.DataFrame:
    """Per particle of the calibration in ``folder``: its weight, its answer and every
    measurement's prediction with the standard error of its mean over ``reps`` runs
    (particles in a process pool, or one after another with ``serial``)."""
    cal = load_calibration(folder)
    posterior = cal.posterior
    keys = [c for c in posterior.columns if c != "weight"]
    jobs = []
    for i, row in posterior.iterrows():
        particle = {k: float(row[k]) for k in keys}
        mix = {k: v for k, v in particle.items() if k.startswith("mix.")}
        changes = as_changes({k: v for k, v in particle.items() if not k.startswith("mix.")})
        seeds = [seed * 1_000_003 + int(i) * reps + r for r in range(reps)]
        jobs.append(({k: sc.with_changes(changes) for k, sc in kinds.items()},
                     population.shares_from(mix), seeds))
    rows: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for k, row in enumerate(map(_particle, jobs) if serial else pool.map(_particle, jobs)):
            rows.append(row)
            if progress:
                progress(k + 1, len(jobs))
    return pd.DataFrame(rows).assign(weight=posterior["weight"].to_numpy(float))


def voi_table(particles: pd.DataFrame, measurements: tuple[Measurement, ...] = MEASUREMENTS,
              seed: int = 0, simulations: int = 2000) -> pd.DataFrame:
    """Per measurement: today's 90% interval width of the answer, the expected width
    after the measurement, and the expected reduction."""
    answer = particles["answer"].to_numpy(float)
    keep = ~np.isnan(answer)
    rows = []
    for m in measurements:
        mean = particles[m.key].to_numpy(float)
        run_sd = particles[f"{m.key}_run_sd"].to_numpy(float)
        spread = particles["weeks_spread"].to_numpy(float)
        ok = keep & ~np.isnan(mean)
        # a particle without a prediction (no such members in its runs) learns nothing
        sd = observation_sd(mean[ok], spread[ok], np.nan_to_num(run_sd[ok]), m.scale,
                            m.sample_size)
        result = value_of_information(answer[ok], particles["weight"].to_numpy(float)[ok],
                                      mean[ok], np.maximum(sd, 1e-9),
                                      np.random.default_rng(seed), simulations)
        rows.append({"measurement": m.key, "description": m.description,
                     "sample_size": m.sample_size, "unit": m.unit,
                     "particles": int(ok.sum()), **result})
    return pd.DataFrame(rows).sort_values("reduction", ascending=False, ignore_index=True)


def sample_sizes(texts: list[str]) -> tuple[Measurement, ...]:
    """:data:`MEASUREMENTS` with the sample sizes given as ``KEY=N`` texts; a bad text is
    refused naming the keys there are."""
    known = {m.key for m in MEASUREMENTS}
    sizes: dict[str, int] = {}
    for text in texts:
        key, _, value = text.partition("=")
        if key not in known or not value.isdigit() or int(value) < 1:
            raise ValueError(f"--n {text}: give KEY=N with N >= 1 and KEY one of "
                             + ", ".join(m.key for m in MEASUREMENTS))
        sizes[key] = int(value)
    return tuple(dataclasses.replace(m, sample_size=sizes.get(m.key, m.sample_size))
                 for m in MEASUREMENTS)


def measure_value_of_information(posterior: str | Path, population_file: str | Path,
                                 out: str | Path, *, reps: int = 2, seed: int = 2026,
                                 measurements: tuple[Measurement, ...] = MEASUREMENTS,
                                 changes: dict[str, Any] | None = None,
                                 executor: Executor | None = None, simulations: int = 2000,
                                 progress: Callable[[int, int], None] | None = None
                                 ) -> pd.DataFrame:
    """The whole analysis into ``out``: every particle of the national calibration in
    ``posterior`` run over the population of ``population_file`` (with ``changes`` in
    every kind), then the table of measurements (``particles.csv``, ``voi.csv``, listed
    in the folder's manifest). Particles run on ``executor``'s process pool (the default)
    or one after another (backend serial). Returns the table, the measurement that
    narrows the answer most first."""
    from sim.experiment.store import write_artefact
    from sim.population import load_population

    population, kinds = load_population(population_file)
    kinds = {k: sc.with_changes(changes or {}) for k, sc in kinds.items()}
    Path(out).mkdir(parents=True, exist_ok=True)
    executor = executor or Executor(backend="process")
    if executor.backend == "dask":
        raise ValueError("value of information runs on the serial or the process backend")
    particles = particle_table(posterior, population, kinds, reps=reps, seed=seed,
                               workers=executor.workers, progress=progress,
                               serial=executor.backend == "serial")
    write_artefact(out, "particles.csv", particles, "voi_particles")
    table = voi_table(particles, measurements, seed=seed, simulations=simulations)
    write_artefact(out, "voi.csv", table, "voi")
    return table
