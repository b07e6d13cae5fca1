"""Sweeps on a Dask distributed cluster (``policyengine sweep --executor dask``).

The cluster's workers run the sweep's own worker function (:func:`runner.evaluate_chunk`), so
the results are those of the local pool, in the same order. Chunks of variants are submitted a
bounded number ahead of the results (:data:`AHEAD` per worker) and their results taken in
submission order: memory stays bounded and the results file is written as the sweep goes.
Interrupting the sweep cancels what was submitted and closes the client (and the cluster, when
this process started it). A scheduler lost mid-sweep (after the client's reconnection timeout),
or a task that kills its workers, ends the sweep with the results finished so far
(:class:`runner.ExecutorLost`); Dask's own log lines about it are not printed, the sweep says it.

Dask is optional (``pip install 'policyengine[dask]'``) and imported only here, only when a sweep
asks for it. Workers read the scenario, the variation file and the rule pack from the paths the
sweep was given (made absolute here): on a real cluster every worker must see the same files
(a shared file system, or the same checkout at the same path), with policyengine installed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError
from typing import TYPE_CHECKING, Any

from policyengine.errors import input_error
from policyengine.sweep.runner import AHEAD, ExecutorLost, WorkSpec, evaluate_chunk
from policyengine.sweep.summary import VariantResult

if TYPE_CHECKING:
    from distributed import Future

CONNECT_TIMEOUT = "20s"
INSTALL_HINT = "install it with: pip install 'policyengine[dask]'"


def require_dask() -> Any:
    """The ``distributed`` module, or a usage error (exit 2) that says how to install it."""
    try:
        import distributed
    except ImportError:
        raise input_error(
            "E501",
            "--executor dask needs Dask's distributed scheduler, which is not installed",
            None,
            INSTALL_HINT,
        ) from None
    return distributed


def dask_setup(worker: Any) -> None:
    """Run by each worker of a cluster this process starts (Dask's ``preload`` hook).

    Ctrl-C in a terminal reaches the whole process group, the workers of a local cluster too;
    only this process handles it (it stops the workers itself), as in the local pool.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _absolute(spec: WorkSpec) -> WorkSpec:
    # Workers may run in another working directory (or on another machine with the same tree).
    return WorkSpec(
        os.path.abspath(spec.scenario),
        os.path.abspath(spec.variations),
        os.path.abspath(spec.rules) if spec.rules is not None else None,
    )


def _connect(distributed: Any, scheduler: str | None, workers: int) -> tuple[Any, Any]:
    """A client, and the local cluster it runs on when no scheduler is named (else None)."""
    if scheduler is None:
        cluster = distributed.LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # loopback only: nothing listens on the network
            # the scheduler's HTTP server on a free loopback port (not 8787, which another
            # sweep may hold), without the dashboard
            dashboard_address="127.0.0.1:0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
            preload=[__name__],  # dask_setup below, in each worker process
        )
        try:
            return distributed.Client(cluster), cluster
        except BaseException:
            cluster.close()
            raise
    try:
        return distributed.Client(scheduler, timeout=CONNECT_TIMEOUT), None
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        # TypeError: a tls:// address without Dask's TLS configuration (no certificates)
        tls = scheduler.startswith(("tls://", "wss://"))
        raise input_error(
            "E501",
            f"cannot reach the Dask scheduler at '{scheduler}': {exc}",
            None,
            "configure Dask's TLS certificates (distributed.comm.tls in Dask's configuration)"
            if tls
            else "give the address the scheduler prints (tcp://HOST:8786), and check that it is running",
        ) from None


def _version() -> str:
    import policyengine

    return policyengine.__version__


def _check_workers(client: Any, scheduler: str | None) -> int:
    """How many workers the cluster has; each must run the policyengine this process runs."""
    import policyengine

    where = f"the Dask cluster at '{scheduler}'" if scheduler else "the local Dask cluster"
    try:
        # a scheduler without workers would take the variants and never evaluate them
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except TimeoutError:
        raise input_error(
            "E501",
            f"{where} has no workers (none joined within {CONNECT_TIMEOUT})",
            None,
            f"start workers where the files can be read: dask worker {scheduler} --nthreads 1"
            if scheduler
            else "run the sweep again; if it fails again, run it with --executor local",
        ) from None
    try:
        versions: dict[str, str] = client.run(_version)
    except ImportError:
        raise input_error(
            "E501",
            f"the workers of {where} cannot import policyengine",
            None,
            "install policyengine (the same version) where the workers run",
        ) from None
    other = sorted({v for v in versions.values() if v != policyengine.__version__})
    if other:
        raise input_error(
            "E501",
            f"the workers of {where} run policyengine {', '.join(other)}, this is {policyengine.__version__}",
            None,
            "install the same version on the workers, so that their results are this version's",
        )
    return max(1, len(versions))


@contextlib.contextmanager
def _dask_logs_quiet() -> Iterator[None]:
    """Dask's loggers in this process print nothing while the sweep runs (it reports failures)."""
    names = ["distributed"] + [n for n in logging.root.manager.loggerDict if n.startswith("distributed.")]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _lost(exc: BaseException, where: str) -> ExecutorLost:
    """What a failure of the cluster (not of the variants) says."""
    if isinstance(exc, CancelledError):
        # the client cancels every future when it loses the scheduler beyond its timeout
        reason = f"the connection to {where} was lost"
    elif type(exc).__name__ == "KilledWorker":
        # Dask gave up on a chunk after it killed every worker that ran it (out of memory, say)
        reason = f"each worker of {where} that ran one chunk of variants died (KilledWorker: see their logs)"
    else:
        reason = f"{where} failed: {type(exc).__name__}: {exc}"
    return ExecutorLost(reason)


def evaluate_on_dask(
    spec: WorkSpec, chunks: Iterable[list[int]], *, scheduler: str | None, workers: int
) -> Iterator[VariantResult]:
    """Results of the chunks' variants, in order, evaluated by the cluster's workers."""
    distributed = require_dask()
    spec = _absolute(spec)
    where = f"the Dask scheduler at '{scheduler}'" if scheduler else "the local Dask cluster"
    client, cluster = _connect(distributed, scheduler, workers)
    pending: deque[Future[list[VariantResult]]] = deque()
    with _dask_logs_quiet():
        try:
            ahead = AHEAD * _check_workers(client, scheduler)
            for batch in chunks:
                pending.append(_submit(client, spec, batch, where, distributed))
                if len(pending) > ahead:
                    yield from _result(pending.popleft(), where, distributed)
            while pending:
                yield from _result(pending.popleft(), where, distributed)
        finally:
            if pending:
                with contextlib.suppress(Exception):
                    client.cancel(list(pending))
            with contextlib.suppress(Exception):
                client.close()
            if cluster is not None:
                with contextlib.suppress(Exception):
                    cluster.close()


def _failures(distributed: Any) -> tuple[type[BaseException], ...]:
    # OSError: distributed's CommClosedError; a worker's own errors (a located InputError) pass
    return (CancelledError, OSError, TimeoutError, distributed.KilledWorker)


def _submit(client: Any, spec: WorkSpec, batch: list[int], where: str, distributed: Any) -> Any:
    try:
        return client.submit(evaluate_chunk, spec, batch, pure=False)
    except _failures(distributed) as exc:
        raise _lost(exc, where) from None


def _result(future: Any, where: str, distributed: Any) -> list[VariantResult]:
    try:
        result: list[VariantResult] = future.result()
    except _failures(distributed) as exc:
        raise _lost(exc, where) from None
    return result
