"""The installed wheel works without the repository: its commands find every file they
need inside the package, not in the checkout's scenarios/ or beside it.

The wheel is built from this checkout and installed (without its dependencies) into a
fresh environment whose dependencies are this environment's packages, read through a
``.pth`` line: nothing is downloaded, and the checkout itself is not on the path (the
editable install's own ``.pth`` is not read from a directory a ``.pth`` line adds). The
commands then run from an empty folder on a scenario file given by its path.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # builds a wheel and starts fresh interpreters

SHORT = ["--set", "run.horizon_weeks=26", "--set", "run.warmup_weeks=4"]
UV = Path(sys.executable).with_name("uv")


def _run(args: list[str | Path], cwd: Path, timeout: float = 600) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of an environment that holds the wheel of this checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    _run([UV, "build", "--wheel", "--out-dir", tmp / "dist", ROOT], tmp)
    wheel = next((tmp / "dist").glob("regiesim-*.whl"))
    env = tmp / "env"
    _run([UV, "venv", "--quiet", "--python", sys.executable, env], tmp)
    site = next(env.glob("lib/python3*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([UV, "pip", "install", "--quiet", "--offline", "--no-deps", "--python",
          env / "bin" / "python", wheel], tmp)
    return env / "bin"


def test_the_wheel_runs_validates_and_animates_a_file_far_from_the_checkout(
        installed: Path, tmp_path: Path) -> None:
    where = _run([installed / "python", "-c", "import sim; print(sim.__file__)"], tmp_path)
    assert Path(where.strip()).is_relative_to(installed.parent), where  # not the checkout
    shutil.copy(ROOT / "scenarios" / "direction.toml", tmp_path / "mine.toml")
    assert not (tmp_path / "scenarios").exists()
    checked = _run([installed / "regiesim", "validate", "mine.toml"], tmp_path)
    assert "1 file(s): 1 ok" in checked
    ran = _run([installed / "regiesim", "run", tmp_path / "mine.toml", "--reps", "2",
                "--backend", "serial", "--json", *SHORT], tmp_path)
    assert '"direction"' in ran and '"success_rate"' in ran
    _run([installed / "regiesim", "animate", "mine.toml", "--out", "film.html", "--lang",
          "en", *SHORT], tmp_path)
    film = (tmp_path / "film.html").read_text(encoding="utf-8")
    css = (ROOT / "sim" / "report" / "animate.css").read_text(encoding="utf-8")
    assert css.strip().splitlines()[0] in film  # the player's own files came with it
    _run([installed / "regiesim", "styles"], tmp_path)
