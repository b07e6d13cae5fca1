"""Evaluate one generated world in a fresh process and print its size, CPU time and peak memory.

    python -m benchmarks.big_world WORLD [--pack connected|paper] [--drop RULE] [--limit N]

One JSON object: {"view_facts", "limit" (MAX_VIEW_FACTS in this process), "load_s", "evaluate_s",
"peak_rss_mib", "recommendations", "matches"}.
Run by the ``scaling`` section in a fresh process per world, so that the peak resident memory is
the evaluation's own (a peak never goes down within a process; read from VmHWM, see
:func:`peak_rss_mib`).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("world")
    parser.add_argument("--pack", choices=("paper", "connected"), default="paper")
    parser.add_argument(
        "--drop", action="append", default=[], metavar="RULE", help="leave this rule out of the pack"
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="MAX_VIEW_FACTS for this run (default: as shipped)"
    )
    args = parser.parse_args(argv)

    from policyengine import api
    from policyengine.engine import runtime
    from policyengine.models.factview import build_view

    if args.limit is not None:
        runtime.MAX_VIEW_FACTS = args.limit
    if args.pack == "connected":
        import tempfile

        from benchmarks import packs

        path, _ = packs.connected_pack(Path(tempfile.mkdtemp()) / "connected.yaml")
        pack = api.load_pack(str(path))
    elif args.drop:
        import tempfile

        from benchmarks import packs

        path = packs.pack_without(Path(tempfile.mkdtemp()) / "paper-less.yaml", set(args.drop))
        pack = api.load_pack(str(path))
    else:
        pack = api.load_pack()
    start = time.process_time()
    loaded = api.load(args.world)
    load_s = time.process_time() - start
    view_facts = len(build_view(loaded.scenario, pack.base_kinds))
    start = time.process_time()
    result = api.evaluate(loaded, pack)
    evaluate_s = time.process_time() - start
    peak = peak_rss_mib()
    print(
        json.dumps(
            {
                "view_facts": view_facts,
                "limit": runtime.MAX_VIEW_FACTS,
                "load_s": round(load_s, 3),
                "evaluate_s": round(evaluate_s, 3),
                "peak_rss_mib": round(peak, 1),
                "recommendations": len(result.recommendations),
                "matches": result.raw.stats["matches"] if result.raw is not None else 0,
            }
        ),
        flush=True,
    )
    return 0


def peak_rss_mib() -> float:
    """This process's peak resident memory, MiB.

    Linux's ``ru_maxrss`` keeps the high-water mark of the process before ``exec``: a child that
    a large parent started (the benchmark, holding the 100,000-fact world) reports the parent's
    peak. ``VmHWM`` in ``/proc/self/status`` is that of this program's own memory since exec.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
