"""Every batch ends: a time budget kept from outside the run (a run stuck in compiled code
included), a lost worker that stops the batch with one line, SIGTERM and Ctrl+C that stop
it within seconds and let go of the folder.

Each test starts the command in a session of its own, waits with a bounded timeout, and
on the way out ends that session only (the processes it started)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT, SCENARIOS
from tests.stores import released

EXPLODES = ["--set", "municipality.misroute_prob=0.999999999",
            "--set", "municipality.clear_process=0.0"]
"""A legal scenario that sends each initiative on about 10^9 times (their number was
drawn one uniform at a time; now in one draw, tests/test_every_run_ends.py)."""
LONG = ["--set", "run.horizon_weeks=5200", "--set", "run.warmup_weeks=2",
        "--set", "initiatives.arrival_rate=30"]
"""A legal run far longer than any test waits (about 156,000 initiatives, some 15 s;
most give up in the queues)."""


@contextlib.contextmanager
def _command(*args: str, env: dict | None = None, sigint_ignored: bool = False,
             before: str = ""):
    """``regiesim ARGS`` in a session of its own; ended (the session only) on the way out.
    With ``sigint_ignored`` it starts with SIGINT ignored, as a parent that ignores it
    (a script's background job, some test runners' workers) passes on; ``before`` is
    Python run before the CLI loads."""
    def ignore() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    cli = ["-c", f"{before}\nimport sys\nsys.argv[0] = 'regiesim'\nfrom sim.cli import main\n"
                 "main()"] if before else ["-m", "sim.cli"]
    proc = subprocess.Popen([sys.executable, *cli, *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, env={**os.environ, "COLUMNS": "200",
                                                         **(env or {})},
                            preexec_fn=ignore if sigint_ignored else None)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def _finish(proc: subprocess.Popen, within: float) -> tuple[int, str, float]:
    """Wait at most ``within`` seconds for the command; (exit status, output, seconds)."""
    start = time.monotonic()
    try:
        out, _ = proc.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the command did not end within {within:g} s")
    return proc.returncode, out, time.monotonic() - start


def _session_alive(pid: int) -> list[int]:
    """Processes left in the session the test started (zombies aside)."""
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == pid and fields[0] != "Z":  # fields[3]: session id
                left.append(int(stat.parent.name))
    return left


def _workers_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    with contextlib.suppress(OSError):
        return [int(p) for p in path.read_text().split()]
    return []


@pytest.mark.parametrize("backend", ["serial", "process"])
def test_the_time_budget_ends_a_run_that_overstays(tmp_path: Path, backend: str) -> None:
    """The budget is kept from outside the run (in the compiled model no signal handler
    of the run need get a turn): the batch ends it and records it as failed."""
    out = tmp_path / "o"
    with _command("batch", str(SCENARIOS / "directive.toml"), "--reps", "2", "--out",
                  str(out), "--backend", backend, "--workers", "2", "--time-budget", "2",
                  *LONG) as proc:
        code, text, seconds = _finish(proc, 90)
        assert seconds < 60, f"two runs of a 2 s budget took {seconds:.1f} s"
        assert _session_alive(proc.pid) == []
    assert code == 1, text
    assert "2 run(s) failed" in text and "time budget of 2 s and was ended" in text
    fails = pd.read_parquet(out / "failures.parquet")
    assert fails["replication"].tolist() == [0, 1]
    assert fails["error"].str.startswith("RunTimeout").all()
    assert json.loads((out / "manifest.json").read_text())["status"] == \
        "complete with failures"
    assert released(out)


def test_sigterm_stops_a_batch_whose_runs_would_take_long(tmp_path: Path) -> None:
    out = tmp_path / "o"
    with _command("batch", str(SCENARIOS / "directive.toml"), "--reps", "2", "--out",
                  str(out), "--workers", "2", *LONG) as proc:
        deadline = time.monotonic() + 60
        while len(_workers_of(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_workers_of(proc.pid)) >= 2, "the pool did not start"
        time.sleep(1)  # the workers are inside their long runs
        os.kill(proc.pid, signal.SIGTERM)
        code, text, seconds = _finish(proc, 20)
        assert seconds < 10, f"SIGTERM took {seconds:.1f} s to stop the batch"
        assert _session_alive(proc.pid) == []  # no worker left behind
    assert code == 128 + signal.SIGTERM, text
    assert "Traceback" not in text
    assert released(out)


@pytest.mark.parametrize("sigint_ignored", [False, True])
def test_ctrl_c_stops_a_long_run(sigint_ignored: bool) -> None:
    with _command("run", str(SCENARIOS / "directive.toml"), "--reps", "1", *LONG,
                  sigint_ignored=sigint_ignored) as proc:
        deadline = time.monotonic() + 60
        while not _workers_of(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
        code, text, seconds = _finish(proc, 20)
        assert seconds < 10, f"Ctrl+C took {seconds:.1f} s to stop the run"
        assert _session_alive(proc.pid) == []
    assert code == 130, text
    assert "Traceback" not in text and "interrupted" in text


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_serial_batch_without_a_budget_hears_a_signal_within_seconds(
        tmp_path: Path, sig: signal.Signals) -> None:
    """--backend serial without --time-budget: the command line runs each run in one
    supervised worker, so a signal stops the batch whatever the model is doing (in the
    batch's own process it would wait for Python to get a turn)."""
    out = tmp_path / "o"
    with _command("batch", str(SCENARIOS / "directive.toml"), "--reps", "2", "--out",
                  str(out), "--backend", "serial", *LONG) as proc:
        deadline = time.monotonic() + 60
        while not _workers_of(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _workers_of(proc.pid), "no supervised worker started"
        time.sleep(1)  # the worker is inside its long run
        os.killpg(proc.pid, sig)  # as a terminal sends Ctrl+C: to the whole group
        code, text, seconds = _finish(proc, 20)
        assert seconds < 10, f"{sig.name} took {seconds:.1f} s to stop the batch"
        assert _session_alive(proc.pid) == []
    assert code == 128 + sig, text
    assert "Traceback" not in text
    assert released(out)


def _stopped_by_a_lost_worker(proc: subprocess.Popen, within: float, limit: float) -> str:
    """The batch ``proc`` stops within ``limit`` seconds (waited for ``within``), leaves
    nothing running and says in one line, without a traceback, that a worker was lost;
    returns that line."""
    code, text, seconds = _finish(proc, within)
    assert seconds < limit, f"a lost worker took {seconds:.1f} s to stop the batch"
    assert _session_alive(proc.pid) == []
    assert code == 1, text
    assert "Traceback" not in text and "BrokenProcessPool" not in text, text
    lines = [line for line in text.splitlines() if "worker process" in line]
    assert len(lines) == 1 and "ended unexpectedly" in lines[0], text
    return lines[0]


def test_a_killed_worker_stops_the_batch_with_one_line_and_it_resumes(tmp_path: Path) -> None:
    out = tmp_path / "o"
    # four council terms a run (about 0.4 s): the batch lasts well past the store's first
    # flush (after 2 s), so runs are stored while the workers still run; with one-term runs
    # the whole batch could end before that flush, and no worker would be left to kill
    command = ["batch", str(SCENARIOS / "direction.toml"), "--reps", "60", "--out", str(out),
               "--workers", "2", "--chunk", "1", "--set", "run.horizon_weeks=832"]
    with _command(*command) as proc:
        deadline = time.monotonic() + 90
        while not (out / "parts").is_dir() and time.monotonic() < deadline:
            time.sleep(0.1)  # some runs are stored
        workers = _workers_of(proc.pid)
        assert workers, "the pool did not start"
        os.kill(workers[0], signal.SIGKILL)
        assert "resume" in _stopped_by_a_lost_worker(proc, 30, 15)
    assert released(out)
    with _command(*command) as proc:
        code, text, _ = _finish(proc, 300)
    assert code == 0, text
    assert "already stored" in text
    assert len(pd.read_parquet(out / "runs.parquet")) == 60


TORN = """
import os, signal, struct
from concurrent.futures import process
parent, send = os.getpid(), process._sendback_result

def torn(result_queue, work_id, result=None, exception=None, exit_pid=None):
    if result is not None and work_id == 3 and os.getpid() != parent:
        result_queue._writer._send(struct.pack("!i", 1 << 20))  # a 1 MiB result begun
        os.kill(os.getpid(), signal.SIGKILL)  # the worker dies before the rest
    send(result_queue, work_id, result, exception, exit_pid)

process._sendback_result = torn  # the pool's workers are forked: they see it
"""
"""A pool worker that dies while it sends its fourth result back."""


def test_a_worker_lost_while_sending_a_result_stops_the_batch(tmp_path: Path) -> None:
    # the pool's manager, having read the start of the result, waits for the rest of it
    out = tmp_path / "o"
    with _command("batch", str(SCENARIOS / "direction.toml"), "--reps", "12", "--out",
                  str(out), "--workers", "2", "--chunk", "1", before=TORN) as proc:
        _stopped_by_a_lost_worker(proc, 60, 30)
    assert released(out)


def test_validate_warns_that_a_run_may_not_end() -> None:
    from typer.testing import CliRunner

    from sim.cli import app

    result = CliRunner().invoke(app, ["validate", str(SCENARIOS / "directive.toml"),
                                      *EXPLODES])
    assert result.exit_code == 0
    said = " ".join(result.output.split())
    assert "misroutes: each initiative is sent on about 1e+09 times" in said
    assert "drops out in its handoffs" in said
    plain = CliRunner().invoke(app, ["validate", str(SCENARIOS / "directive.toml")])
    assert "misroutes" not in plain.output

