"""How long reading and validating scenarios takes: the shipped chain, a large world, many errors.

Run: .venv/bin/python benchmarks/bench_scenario_loading.py [--repeat N]
Prints the median wall time of each case. No assertion: compare numbers across changes.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from policyengine.errors import InputError
from policyengine.validation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def large_world(countries: int, frameworks: int) -> str:
    """A valid scenario with many countries and frameworks (three members each)."""
    codes = [f"{chr(65 + i // 676)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}" for i in range(countries)]
    lines = ["scenario: {id: large, title: {ja: 大, en: Large}, as_of: 2022-06-01}", "countries:"]
    lines += [
        f"  - {{code: {c}, name: {{ja: {c}, en: {c}}}, region: indo-pacific, alignment: us-partner,"
        " indo_pacific_engagement: steady}"
        for c in codes
    ]
    lines.append("frameworks:")
    for i in range(frameworks):
        members = ", ".join(codes[(i + k) % countries] for k in range(3))
        lines.append(
            f"  - {{id: f{i}, name: {{ja: f{i}, en: f{i}}}, members: [{members}], kind: minilateral,"
            " formal_treaty: false, status: active, areas: {hadr: focus, maritime-security: mentioned}}"
        )
    return "\n".join(lines) + "\n"


def many_errors(n: int) -> str:
    """A scenario whose every fact has a mistake: an unknown key and an unknown member."""
    lines = ["scenario: {id: broken, title: {ja: 壊, en: Broken}, as_of: 2022-06-01}", "frameworks:"]
    lines += [
        f"  - {{id: f{i}, name: {{ja: f, en: f}}, members: [JPN, XXX], kind: minilateral,"
        f" formal_treaty: false, status: active, colour: red}}"
        for i in range(n)
    ]
    return "\n".join(lines) + "\n"


def measure(name: str, run: Callable[[], object], repeat: int) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    print(f"{name:<52} {statistics.median(times) * 1000:9.1f} ms (median of {repeat})")


def expect_errors(path: str) -> Callable[[], object]:
    def run() -> object:
        try:
            load_scenario(path)
        except InputError as exc:
            return len(exc.diagnostics)
        raise AssertionError("expected errors")

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    korea = str(ROOT / "scenarios" / "korea_new_gov.yaml")
    measure("korea_new_gov.yaml (extends the baseline)", lambda: load_scenario(korea), repeat)
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "large.yaml"
        big.write_text(large_world(2000, 2000), encoding="utf-8")
        size = big.stat().st_size // 1024
        measure(f"2,000 countries + 2,000 frameworks ({size} KiB)", lambda: load_scenario(str(big)), repeat)
        broken = Path(folder) / "broken.yaml"
        broken.write_text(many_errors(1000), encoding="utf-8")
        measure("1,000 broken frameworks (2,000 errors)", expect_errors(str(broken)), repeat)


if __name__ == "__main__":
    main()
