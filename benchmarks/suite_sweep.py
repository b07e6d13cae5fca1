"""Section ``sweep``: throughput of ``policyengine sweep`` over variants of korea_new_gov, 1 and 2 workers.

The workload is a seeded sample of the variants of variations/korea_new_gov.yaml, evaluated by a
runner of :mod:`benchmarks.sweep` (by default the sweep command itself: ``--jobs 1`` evaluates
in this process, ``--jobs 2`` in two spawned workers, each loading and compiling once). Wall-clock
time of whole sweeps (loading, worker start-up and the results file included), 1 and 2 workers
interleaved; the results of both must be the same and the same as evaluating the variants one by
one here through ``api.evaluate``. On a machine whose two cores other people also use, the second
worker competes with them: the load average is reported beside the ratio.

Beside them, when the ``dask`` extra is installed: the same sweep with ``--executor dask`` on a
2-worker LocalCluster that the sweep starts on 127.0.0.1 and closes (``benchmarks.sweep.dask_runner``),
timed whole (cluster start-up included) and over the variants alone (the time of the same sweep of
one chunk subtracted); its results must be the local pool's.
"""

from __future__ import annotations

import os
import resource
import statistics

from benchmarks import sweep
from benchmarks.config import Config
from benchmarks.measure import WALL, interleaved, load_average, paired_ratio
from benchmarks.report import Section, Target, ms, pct

LIMIT = 1.7
CHECKED = 25  # variants also evaluated one by one, as the reference


def _cpu() -> float:
    """CPU time of this process and of its joined children (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(cfg: Config) -> Section:
    runner_name = cfg.sweep_runner
    if runner_name not in sweep.RUNNERS:
        raise ValueError(f"unknown sweep runner '{runner_name}'; known: {', '.join(sweep.RUNNERS)}")
    runner = sweep.RUNNERS[runner_name]
    count = 60 if cfg.quick else 800
    workload = sweep.Workload(count)
    reference = sweep.serial_runner(workload, CHECKED)
    got: dict[int, list[list[str]]] = {}

    cpu: dict[int, list[float]] = {1: [], 2: []}

    def sweep_with(workers: int) -> None:
        before = _cpu()
        got[workers] = runner(workload, workers)
        cpu[workers].append(_cpu() - before)

    load_before = load_average()[0]
    samples = interleaved(
        {"1 worker": lambda: sweep_with(1), "2 workers": lambda: sweep_with(2)}, cfg.reps(5, 1), clock=WALL
    )
    load_after = load_average()[0]
    if got[1] != got[2]:
        raise AssertionError("the sweep gave different results with 1 and 2 workers")
    if len(got[1]) != count or got[1][:CHECKED] != reference:
        raise AssertionError("the sweep's results differ from evaluating the variants one by one")
    one, two = samples["1 worker"], samples["2 workers"]
    speedup = paired_ratio(one, two)
    header = ["workers", "sweep time (noise)", "variants/s", "per variant", "CPU per variant"]
    title = f"Sweep: {count} variants of variations/korea_new_gov.yaml, runner '{runner_name}' (wall clock)"
    section = Section("sweep", title, header)
    for (name, s), workers in zip(samples.items(), (1, 2), strict=True):
        cpu_each = statistics.median(cpu[workers]) / count
        section.rows.append(
            [
                name,
                f"{ms(s.median)} ({pct(s.noise)})",
                f"{count / s.median:.1f}",
                ms(s.median / count),
                ms(cpu_each),
            ]
        )
        section.metrics[f"{name} [/s]"] = count / s.median
        section.data[name] = s.to_dict()
    section.targets.append(
        Target(
            "sweep.2_workers",
            "sweep: throughput with 2 workers / 1 worker",
            speedup,
            LIMIT,
            at_least=True,
            note=f"{os.cpu_count()} CPUs; load average {load_before:.2f} before, {load_after:.2f} after",
        )
    )
    per_core = {w: count / statistics.median(cpu[w]) for w in (1, 2)}
    for w, rate in per_core.items():
        section.metrics[f"{w} worker{'s' if w > 1 else ''} per core [/s]"] = rate
    section.notes.append(
        f"variants/s per core (variants / CPU time of all the sweep's processes): {per_core[1]:.1f}"
        f" with 1 worker, {per_core[2]:.1f} with 2"
    )
    cores = {w: statistics.median(cpu[w]) / s.median for w, s in ((1, one), (2, two))}
    section.metrics["cores used by 2 workers [ratio]"] = cores[2]
    section.notes.append(
        f"cores the sweep obtained (CPU time of all its processes / wall time): {cores[1]:.2f} with 1"
        f" worker, {cores[2]:.2f} with 2; the CPU time per variant shows what a free second core would give"
    )
    _dask_rows(cfg, section, workload, got[2], count)
    section.notes.append(
        f"{len(set(map(tuple, got[1])))} distinct results over {count} variants;"
        f" same results with 1 and 2 workers, and for the first {CHECKED} as evaluated one by one"
        " through api.evaluate (asserted)"
    )
    return section


def _dask_rows(
    cfg: Config, section: Section, workload: sweep.Workload, local: list[list[str]], count: int
) -> None:
    """The 2-worker Dask LocalCluster beside the local pool (skipped, with a note, without dask)."""
    if not sweep.dask_available():
        section.notes.append("Dask LocalCluster: not measured (pip install 'policyengine[dask]')")
        return
    got: dict[str, list[list[str]]] = {}
    cpu: list[float] = []
    small = sweep.Workload(8, seed=workload.seed)

    def whole() -> None:
        before = _cpu()  # the cluster's worker processes are this process's children, joined at its close
        got["dask"] = sweep.dask_runner(workload, 2)
        cpu.append(_cpu() - before)

    samples = interleaved(
        {
            "dask": whole,
            "dask, 1 chunk": lambda: got.__setitem__("small", sweep.dask_runner(small, 2)),
        },
        cfg.reps(3, 1),
        clock=WALL,
    )
    if got["dask"] != local:
        raise AssertionError("the Dask sweep gave other results than the local pool")
    wall, start = samples["dask"].median, samples["dask, 1 chunk"].median
    steady = max(wall - start, 1e-9)
    section.rows.append(
        [
            "2 workers, Dask LocalCluster",
            f"{ms(wall)} ({pct(samples['dask'].noise)})",
            f"{count / wall:.1f}",
            ms(wall / count),
            ms(statistics.median(cpu) / count),
        ]
    )
    section.metrics["2 workers, Dask LocalCluster [/s]"] = count / wall
    section.metrics["2 workers, Dask LocalCluster, without start-up [/s]"] = (count - 8) / steady
    section.data["2 workers, Dask LocalCluster"] = samples["dask"].to_dict()
    section.notes.append(
        f"Dask LocalCluster (2 single-threaded worker processes, started and closed by each sweep):"
        f" {count / wall:.1f} variants/s whole, of which {ms(start)} is start-up and the first chunk"
        f" (a sweep of 8 variants); {(count - 8) / steady:.1f} variants/s without it; same results as the"
        " local pool (asserted)"
    )
