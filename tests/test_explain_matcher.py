"""The explanation's Python matcher agrees with the engine: same full matches, rule by rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.api import evaluate, load, load_pack
from policyengine.compiler import ir
from policyengine.compiler.ir import Ref
from policyengine.engine.matching import satisfies
from policyengine.engine.runtime import EngineFact
from policyengine.explain.matcher import FactBase, Normalised, check, engine_supports, matches, signature
from worlds import thinned

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.yaml"))
SEMANTICS = ROOT / "tests" / "packs" / "semantics.yaml"


def _disagreements(loaded, pack) -> list[str]:  # type: ignore[no-untyped-def]
    raw = evaluate(loaded, pack).raw
    base = FactBase(raw)
    engine = engine_supports(raw)
    out = []
    for rule in pack.rules:
        mine = {signature(rule, m) for m in matches(rule, base)}
        if mine != engine.get(rule.index, set()):
            out.append(f"{rule.id}: matcher {len(mine)}, engine {len(engine.get(rule.index, set()))}")
    return out


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_matcher_full_matches_are_the_engines_supports(path: Path, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    assert _disagreements(load(str(path)), compiled_pack) == []


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_matcher_agrees_on_every_operator_and_on_missing_fields(path: Path) -> None:
    pack = load_pack(str(SEMANTICS))
    loaded = load(str(path))
    assert _disagreements(loaded, pack) == []
    raw = evaluate(loaded, pack).raw
    # the pack is not vacuous: every rule matches something
    assert set(engine_supports(raw)) == {r.index for r in pack.rules}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), keep=st.sampled_from([0.5, 0.8, 0.95]))
def test_matcher_agrees_on_worlds_with_facts_removed(korea, compiled_pack, seed: int, keep: float) -> None:  # type: ignore[no-untyped-def]
    assert _disagreements(thinned(korea, seed, keep), compiled_pack) == []


@pytest.mark.parametrize(
    "test",
    [
        ir.Test("x", "eq", 1),  # the fact holds true: JSON keeps true and 1 apart
        ir.Test("x", "ne", 1),
        ir.Test("x", "in", (1, 2)),
        ir.Test("y", "ne", "a"),  # a missing field fails every test but exists: false
        ir.Test("y", "exists", False),
        ir.Test("x", "eq", Ref("v", "flag")),
        ir.Test("x", "ne", Ref("v", "gone")),  # a reference to a field the bound fact lacks fails
        ir.Test("n", "lt", "text"),  # text against a number matches nothing
    ],
)
def test_check_is_the_engine_semantics(test: ir.Test) -> None:
    """The explanation's matcher evaluates tests through engine.matching: one semantics."""
    fields = {"x": True, "n": 3}
    fact = Normalised(EngineFact(1, "k", fields, "k:1"), fields)
    other = Normalised(EngineFact(2, "k", {"flag": True}, "k:2"), {"flag": True})
    assert check(test, fact, {"v": other}) is satisfies(test, fields, {"v": other.values})


def test_check_says_unknown_for_a_variable_without_a_fact() -> None:
    fact = Normalised(EngineFact(1, "k", {"x": "FRA"}, "k:1"), {"x": "FRA"})
    test = ir.Test("x", "eq", Ref("v", "code"))
    assert check(test, fact, {"v": None}) is None
    assert check(test, fact, {"v": None}, {"v": {"code": "FRA"}}) is True
    assert check(test, fact, {"v": None}, {"v": {"code": "GBR"}}) is False
