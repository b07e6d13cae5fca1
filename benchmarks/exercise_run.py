"""Time the exercise pipeline on the shipped exercises: load (with branch checks), play, render, report.

    .venv/bin/python benchmarks/exercise_run.py [REPEATS]

Prints the median of REPEATS runs (default 5) of each step, in milliseconds. The rule pack is
compiled once beforehand, as the CLI's process-wide cache does.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from policyengine.api import load_pack
from policyengine.compiler.pipeline import CompiledPack
from policyengine.exercise.guide import build_guide
from policyengine.exercise.load import load_exercise
from policyengine.exercise.report import build_report
from policyengine.exercise.runner import Decision, play
from policyengine.exercise.session import Session, open_log
from policyengine.render.aar import render_report
from policyengine.render.exercise import render_run

ROOT = Path(__file__).resolve().parents[1]


def median_ms(step: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench(path: Path, pack: CompiledPack, repeats: int) -> None:
    ex = load_exercise(str(path), pack=pack)
    first = ex.moves[0].id
    decisions = {first: [Decision(first, ex.cell_ids()[0], i) for i in ex.condition_ids()]}
    with tempfile.TemporaryDirectory() as tmp:
        log = str(Path(tmp) / "s.jsonl")
        session = Session.start(ex, pack, log)
        for d in decisions[first]:
            session.decide(d.cell, d.action)
        while session.complete_move() is not None:
            pass
        rows = {
            "load + branch checks": median_ms(lambda: load_exercise(str(path), pack=pack), repeats),
            "play all moves": median_ms(lambda: play(ex, pack, decisions), repeats),
            "render run (text)": median_ms(
                lambda: render_run(play(ex, pack, decisions), "text", "ja"), repeats
            ),
            "facilitator guide data": median_ms(lambda: build_guide(ex, pack), repeats),
            "replay log + AAR (html)": median_ms(
                lambda: render_report(build_report(open_log(log, pack=pack)), "html", "ja"), repeats
            ),
        }
    print(f"{path.name}: {ex.branches_checked} branches, {len(ex.moves)} moves")
    for name, ms in rows.items():
        print(f"  {name:<26} {ms:8.1f} ms")


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    pack = load_pack()
    for path in sorted((ROOT / "exercises").glob("*.yaml")):
        bench(path, pack, repeats)


if __name__ == "__main__":
    main()
