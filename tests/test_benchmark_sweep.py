"""The sweep benchmark measures `policyengine sweep` itself; its runners agree with one-by-one evaluation."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import run, sweep  # noqa: E402
from benchmarks.config import Config  # noqa: E402


def test_the_workload_is_the_sweep_commands_sample() -> None:
    from policyengine.api import load
    from policyengine.sweep.variations import load_variations

    workload = sweep.Workload(40, seed=3)
    variations = load_variations(sweep.VARIATIONS, load(sweep.SCENARIO))
    assert workload.indices() == variations.indices(40, 3)
    assert len(set(workload.indices())) == 40


def test_variants_change_results() -> None:
    results = sweep.serial_runner(sweep.Workload(40))
    assert len(results) == 40
    assert len({tuple(ids) for ids in results}) > 1, "no variant changed the recommendations"
    assert all(ids == sorted(ids) for ids in results)


def test_the_sweep_command_with_two_workers_gives_what_one_by_one_gives() -> None:
    workload = sweep.Workload(12, seed=5)
    expected = sweep.serial_runner(workload)
    assert sweep.RUNNERS["policyengine"] is sweep.sweep_runner
    assert sweep.sweep_runner(workload, 2) == expected
    assert sweep.sweep_runner(workload, 1) == expected
    assert sweep.pool_runner(workload, 2) == expected


def test_the_command_line_chooses_the_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.report import Section

    seen: list[Config] = []

    def fake_section(cfg: Config) -> Section:
        seen.append(cfg)
        return Section("sweep", "sweep", [])

    import benchmarks.suite_sweep as suite

    monkeypatch.setattr(suite, "run", fake_section)
    assert run.main(["--only", "sweep", "--no-save", "--sweep-runner", "pool"]) == 0
    assert run.main(["--only", "sweep", "--no-save"]) == 0
    assert [c.sweep_runner for c in seen] == ["pool", "policyengine"]


def test_the_dask_runner_gives_what_one_by_one_gives() -> None:
    # The benchmark's row beside the local pool: a 2-worker LocalCluster started by the sweep.
    import os

    if os.environ.get("CI") != "true":
        pytest.importorskip("distributed", reason="the 'dask' extra is not installed")
    workload = sweep.Workload(12, seed=5)
    assert sweep.RUNNERS["dask"] is sweep.dask_runner and sweep.dask_available()
    assert sweep.dask_runner(workload, 2) == sweep.serial_runner(workload)
