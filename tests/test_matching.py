"""The pure-Python reading of rule conditions (engine.matching: diff causes, signposts, whatif,
and through explain's matcher, check reasons) agrees with durable-rules: on every support the
engine found, and, searched for the way explain's why-not searches, on every outcome it produced
and every outcome it did not produce."""

from __future__ import annotations

import datetime as dt

import pytest

from policyengine.api import evaluate
from policyengine.compiler import ir
from policyengine.compiler.ir import Ref
from policyengine.engine.matching import count_holds, describe_test, pattern_holds, satisfies
from policyengine.explain.facts import FactIndex
from policyengine.explain.whynot import WhyNotBuilder
from policyengine.timeline import project

DATES = (None, dt.date(2021, 10, 6), dt.date(2021, 11, 11), dt.date(2022, 1, 6))


@pytest.fixture(scope="module", params=DATES, ids=lambda d: str(d or "as-is"))
def evaluation(request, korea, compiled_pack):  # type: ignore[no-untyped-def]
    loaded = korea if request.param is None else project(korea, request.param)
    return loaded, evaluate(loaded, compiled_pack)


def test_every_support_satisfies_its_conditions(evaluation) -> None:  # type: ignore[no-untyped-def]
    _, result = evaluation
    raw = result.raw
    facts = list(raw.facts.values())
    supports = [s for o in raw.outcomes.values() for s in o.supports]
    supports += [s for f in facts for s in f.supports]
    assert supports
    # a product (compiler.products) stands for each of its combinations
    for rule_index, combo in [(s.rule, combo) for s in supports for combo in s.combinations()]:
        rule = raw.compiled.rules[rule_index]
        bound = dict(combo)
        env = {var: raw.facts[fid].fields for var, fid in bound.items() if var in rule.var_kinds}
        for c in rule.conditions:
            if c.mode == "match":
                fact = raw.facts[bound[c.var or c.alias]]
                assert fact.kind == c.kind
                assert pattern_holds(c.tests, fact.fields, env), (rule.id, c.index)
            else:
                hits = [f for f in facts if f.kind == c.kind and pattern_holds(c.tests, f.fields, env)]
                if c.mode == "absent":
                    assert not hits, (rule.id, c.index)
                else:
                    assert count_holds(c, len(hits)), (rule.id, c.index)


def _candidates(loaded, result):  # type: ignore[no-untyped-def]
    sc = loaded.scenario
    targets = (
        [c.code for c in sc.countries] + [f.id for f in sc.frameworks] + [i.member_key for i in sc.interests]
    )
    rules = result.raw.compiled.rules
    kinds = {("recommendation", r.output.recommend["action"]) for r in rules if r.output.recommend}
    kinds |= {("risk", r.output.risk["kind"]) for r in rules if r.output.risk}
    return [(kind, f"{action}/{t}") for kind, action in sorted(kinds) for t in targets]


def _nearest_failures(evaluation):  # type: ignore[no-untyped-def]
    """For an outcome id: how many conditions fail at the nearest binding of each rule that could
    make it, searched as explain's why-not searches."""
    loaded, result = evaluation
    builder = WhyNotBuilder(FactIndex(result.raw, loaded, result.raw.compiled), [], result, max_depth=0)

    def failures(kind: str, oid: str) -> list[int]:
        action, _, target = oid.partition("/")
        return [a.failed for a in builder.outcome(kind, action, target).attempts]

    return failures


def test_no_match_the_engine_did_not_make(evaluation) -> None:  # type: ignore[no-untyped-def]
    loaded, result = evaluation
    failures = _nearest_failures(evaluation)
    made = {("recommendation", r.id) for r in result.recommendations} | {("risk", r.id) for r in result.risks}
    for kind, oid in _candidates(loaded, result):
        if (kind, oid) not in made:
            assert 0 not in failures(kind, oid), oid


def test_every_outcome_the_engine_made_is_found(evaluation) -> None:  # type: ignore[no-untyped-def]
    _, result = evaluation
    failures = _nearest_failures(evaluation)
    for kind, items in (("recommendation", result.recommendations), ("risk", result.risks)):
        for item in items:
            assert 0 in failures(kind, item.id), item.id


# -- the engine's semantics, one operator at a time -----------------------------------------------


def _t(op: str, value: object, field: str = "x") -> ir.Test:
    return ir.Test(field, op, value)


@pytest.mark.parametrize(
    ("test", "fields", "holds"),
    [
        (_t("eq", "a"), {"x": "a"}, True),
        (_t("ne", "a"), {"x": "b"}, True),
        (_t("ne", "a"), {}, False),  # a test on a missing field fails, even 'ne'
        (_t("not_in", ("a",)), {}, False),
        (_t("exists", False), {}, True),
        (_t("exists", True), {"x": None}, False),
        (_t("in", ("a", "b")), {"x": "b"}, True),
        (_t("contains", "JPN"), {"x": ["AUS", "JPN"]}, True),
        (_t("contains", "JPN"), {"x": "JPN"}, False),
        (_t("gt", dt.date(2022, 5, 1).toordinal()), {"x": dt.date(2022, 5, 10)}, True),
        (_t("le", 2), {"x": 3}, False),
        (_t("eq", 1), {"x": True}, False),  # JSON keeps true and 1 apart
        (_t("eq", Ref("v", "y")), {"x": "a"}, True),
        (_t("eq", Ref("v", "missing")), {"x": "a"}, False),  # a reference to a missing field fails
    ],
)
def test_operators(test: ir.Test, fields: dict[str, object], holds: bool) -> None:
    assert satisfies(test, fields, {"v": {"y": "a"}}) is holds


def test_descriptions_show_dates_and_bound_values() -> None:
    day = dt.date(2022, 5, 10).toordinal()
    assert describe_test(_t("gt", day, "date"), date=True) == "date gt 2022-05-10"
    assert (
        describe_test(_t("eq", Ref("p", "code"), "partner"), {"p": {"code": "FRA"}})
        == "partner = $p.code (= FRA)"
    )
    assert describe_test(_t("exists", True, "engagement")) == "engagement exists"
