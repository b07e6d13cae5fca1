"""Why a recommendation was not made: the rules that could have made it, at their nearest.

For each candidate rule (one whose recommend, risk or derive action produces what is sought),
the Python matcher finds the binding that comes closest (:func:`~policyengine.explain.matcher
.nearest`); each of its conditions is then said to hold, or to fail and why: the attribute that
differs, the fact in the way of an 'absent', the count that falls short. A derived fact that is
missing is explained the same way, recursively ("why is there no raa-partner for Australia?"),
also when a count of derived facts found none ("why is no link-technology-cooperation made?").
"""

from __future__ import annotations

from functools import partial
from typing import Any

from policyengine.compiler.ir import CondIR, Ref, RuleIR, Test
from policyengine.compiler.wording import UNBOUND, i18n
from policyengine.engine.matching import compare, normal
from policyengine.engine.results import Result
from policyengine.engine.runtime import fact_ref
from policyengine.engine.trace import TraceEvent
from policyengine.explain.derivation import TreeBuilder
from policyengine.explain.facts import FactIndex, rule_info
from policyengine.explain.matcher import MISSING, Attempt, Constraints, FactBase, nearest
from policyengine.explain.nodes import Application, ConditionNode, WhyNot

#: How deep missing derived facts are explained (the paper's rules chain at most 3 deep).
MAX_DEPTH = 3


def productions(rule: RuleIR) -> list[tuple[str, dict[str, Any]]]:
    """What a rule produces: (kind, field -> literal or Ref), outcomes included."""
    out: list[tuple[str, dict[str, Any]]] = [(kind, dict(spec)) for kind, spec in rule.output.derive]
    rec = rule.output.recommend
    if rec is not None:
        out.append(("recommendation", {"action": rec["action"], "target": rec["target"]}))
    risk = rule.output.risk
    if risk is not None:
        out.append(("risk", {"kind": risk["kind"], "target": risk["target"]}))
    return out


def _goal_for(spec: dict[str, Any], wanted: dict[str, Any]) -> Constraints | None:
    """The constraints on a rule's variables under which it produces ``wanted``; None if never."""
    goal: Constraints = {}
    for name, value in wanted.items():
        if name not in spec:
            return None
        expr = spec[name]
        if isinstance(expr, Ref):
            have = goal.setdefault(expr.var, {}).get(expr.field, MISSING)
            if have is not MISSING and have != value:
                return None
            goal[expr.var][expr.field] = value
        elif not compare("eq", normal(expr), value):
            return None
    return goal


def _outcome_fields(kind: str, wanted: dict[str, Any]) -> dict[str, Any]:
    """A recommendation or risk sought by id is sought by its action and target."""
    out = {k: v for k, v in wanted.items() if k != "id"}
    oid = wanted.get("id")
    if isinstance(oid, str) and "/" in oid:
        action, _, target = oid.partition("/")
        out["action" if kind == "recommendation" else "kind"] = action
        out["target"] = target
    return out


def _with_constraints(cond: CondIR, wanted: dict[str, Any]) -> CondIR:
    """The condition with the values a goal requires shown as tests (for the words only)."""
    tested = {t.field for t in cond.tests}
    extra = [Test(k, "eq", v) for k, v in wanted.items() if k not in tested]
    if not extra:
        return cond
    return CondIR(
        cond.index, cond.mode, cond.kind, cond.var, [*cond.tests, *extra], cond.at_least, cond.at_most
    )


def _expected(cond: CondIR, attempt: Attempt) -> dict[str, Any]:
    """What a 'match' that found no fact needed: the goal's values, and the values that later
    conditions, joined to it and bound, expect of it (``agreement: $japan.agreement``)."""
    wanted = dict(attempt.constraints.get(cond.var or "", {}))
    for r in attempt.results:
        if r.fact is None:
            continue
        for t in r.cond.tests:
            if (
                t.op == "eq"
                and isinstance(t.value, Ref)
                and t.value.var == cond.var
                and t.field in r.fact.values
            ):
                wanted.setdefault(t.value.field, r.fact.values[t.field])
    return wanted


class WhyNotBuilder:
    """Builds why-not explanations over one evaluation."""

    def __init__(
        self, index: FactIndex, events: list[TraceEvent], result: Result, *, max_depth: int = MAX_DEPTH
    ) -> None:
        self.index = index
        self.result = result
        self.base = FactBase(index.raw)
        self.tree = TreeBuilder(events, index)  # derivations of the facts that did match
        self.max_depth = max_depth
        self.rules = index.compiled.rules

    # -- goals ---------------------------------------------------------------------------------
    def outcome(self, kind: str, action: str, target: str) -> WhyNot:
        """Why the recommendation (or risk) ``action/target`` was not made."""
        name = "action" if kind == "recommendation" else "kind"
        return self._why(kind, {name: action, "target": target}, 0, frozenset())

    def _text(self, kind: str, wanted: dict[str, Any]) -> dict[str, str]:
        w = self.index.wording
        if kind in ("recommendation", "risk"):
            action = wanted.get("action", wanted.get("kind"))
            target = wanted.get("target")
            if target is None:
                return {
                    "ja": f"「{action}」の{w.noun(kind, 'ja')}",
                    "en": f"a {kind} '{action}'",
                }
            oid = f"{action}/{target}"
            return {
                "ja": f"{w.noun(kind, 'ja')}「{oid}」（{self.index.names.target(str(target), 'ja')}）",
                "en": f"{kind} {oid} ({self.index.names.target(str(target), 'en')})",
            }
        return i18n(partial(w.derived, kind, wanted))

    def _goal_id(self, kind: str, wanted: dict[str, Any]) -> str:
        if kind in ("recommendation", "risk"):
            action = wanted.get("action", wanted.get("kind"))
            return f"{action}/{wanted['target']}" if "target" in wanted else f"{action}/*"
        inner = ", ".join(f"{k}={v}" for k, v in sorted(wanted.items()))
        return f"{kind}({inner})"

    def _elsewhere(self, kind: str, wanted: dict[str, Any]) -> list[str]:
        if kind not in ("recommendation", "risk"):
            return []
        action = wanted.get("action", wanted.get("kind"))
        pool = self.result.recommendations if kind == "recommendation" else self.result.risks
        target = wanted.get("target")
        return [o.id for o in pool if o.id.partition("/")[0] == action and o.target != target]

    def _why(self, kind: str, wanted: dict[str, Any], depth: int, trail: frozenset[str]) -> WhyNot:
        if kind in ("recommendation", "risk"):
            wanted = _outcome_fields(kind, wanted)
        goal_id = self._goal_id(kind, wanted)
        why = WhyNot(goal_id, kind, self._text(kind, wanted), [], self._elsewhere(kind, wanted))
        candidates: list[Attempt] = []
        for rule in self.rules:
            for produced, spec in productions(rule):
                if produced != kind:
                    continue
                goal = _goal_for(spec, wanted)
                if goal is not None:
                    candidates.append(nearest(rule, self.base, goal))
                    break
        if not candidates:
            why.note = {
                "ja": "ルールパックにこれを導くルールがない",
                "en": "no rule of the pack can produce this",
            }
            return why
        candidates.sort(key=lambda a: (a.cost, a.rule.index))
        inner = trail | {goal_id}
        why.attempts = [self._application(a, depth, inner) for a in candidates]
        return why

    # -- one rule at its nearest binding -------------------------------------------------------
    def _application(self, attempt: Attempt, depth: int, trail: frozenset[str]) -> Application:
        w = self.index.wording
        env = attempt.env

        def resolve(ref: Ref) -> Any:
            f = env.get(ref.var)
            if f is not None:
                return f.engine.fields.get(ref.field)
            got = attempt.constraints.get(ref.var, {}).get(ref.field, MISSING)
            return UNBOUND if got is MISSING else got

        nodes = []
        for r in attempt.results:
            cond = r.cond
            node = ConditionNode(cond.index, cond.mode, cond.var, {}, holds=r.holds, unknown=r.unknown)
            if cond.mode == "match":
                shown = _with_constraints(cond, _expected(cond, attempt)) if r.fact is None else cond
                node.text = i18n(partial(w.pattern, shown, resolve))
                if r.fact is not None:
                    node.facts = [self.tree.fact(fact_ref(r.fact.engine))]
                    fields = r.fact.engine.fields
                    node.failures = [
                        i18n(partial(w.mismatch, cond.kind, t, fields, resolve)) for t in r.failed
                    ]
                elif r.unknown:
                    node.failures = [i18n(partial(w.unknown, r.unbound(env, attempt.constraints)))]
                else:
                    derived = self.index.compiled.kinds.specs[cond.kind].derived
                    node.failures = [i18n(partial(w.no_fact, shown, resolve, derived))]
                    if derived:
                        node.missing = self._missing(cond, attempt, depth, trail)
            else:
                node.text = i18n(partial(w.condition, cond, resolve))
                if r.unknown:
                    node.failures = [i18n(partial(w.unknown, r.unbound(env, attempt.constraints)))]
                elif cond.mode == "absent" and not r.holds:
                    node.facts = [self.tree.fact(fact_ref(f.engine)) for f in r.facts]
                    node.failures = [
                        i18n(partial(w.in_the_way, f.kind, f.engine.fields, self.index.model(f.engine)))
                        for f in r.facts
                    ]
                elif cond.mode == "count":
                    node.facts = [self.tree.fact(fact_ref(f.engine)) for f in r.facts]
                    if not r.holds:
                        node.failures = [i18n(partial(w.miscount, cond, len(r.facts)))]
                        derived = self.index.compiled.kinds.specs[cond.kind].derived
                        if derived and not r.facts and cond.at_least:
                            # Nothing to count: why is there no such fact at all? (When some
                            # are there but too few, "why not one more" has no nearest answer.)
                            node.missing = self._missing(cond, attempt, depth, trail)
            nodes.append(node)
        return Application(rule_info(attempt.rule), nodes)

    def _missing(self, cond: CondIR, attempt: Attempt, depth: int, trail: frozenset[str]) -> list[WhyNot]:
        """Why the derived fact a 'match' (or a 'count' of none) needed is not there (one level deeper)."""
        if depth + 1 > self.max_depth:
            return []
        wanted = _expected(cond, attempt)
        for t in cond.tests:
            if t.op != "eq":
                continue
            if isinstance(t.value, Ref):
                f = attempt.env.get(t.value.var)
                if f is not None and t.value.field in f.values:
                    wanted.setdefault(t.field, f.values[t.value.field])
            else:
                wanted.setdefault(t.field, t.value)
        kind = cond.kind
        goal_id = self._goal_id(
            kind, _outcome_fields(kind, wanted) if kind in ("recommendation", "risk") else wanted
        )
        if goal_id in trail:
            return []
        return [self._why(kind, wanted, depth + 1, trail)]


__all__ = ["MAX_DEPTH", "WhyNotBuilder", "productions"]
