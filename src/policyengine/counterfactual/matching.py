"""Condition tests read in Python, to find near misses and blockers without the engine.

This is analysis only: it proposes changes. Whether a change really flips a recommendation is
decided by re-evaluating the changed scenario on durable-rules (see :mod:`.evaluator`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policyengine.compiler.ir import Ref, Test

UNKNOWN = object()  # a Ref to a variable not bound yet, or to a field a hypothetical fact lacks


def norm(value: Any) -> Any:
    """Values as the engine compares them: dates as day numbers."""
    if hasattr(value, "toordinal"):
        return value.toordinal()
    if isinstance(value, (list, tuple)):
        return [norm(v) for v in value]
    return value


@dataclass(frozen=True)
class Constraint:
    """A test whose value is known: ``field op value`` (value normalised)."""

    field: str
    op: str
    value: Any

    def holds(self, fields: dict[str, Any]) -> bool:
        return holds(fields.get(self.field), self.op, self.value)


def resolve(test: Test, env: dict[str, dict[str, Any]]) -> Constraint | None:
    """The test with its reference resolved through ``env`` (variable -> fields); None if unknown."""
    value = test.value
    if isinstance(value, Ref):
        bound = env.get(value.var)
        if bound is None or bound.get(value.field) is None:
            return None
        value = norm(bound[value.field])
    return Constraint(test.field, test.op, value)


def holds(actual: Any, op: str, value: Any) -> bool:
    """Whether a field value passes a test (an absent field fails all but ``exists: false``)."""
    if op == "exists":
        return (actual is not None) == bool(value)
    if actual is None:
        return False
    a = norm(actual)
    if op == "eq":
        return bool(a == value)
    if op == "ne":
        return bool(a != value)
    if op == "in":
        return a in value
    if op == "not_in":
        return a not in value
    if op == "contains":
        return isinstance(a, list) and value in a
    try:
        if op == "lt":
            return bool(a < value)
        if op == "le":
            return bool(a <= value)
        if op == "gt":
            return bool(a > value)
        if op == "ge":
            return bool(a >= value)
    except TypeError:
        return False
    raise ValueError(f"unknown operator {op}")


def all_hold(fields: dict[str, Any], constraints: list[Constraint]) -> bool:
    return all(c.holds(fields) for c in constraints)
