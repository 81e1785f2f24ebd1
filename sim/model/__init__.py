"""The SimPy world: one module per actor kind, plus the municipality state.

**The compiled model.** ``python -m sim.compile_model`` (run by ``make install``) compiles
the modules of this package with mypyc into ``build/model/`` and checks them against the
Python sources, bit for bit, on shipped scenarios. When that build was made from exactly
the sources here (a SHA-256 over them) for this interpreter and passed its check, its
modules are imported instead of the ``.py`` files: the same numbers, about twice as
fast. Otherwise, for instance as soon as a source file is edited, the ``.py`` files run,
until the model is compiled again. ``REGIESIM_PURE=1`` always runs the ``.py`` files
(needed to profile the model, or to patch it in a test: compiled code does not see
patches). :func:`build` says which one this process runs.

Writing for mypyc: every module here must type-check (``mypy --ignore-missing-imports``),
attributes set outside ``__init__`` are declared on the class, and the types a dataclass's
fields name are imported at run time, not only under ``TYPE_CHECKING`` (mypyc 2.4 builds
such a class into a module that crashes on import). A build that fails or does not pass
its check is not used.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sys
import sysconfig
from pathlib import Path

from sim.provenance import source_hash

HERE = Path(__file__).resolve().parent
BUILD = HERE.parent.parent / "build" / "model"
"""Where ``sim.compile_model`` puts the compiled modules and their stamp."""
GROUP = "regiesim_model"
"""mypyc's name for the shared library of the compiled modules (``GROUP__mypyc``)."""
STAMP = BUILD / "stamp.json"


def sources() -> list[Path]:
    """The modules that are compiled: every module of this package but this one."""
    return sorted(p for p in HERE.glob("*.py") if p.name != "__init__.py")


def sources_digest() -> str:
    """SHA-256 of this package's sources (:func:`sim.provenance.source_hash`; this file
    counts too, so editing it asks for a new build as well)."""
    return source_hash(HERE)


def interpreter() -> str:
    """The interpreter a build is made for: its extension modules load only there."""
    return f"{sys.implementation.cache_tag} {sys.platform} {platform.machine()} {SUFFIX}"


SUFFIX = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
"""The file ending of this interpreter's extension modules (ABI, platform, C library)."""


def build_problem() -> str | None:
    """What keeps the compiled build from being used here (None: nothing), whatever
    ``REGIESIM_PURE`` says."""
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return "not compiled (python -m sim.compile_model)"
    if stamp.get("sources") != sources_digest():
        return "compiled from other sources (python -m sim.compile_model)"
    if stamp.get("interpreter") != interpreter():
        return f"compiled for {stamp.get('interpreter')}"
    if not stamp.get("checked") and os.environ.get("REGIESIM_CHECKING_BUILD") != "1":
        return "compiled but not checked against the sources"
    needed = [BUILD / f"{GROUP}__mypyc{SUFFIX}",
              *(BUILD / "sim" / "model" / f"{path.stem}{SUFFIX}" for path in sources())]
    if not all(path.is_file() for path in needed):
        return f"the build in {BUILD} is incomplete (python -m sim.compile_model --force)"
    return None


def _activate() -> None:
    """Import the compiled modules ahead of the sources: their shared library first (under
    its own name, as the compiled modules import it), then this package's search path."""
    name = f"{GROUP}__mypyc"
    spec = importlib.util.spec_from_file_location(name, BUILD / f"{name}{SUFFIX}")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    __path__.insert(0, str(BUILD / "sim" / "model"))  # this package: compiled modules first


def _choose() -> str | None:
    """Use the compiled build if it can be used; why not, if not."""
    if os.environ.get("REGIESIM_PURE") == "1":
        return "REGIESIM_PURE=1"
    problem = build_problem()
    if problem is None:
        try:
            _activate()
        except Exception as exc:  # a build that does not load: the sources run
            return f"the build in {BUILD} does not load: {type(exc).__name__}: {exc}"
    return problem


_why_pure = _choose()


def build() -> str:
    """``"compiled"`` or ``"pure Python (<why>)"``: which model this process runs."""
    return "compiled" if _why_pure is None else f"pure Python ({_why_pure})"
