"""The run-time match budget (E408): its estimate stops as soon as a rule is within the budget,
and decides exactly as the whole estimate would."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from policyengine.compiler import capacity
from policyengine.engine.runtime import _DECIDES, _surely_fails
from policyengine.models.factview import build_view


def _whole_estimate(rule: Any, facts: dict[str, list[dict[str, Any]]]) -> int:
    """The estimate computed in full: every condition's factor, multiplied (each group's, added,
    for a product rule), every test tried on every fact, nothing kept from another call."""
    return capacity.estimate_matches(rule, facts, _surely_fails, whole=True)


@pytest.mark.parametrize("limit", [1, 7, 100, 1_000, 20_000, 10**6, 10**9, 10**15])
def test_the_budget_decides_as_the_whole_estimate(
    korea: Any, compiled_pack: Any, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in build_view(korea.scenario, compiled_pack.base_kinds):
        facts[v.kind].append(v.fields)
    monkeypatch.setattr(capacity, "MAX_RULE_MATCHES", limit)
    over = 0
    decisions: dict[int, dict[tuple[Any, ...], bool]] = {}
    for rule in compiled_pack.rules:
        whole = _whole_estimate(rule, facts)
        # as the runtime asks: decisions kept across evaluations (here: across two calls)
        got = capacity.estimate_matches(rule, facts, _surely_fails, {}, _DECIDES, decisions)
        assert capacity.estimate_matches(rule, facts, _surely_fails, {}, _DECIDES, decisions) == got
        assert (got > limit) == (whole > limit), rule.id
        if got > limit:
            assert got == whole, rule.id  # the number E408 reports
            over += 1
        else:
            assert whole <= got  # within the budget: a bound of the estimate, never below it
    if limit == 7:
        assert over > 0  # the small limits exercise the path that reports
