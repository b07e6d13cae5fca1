"""Running a sweep: many variants, in worker processes, streamed to a results file.

Every worker (a process of the local pool, or a worker of a Dask cluster: :mod:`cluster`) runs
the same function, :func:`evaluate_chunk`: it loads the scenario and the variation file and
compiles the rule pack once per process (the durable-rules host is per process), then evaluates
the variants it is sent in chunks. With one job and no cluster the variants are evaluated in this
process. Variants are numbered lazily and handed out a few chunks ahead of the results, so memory
stays bounded whatever the number of variants. Results arrive in variant order and are written
one line each to a temporary file beside the output (``fileio.AtomicFile``), which is renamed into
place at the end, or on Ctrl-C or SIGTERM with the variants finished so far (every line complete:
interrupts are held while a result is written and counted, ``interrupts.critical``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from policyengine.counterfactual import ChangeError, Evaluator, apply_changes
from policyengine.errors import input_error
from policyengine.errors.locations import Location
from policyengine.sweep.summary import SweepSummary, Tally, VariantResult, summarize
from policyengine.sweep.variations import Variations, load_variations
from policyengine.system.fileio import AtomicFile
from policyengine.system.interrupts import Terminated, critical
from policyengine.validation.scenario import LoadedScenario, project

CHUNK = 8  # variants per task sent to a worker: small enough for a live progress bar
AHEAD = 4  # chunks in flight per worker beyond the one whose results are awaited
#: ``--jobs`` is capped at this many worker processes per core: more only adds memory (each
#: worker holds its own compiled pack, about 60 MB) and switching, never throughput.
JOBS_PER_CORE = 4
EXECUTORS = ("local", "dask")


class ExecutorLost(Exception):
    """The executor stopped serving a sweep before its end (a Dask cluster lost or failing).

    :func:`run_sweep` keeps the results finished before it, as on an interrupt; the message says
    what was lost.
    """


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def max_jobs() -> int:
    """The most worker processes a sweep starts on this machine."""
    return JOBS_PER_CORE * cores()


class WorkSpec(NamedTuple):
    """What a worker needs to evaluate variants: the files, by path, as the sweep was given them."""

    scenario: str
    variations: str
    rules: str | None


class VariantEvaluator:
    """Evaluates variants by index: the scenario, variations and pack loaded once."""

    def __init__(self, scenario: str, variations: str, rules: str | None) -> None:
        from policyengine.core import load, load_pack

        # variations change the world as of its date, where each history is one status
        self.loaded: LoadedScenario = project(load(scenario))
        self.variations: Variations = load_variations(variations, self.loaded)
        self.evaluator = Evaluator(self.loaded, load_pack(rules))

    def evaluate(self, index: int) -> VariantResult:
        labels = self.variations.labels(index)
        try:
            world = apply_changes(self.loaded, self.variations.variant_changes(index))
        except ChangeError as exc:
            return VariantResult(index, labels, (), (), str(exc))
        out = self.evaluator.outcomes(world)
        return VariantResult(index, labels, tuple(sorted(out.recommendations)), tuple(sorted(out.risks)))


# Per worker process: one evaluator per sweep it serves (a Dask worker may serve several sweeps).
_evaluators: dict[WorkSpec, VariantEvaluator] = {}
# A Dask worker may run tasks on several threads: one evaluation at a time per process.
_lock = threading.Lock()


_KEPT = 4  # evaluators a worker keeps (the most recent sweeps it served)


def _evaluator(spec: WorkSpec) -> VariantEvaluator:
    ev = _evaluators.pop(spec, None)
    if ev is None:
        ev = VariantEvaluator(*spec)
        while len(_evaluators) >= _KEPT:
            del _evaluators[next(iter(_evaluators))]  # the least recently used
    _evaluators[spec] = ev  # last: the most recently used
    return ev


def evaluate_chunk(spec: WorkSpec, indices: Sequence[int]) -> list[VariantResult]:
    """The worker function, the same in every executor: evaluate these variants, in order."""
    with _lock:
        ev = _evaluator(spec)
        return [ev.evaluate(i) for i in indices]


def _init_worker(spec: WorkSpec) -> None:
    # Ctrl-C reaches the whole process group: only the parent handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _evaluator(spec)


def chunks(indices: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    """The indices in lists of ``size``, made as they are asked for (never all at once)."""
    it = iter(indices)
    while batch := list(itertools.islice(it, size)):
        yield batch


def evaluate_variants(
    scenario: str,
    variations: str,
    rules: str | None,
    indices: Iterable[int],
    *,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
) -> Generator[VariantResult, None, None]:
    """Results of the given variants, in the order given.

    ``executor`` 'local': in this process (``jobs`` 1) or in ``jobs`` worker processes;
    'dask': on the Dask cluster at ``scheduler``, or on a cluster of ``jobs`` workers started on
    this machine (:mod:`policyengine.sweep.cluster`). Closing the iterator stops the workers.
    """
    spec = WorkSpec(scenario, variations, rules)
    if executor == "dask":
        from policyengine.sweep.cluster import evaluate_on_dask

        yield from evaluate_on_dask(spec, chunks(indices), scheduler=scheduler, workers=jobs)
        return
    if executor != "local":
        raise ValueError(f"unknown executor {executor!r}")
    if jobs <= 1:
        ev = VariantEvaluator(*spec)  # this process's own, dropped at the end (not kept as a worker's)
        for i in indices:
            yield ev.evaluate(i)
        return
    # 'spawn': workers start clean (no copy of this process's engine state or threads).
    # concurrent.futures, not multiprocessing.Pool: a worker killed mid-task (SIGTERM sent to the
    # whole process group) breaks the pool instead of dead-locking its shutdown.
    pool = ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker, initargs=(spec,)
    )
    pending: deque[Future[list[VariantResult]]] = deque()
    try:
        # Chunks are submitted a bounded number ahead of the results: never the whole list.
        for batch in chunks(indices):
            pending.append(pool.submit(evaluate_chunk, spec, batch))
            if len(pending) > AHEAD * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        # On an interrupt: what was not started is dropped, what runs finishes (a chunk).
        pool.shutdown(wait=True, cancel_futures=True)


# -- results files --------------------------------------------------------------------------------


class ResultsWriter:
    """Streams results to a temporary file beside the output; :meth:`commit` puts it in place."""

    def __init__(self, path: str, variations: Variations) -> None:
        if Path(path).suffix.lower() not in (".csv", ".jsonl"):
            raise input_error(
                "E501",
                f"cannot tell the results format from '{path}'",
                Location(path),
                "name it .csv or .jsonl",
            )
        self.csv = Path(path).suffix.lower() == ".csv"
        self.dims = [d.id for d in variations.dimensions]
        self.out = AtomicFile(path)
        if self.csv:
            self._csv_row(["index", *self.dims, "recommendations", "risks", "error"])

    def _csv_row(self, row: list[Any]) -> None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(row)
        self.out.write(buf.getvalue())

    def write(self, r: VariantResult) -> None:
        if self.csv:
            self._csv_row([r.index, *r.values, " ".join(r.recommendations), " ".join(r.risks), r.error or ""])
        else:
            record = {
                "index": r.index,
                "values": dict(zip(self.dims, r.values, strict=True)),
                "recommendations": list(r.recommendations),
                "risks": list(r.risks),
                "error": r.error,
            }
            self.out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")

    def commit(self) -> None:
        self.out.commit()

    def discard(self) -> None:
        self.out.discard()


@dataclass
class SweepRun:
    summary: SweepSummary
    #: the signal that stopped the sweep before its end (SIGINT, SIGTERM), or None
    stopped_by: int | None = None
    #: why the executor stopped serving the sweep before its end (:class:`ExecutorLost`), or None
    lost: str | None = None

    @property
    def interrupted(self) -> bool:
        return self.stopped_by is not None or self.lost is not None


def run_sweep(
    scenario: str,
    variations_path: str,
    rules: str | None = None,
    *,
    jobs: int = 1,
    sample: int | None = None,
    seed: int = 0,
    output: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> SweepRun:
    """Evaluate the variants, write them to ``output`` (CSV or JSON Lines), summarise.

    Ctrl-C (KeyboardInterrupt) or SIGTERM (``interrupts.Terminated``, where the handlers are
    installed) stops the sweep: the results finished so far are written and summarised, and the
    summary says the sweep was interrupted; so does a Dask cluster lost or failing mid-sweep
    (:class:`ExecutorLost`, reported in :attr:`SweepRun.lost`). ``jobs`` is capped at
    :func:`max_jobs` for the workers started on this machine (the CLI says so); ``executor`` and
    ``scheduler`` as in :func:`evaluate_variants`.
    """
    from policyengine.core import load, load_pack

    if executor == "dask":
        from policyengine.sweep.cluster import require_dask

        require_dask()  # before any file is read: the usage error comes first
    loaded = project(load(scenario))
    variations = load_variations(variations_path, loaded)
    load_pack(rules)  # a bad pack is reported before any worker starts
    indices = variations.indices(sample, seed)
    if scheduler is None:
        # No more workers than this machine can use, nor than there are chunks to hand out.
        jobs = max(1, min(jobs, max_jobs(), -(-len(indices) // CHUNK)))
    writer = ResultsWriter(output, variations) if output else None
    tally = Tally(variations)
    stopped_by: int | None = None
    lost: str | None = None
    results = evaluate_variants(
        scenario, variations_path, rules, indices, jobs=jobs, executor=executor, scheduler=scheduler
    )
    try:
        with contextlib.closing(results):  # stops the workers whatever happens
            for r in results:
                # Written and counted together, or neither: the summary matches the file.
                with critical():
                    if writer is not None:
                        writer.write(r)
                    tally.add(r)
                if on_progress is not None:
                    on_progress(tally.done, len(indices))
    except KeyboardInterrupt:
        stopped_by = signal.SIGINT
    except Terminated as exc:
        stopped_by = exc.signum
    except ExecutorLost as exc:
        lost = str(exc)
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    if writer is not None:
        writer.commit()
    summary = summarize(
        tally,
        scenario_id=loaded.scenario.scenario.id,
        selected=len(indices),
        sample_seed=seed if sample is not None and sample < variations.total else None,
        interrupted=stopped_by is not None or lost is not None,
    )
    return SweepRun(summary, stopped_by, lost)
