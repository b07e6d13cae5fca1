"""Run the benchmarks and print one table with every target's ratio.

    python benchmarks/run.py                      # everything (several minutes)
    python benchmarks/run.py --quick              # smaller sizes, fewer repeats: a smoke run
    python benchmarks/run.py --only peers,startup # some sections
    python benchmarks/run.py --compare benchmarks/results/2026-01-01-abc1234.json

Results are written as JSON to benchmarks/results/<date>-<commit>.json (not committed) and a text
summary beside it (<date>-<commit>.txt, committed when it documents a change). See
docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make the repository root importable so that ``benchmarks`` is a package.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.config import Config
from benchmarks.measure import load_average
from benchmarks.report import (
    Section,
    Target,
    compare,
    default_output,
    latest_summary,
    metadata,
    previous_targets,
    render_section,
    render_targets,
    write_json,
)

#: Sections in the order they run: name -> module with ``run(cfg) -> Section``.
SECTIONS = {
    "peers": "benchmarks.suite_peers",
    "evaluation": "benchmarks.suite_evaluation",
    "scaling": "benchmarks.suite_scaling",
    "startup": "benchmarks.suite_startup",
    "sweep": "benchmarks.suite_sweep",
    "memory": "benchmarks.suite_memory",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats (a smoke run)")
    parser.add_argument("--only", default="", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    parser.add_argument(
        "--repeats", type=int, default=None, help="repeats per measurement (overrides defaults)"
    )
    parser.add_argument(
        "--compare", type=Path, default=None, metavar="OLD.json", help="compare with an earlier run"
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="JSON file to write (default: results/<date>-<commit>.json)"
    )
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        metavar="OLD.txt",
        help="an earlier run's text summary whose targets are printed beside this run's "
        "(default: the newest under benchmarks/results/)",
    )
    parser.add_argument("--no-save", action="store_true", help="print only; write no files")
    parser.add_argument(
        "--profile", action="store_true", help="also write pyinstrument profiles of the largest cases"
    )
    parser.add_argument(
        "--sweep-runner",
        default="policyengine",
        help="sweep runner to measure (benchmarks/sweep.py: policyengine, the sweep command; pool; dask)",
    )
    parser.add_argument("--max-n", type=int, default=None, help="skip sizes above this many facts")
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/policyengine-bench"), help="folder for generated scenarios"
    )
    args = parser.parse_args(argv)

    chosen = [s.strip() for s in args.only.split(",") if s.strip()] or list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    if args.compare is not None and not args.compare.is_file():
        parser.error(f"--compare: no such file {args.compare}")

    cfg = Config(
        quick=args.quick,
        repeats=args.repeats,
        work=args.work,
        profile=args.profile,
        max_n=args.max_n,
        sweep_runner=args.sweep_runner,
    )
    cfg.work.mkdir(parents=True, exist_ok=True)
    meta = metadata()
    meta["sections"] = chosen
    meta["quick"] = args.quick
    print(
        f"policyengine benchmarks: commit {meta['commit']}{' (dirty)' if meta['dirty'] else ''}, "
        f"Python {meta['python']}, {meta['cpus']} CPUs, load average {meta['load_average_start'][0]:.2f}"
        + (" -- QUICK run: sizes and repeats reduced, not a measurement" if args.quick else ""),
        flush=True,
    )
    sections: list[Section] = []
    started = time.perf_counter()
    for name in chosen:
        t0 = time.perf_counter()
        module = importlib.import_module(SECTIONS[name])
        section: Section = module.run(cfg)
        section.notes.append(f"section took {time.perf_counter() - t0:.0f} s")
        sections.append(section)
        print("\n" + render_section(section), flush=True)
    targets: list[Target] = [t for s in sections for t in s.targets]
    meta["load_average_end"] = list(load_average())
    meta["seconds"] = round(time.perf_counter() - started, 1)
    out = args.output or default_output(meta)
    before_file = args.before or latest_summary(exclude=out.with_suffix(".txt"))
    before = previous_targets(before_file) if before_file is not None and before_file.is_file() else None
    summary = render_targets(targets, before)
    if before_file is not None and before is not None:
        summary += f"\n  before: {before_file.name}"
    print("\n" + summary)
    start, end = meta["load_average_start"][0], meta["load_average_end"][0]
    print(f"  load average at start {start:.2f}, at end {end:.2f}; run took {meta['seconds']:.0f} s")
    if args.compare is not None:
        print("\n" + compare(args.compare, sections, targets))
    if args.profile:
        from benchmarks.profiles import write_profiles

        for path in write_profiles(cfg, meta):
            print(f"wrote profile {path}")
    if not args.no_save:
        write_json(out, meta, sections, targets)
        text = "\n\n".join([*(render_section(s) for s in sections), summary]) + "\n"
        out.with_suffix(".txt").write_text(text, encoding="utf-8")
        print(f"\nwrote {out} and {out.with_suffix('.txt').name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
