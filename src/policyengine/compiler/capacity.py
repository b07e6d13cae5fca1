"""Stage ``capacity``: reject rule packs that durable-rules cannot hold, before it sees them.

durable-rules has fixed limits in its C code, and past some of them it does not fail, it
crashes the process. Measured on 2.0.28:

* a fact of 255 or more properties (252 fields plus the engine's ``_k``, ``id`` and ``sid``)
  crashes it (SIGSEGV) when asserted;
* at most 256 rules can be joined to one condition (``BETA_LIST_LENGTH``): every rule of a
  stratum starts with that stratum's marker, so a stratum of more than ~256 rules fails to
  register (error 108);
* a node of its alpha network (one test on one field) keeps its children in a hash set of 512
  slots: once it is full, looking up a new test loops forever (``findAlpha``), so a pack with
  more than ~500 distinct tests on one kind of fact hangs at registration (10 rules with 64
  distinct ``in`` values each were enough). ``exists: false`` tests go to a list of 128 slots
  that is read past its end when full;
* a literal of megabytes is copied into every node and every fact that holds it (a 20 MB text
  took 1.8 GB and 10 s).

The bounds below sit well under those limits and are checked with locations (``resolve`` checks
literals and derived fields, this stage the size of each stratum). Anything the bounds miss and
the engine still refuses when the pack is registered is reported as E407 by the runtime.
This stage runs after ``emit``: distinct tests are counted on the very definition the engine
gets (every value of an ``in`` is a test of its own).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from policyengine.compiler.emit import KIND
from policyengine.compiler.ir import CondIR, Ref, RuleIR, Test
from policyengine.errors import DiagnosticSink

#: rules in one stratum (the engine's hard limit is 256 rules joined to one condition)
MAX_RULES_PER_STRATUM = 200
#: fields of a derived fact kind (the engine crashes at 252)
MAX_DERIVED_FIELDS = 64
#: characters of a literal text in a condition, a derived field or a target
MAX_LITERAL_CHARS = 1_000
#: values listed by ``in`` or ``not_in``
MAX_LIST_VALUES = 64
#: distinct tests on one kind of fact, over the whole pack (the engine hangs at 512)
MAX_TESTS_PER_KIND = 400
#: distinct ``exists: false`` tests on one kind of fact (the engine overruns at 128)
MAX_ABSENCE_TESTS_PER_KIND = 100


def check_capacity(rules: list[RuleIR], definition: dict[str, Any], sink: DiagnosticSink) -> None:
    """Report what would pass the engine's limits, at the first rule past each limit."""
    _check_strata(rules, definition, sink)
    _check_tests(rules, definition, sink)
    _check_fanout(rules, sink)


def _check_strata(rules: list[RuleIR], definition: dict[str, Any], sink: DiagnosticSink) -> None:
    # What the engine holds: a rule's definition and its variants (emit.emit_rule), each joined
    # to the stratum's marker.
    by_index = {r.index: r for r in rules}
    by_stratum: dict[int, list[RuleIR]] = defaultdict(list)
    for name in definition:
        index = _rule_index(name)
        if name.startswith("r") and index is not None and index in by_index:
            by_stratum[by_index[index].stratum].append(by_index[index])
    for stratum, members in sorted(by_stratum.items()):
        if len(members) <= MAX_RULES_PER_STRATUM:
            continue
        first = members[MAX_RULES_PER_STRATUM]
        sink.add(
            "E407",
            f"stratum {stratum} holds {len(members)} rules (variants included); the engine takes at "
            f"most {MAX_RULES_PER_STRATUM} (rule '{first.id}' is the first past the limit)",
            first.location,
            "split the rules into several packs evaluated separately, or merge rules that differ "
            "only in a literal into one rule with 'in: [...]'",
        )


def _atoms(test: dict[str, Any]) -> Iterator[tuple[bool, str]]:
    """The single tests inside one test expression: (is an absence test, canonical text)."""
    for op, operand in test.items():
        if op in ("$or", "$and") and isinstance(operand, list):
            for sub in operand:
                yield from _atoms(sub)
        else:
            yield op == "$nex", json.dumps({op: operand}, sort_keys=True, ensure_ascii=False)


def _rule_index(name: str) -> int | None:
    """``r12``, its variants ``r12v1`` ..., its groups ``r12g0``, ``r12g0v1`` ... and ``t12_3``
    belong to rule 12; the engine's own rules to none."""
    head = name.split("_", 1)[0]
    if head[:1] not in ("r", "t"):
        return None
    digits = head[1:]
    for i, ch in enumerate(digits):
        if not ch.isdigit():
            if head[0] == "t" or ch not in "vg":
                return None
            digits = digits[:i]
            break
    return int(digits) if digits else None


_KINDS = "$kinds"  # pseudo-kind: the kinds themselves, tested at the root of the network


def _check_tests(rules: list[RuleIR], definition: dict[str, Any], sink: DiagnosticSink) -> None:
    by_index = {r.index: r for r in rules}
    tests: dict[str, set[str]] = defaultdict(set)
    absences: dict[str, set[str]] = defaultdict(set)
    reported: set[Any] = set()
    for name, body in definition.items():
        index = _rule_index(name)
        rule = by_index.get(index) if index is not None else None
        for cond in body.get("all", []):
            for pattern in cond.values():
                parts = pattern.get("$and", []) if isinstance(pattern, dict) else []
                kinds = [p[KIND] for p in parts if isinstance(p, dict) and isinstance(p.get(KIND), str)]
                if not kinds:
                    continue
                kind = kinds[0]
                tests[_KINDS].add(kind)  # every kind is a test on the root node
                for part in parts:
                    if isinstance(part, dict) and KIND not in part:
                        for is_absence, atom in _atoms(part):
                            (absences if is_absence else tests)[kind].add(atom)
                for is_absence, pool, limit in (
                    (False, tests, MAX_TESTS_PER_KIND),
                    (True, absences, MAX_ABSENCE_TESTS_PER_KIND),
                ):
                    if len(pool[kind]) <= limit or (kind, is_absence) in reported or rule is None:
                        continue
                    reported.add((kind, is_absence))
                    what = "'exists: false' tests" if is_absence else "distinct tests"
                    sink.add(
                        "E407",
                        f"the pack makes more than {limit} {what} on '{kind}' facts; the engine "
                        f"takes at most {limit} (rule '{rule.id}' is the first past the limit)",
                        rule.location,
                        "test a shared attribute instead of listing many values, or derive a fact "
                        "that marks the facts you mean and match that",
                    )
                if len(tests[_KINDS]) > MAX_TESTS_PER_KIND and _KINDS not in reported and rule is not None:
                    reported.add(_KINDS)
                    sink.add(
                        "E407",
                        f"the pack matches more than {MAX_TESTS_PER_KIND} kinds of facts; the engine "
                        f"takes at most {MAX_TESTS_PER_KIND} (rule '{rule.id}' is the first past the limit)",
                        rule.location,
                        "derive fewer kinds: one kind with a field telling the cases apart",
                    )


# -- join fan-out ------------------------------------------------------------------------------
#
# A rule matches once per combination of facts its conditions bind. Conditions that share no
# variable multiply: four unconstrained ``match: country`` conditions over the paper's 12
# countries are 20,736 matches, and durable-rules spends milliseconds on each (35 s and 1.1 GB
# for that rule; five died with MemoryError). The pack is checked twice: here, by its shape
# (``validate`` and every command that compiles it), and at run time on the facts at hand
# (:func:`estimate_matches`, called by the runtime before each stratum runs).

#: groups of ``match`` conditions sharing no variable that one rule may combine (the paper's
#: pack has rules of two: every engaged partner with every elevated framework)
MAX_INDEPENDENT_GROUPS = 3
#: matches one rule may make in one evaluation, estimated before the engine runs (the paper's
#: pack's largest estimate is 74 in the paper's world, 12,220 on a generated world of 36,000 facts)
MAX_RULE_MATCHES = 200_000

#: fact kinds that are one per evaluation (rules read the as_of date from ``scenario``)
_SINGLETONS = frozenset({"scenario"})


def match_groups(rule: RuleIR) -> list[list[CondIR]]:
    """The rule's ``match`` conditions in groups that share variables (a cross product of groups).

    Only matches multiply a rule's matches: an ``absent`` binds nothing, a ``count`` binds one
    tally per group of the facts it counts, and the ``scenario`` fact is one per evaluation.
    """
    from policyengine.compiler.products import joined

    matches = [c for c in rule.conditions if c.mode == "match" and c.kind not in _SINGLETONS]
    owner = {c.var: c.alias for c in matches if c.var}
    root = joined(
        [c.alias for c in matches],
        [
            (c.alias, owner[t.value.var])
            for c in matches
            for t in c.tests
            if isinstance(t.value, Ref) and t.value.var in owner
        ],
    )
    groups: dict[str, list[CondIR]] = {}
    for c in matches:
        groups.setdefault(root[c.alias], []).append(c)
    return list(groups.values())


FANOUT_HINT = (
    "join the conditions through variables (e.g. where: {code: $a.code}), narrow them with "
    "literal tests, or count the facts (count:) instead of matching each one"
)


def _check_fanout(rules: list[RuleIR], sink: DiagnosticSink) -> None:
    for rule in rules:
        if rule.groups:
            continue  # matched group by group: its groups add up, they do not multiply
        groups = match_groups(rule)
        if len(groups) <= MAX_INDEPENDENT_GROUPS:
            continue
        first = groups[MAX_INDEPENDENT_GROUPS][0]
        sink.add(
            "E408",
            f"rule '{rule.id}' combines {len(groups)} groups of conditions that share no variable "
            f"and its output reads several of them (a cross product: it matches once per "
            f"combination of their facts); at most {MAX_INDEPENDENT_GROUPS} are allowed",
            first.location or rule.location,
            FANOUT_HINT,
        )


def estimate_matches(
    rule: RuleIR,
    facts: Mapping[str, Sequence[dict[str, Any]]],
    surely_fails: Callable[[Test, dict[str, Any]], bool],
    memo: dict[tuple[Any, ...], tuple[float, Sequence[dict[str, Any]]]] | None = None,
    decides: frozenset[str] | None = None,
    decisions: dict[int, dict[tuple[Any, ...], bool]] | None = None,
    *,
    whole: bool = False,
) -> int:
    """An estimate of the matches ``rule`` makes on ``facts`` (fields by kind), as a database
    estimates the size of a join.

    Each ``match`` condition counts the facts of its kind (those that fail one of its literal
    tests left out, when that matters); a condition tied to an earlier variable by an
    equality counts the facts that share one value of the field compared, on average; one tied
    by an ordering (``date: {gt: $cancelled.date}``) counts the share of pairs of the two
    conditions' facts that the ordering keeps, counted exactly. The product over the conditions
    is the estimate: exact for cross products and for joins on identities, the kind a hostile
    or mistaken pack makes (``ne`` ties and unconstrained conditions count in full). A product
    rule (``compiler.products``) makes the sum of its groups' matches.

    Under :data:`MAX_RULE_MATCHES` the value returned may be an upper bound of that estimate
    (it is computed only as far as needed to show it within the budget; ``whole`` computes it
    all); over it, it is the estimate itself.

    ``memo``, kept by the caller for one evaluation whose facts are only ever added, holds each
    condition's factor and candidates by the number of facts of the kinds it reads (and the
    candidates of a kind's literal tests, which conditions of several rules share), so that a
    rule checked again before a later stratum does not look at the same facts twice.
    ``decides``: the operators ``surely_fails`` can ever decide; a test with another operator
    never leaves a fact out, so it is not tried on every fact (None: try every test).
    ``decisions``, kept by the caller for as long as the rule's conditions live (a prepared
    pack), holds by condition (its ``id``) whether each combination of tested values fails.
    """
    budget = _Budget(facts, surely_fails, memo if memo is not None else {}, decides, decisions, whole)
    if not rule.groups:
        return budget.estimate(rule.conditions)
    # a product rule: the engine matches each group on its own (compiler.products). Bounds of
    # the groups' estimates within the budget together decide; otherwise each is computed whole.
    groups = [[c for c in rule.conditions if c.index in set(g)] for g in rule.groups]
    total = sum(budget.estimate(g) for g in groups)
    if total > MAX_RULE_MATCHES and not whole:
        budget.whole = True
        total = sum(budget.estimate(g) for g in groups)
    return total


class _Budget:
    """One call of :func:`estimate_matches`: what it reads and keeps."""

    def __init__(
        self,
        facts: Mapping[str, Sequence[dict[str, Any]]],
        surely_fails: Callable[[Test, dict[str, Any]], bool],
        memo: dict[tuple[Any, ...], tuple[float, Sequence[dict[str, Any]]]],
        decides: frozenset[str] | None,
        decisions: dict[int, dict[tuple[Any, ...], bool]] | None,
        whole: bool,
    ) -> None:
        self.facts = facts
        self.surely_fails = surely_fails
        self.memo = memo
        self.decides = decides
        self.decisions = decisions
        self.whole = whole

    def estimate(self, conditions: Sequence[CondIR]) -> int:
        facts = self.facts
        conditions = [c for c in conditions if c.mode == "match" and c.kind not in _SINGLETONS]
        counts: list[float] = [max(1, len(facts.get(c.kind, ()))) for c in conditions]
        bound = math.prod(counts)
        if bound <= MAX_RULE_MATCHES and not self.whole:
            return int(bound)  # the usual case: decided without looking at a single fact
        # Each condition's factor is at most the number of facts of its kind: the estimate is
        # narrowed one condition at a time, in the rule's order (an ordering is measured against
        # the conditions before it), and stops as soon as what is known is within the budget (a
        # bound under the limit says all the caller asks). Over the limit, every factor is
        # computed: the estimate reported is the product of them all.
        earlier: dict[str, tuple[CondIR, Sequence[dict[str, Any]]]] = {}
        for i, c in enumerate(conditions):
            of_kind = facts.get(c.kind, ())
            ordered = [
                t
                for t in c.tests
                if isinstance(t.value, Ref) and t.op in _ORDERINGS and t.value.var in earlier
            ]
            memo_key: tuple[Any, ...] = (
                id(c),
                len(of_kind),
                *(len(facts.get(earlier[t.value.var][0].kind, ())) for t in ordered),
            )
            known = self.memo.get(memo_key)
            if known is None:
                candidates = self.candidates(c, of_kind)
                factor = float(_factor(c, candidates))
                for t in ordered:
                    assert isinstance(t.value, Ref)
                    factor *= _ordering_share(t, candidates, earlier[t.value.var][1])
                known = self.memo[memo_key] = (factor, candidates)
            factor, candidates = known
            if c.var:
                earlier[c.var] = (c, candidates)
            bound = bound / counts[i] * factor
            counts[i] = factor
            if bound <= MAX_RULE_MATCHES and not self.whole:
                break
        return math.ceil(bound)

    def candidates(self, c: CondIR, of_kind: Sequence[dict[str, Any]]) -> Sequence[dict[str, Any]]:
        """The facts of the condition's kind that fail none of its literal tests (those
        ``surely_fails`` can decide), found once per kind and set of tests."""
        decides = self.decides
        literal = [
            t for t in c.tests if not isinstance(t.value, Ref) and (decides is None or t.op in decides)
        ]
        if not literal:
            return of_kind
        same: tuple[Any, ...] = (c.kind, len(of_kind), *((t.field, t.op, repr(t.value)) for t in literal))
        found = self.memo.get(same)
        if found is None:
            decided = self.decisions.setdefault(id(c), {}) if self.decisions is not None else None
            kept = _candidates(literal, of_kind, self.surely_fails, decided)
            found = self.memo[same] = (float(len(kept)), kept)
        return found[1]


_ORDERINGS = frozenset({"lt", "le", "gt", "ge"})


def _ordering_share(t: Test, mine: Sequence[dict[str, Any]], theirs: Sequence[dict[str, Any]]) -> float:
    """The share of pairs (one of ``mine``, one of ``theirs``) for which ``mine[t.field] op
    theirs[ref.field]`` holds, counted exactly (by sorting); 1 when the values are not all of
    one orderable type (dates, numbers or texts) or either side is empty."""
    assert isinstance(t.value, Ref)
    left: list[Any] = [f.get(t.field) for f in mine]
    right: list[Any] = [f.get(t.value.field) for f in theirs]
    if not left or not right:
        return 1.0
    kinds = {type(v) for v in left + right}
    if not (kinds <= {dt.date} or kinds <= {int} or kinds <= {str}):
        return 1.0
    right.sort()
    op = t.op
    pairs = 0
    for v in left:
        if op == "gt":  # v > r
            pairs += bisect.bisect_left(right, v)
        elif op == "ge":
            pairs += bisect.bisect_right(right, v)
        elif op == "lt":  # v < r
            pairs += len(right) - bisect.bisect_right(right, v)
        else:  # le
            pairs += len(right) - bisect.bisect_left(right, v)
    return pairs / (len(left) * len(right))


def _factor(c: CondIR, candidates: Sequence[dict[str, Any]]) -> int:
    factor = len(candidates)
    for t in c.tests:
        if isinstance(t.value, Ref) and t.op == "eq" and candidates:
            raw = [f.get(t.field) for f in candidates]
            # plain values are their own keys (what _hashable leaves them), without a call each
            values = set(raw) if set(map(type, raw)) <= _PLAIN else {_hashable(v) for v in raw}
            factor = min(factor, -(-len(candidates) // len(values)))
    return max(1, factor)


_PLAIN = frozenset({str, int, bool, type(None)})


def _candidates(
    literal: list[Test],
    of_kind: Sequence[dict[str, Any]],
    surely_fails: Callable[[Test, dict[str, Any]], bool],
    decided: dict[tuple[Any, ...], bool] | None = None,
) -> Sequence[dict[str, Any]]:
    """The facts that fail none of the literal tests, each combination of the tested fields'
    values (statuses, kinds, roles: a few) decided once (in ``decided``, the condition's own, if given)."""
    names = sorted({t.field for t in literal})
    if decided is None:
        decided = {}
    out = []
    for f in of_kind:
        values = tuple(map(f.get, names))
        try:
            keep = decided.get(values)
        except TypeError:  # a list: decided for this fact alone
            if not any(surely_fails(t, f) for t in literal):
                out.append(f)
            continue
        if keep is None:
            keep = decided[values] = not any(surely_fails(t, f) for t in literal)
        if keep:
            out.append(f)
    return out


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (str, int, bool)) or value is None else repr(value)


def fanout_message(rule: RuleIR, estimate: int) -> str:
    return (
        f"rule '{rule.id}' would make about {estimate:,} matches on this scenario (its conditions "
        f"combine that many facts); one rule may make at most {MAX_RULE_MATCHES:,}"
    )
