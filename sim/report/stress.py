"""The reproducibility block of a report, written from the manifest (STRESS-DES).

STRESS (Monks et al. 2019, "Strengthening the reporting of empirical simulation studies")
asks a report to state how its numbers were made: run length and warm-up, replications,
the random number generator and its streams, the code and software that ran, the
hardware and the run time. Every line here comes from ``manifest.json`` of the result
folder (written by :mod:`sim.experiment.store`), so the block cannot drift from the runs.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from sim.experiment.store import scenario_config
from sim.model.random import PURPOSES
from sim.provenance import describe
from sim.words import BACKENDS, STATUS, STREAMS, STRESS, decimal, local, say, word


def _w(key: str, lang: str) -> str:
    return word(STRESS, key, lang)


def _run_length(manifest: dict[str, Any], lang: str) -> str:
    runs = {name: scenario_config(manifest, name).get("run", {})
            for name in manifest.get("scenarios", {})}
    lengths = {name: (run.get("horizon_weeks"), run.get("warmup_weeks"))
               for name, run in runs.items()}
    distinct = sorted(set(lengths.values()), key=str)
    if not distinct or distinct == [(None, None)]:
        return _w("unknown", lang)

    def one(pair: tuple[Any, Any]) -> str:
        horizon, warmup = pair
        return say(STRESS, "length_value", lang, horizon=float(horizon),
                   warmup=float(warmup))

    if len(distinct) == 1:
        return one(distinct[0])
    shown = sorted({one(p) for p in distinct})
    return _w("varies", lang).format(values="; ".join(shown))


def _when(stamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None


def _run_time(manifest: dict[str, Any], lang: str) -> str:
    start, end = _when(manifest.get("started")), _when(manifest.get("finished"))
    if start is None:
        return _w("unknown", lang)
    fmt = "%Y-%m-%d %H:%M"
    if end is None:
        return _w("running", lang).format(start=start.strftime(fmt))
    minutes = (end - start).total_seconds() / 60
    return say(STRESS, "time_value", lang, start=start.strftime(fmt), end=end.strftime(fmt),
               minutes=decimal(minutes, lang, 1))


def _hardware(manifest: dict[str, Any], lang: str) -> str:
    hw = manifest.get("hardware")
    if not hw:
        return _w("unknown", lang)
    memory = hw.get("memory_gb")
    return _w("hardware_value", lang).format(
        cpus=hw.get("cpus", "?"), machine=hw.get("machine", "?"),
        memory=f"{local(memory, lang)}" if memory is not None else "?",
        system=hw.get("system", "?"), host=hw.get("host", "?"))


def _backend(backend: Any, lang: str) -> str:
    """Where the runs ran, in words (a backend this version does not know, as named)."""
    if backend is None:
        return _w("unknown", lang)
    return word(BACKENDS, backend, lang) if backend in BACKENDS else str(backend)


def stress_rows(manifest: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(what, how) pairs of the reproducibility block, in ``lang``."""
    streams = ", ".join(f"{word(STREAMS, name, lang) if name in STREAMS else name} {index}"
                        for name, index in PURPOSES.items())
    packages = ", ".join(f"{k} {v}" for k, v in manifest.get("packages", {}).items())
    status = manifest.get("status", "")
    return [
        (_w("length", lang), _run_length(manifest, lang)),
        (_w("reps", lang), _w("reps_value", lang).format(
            reps=manifest.get("replications", "?"), seed=manifest.get("seed", "?"))),
        (_w("rng", lang), _w("rng_value", lang).format(streams=streams)),
        (_w("code", lang), describe(manifest.get("code"), lang)),
        (_w("software", lang), packages or _w("unknown", lang)),
        (_w("hardware", lang), _hardware(manifest, lang)),
        (_w("backend", lang), _backend(manifest.get("backend"), lang)),
        (_w("time", lang), _run_time(manifest, lang)),
        (_w("status", lang), _w("status_value", lang).format(
            status=word(STATUS, status, lang) if status in STATUS else status,
            failed=manifest.get("failed_runs", 0))),
    ]


def stress(manifest: dict[str, Any], lang: str) -> str:
    """The block as an HTML table."""
    rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                   f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
                   for k, v in stress_rows(manifest, lang))
    return f"<table class='stress'>{rows}</table>"


__all__ = ["stress", "stress_rows"]
