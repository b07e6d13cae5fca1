"""The runtime's shortcuts change nothing but speed.

* Rules of stratum 1 that only match run ungated (compiler/emit.gated).
* Base facts that no condition can match are not asserted (PreparedPack._may_match).

Each is compared with the plain way (every rule gated, every fact asserted): same trace, same
facts with the same ids, keys and supports, same outcomes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.compiler import emit
from policyengine.compiler.pipeline import compile_pack
from policyengine.engine.runtime import PreparedPack
from policyengine.engine.trace import Tracer
from policyengine.factview import build_view
from policyengine.validation.rulepack import load_rule_pack

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _everything(prepared: PreparedPack, loaded: Any) -> str:
    return _everything_view(prepared, build_view(loaded.scenario, prepared.compiled.base_kinds))


def _everything_view(prepared: PreparedPack, view: list[Any]) -> str:
    """Trace, facts with ids, keys and supports, and outcomes with supports, as one text."""
    tracer = Tracer()
    raw = prepared.evaluate_view(view, tracer=tracer)
    events = [[e.seq, e.kind, e.stratum, e.rule, list(e.bindings), e.fact, e.data] for e in tracer.events]
    facts = sorted(
        [f.fid, f.kind, f.key, f.stratum, [(s.rule, s.bindings, s.key) for s in f.supports], f.members]
        for f in raw.facts.values()
    )
    outcomes = [
        [o.id, o.kind, [(s.rule, s.bindings, s.key) for s in o.supports]] for o in raw.outcomes.values()
    ]
    return json.dumps([events, facts, outcomes, raw.stats], default=str)


class _Plain(PreparedPack):
    """Every fact asserted."""

    def _may_match(self, kind: str, fields: dict[str, Any]) -> bool:
        return True


def _prepared(pack_path: Path) -> tuple[PreparedPack, PreparedPack]:
    """The pack as the runtime runs it, and the plain way (every rule gated, every fact asserted)."""
    source = load_rule_pack(str(pack_path))
    ungated = compile_pack(source)
    patch = pytest.MonkeyPatch()
    patch.setattr(emit, "gated", lambda r: True)
    try:
        gated = compile_pack(source)
    finally:
        patch.undo()
    assert ungated.definition != gated.definition
    return PreparedPack(ungated), _Plain(gated)


@pytest.fixture(scope="module")
def packs() -> tuple[PreparedPack, PreparedPack]:
    return _prepared(ROOT / "rules")


def test_some_facts_are_left_out(packs: tuple[PreparedPack, PreparedPack], korea: Any) -> None:
    fast, _ = packs
    view = build_view(korea.scenario, fast.compiled.base_kinds)
    left_out = [v for v in view if not fast._may_match(v.kind, v.fields)]
    assert left_out, "no fact is left out: the test below proves nothing"
    assert {v.kind for v in left_out} <= {"coverage", "mechanism", "event", "capability", "party"}


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


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=1, max_value=80), seed=st.integers(min_value=0, max_value=10_000))
def test_same_on_the_peer_workload(n: int, seed: int) -> None:
    from benchmarks import peers

    fast, plain = _peer_packs()
    view = peers.PolicyEngineAdapter.view(peers.make_workload(n, seed))
    assert _everything_view(fast, view) == _everything_view(plain, view)


_peer_cache: list[tuple[PreparedPack, PreparedPack]] = []


def _peer_packs() -> tuple[PreparedPack, PreparedPack]:
    if not _peer_cache:
        _peer_cache.append(_prepared(ROOT / "benchmarks" / "packs" / "peers.yaml"))
    return _peer_cache[0]


def test_same_trace_facts_and_supports_on_a_synthetic_world(
    packs: tuple[PreparedPack, PreparedPack], tmp_path: Path
) -> None:
    from benchmarks import generate

    from policyengine.api import load

    (path,) = generate.write(generate.generate(800, seed=3), tmp_path / "w.json")
    loaded = load(str(path))
    ungated, gated = packs
    assert _everything(ungated, loaded) == _everything(gated, loaded)
