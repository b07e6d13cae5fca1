"""Sweeps given a variation file (or options) that would take unbounded memory or processes.

A variation file of 20 dimensions of 3 values spans 3,486,784,401 variants: the sweep used to
list every index first and died with MemoryError (16 dimensions took 2.4 GB). Variants are now
numbered lazily; more than ``MAX_SWEEP_VARIANTS`` needs ``--sample`` (E704), and a sample is at
most that big. ``--jobs`` is capped at ``JOBS_PER_CORE`` per core, with a message.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from hostile.harness import ForkRunner, check_clean_error, check_not_broken
from hostile.registry import KOREA
from policyengine.sweep.runner import JOBS_PER_CORE, cores
from policyengine.sweep.variations import MAX_SWEEP_VARIANTS

VARY = str(Path(KOREA).parents[1] / "variations" / "korea_new_gov.yaml")

# Countries of korea_new_gov whose Indo-Pacific engagement a dimension can vary (3 values each).
COUNTRIES = "JPN USA AUS IND IDN KOR GBR FRA CAN DEU EU MYS PHL CHN PRK BRN KHM LAO MMR SGP THA VNM NZL RUS"


def _dimensions(folder: Path, n: int) -> Path:
    """A valid variation file of ``n`` dimensions of 3 values: 3**n variants."""
    lines = ["sweep: {id: many, title: {ja: 多数の次元, en: many dimensions}}", "dimensions:"]
    for code in COUNTRIES.split()[:n]:
        lines.append(
            f"  - {{id: {code.lower()}-engagement, fact: 'country:{code}',"
            " field: indo_pacific_engagement, values: [increasing, steady, decreasing]}"
        )
    path = folder / f"vary{n}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("n", [16, 20, 24])
def test_a_full_sweep_over_more_variants_than_the_limit_is_refused(
    runner: ForkRunner, tmp_path: Path, n: int
) -> None:
    vary = _dimensions(tmp_path, n)
    o = runner.run(["sweep", KOREA, "--vary", str(vary), "-q"], cwd=tmp_path)
    check_clean_error(o, vary.name, code="E704", line=2, column=1)
    assert f"{3**n:,} variants" in o.stderr and "--sample" in o.stderr, o.describe()


def test_a_sample_bigger_than_the_limit_is_refused(runner: ForkRunner, tmp_path: Path) -> None:
    vary = _dimensions(tmp_path, 20)
    o = runner.run(
        ["sweep", KOREA, "--vary", str(vary), "-q", "--sample", str(MAX_SWEEP_VARIANTS + 1)], cwd=tmp_path
    )
    check_clean_error(o, vary.name, code="E704", line=2)


def test_a_sample_of_a_huge_space_runs_in_bounded_memory(tmp_path: Path) -> None:
    # 3**24 = 282,429,536,481 variants; the sample is drawn without listing them, the chunks
    # are made as the workers take them: all under an address-space limit of 2 GiB.
    vary = _dimensions(tmp_path, 24)
    out = tmp_path / "results.jsonl"
    argv = ["sweep", KOREA, "--vary", str(vary), "-q", "--sample", "12", "--seed", "4"]
    argv += ["-o", str(out), "--format", "json", "--lang", "en"]

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    p = subprocess.run(
        [sys.executable, "-m", "policyengine", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)
    assert summary["variants"]["space"] == 3**24
    assert summary["variants"]["done"] == 12
    indices = [json.loads(line)["index"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(indices) == 12 and indices == sorted(set(indices)) and max(indices) < 3**24


def test_jobs_beyond_the_cap_are_capped_with_a_message(runner: ForkRunner, tmp_path: Path) -> None:
    cap = JOBS_PER_CORE * cores()
    o = runner.run(["sweep", KOREA, "--vary", VARY, "--sample", "3", "--jobs", "100000", "-q"], cwd=tmp_path)
    check_not_broken(o)
    assert o.rc == 0, o.describe()
    assert f"--jobs 100000 is more than {cap} ({cores()} cores x {JOBS_PER_CORE}); using {cap}" in o.stderr


def test_the_library_caps_jobs_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # run_sweep called directly (no CLI): never more workers than the cap, nor than chunks.
    from policyengine.sweep import runner as sweep_runner

    asked: list[int] = []
    real = sweep_runner.evaluate_variants

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs["jobs"])
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep_runner, "evaluate_variants", spy)
    run = sweep_runner.run_sweep(KOREA, VARY, jobs=10**9, sample=3)
    assert run.summary.done == 3
    assert asked == [1]  # 3 variants are one chunk: evaluated here, no pool at all
