"""Sweeps: many variants of one scenario, evaluated by worker processes.

The workload is what ``policyengine sweep`` evaluates: a seeded sample of the variants of a
variation file (``variations/korea_new_gov.yaml``; format in docs/whatif.md). A *runner*
evaluates a workload with a number of workers and returns each variant's recommendation ids
(sorted), in variant order (an invalid variant gives ``["error: ..."]``):

    runner(workload, workers) -> list[list[str]]

``RUNNERS`` holds the runners the benchmark knows:

* ``policyengine``: the sweep command itself (``policyengine.sweep.runner.run_sweep``, which
  ``policyengine sweep SCENARIO --vary FILE --sample N --seed S --jobs W --output F.jsonl`` calls):
  spawned workers that load the scenario, the variations and the pack once each, results streamed
  to a JSON Lines file, read back here. This is what the benchmark measures by default.
* ``dask``: the sweep command with ``--executor dask`` and no ``--scheduler``: a Dask
  LocalCluster of that many single-threaded worker processes on 127.0.0.1, started and closed by
  the sweep (its start-up included). Needs the ``dask`` extra.
* ``pool``: a forked ``multiprocessing`` pool of ``api.evaluate`` over the same variants (the
  harness used before the command existed). The difference is the command's own overhead.

:func:`serial_runner` is the reference both must agree with: ``api.evaluate`` of each variant, one
by one, in this process, not through the sweep's code. :func:`register` adds a runner.
"""

from __future__ import annotations

import json
import multiprocessing
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.report import ROOT

SCENARIO = str(ROOT / "scenarios" / "korea_new_gov.yaml")
VARIATIONS = str(ROOT / "variations" / "korea_new_gov.yaml")


@dataclass(frozen=True)
class Workload:
    """``count`` variants of a variation file, sampled with ``seed`` (``--sample``, ``--seed``)."""

    count: int
    seed: int = 1
    scenario: str = SCENARIO
    variations: str = VARIATIONS

    def indices(self) -> list[int]:
        """The variants' indices, as the sweep command selects them."""
        from policyengine.api import load
        from policyengine.sweep.variations import load_variations

        return list(load_variations(self.variations, load(self.scenario)).indices(self.count, self.seed))


Ids = list[str]


# -- the reference: one by one, through api.evaluate ------------------------------------------------
_base: Any = None
_pack: Any = None
_variations: Any = None


def _init(scenario: str, variations: str) -> None:
    global _base, _pack, _variations
    from policyengine import api
    from policyengine.sweep.variations import load_variations

    _base = api.load(scenario)
    _pack = api.load_pack()
    _variations = load_variations(variations, _base)


def _evaluate(index: int) -> Ids:
    from policyengine import api
    from policyengine.counterfactual.changes import ChangeError, apply_changes

    try:
        world = apply_changes(_base, _variations.variant_changes(index))
    except ChangeError as exc:
        return [f"error: {exc}"]
    return sorted(api.evaluate(world, _pack).ids)


def serial_runner(workload: Workload, limit: int | None = None) -> list[Ids]:
    """No pool and no sweep code: the reference the runners must agree with (the first ``limit``)."""
    _init(workload.scenario, workload.variations)
    return [_evaluate(i) for i in workload.indices()[:limit]]


def pool_runner(workload: Workload, workers: int) -> list[Ids]:
    """``workers`` forked processes, each loading the base and the pack once, in chunks."""
    indices = workload.indices()
    ctx = multiprocessing.get_context("fork")
    chunk = max(1, len(indices) // (workers * 8))
    with ctx.Pool(workers, initializer=_init, initargs=(workload.scenario, workload.variations)) as pool:
        return pool.map(_evaluate, indices, chunksize=chunk)


def sweep_runner(workload: Workload, workers: int, executor: str = "local") -> list[Ids]:
    """``policyengine sweep`` (its library entry point), results read back from its JSON Lines file."""
    from policyengine.sweep.runner import run_sweep

    with tempfile.TemporaryDirectory(prefix="policyengine-sweep-") as folder:
        out = Path(folder) / "results.jsonl"
        run = run_sweep(
            workload.scenario,
            workload.variations,
            jobs=workers,
            sample=workload.count,
            seed=workload.seed,
            output=str(out),
            executor=executor,
        )
        if run.interrupted:
            raise KeyboardInterrupt
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    records.sort(key=lambda r: r["index"])
    return [[f"error: {r['error']}"] if r["error"] else sorted(r["recommendations"]) for r in records]


def dask_runner(workload: Workload, workers: int) -> list[Ids]:
    """``policyengine sweep --executor dask``: a LocalCluster of ``workers`` processes."""
    return sweep_runner(workload, workers, executor="dask")


def dask_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


Runner = Callable[[Workload, int], list[Ids]]
RUNNERS: dict[str, Runner] = {"policyengine": sweep_runner, "pool": pool_runner, "dask": dask_runner}


def register(name: str, runner: Runner) -> None:
    """Make another runner available to the benchmark (``run.py --sweep-runner NAME``)."""
    RUNNERS[name] = runner
