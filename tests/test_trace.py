"""The trace: one event stream recorded during evaluation; filters select from it."""

from __future__ import annotations

import json

from policyengine.api import evaluate
from policyengine.engine.runtime import fact_ref
from policyengine.engine.trace import EVENT_KINDS, Tracer
from policyengine.explain.filters import for_rules, lineage, of_kinds, producers


def _traced(loaded, pack):  # type: ignore[no-untyped-def]
    tracer = Tracer()
    result = evaluate(loaded, pack, tracer=tracer)
    return result, tracer.events


def test_recording_does_not_change_the_result(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    plain = evaluate(korea, compiled_pack).to_dict()
    traced, events = _traced(korea, compiled_pack)
    assert traced.to_dict() == plain
    assert events, "a tracer that was passed records events"
    assert {e.kind for e in events} <= set(EVENT_KINDS)
    assert [e.seq for e in events] == list(range(len(events)))


def test_every_match_carries_its_rule_and_the_passage_it_encodes(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    _, events = _traced(korea, compiled_pack)
    for e in of_kinds(events, "match", "derive", "support", "recommend", "risk"):
        rule = compiled_pack.rule(e.rule)
        assert e.citation is not None and rule is not None
        assert e.citation.rule == rule.id
        assert e.citation.quote == rule.rule.source.quote
        assert e.citation.section == rule.rule.source.section
        assert e.citation.location == str(rule.location)


def test_every_outcome_and_support_is_caused_by_a_match_of_the_same_rule(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result, events = _traced(korea, compiled_pack)
    by_seq = {e.seq: e for e in events}
    for e in of_kinds(events, "derive", "support", "recommend", "risk"):
        assert e.cause is not None and e.cause < e.seq
        cause = by_seq[e.cause]
        assert cause.kind == "match" and cause.rule == e.rule
    made = {e.fact for e in of_kinds(events, "recommend")}
    assert made == set(result.ids)
    assert {e.fact for e in of_kinds(events, "risk")} == {r.id for r in result.risks}


def test_match_bindings_name_the_facts_of_the_engines_supports(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result, events = _traced(korea, compiled_pack)
    raw = result.raw
    recorded = {(e.rule, e.bindings) for e in of_kinds(events, "match")}
    engine = set()
    for holder in [*raw.facts.values(), *raw.outcomes.values()]:
        for s in holder.supports:
            rule = compiled_pack.rules[s.rule].id
            # a product (compiler.products) is traced as one application: its first combination
            engine.add((rule, tuple((v, fact_ref(raw.facts[fid])) for v, fid in s.first())))
    assert recorded == engine


def test_lineage_of_a_recommendation_is_its_derivation_and_nothing_else(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    _, events = _traced(korea, compiled_pack)
    chain = lineage(events, "extend-asset-protection/GBR", outcome="recommend")
    rules = {e.rule for e in chain}
    assert rules == {"extend-asset-protection", "raa-partner"}
    derived = [e.fact for e in of_kinds(chain, "derive")]
    assert len(derived) == 1 and '"country": "GBR"' in derived[0]
    assert all('"FRA"' not in str(e.fact) for e in chain)
    assert [e.seq for e in chain] == sorted(e.seq for e in chain)


def test_lineage_follows_counts_and_derived_recommendations(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    _, events = _traced(korea, compiled_pack)
    chain = lineage(events, "link-partner/GBR", outcome="recommend")
    assert {"link-partner", "elevate-cooperation", "raa-partner", "engaging-partner-by-posture"} <= {
        e.rule for e in chain
    }
    counts = of_kinds(chain, "count")
    assert counts and all(e.data["members"] for e in counts)


def test_producers_tell_outcomes_from_derived_facts(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    _, events = _traced(korea, compiled_pack)
    assert producers(events, "keep-informal/quad", outcome="risk")
    assert not producers(events, "keep-informal/quad", outcome="recommend")
    assert not producers(events, "keep-informal/quad")


def test_for_rules_and_json(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    _, events = _traced(korea, compiled_pack)
    mine = for_rules(events, ["conclude-raa"])
    assert mine and {e.rule for e in mine} == {"conclude-raa"}
    json.dumps([e.to_dict() for e in events], default=str)
