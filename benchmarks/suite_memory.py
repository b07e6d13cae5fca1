"""Section ``memory``: resident memory over 10,000 evaluations of korea_new_gov in one process.

Target: after the first 1,000 evaluations (caches filled, pack prepared), memory grows by at most
10% up to 10,000. Measured in a fresh process (benchmarks/memory_probe.py) from /proc/self/status.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from benchmarks.config import Config
from benchmarks.report import ROOT, Section, Target

LIMIT = 1.10


def run(cfg: Config) -> Section:
    total, every = (2_000, 200) if cfg.quick else (10_000, 1_000)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory_probe", "--evaluations", str(total), "--every", str(every)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    points = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    rss = {p["evaluations"]: p["rss_kib"] / 1024 for p in points}
    header = ["evaluations", "RSS", "vs after warm-up"]
    section = Section("memory", f"Memory: {total:,} evaluations of korea_new_gov in one process", header)
    warm = rss[every]
    for k, mib in rss.items():
        section.rows.append([f"{k:,}", f"{mib:.1f} MiB", f"{mib / warm:.3f}" if k >= every else ""])
        section.metrics[f"rss@{k} [MiB]"] = mib
    growth = rss[total] / warm
    section.targets.append(
        Target(
            "memory.growth",
            f"memory: RSS after {total:,} / after {every:,} evaluations",
            growth,
            LIMIT,
        )
    )
    section.notes.append(
        f"{total:,} evaluations in {seconds:.0f} s wall ({seconds / total * 1000:.1f} ms each);"
        " every checkpoint's result was identical to the first"
    )
    return section
