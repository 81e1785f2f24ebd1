"""The API reference, generated from the docstrings with pdoc.

``python -m sim.apidoc [OUT]`` (``make api``) writes HTML pages of the public modules to
OUT (default docs/api/, which git ignores): the package ``sim`` with what it exports
(:func:`sim.simulate`, :func:`sim.load_scenario`, ...), and every module of
``sim.analysis``, ``sim.experiment`` and ``sim.report``. The SimPy world (``sim.model``)
is described by docs/odd.md rather than here, and the command line by ``regiesim --help``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "api"
TOP = ["sim", "sim.run", "sim.scenario", "sim.scenario_files", "sim.styles", "sim.outcomes",
       "sim.provenance"]
PACKAGES = ["sim.analysis", "sim.experiment", "sim.report"]
"""Packages documented with all their (non-underscore) modules."""


def public_modules() -> list[str]:
    """Names of the modules the reference documents, in reading order."""
    names = list(TOP)
    for package in PACKAGES:
        names.append(package)
        path = importlib.import_module(package).__path__
        names += sorted(f"{package}.{m.name}" for m in pkgutil.iter_modules(path)
                        if not m.name.startswith("_"))
    return names


def _resolve_lazy_exports() -> None:
    """``sim`` imports its exports on first use (fast ``regiesim --help``); pdoc looks for
    them in the module's namespace, so resolve them there first."""
    import sim

    for name in sim.__all__:
        vars(sim).setdefault(name, getattr(sim, name))


def write_api(out: str | Path = OUT) -> list[str]:
    """Render the reference into ``out``; return pdoc's warnings (empty when all is well)."""
    import pdoc
    import pdoc.render

    _resolve_lazy_exports()
    pdoc.render.configure(docformat="restructuredtext", show_source=False,
                          footer_text="regiesim API reference")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*public_modules(), output_directory=Path(out))
    return [str(w.message) for w in caught]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else OUT
    problems = write_api(out)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    print(f"API reference: {out / 'index.html'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
