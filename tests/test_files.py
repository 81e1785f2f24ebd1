"""One atomic write (sim.files) and one lock (sim.lock), and nobody writes or locks around
them."""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import sim.compile_model as compile_module
from sim.compile_model import CompileError, compile_model
from sim.files import atomic_path, atomic_write, is_temporary, temporary_name
from sim.lock import HeldLock, LockBusy, holder_path
from tests.conftest import ROOT

# ------------------------------------------------------------------ the atomic write

def test_a_write_replaces_the_file_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text("old")
    assert atomic_write(path, "néw") == path
    assert path.read_text(encoding="utf-8") == "néw"
    atomic_write(path, b"\x00bytes")
    assert path.read_bytes() == b"\x00bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(tmp_path: Path) -> None:
    path = tmp_path / "runs.parquet"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(path) as tmp:
        tmp.write_text("half")
        raise RuntimeError("the writer failed")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["runs.parquet"]


def test_an_exclusive_write_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    atomic_write(path, "first", exclusive=True)
    with pytest.raises(FileExistsError):
        atomic_write(path, "second", exclusive=True)
    assert path.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_temporary_names_are_unique_hidden_and_recognised(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    names = {temporary_name(path) for _ in range(100)}
    assert len(names) == 100
    assert all(n.parent == tmp_path and n.name.startswith(".report.html.tmp-")
               and is_temporary(n, "report.html") for n in names)
    assert not is_temporary(path) and not is_temporary(tmp_path / ".regiesim.lock")


def _renames(path: Path) -> list[str]:
    """Where a module puts a file in place itself: ``os.replace``/``os.rename``/``os.link``
    and ``Path.replace``/``Path.rename`` (one positional argument, no keyword)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, owner = node.func.attr, node.func.value
        if isinstance(owner, ast.Name) and owner.id == "os" and name in (
                "replace", "rename", "link"):
            found.append(f"os.{name}")
        elif name in ("replace", "rename") and len(node.args) == 1 and not node.keywords:
            found.append(f"Path.{name}")
    return found


ALLOWED = {
    # moving a corrupt part aside (its bytes are not rewritten)
    ("sim/experiment/store/parts.py", "os.replace"),
    # a complete build folder takes the place of the old one
    ("sim/compile_model.py", "Path.rename"),
}


def test_every_atomic_write_goes_through_sim_files() -> None:
    """A module that renames a temporary file into place itself (a fixed ``.tmp`` or
    ``.part`` name, no fsync) instead of calling sim.files fails here."""
    found = {(path.relative_to(ROOT).as_posix(), call)
             for path in sorted((ROOT / "sim").rglob("*.py")) if path.name != "files.py"
             for call in _renames(path)}
    assert found <= ALLOWED, sorted(found - ALLOWED)


# ------------------------------------------------------------------ the lock

HOLD = """
import sys, time
from sim.lock import HeldLock
lock = HeldLock(sys.argv[1])  # kept: a lock that is collected is let go
lock.acquire()
print("held", flush=True)
time.sleep(120)
"""


def test_a_held_lock_refuses_naming_its_holder_and_is_let_go(tmp_path: Path) -> None:
    first, second = HeldLock(tmp_path / ".x.lock"), HeldLock(tmp_path / ".x.lock")
    assert first.acquire() is None
    with pytest.raises(LockBusy) as info:
        second.acquire()
    assert info.value.holder["pid"] == os.getpid()
    assert f"pid {os.getpid()} on host {socket.gethostname()} since" in str(info.value)
    first.release()
    assert not holder_path(tmp_path / ".x.lock").exists()
    second.acquire()  # free again
    assert json.loads(holder_path(tmp_path / ".x.lock").read_text())["token"] == (
        second.info["token"])
    second.release()


def test_the_os_lets_go_of_a_killed_holders_lock(tmp_path: Path) -> None:
    path = tmp_path / ".x.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockBusy, match=f"pid {holder.pid} "):
            HeldLock(path).acquire()
    finally:
        holder.kill()
        holder.wait()
    lock = HeldLock(path)
    left = lock.acquire()  # no breaking: the lock went with its process
    assert left is not None and left["pid"] == holder.pid  # its note was left behind
    lock.release()


def test_a_second_build_is_refused_naming_the_first(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(compile_module, "LOCK", tmp_path / ".model.lock")
    monkeypatch.setattr(compile_module, "_compile", lambda *_: pytest.fail("built"))
    with HeldLock(tmp_path / ".model.lock"), pytest.raises(
            CompileError, match=f"another build of the model is running \\(pid {os.getpid()} "
                                f"on host {socket.gethostname()}"):
        compile_model(say=lambda _line: None)
    built = []
    monkeypatch.setattr(compile_module, "_compile", lambda *_: built.append(1))
    compile_model(say=lambda _line: None)
    assert built == [1] and not holder_path(tmp_path / ".model.lock").exists()
