"""Why an outcome changed: the fact changes it rests on, or that block or unblock its rule.

Two ways a fact change reaches a recommendation or risk:

1. **Evidence.** The outcome's evidence (the scenario facts its rule matched, followed through
   derived facts) holds a fact that appeared, vanished or was altered.
2. **Negation.** The rule that made the outcome in one world has an ``absent`` condition (or a
   count with an upper bound) that facts of the other world satisfy: a new asset-protection
   fact for France *blocks* ``extend-asset-protection`` for France; removing it *unblocks* the
   rule. The conditions are evaluated under the rule's bindings in the world where it fired,
   against the facts (base and derived) of the world where it did not. When the rule matched a
   derived fact that the other world lacks, the rules that derived it are examined the same way.

Every cause names a scenario fact that changed between the two worlds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from policyengine.compiler.emit import COUNT
from policyengine.compiler.ir import CondIR, Ref, RuleIR
from policyengine.compiler.wording import UNBOUND, Wording
from policyengine.diff.facts import FactChange
from policyengine.diff.outcomes import Cause, OutcomeChange
from policyengine.engine.evidence import Evidence
from policyengine.engine.matching import Env, count_holds, describe_condition, operand, pattern_holds
from policyengine.engine.runtime import EngineFact, RawEvaluation, Support, bound_facts

if TYPE_CHECKING:
    from policyengine.models.names import Names

HEADER = "scenario"  # cause id of a change to the scenario header (as_of ...), when rules read it
_HOW = {"added": "appeared", "removed": "vanished", "altered": "altered"}
MAX_DEPTH = 16
_OPPOSITE = {"blocks": "unblocks", "unblocks": "blocks"}


def _plainly(
    world: _World, rule: RuleIR, cond: CondIR, env: Env
) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """The rule's title and what the condition needs, in plain words (ja, en), for reports."""
    w = world.wording
    if w is None:
        return None, None

    def resolve(ref: Ref) -> Any:
        fields = env.get(ref.var)
        return UNBOUND if fields is None or ref.field not in fields else fields[ref.field]

    said = [
        w.absent(cond, resolve, lang) if cond.mode == "absent" else w.condition(cond, resolve, lang)
        for lang in ("ja", "en")
    ]
    return (rule.rule.title.ja, rule.rule.title.en), (said[0], said[1])


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class _World:
    """Indexes over one evaluation: facts by kind, keys, and evidence (memoised)."""

    def __init__(self, raw: RawEvaluation, names: Names | None = None) -> None:
        self.raw = raw
        #: the words of this world's rules and names, to say a blocking condition plainly
        self.wording = None if names is None else Wording(names, raw.compiled.kinds, raw.compiled.rules)
        self.by_kind = raw.by_kind()  # the evaluation's own fact base, shared with explain and whatif
        self.keys = {f.key for f in raw.facts.values()}
        self.evidence = Evidence(raw)

    def candidates(self, cond: CondIR, env: Env) -> list[EngineFact]:
        """Facts that may match a condition: those with the value its first equality test wants."""
        for t in cond.tests:
            if t.op != "eq":
                continue
            ok, value = operand(t.value, env)
            if ok:
                return self.raw.lookup(cond.kind, t.field, _hashable(value))
        return self.by_kind.get(cond.kind, [])

    def reads_scenario(self, s: Support, seen: set[int] | None = None) -> bool:
        """Did the support, or a derivation it rests on, bind the scenario fact?"""
        seen = set() if seen is None else seen
        for fid in bound_facts((s,)):
            if fid in seen:
                continue
            seen.add(fid)
            f = self.raw.facts[fid]
            if f.kind == "scenario" or any(self.reads_scenario(d, seen) for d in f.supports):
                return True
        return False

    def support_key(self, s: Support) -> tuple[str, tuple[str, ...]]:
        return (self.raw.compiled.rules[s.rule].id, s.key)

    def expanded(self, supports: list[Support]) -> list[Support]:
        """The supports with every product (compiler.products) expanded into its combinations,
        each keyed as the engine keys a support that is not a product."""
        out: list[Support] = []
        for s in supports:
            if not s.others:
                out.append(s)
                continue
            for combo in s.combinations():
                key = tuple(f"{var}={self.raw.facts[fid].key}" for var, fid in combo)
                out.append(Support(s.rule, combo, key))
        return out


class CauseFinder:
    """Links outcome changes between two evaluations to the fact changes between their scenarios."""

    def __init__(
        self,
        old: RawEvaluation,
        new: RawEvaluation,
        changes: Iterable[FactChange],
        *,
        header_changed: bool = False,
        names: tuple[Names, Names] | None = None,
    ) -> None:
        self.old = _World(old, names[0] if names else None)
        self.new = _World(new, names[1] if names else None)
        self.changes = {c.fact_id: c for c in changes}
        self.header_changed = header_changed

    def causes(self, change: OutcomeChange) -> tuple[Cause, ...]:
        key = f"{change.kind}:{change.id}"
        old_o = self.old.raw.outcomes.get(key)
        new_o = self.new.raw.outcomes.get(key)
        found: set[Cause] = set()
        for world, outcome in ((self.old, old_o), (self.new, new_o)):
            if outcome is None:
                continue
            for s in outcome.supports:
                for origin in world.evidence.of_support(s):
                    self._evidence_cause(origin, found)
        old_supports = self.old.expanded(old_o.supports) if old_o else []
        new_supports = self.new.expanded(new_o.supports) if new_o else []
        old_keys = {self.old.support_key(s) for s in old_supports}
        new_keys = {self.new.support_key(s) for s in new_supports}
        if old_o is not None:
            lost = [s for s in old_supports if self.old.support_key(s) not in new_keys]
            self._negations(lost, self.old, self.new, "blocks", found, set(), 0)
        if new_o is not None:
            gained = [s for s in new_supports if self.new.support_key(s) not in old_keys]
            self._negations(gained, self.new, self.old, "unblocks", found, set(), 0)
        if not found and self.header_changed:
            # Nothing but the header changed under the outcome: a rule read the as_of date
            # (e.g. an event it had to ignore has now happened). The scenario fact is evidence
            # of nothing (engine.evidence), so this is named only when no fact explains it.
            for world, outcome in ((self.old, old_o), (self.new, new_o)):
                if outcome is not None and any(world.reads_scenario(s) for s in outcome.supports):
                    found.add(Cause(HEADER, "altered"))
        return tuple(sorted(found, key=lambda c: (c.fact_id, c.how, c.rule or "", c.condition or "")))

    def _changed(self, origin: str) -> str | None:
        """The cause id of a scenario fact if it changed, else None."""
        if origin.startswith("scenario:"):
            return HEADER if self.header_changed else None
        return origin if origin in self.changes else None

    def _evidence_cause(self, origin: str, found: set[Cause]) -> None:
        cid = self._changed(origin)
        if cid is None:
            return
        how = "altered" if cid == HEADER else _HOW[self.changes[cid].change]
        found.add(Cause(cid, how))

    def _negations(
        self,
        supports: list[Support],
        here: _World,
        there: _World,
        how: str,
        found: set[Cause],
        visited: set[str],
        depth: int,
    ) -> None:
        """Facts of ``there`` that satisfy a negated condition of these supports' rules."""
        if depth > MAX_DEPTH:
            return
        rules = here.raw.compiled.rules
        kinds = here.raw.compiled.kinds
        for s in here.expanded(supports):
            rule = rules[s.rule]
            env = {var: here.raw.facts[fid].fields for var, fid in s.bindings if var in rule.var_kinds}
            # The scenario fact is the frame of a world, not a fact of it: in the other world the
            # rule reads that world's as_of date.
            for var, kind in rule.var_kinds.items():
                if kind == "scenario" and var in env and there.by_kind.get("scenario"):
                    env[var] = there.by_kind["scenario"][0].fields
            for cond in rule.conditions:
                bounded = cond.mode == "count" and cond.at_most is not None
                if cond.mode != "absent" and not bounded:
                    continue
                hits = [f for f in there.candidates(cond, env) if pattern_holds(cond.tests, f.fields, env)]
                if cond.mode == "count" and count_holds(cond, len(hits)):
                    continue
                text = describe_condition(cond, kinds, env)
                title, needs = _plainly(here, rule, cond, env)
                for f in hits:
                    for origin in there.evidence.of_fact(f.fid):
                        cid = self._changed(origin)
                        if cid is not None:
                            found.add(Cause(cid, how, rule.id, text, title, needs))
                    if f.view is None and f.kind != COUNT and f.key not in here.keys and f.key not in visited:
                        # A derived blocker only the other world has: it may itself rest on an
                        # absence there (no asset protection for a member) that a fact of this
                        # world fills, which is then the cause, acting on the blocker's rule in
                        # the opposite sense.
                        visited.add(f.key)
                        self._negations(f.supports, there, here, _OPPOSITE[how], found, visited, depth + 1)
            for _, fid in s.bindings:
                f = here.raw.facts[fid]
                if f.view is None and f.kind != COUNT and f.key not in there.keys and f.key not in visited:
                    visited.add(f.key)
                    self._negations(f.supports, here, there, how, found, visited, depth + 1)
