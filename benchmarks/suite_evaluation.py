"""Section ``evaluation``: one evaluation of korea_new_gov in process, against durable-rules' own calls.

The CPU time of ``api.evaluate`` (a loaded scenario, a prepared pack: the facts view,
durable-rules, the results as data; prose is written only when rendered) and, in the same
evaluations, the CPU time spent inside durable-rules' own calls (:mod:`benchmarks.enginetime`).
The target is that policyengine costs at most half as much again as the engine it drives:
evaluation / engine <= 1.5, the median of the per-evaluation ratios. Also shown: what a sweep
pays per variant (the view and the engine, no results: ``counterfactual.Evaluator``), and
evaluations per second of one core.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

from benchmarks.config import Config
from benchmarks.enginetime import engine_clock
from benchmarks.measure import CPU
from benchmarks.report import ROOT, Section, Target, ms, pct

LIMIT = 1.5
SCENARIO = ROOT / "scenarios" / "korea_new_gov.yaml"


def _noise(values: list[float]) -> float:
    if len(values) < 4:
        return 0.0
    q = statistics.quantiles(values, n=4)
    return (q[2] - q[0]) / statistics.median(values)


def run(cfg: Config) -> Section:
    from policyengine import api
    from policyengine.counterfactual.evaluator import Evaluator

    loaded = api.load(str(SCENARIO))
    pack = api.load_pack()
    first = api.evaluate(loaded, pack)
    sweeper = Evaluator(loaded, pack)
    for _ in range(20):  # warm up: caches, the registered pack
        api.evaluate(loaded, pack)
        sweeper.outcomes(loaded)
    repeats = cfg.reps(400, 60)
    kinds: dict[str, Callable[[], object]] = {
        "api.evaluate": lambda: api.evaluate(loaded, pack),
        "sweep variant": lambda: sweeper.outcomes(loaded),
    }
    total: dict[str, list[float]] = {k: [] for k in kinds}
    inside: dict[str, list[float]] = {k: [] for k in kinds}
    with engine_clock() as clock:
        for i in range(repeats):
            for name in sorted(kinds, reverse=bool(i % 2)):  # alternate the order, round by round
                clock.reset()
                start = CPU()
                kinds[name]()
                total[name].append(CPU() - start)
                inside[name].append(clock.seconds)
    again = api.evaluate(loaded, pack)
    if again.to_dict() != first.to_dict():
        raise AssertionError("an evaluation gave a different result")
    header = ["what", "CPU (noise)", "in durable-rules", "ratio", "per second of one core"]
    section = Section("evaluation", "Evaluation: korea_new_gov in process (CPU, median)", header)
    ratios: dict[str, float] = {}
    for name in kinds:
        cpu = statistics.median(total[name])
        engine = statistics.median(inside[name])
        ratios[name] = statistics.median(
            t / e for t, e in zip(total[name], inside[name], strict=True) if e > 0
        )
        section.rows.append(
            [
                name,
                f"{ms(cpu)} ({pct(_noise(total[name]))})",
                ms(engine),
                f"{ratios[name]:.2f}",
                f"{1 / cpu:.0f}",
            ]
        )
        key = "evaluate" if name == "api.evaluate" else "sweep"
        section.metrics[f"{key} cpu"] = cpu
        section.metrics[f"{key} in durable-rules"] = engine
        section.metrics[f"{key} per second [/s]"] = 1 / cpu
    section.targets.append(
        Target(
            "evaluation.engine_ratio",
            "evaluation: CPU of api.evaluate(korea_new_gov) / its time in durable-rules' calls",
            ratios["api.evaluate"],
            LIMIT,
            note=f"a sweep's variant (no results): {ratios['sweep variant']:.2f}",
        )
    )
    section.notes.append(
        f"{repeats} evaluations of each, interleaved; {len(first.recommendations)} recommendations and"
        f" {len(first.risks)} risks, {first.raw.stats['facts'] if first.raw else 0} facts in view;"
        " results identical throughout (asserted)"
    )
    return section
