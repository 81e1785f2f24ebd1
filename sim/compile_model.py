"""Compile the model (``sim/model``) with mypyc and check it against its sources.

    python -m sim.compile_model [--force]      (``make install`` runs it)

1. Nothing to do when ``build/model/stamp.json`` names these sources (their SHA-256) and
   this interpreter, and the build passed its check.
2. mypyc translates the modules to C and the C compiler builds them (setuptools'
   ``build_ext``) into a fresh folder, which replaces ``build/model/`` only when complete.
   The C compiler is told not to fuse multiplications and additions
   (``-ffp-contract=off``), so that every float operation rounds as Python's does.
3. The check: every shipped scenario and a few variants on five seeds, with the event log
   off and on (:mod:`sim.identical`), run by the sources and by the compiled modules in two fresh
   interpreters, every table compared bit for bit.
4. Only then the stamp says ``checked`` and :mod:`sim.model` imports the compiled modules.

A failure at any step leaves the model in pure Python (the same numbers, slower), says
why, and exits with status 1; a build already in place stays unless the new one is
complete. A failed build of the same sources, for the same interpreter and with the same C
compiler, is not tried again without ``--force``; installing or changing the compiler
(``CC``, else the one Python was built with) makes the next call try again.
One build at a time (:mod:`sim.lock` in ``build/``: a second build is refused, naming the
first one's pid and host). Compiled modules run about twice as fast
(``benchmarks/bench_core.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.files import atomic_write
from sim.lock import HeldLock, LockBusy, who
from sim.model import BUILD, GROUP, STAMP, build_problem, interpreter, sources, sources_digest

ROOT = BUILD.parent.parent
FAILED = BUILD.parent / "model-failed.json"
"""Why the last build of the sources failed: not tried again until they change (or with
``--force``), so that ``make test`` on a machine without a C compiler does not try on
every call."""
LOCK = BUILD.parent / ".model.lock"

SETUP = """
import sys
from setuptools import setup
from mypyc.build import mypycify
at = sys.argv.index("build_ext")
files, sys.argv[1:at] = sys.argv[1:at], []
setup(name="regiesim-model", packages=[], py_modules=[],
      ext_modules=mypycify(["--ignore-missing-imports", *files], opt_level="3",
                           group_name={group!r}, target_dir={target!r}))
"""
"""setuptools, run with the model's files (relative to the project) and then build_ext's
arguments; mypyc writes its C into ``target``."""


class CompileError(Exception):
    """A step of the build failed (the model stays in pure Python)."""


def _run(args: list[str], what: str, env: dict[str, str]) -> None:
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env})
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise CompileError(f"{what} failed (exit {proc.returncode}):\n{tail}")


def _stamp(checked: bool, digest: str) -> None:
    atomic_write(STAMP, json.dumps({"sources": digest, "interpreter": interpreter(),
                                    "group": GROUP, "checked": checked}, indent=2))


@contextmanager
def _only_builder() -> Iterator[None]:
    """Hold the build lock (released when this process ends, however it ends)."""
    lock = HeldLock(LOCK)
    try:
        lock.acquire()
    except LockBusy as busy:
        raise CompileError(f"another build of the model is running ({who(busy.holder)})"
                           ) from None
    try:
        yield
    finally:
        lock.release()


def c_compiler() -> str:
    """The C compiler a build would use (``CC``, else the one Python was built with): its
    path, size and modification time, or that it is not found. A failed build is tried
    again when this changes (a compiler installed or updated)."""
    cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    path = shutil.which(cc)
    if path is None:
        return f"{cc}: not found"
    info = os.stat(path)
    return f"{os.path.realpath(path)} {info.st_size} {info.st_mtime_ns}"


def compile_model(force: bool = False, say: Callable[[str], None] = print) -> None:
    """Build, check and stamp the compiled model (see the module's docstring)."""
    with _only_builder():
        _compile(force, say)


def _compile(force: bool, say: Callable[[str], None]) -> None:
    digest = sources_digest()
    if not force and build_problem() is None:
        say(f"the compiled model in {BUILD} is up to date")
        return
    try:
        failed = json.loads(FAILED.read_text())
    except (OSError, ValueError):
        failed = {}
    compiler = c_compiler()
    if (not force and failed.get("sources") == digest
            and failed.get("interpreter") == interpreter()
            and failed.get("compiler") == compiler):
        raise CompileError(f"the last build of these sources failed with this C compiler; "
                           f"not tried again (--force tries, and so does installing or "
                           f"changing the compiler):\n{failed.get('reason')}")
    try:
        _build_and_check(digest, say)
    except CompileError as exc:
        atomic_write(FAILED, json.dumps({"sources": digest, "interpreter": interpreter(),
                                         "compiler": compiler, "reason": str(exc)},
                                        indent=2))
        raise
    FAILED.unlink(missing_ok=True)


def _build_and_check(digest: str, say: Callable[[str], None]) -> None:
    start = time.monotonic()
    files = [p.relative_to(ROOT).as_posix() for p in sources()]
    fresh = Path(tempfile.mkdtemp(prefix=".model-", dir=BUILD.parent))
    try:
        say(f"compiling {len(files)} modules of sim/model with mypyc ...")
        cflags = f"{os.environ.get('CFLAGS', '')} -ffp-contract=off".strip()
        _run([sys.executable, "-c", SETUP.format(group=GROUP, target=str(fresh / "c")),
              *files, "build_ext", "--build-lib", str(fresh / "model"),
              "--build-temp", str(fresh / "tmp")], "mypyc", {"CFLAGS": cflags})
        if sources_digest() != digest:
            raise CompileError("the sources changed during the build; build again")
        if BUILD.exists():  # the old build goes only now that the new one is complete
            shutil.rmtree(BUILD)
        (fresh / "model").rename(BUILD)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    _stamp(False, digest)
    say(f"built in {time.monotonic() - start:.0f} s; checking it against the sources ...")
    with tempfile.TemporaryDirectory(prefix="regiesim-check-") as folder:
        _run([sys.executable, "-m", "sim.identical", "save", folder, "--build", "pure"],
             "the run of the sources", {"REGIESIM_PURE": "1"})
        _run([sys.executable, "-m", "sim.identical", "check", folder, "--build", "compiled"],
             "the check of the compiled model against the sources",
             {"REGIESIM_PURE": "", "REGIESIM_CHECKING_BUILD": "1"})
    _stamp(True, digest)
    say(f"the compiled model gives the numbers of its sources, bit for bit; in use from now "
        f"on ({time.monotonic() - start:.0f} s)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true",
                        help="build even if up to date, or if the last build of these "
                             "sources failed")
    args = parser.parse_args(argv)
    try:
        compile_model(args.force)
    except (CompileError, OSError) as exc:
        sys.exit(f"sim.compile_model: {exc}\nThe model runs as pure Python (the same "
                 "numbers, slower).")


if __name__ == "__main__":
    main()
