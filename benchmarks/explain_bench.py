"""How much tracing, explaining, linting and coverage cost (run: python benchmarks/explain_bench.py).

Prints a table and writes benchmarks/results/explain.json. Timings are the median of several runs
on the machine at hand; compare runs on the same machine only.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from policyengine.api import evaluate, load, load_pack  # noqa: E402
from policyengine.engine.trace import Tracer  # noqa: E402
from policyengine.explain import explain_outcome  # noqa: E402
from policyengine.explain.facts import FactIndex  # noqa: E402
from policyengine.explain.whynot import WhyNotBuilder  # noqa: E402
from policyengine.loading.sources import default_paper_path, load_source  # noqa: E402
from policyengine.ruletools.coverage import coverage  # noqa: E402
from policyengine.ruletools.lint import lint_pack  # noqa: E402
from policyengine.validation.rulepack import load_rule_pack  # noqa: E402


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm up (pack registration, caches)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    korea = load(str(ROOT / "scenarios" / "korea_new_gov.yaml"))
    pack = load_pack(str(ROOT / "rules"))
    paper_path = default_paper_path()
    results: dict[str, float] = {}
    results["evaluate, tracer off (ms)"] = median_ms(lambda: evaluate(korea, pack), 30)
    results["evaluate, tracer on (ms)"] = median_ms(lambda: evaluate(korea, pack, tracer=Tracer()), 30)
    results["explain, made (ms)"] = median_ms(
        lambda: explain_outcome(korea, pack, "extend-asset-protection/GBR"), 20
    )
    results["explain, why-not (ms)"] = median_ms(
        lambda: explain_outcome(korea, pack, "extend-asset-protection/AUS"), 20
    )

    tracer = Tracer()
    result = evaluate(korea, pack, tracer=tracer)
    raw = result.raw
    assert raw is not None
    targets = [c.code for c in korea.scenario.countries] + [f.id for f in korea.scenario.frameworks]
    actions = sorted({r.output.recommend["action"] for r in pack.rules if r.output.recommend})
    missing = [(a, t) for a in actions for t in targets if f"{a}/{t}" not in set(result.ids)]

    def all_why_nots() -> None:
        builder = WhyNotBuilder(FactIndex(raw, korea, pack), tracer.events, result)
        for a, t in missing:
            builder.outcome("recommendation", a, t)

    total = median_ms(all_why_nots, 3)
    results[f"why-not, all {len(missing)} absent ids (ms)"] = total
    results["why-not, per absent id (ms)"] = total / len(missing)
    if paper_path is not None:
        paper = load_source(paper_path)
        scenarios = [str(p) for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
        results["rules lint, shipped pack (ms)"] = median_ms(
            lambda: lint_pack(str(ROOT / "rules"), paper, scenarios), 5
        )
        results["rules coverage (ms)"] = median_ms(
            lambda: coverage(load_rule_pack(str(ROOT / "rules")), paper), 10
        )
    width = max(len(k) for k in results)
    for k, v in results.items():
        print(f"{k:<{width}}  {v:8.2f}")
    out = ROOT / "benchmarks" / "results" / "explain.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
