"""Section ``peers``: one workload through policyengine, durable-rules by hand, CLIPS and Python."""

from __future__ import annotations

import math
from collections.abc import Callable

from benchmarks import peers
from benchmarks.config import Config
from benchmarks.measure import interleaved, paired_ratio
from benchmarks.report import Section, Target, ms, pct, ratio

SIZES = (50, 500, 5_000, 50_000)
QUICK_SIZES = (50, 500, 5_000)
LIMIT_DURABLE = 1.3  # policyengine at most 1.3 times hand-written durable-rules, at every N
LIMIT_CLIPS = 1.0  # and not slower than CLIPS from N = 5,000 on
CLIPS_FROM = 5_000


def _bind(evaluate: peers.Evaluate, w: peers.Workload) -> Callable[[], peers.Outcomes]:
    return lambda: evaluate(w)


def _repeats(cfg: Config, n: int) -> int:
    if n <= 50:
        return cfg.reps(41, 9)
    if n <= 500:
        return cfg.reps(21, 5)
    if n <= 5_000:
        return cfg.reps(7, 3)
    return cfg.reps(3, 1)


def run(cfg: Config) -> Section:
    names = peers.available_engines()
    engines = {name: peers.ENGINES[name]() for name in names}
    header = ["N", *(f"{n} (noise)" for n in names), "pe/durable", "pe/clips", "pe per fact"]
    section = Section("peers", "Peers: one workload, four engines (CPU time per evaluation, median)", header)
    if "clips" not in names:
        section.notes.append("clipspy is not installed (pip install -e '.[bench]'): CLIPS column skipped")
    for n in cfg.sizes(SIZES, QUICK_SIZES):
        w = peers.make_workload(n)
        got: dict[str, peers.Outcomes] = {}

        def keep(name: str, result: peers.Outcomes, got: dict[str, peers.Outcomes] = got, n: int = n) -> None:
            previous = got.setdefault(name, result)
            if previous != result:
                raise AssertionError(f"{name} gave different results on repeated evaluation at N={n}")

        samples = interleaved(
            {name: _bind(f, w) for name, f in engines.items()}, _repeats(cfg, n), on_result=keep
        )
        peers.check_agree(got)
        pe = samples["policyengine"].median
        vs_durable = paired_ratio(samples["policyengine"], samples["durable"])
        vs_clips = paired_ratio(samples["policyengine"], samples["clips"]) if "clips" in samples else math.nan
        section.rows.append(
            [
                f"{n:,}",
                *(f"{ms(samples[k].median)} ({pct(samples[k].noise)})" for k in names),
                ratio(vs_durable),
                ratio(vs_clips),
                ms(pe / n),
            ]
        )
        for name, s in samples.items():
            section.metrics[f"{name}@{n}"] = s.median
            section.data[f"{name}@{n}"] = s.to_dict()
        section.metrics[f"pe/durable@{n} [ratio]"] = vs_durable
        section.data[f"recommendations@{n}"] = len(got["python"])
        section.targets.append(
            Target(
                f"peers.durable@{n}",
                f"peers N={n:,}: policyengine / durable-rules by hand",
                vs_durable,
                LIMIT_DURABLE,
            )
        )
        if n >= CLIPS_FROM and "clips" in samples:
            section.targets.append(
                Target(f"peers.clips@{n}", f"peers N={n:,}: policyengine / CLIPS", vs_clips, LIMIT_CLIPS)
            )
    section.notes.append(
        "all engines gave the same recommendations at every N (asserted);"
        " noise = interquartile range / median;"
        " ratios are medians of per-round ratios (the engines ran back to back in each round)"
    )
    return section
