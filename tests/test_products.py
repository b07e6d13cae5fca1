"""Rules of independent groups are matched group by group and supported by products.

compiler.products splits a rule whose conditions fall into groups sharing no variable, when its
outputs read one group; the runtime keeps each support as one match of that group times every
match of the others (engine.runtime.Support). These tests check that this changes no result:
the same outcomes, evidence, justifications and combinations as the same pack matched whole.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from policyengine import api
from policyengine.compiler import products
from policyengine.compiler.capacity import MAX_RULE_MATCHES, estimate_matches
from policyengine.compiler.pipeline import compile_pack
from policyengine.counterfactual.candidates import Analysis
from policyengine.engine.runtime import RawEvaluation, Support, _surely_fails
from policyengine.validation.rulepack import load_rule_pack

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import generate  # noqa: E402

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def packs(monkeypatch_module: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The paper's pack as shipped (products) and the same pack matched whole."""
    pack = load_rule_pack(str(ROOT / "rules"))
    with_products = compile_pack(pack)
    monkeypatch_module.setattr(products, "product_groups", lambda rule: ())
    whole = compile_pack(load_rule_pack(str(ROOT / "rules")))
    monkeypatch_module.undo()
    return with_products, whole


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The shipped scenarios and two generated worlds in which every product rule fires often."""
    folder = tmp_path_factory.mktemp("worlds")
    out = [str(p) for p in SCENARIOS]
    for n in (600, 2_500):
        path = folder / f"world-{n}.json"
        generate.write(generate.generate(n), path)
        out.append(str(path))
    return out


def _combinations(raw: RawEvaluation) -> dict[str, set[tuple[str, tuple[tuple[str, str], ...]]]]:
    """Every outcome's and derived fact's supports, expanded, by fact key."""
    out: dict[str, set[tuple[str, tuple[tuple[str, str], ...]]]] = {}
    holders: list[tuple[str, list[Support]]] = [(k, o.supports) for k, o in raw.outcomes.items()]
    holders += [(f.key, f.supports) for f in raw.facts.values() if f.supports]
    for key, supports in holders:
        out[key] = {
            (raw.compiled.rules[s.rule].id, tuple((var, raw.facts[fid].key) for var, fid in combo))
            for s in supports
            for combo in s.combinations()
        }
    return out


def test_the_papers_product_rules() -> None:
    pack = api.load_pack(str(ROOT / "rules"))
    split = {r.id: r for r in pack.rules if r.groups}
    assert set(split) == {
        "link-partner",
        "alienation-risk",
        "strengthen-information-security",
        "public-private-rnd",
    }

    def variables(rule: Any, group: tuple[int, ...]) -> set[str]:
        by_index = {c.index: c for c in rule.conditions}
        return {by_index[i].var or by_index[i].alias for i in group}

    link = split["link-partner"]
    # the key group binds the partner the outcome names; the other only says a framework exists
    assert variables(link, link.groups[0]) == {"raa", "engaged", "partner"}
    assert variables(link, link.groups[1]) == {"elevated", "core", "c5", "c6"}
    risk = split["alienation-risk"]
    # the scenario fact (as_of) joins no group: repeated where a group reads it
    assert variables(risk, risk.groups[0]) == {"proposal"}
    assert variables(risk, risk.groups[1]) == {"now", "cancelled", "launch"}
    # an ordering between two groups is a join, not independence
    assert not pack.rule("alienation-launch-risk").groups  # type: ignore[union-attr]


def test_outputs_reading_two_groups_are_matched_whole(tmp_path: Path) -> None:
    text = (ROOT / "tests/hostile/corpus/rules/four_way_cross_product.yaml").read_text(encoding="utf-8")
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace("{a: $c0.code, b: $c1.code, c: $c2.code, d: $c3.code}", "{a: $c0.code}"))
    (rule,) = api.load_pack(str(path)).rules
    assert [len(g) for g in rule.groups] == [1, 1, 1, 1]
    path.write_text(
        text.replace("{a: $c0.code, b: $c1.code, c: $c2.code, d: $c3.code}", "{a: $c0.code, b: $c2.code}")
    )
    with pytest.raises(Exception, match="E408"):  # two groups read: every pair is a fact of its own
        api.load_pack(str(path))


def test_products_change_no_result(packs: tuple[Any, Any], worlds: list[str]) -> None:
    with_products, whole = packs
    for path in worlds:
        loaded = api.load(path)
        a = api.evaluate(loaded, with_products)
        b = api.evaluate(loaded, whole)
        assert a.ids == b.ids, path
        assert [r.id for r in a.risks] == [r.id for r in b.risks], path
        for x, y in zip([*a.recommendations, *a.risks], [*b.recommendations, *b.risks], strict=True):
            assert x.evidence == y.evidence, (path, x.id)
            assert x.rules == y.rules, (path, x.id)
        for lang in ("ja", "en"):
            assert [r.justification[lang] for r in a.recommendations] == [
                r.justification[lang] for r in b.recommendations
            ], path
            assert [r.because[lang] for r in a.recommendations] == [
                r.because[lang] for r in b.recommendations
            ]
            assert [r.message[lang] for r in a.risks] == [r.message[lang] for r in b.risks], path
        assert _combinations(a.raw) == _combinations(b.raw), path
        assert a.raw.stats == b.raw.stats, path


def test_a_product_holds_each_group_once(packs: tuple[Any, Any], worlds: list[str]) -> None:
    with_products, whole = packs
    loaded = api.load(worlds[-1])
    a = api.evaluate(loaded, with_products).raw
    b = api.evaluate(loaded, whole).raw
    index = with_products.rule("link-partner").index
    held = [s for o in a.outcomes.values() for s in o.supports if s.rule == index]
    expanded = [s for o in b.outcomes.values() for s in o.supports if s.rule == index]
    # one support per match of the key group, each standing for every framework it links to
    assert len(held) < len(expanded) // 10
    assert sum(s.size for s in held) == len(expanded)
    shared = {id(g) for s in held for g in s.others}
    assert len(shared) == 1  # the other group's matches are one list, shared by every support
    (group,) = held[0].others
    assert group == sorted(group)


def test_whatif_breaks_a_product_as_its_expansion(packs: tuple[Any, Any], worlds: list[str]) -> None:
    with_products, whole = packs
    loaded = api.load(str(ROOT / "scenarios/korea_new_gov.yaml"))
    a = api.evaluate(loaded, with_products).raw
    b = api.evaluate(loaded, whole).raw
    for key, outcome in a.outcomes.items():
        if not any(s.others for s in outcome.supports):
            continue
        found = Analysis(loaded, with_products, a, limit=2).disappear(outcome)
        expected = Analysis(loaded, whole, b, limit=2).disappear(b.outcomes[key])
        assert found == expected, key
        assert found, key  # something does break it


def test_the_budget_counts_an_ordering_by_its_pairs(packs: tuple[Any, Any]) -> None:
    import datetime as dt

    with_products, _ = packs
    rule = with_products.rule("alienation-launch-risk")
    n = 600
    scenario = [{"id": "s", "as_of": dt.date(2022, 6, 1)}]

    def world(cancelled: dt.date, launched: dt.date) -> dict[str, list[dict[str, Any]]]:
        events = [
            {"id": f"c{i}", "kind": "meeting-cancelled", "caused_by": "p", "date": cancelled}
            for i in range(n)
        ]
        events += [
            {"id": f"l{i}", "kind": "framework-launch", "framework": f"f{i}", "date": launched}
            for i in range(n)
        ]
        events.append({"id": "p", "kind": "framework-launch", "date": dt.date(2021, 9, 15)})
        return {"scenario": scenario, "event": events, "framework": [], "membership": []}

    # every launch after every cancellation: every pair counts, over the budget
    assert (
        estimate_matches(rule, world(dt.date(2021, 9, 20), dt.date(2022, 1, 1)), _surely_fails)
        > MAX_RULE_MATCHES
    )
    # every launch before every cancellation: no pair does
    assert estimate_matches(rule, world(dt.date(2021, 9, 20), dt.date(2021, 1, 1)), _surely_fails) <= n


def test_the_papers_pack_takes_a_world_of_30000_facts_it_used_to_refuse(tmp_path: Path) -> None:
    """E408 refused it: alienation-launch-risk's ordering counted every pair, link-partner's
    product every combination (1.1 million at 50,000 facts)."""
    path = tmp_path / "world.json"
    generate.write(generate.generate(30_000), path)
    result = api.evaluate(api.load(str(path)), api.load_pack(str(ROOT / "rules")))
    assert "link-partner/GBR" in result.ids
    assert result.raw is not None
    assert result.raw.stats["matches"] > MAX_RULE_MATCHES // 2  # combinations stood for, not made
