"""Memory stays flat over many evaluations in one process (durable-rules sessions are freed).

RSS is read from /proc/self/status (Linux; elsewhere these tests are skipped). Each test
evaluates a while to warm up (pools, caches and the allocator's arenas settle), then measures
growth over the rest.

Thresholds, and why they have headroom: measured here, RSS grew by 0 to 60 kB over 1,200
measured evaluations of the compact world and by 16 to 312 kB over 600 (the most in a fresh
process), and by 288 kB over the 9,500 of the long variant (allocator noise), while the leaks
these tests exist to catch are large: keeping each result alive costs about 170 kB per
evaluation of the compact world (100 MB over 600 evaluations). A limit of 4 MB is over ten
times the noise and still catches a leak of 7 kB per evaluation in the short variant, 0.4 kB
in the long one (``pytest -m slow``).

Sessions that durable-rules is not told to delete crash the process after about a thousand
evaluations (it keeps at most 1,024 live sessions per rule pack): the long variant would see
that, and tests/test_engine_sessions.py checks at once that every evaluation deletes its
session, so the short variant need not run a thousand evaluations for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policyengine.api import evaluate, load, load_pack

HERE = Path(__file__).resolve().parent
STATUS = Path("/proc/self/status")
LIMIT_KB = 4 * 1024

pytestmark = pytest.mark.skipif(not STATUS.exists(), reason="needs /proc/self/status (Linux)")


def rss_kb() -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def growth_kb(scenario: Path, warm_up: int, measured: int) -> int:
    world = load(str(scenario))
    pack = load_pack(str(HERE.parent / "rules"))
    expected = evaluate(world, pack).ids
    for _ in range(warm_up):
        evaluate(world, pack)
    before = rss_kb()
    for i in range(measured):
        result = evaluate(world, pack)
        if i % 500 == 0:
            assert result.ids == expected
    return rss_kb() - before


def test_memory_is_flat_over_700_evaluations() -> None:
    # The compact world fires every rule of the pack at a fraction of korea_new_gov's cost,
    # so that this short variant fits in the default test run.
    grew = growth_kb(HERE / "cases" / "worlds" / "compact.yaml", warm_up=100, measured=600)
    assert grew < LIMIT_KB, f"RSS grew by {grew} kB over 600 evaluations after warm-up"


@pytest.mark.slow
def test_memory_is_flat_over_10000_evaluations() -> None:
    grew = growth_kb(HERE.parent / "scenarios" / "korea_new_gov.yaml", warm_up=500, measured=9_500)
    assert grew < LIMIT_KB, f"RSS grew by {grew} kB over 9,500 evaluations after warm-up"
