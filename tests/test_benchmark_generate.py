"""Synthetic worlds for the benchmarks: exactly N facts, valid, shaped like the baseline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import generate as gen

from policyengine.api import evaluate
from policyengine.inputs import validate_file
from policyengine.validation.scenario import load_scenario


@pytest.fixture(scope="module")
def base() -> gen.Data:
    return gen.read_baseline()


@pytest.mark.parametrize("n", [20, 100, 116, 117, 700])
def test_exactly_n_facts_and_valid(base: gen.Data, n: int, tmp_path: Path) -> None:
    data = gen.generate(n, base=base)
    assert gen.count_facts(data) == n
    (path,) = gen.write(data, tmp_path / "w.yaml")
    assert validate_file(str(path)).startswith(f"scenario 'synthetic-{n}'")


def test_the_shape_is_the_baselines(base: gen.Data) -> None:
    want, got = gen.shape(base), gen.shape(gen.generate(2_345, base=base))
    assert got["facts"] == 2_345
    for key, value in want.items():
        if key.startswith("share."):
            assert abs(got[key] - value) < 0.03, key
        elif key != "facts":
            assert got[key] == pytest.approx(value, rel=0.05), key


def test_copy_zero_is_the_baseline(base: gen.Data, tmp_path: Path) -> None:
    (path,) = gen.write(gen.generate(gen.count_facts(base), base=base), tmp_path / "w.yaml")
    baseline = evaluate(str(gen.BASELINE))
    world = evaluate(str(path))
    assert world.ids == baseline.ids
    assert [r.id for r in world.risks] == [r.id for r in baseline.risks]


def test_deterministic(base: gen.Data) -> None:
    assert gen.generate(500, base=base, seed=7) == gen.generate(500, base=base, seed=7)
    assert gen.generate(500, base=base, seed=7) != gen.generate(500, base=base, seed=8)


def test_large_worlds_are_split_into_an_extends_chain_of_json(base: gen.Data, tmp_path: Path) -> None:
    data = gen.generate(1_500, base=base)
    files = gen.write(data, tmp_path / "w.json", part_bytes=200_000)
    assert len(files) >= 3
    assert all(f.stat().st_size <= 200_000 * 1.1 for f in files)
    assert json.loads(files[0].read_text(encoding="utf-8"))["scenario"]["extends"] == files[1].name
    loaded = load_scenario(str(files[0]))
    assert len(loaded.files) == len(files)
    assert gen.count_facts(json.loads(json.dumps(loaded.scenario.model_dump(mode="json")))) == 1_500
    # every part with what it extends is a world of its own (evaluate compares a scenario with
    # the world it extends): countries come in the deepest part, what refers to them later
    sizes = [len(load_scenario(str(f)).scenario.countries) for f in files]
    assert sizes[-1] > 0
    assert all(
        gen.count_facts(json.loads(json.dumps(load_scenario(str(f)).scenario.model_dump(mode="json"))))
        < 1_500
        for f in files[1:]
    )


def test_the_command_line_writes_what_it_says(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "w.yaml"
    assert gen.main(["--facts", "300", "-o", str(out), "--format", "json", "--shape"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("{")  # JSON content in a .yaml file: read by the JSON fast path
    printed = capsys.readouterr().out
    assert f"wrote {out}" in printed
    assert "share.raa_of_agreements" in printed
