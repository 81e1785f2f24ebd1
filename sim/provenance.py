"""Code identity: which code produced a result.

A result store records the identity of the code that wrote it, and refuses to mix in
results of other code. The identity is the package version, a hash of every source file
under ``sim/`` (sorted relative paths and their bytes, so it is the same on every
machine), the dependencies that change numbers (:data:`NUMERIC`: each one's installed
version, its build, where it is imported from and a digest of its installed files' sizes
and times, read from the installed distributions by :func:`dependency`; a new result
folder also stores a digest of the contents of its ``.py`` modules, :func:`with_contents`,
so that a resume tells an edit in place from a touch), and, when the package sits in a
git work tree, the revision and whether the work tree had uncommitted changes. The source
hash and the dependencies decide whether two pieces of code are the same
(:func:`code_differences`); version and revision are there for people to read.

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
NUMERIC = ("simpy", "numpy", "scipy", "networkx", "pandas", "pyabc")
"""The dependencies that change a run's numbers (the model's engine and its draws,
networks, tables; pyabc makes the posteriors batches draw from): part of the code
identity a resume must match."""
PACKAGES = ("regiesim", *NUMERIC, "pyarrow", "pydantic", "dask")
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


def _payload_digest(dist: metadata.Distribution) -> str | None:
    """A digest of a distribution's installed files as its RECORD lists them (path and
    hash of each, the installer's own files and byte code left out): another build of the
    same version, or another wheel, gives another digest."""
    record = dist.read_text("RECORD")
    if record is None:
        return None
    lines = sorted(line.rsplit(",", 1)[0] for line in record.splitlines()
                   if line and ".dist-info/" not in line and "__pycache__" not in line)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _installed(dist: metadata.Distribution) -> list[tuple[str, Path, str | None]]:
    """A distribution's installed files as its RECORD lists them: (path in RECORD, where
    it is, its recorded ``sha256=...``), the installer's own files and byte code left out."""
    record = dist.read_text("RECORD") or ""
    found = []
    for line in record.splitlines():
        rel, _, rest = line.partition(",")
        if not rel or ".dist-info/" in rel or "__pycache__" in rel:
            continue
        recorded = rest.rsplit(",", 1)[0] or None
        found.append((rel, Path(str(dist.locate_file(rel))), recorded))
    return sorted(found)


def files_digest(dist: metadata.Distribution) -> str:
    """A digest of the size and modification time of every installed file of ``dist``:
    cheap (a stat per file, about 0.1 s for all of :data:`NUMERIC`) and changed by any
    edit, a reinstall or a touch. When it differs from the stored one,
    :func:`python_digest` decides whether the code differs."""
    digest = hashlib.sha256()
    for rel, path, _ in _installed(dist):
        try:
            st = path.stat()
            digest.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{rel}\0missing\n".encode())
    return digest.hexdigest()[:16]


@functools.cache
def python_digest(name: str) -> str | None:
    """A digest of the contents of the installed pure-Python modules (``.py``) of
    dependency ``name`` (about 0.3 s for all of :data:`NUMERIC`, 62 MB): what an edit in
    place of its sources changes. None when it is not installed."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    digest = hashlib.sha256()
    for rel, path, _ in _installed(dist):
        if rel.endswith(".py"):
            try:
                data = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                data = "missing"
            digest.update(f"{rel}\0{data}\n".encode())
    return digest.hexdigest()[:16]


def edited_modules(name: str) -> list[str]:
    """The installed ``.py`` files of dependency ``name`` whose contents differ from the
    hash its RECORD gives them (edited in place since it was installed)."""
    import base64

    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return []
    edited = []
    for rel, path, recorded in _installed(dist):
        if not rel.endswith(".py") or not recorded or not recorded.startswith("sha256="):
            continue
        try:
            data = path.read_bytes()
        except OSError:
            edited.append(rel)
            continue
        actual = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        if actual.decode() != recorded.removeprefix("sha256="):
            edited.append(rel)
    return edited


def with_contents(identity: dict[str, Any]) -> dict[str, Any]:
    """``identity`` with each dependency's :func:`python_digest` filled in (``python``):
    what a new result folder stores, so that a resume can tell an edit in place."""
    deps = {name: {**dep, "python": python_digest(name)}
            for name, dep in (identity.get("dependencies") or {}).items()}
    return {**identity, "dependencies": deps}


def dependency(name: str) -> dict[str, Any]:
    """The identity of dependency ``name`` as this process would import it: the version
    and build of its installed distribution (``importlib.metadata``, not anything a
    manifest says), and, when the module found on ``sys.path`` is not that distribution's
    (another copy on ``PYTHONPATH``), its location and a hash of its sources."""
    import importlib.util

    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        dist = None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    origin = Path(spec.origin).resolve() if spec is not None and spec.origin else None
    installed = (dist.locate_file(f"{name}/__init__.py") if dist is not None else None)
    elsewhere = None
    if origin is not None and (installed is None or Path(str(installed)).resolve() != origin):
        elsewhere = {"path": str(origin.parent), "source_hash": source_hash(origin.parent)}
    return {"version": dist.version if dist is not None else None,
            "build": _payload_digest(dist) if dist is not None else None,
            "files": files_digest(dist) if dist is not None else None,
            "imported_from": elsewhere}


@functools.cache
def code_identity(model_build: str) -> dict[str, Any]:
    """``{"version", "source_hash", "git_revision", "git_dirty", "model_build",
    "dependencies"}`` of the running code. ``model_build`` is the caller's
    :func:`sim.model.build` (compiled or pure Python; both give the same numbers, so it is
    recorded but not compared); ``dependencies`` holds :func:`dependency` of each of
    :data:`NUMERIC`.

    Cached per process: the code a process runs does not change while it runs.
    """
    return {"version": package_version(), "source_hash": source_hash(),
            "git_revision": git_revision(), "git_dirty": git_dirty(),
            "model_build": model_build,
            "dependencies": {name: dependency(name) for name in NUMERIC}}


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


def _shown(dep: dict[str, Any] | None) -> str:
    if not dep or (dep.get("version") is None and not dep.get("imported_from")):
        return "not installed"
    where = dep.get("imported_from")
    return (f"{dep.get('version')}" + (f" imported from {where['path']} (sources "
                                       f"{str(where['source_hash'])[:16]})" if where else ""))


def code_differences(stored: dict[str, Any] | None,
                     running: dict[str, Any] | None) -> list[str]:
    """What differs between a stored code identity and the running one, one phrase per
    difference (empty: the same code): the ``sim/`` sources and each dependency of
    :data:`NUMERIC` (version, build, a copy imported from elsewhere, or its installed
    modules edited in place: when the stat digest of its files differs from the stored
    one, the contents of its ``.py`` files are hashed and compared, so an unchanged
    installation costs a stat per file and no reading)."""
    if not stored or not stored.get("source_hash"):
        return ["code: the stored code identity is missing"]
    running = running or {}
    out = []
    if stored.get("source_hash") != running.get("source_hash"):
        out.append(f"code: the sim/ sources differ (stored {describe(stored)}; running "
                   f"{describe(running)})")
    old, new = stored.get("dependencies"), running.get("dependencies") or {}
    if not isinstance(old, dict):
        return [*out, "dependencies: the stored code identity records none (written by an "
                      "older regiesim)"]
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name) or {}, new.get(name) or {}
        where_a, where_b = a.get("imported_from") or {}, b.get("imported_from") or {}
        if (a.get("version"), where_a.get("source_hash")) != (b.get("version"),
                                                              where_b.get("source_hash")):
            out.append(f"{name}: stored {_shown(a)}, running {_shown(b)}")
        elif a.get("build") != b.get("build"):
            out.append(f"{name}: another build of version {b.get('version')} is installed "
                       f"(its files differ from the stored one's)")
        elif (a.get("files") and a.get("python") and a.get("files") != b.get("files")
              and a.get("python") != python_digest(name)):
            edited = edited_modules(name)
            which = (f": {', '.join(edited[:5])}{' and more' if len(edited) > 5 else ''} "
                     "differ from its RECORD" if edited else "")
            out.append(f"{name}: its installed modules were edited in place since the stored "
                       f"runs (version {b.get('version')}{which})")
    return out


def same_code(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Two identities name the same code when their source hashes agree."""
    return bool(a and b and a.get("source_hash") and a.get("source_hash") == b.get("source_hash"))
