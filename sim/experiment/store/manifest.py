"""``DIR/manifest.json``: what a result folder holds and how it was made.

The scenarios (the first one resolved in full as ``base``, each scenario as its hash, its
variant parameters and the values in which it differs from the base:
:func:`scenario_config`), seeds, package versions, code identity (version, source hash,
git revision), backend, hardware, start and end, and ``artefacts``: every file the folder
holds with its kind (:mod:`sim.experiment.store.artefacts`). The first batch creates it
exclusively. A later batch into the folder resumes it or grows it: it must have the same
seed, code (sources and dependencies), posterior, and the same scenario under every name
it shares with the folder; scenarios new to the folder are added (:func:`check_resume`).
"""

from __future__ import annotations

import copy
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiment.store.errors import StoreError, StoreLocked, StoreMismatch
from sim.files import atomic_write
from sim.provenance import code_differences, package_versions

if TYPE_CHECKING:
    from sim.experiment.batch import RunSpec

FORMAT = "regiesim-store/4"
MANIFEST = "manifest.json"
_NONE = object()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def hardware() -> dict[str, Any]:
    """The machine a batch runs on, for the report's reproducibility block."""
    import platform

    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        memory = round(pages * size / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        memory = None
    return {"machine": platform.machine(), "processor": platform.processor() or None,
            "cpus": os.cpu_count(), "memory_gb": memory, "system": platform.platform(),
            "python": platform.python_version(), "host": socket.gethostname()}


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest at ``path``, or None if there is none; a corrupt one is named."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise StoreError(f"{path}: not a readable manifest ({exc}); the folder's results "
                         "cannot be trusted: use a new --out folder") from None
    if not isinstance(manifest, dict):
        raise StoreError(f"{path}: not a regiesim manifest")
    return manifest


def write_manifest(path: Path, manifest: dict[str, Any], exclusive: bool = False) -> None:
    """Write the manifest whole or not at all; ``exclusive``: only if there is none yet."""
    data = json.dumps(manifest, indent=2, default=str).encode()
    try:
        atomic_write(path, data, exclusive=exclusive)
    except FileExistsError:
        raise StoreLocked(f"{path} appeared while this batch started: another batch "
                          "writes into this folder; use another --out") from None


def planned(specs: list[RunSpec], base: dict[str, Any] | None = None,
            ) -> dict[str, dict[str, Any]]:
    """Each scenario of a plan as its hash, variant parameters, replications and changes
    from ``base`` (a resolved scenario; default: the plan's first)."""
    if base is None:
        base = specs[0].scenario.model_dump(mode="json") if specs else {}
    flat = _leaves(base)
    scenarios: dict[str, dict[str, Any]] = {}
    for spec in specs:
        if spec.name not in scenarios:
            leaves = _leaves(spec.scenario.model_dump(mode="json"))
            scenarios[spec.name] = {
                "hash": spec.scenario.digest(),
                "params": spec.params,
                "replications": 0,
                "changes": {k: v for k, v in leaves.items() if flat.get(k, _NONE) != v},
            }
        scenarios[spec.name]["replications"] = max(scenarios[spec.name]["replications"],
                                                   spec.replication + 1)
    return scenarios


def grown(old: dict[str, Any] | None, specs: list[RunSpec]) -> dict[str, dict[str, Any]]:
    """The scenarios of a folder after this batch: the stored ones in their order (with
    their replications raised to this batch's), then the ones new to the folder, each
    recorded against the folder's base."""
    if old is None:
        return planned(specs)
    scenarios = copy.deepcopy(old.get("scenarios") or {})
    for name, entry in planned(specs, old.get("base") or {}).items():
        if name in scenarios:
            scenarios[name]["replications"] = max(
                entry["replications"], int(scenarios[name].get("replications")
                                           or old.get("replications") or 0))
        else:
            scenarios[name] = entry
    return scenarios


def posterior_identity(posterior: Any, seed: int) -> dict[str, Any] | None:
    """What a batch's posterior is (None: fixed parameters): its digest, the calibration
    folder it came from, the parameters drawn, and the seed of the draws (replication i
    draws the same parameters whenever the seed is the same)."""
    if posterior is None:
        return None
    return {"digest": posterior.digest, "folder": str(posterior.folder),
            "keys": list(posterior.keys), "draws_seed": seed}


def new_manifest(old: dict[str, Any] | None, specs: list[RunSpec],
                 scenarios: dict[str, dict[str, Any]], seed: int, reps: int, backend: str,
                 code: dict[str, Any], extra: dict[str, Any] | None,
                 posterior: dict[str, Any] | None = None) -> dict[str, Any]:
    """The manifest of a batch that starts (``old``: the one it resumes or grows, if any;
    its artefacts, first code identity and packages are kept)."""
    stored = [int(s.get("replications") or 0) for s in scenarios.values()]
    return {
        "format": FORMAT,
        "status": "running",
        "seed": seed,
        "replications": max([reps, *stored]),
        "seeds": sorted({(s.replication, s.seed) for s in specs}
                        | {tuple(x) for x in (old or {}).get("seeds", [])}),
        "posterior": posterior,
        "backend": backend,
        "started": old["started"] if old else now(),
        "resumed": [*old.get("resumed", []), {"at": now(), "code": code,
                                              "packages": package_versions()}] if old else [],
        "finished": None,
        "code": old["code"] if old else code,
        "packages": old.get("packages", {}) if old else package_versions(),
        "hardware": hardware(),
        "failed_runs": 0,
        "base": (old or {}).get("base") or (
            specs[0].scenario.model_dump(mode="json") if specs else None),
        "scenarios": scenarios,
        "artefacts": dict((old or {}).get("artefacts") or {}),
        "tables": dict((old or {}).get("tables") or {}),
        **(extra or {}),
    }


def check_resume(folder: Path, old: dict[str, Any], specs: list[RunSpec], seed: int,
                 code: dict[str, Any], posterior: dict[str, Any] | None = None) -> None:
    """Refuse to resume (or grow) the batch of manifest ``old`` with another format, seed,
    code, posterior, or another scenario under a name it holds, naming every difference.
    Scenarios the folder does not hold yet are not a difference: they are added."""
    if old.get("format") != FORMAT:
        raise StoreMismatch(
            f"{folder / MANIFEST} was not written by this version of the regiesim store "
            f"(format {old.get('format')!r}, expected {FORMAT!r}); use a new --out folder")
    found = []
    if old.get("seed") != seed:
        found.append(f"seed: stored {old.get('seed')}, now {seed}")
    found += code_differences(old.get("code"), code)
    found += _posterior_differences(old.get("posterior"), posterior)
    stored = old.get("scenarios") or {}
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen or spec.name not in stored:
            continue
        seen.add(spec.name)
        if stored[spec.name].get("hash") != spec.scenario.digest():
            found.append(_changed(old, spec))
    if found:
        raise StoreMismatch(
            f"{folder} holds results this batch must not be mixed with; what differs:\n"
            + "\n".join(f"  - {line}" for line in found)
            + "\nUse a new --out folder (or run with the folder's own settings).")


def _cut(value: Any, size: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= size else text[:size - 3] + "..."


def _posterior_differences(old: dict[str, Any] | None,
                           new: dict[str, Any] | None) -> list[str]:
    def shown(p: dict[str, Any] | None) -> str:
        return ("none (fixed parameters)" if not p else
                f"{p.get('folder')} (digest {p.get('digest')}, draws seeded by "
                f"{p.get('draws_seed')})")

    if (old or {}).get("digest") == (new or {}).get("digest") and (
            old or {}).get("draws_seed") == (new or {}).get("draws_seed"):
        return []
    return [f"posterior: stored {shown(old)}, now {shown(new)}"]


def _changed(old: dict[str, Any], spec: RunSpec) -> str:
    """A scenario whose values changed under the same name, with the first few values."""
    before = _leaves(scenario_config(old, spec.name))
    after = _leaves(spec.scenario.model_dump(mode="json"))
    keys = sorted(k for k in set(before) | set(after)
                  if before.get(k, _NONE) != after.get(k, _NONE))
    shown = ", ".join(f"{k}: {_cut(before.get(k, '(none)'))} -> {_cut(after.get(k, '(none)'))}"
                      for k in keys[:3])
    more = f" and {len(keys) - 3} more" if len(keys) > 3 else ""
    return (f"scenario {spec.name!r} changed under the same name ({shown}{more}); give the "
            "changed scenario its own scenario.name")


def _leaves(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A resolved scenario as ``{"section.field": value}`` (lists are values)."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, dict) and value:
            out.update(_leaves(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def scenario_config(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    """The resolved scenario ``name`` of a batch, as a nested dict (its digest's input).

    The manifest holds the first scenario in full (``base``) and, for each scenario, the
    values in which it differs from it, so a design of ten thousand scenarios stays small;
    manifests of older stores hold every scenario in full (``resolved``).
    """
    info = manifest["scenarios"][name]
    if "resolved" in info:
        return copy.deepcopy(info["resolved"])
    config = copy.deepcopy(manifest.get("base") or {})
    for key, value in info.get("changes", {}).items():
        *sections, leaf = key.split(".")
        node = config
        for section in sections:
            node = node.setdefault(section, {})
        node[leaf] = copy.deepcopy(value)
    return config
