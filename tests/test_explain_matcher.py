"""The explanation's Python matcher agrees with the engine: same full matches, rule by rule."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.api import evaluate, load, load_pack
from policyengine.explain.matcher import FactBase, engine_supports, matches, signature
from policyengine.models.scenario import SECTIONS

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


def _thinned(loaded, seed: int, keep: float):  # type: ignore[no-untyped-def]
    rnd = random.Random(seed)
    updates = {s.key: [f for f in getattr(loaded.scenario, s.key) if rnd.random() < keep] for s in SECTIONS}
    new = copy.copy(loaded)
    new.scenario = loaded.scenario.model_copy(update=updates)
    return new


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), keep=st.sampled_from([0.5, 0.8, 0.95]))
def test_matcher_agrees_on_worlds_with_facts_removed(korea, compiled_pack, seed: int, keep: float) -> None:  # type: ignore[no-untyped-def]
    assert _disagreements(_thinned(korea, seed, keep), compiled_pack) == []
