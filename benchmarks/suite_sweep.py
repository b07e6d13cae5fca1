"""Section ``sweep``: throughput of a sweep over variants of korea_new_gov with 1 and 2 workers.

Wall-clock time of whole sweeps (pool start-up included), 1 and 2 workers interleaved; the
results of both must be the same and the same as evaluating the variants one by one here. On a
machine whose two cores other people also use, the second worker competes with them: the load
average is reported beside the ratio.
"""

from __future__ import annotations

import os
import resource
import statistics

from benchmarks import sweep
from benchmarks.config import Config
from benchmarks.measure import WALL, interleaved, load_average, paired_ratio
from benchmarks.report import ROOT, Section, Target, ms, pct

SCENARIO = str(ROOT / "scenarios" / "korea_new_gov.yaml")
LIMIT = 1.7


def run(cfg: Config) -> Section:
    from policyengine import api

    runner_name = cfg.sweep_runner
    runner = sweep.RUNNERS[runner_name]
    count = 60 if cfg.quick else 400
    variants = sweep.variants_of(api.load(SCENARIO), count)
    reference = sweep.serial_runner(SCENARIO, variants[:25], 1)
    got: dict[int, list[list[str]]] = {}

    cpu: dict[int, list[float]] = {1: [], 2: []}

    def sweep_with(workers: int) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        got[workers] = runner(SCENARIO, variants, workers)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[workers].append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))

    load_before = load_average()[0]
    samples = interleaved(
        {"1 worker": lambda: sweep_with(1), "2 workers": lambda: sweep_with(2)}, cfg.reps(5, 1), clock=WALL
    )
    load_after = load_average()[0]
    if got[1] != got[2]:
        raise AssertionError("the sweep gave different results with 1 and 2 workers")
    if got[1][:25] != reference:
        raise AssertionError("the sweep's results differ from evaluating the variants one by one")
    one, two = samples["1 worker"], samples["2 workers"]
    speedup = paired_ratio(one, two)
    header = ["workers", "sweep time (noise)", "variants/s", "per variant", "workers' CPU per variant"]
    section = Section(
        "sweep", f"Sweep: {count} variants of korea_new_gov, runner '{runner_name}' (wall clock)", header
    )
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
    cores = {w: statistics.median(cpu[w]) / s.median for w, s in ((1, one), (2, two))}
    section.metrics["cores used by 2 workers [ratio]"] = cores[2]
    section.notes.append(
        f"cores the sweep obtained (workers' CPU time / wall time): {cores[1]:.2f} with 1 worker,"
        f" {cores[2]:.2f} with 2; the CPU time per variant shows what a free second core would give"
    )
    section.notes.append(
        f"{len(set(map(tuple, got[1])))} distinct results over {count} variants;"
        " same results with 1 and 2 workers and as evaluated one by one (asserted)"
    )
    return section
