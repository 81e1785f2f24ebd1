"""Calibration by ABC-SMC (pyabc): a posterior over the uncertain parameters.

Approximate Bayesian computation with sequential Monte Carlo (Toni et al. 2009; pyabc,
Klinger, Rickert & Hasenauer 2018) needs no likelihood: it draws parameters from the
priors, runs the model, and keeps the draws whose outputs lie close to the observed
patterns, with a threshold that shrinks population by population. Here a *particle* is
a set of values for the keys of the priors file, applied to a base scenario; its
outputs are the means over ``reps`` replications of the calibrating patterns'
outcomes (:mod:`sim.analysis.patterns`); the distance is the Euclidean norm of the
standardised gaps ``(value - target) / tolerance``.

Everything goes into one folder: ``abc.db`` (pyabc's SQLite history; every finished
population is committed, so a stopped calibration resumes from the last one),
``posterior.parquet`` (the last population: parameters and weights),
``populations.csv`` (epsilon, particles, simulations per population), ``ppc.parquet``
(posterior predictive runs of every pattern, held-back ones included), ``checks.csv``,
``calibration.json`` (base scenario, priors, settings, code identity), ``parameters.csv``
(each parameter's prior and posterior, and whether the data identified it:
:func:`parameter_table`);
:func:`sim.report.calibration.write_calibration_report` adds ``report.html``.

Experiments use a stored posterior through :class:`Posterior`: each replication draws
one parameter set, the same for every scenario of the batch (common random numbers
kept), so their intervals carry parametric as well as stochastic uncertainty.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.patterns import PATTERNS, Pattern, calibrating
from sim.analysis.stats import weighted_quantile
from sim.choices import KERNELS
from sim.experiment.exploration import parse_ranges
from sim.experiment.options import Executor, run_options
from sim.experiment.store.artefacts import write_artefact
from sim.files import atomic_write
from sim.model import build
from sim.provenance import code_identity
from sim.run import simulate
from sim.scenario import Scenario, ScenarioError, field_at
from sim.scenario_files import read_toml_file
from sim.words import CALIBRATION, say, word

DB = "abc.db"
MANIFEST = "calibration.json"
POSTERIOR = "posterior.parquet"
PARAMETERS = "parameters.csv"


# ---------------------------------------------------------------------------- priors

def read_priors(path: str | Path) -> dict[str, tuple[float, float]]:
    """Uniform priors from a TOML file: ``[priors]`` with ``"table.key" = [low, high]``.

    Each key must be a numeric scenario parameter and each range lie within the
    parameter's allowed values; errors name the file, the key and what is allowed.
    """
    table = read_toml_file(path).get("priors")
    return parse_ranges(table, str(path), name="priors", within_schema=True).bounds


# ---------------------------------------------------------------------------- the model

class ScenarioTarget:
    """What is calibrated: one scenario, read against :data:`PATTERNS`.

    A particle's values are scenario changes; its outcomes are the means over its
    replications of every pattern's outcome. A particle the scenario refuses (e.g.
    ``dissatisfied_below`` above ``satisfied_above``) gets nan outcomes: infinite
    distance, never accepted.
    """

    def __init__(self, base: Scenario) -> None:
        self.base = base
        self.patterns: tuple[Pattern, ...] = PATTERNS

    def settings(self) -> dict[str, Any]:
        """What identifies the target in a calibration folder (a resume must match)."""
        return {"base": self.base.model_dump(mode="json"), "base_hash": self.base.digest()}

    def run_seconds(self) -> float:
        """The estimated CPU seconds of one replication of a particle."""
        from sim.experiment.scale import estimate

        return estimate(self.base).cpu_seconds

    def extra_priors(self) -> dict[str, Any]:
        """Priors the target adds to the file's (pyabc random variables)."""
        return {}

    def predict(self, particle: dict[str, float], seeds: list[int]) -> dict[str, float]:
        """Every pattern's outcome for a particle, as means over runs on ``seeds``."""
        outcomes = sorted({p.outcome for p in self.patterns})
        try:
            scenario = self.base.with_changes(as_changes(particle))
        except ScenarioError:
            return dict.fromkeys(outcomes, math.nan)
        runs = [simulate(scenario, seed).summary for seed in seeds]
        return {o: float(np.mean([r[o] for r in runs])) for o in outcomes}


class PatternModel:
    """pyabc's model: a particle -> the target's pattern outcomes over ``reps`` runs.

    The seeds of a particle's replications come from numpy's global generator, which
    pyabc seeds in every sampler process.
    """

    def __init__(self, target: ScenarioTarget, reps: int) -> None:
        self.target, self.reps = target, reps

    def __call__(self, particle: dict[str, float]) -> dict[str, float]:
        seeds = np.random.randint(0, 2**31 - 1, size=self.reps).tolist()
        return self.target.predict(dict(particle), seeds)


def as_changes(particle: dict[str, float]) -> dict[str, Any]:
    """A particle's values as scenario changes (integer parameters rounded)."""
    out: dict[str, Any] = {}
    for key, value in particle.items():
        field = field_at(key)
        integer = field is not None and field.annotation is int
        out[key] = round(value) if integer else float(value)
    return out


def pattern_distance(patterns: tuple[Pattern, ...]) -> Callable[[dict, dict], float]:
    """The ABC distance over ``patterns`` (standardised Euclidean)."""
    def distance(x: dict[str, float], _observed: dict[str, float]) -> float:
        return math.sqrt(sum(p.distance(x[p.outcome]) ** 2 for p in patterns))
    return distance


# ---------------------------------------------------------------------------- running

@dataclass
class Calibration:
    """What a calibration folder holds, read back."""

    folder: Path
    posterior: pd.DataFrame
    populations: pd.DataFrame
    checks: pd.DataFrame
    manifest: dict[str, Any]


def particles_per_task(base: Scenario | ScenarioTarget, reps: int) -> int:
    """Particles one Dask task evaluates (pyabc's ``batch_size``): enough that a task runs
    about :data:`~sim.experiment.batch.TARGET_TASK_SECONDS`, from the scale estimate of a
    run of ``base`` (a particle runs ``reps`` replications)."""
    from sim.experiment.batch import MAX_CHUNK, TARGET_TASK_SECONDS

    target = ScenarioTarget(base) if isinstance(base, Scenario) else base
    seconds = reps * target.run_seconds()
    if not seconds > 0:
        return MAX_CHUNK
    return max(1, min(MAX_CHUNK, math.ceil(TARGET_TASK_SECONDS / seconds)))


def _sampler(executor: Executor, batch_size: int = 1) -> Any:
    """pyabc's sampler for a backend. A process evaluates one particle at a time (a
    particle's ``reps`` runs are one task); a Dask task evaluates ``batch_size`` particles.
    """
    import pyabc

    backend, workers, scheduler = executor.backend, executor.workers, executor.scheduler
    if backend == "serial":
        return pyabc.sampler.SingleCoreSampler()
    if backend == "process":
        return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
    from distributed import Client, LocalCluster

    from sim.experiment.cluster import connect

    # backend dask: on a cluster, every worker must run this code (checked now and when it
    # joins)
    client = connect(scheduler) if scheduler else Client(LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True))
    return pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=batch_size)


def _own_folder(out: Path) -> None:
    """Use ``out`` only if it is new, empty, or a calibration folder of ours."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise ValueError(f"--out {out}: the folder holds files and no {MANIFEST}; "
                         "calibrate into a new or empty folder (nothing of yours is touched)")


PPC_REPS = 3
"""Runs per particle of the posterior predictive checks (:func:`calibrate`'s default)."""
DRAWS = "prior_draws.parquet"
"""Rejection ABC's draws from the prior with their outcomes and distances (resumable)."""
CHUNK = 100
"""Rejection ABC: draws simulated between two saves."""


# PLR0913: public API: experiments/calibrate.py, the tests and users pass these by keyword
def calibrate(base: Scenario | ScenarioTarget,  # noqa: PLR0913
              priors: dict[str, tuple[float, float]], out: str | Path,
              populations: int = 5, particles: int = 100, reps: int = 3, seed: int = 0,
              executor: Executor | None = None, ppc_draws: int = 40,
              ppc_reps: int = PPC_REPS,
              kernel: str = "normal", log: Callable[[str], None] = print,
              accept: float = 0.05, lang: str = "en", **keywords: Any) -> Calibration:
    """Run (or resume) ABC-SMC of ``base`` against the calibrating patterns into ``out``.

    ``base`` is a scenario, or a target that says what a particle predicts (a population
    of municipalities: :class:`sim.experiment.national.PopulationTarget`). ``priors`` are
    uniform, ``{key: (low, high)}``; a target may add priors of its own.

    ``kernel`` is how a population proposes the next one's particles: ``normal``, one
    multivariate normal fitted to the whole population (pyabc's default), or ``local``,
    a normal per particle fitted to its nearest quarter of the population (pyabc's
    ``LocalTransition``), which follows a ridge-shaped posterior instead of spreading
    proposals across it, so the weight does not end up on a few particles.

    ``rejection`` is plain rejection ABC (Pritchard et al. 1999): ``particles`` /
    ``accept`` draws from the prior, of which the ``particles`` closest are kept, all
    with the same weight, so the effective sample size is the number kept; the price is
    a wider tolerance than SMC reaches. Its draws are saved every :data:`CHUNK`, so a
    stopped calibration resumes; ``populations`` does not apply.

    ``executor`` says where particles are evaluated (its backend, workers and scheduler;
    the old keywords ``backend=``, ``workers=``, ``scheduler=`` still work). ``log`` gets
    the calibration's lines in ``lang`` (:data:`sim.words.CALIBRATION`).
    """
    executor, _ = run_options(executor, None, **keywords)
    if populations < 1 or particles < 2 or reps < 1:
        raise ValueError("populations >= 1, particles >= 2 and reps >= 1 are needed, got "
                         f"{populations}, {particles}, {reps}")
    if kernel not in KERNELS:
        raise ValueError(f"kernel: must be one of {', '.join(KERNELS)}, got {kernel!r}")
    out = Path(out)
    _own_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    target = ScenarioTarget(base) if isinstance(base, Scenario) else base
    patterns = calibrating(target.patterns)
    extra = target.extra_priors()
    settings = {**target.settings(),
                "priors": {**{k: list(v) for k, v in priors.items()},
                           **{k: list(v) for k, v in extra.items()}},
                "patterns": [p.key for p in patterns], "particles": particles,
                "reps": reps, "seed": seed, "kernel": kernel, "code": code_identity(build())}
    if kernel == "rejection":
        if not 0.0 < accept <= 1.0:
            raise ValueError(f"accept: must be a share in (0, 1], got {accept}")
        settings["accept"] = accept
    manifest_path = out / MANIFEST
    if manifest_path.exists():
        old = json.loads(manifest_path.read_text())
        old.setdefault("kernel", "normal")  # calibrations made before the choice
        for key in ("base_hash", "priors", "patterns", "particles", "reps", "seed", "kernel",
                    "accept"):
            if old.get(key) != settings.get(key):
                raise ValueError(f"{out}: holds a calibration with other {key} "
                                 f"({old.get(key)!r}); use a new folder to change it")
        if old["code"]["source_hash"] != settings["code"]["source_hash"]:
            raise ValueError(f"{out}: was calibrated with other code "
                             f"({old['code']['source_hash'][:12]}); use a new folder")
    write_artefact(out, MANIFEST, json.dumps(settings, indent=2), "calibration_settings")
    if kernel == "rejection":
        return _rejection(out, target, settings["priors"], patterns, particles, accept, reps,
                          seed, executor, ppc_draws, ppc_reps, log, lang)

    import pyabc  # ~7 s to import: not for rejection ABC

    model = PatternModel(target, reps)
    prior = pyabc.Distribution(**{k: pyabc.RV("uniform", lo, hi - lo)
                                  for k, (lo, hi) in priors.items()},
                               **{k: pyabc.RV(*spec) for k, spec in extra.items()})
    np.random.seed(seed)
    transition = (pyabc.LocalTransition() if kernel == "local"
                  else pyabc.MultivariateNormalTransition())
    abc = pyabc.ABCSMC(model, prior, pattern_distance(patterns), population_size=particles,
                       transitions=transition,
                       sampler=_sampler(executor,
                                        particles_per_task(target, reps)))
    db = "sqlite:///" + str((out / DB).resolve())
    observed = {p.outcome: p.target for p in patterns}
    if (out / DB).exists():
        history = abc.load(db, 1, observed_sum_stat=observed)
        done = history.max_t + 1
        log(say(CALIBRATION, "resuming", lang, done=done, populations=populations))
    else:
        history = abc.new(db, observed)
        done = 0
    logging.getLogger("ABC").setLevel(logging.INFO)
    if done < populations:
        history = abc.run(max_nr_populations=populations - done)
    return _summarise(out, history, target, ppc_draws, ppc_reps, seed, log, lang)


def _summarise(out: Path, history: Any, target: ScenarioTarget, draws: int, reps: int,
               seed: int, log: Callable[[str], None], lang: str = "en") -> Calibration:
    """Write the posterior, the populations and the posterior predictive checks."""
    params, weights = history.get_distribution(m=0, t=history.max_t)
    posterior = params.reset_index(drop=True).assign(weight=np.asarray(weights))
    return _finish(out, posterior, history.get_all_populations(), int(history.max_t + 1),
                   int(history.total_nr_simulations), target, draws, reps, seed, log, lang)


def _finish(out: Path, posterior: pd.DataFrame, populations: pd.DataFrame,  # noqa: PLR0913
            done: int, simulations: int, target: ScenarioTarget, draws: int, reps: int,
            seed: int, log: Callable[[str], None], lang: str = "en") -> Calibration:
    """Write a posterior (either method's), its populations, the posterior predictive
    checks and the parameter table."""
    write_artefact(out, POSTERIOR, posterior, "posterior")
    write_artefact(out, "populations.csv", populations, "populations")
    checks = _posterior_checks(out, posterior, target, draws, reps, seed, log, lang)
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["populations_done"] = done
    manifest["effective_sample_size"] = effective_sample_size(posterior)
    manifest["simulations"] = simulations
    manifest["checks"] = {"draws": draws, "reps": reps}
    write_artefact(out, MANIFEST, json.dumps(manifest, indent=2), "calibration_settings")
    write_artefact(out, PARAMETERS, parameter_table(posterior, manifest["priors"]),
                   "parameters")
    log(say(CALIBRATION, "posterior", lang, n=len(posterior),
            ess=float(manifest["effective_sample_size"])))
    return Calibration(out, posterior, populations, checks, manifest)


def _posterior_checks(out: Path, posterior: pd.DataFrame, target: ScenarioTarget,
                      draws: int, reps: int, seed: int,
                      log: Callable[[str], None], lang: str = "en") -> pd.DataFrame:
    """Run ``draws`` particles of the posterior ``reps`` times each and check every
    pattern of ``target`` on them (``ppc.parquet``, ``checks.csv``). The particles and
    seeds follow from ``seed`` alone, so checks made again later draw the same ones."""
    rng = np.random.default_rng(seed)
    keys = [c for c in posterior.columns if c != "weight"]
    picks = rng.choice(len(posterior), size=draws, p=posterior["weight"] / posterior[
        "weight"].sum())
    rows = []
    for k, i in enumerate(picks.tolist()):
        particle = dict(posterior.loc[i, keys])
        predicted = target.predict(particle, [seed * 1_000 + k * reps + r
                                              for r in range(reps)])
        rows.append({"draw": k, **particle, **predicted})
    ppc = pd.DataFrame(rows)
    write_artefact(out, "ppc.parquet", ppc, "posterior_predictive")
    checks = pd.DataFrame([{
        "pattern": p.key, "outcome": p.outcome, "role": p.role, "target": p.target,
        "low": p.low, "high": p.high, "median": float(ppc[p.outcome].median()),
        "q05": float(ppc[p.outcome].quantile(0.05)),
        "q95": float(ppc[p.outcome].quantile(0.95)),
        "share_matching": float(np.mean([p.matches(v) for v in ppc[p.outcome]])),
        "source": p.source} for p in target.patterns])
    write_artefact(out, "checks.csv", checks, "checks")
    for row in checks.itertuples():
        log(say(CALIBRATION, "check", lang, pattern=word(CALIBRATION, row.pattern, lang)
                if row.pattern in CALIBRATION else row.pattern,
                role=word(CALIBRATION, row.role, lang), median=float(row.median),
                low=float(row.q05), high=float(row.q95), target=float(row.target),
                share=float(row.share_matching)))
    return checks


def recheck(folder: str | Path, base: Scenario | ScenarioTarget, draws: int, reps: int,
            log: Callable[[str], None] = print) -> pd.DataFrame:
    """Check a stored calibration's posterior again against every pattern of ``base``
    (patterns held back since it was made included): the same particles and seeds as its
    own checks (the calibration's seed), with the code that runs now, which the manifest
    records under ``checks``. ``base`` must be what was calibrated (its digest is
    compared)."""
    out = Path(folder)
    manifest = json.loads((out / MANIFEST).read_text())
    target = ScenarioTarget(base) if isinstance(base, Scenario) else base
    if target.settings()["base_hash"] != manifest["base_hash"]:
        raise ValueError(f"{out}: was calibrated on another base (scenario or population); "
                         "give the one it was made with")
    posterior = pd.read_parquet(out / POSTERIOR)
    checks = _posterior_checks(out, posterior, target, draws, reps, manifest["seed"], log)
    manifest["checks"] = {"draws": draws, "reps": reps, "code": code_identity(build())}
    write_artefact(out, MANIFEST, json.dumps(manifest, indent=2), "calibration_settings")
    return checks


def prior_draw(priors: dict[str, list[Any]], seed: int, index: int) -> dict[str, float]:
    """Draw ``index`` from the priors (as a manifest stores them), the same whenever and
    wherever it is made: its own generator, from the calibration's seed and the index."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, index, 0xD2A]))
    out = {}
    for key, spec in priors.items():
        dist = prior_distribution(spec)
        out[key] = float(dist.rvs(random_state=rng))
    return out


def _simulate_draw(job: tuple[ScenarioTarget, dict[str, float], list[int]]
                   ) -> dict[str, float]:
    target, particle, seeds = job
    return target.predict(particle, seeds)


@contextlib.contextmanager
def _draw_mapper(executor: Executor) -> Iterator[Callable[[list[Any]], list[dict[str, float]]]]:
    """Where rejection ABC's draws are simulated: a function from a chunk of jobs to their
    outcomes, in order. Serial, a process pool, or Dask (a LocalCluster of ``workers``
    processes or the executor's scheduler, its workers checked to run this code, and each
    task checked again where it lands: :func:`sim.experiment.cluster.checked`)."""
    if executor.backend == "serial":
        yield lambda jobs: [_simulate_draw(job) for job in jobs]
    elif executor.backend == "process":
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=executor.workers) as pool:
            yield lambda jobs: list(pool.map(_simulate_draw, jobs))
    else:
        from sim.experiment.cluster import checked, dask_client

        task = functools.partial(checked, _simulate_draw, code_identity(build())["source_hash"])
        with dask_client(executor.scheduler, executor.workers, executor.security) as client:
            yield lambda jobs: client.gather(client.map(task, jobs, pure=False))


def _rejection(out: Path, target: ScenarioTarget, priors: dict[str, list[Any]],  # noqa: PLR0913
               patterns: tuple[Pattern, ...], particles: int, accept: float, reps: int,
               seed: int, executor: Executor, ppc_draws: int, ppc_reps: int,
               log: Callable[[str], None], lang: str = "en") -> Calibration:
    """Rejection ABC: simulate draws from the prior (resuming from the saved ones), keep
    the ``particles`` closest. Each draw and its seeds come from the calibration's seed and
    the draw's index alone, so the draws are the same on any backend and however a stop
    split them."""
    total = math.ceil(particles / accept)
    path = out / DRAWS
    done = pd.read_parquet(path) if path.exists() else pd.DataFrame()
    if len(done):
        log(say(CALIBRATION, "resuming_draws", lang, done=len(done), total=total))
    distance = pattern_distance(patterns)
    with _draw_mapper(executor) as simulate_jobs:
        while len(done) < total:
            start = len(done)
            indices = range(start, min(total, start + CHUNK))
            jobs = [(target, prior_draw(priors, seed, i),
                     [int(x) >> 1 for x in np.random.SeedSequence([seed, i]).generate_state(
                         reps, np.uint64)]) for i in indices]
            found = simulate_jobs(jobs)
            rows = [{"draw": i, **job[1], **outcome, "distance": distance(outcome, {})}
                    for i, job, outcome in zip(indices, jobs, found, strict=True)]
            done = pd.concat([done, pd.DataFrame(rows)], ignore_index=True)
            atomic_write(path, done.to_parquet(index=False))
            log(say(CALIBRATION, "draws", lang, done=len(done), total=total))
    kept = done.nsmallest(particles, "distance", keep="first")
    posterior = kept[list(priors)].reset_index(drop=True).assign(weight=1.0)
    epsilon = float(kept["distance"].max())
    populations = pd.DataFrame([{"t": 0, "epsilon": epsilon, "samples": total,
                                 "particles": particles}])
    log(say(CALIBRATION, "kept", lang, particles=particles, total=total, epsilon=epsilon))
    return _finish(out, posterior, populations, 1, total, target, ppc_draws, ppc_reps, seed,
                   log, lang)


def effective_sample_size(posterior: pd.DataFrame) -> float:
    """Kish's effective sample size of the weighted particles, 1 / sum(w^2) for w summing
    to 1: far below the number of particles means a few particles carry the posterior."""
    w = posterior["weight"].to_numpy(float)
    w = w / w.sum()
    return float(1.0 / np.sum(w * w))


def prior_distribution(spec: list[Any]) -> Any:
    """A prior as a manifest stores it (``[low, high]``, uniform, or ``[name, a, b]``, a
    scipy.stats distribution) as a frozen scipy.stats distribution."""
    from scipy import stats

    return (stats.uniform(spec[0], spec[1] - spec[0]) if len(spec) == 2
            else getattr(stats, spec[0])(*spec[1:]))


def _weighted_cdf(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(x, kind="stable")
    return x[order], np.cumsum(w[order]) / w.sum()


def parameter_table(posterior: pd.DataFrame, priors: dict[str, list[Any]],
                    level: float = 0.9) -> pd.DataFrame:
    """One row per parameter: its prior, the posterior median and central ``level``
    interval, the width ratio (posterior interval over the prior's), the Kolmogorov–
    Smirnov distance between the weighted posterior and the prior, and ``identified``.

    ``priors`` as a calibration's manifest stores them: ``[low, high]`` (uniform) or
    ``[name, a, b]`` (a scipy.stats distribution with two parameters).

    **The rule**: a parameter is identified when its posterior differs from its prior by
    more than a sample of the prior of the same effective size would by chance: the KS
    distance exceeds the one-sample critical value c(a) / sqrt(ESS), with ESS the
    posterior's Kish effective sample size and c(a) = sqrt(-ln(a / 2) / 2) the
    asymptotic Kolmogorov quantile at a = 5% shared over the parameters (Bonferroni:
    a = 0.05 / their number), so that among many prior-only parameters none passes by
    chance but once in twenty calibrations. A posterior that is its prior, reweighted by
    noise, stays below it however many particles carry it.
    """
    w = posterior["weight"].to_numpy(float)
    ess = effective_sample_size(posterior)
    alpha = 0.05 / max(len(priors), 1)
    critical = math.sqrt(-math.log(alpha / 2.0) / 2.0) / math.sqrt(ess)
    tail = (1.0 - level) / 2.0
    rows = []
    for key, spec in priors.items():
        dist = prior_distribution(spec)
        x, cdf = _weighted_cdf(posterior[key].to_numpy(float), w)
        q = {p: float(x[min(np.searchsorted(cdf, p), len(x) - 1)])
             for p in (tail, 0.5, 1.0 - tail)}
        prior_cdf = dist.cdf(x)
        ks = float(max(np.max(np.abs(cdf - prior_cdf)),
                       np.max(np.abs(np.concatenate(([0.0], cdf[:-1])) - prior_cdf))))
        prior_width = float(dist.ppf(1.0 - tail) - dist.ppf(tail))
        prior = (f"uniform {spec[0]:g}–{spec[1]:g}" if len(spec) == 2 else
                 f"uniform {spec[1]:g}–{spec[1] + spec[2]:g}" if spec[0] == "uniform" else
                 f"{spec[0]}({spec[1]:g}, {spec[2]:g})")
        rows.append({"parameter": key, "prior": prior,
                     "median": q[0.5], "low": q[tail], "high": q[1.0 - tail],
                     "width_ratio": (q[1.0 - tail] - q[tail]) / prior_width,
                     "ks": ks, "ks_critical": critical, "identified": ks > critical})
    return pd.DataFrame(rows)


def posterior_summary(posterior: pd.DataFrame) -> pd.DataFrame:
    """Weighted mean and 5%, 50%, 95% quantiles of each parameter."""
    w = posterior["weight"].to_numpy(float)
    w = w / w.sum()
    rows = []
    for key in (c for c in posterior.columns if c != "weight"):
        x = posterior[key].to_numpy(float)
        q = {f"q{int(p * 100):02d}": weighted_quantile(x, w, p) for p in (0.05, 0.5, 0.95)}
        rows.append({"parameter": key, "mean": float(np.sum(w * x)), **q})
    return pd.DataFrame(rows)


def load_calibration(folder: str | Path) -> Calibration:
    folder = Path(folder)
    if not (folder / POSTERIOR).exists():
        raise ValueError(f"{folder}: no {POSTERIOR}; run `regiesim calibrate` into it first")
    return Calibration(folder, pd.read_parquet(folder / POSTERIOR),
                       pd.read_csv(folder / "populations.csv"),
                       pd.read_csv(folder / "checks.csv"),
                       json.loads((folder / MANIFEST).read_text()))


# ---------------------------------------------------------------------------- using it

class Posterior:
    """A stored posterior, drawn from once per replication (the same in every scenario)."""

    def __init__(self, folder: str | Path) -> None:
        cal = load_calibration(folder)
        self.folder = cal.folder
        self.keys = [c for c in cal.posterior.columns if c != "weight"]
        self.values = cal.posterior[self.keys].to_numpy(float)
        w = cal.posterior["weight"].to_numpy(float)
        self.weights = w / w.sum()
        digest = pd.util.hash_pandas_object(cal.posterior, index=False).to_numpy()
        self.digest = f"{int(np.bitwise_xor.reduce(digest)):016x}"

    def __str__(self) -> str:
        shown = self.keys if len(self.keys) <= 6 else [*self.keys[:4], "…"]
        return f"{self.folder} ({len(self.keys)} parameters: {', '.join(shown)})"

    def without(self, keys: list[str] | tuple[str, ...]) -> Posterior:
        """The same posterior with ``keys`` left out of the draws: an experiment that sets
        those keys itself (a sweep over them) keeps its values, the rest are drawn."""
        other = copy.copy(self)
        keep = [i for i, k in enumerate(self.keys) if k not in set(keys)]
        other.keys = [self.keys[i] for i in keep]
        other.values = self.values[:, keep]
        other.digest = f"{self.digest}-without-{'+'.join(sorted(set(keys)))}"
        return other

    def draws(self, seed: int, reps: int) -> list[dict[str, Any]]:
        """The parameter changes of replications 0..reps-1 under batch seed ``seed``."""
        # one uniform per replication, in order: replication i's draw does not depend on
        # how many replications the batch has (a batch extended later keeps its draws)
        uniforms = np.random.default_rng(np.random.SeedSequence([seed, 0xABC])).random(reps)
        picks = np.minimum(np.searchsorted(np.cumsum(self.weights), uniforms, side="right"),
                           len(self.values) - 1)
        return [as_changes(dict(zip(self.keys, self.values[i].tolist(), strict=True)))
                for i in picks.tolist()]
