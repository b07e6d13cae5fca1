"""Timing on a shared, noisy machine: interleaved repeats, medians, and the noise beside them.

Compared variants are never timed one after the other in blocks: each round runs every variant
once, in an order that rotates from round to round, so that a burst of load from a neighbour hits
all of them alike. Results are medians; the noise reported with them is the interquartile range
relative to the median.
"""

from __future__ import annotations

import gc
import math
import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sample:
    """Repeated measurements of one thing (seconds, or any unit)."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def noise(self) -> float:
        """Interquartile range over the median (0 when there are fewer than 4 values: unknown)."""
        if len(self.values) < 4 or self.median == 0:
            return 0.0
        q = statistics.quantiles(self.values, n=4)
        return (q[2] - q[0]) / self.median

    def to_dict(self) -> dict[str, Any]:
        return {"median": self.median, "min": self.min, "noise": self.noise, "values": list(self.values)}


def paired_ratio(a: Sample, b: Sample) -> float:
    """Median over rounds of a/b, for samples taken by :func:`interleaved` (same rounds).

    Within a round the two variants ran back to back, so load from other processes mostly hits
    both; the ratio of each round cancels it better than the ratio of two medians.
    """
    return statistics.median(x / y for x, y in zip(a.values, b.values, strict=True))


#: The clock of in-process measurements: CPU time of this process. On a machine shared with
#: others, wall-clock time also counts the time the process waited for a core; CPU time does not.
CPU = time.process_time
WALL = time.perf_counter


def interleaved(
    variants: Mapping[str, Callable[[], Any]],
    repeats: int,
    *,
    warmup: int = 1,
    on_result: Callable[[str, Any], None] | None = None,
    clock: Callable[[], float] = CPU,
) -> dict[str, Sample]:
    """Time every variant ``repeats`` times, one of each per round, rotating the order."""
    names = list(variants)
    for _ in range(warmup):
        for name in names:
            result = variants[name]()
            if on_result is not None:
                on_result(name, result)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            gc.collect()
            start = clock()
            result = variants[name]()
            times[name].append(clock() - start)
            if on_result is not None:
                on_result(name, result)
    return {name: Sample(tuple(v)) for name, v in times.items()}


def time_once(fn: Callable[[], Any], clock: Callable[[], float] = CPU) -> tuple[float, Any]:
    gc.collect()
    start = clock()
    result = fn()
    return clock() - start, result


def subprocess_env(pycache: str | None) -> dict[str, str]:
    """The environment for timing whole processes: bytecode cached, as an installed package has it.

    Some shells set PYTHONDONTWRITEBYTECODE, which makes every run of an editable install
    recompile policyengine from source while its dependencies load precompiled bytecode; that
    measures the compiler, not policyengine. Bytecode goes to a private folder instead.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    if pycache:
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def processes(
    commands: Mapping[str, Sequence[str]], repeats: int, *, env: Mapping[str, str], cwd: str, warmup: int = 1
) -> dict[str, tuple[Sample, Sample]]:
    """Wall-clock and CPU time (user + system) of whole processes, interleaved; all must exit 0."""
    names = list(commands)

    def run(argv: Sequence[str]) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            list(argv), cwd=cwd, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-500:]!r}")
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    for _ in range(warmup):
        for name in names:
            run(commands[name])
    walls: dict[str, list[float]] = {n: [] for n in names}
    cpus: dict[str, list[float]] = {n: [] for n in names}
    for r in range(repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            wall, cpu = run(commands[name])
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {n: (Sample(tuple(walls[n])), Sample(tuple(cpus[n]))) for n in names}


def rss_kib() -> int:
    """Resident set size of this process in KiB (Linux /proc/self/status, VmRSS)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("VmRSS not found in /proc/self/status")


def exponent(ns: Sequence[float], times: Sequence[float]) -> float:
    """Least-squares slope of log(time) against log(N): time ~ N^k."""
    xs = [math.log(n) for n in ns]
    ys = [math.log(t) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    den = sum((x - mx) ** 2 for x in xs)
    return num / den


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (math.nan, math.nan, math.nan)
