"""Compiled conditions evaluated in plain Python, over facts of an evaluation or a scenario view.

durable-rules decides what fires. Some questions come after the fact and about facts the engine
never saw together: would this fact of the new world block that rule of the old one (``diff``),
how far does a rule get before it fails (``check``), does a signpost's pattern hold. This module
answers them with the engine's semantics, measured on durable-rules 2.0.28:

* a test on a field the fact lacks fails, whatever the operator, except ``exists: false``;
* a ``$var.field`` reference to a field the bound fact lacks fails too;
* dates are compared as day numbers, lists only through ``contains``.

No durable-rules here: pure functions over dictionaries of field values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from policyengine.compiler.ir import CondIR, Kinds, Ref, Test

#: variable -> the fields of the fact bound to it
Env = Mapping[str, Mapping[str, Any]]


def normal(value: Any) -> Any:
    """A field value as the engine compares it: dates as day numbers, lists element-wise."""
    if hasattr(value, "toordinal"):
        return value.toordinal()
    if isinstance(value, (list, tuple)):
        return [normal(v) for v in value]
    return value


def _same(a: Any, b: Any) -> bool:
    # JSON keeps true and 1 apart; Python does not.
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return bool(a == b)


def operand(value: Any, env: Env) -> tuple[bool, Any]:
    """The value a test compares with: a literal, or a reference resolved under ``env`` (ok, value)."""
    if isinstance(value, Ref):
        bound = env.get(value.var)
        if bound is None:
            return False, None
        got = bound.get(value.field)
        if got is None:
            return False, None
        return True, normal(got)
    return True, value


def compare(op: str, actual: Any, expected: Any) -> bool:
    """The operators on a value the fact has (normalised) and the test's operand (resolved).

    Every Python re-reading of a rule's condition (diff, check, signposts, whatif, explain)
    comes down to this one function.
    """
    if op == "eq":
        return _same(actual, expected)
    if op == "ne":
        return not _same(actual, expected)
    if op == "in":
        return any(_same(actual, v) for v in expected)
    if op == "not_in":
        return not any(_same(actual, v) for v in expected)
    if op == "contains":
        return isinstance(actual, list) and any(_same(v, expected) for v in actual)
    try:
        if op == "lt":
            return bool(actual < expected)
        if op == "le":
            return bool(actual <= expected)
        if op == "gt":
            return bool(actual > expected)
        if op == "ge":
            return bool(actual >= expected)
    except TypeError:  # text against a number: the engine finds no match either
        return False
    raise AssertionError(f"unknown operator {op}")


def satisfies(test: Test, fields: Mapping[str, Any], env: Env) -> bool:
    """Does one test of a condition hold for a fact with these fields?"""
    raw = fields.get(test.field)
    if test.op == "exists":
        return (raw is not None) == bool(test.value)
    if raw is None:
        return False
    ok, expected = operand(test.value, env)
    if not ok:
        return False
    return compare(test.op, normal(raw), expected)


def pattern_holds(tests: Iterable[Test], fields: Mapping[str, Any], env: Env) -> bool:
    """Do all the tests hold for a fact with these fields?"""
    return all(satisfies(t, fields, env) for t in tests)


def count_holds(cond: CondIR, n: int) -> bool:
    """Is ``n`` matching facts within a count condition's bounds?"""
    if cond.at_least is not None and n < cond.at_least:
        return False
    return not (cond.at_most is not None and n > cond.at_most)


def describe_test(test: Test, env: Env | None = None, *, date: bool = False) -> str:
    """``field op value``; a reference is shown with the value it has under ``env``.

    ``date``: the field holds dates (literals are stored as day numbers and shown as dates).
    """
    if test.op == "exists":
        return f"{test.field} {'exists' if test.value else 'is unset'}"
    if isinstance(test.value, Ref) and env is not None:
        ok, value = operand(test.value, env)
        shown = f"{test.value} (= {_show(value, date)})" if ok else f"{test.value} (unset)"
    elif isinstance(test.value, (list, tuple)):
        shown = "[" + ", ".join(_show(v, date) for v in test.value) + "]"
    else:
        shown = _show(test.value, date)
    op = "=" if test.op == "eq" else test.op
    return f"{test.field} {op} {shown}"


def _show(value: Any, date: bool) -> str:
    if date and isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return dt.date.fromordinal(value).isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe_condition(cond: CondIR, kinds: Kinds, env: Env | None = None) -> str:
    """``absent asset_protection where partner = $partner.code (= FRA)``, for reports."""
    tests = ", ".join(describe_test(t, env, date=_is_date(kinds, cond.kind, t.field)) for t in cond.tests)
    text = f"{cond.mode} {cond.kind}" + (f" where {tests}" if tests else "")
    if cond.mode == "count":
        bounds = []
        if cond.at_least is not None:
            bounds.append(f"at least {cond.at_least}")
        if cond.at_most is not None:
            bounds.append(f"at most {cond.at_most}")
        text += " " + " and ".join(bounds)
    return text


def _is_date(kinds: Kinds, kind: str, field: str) -> bool:
    spec = kinds.field(kind, field)
    return spec is not None and spec.type == "date"
