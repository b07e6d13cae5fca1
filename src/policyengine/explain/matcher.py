"""A small Python matcher over one evaluation's facts, for explanations only.

durable-rules reports *that* a rule matched, never how close another binding came. To explain a
recommendation that was not made, rule conditions are evaluated here over the same facts the
engine saw: the scenario view it was given and every fact the rules derived (from the
:class:`~policyengine.engine.runtime.RawEvaluation`). The semantics follow the engine's, as
measured on durable-rules 2.0.28, and the test suite checks that the full matches found here are
exactly the engine's supports, for every rule and scenario. Tests are evaluated by
:mod:`policyengine.engine.matching` (values as the engine holds them, a missing field failing
every test but ``exists: false``); this module adds the search over bindings:

* an ``absent`` condition holds when no fact passes all its tests;
* a ``count`` counts the facts passing its tests (its references group them).

:func:`nearest` is the explanation's own search: the binding of a rule's variables that comes
closest to producing a given outcome, with the tests that fail for it.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from policyengine.compiler.emit import COUNT
from policyengine.compiler.ir import CondIR, Ref, RuleIR, Test
from policyengine.engine.matching import count_holds, normal, satisfies
from policyengine.engine.runtime import EngineFact, RawEvaluation, Support

MISSING: Any = object()

#: variable -> field -> the value a goal needs there
Constraints = dict[str, dict[str, Any]]


@dataclass(frozen=True, eq=False)
class Normalised:
    """An engine fact as the matcher compares it: its values normalised, None dropped."""

    engine: EngineFact
    values: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.engine.kind

    @property
    def key(self) -> str:
        return self.engine.key


class FactBase:
    """The facts of one evaluation by kind (markers and count tallies left out), with the values
    the matcher compares; read from the evaluation's own fact base (``RawEvaluation.by_kind``),
    which diff and whatif share."""

    def __init__(self, raw: RawEvaluation) -> None:
        self.by_kind = {
            kind: [Normalised(f, {k: normal(v) for k, v in f.fields.items() if v is not None}) for f in facts]
            for kind, facts in raw.by_kind().items()
            if not kind.startswith("$")
        }
        self.by_fid = {m.engine.fid: m for facts in self.by_kind.values() for m in facts}
        self.raw = raw

    def of(self, kind: str) -> list[Normalised]:
        return self.by_kind.get(kind, [])

    def lookup(self, kind: str, name: str, value: Any) -> list[Normalised]:
        """Facts of ``kind`` whose field ``name`` equals ``value`` (a single value)."""
        if value is None or isinstance(value, (list, tuple)):
            return []  # a field holds no None here, and a list equals no single field value
        try:
            found = self.raw.lookup(kind, name, value)  # the evaluation's shared index
        except TypeError:  # unhashable: equals no field value
            return []
        return [self.by_fid[f.fid] for f in found]


Env = dict[str, "Normalised | None"]


def check(test: Test, fact: Normalised, env: Env, known: Constraints | None = None) -> bool | None:
    """Does ``fact`` pass ``test``? None when the test refers to a variable without a fact.

    ``known`` gives values that variables without a fact are known to need (from a goal): a
    reference to such a value is compared with it. The operators themselves are the engine's
    (:func:`policyengine.engine.matching.satisfies`); this adds only the third answer.
    """
    ref = test.value
    if not isinstance(ref, Ref):
        return satisfies(test, fact.values, {})
    other = env.get(ref.var)
    if other is not None:
        return satisfies(test, fact.values, {ref.var: other.values})
    value = (known or {}).get(ref.var, {}).get(ref.field, MISSING)
    if value is MISSING:
        return None
    return satisfies(test, fact.values, {ref.var: {ref.field: value}})


def passes(cond: CondIR, fact: Normalised, env: Env) -> bool:
    return all(check(t, fact, env) is True for t in cond.tests)


# -- full matches ------------------------------------------------------------------------------


@dataclass
class Match:
    """A full match of a rule: a fact for every 'match' variable, the facts of every count."""

    env: dict[str, Normalised]
    counted: dict[int, list[Normalised]]


def matches(rule: RuleIR, base: FactBase) -> list[Match]:
    """Every binding of ``rule`` whose conditions all hold (what the engine's supports are)."""
    out: list[Match] = []
    env: Env = {}
    counted: dict[int, list[Normalised]] = {}

    def step(i: int) -> None:
        if i == len(rule.conditions):
            out.append(Match({k: v for k, v in env.items() if v is not None}, dict(counted)))
            return
        cond = rule.conditions[i]
        if cond.mode == "match":
            assert cond.var is not None
            for f in base.of(cond.kind):
                if passes(cond, f, env):
                    env[cond.var] = f
                    step(i + 1)
                    del env[cond.var]
        elif cond.mode == "absent":
            if not any(passes(cond, f, env) for f in base.of(cond.kind)):
                step(i + 1)
        else:
            members = [f for f in base.of(cond.kind) if passes(cond, f, env)]
            if count_holds(cond, len(members)):
                counted[cond.index] = members
                step(i + 1)
                del counted[cond.index]

    step(0)
    return out


Signature = frozenset[tuple[str, Any]]


def signature(rule: RuleIR, m: Match) -> Signature:
    """A match as the engine records it: variables to fact keys, 'at least' counts to members."""
    items: set[tuple[str, Any]] = {(var, f.key) for var, f in m.env.items()}
    for cond in rule.conditions:
        if cond.mode == "count" and cond.at_least is not None:
            items.add((cond.alias, frozenset(f.key for f in m.counted[cond.index])))
    return frozenset(items)


def engine_signature(raw: RawEvaluation, bindings: tuple[tuple[str, int], ...]) -> Signature:
    """One combination of a support (:meth:`Support.combinations`) as :func:`signature` writes it."""
    items: set[tuple[str, Any]] = set()
    for name, fid in bindings:
        f = raw.facts[fid]
        if f.kind == COUNT:
            items.add((name, frozenset(raw.facts[m].key for m in f.members)))
        else:
            items.add((name, f.key))
    return frozenset(items)


def engine_supports(raw: RawEvaluation) -> dict[int, set[Signature]]:
    """Every support the engine recorded, per rule index (derived facts and outcomes alike),
    products expanded: one signature per combination."""
    out: dict[int, set[Signature]] = defaultdict(set)
    supports: Iterator[Support] = itertools.chain(
        (s for f in raw.facts.values() for s in f.supports),
        (s for o in raw.outcomes.values() for s in o.supports),
    )
    for s in supports:
        out[s.rule].update(engine_signature(raw, combo) for combo in s.combinations())
    return out


# -- nearest bindings ------------------------------------------------------------------------


@dataclass
class CondResult:
    """How one condition fares for one binding."""

    cond: CondIR
    holds: bool
    fact: Normalised | None = None  # match: the fact bound (None: no fact could be)
    failed: list[Test] = field(default_factory=list)  # match: the tests the fact fails
    facts: list[Normalised] = field(default_factory=list)  # absent: facts in the way; count: counted
    unknown: bool = False  # depends on a variable without a fact

    @property
    def missing(self) -> bool:
        return self.cond.mode == "match" and self.fact is None and not self.unknown

    def unbound(self, env: Env, known: Constraints) -> list[str]:
        """The variables without a fact (or a known value) that this condition refers to."""
        return sorted(
            {
                t.value.var
                for t in self.cond.tests
                if isinstance(t.value, Ref)
                and env.get(t.value.var) is None
                and t.value.field not in known.get(t.value.var, {})
            }
        )


@dataclass
class Attempt:
    """The nearest binding of a rule towards a goal, condition by condition."""

    rule: RuleIR
    env: Env
    results: list[CondResult]
    constraints: Constraints
    goal_vars: frozenset[str]

    @property
    def cost(self) -> tuple[int, int, int, int]:
        """(goal variables without a fact, failed conditions, missing facts, failed tests)."""
        return _cost(self.results, self.env, self.goal_vars)


def _cost(results: list[CondResult], env: Env, goal_vars: frozenset[str]) -> tuple[int, int, int, int]:
    unbound = sum(1 for v in goal_vars if v in env and env[v] is None)
    failed = sum(1 for r in results if not r.holds)
    missing = sum(1 for r in results if r.missing)
    tests = sum(len(r.failed) for r in results)
    return (unbound, failed, missing, tests)


def propagate(rule: RuleIR, goal: Constraints) -> Constraints:
    """Spread a goal's required values along the rule's joins (``code: $raa.country``)."""
    cons: Constraints = {var: dict(fields) for var, fields in goal.items()}
    changed = True
    while changed:
        changed = False
        for cond in rule.conditions:
            if cond.mode != "match" or cond.var is None:
                continue
            for t in cond.tests:
                if t.op != "eq" or not isinstance(t.value, Ref):
                    continue
                here = cons.get(cond.var, {}).get(t.field, MISSING)
                there = cons.get(t.value.var, {}).get(t.value.field, MISSING)
                if here is not MISSING and there is MISSING:
                    cons.setdefault(t.value.var, {})[t.value.field] = here
                    changed = True
                elif there is not MISSING and here is MISSING:
                    cons.setdefault(cond.var, {})[t.field] = there
                    changed = True
    return cons


def _is_join(t: Test) -> bool:
    return t.op == "eq" and isinstance(t.value, Ref)


#: Fields that say what a fact *is*, as opposed to its state: a minilateral is not a near miss
#: of an alliance, nor a recommendation to do one thing a near miss of one to do another.
IDENTITY_FIELDS = frozenset({"kind", "agreement_kind", "framework_kind", "domain", "action"})


def _is_hard(t: Test) -> bool:
    """Tests a nearest binding never bends: joins, and what a fact is."""
    return _is_join(t) or (t.field in IDENTITY_FIELDS and not isinstance(t.value, Ref))


def _evaluate_set(cond: CondIR, base: FactBase, env: Env, known: Constraints) -> CondResult:
    """An 'absent' or 'count' condition under a binding."""
    found = []
    for f in base.of(cond.kind):
        verdicts = [check(t, f, env, known) for t in cond.tests]
        if any(v is None for v in verdicts):
            return CondResult(cond, holds=True, unknown=True)
        if all(verdicts):
            found.append(f)
    if cond.mode == "absent":
        return CondResult(cond, holds=not found, facts=found)
    return CondResult(cond, holds=count_holds(cond, len(found)), facts=found)


@dataclass
class _State:
    """A partial binding in the search, with its cost so far."""

    env: Env
    results: list[CondResult]
    cost: tuple[int, int, int, int]
    keys: tuple[str, ...]

    def extend(
        self, var: str | None, fact: Normalised | None, result: CondResult, goal_vars: frozenset[str]
    ) -> _State:
        unbound, failed, missing, tests = self.cost
        cost = (
            unbound + (1 if var in goal_vars and fact is None else 0),
            failed + (0 if result.holds else 1),
            missing + (1 if result.missing else 0),
            tests + len(result.failed),
        )
        env = {**self.env, var: fact} if var is not None else self.env
        keys = (*self.keys, fact.key if fact is not None else "\uffff") if var is not None else self.keys
        return _State(env, [*self.results, result], cost, keys)


#: a join with a bound fact that lacks the joined field: nothing can match it
_NOTHING: Any = object()


def _known(t: Test, env: Env, cons: Constraints) -> Any:
    """The value a join test compares with: a bound fact's, else a goal's, else MISSING."""
    assert isinstance(t.value, Ref)
    other = env.get(t.value.var)
    if other is not None:
        return other.values.get(t.value.field, _NOTHING)
    return cons.get(t.value.var, {}).get(t.value.field, MISSING)


def _candidates(cond: CondIR, base: FactBase, env: Env, cons: Constraints) -> list[Normalised] | None:
    """Facts that can stand for a 'match' under the goal and the joins; None if the joins are loose."""
    assert cond.var is not None
    wanted = dict(cons.get(cond.var, {}))
    loose = False
    for t in cond.tests:
        if not _is_join(t):
            continue
        value = _known(t, env, cons)
        if value is _NOTHING:
            return []
        if value is MISSING:
            loose = True
        elif wanted.get(t.field, value) != value:
            return []  # the goal and a join ask for different values
        else:
            wanted[t.field] = value
    if loose and not cons.get(cond.var):
        return None
    if not wanted:
        pool = base.of(cond.kind)
    else:
        first, *rest = sorted(wanted.items())
        pool = base.lookup(cond.kind, first[0], first[1])
        pool = [f for f in pool if all(f.values.get(k, MISSING) == v for k, v in rest)]
    identity = [t for t in cond.tests if _is_hard(t) and not _is_join(t)]
    return [f for f in pool if all(check(t, f, env) for t in identity)] if identity else pool


def nearest(rule: RuleIR, base: FactBase, goal: Constraints, *, beam: int = 48) -> Attempt:
    """The binding of ``rule`` that comes closest to holding while producing ``goal``.

    ``goal`` gives, per variable, field values the binding must have (from the outcome's target
    or the derived fact sought); they are spread along the rule's joins and, like the joins
    themselves, never bent: a binding about other things than the goal explains nothing. Nor are
    tests of what a fact is (:data:`IDENTITY_FIELDS`). Every other test may fail; a 'match' may
    also find no fact at all. Bindings are ranked by
    :attr:`Attempt.cost`, ties broken by fact keys, so the answer is deterministic.
    """
    cons = propagate(rule, goal)
    goal_vars = frozenset(goal)
    states = [_State({}, [], (0, 0, 0, 0), ())]
    for cond in rule.conditions:
        nxt: list[_State] = []
        for st in states:
            if cond.mode != "match" or cond.var is None:
                nxt.append(st.extend(None, None, _evaluate_set(cond, base, st.env, cons), goal_vars))
                continue
            candidates = _candidates(cond, base, st.env, cons)
            if candidates is None:
                # Joined to nothing and sought for nothing: any fact would do, so none is shown.
                nxt.append(st.extend(cond.var, None, CondResult(cond, holds=True, unknown=True), goal_vars))
                continue
            for f in candidates:
                verdicts = [(t, check(t, f, st.env, cons)) for t in cond.tests if not _is_hard(t)]
                failed = [t for t, ok in verdicts if ok is False]
                unknown = any(ok is None for _, ok in verdicts)
                result = CondResult(cond, holds=not failed, fact=f, failed=failed, unknown=unknown)
                nxt.append(st.extend(cond.var, f, result, goal_vars))
            nxt.append(st.extend(cond.var, None, CondResult(cond, holds=False), goal_vars))
        nxt.sort(key=lambda s: (s.cost, s.keys))
        states = nxt[:beam]
    best = states[0]
    return Attempt(rule, best.env, best.results, cons, goal_vars)


__all__ = [
    "Attempt",
    "CondResult",
    "Constraints",
    "FactBase",
    "Match",
    "Normalised",
    "check",
    "engine_supports",
    "matches",
    "nearest",
    "propagate",
    "signature",
]
