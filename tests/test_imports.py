"""The ``sim`` package has no import cycle between its modules.

The graph is read from the source, not from what an interpreter happened to import: every
``import`` and ``from ... import`` statement of every module under ``sim/``, those inside
functions included (a lazy import only hides a cycle until the function runs). Two kinds
of statement are left out because they never execute an import at run time: those under
``if TYPE_CHECKING:`` and ``from __future__ import ...``.

Importing ``sim.a.b`` runs ``sim/a/__init__.py`` first, so an import of a module also
counts as an import of each package above it, except the packages that hold the importing
module itself (those are already being imported when it runs: a package's ``__init__``
that imports its own submodules is not a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "sim"


def module_files(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of ``package`` by dotted name (a package by the name of its folder)."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _statements(tree: ast.AST):
    """Every import statement under ``tree``, skipping ``if TYPE_CHECKING:`` bodies."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking(node.test):
            for child in node.orelse:
                yield from _statements(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _statements(node)


def imported_names(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The dotted names ``name`` (in ``path``) imports, resolved against ``modules``."""
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in _statements(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
            continue
        if node.module == "__future__":
            continue
        if node.level:  # relative: from the importing module's package, up level - 1
            base = name.split(".") if is_package else name.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        names.add(target)
        # `from pkg import mod` imports the module pkg.mod when there is one
        names.update(f"{target}.{alias.name}" for alias in node.names
                     if f"{target}.{alias.name}" in modules)
    return names


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> nx.DiGraph:
    """Module -> module edges within ``package``, with the implicit package imports."""
    modules = module_files(root, package)
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 2)}
        for target in imported_names(name, path, modules):
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                step = ".".join(parts[:i])
                if step in modules and step not in own:
                    graph.add_edge(name, step)
    return graph


def cycles(graph: nx.DiGraph) -> list[list[str]]:
    """One cycle (as a closed path of modules) for each group of modules that import one
    another, shortest groups first."""
    found = []
    for group in nx.strongly_connected_components(graph):
        if len(group) > 1 or any(graph.has_edge(m, m) for m in group):
            sub = graph.subgraph(group)
            start = min(group)  # the shortest cycle through it, named in import order
            back = min((nx.shortest_path(sub, step, start) for step in sub.successors(start)),
                       key=lambda path: (len(path), path))
            found.append([start, *back])
    return sorted(found, key=lambda c: (len(c), c))


def test_the_graph_sees_imports_inside_functions_and_packages(tmp_path):
    """The reader itself: a lazy import, a relative import and a package's ``__init__``
    are edges; a ``TYPE_CHECKING`` import is not."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from pkg.sub import b\n")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg import c\n"
        "def f():\n    from pkg.sub.b import x\n")
    (pkg / "sub" / "b.py").write_text("from .. import a\n")
    (pkg / "c.py").write_text("import pkg.a\n")
    graph = import_graph(tmp_path, "pkg")
    assert set(graph.edges) == {("pkg.a", "pkg.sub.b"), ("pkg.a", "pkg.sub"),
                                ("pkg.sub", "pkg.sub.b"), ("pkg.sub.b", "pkg.a"),
                                ("pkg.c", "pkg.a")}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.a"]]


def test_no_import_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles in sim:\n" + "\n".join(
        "  " + " -> ".join(cycle) for cycle in found)
