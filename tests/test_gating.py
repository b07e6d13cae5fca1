"""Rules of stratum 1 that only match run ungated, with exactly the results of gated rules."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from policyengine.compiler import emit
from policyengine.compiler.pipeline import compile_pack
from policyengine.engine.runtime import PreparedPack
from policyengine.engine.trace import Tracer
from policyengine.factview import build_view
from policyengine.validation.rulepack import load_rule_pack

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _everything(prepared: PreparedPack, loaded: Any) -> str:
    """Trace, facts with ids, keys and supports, and outcomes with supports, as one text."""
    tracer = Tracer()
    raw = prepared.evaluate_view(build_view(loaded.scenario, prepared.compiled.base_kinds), tracer=tracer)
    events = [[e.seq, e.kind, e.stratum, e.rule, list(e.bindings), e.fact, e.data] for e in tracer.events]
    facts = sorted(
        [f.fid, f.kind, f.key, f.stratum, [(s.rule, s.bindings, s.key) for s in f.supports], f.members]
        for f in raw.facts.values()
    )
    outcomes = [
        [o.id, o.kind, [(s.rule, s.bindings, s.key) for s in o.supports]] for o in raw.outcomes.values()
    ]
    return json.dumps([events, facts, outcomes, raw.stats], default=str)


@pytest.fixture(scope="module")
def packs() -> tuple[PreparedPack, PreparedPack]:
    source = load_rule_pack(str(ROOT / "rules"))
    ungated = compile_pack(source)
    patch = pytest.MonkeyPatch()
    patch.setattr(emit, "gated", lambda r: True)
    try:
        gated = compile_pack(source)
    finally:
        patch.undo()
    assert ungated.definition != gated.definition
    return PreparedPack(ungated), PreparedPack(gated)


def test_some_rules_are_ungated_and_every_negation_is_gated(packs: tuple[PreparedPack, PreparedPack]) -> None:
    ungated, _ = packs
    first = {
        name: body["all"][0] for name, body in ungated.compiled.definition.items() if name.startswith("r")
    }
    rules = {f"r{r.index}": r for r in ungated.compiled.rules}
    opened = {name for name, cond in first.items() if "stratum" not in cond}
    assert opened, "no rule runs ungated"
    for name in opened:
        assert rules[name].stratum == 1
        assert all(c.mode == "match" for c in rules[name].conditions)


def test_same_trace_facts_and_supports_on_the_paper(
    packs: tuple[PreparedPack, PreparedPack], korea: Any
) -> None:
    ungated, gated = packs
    assert _everything(ungated, korea) == _everything(gated, korea)


def test_same_trace_facts_and_supports_on_a_synthetic_world(
    packs: tuple[PreparedPack, PreparedPack], tmp_path: Path
) -> None:
    from benchmarks import generate

    from policyengine.api import load

    (path,) = generate.write(generate.generate(800, seed=3), tmp_path / "w.json")
    loaded = load(str(path))
    ungated, gated = packs
    assert _everything(ungated, loaded) == _everything(gated, loaded)
