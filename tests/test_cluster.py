"""A real Dask cluster: `dask scheduler` and `dask worker` as separate OS processes on
127.0.0.1, as on a cluster, driven through the CLI.

Every process is started in its own session and ended by its process group id in a
finalizer, so nothing is left behind even when a test fails. Nothing waits for a fixed
time: each test polls for a condition with a deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from distributed import Client
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment import ResultStore, plan
from sim.experiment.cluster import (
    ClusterError,
    ClusterMismatch,
    CodeMismatch,
    checked,
    connect,
    differences,
    disconnect,
    worker_identity,
)
from sim.model import build
from sim.provenance import code_identity
from tests.conftest import ROOT, SCENARIOS

DASK = str(Path(sys.executable).parent / "dask")
FILES = [str(SCENARIOS / "direction.toml"), str(SCENARIOS / "directive.toml")]
DEADLINE = 120.0
runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _poll(condition: Callable[[], object], what: str, deadline: float = DEADLINE) -> object:
    """Wait until ``condition()`` is truthy (returning it); fail naming ``what`` after
    ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class Cluster:
    """Processes of a test cluster; :meth:`stop` ends each by its process group."""

    tmp: Path
    tls: list[str] = field(default_factory=list)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    address: str = ""

    def _start(self, name: str, args: list[str], env: dict[str, str] | None = None,
               ) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=self.tmp,
                                env=env or os.environ.copy(), start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def scheduler(self) -> str:
        port = _free_port()
        protocol = "tls" if self.tls else "tcp"
        proc = self._start("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port",
                                         str(port), "--no-dashboard", "--protocol", protocol,
                                         *self.tls])
        self.address = f"{protocol}://127.0.0.1:{port}"
        _poll(lambda: proc.poll() is not None or f":{port}" in self.log("scheduler"),
              "the scheduler to listen")
        assert proc.poll() is None, self.log("scheduler")
        return self.address

    def worker(self, name: str, pythonpath: Path | None = None) -> subprocess.Popen:
        env = os.environ.copy()
        if pythonpath is not None:
            env["PYTHONPATH"] = str(pythonpath)
        return self._start(name, [DASK, "worker", self.address, "--name", name, "--host",
                                  "127.0.0.1", "--nthreads", "1", "--nworkers", "1",
                                  "--no-dashboard", "--death-timeout", "60",
                                  "--local-directory", str(self.tmp / f"space-{name}"),
                                  *self.tls], env)

    def client(self) -> Client:
        return Client(self.address, security=_security(self.tls), timeout=30)

    def wait_for(self, client: Client, *names: str) -> dict[str, str]:
        """Wait until workers ``names`` are registered; their addresses by name."""
        def found() -> dict[str, str]:
            info = client.scheduler_info(n_workers=-1)["workers"]
            by_name = {str(w["name"]): addr for addr, w in info.items()}
            return by_name if all(n in by_name for n in names) else {}

        return _poll(found, f"workers {', '.join(names)} to register")  # type: ignore[return-value]

    def stop(self) -> None:
        for proc in reversed(list(self.procs.values())):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=20)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # the group: nanny and worker alike
            proc.wait(timeout=20)


def _security(tls: list[str]) -> object:
    if not tls:
        return None
    from sim.experiment.cluster import tls_security

    ca, cert, key = tls[1], tls[3], tls[5]
    return tls_security(ca, cert, key)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    made = Cluster(tmp_path)
    try:
        yield made
    finally:
        made.stop()


def _serial(tmp: Path, reps: int, files: list[str] = FILES) -> pd.DataFrame:
    out = tmp / "serial"
    result = runner.invoke(app, ["batch", *files, "--out", str(out), "--reps", str(reps),
                                 "--backend", "serial"])
    assert result.exit_code == 0, result.output
    return ResultStore.load(out).runs


def _batch_args(out: Path, reps: int, address: str) -> list[str]:
    return ["batch", *FILES, "--out", str(out), "--reps", str(reps), "--backend", "dask",
            "--scheduler", address]


def _other_code(tmp: Path) -> Path:
    """A copy of ``sim/`` with one byte changed, to put first on a worker's PYTHONPATH."""
    root = tmp / "other-code"
    shutil.copytree(ROOT / "sim", root / "sim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    run = root / "sim" / "run.py"
    run.write_bytes(run.read_bytes() + b"#")
    return root


@pytest.mark.slow  # 47-72 s measured here (load average 7-13 from other work); 5 processes start
def test_a_batch_on_a_real_cluster_is_bit_identical_and_survives_a_killed_worker(
        cluster: Cluster, tmp_path: Path) -> None:
    address = cluster.scheduler()
    cluster.worker("w1")
    cluster.worker("w2")
    reps = 48
    out = tmp_path / "cluster"
    log = open(tmp_path / "batch.log", "wb")  # noqa: SIM115
    # the batch starts while the workers start (it waits for them), as on a real cluster
    batch = subprocess.Popen([sys.executable, "-m", "sim.cli", *_batch_args(out, reps,
                                                                            address)],
                             cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
    cluster.procs["batch"] = batch
    with cluster.client() as watch:
        cluster.wait_for(watch, "w1", "w2")
        # kill a worker process while it holds runs of the batch, once the manifest names
        # it (a worker is named when the batch starts or when its first results arrive)
        def named_and_busy() -> object:
            if batch.poll() is not None:
                return True
            try:
                named = {w["pid"] for w in json.loads(
                    (out / "manifest.json").read_text()).get("workers", [])}
            except (OSError, ValueError):
                return None
            pids = watch.run(os.getpid)
            return [pids[a] for a, keys in watch.processing().items()
                    if keys and pids.get(a) in named]

        busy = _poll(named_and_busy, "runs on a worker the manifest names")
        assert batch.poll() is None, "the batch ended before a worker could be killed"
        pids = watch.run(os.getpid)
        victim = busy[0]  # type: ignore[index]
        os.kill(victim, signal.SIGKILL)
        assert batch.poll() is None, "the batch ended before a worker was killed"
        assert batch.wait(timeout=DEADLINE) == 0, (tmp_path / "batch.log").read_text()
    log.close()
    _poll(lambda: "Restarting worker" in cluster.log("w1") + cluster.log("w2"),
          "the nanny to restart the killed worker")
    stored = ResultStore.load(out)
    pd.testing.assert_frame_equal(stored.runs, _serial(tmp_path, reps), check_exact=True)
    workers = stored.manifest["workers"]
    assert {w["pid"] for w in workers} >= set(pids.values())
    assert {w["code"]["source_hash"] for w in workers} == {code_identity(build())["source_hash"]}


@pytest.mark.slow  # starts Dask workers
def test_a_worker_with_other_code_is_refused_by_name(cluster: Cluster, tmp_path: Path,
                                                     ) -> None:
    address = cluster.scheduler()
    cluster.worker("good")
    cluster.worker("other", pythonpath=_other_code(tmp_path))
    with cluster.client() as watch:
        names = cluster.wait_for(watch, "good", "other")
    out = tmp_path / "refused"
    result = runner.invoke(app, _batch_args(out, 2, address))
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert names["other"] in text and names["good"] not in text, text
    assert "refusing to run on them" in text and "code regiesim" in text, text
    assert not out.exists(), "nothing may be written for a refused cluster"
    with pytest.raises(ClusterMismatch, match=names["other"]):
        connect(address)
    # sensitivity takes the same scheduler, with the same check
    result = runner.invoke(app, _sensitivity_args(tmp_path, "sens", "dask", "--scheduler",
                                                  address))
    assert result.exit_code == 2 and names["other"] in " ".join(result.output.split())
    assert not (tmp_path / "sens").exists()


def _sensitivity_args(tmp: Path, out: str, backend: str, *extra: str) -> list[str]:
    spec = tmp / "ranges.toml"
    spec.write_text(f'extends = "{(SCENARIOS / "typical.toml").as_posix()}"\n'
                    '[run]\nhorizon_weeks = 26.0\nwarmup_weeks = 4.0\n'
                    '[ranges]\n"municipality.dialogue" = [0.0, 1.0]\n')
    return ["sensitivity", str(spec), "--samples", "4", "--method", "lhs", "--out",
            str(tmp / out), "--backend", backend, *extra]


@pytest.mark.slow  # starts Dask workers
def test_a_worker_that_joins_later_with_other_code_shuts_down(cluster: Cluster,
                                                               tmp_path: Path) -> None:
    cluster.scheduler()
    cluster.worker("good")
    with cluster.client() as watch:
        cluster.wait_for(watch, "good")
    client = connect(cluster.address)
    try:
        assert {w["host"] for w in client.regiesim_workers.values()}  # type: ignore[attr-defined]
        other = cluster.worker("other", pythonpath=_other_code(tmp_path))
        assert other.wait(timeout=DEADLINE) is not None
        log = cluster.log("other")
        assert "Registered to" in log, log  # it did join, and then left by itself
        assert "runs other code than the client" in log and "source" in log, log
        # the cluster goes on with the good worker: sensitivity gives the serial numbers
        on_cluster = runner.invoke(app, _sensitivity_args(tmp_path, "c", "dask",
                                                          "--scheduler", cluster.address))
        assert on_cluster.exit_code == 0, on_cluster.output
        serial = runner.invoke(app, _sensitivity_args(tmp_path, "s", "serial"))
        assert serial.exit_code == 0, serial.output
        assert ((tmp_path / "c" / "samples.csv").read_bytes()
                == (tmp_path / "s" / "samples.csv").read_bytes())
    finally:
        disconnect(client)
    # without the plugin (the client is gone), a worker with other code may join again
    late = cluster.worker("later", pythonpath=_other_code(tmp_path / "again"))
    _poll(lambda: "Registered to" in cluster.log("later"), "the later worker to register")
    assert "regiesim-same-code" not in cluster.log("later")  # plugins start before that line
    assert late.poll() is None


@pytest.mark.slow  # starts Dask workers
def test_a_task_on_a_worker_with_other_code_refuses_to_compute(cluster: Cluster,
                                                               tmp_path: Path) -> None:
    """The task-level guard: without the plugin (a client that did not connect through
    regiesim), a run sent to a worker with other code is not computed there."""
    cluster.scheduler()
    with pytest.raises(ClusterError, match=r"has no workers .* start some with `dask worker"):
        connect(cluster.address, wait=0.2)
    other = cluster.worker("other", pythonpath=_other_code(tmp_path))
    with cluster.client() as raw:
        cluster.wait_for(raw, "other")
        spec = plan({"a": _short()}, 1, 0)[0]
        from sim.experiment.batch import execute

        future = raw.submit(checked, execute, code_identity(build())["source_hash"], spec,
                            pure=False)
        assert other.wait(timeout=DEADLINE) is not None  # the worker shut itself down
        assert not future.done(), "the run must not be computed on other code"
    assert "runs other code than the client" in cluster.log("other")


@pytest.mark.slow  # starts Dask workers
def test_tls_cluster_with_certificate_options(cluster: Cluster, tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        message = "needs the openssl command to make a certificate authority"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the TLS test: {message}")
        pytest.skip(message)
    ca, cert, key = _certificates(tmp_path / "certs")
    cluster.tls = ["--tls-ca-file", str(ca), "--tls-cert", str(cert), "--tls-key", str(key)]
    address = cluster.scheduler()
    assert address.startswith("tls://")
    cluster.worker("w1")
    with cluster.client() as watch:
        cluster.wait_for(watch, "w1")
    out = tmp_path / "tls"
    plain = runner.invoke(app, _batch_args(out, 2, address))
    assert plain.exit_code == 2 and "needs --tls-ca-file" in plain.output, plain.output
    assert not out.exists()
    result = runner.invoke(app, [*_batch_args(out, 2, address), *cluster.tls])
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(ResultStore.load(out).runs, _serial(tmp_path, 2),
                                  check_exact=True)


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A self-signed certificate authority and one certificate it signed (for every role,
    as Dask's own Security.temporary does)."""
    folder.mkdir()
    ca_key, ca, key, csr, cert = (folder / n for n in (
        "ca-key.pem", "ca.pem", "key.pem", "cert.csr", "cert.pem"))

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key),
            "-out", str(ca), "-days", "2", "-subj", "/CN=regiesim-test-ca")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
            "-subj", "/CN=dask-internal")
    openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
            "-CAcreateserial", "-out", str(cert), "-days", "2")
    return ca, cert, key


def _short() -> object:
    from tests.conftest import short

    return short("direction")


# ------------------------------------------------------------------ without a cluster

def test_differences_name_code_python_and_packages() -> None:
    me = worker_identity()
    assert differences(me, me) == []
    other = json.loads(json.dumps(me))
    other["code"]["source_hash"] = "0" * 64
    other["python"] = "3.0.0"
    other["packages"]["numpy"] = "0.1"
    found = differences(me, other)
    assert len(found) == 3 and any("numpy 0.1" in d for d in found), found


def test_checked_refuses_other_code_outside_a_worker() -> None:
    assert checked(lambda x: x + 1, code_identity(build())["source_hash"], 1) == 2
    with pytest.raises(CodeMismatch):
        checked(lambda x: x + 1, "0" * 64, 1)


@pytest.mark.parametrize(("extra", "message"), [
    (["--scheduler", "tls://127.0.0.1:1"], "needs --tls-ca-file"),
    (["--scheduler", "tcp://127.0.0.1:1", "--tls-ca-file", "README.md", "--tls-cert",
      "README.md"], "not tls://"),
    (["--scheduler", "tls://127.0.0.1:1", "--tls-ca-file", "nope.pem", "--tls-cert",
      "README.md"], "nope.pem is not a file"),
    (["--tls-ca-file", "README.md"], "go with --scheduler"),
])
def test_tls_options_are_checked_before_anything_runs(tmp_path: Path, extra: list[str],
                                                      message: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "o"
    backend = ["--backend", "dask"] if "--scheduler" in extra else []
    result = runner.invoke(app, ["batch", FILES[0], "--out", str(out), *backend, *extra])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert not out.exists()


@pytest.mark.slow  # starts Dask workers
def test_a_dask_batch_ends_without_tracebacks(tmp_path: Path) -> None:
    """The local Dask cluster of a batch shuts down quietly: no traceback on stderr."""
    from tests.conftest import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "batch", str(ROOT / "scenarios" / "typical.toml"),
         "--reps", "2", "--backend", "dask", "--workers", "1", "--out", str(tmp_path / "b"),
         "--set", "run.horizon_weeks=26"], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "done: 2 runs" in done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout


REFUSED = """
import sys
import time

from dask.distributed import Client, LocalCluster

import sim.experiment.batch as batch
from sim.experiment import plan
from sim.experiment.options import Executor
from tests.conftest import short

batch.NO_WORKERS_SECONDS = 3.0
real = batch.code_identity
# the client expects other sources than its workers run (as when sim/ was edited while a
# batch ran): each worker that takes a task hands it back and shuts itself down
batch.code_identity = lambda build: {**real(build), "source_hash": "0" * 64}
sc = short("direction", run={"horizon_weeks": 10.0, "warmup_weeks": 2.0})
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                  dashboard_address=None) as cluster, Client(cluster) as client:
    start = time.monotonic()
    try:
        batch.run_specs(plan({"a": sc}, 4, 1), Executor("dask", chunk=1), client=client)
    except batch.WorkerLost as exc:
        print(f"stopped after {time.monotonic() - start:.1f} s: {exc}")
        sys.exit(9)
print("finished")
"""


@pytest.mark.slow  # a LocalCluster: ~15 s under load
def test_a_batch_whose_workers_all_refuse_stops_with_one_line() -> None:
    """Every worker runs other code than the client, so each hands its task back and shuts
    itself down: the batch must not wait for ever on tasks no worker will run, but stop
    with one line once the cluster has had no worker for NO_WORKERS_SECONDS (3 s here).
    Bounded: the child is killed after 180 s."""
    proc = subprocess.run([sys.executable, "-c", REFUSED], cwd=ROOT, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 9, proc.stdout + proc.stderr
    assert "the Dask cluster has had no worker for 3 s" in proc.stdout
    assert "runs other code than this client" in proc.stdout
    assert "run the same command again to resume" in proc.stdout
