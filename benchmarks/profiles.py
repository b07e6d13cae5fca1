"""Profiles of the largest cases, as pyinstrument text (``run.py --profile``).

Written to benchmarks/results/profiles/<date>-<commit>-<case>.txt. Profiling slows the code it
watches; these files show where the time goes, the timings are in the benchmark's tables.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.config import Config


def _write(
    cfg: Config,
    meta: dict[str, Any],
    case: str,
    title: str,
    fn: Callable[[], Any],
    interval: float = 0.002,
) -> Path:
    from pyinstrument import Profiler

    profiler = Profiler(interval=interval)
    profiler.start()
    fn()
    profiler.stop()
    suffix = "-dirty" if meta["dirty"] else ""
    path = cfg.results / "profiles" / f"{meta['date'][:10]}-{meta['commit']}{suffix}-{case}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    head = (
        f"# {title}\n# commit {meta['commit']}{suffix}, {meta['date']}, Python {meta['python']}\n"
        f"# pyinstrument, {interval * 1000:g} ms sampling; wall-clock time of a shared machine"
        " (see the CPU time it reports)\n"
    )
    path.write_text(head + profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8")
    return path


def write_profiles(cfg: Config, meta: dict[str, Any]) -> list[Path]:
    """Profile the largest peer workload and the largest synthetic world; the files written."""
    from benchmarks import peers, suite_peers, suite_scaling
    from benchmarks.packs import connected_pack
    from policyengine import api

    written = []
    loaded = api.load("scenarios/korea_new_gov.yaml")
    paper = api.load_pack()
    for _ in range(20):
        api.evaluate(loaded, paper)

    def korea() -> None:
        for _ in range(300):
            api.evaluate(loaded, paper)

    written.append(
        _write(
            cfg,
            meta,
            "evaluation-korea",
            "300 evaluations of korea_new_gov in process (api.evaluate, prepared pack)",
            korea,
            interval=0.0005,
        )
    )
    n = max(cfg.sizes(suite_peers.SIZES, suite_peers.QUICK_SIZES))
    adapter = peers.PolicyEngineAdapter()
    workload = peers.make_workload(n)
    adapter.evaluate(workload)
    written.append(
        _write(
            cfg,
            meta,
            f"peers-{n}",
            f"peer workload, N={n:,}: policyengine evaluation",
            lambda: adapter.evaluate(workload),
        )
    )
    n = max(cfg.sizes(suite_scaling.SIZES, suite_scaling.QUICK_SIZES))
    path = str(suite_scaling.world(cfg, n))
    pack = api.load_pack(str(connected_pack(cfg.work / "paper-connected.yaml")[0]))
    with suite_scaling.trusted_worlds():
        written.append(
            _write(
                cfg,
                meta,
                f"scaling-{n}",
                f"synthetic world of {n:,} facts: load + validate + evaluate (connected pack)",
                lambda: api.evaluate(api.load(path), pack),
            )
        )
    return written
