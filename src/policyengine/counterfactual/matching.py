"""Condition tests with their references resolved, to find near misses and blockers without the engine.

This is analysis only: it proposes changes. Whether a change really flips a recommendation is
decided by re-evaluating the changed scenario on durable-rules (see :mod:`.evaluator`). The tests
themselves are evaluated by :mod:`policyengine.engine.matching`, the one place that reproduces
durable-rules' semantics in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policyengine.compiler.ir import Ref, Test
from policyengine.engine.matching import normal as norm
from policyengine.engine.matching import satisfies

__all__ = ["Constraint", "all_hold", "holds", "norm", "resolve"]


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
    return satisfies(Test("value", op, value), {"value": actual}, {})


def all_hold(fields: dict[str, Any], constraints: list[Constraint]) -> bool:
    return all(c.holds(fields) for c in constraints)
