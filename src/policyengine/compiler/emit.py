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

import itertools
from dataclasses import dataclass
from typing import Any

from policyengine.compiler.ir import CondIR, Kinds, Ref, RuleIR, Test

KIND = "_k"  # the field holding a fact's kind (user fields never start with '_')
STRATUM = "$stratum"
TALLY = "$tally"
COUNT = "$count"
NEVER = "$never"
OPEN = "$open"

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


_Field = tuple[str, str]  # (variable, field) of a reference
_Case = tuple[frozenset[_Field], _Field | None]  # (fields present, the field missing or None)


def _references(c: CondIR) -> list[_Field]:
    """(variable, field) of every reference that a test of ``c`` compares with other than ``eq``."""
    refs = {(t.value.var, t.value.field) for t in c.tests if isinstance(t.value, Ref) and t.op != "eq"}
    return sorted(refs)


def _surely_has(cond: CondIR, name: str) -> bool:
    """Do the facts a condition matches surely have the field? (Every test on a field fails on a
    fact that lacks it, except ``exists: false``.)"""
    return any(t.field == name and not (t.op == "exists" and not t.value) for t in cond.tests)


def may_lack(r: RuleIR, kinds: Kinds, ref: _Field) -> bool:
    """Can the fact bound to the reference's variable lack the field it names?

    Only fields marked ``optional`` can be missing (factview marks them; derived kinds inherit
    the mark from the fields they copy), unless the binding condition tests the field.
    """
    var, name = ref
    binding = next(c for c in r.conditions if c.var == var)
    spec = kinds.field(binding.kind, name)
    return (spec is None or spec.optional) and not _surely_has(binding, name)


def emit_rule(r: RuleIR, kinds: Kinds) -> tuple[list[dict[str, Any]], list[CountSpec]]:
    """The durable-rules definitions of one rule (without actions) and its count specs.

    A test against a reference to a field the bound fact lacks fails (engine.matching; see
    docs/rules.md, "Fields a fact lacks"). durable-rules 2.0.28 cannot evaluate such a test when
    it compares with anything but ``eq``: the evaluation fails with its error 311, and deleting
    the session afterwards crashed the process (measured in subprocesses, see
    tests/test_engine_limits.py). The compiler therefore never lets it see one:

    * a ``match`` condition's reference: the fact that binds the variable must have the field
      (``$ex``). This changes no result: without the field the test fails, and the rule could
      not match with that binding anyway;
    * an ``absent`` condition's reference to a field that may be missing (``may_lack``): a
      missing field makes every test against it fail, so nothing matches the negated pattern
      and the absence holds. The rule is emitted in variants that partition the cases: every
      such field present (the condition is kept), or the k-th missing and those before it
      present (the condition is dropped, as it holds). The variants of one rule never fire for
      the same binding.

    The first definition is the rule itself; the others (if any) are its variants.
    """
    aliases = {c.var: c.alias for c in r.conditions if c.var}
    required: set[_Field] = set()
    for c in r.conditions:
        if c.mode == "match":
            required.update(_references(c))
    split: list[tuple[CondIR, list[_Field]]] = []
    for c in r.conditions:
        if c.mode == "absent":
            lacking = [ref for ref in _references(c) if ref not in required and may_lack(r, kinds, ref)]
            if lacking:
                split.append((c, lacking))
    choices: list[list[_Case]] = [
        [(frozenset(refs), None), *((frozenset(refs[:k]), refs[k]) for k in range(len(refs)))]
        for _, refs in split
    ]
    bodies: list[dict[str, Any]] = []
    counts: list[CountSpec] = []
    for combo in itertools.product(*choices):
        need = set(required)
        missing: set[_Field] = set()
        dropped: set[int] = set()
        for (c, _), (have, lacks) in zip(split, combo, strict=True):
            need |= have
            if lacks is not None:
                missing.add(lacks)
                dropped.add(c.index)
        if need & missing:
            continue  # no fact both has and lacks a field
        counts = []
        bodies.append(_body(r, aliases, need, missing, dropped, counts))
    return bodies, counts


def _body(
    r: RuleIR,
    aliases: dict[str, str],
    need: set[_Field],
    missing: set[_Field],
    dropped: set[int],
    counts: list[CountSpec],
) -> dict[str, Any]:
    conds: list[dict[str, Any]] = [{"stratum": _pattern(STRATUM, [{"n": r.stratum}])}] if gated(r) else []
    for c in r.conditions:
        if c.index in dropped:
            continue
        tests = [_test(t, aliases) for t in c.tests]
        if c.var is not None:
            tests += [{"$ex": {engine_field(f): 1}} for v, f in sorted(need) if v == c.var]
            tests += [{"$nex": {engine_field(f): 1}} for v, f in sorted(missing) if v == c.var]
        if c.mode == "match":
            conds.append({c.alias: _pattern(c.kind, tests)})
        elif c.mode == "absent":
            conds.append({f"{c.alias}$not": _pattern(c.kind, tests)})
        else:
            counts.append(_count_spec(r, c))
            conds.append(_count_condition(r, c, aliases))
    return {"all": conds}


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

SESSION_OPEN: dict[str, Any] = {
    # durable-rules leaves a session's action context uninitialised until an action runs, and
    # delete_state frees it: deleting a session in which no action ever ran crashes the process
    # (a pack that matches nothing, a scenario with few facts). The runtime opens every session
    # with an OPEN marker that this rule's no-op action handles, so the context is always set.
    "all": [{"open": _pattern(OPEN, [])}]
}
