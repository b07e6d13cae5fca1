"""Speed of sweeps, what-if and sensitivity on the paper's scenario (korea_new_gov).

    .venv/bin/python benchmarks/counterfactuals.py [--variants 400] [--seed 1]

Prints evaluations per second of a sweep on one worker (in process) and on two worker processes,
the ratio, and the time of `whatif` and `sensitivity`. Sweep rates are given twice: over the whole
run (including starting and compiling in the workers) and in steady state (from the first result
to the last). Numbers depend on the machine and its load; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from policyengine.api import load, load_pack  # noqa: E402
from policyengine.counterfactual.sensitivity import sensitivity  # noqa: E402
from policyengine.counterfactual.whatif import whatif  # noqa: E402
from policyengine.sweep.runner import evaluate_variants  # noqa: E402
from policyengine.sweep.variations import load_variations  # noqa: E402

SCENARIO = str(ROOT / "scenarios" / "korea_new_gov.yaml")
VARY = str(ROOT / "variations" / "korea_new_gov.yaml")


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def sweep_rate(indices: list[int], jobs: int) -> tuple[float, float, float, float]:
    """(whole-run rate, steady-state rate, seconds, CPU ms per evaluation) of the variants."""
    cpu = _cpu()
    start = time.perf_counter()
    first: float | None = None
    n = 0
    for _ in evaluate_variants(SCENARIO, VARY, None, indices, jobs=jobs):
        n += 1
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    assert n == len(indices)
    steady = (n - 1) / (end - first) if first is not None and end > first else float("nan")
    # Worker processes' CPU time counts once they have been joined (evaluate_variants joins them).
    return n / (end - start), steady, end - start, (_cpu() - cpu) / n * 1000


def timed(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variants", type=int, default=400, help="variants per sweep measurement")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    loaded = load(SCENARIO)
    compiled = load_pack()
    variations = load_variations(VARY, loaded)
    indices = list(variations.indices(args.variants, args.seed))
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"sweep: {len(indices)} of {variations.total} variants of {Path(VARY).name}")

    one_total, one_steady, one_s, one_cpu = sweep_rate(indices, 1)
    two_total, two_steady, two_s, two_cpu = sweep_rate(indices, 2)
    print(
        f"  1 worker : {one_total:7.1f} evaluations/s overall, {one_steady:7.1f}/s steady "
        f"({one_s:.1f} s; {one_cpu:.0f} CPU ms/evaluation)"
    )
    print(
        f"  2 workers: {two_total:7.1f} evaluations/s overall, {two_steady:7.1f}/s steady "
        f"({two_s:.1f} s; {two_cpu:.0f} CPU ms/evaluation, startup included)"
    )
    print(f"  ratio 2/1: {two_total / one_total:.2f} overall, {two_steady / one_steady:.2f} steady")

    print("whatif on korea_new_gov (median of 3, pack compiled once):")
    for rec, n in (
        ("propose-framework/AUS+JPN+KOR", 2),
        ("extend-asset-protection/FRA", 2),
        ("strengthen-information-security/JPN", 2),
    ):
        result = whatif(loaded, compiled, rec, max_changes=n)
        seconds = timed(lambda rec=rec, n=n: whatif(loaded, compiled, rec, max_changes=n))
        print(
            f"  {rec:40s} {seconds:6.2f} s  ({result.evaluations} evaluations, "
            f"{len(result.answers)} answers, {seconds / result.evaluations * 1000:.0f} ms/evaluation)"
        )
    res = sensitivity(loaded, compiled)
    seconds = timed(lambda: sensitivity(loaded, compiled))
    print(f"sensitivity on korea_new_gov: {seconds:.2f} s ({res.evaluations} evaluations, median of 3)")


if __name__ == "__main__":
    main()
