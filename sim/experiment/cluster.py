"""Dask clusters: connect, make sure every worker runs the client's code, stay secure.

A worker with another version of ``sim/`` (or of numpy, scipy, ...) would put other
numbers into the store without anyone noticing. So before the first task the client asks
every worker for its identity (:func:`worker_identity`: the code identity of
:mod:`sim.provenance`, the Python version and the versions of the packages the store
records) and refuses a cluster where any worker differs, naming the worker and what
differs (:class:`ClusterMismatch`). Workers that join later are checked by a worker
plugin (:class:`SameCode`) that shuts a mismatched worker down before it takes a task,
and every task checks again (:func:`checked`) before it computes.

The scheduler runs whatever a client sends it (pickles): connect only to a scheduler on
a private network, or use TLS (``tls://`` addresses and :func:`tls_security`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from distributed import Client, LocalCluster, Reschedule, get_worker
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.security import Security

from sim.experiment.heap import settle_heap
from sim.model import build
from sim.provenance import code_identity, describe, package_versions

if TYPE_CHECKING:
    from distributed import Worker

logger = logging.getLogger("distributed.regiesim")  # shown in the workers' logs
T = TypeVar("T")
R = TypeVar("R")
WAIT_FOR_WORKERS = 60.0
"""Seconds :func:`connect` waits for a first worker when the scheduler has none yet."""


class ClusterError(ValueError):
    """The cluster cannot be used (the message says why and what to do)."""


class ClusterMismatch(ClusterError):
    """Some workers run other code or other package versions than the client."""


def worker_identity() -> dict[str, Any]:
    """What decides the numbers a process computes: its code identity, Python version and
    package versions, plus where it runs (host, pid) for people to read."""
    return {"code": code_identity(build()), "python": platform.python_version(),
            "packages": package_versions(), "host": socket.gethostname(), "pid": os.getpid()}


def differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """What differs between two identities, one phrase each (empty: the same)."""
    diffs = []
    want, got = expected.get("code") or {}, found.get("code") or {}
    if want.get("source_hash") != got.get("source_hash"):
        diffs.append(f"code {describe(got)} instead of {describe(want)}")
    if expected.get("python") != found.get("python"):
        diffs.append(f"Python {found.get('python')} instead of {expected.get('python')}")
    packages = expected.get("packages", {})
    theirs = found.get("packages", {})
    for name in sorted(set(packages) | set(theirs)):
        if packages.get(name) != theirs.get(name):
            diffs.append(f"{name} {theirs.get(name, 'missing')} instead of "
                         f"{packages.get(name, 'missing')}")
    return diffs


def _refusal(mismatched: dict[str, list[str]], scheduler: str) -> str:
    lines = "; ".join(f"{addr}: {', '.join(d)}" for addr, d in sorted(mismatched.items()))
    return (f"{len(mismatched)} worker(s) of {scheduler} run other code than this client, "
            f"refusing to run on them: {lines}. Give every worker the client's environment "
            "(the same commit, `uv sync --frozen` from uv.lock; see docs/cluster.md) and "
            "restart them")


class SameCode(WorkerPlugin):
    """A worker plugin: a worker that joins with other code shuts itself down (and its
    nanny) before it takes a task."""

    name = "regiesim-same-code"
    idempotent = False

    def __init__(self, expected: dict[str, Any]) -> None:
        self.expected = expected

    async def setup(self, worker: Worker) -> None:
        diffs = differences(self.expected, worker_identity())
        if not diffs:
            return
        message = (f"regiesim: worker {worker.address} runs other code than the client "
                   f"({', '.join(diffs)}); shutting it down. Give it the client's "
                   "environment (same commit, `uv sync --frozen`; docs/cluster.md)")
        logger.error(message)
        worker.loop.add_callback(worker.close, nanny=True, reason="regiesim-code-mismatch")


class CodeMismatch(RuntimeError):
    """A task landed on a worker whose code differs from the client's."""


def checked(func: Callable[[T], R], source_hash: str, arg: T) -> R:
    """Run ``func(arg)`` only if this process runs code with ``source_hash``.

    The task-level guard behind :class:`SameCode`: on a worker with other code the task
    is handed back to the scheduler (``Reschedule``) and the worker is shut down.
    """
    if code_identity(build())["source_hash"] == source_hash:
        return func(arg)
    try:
        worker = get_worker()
    except ValueError:
        raise CodeMismatch(f"this process runs {describe(code_identity(build()))}, not the "
                           f"client's source {source_hash[:16]}") from None
    logger.error("regiesim: worker %s runs other code than the client; shutting it down",
                 worker.address)
    worker.loop.add_callback(worker.close, nanny=True, reason="regiesim-code-mismatch")
    raise Reschedule()


def _survey(client: Client) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """Each worker's identity, and what differs from this process for each worker that
    differs (or cannot tell)."""
    expected = worker_identity()
    found = client.run(worker_identity, on_error="return")
    same: dict[str, dict[str, Any]] = {}
    mismatched: dict[str, list[str]] = {}
    for address, identity in found.items():
        if isinstance(identity, OSError):
            continue  # the worker left (or died) meanwhile; if it comes back, SameCode checks it
        if isinstance(identity, BaseException):
            mismatched[address] = [f"cannot report its code identity ({type(identity).__name__}"
                                   f": {identity}; probably another version of regiesim)"]
        elif diffs := differences(expected, identity):
            mismatched[address] = diffs
        else:
            same[address] = identity
    return same, mismatched


def check_workers(client: Client, scheduler: str = "the scheduler",
                  ) -> dict[str, dict[str, Any]]:
    """Every worker's identity (address -> :func:`worker_identity`); raises
    :class:`ClusterMismatch` naming each worker that differs from this process."""
    same, mismatched = _survey(client)
    if mismatched:
        raise ClusterMismatch(_refusal(mismatched, scheduler))
    return same


def same_code_workers(client: Client) -> dict[str, dict[str, Any]]:
    """The identities of the workers that run this process's code (others are being shut
    down by :class:`SameCode`)."""
    return _survey(client)[0]


def tls_security(ca_file: str | Path | None = None, cert: str | Path | None = None,
                 key: str | Path | None = None) -> Security | None:
    """A Dask ``Security`` for a ``tls://`` scheduler from certificate files, or None when
    no file is given. Each file must exist; ``cert`` and ``ca_file`` go together."""
    given = {"--tls-ca-file": ca_file, "--tls-cert": cert, "--tls-key": key}
    if not any(given.values()):
        return None
    for option, path in given.items():
        if path is not None and not Path(path).is_file():
            raise ClusterError(f"{option}: {path} is not a file")
    if ca_file is None or cert is None:
        raise ClusterError("TLS needs --tls-ca-file (the certificate authority that signed "
                           "the scheduler's and workers' certificates) and --tls-cert (this "
                           "client's certificate; --tls-key if its key is a separate file)")
    return Security(tls_ca_file=str(ca_file), tls_client_cert=str(cert),
                    tls_client_key=None if key is None else str(key), require_encryption=True)


def check_address(scheduler: str, security: Security | None) -> None:
    """Refuse a TLS address without certificates, and certificates without TLS."""
    tls = scheduler.startswith("tls://")
    if tls and security is None:
        raise ClusterError(f"scheduler {scheduler}: a tls:// scheduler needs --tls-ca-file, "
                           "--tls-cert and --tls-key (see docs/cluster.md)")
    if security is not None and not tls:
        raise ClusterError(f"scheduler {scheduler}: certificates were given but the address "
                           "is not tls://; use tls://HOST:PORT (the scheduler must be started "
                           "with TLS too)")
    if "://" in scheduler and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise ClusterError(f"scheduler {scheduler}: use tcp://HOST:PORT or tls://HOST:PORT")


def connect(scheduler: str, security: Security | None = None,
            wait: float = WAIT_FOR_WORKERS) -> Client:
    """A Client of ``scheduler`` whose workers all run this process's code.

    Waits up to ``wait`` seconds for a first worker, checks every worker
    (:func:`check_workers`, raises :class:`ClusterMismatch`) and installs the
    :class:`SameCode` plugin so that workers that join later are checked too. The
    identities are on ``client.regiesim_workers``. End with :func:`disconnect`.
    """
    client, _ = _connect(scheduler, security, wait)
    return client


def _connect(scheduler: str, security: Security | None, wait: float,
             ) -> tuple[Client, dict[str, dict[str, Any]]]:
    check_address(scheduler, security)
    try:
        client = Client(scheduler, security=security, timeout=30)
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); is it "
                           "running, and is the address (and TLS) right?") from None
    try:
        if not client.scheduler_info().get("workers"):
            try:
                client.wait_for_workers(1, timeout=wait)
            except TimeoutError:
                raise ClusterError(
                    f"the scheduler at {scheduler} has no workers (waited {wait:g} s); start "
                    f"some with `dask worker {scheduler}`") from None
        identities = check_workers(client, scheduler)
        client.register_plugin(SameCode(worker_identity()))
    except BaseException:
        client.close()
        raise
    client.regiesim_workers = identities  # type: ignore[attr-defined]
    return client, identities


def disconnect(client: Client) -> None:
    """Remove the :class:`SameCode` plugin from the scheduler and close the client, so
    that workers started later with other code (say, after an upgrade) are not shut down
    by a plugin that expects this client's code."""
    with contextlib.suppress(Exception):  # the scheduler may be gone already
        client.unregister_worker_plugin(SameCode.name)
    client.close()


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int, security: Security | None = None,
                ) -> Iterator[Client]:
    """A checked Client of ``scheduler``, or of a LocalCluster of ``workers`` processes
    (which this package owns, so their heaps are settled as a pool worker's are:
    :func:`sim.experiment.heap.settle_heap`)."""
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
    try:
        address = scheduler if scheduler is not None else cluster.scheduler_address
        client, _ = _connect(address, security if scheduler is not None else None,
                             WAIT_FOR_WORKERS)
        try:
            if cluster is not None:
                client.run(settle_heap)
            yield client
        finally:
            disconnect(client)
    finally:
        if cluster is not None:
            cluster.close()


def manifest_entries(identities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The workers' identities as the manifest records them, one entry per worker."""
    return [{"address": address, **identity} for address, identity in sorted(
        identities.items()) if not isinstance(identity, BaseException)]
