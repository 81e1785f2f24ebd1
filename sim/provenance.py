"""Code identity: which code produced a result.

A result store records the identity of the code that wrote it, and refuses to mix in
results of other code. The identity is the package version, a hash of every source file
under ``sim/`` (sorted relative paths and their bytes, so it is the same on every
machine), and, when the package sits in a git work tree, the revision and whether the
work tree had uncommitted changes. Only the source hash decides whether two pieces of
code are the same; version and revision are there for people to read.

This module sits below the model (``sim.model`` hashes its own sources with
:func:`source_hash`), so it does not import the model: the caller that knows which model
build runs (:func:`sim.model.build`) passes it to :func:`code_identity`.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.words import CODE, word

SOURCE_ROOT = Path(__file__).resolve().parent
SOURCE_SUFFIXES = (".py",)
PACKAGES = ("regiesim", "simpy", "numpy", "scipy", "pandas", "pyarrow", "pydantic", "dask")
"""The packages whose versions a result store and a cluster check record."""


def source_hash(root: Path = SOURCE_ROOT) -> str:
    """SHA-256 over the sorted relative paths and contents of the source files."""
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES
                   and "__pycache__" not in p.parts)
    for path in files:
        rel = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        digest.update(len(rel).to_bytes(8, "big") + rel)
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True,
                             cwd=SOURCE_ROOT, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def git_revision() -> str | None:
    """The commit the package was loaded from, or None outside a git work tree."""
    out = _git("rev-parse", "HEAD")
    return out.strip() or None if out is not None else None


def git_dirty() -> bool | None:
    """Whether ``sim/`` has uncommitted changes (None outside a git work tree)."""
    out = _git("status", "--porcelain", "--", ".")
    return None if out is None else bool(out.strip())


def package_version() -> str | None:
    try:
        return metadata.version("regiesim")
    except metadata.PackageNotFoundError:
        return None


def package_versions() -> dict[str, str]:
    """The installed versions of :data:`PACKAGES` (those not installed are left out)."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


@functools.cache
def code_identity(model_build: str) -> dict[str, Any]:
    """``{"version", "source_hash", "git_revision", "git_dirty", "model_build"}`` of the
    running code. ``model_build`` is the caller's :func:`sim.model.build` (compiled or pure
    Python; both give the same numbers, so it is recorded but not compared).

    Cached per process: the code a process runs does not change while it runs.
    """
    return {"version": package_version(), "source_hash": source_hash(),
            "git_revision": git_revision(), "git_dirty": git_dirty(),
            "model_build": model_build}


def describe(identity: dict[str, Any] | None, lang: str = "en") -> str:
    """One line a person can compare: version, source hash, revision (dirty or clean)."""
    words = {key: word(CODE, key, lang) for key in CODE}
    if not identity:
        return words["unknown"]
    rev = identity.get("git_revision")
    where = words["no_git"] if not rev else (
        f"git {rev[:12]}{words['dirty'] if identity.get('git_dirty') else ''}")
    return (f"regiesim {identity.get('version')}, {words['source']} "
            f"{str(identity.get('source_hash'))[:16]}, {where}")


def same_code(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Two identities name the same code when their source hashes agree."""
    return bool(a and b and a.get("source_hash") and a.get("source_hash") == b.get("source_hash"))
