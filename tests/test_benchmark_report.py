"""The benchmark's report: targets pass or miss as the issue says, runs compare by their keys."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import Sample, exponent, paired_ratio
from benchmarks.report import Section, Target, compare, render_targets, write_json


def test_targets_pass_at_the_limit_and_nan_misses() -> None:
    assert Target("a", "a", 1.3, 1.3).passed
    assert not Target("a", "a", 1.31, 1.3).passed
    assert Target("s", "s", 1.7, 1.7, at_least=True).passed
    assert not Target("s", "s", 1.69, 1.7, at_least=True).passed
    assert not Target("n", "n", math.nan, 1.0).passed
    text = render_targets([Target("a", "ratio a", 1.2, 1.3), Target("b", "ratio b", 2.0, 1.5, note="why")])
    assert "pass" in text and "MISS" in text and "ratio b: why" in text and "1 of 2 targets met" in text


def test_paired_ratio_cancels_what_hits_both_variants_of_a_round() -> None:
    a = Sample((2.0, 20.0, 2.2))  # round 2 ran under load: both variants ten times slower
    b = Sample((1.0, 10.0, 1.0))
    assert paired_ratio(a, b) == 2.0
    assert a.median / b.median == 2.2


def test_exponent_of_a_power_law() -> None:
    ns = [1_000, 10_000, 100_000]
    assert exponent(ns, [n**1.2 for n in ns]) == pytest.approx(1.2)


def test_compare_shows_metrics_and_targets_of_both_runs(tmp_path: Path) -> None:
    def section(value: float) -> Section:
        s = Section("peers", "Peers", ["N"], metrics={"policyengine@50": value})
        s.targets.append(Target("peers.durable@50", "peers N=50", value * 1000, 1.3))
        return s

    old = section(0.002)
    path = tmp_path / "old.json"
    write_json(path, {"commit": "abc1234", "date": "2026-01-01"}, [old], old.targets)
    new = section(0.001)
    text = compare(path, [new], new.targets)
    assert "abc1234" in text
    assert "peers: policyengine@50" in text and "2.0 ms" in text and "0.50" in text
    assert "MISS -> pass" in text


def test_targets_print_beside_those_of_an_earlier_run(tmp_path: Path) -> None:
    from benchmarks.report import previous_targets

    earlier = render_targets([Target("a", "ratio a, N=5,000", 1.2, 1.3), Target("b", "ratio b", 2.5, 2.0)])
    path = tmp_path / "earlier.txt"
    path.write_text("== a section ==\n(no rows)\n\n" + earlier + "\n", encoding="utf-8")
    before = previous_targets(path)
    assert before == {"ratio a, N=5,000": 1.2, "ratio b": 2.5}
    now = render_targets([Target("b", "ratio b", 1.9, 2.0), Target("c", "new", 1.0, 2.0)], before)
    assert [line.split() for line in now.splitlines()[3:5]] == [
        ["ratio", "b", "2.50", "1.90", "<=", "2", "pass"],
        ["new", "1.00", "<=", "2", "pass"],
    ]
    path.write_text(now, encoding="utf-8")  # a summary with a "before" column reads as well
    assert previous_targets(path) == {"ratio b": 1.9, "new": 1.0}
