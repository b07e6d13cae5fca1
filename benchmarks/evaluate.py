"""How long an evaluation takes, and where the time goes.

    python benchmarks/evaluate.py [--scenario scenarios/korea_new_gov.yaml] [--repeats 200]
                                  [--cli-runs 10] [--json FILE]

Prints, for one scenario (korea_new_gov by default):

* in process: the median time of one evaluation (``api.evaluate`` of a loaded scenario with a
  prepared pack: facts view, durable-rules session, results with rendered justifications),
  and the time to load the scenario and to compile and prepare the pack (once per process);
* the share of an evaluation spent inside durable-rules: the calls into its host
  (``assert_facts``, ``retract_facts``, ``delete_state``), timed by wrapping the host's
  methods here, in the benchmark, not in the library. durable-rules runs the rule actions
  inside ``assert_facts``; those actions are policyengine's (they record matches), so their
  time is measured too and reported apart;
* end to end: the median wall time of ``policyengine evaluate SCENARIO --format json`` in a
  subprocess, beside the import floor ``python -c "import durable.engine, pydantic, click,
  yaml"`` and a bare ``python -c pass``.

The machine is shared: the load average is printed with the numbers, which are only
comparable between runs on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
IMPORT_FLOOR = "import durable.engine, pydantic, click, yaml"


class Stopwatch:
    """Accumulates the time spent in wrapped calls."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        return timed

    def wrap_action(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        # durable-rules inspects an action's signature: it must take exactly one argument
        def timed(c: Any) -> None:
            start = time.perf_counter()
            try:
                fn(c)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        return timed

    def reset(self) -> None:
        self.seconds = 0.0
        self.calls = 0


def in_process(scenario: Path, repeats: int) -> dict[str, Any]:
    from policyengine.api import evaluate, load, load_pack
    from policyengine.engine import runtime

    # Time policyengine's own actions, which durable-rules calls from inside assert_facts:
    # wrap every action as the pack is prepared.
    actions = Stopwatch()
    make_action = runtime.PreparedPack._action

    def timed_action(self: Any, rule_name: str) -> Callable[[Any], None]:
        return actions.wrap_action(make_action(self, rule_name))

    runtime.PreparedPack._action = timed_action  # type: ignore[method-assign]

    start = time.perf_counter()
    loaded = load(str(scenario))
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    pack = load_pack(str(ROOT / "rules"))
    compile_s = time.perf_counter() - start
    start = time.perf_counter()
    first = evaluate(loaded, pack)  # registers the ruleset with durable-rules
    first_s = time.perf_counter() - start

    durable = Stopwatch()
    host = runtime._get_host()
    for name in ("assert_facts", "retract_facts", "delete_state"):
        setattr(host, name, durable.wrap(getattr(host, name)))

    for _ in range(min(20, repeats)):  # warm up
        evaluate(loaded, pack)
    totals, inside, callbacks, calls = [], [], [], []
    for _ in range(repeats):
        durable.reset()
        actions.reset()
        start = time.perf_counter()
        result = evaluate(loaded, pack)
        totals.append(time.perf_counter() - start)
        inside.append(durable.seconds)
        callbacks.append(actions.seconds)
        calls.append(durable.calls)
    assert result.ids == first.ids
    raw = result.raw
    assert raw is not None
    median = statistics.median(totals)
    engine = statistics.median(inside)
    acts = statistics.median(callbacks)
    return {
        "scenario": str(scenario.relative_to(ROOT) if scenario.is_relative_to(ROOT) else scenario),
        "facts": raw.stats["facts"],
        "derived": raw.stats["derived"],
        "recommendations": len(result.recommendations),
        "risks": len(result.risks),
        "repeats": repeats,
        "load_scenario_ms": load_s * 1e3,
        "compile_pack_ms": compile_s * 1e3,
        "first_evaluation_ms": first_s * 1e3,
        "evaluation_median_ms": median * 1e3,
        "evaluation_p10_ms": statistics.quantiles(totals, n=10)[0] * 1e3,
        "evaluation_p90_ms": statistics.quantiles(totals, n=10)[-1] * 1e3,
        "durable_calls": int(statistics.median(calls)),
        "durable_median_ms": engine * 1e3,
        "durable_share": engine / median,
        "actions_inside_durable_ms": acts * 1e3,
        "durable_without_actions_share": (engine - acts) / median,
    }


def wall(argv: list[str], runs: int) -> float:
    """Median wall time of a command, in milliseconds (one unmeasured run first)."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
        if i:
            times.append(elapsed)
    return statistics.median(times) * 1e3


def end_to_end(scenario: Path, runs: int) -> dict[str, Any]:
    exe = Path(sys.executable).parent / "policyengine"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "policyengine"]
    return {
        "cli_runs": runs,
        "cli_evaluate_ms": wall([*cli, "evaluate", str(scenario), "--format", "json"], runs),
        "import_floor_ms": wall([sys.executable, "-c", IMPORT_FLOOR], runs),
        "python_startup_ms": wall([sys.executable, "-c", "pass"], runs),
    }


def report(numbers: dict[str, Any]) -> str:
    n = numbers
    lines = [
        f"scenario: {n['scenario']} ({n['facts']} facts in view, {n['derived']} derived, "
        f"{n['recommendations']} recommendations, {n['risks']} risks)",
        f"load average: {n['load_average']}  (2 cores shared: compare runs on a quiet machine)",
        "",
        "in process",
        f"  load the scenario (once)            {n['load_scenario_ms']:8.1f} ms",
        f"  compile the pack (once)             {n['compile_pack_ms']:8.1f} ms",
        f"  first evaluation (registers pack)   {n['first_evaluation_ms']:8.1f} ms",
        f"  one evaluation, median of {n['repeats']:<5}    {n['evaluation_median_ms']:8.2f} ms"
        f"   (p10 {n['evaluation_p10_ms']:.2f}, p90 {n['evaluation_p90_ms']:.2f})",
        f"  inside durable-rules ({n['durable_calls']} calls)      {n['durable_median_ms']:8.2f} ms"
        f"   = {n['durable_share']:.0%} of an evaluation",
        f"    of which policyengine's actions   {n['actions_inside_durable_ms']:8.2f} ms"
        f"   (durable-rules alone: {n['durable_without_actions_share']:.0%})",
        "",
        f"end to end, median of {n['cli_runs']} runs",
        f"  policyengine evaluate --format json {n['cli_evaluate_ms']:8.0f} ms",
        f"  import floor                        {n['import_floor_ms']:8.0f} ms"
        f'   (python -c "{IMPORT_FLOOR}")',
        f"  python -c pass                      {n['python_startup_ms']:8.0f} ms",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "korea_new_gov.yaml"))
    parser.add_argument("--repeats", type=int, default=200, help="in-process evaluations (default 200)")
    parser.add_argument("--cli-runs", type=int, default=10, help="subprocess runs (default 10)")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    args = parser.parse_args()
    scenario = Path(args.scenario).resolve()
    numbers: dict[str, Any] = {"load_average": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    numbers.update(in_process(scenario, args.repeats))
    numbers.update(end_to_end(scenario, args.cli_runs))
    print(report(numbers))
    if args.json:
        Path(args.json).write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
