"""Stage ``emit``: durable-rules JSON for every rule, gated behind its stratum's marker fact.

A gated rule's first condition is the marker ``{_k: $stratum, n: k}``: nothing of stratum k is
joined, let alone negated, before the runtime asserts that marker, which it does only once all
facts of lower strata are in. Counts are tallied by helper rules gated behind ``$tally`` markers
and handed back to the rule as ``$count`` facts.

Rules of stratum 1 that only match (no ``absent``, no ``count``) are not gated: whatever the order
facts arrive in, a Rete network ends with the same matches for them, and the runtime records
matches and consumes them only after marker 1, in a canonical order, exactly as for gated rules.
Without the marker, durable-rules need not keep every matching fact in a join with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policyengine.compiler.ir import CondIR, Ref, RuleIR, Test

KIND = "_k"  # the field holding a fact's kind (user fields never start with '_')
STRATUM = "$stratum"
TALLY = "$tally"
COUNT = "$count"
NEVER = "$never"

_OPS = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
_RESERVED = frozenset({"id", "sid"})  # durable-rules' own fields: fact identity and session


def engine_field(name: str) -> str:
    """The name of a fact field inside durable-rules (``id`` and ``sid`` are taken by the engine)."""
    return f"_{name}" if name in _RESERVED else name


@dataclass(frozen=True)
class CountSpec:
    """A count condition: which helper rule tallies it and which fields group it."""

    key: str  # r<rule>.c<cond>
    rule_index: int
    cond_index: int
    stratum: int
    group_fields: tuple[str, ...]  # fields of the counted kind compared to outer variables


def _value(v: Any, aliases: dict[str, str]) -> Any:
    if isinstance(v, Ref):
        return {aliases[v.var]: engine_field(v.field)}
    return v


def _test(t: Test, aliases: dict[str, str]) -> dict[str, Any]:
    name = engine_field(t.field)
    if t.op == "eq":
        return {name: _value(t.value, aliases)}
    if t.op in _OPS:
        return {_OPS[t.op]: {name: _value(t.value, aliases)}}
    if t.op == "in":
        return {"$or": [{name: v} for v in t.value]} if len(t.value) > 1 else {name: t.value[0]}
    if t.op == "not_in":
        return {"$and": [{"$neq": {name: v}} for v in t.value]}
    if t.op == "contains":
        return {"$iany": {name: {"$i": t.value}}}
    if t.op == "exists":
        return {("$ex" if t.value else "$nex"): {name: 1}}
    raise AssertionError(f"unknown operator {t.op}")


def _pattern(kind: str, tests: list[dict[str, Any]]) -> dict[str, Any]:
    return {"$and": [{KIND: kind}, *tests]}


def emit_rule(r: RuleIR) -> tuple[dict[str, Any], list[CountSpec]]:
    """The durable-rules definition of one rule (without its action) and its count specs."""
    aliases = {c.var: c.alias for c in r.conditions if c.var}
    conds: list[dict[str, Any]] = [{"stratum": _pattern(STRATUM, [{"n": r.stratum}])}] if gated(r) else []
    counts: list[CountSpec] = []
    for c in r.conditions:
        if c.mode == "match":
            conds.append({c.alias: _pattern(c.kind, [_test(t, aliases) for t in c.tests])})
        elif c.mode == "absent":
            conds.append({f"{c.alias}$not": _pattern(c.kind, [_test(t, aliases) for t in c.tests])})
        else:
            counts.append(_count_spec(r, c))
            conds.append(_count_condition(r, c, aliases))
    return {"all": conds}, counts


def gated(r: RuleIR) -> bool:
    """Whether a rule waits for its stratum's marker: above stratum 1, or negating or counting."""
    return r.stratum > 1 or any(c.mode != "match" for c in r.conditions)


def count_key(r: RuleIR, c: CondIR) -> str:
    return f"r{r.index}.{c.alias}"


def _count_spec(r: RuleIR, c: CondIR) -> CountSpec:
    groups = tuple(t.field for t in c.tests if isinstance(t.value, Ref))
    return CountSpec(count_key(r, c), r.index, c.index, r.stratum, groups)


def _count_condition(r: RuleIR, c: CondIR, aliases: dict[str, str]) -> dict[str, Any]:
    key = count_key(r, c)
    group = [{f"g_{t.field}": _value(t.value, aliases)} for t in c.tests if isinstance(t.value, Ref)]
    base = [{"c": key}, *group]
    if c.at_least is not None:
        bounds = [{"$gte": {"n": c.at_least}}]
        if c.at_most is not None:
            bounds.append({"$lte": {"n": c.at_most}})
        return {c.alias: _pattern(COUNT, base + bounds)}
    # at most M: no tally of this group above M (a group never tallied counts zero)
    return {f"{c.alias}$not": _pattern(COUNT, [*base, {"$gt": {"n": c.at_most}}])}


def emit_tally(r: RuleIR, c: CondIR) -> dict[str, Any]:
    """Helper rule matching the facts a count condition counts (its literal tests only)."""
    literal = [_test(t, {}) for t in c.tests if not isinstance(t.value, Ref)]
    return {"all": [{"tally": _pattern(TALLY, [{"n": r.stratum}])}, {"x": _pattern(c.kind, literal)}]}


CATCH_ALL: dict[str, Any] = {
    # Every fact must be "handled" by some rule, or durable-rules raises MessageNotHandledException
    # and defers other actions. This rule accepts any fact and never completes.
    "all": [{"any": {"$ex": {KIND: 1}}}, {"never": _pattern(NEVER, [])}]
}
