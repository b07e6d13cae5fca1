"""Why a recommendation was made: its derivation tree, read from the recorded trace.

The lineage filter selects the events the outcome rests on; this module arranges them as a
tree: each rule application with its conditions, each condition with the fact it matched, each
derived fact with the applications that derived it, down to the scenario's facts (located at
their file:line, with their own sources). A derived fact used twice is expanded once.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from policyengine.compiler.emit import COUNT
from policyengine.compiler.ir import Ref
from policyengine.compiler.wording import UNBOUND, i18n
from policyengine.engine.results import Recommendation, Risk
from policyengine.engine.trace import TraceEvent
from policyengine.explain.facts import FactIndex, rule_info
from policyengine.explain.filters import PRODUCING, lineage
from policyengine.explain.nodes import Application, ConditionNode, Derivation, FactNode


class TreeBuilder:
    """Arranges trace events as trees of rule applications and facts."""

    def __init__(self, events: list[TraceEvent], index: FactIndex) -> None:
        self.index = index
        self.by_seq = {e.seq: e for e in events}
        self.counts = {e.fact: e for e in events if e.kind == "count"}
        self.made: dict[tuple[str, str], list[TraceEvent]] = {}
        for e in events:
            if e.kind in PRODUCING and e.fact is not None:
                made = str(e.data.get("of", "derive")) if e.kind == "support" else e.kind
                self.made.setdefault((e.fact, made), []).append(e)
        self.expanded: set[str] = set()

    def applications(self, ref: str, made: str) -> list[Application]:
        out = []
        for e in self.made.get((ref, made), []):
            if e.cause is not None:
                out.append(self.application(self.by_seq[e.cause]))
        return out

    def fact(self, ref: str) -> FactNode:
        f = self.index.fact(ref)
        node = self.index.node(f)
        if f.view is None and f.kind != COUNT:
            if ref in self.expanded:
                node.shown_above = True
            else:
                self.expanded.add(ref)
                node.derived_by = self.applications(ref, "derive")
        return node

    def application(self, match: TraceEvent) -> Application:
        assert match.rule is not None
        rule = self.index.compiled.rule(match.rule)
        assert rule is not None
        bound = dict(match.bindings)
        wording = self.index.wording

        def resolve(ref: Ref) -> Any:
            got = bound.get(ref.var)
            return self.index.fact(got).fields.get(ref.field) if got is not None else UNBOUND

        conditions = []
        for cond in rule.conditions:
            node = ConditionNode(cond.index, cond.mode, cond.var, {}, holds=True)
            if cond.mode == "match" and cond.var is not None:
                node.text = i18n(partial(wording.pattern, cond, resolve))
                node.facts = [self.fact(bound[cond.var])]
            elif cond.mode == "absent":
                node.text = i18n(partial(wording.absent, cond, resolve))
            elif cond.alias in bound:
                count = self.counts[bound[cond.alias]]
                members = [str(m) for m in count.data.get("members", ())]
                n = int(count.data.get("n", len(members)))
                node.text = i18n(partial(wording.counted, cond, n, resolve))
                node.facts = [self.fact(m) for m in members]
            else:  # an 'at most' count binds nothing: say what held
                node.text = i18n(partial(wording.condition, cond, resolve))
            conditions.append(node)
        return Application(rule_info(rule), conditions)


def build_derivation(
    outcome: Recommendation | Risk, events: list[TraceEvent], index: FactIndex
) -> Derivation:
    """The derivation tree of a recommendation or risk that was made, from the evaluation's trace."""
    made = "recommend" if isinstance(outcome, Recommendation) else "risk"
    builder = TreeBuilder(lineage(events, outcome.id, outcome=made), index)
    applications = builder.applications(outcome.id, made)
    if isinstance(outcome, Recommendation):
        return Derivation(
            outcome.id,
            "recommendation",
            dict(outcome.title),
            dict(outcome.target_name),
            dict(outcome.justification),
            dict(outcome.because),
            outcome.priority,
            applications,
        )
    return Derivation(
        outcome.id,
        "risk",
        dict(outcome.title),
        dict(outcome.target_name),
        dict(outcome.message),
        dict(outcome.because),
        outcome.severity,
        applications,
    )


__all__ = ["TreeBuilder", "build_derivation"]
