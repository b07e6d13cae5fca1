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
from policyengine.models.factview import build_view
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


# -- the shortcuts together with the compiler's guards, variants and counts ------------------------

SEMANTICS_PACK = ROOT / "tests" / "packs" / "semantics.yaml"
WORLDS = [
    ROOT / "tests" / "cases" / "worlds" / "semantics.yaml",
    ROOT / "tests" / "cases" / "worlds" / "compact.yaml",
    ROOT / "scenarios" / "korea_new_gov.yaml",
]


@pytest.fixture(scope="module")
def semantics_packs() -> tuple[PreparedPack, PreparedPack]:
    fast, plain = _prepared(SEMANTICS_PACK)
    names = fast.compiled.definition
    # Not vacuous: the pack has variants of rules with 'absent' (missing-field cases), guarded
    # references, counts, and rules that run ungated.
    assert any("v" in name for name in names)
    assert any(name.startswith("t") for name in names)
    assert any(n.startswith("r") and "stratum" not in b["all"][0] for n, b in names.items())
    return fast, plain


@pytest.mark.parametrize("world", WORLDS, ids=lambda p: p.parent.name + "/" + p.name)
def test_same_with_variants_guards_and_counts(
    semantics_packs: tuple[PreparedPack, PreparedPack], world: Path
) -> None:
    from policyengine.api import load

    fast, plain = semantics_packs
    loaded = load(str(world))
    assert _everything(fast, loaded) == _everything(plain, loaded)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), keep=st.sampled_from([0.3, 0.6, 0.9]))
def test_same_with_variants_on_thinned_worlds(
    semantics_packs: tuple[PreparedPack, PreparedPack], korea: Any, seed: int, keep: float
) -> None:
    from worlds import thinned

    fast, plain = semantics_packs
    world = thinned(korea, seed, keep)
    assert _everything(fast, world) == _everything(plain, world)


UNGATED_ONLY = """\
pack:
  id: ungated-quiet
  title: {ja: 何も起きない規則, en: A pack that matches nothing}
rules:
  - id: nowhere
    title: {ja: 存在しない国, en: A country that does not exist}
    source: {document: minilateral-2022, section: 日本への含意, quote: 日本への含意}
    when:
      - match: country
        as: c
        where: {code: ZZZ}
    then:
      recommend:
        action: reach-out
        target: $c.code
        priority: low
        justification: {ja: "{c}", en: "{c}"}
"""

EVALUATE_TWICE = """
import sys
from policyengine.api import evaluate, load, load_pack
pack = load_pack(sys.argv[1])
loaded = load(sys.argv[2])
assert all("stratum" not in body["all"][0] for name, body in pack.definition.items() if name.startswith("r"))
for _ in range(3):
    assert evaluate(loaded, pack).ids == []
print("evaluated")
"""


def test_a_pack_of_ungated_rules_that_matches_nothing_opens_and_deletes_its_sessions(tmp_path: Path) -> None:
    # No rule of the pack waits for a marker and none fires (the pre-filter even keeps every
    # country out of the engine): only the session's $open marker makes an action run, without
    # which deleting the session crashes the C engine. In a fresh process: a crash kills it.
    import subprocess

    pack = tmp_path / "pack.yaml"
    pack.write_text(UNGATED_ONLY, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", EVALUATE_TWICE, str(pack), str(ROOT / "scenarios" / "korea_new_gov.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.strip() == "evaluated", done.stderr[-2000:]
