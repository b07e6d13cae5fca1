"""Sweeps: variation files, parallel evaluation equal to one-by-one, results files, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SCENARIOS
from policyengine.api import evaluate
from policyengine.counterfactual.changes import ChangeError, apply_changes
from policyengine.errors import InputError
from policyengine.sweep.runner import evaluate_variants, run_sweep
from policyengine.sweep.variations import load_variations

VARY = ROOT / "variations" / "korea_new_gov.yaml"
KOREA = SCENARIOS / "korea_new_gov.yaml"


@pytest.fixture(scope="module")
def variations(korea):  # type: ignore[no-untyped-def]
    return load_variations(str(VARY), korea)


def test_the_shipped_variation_file_spans_thousands_of_variants(variations) -> None:  # type: ignore[no-untyped-def]
    assert variations.total == 7776
    assert [d.id for d in variations.dimensions][:2] == ["gbr-raa", "fra-raa"]


@given(index=st.integers(0, 7775))
@settings(max_examples=50, deadline=None)
def test_a_variant_index_names_one_value_per_dimension(index: int) -> None:
    from policyengine.api import load

    if "v" not in _VARIATIONS_CACHE:
        _VARIATIONS_CACHE["v"] = load_variations(str(VARY), load(str(KOREA)))
    v = _VARIATIONS_CACHE["v"]
    picks = v.values_of(index)
    back = 0
    for d, i in zip(v.dimensions, picks, strict=True):
        assert 0 <= i < len(d.values)
        back = back * len(d.values) + i
    assert back == index


_VARIATIONS_CACHE: dict[str, Any] = {}


def test_samples_are_seeded_distinct_and_in_order(variations) -> None:  # type: ignore[no-untyped-def]
    a = variations.indices(50, seed=7)
    assert a == variations.indices(50, seed=7)
    assert a != variations.indices(50, seed=8)
    assert a == sorted(set(a)) and len(a) == 50
    assert variations.indices(None) == range(7776)  # numbered lazily, never listed


def test_parallel_results_equal_the_same_variants_evaluated_one_by_one(
    korea, compiled_pack, variations
) -> None:  # type: ignore[no-untyped-def]
    indices = variations.indices(12, seed=3)
    got = list(evaluate_variants(str(KOREA), str(VARY), None, indices, jobs=2))
    assert [r.index for r in got] == indices
    for r in got:
        world = apply_changes(korea, variations.variant_changes(r.index))
        result = evaluate(world, compiled_pack)
        assert r.error is None
        assert list(r.recommendations) == result.ids
        assert list(r.risks) == [k.id for k in result.risks]
        assert r.values == variations.labels(r.index)


def test_variant_values_really_change_the_scenario(korea, variations) -> None:  # type: ignore[no-untyped-def]
    # The last index takes the last value of every dimension.
    world = apply_changes(korea, variations.variant_changes(variations.total - 1))
    sc = world.scenario
    assert next(a for a in sc.agreements if a.id == "raa-jpn-gbr").status == "in-force"
    assert {ap.partner for ap in sc.asset_protection} >= {"GBR", "FRA"}
    assert sc.framework("quad").status == "suspended"  # type: ignore[union-attr]
    assert sc.country("IND").alignment == "us-partner"  # type: ignore[union-attr]


def test_a_sweep_writes_every_variant_and_summarises_firing_rates(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    run = run_sweep(str(KOREA), str(VARY), sample=16, seed=2, output=str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 16 and not run.interrupted
    records = [json.loads(line) for line in lines]
    s = run.summary
    assert (s.done, s.selected, s.space, s.valid) == (16, 16, 7776, 16)
    for rec in s.recommendations:
        assert rec.count == sum(rec.id in r["recommendations"] for r in records)
    # Whether the ROK states increasing engagement decides the proposed forum outright.
    forum = next(r for r in s.recommendations if r.id == "propose-framework/AUS+JPN+KOR")
    driver = next(d for d in forum.drivers if d.dimension == "kor-engagement")
    assert driver.rates["increasing"] == 1.0 and driver.rates["steady"] == 0.0
    assert not list(tmp_path.glob(".*.tmp"))


def test_csv_results_have_one_column_per_dimension(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    run_sweep(str(KOREA), str(VARY), sample=3, seed=1, output=str(out))
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].split(",")[:3] == ["index", "gbr-raa", "fra-raa"]
    assert rows[0].endswith("recommendations,risks,error")
    assert len(rows) == 4


def _write(tmp_path: Path, text: str) -> str:
    p = tmp_path / "vary.yaml"
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_bad_variation_files_get_located_errors_with_hints(tmp_path: Path, korea) -> None:  # type: ignore[no-untyped-def]
    path = _write(
        tmp_path,
        "sweep: {id: bad, title: {ja: 悪い, en: bad}}\n"
        "dimensions:\n"
        "  - id: a\n"
        "    fact: agreement:raa-jpn-gbx\n"
        "    field: status\n"
        "    values: [signed]\n"
        "  - id: b\n"
        "    fact: agreement:raa-jpn-gbr\n"
        "    field: parties\n"
        "    values: [signed]\n"
        "  - id: c\n"
        "    fact: agreement:raa-jpn-fra\n"
        "    field: status\n"
        "    values: [negotiating, sined]\n",
    )
    with pytest.raises(InputError) as info:
        load_variations(path, korea)
    rendered = info.value.render()
    assert info.value.codes == ["E701", "E702", "E703"]
    assert f"{path}:4:11: E701: unknown fact 'agreement:raa-jpn-gbx'" in rendered
    assert "did you mean 'agreement:raa-jpn-gbr'" in rendered
    assert f"{path}:9:12: E702" in rendered
    assert f"{path}:14:27: E703: 'sined' is not a value of agreement 'status'" in rendered
    assert "did you mean 'signed'?" in rendered


def test_schema_errors_in_variation_files_are_located(tmp_path: Path, korea) -> None:  # type: ignore[no-untyped-def]
    path = _write(
        tmp_path,
        "sweep: {id: x, title: {ja: x, en: x}}\n"
        "dimensions:\n  - id: a\n    fact: country:KOR\n    vaules: [x]\n",
    )
    with pytest.raises(InputError) as info:
        load_variations(path, korea)
    assert "E201" in info.value.codes and "did you mean 'values'?" in info.value.render()


def test_an_invalid_combination_is_recorded_not_fatal(tmp_path: Path, korea) -> None:  # type: ignore[no-untyped-def]
    path = _write(
        tmp_path,
        "sweep: {id: x, title: {ja: x, en: x}}\n"
        "dimensions:\n"
        "  - {id: kor, fact: country:KOR, values: [present, absent]}\n",
    )
    v = load_variations(path, korea)
    assert v.variant_changes(1)[0].key == "remove country:KOR"
    run = run_sweep(str(KOREA), path)
    assert (run.summary.valid, run.summary.invalid) == (2, 0)
    with pytest.raises(ChangeError):
        apply_changes(korea, v.variant_changes(1)[:1])  # alone, the removal would be invalid


def _part_lines(folder: Path) -> int:
    parts = list(folder.glob(".results.jsonl.*.tmp"))
    if not parts:
        return 0
    try:
        return parts[0].read_text(encoding="utf-8").count("\n")
    except OSError:
        return 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_keeps_the_finished_results_complete_line_by_line(tmp_path: Path, jobs: int) -> None:
    out = tmp_path / "results.jsonl"
    cmd = [sys.executable, "-m", "policyengine", "sweep", str(KOREA), "--vary", str(VARY)]
    cmd += ["--jobs", str(jobs), "--output", str(out), "--format", "json", "--lang", "en"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while _part_lines(tmp_path) < 10 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr.decode()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert 10 <= len(lines) < 7776
    indices = [json.loads(line)["index"] for line in lines]  # every line is complete JSON
    assert indices == list(range(len(lines)))
    summary = json.loads(stdout)
    assert summary["variants"]["interrupted"] is True
    assert summary["variants"]["done"] == len(lines)
    assert summary["variants"]["selected"] == 7776
    assert "interrupted" in stderr.decode()
    assert not list(tmp_path.glob(".results.jsonl.*.tmp"))


def test_a_located_error_travels_whole_from_a_worker_process() -> None:
    # Worker processes (the local pool, Dask workers on other machines) send errors back pickled.
    import pickle

    from policyengine.errors import input_error
    from policyengine.errors.locations import Location

    err = input_error("E101", "file not found", Location("/shared/k.yaml", 3, 7), "check the path")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err) and back.diagnostics == err.diagnostics
    assert back.render() == "/shared/k.yaml:3:7: E101: file not found\n  hint: check the path"
