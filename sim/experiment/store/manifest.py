"""``DIR/manifest.json``: what a result folder holds and how it was made.

The scenarios (the first one resolved in full as ``base``, each scenario as its hash, its
variant parameters and the values in which it differs from the base:
:func:`scenario_config`), seeds, package versions, code identity (version, source hash,
git revision), backend, hardware, start and end, and ``artefacts``: every file the folder
holds with its kind (:mod:`sim.experiment.store.artefacts`). The first batch creates it
exclusively; a resume must have the same scenarios, seed and code (:func:`check_resume`).
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
from sim.provenance import describe, package_versions, same_code

if TYPE_CHECKING:
    from sim.experiment.batch import RunSpec

FORMAT = "regiesim-store/3"
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


def planned(specs: list[RunSpec]) -> dict[str, dict[str, Any]]:
    """Each scenario of a plan as its hash, variant parameters and changes from the first."""
    base = _leaves(specs[0].scenario.model_dump(mode="json")) if specs else {}
    scenarios: dict[str, dict[str, Any]] = {}
    for spec in specs:
        if spec.name not in scenarios:
            leaves = _leaves(spec.scenario.model_dump(mode="json"))
            scenarios[spec.name] = {
                "hash": spec.scenario.digest(),
                "params": spec.params,
                "changes": {k: v for k, v in leaves.items() if base.get(k, _NONE) != v},
            }
    return scenarios


def new_manifest(old: dict[str, Any] | None, specs: list[RunSpec],
                 scenarios: dict[str, dict[str, Any]], seed: int, reps: int, backend: str,
                 code: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    """The manifest of a batch that starts (``old``: the one it resumes, if any; its
    artefacts are kept)."""
    return {
        "format": FORMAT,
        "status": "running",
        "seed": seed,
        "replications": max(reps, old["replications"] if old else 0),
        "seeds": sorted({(s.replication, s.seed) for s in specs}
                        | {tuple(x) for x in (old or {}).get("seeds", [])}),
        "backend": backend,
        "started": old["started"] if old else now(),
        "resumed": [*old.get("resumed", []), {"at": now(), "code": code}] if old else [],
        "finished": None,
        "code": old["code"] if old else code,
        "packages": package_versions(),
        "hardware": hardware(),
        "failed_runs": 0,
        "base": specs[0].scenario.model_dump(mode="json") if specs else (old or {}).get("base"),
        "scenarios": scenarios,
        "artefacts": dict((old or {}).get("artefacts") or {}),
        **(extra or {}),
    }


def check_resume(folder: Path, old: dict[str, Any], scenarios: dict[str, dict[str, Any]],
                 seed: int, code: dict[str, Any]) -> None:
    """Refuse to resume the batch of manifest ``old`` with another format, code, plan or
    seed, naming both."""
    if old.get("format") != FORMAT:
        raise StoreMismatch(
            f"{folder / MANIFEST} was not written by this version of the regiesim store "
            f"(format {old.get('format')!r}, expected {FORMAT!r}); use a new --out folder")
    if not same_code(old.get("code"), code):
        raise StoreMismatch(
            f"{folder} holds results of other code: stored {describe(old.get('code'))}; "
            f"running {describe(code)}. Resuming would mix results of different code; "
            "use a new --out folder")
    old_plan = {n: s["hash"] for n, s in old.get("scenarios", {}).items()}
    new_plan = {n: s["hash"] for n, s in scenarios.items()}
    if old_plan != new_plan or old.get("seed") != seed:
        raise StoreMismatch(
            f"{folder} holds another batch (other scenarios or seed); use a new --out folder")


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
