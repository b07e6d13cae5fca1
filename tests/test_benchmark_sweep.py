"""The sweep benchmark's variants change what they say, and pools agree with one-by-one evaluation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import sweep  # noqa: E402

KOREA = str(ROOT / "scenarios" / "korea_new_gov.yaml")


def test_a_variant_changes_one_fact_and_leaves_the_base_alone(korea: Any) -> None:
    variant = sweep.Variant(
        "GBR.engagement=steady", "countries", "GBR", (("indo_pacific_engagement", "steady"),)
    )
    changed = sweep.apply(korea, variant)
    assert changed.scenario.country("GBR").indo_pacific_engagement == "steady"
    assert korea.scenario.country("GBR").indo_pacific_engagement == "increasing"
    removed = sweep.apply(korea, sweep.Variant("-AUS", "asset_protection", "AUS", None))
    assert [a.partner for a in removed.scenario.asset_protection] == ["USA"]
    with pytest.raises(KeyError):
        sweep.apply(korea, sweep.Variant("x", "countries", "XXX", None))


def test_variants_reach_the_count_and_change_results(korea: Any) -> None:
    variants = sweep.variants_of(korea, 120)
    assert len(variants) == 120
    results = {tuple(ids) for ids in sweep.serial_runner(KOREA, variants[:40], 1)}
    assert len(results) > 1, "no variant changed the recommendations"


def test_a_pool_of_two_gives_what_one_by_one_gives(korea: Any) -> None:
    variants = sweep.variants_of(korea, 12)
    assert sweep.pool_runner(KOREA, variants, 2) == sweep.serial_runner(KOREA, variants, 1)
