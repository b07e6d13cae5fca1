"""Short reasons why a recommendation or risk is, or is not, among the results (for ``check``).

``why_missing`` names the rules that could produce the outcome and, for each, how far its
conditions get for that target before one fails, and why. ``why_present`` names the rules and
evidence that produced it. Both are deliberately small: ``policyengine explain`` owns full
why / why-not explanations, and these two functions are the seam where ``check`` can switch to it.

The search for how far a rule gets is target-directed: the outcome's target (``$partner.code``
= GBR) is pinned, and so is every field joined to it by equality (``code: $raa.country`` pins
``raa.country`` too), so that the first failing condition is one about that target.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from policyengine.compiler.ir import CondIR, Ref, RuleIR
from policyengine.engine.matching import (
    count_holds,
    describe_condition,
    describe_test,
    failing_tests,
    normal,
    pattern_holds,
)
from policyengine.engine.results import Result
from policyengine.engine.runtime import EngineFact, RawEvaluation

#: nodes visited per rule before the search settles for the best found so far
SEARCH_BUDGET = 20_000


def _fact_text(f: EngineFact) -> str:
    if f.view is not None:
        return f.view.describe()
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(f.fields.items()) if v is not None)
    return f"{f.kind} {{{shown}}}"


def _pins(rule: RuleIR, target: Ref, value: str) -> dict[tuple[str, str], Any]:
    """Every (variable, field) that equality joins to the target field, with the target's value."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in rule.conditions:
        if c.mode != "match" or c.var is None:
            continue
        for t in c.tests:
            if t.op == "eq" and isinstance(t.value, Ref):
                parent[find((c.var, t.field))] = find((t.value.var, t.value.field))
    root = find((target.var, target.field))
    return {x: value for x in list(parent) if find(x) == root} | {(target.var, target.field): value}


@dataclass
class _Best:
    depth: int = -1
    bound: list[str] = field(default_factory=list)
    failure: str = ""


class _Search:
    def __init__(self, raw: RawEvaluation, rule: RuleIR, pins: dict[tuple[str, str], Any]) -> None:
        self.raw = raw
        self.rule = rule
        self.pins = pins
        self.by_kind: dict[str, list[EngineFact]] = defaultdict(list)
        for f in sorted(raw.facts.values(), key=lambda f: f.key):
            self.by_kind[f.kind].append(f)
        self.best = _Best()
        self.visits = 0
        self.exhausted = False

    def pinned_ok(self, var: str | None, f: EngineFact) -> list[str]:
        """The pinned fields this fact gets wrong (as 'field = value' texts)."""
        if var is None:
            return []
        return [
            f"{name} = {value}"
            for (v, name), value in sorted(self.pins.items())
            if v == var and normal(f.fields.get(name)) != value
        ]

    def fail(self, depth: int, bound: list[str], text: str) -> None:
        if depth > self.best.depth:
            self.best = _Best(depth, list(bound), text)

    def run(self, i: int, env: dict[str, Any], bound: list[str]) -> None:
        self.visits += 1
        if self.visits > SEARCH_BUDGET:
            self.exhausted = True
            return
        conds = self.rule.conditions
        if i == len(conds):
            self.fail(i, bound, "")
            return
        c = conds[i]
        facts = self.by_kind.get(c.kind, [])
        kinds = self.raw.compiled.kinds
        if c.mode == "match":
            hits = [
                f for f in facts if pattern_holds(c.tests, f.fields, env) and not self.pinned_ok(c.var, f)
            ]
            if not hits:
                self.fail(i, bound, self._no_match(c, facts, env))
                return
            for f in hits:
                self.run(i + 1, {**env, c.var or c.alias: f.fields}, [*bound, f"{c.var} = {_fact_text(f)}"])
                if self.exhausted:
                    return
            return
        hits = [f for f in facts if pattern_holds(c.tests, f.fields, env)]
        if c.mode == "absent":
            if hits:
                found = ", ".join(_fact_text(f) for f in hits[:3]) + (" ..." if len(hits) > 3 else "")
                self.fail(i, bound, f"{describe_condition(c, kinds, env)}: found {found}")
                return
        elif not count_holds(c, len(hits)):
            self.fail(i, bound, f"{describe_condition(c, kinds, env)}: found {len(hits)}")
            return
        self.run(i + 1, env, bound)

    def _no_match(self, c: CondIR, facts: list[EngineFact], env: dict[str, Any]) -> str:
        kinds = self.raw.compiled.kinds
        spec = kinds.specs.get(c.kind)
        pinned = [f"{name} = {value}" for (v, name), value in sorted(self.pins.items()) if v == c.var]
        text = describe_condition(c, kinds, env)
        if pinned:
            text += f" (for the target: {', '.join(pinned)})"
        producers = self._producers(c)
        origin = f"; {c.kind} facts come from rules {', '.join(producers)}" if producers else ""
        if pinned:
            facts = [f for f in facts if not self.pinned_ok(c.var, f)]
            if not facts:
                return f"{text}: there is no such {c.kind} fact for {', '.join(pinned)}{origin}"
        elif producers:
            # Derived facts about other targets: only those passing the literal tests are worth showing.
            literal = [t for t in c.tests if not isinstance(t.value, Ref)]
            facts = [f for f in facts if pattern_holds(literal, f.fields, env)]
        # A fact that fails a join (field = $var.field) is about something else: not worth showing.
        joins = [t for t in c.tests if t.op == "eq" and isinstance(t.value, Ref)]
        facts = [f for f in facts if pattern_holds(joins, f.fields, env)]
        if not facts:
            return f"{text}: there is no such {c.kind} fact{origin}"

        def misses(f: EngineFact) -> list[str]:
            return [
                describe_test(
                    t, env, date=bool(spec and t.field in spec.fields and spec.fields[t.field].type == "date")
                )
                for t in failing_tests(c.tests, f.fields, env)
            ]

        closest = min(facts, key=lambda f: (len(misses(f)), f.key))
        return (
            f"{text}: none matches; closest {_fact_text(closest)} fails {', '.join(misses(closest))}{origin}"
        )

    def _producers(self, c: CondIR) -> list[str]:
        """The rules that derive facts of the condition's kind (for outcomes: of its action)."""
        rules = self.raw.compiled.rules
        if c.kind in ("recommendation", "risk"):
            name = "action" if c.kind == "recommendation" else "kind"
            wanted = {
                t.value for t in c.tests if t.field == name and t.op == "eq" and not isinstance(t.value, Ref)
            }
            out = []
            for r in rules:
                spec = r.output.recommend if c.kind == "recommendation" else r.output.risk
                if spec is not None and (not wanted or spec.get(name) in wanted):
                    out.append(r.id)
            return sorted(out)
        return sorted({r.id for r in rules if c.kind in r.produces()})


def _candidates(raw: RawEvaluation, kind: str, action: str) -> list[RuleIR]:
    out = []
    for r in raw.compiled.rules:
        spec = r.output.recommend if kind == "recommendation" else r.output.risk
        if spec is not None and spec.get("action" if kind == "recommendation" else "kind") == action:
            out.append(r)
    return out


def why_missing(raw: RawEvaluation, kind: str, outcome_id: str, lang: str = "en") -> list[str]:
    """Why ``outcome_id`` (a recommendation or risk) is not among the results: one line per rule."""
    action, _, target = outcome_id.partition("/")
    rules = _candidates(raw, kind, action)
    verb = "recommends" if kind == "recommendation" else "raises"
    if not rules:
        return [f"no rule of pack '{raw.compiled.pack.id}' {verb} '{action}'"]
    lines = []
    for rule in rules:
        spec = rule.output.recommend if kind == "recommendation" else rule.output.risk
        assert spec is not None
        head = f"rule {rule.id} ({rule.rule.title.get(lang)})"
        tgt = spec["target"]
        if not isinstance(tgt, Ref):
            if tgt != target:
                lines.append(f"{head}: targets only {tgt}")
                continue
            pins: dict[tuple[str, str], Any] = {}
        else:
            pins = _pins(rule, tgt, target)
        search = _Search(raw, rule, pins)
        search.run(0, {}, [])
        best = search.best
        n = len(rule.conditions)
        if best.depth >= n:
            lines.append(f"{head}: every condition holds for {target}, yet it did not fire (please report)")
            continue
        span = "condition 1 holds" if best.depth == 1 else f"conditions 1-{best.depth} hold"
        held = f"{span} ({'; '.join(best.bound)}); " if best.depth > 0 else ""
        stop = " (search stopped early)" if search.exhausted else ""
        lines.append(f"{head}: {held}condition {best.depth + 1} of {n} fails: {best.failure}{stop}")
    return lines


def why_present(result: Result, kind: str, outcome_id: str, lang: str = "en") -> list[str]:
    """Which rules and evidence produced ``outcome_id``, and the reason they give."""
    if kind == "recommendation":
        rec = result.recommendation(outcome_id)
        if rec is None:
            return []
        return [
            f"made by rule {', '.join(rec.rules)} from {', '.join(rec.evidence)}",
            f"because: {rec.justification[lang]}",
        ]
    risk = next((r for r in result.risks if r.id == outcome_id), None)
    if risk is None:
        return []
    return [
        f"raised by rule {', '.join(risk.rules)} from {', '.join(risk.evidence)}",
        f"because: {risk.message[lang]}",
    ]


__all__ = ["SEARCH_BUDGET", "why_missing", "why_present"]
