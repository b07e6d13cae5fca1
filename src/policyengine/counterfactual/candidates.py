"""Candidate change sets, read off the rules and the evaluation, not enumerated blindly.

Two questions, each answered with families of change sets (each set at most ``limit`` changes):

* **Disappear** (the outcome is present): every support of the outcome (a rule and the facts its
  conditions bound) must be broken. A support breaks when one of its conditions stops holding:
  a matched scenario fact is removed, or a field a condition tests is altered to an allowed
  value that fails the test; a matched derived fact loses all of its own supports (recursively);
  a count falls below its bound; or a fact appears that an ``absent`` condition forbids (built
  from the condition's tests and the bound values). Breakers of different supports are combined.
* **Appear** (the outcome is absent): a rule that recommends the action must match with the
  target. Its conditions are walked with the target as a seed: facts that already match are
  bound; a condition no fact matches is satisfied by a near miss (an existing fact one allowed
  value away), by a new fact built from the condition's tests, or, for derived facts, by making
  a rule that derives them match (recursively); facts an ``absent`` condition forbids are
  broken as above.

Everything here is analysis: it proposes. The search in :mod:`.whatif` re-evaluates every
proposal on the engine and reports only what really flips the outcome.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from policyengine.compiler.ir import CondIR, Ref, RuleIR
from policyengine.compiler.pipeline import CompiledPack
from policyengine.counterfactual.changes import (
    Change,
    ChangeError,
    add,
    add_part,
    alter,
    apply_to_scenario,
    find_fact,
    get_path,
    remove,
)
from policyengine.counterfactual.fields import allowed_values, alterable, list_path, scenario_path
from policyengine.counterfactual.matching import Constraint, all_hold, holds, norm, resolve
from policyengine.engine.runtime import EngineFact, Outcome, RawEvaluation, Support
from policyengine.models.common import I18nText
from policyengine.models.factview import BASE_KINDS, build_view
from policyengine.models.names import Names
from policyengine.models.registry import KINDS
from policyengine.models.scenario import (
    SECTION_BY_KIND,
    AgreementFact,
    AssetProtection,
    Capability,
    Event,
    Framework,
    Mechanism,
    Scenario,
    Stance,
)
from policyengine.validation.scenario import LoadedScenario

ChangeSet = frozenset[Change]
Family = set[ChangeSet]

MAX_DEPTH = 8  # derived facts resting on derived facts ...
MAX_FAMILY = 400  # change sets kept per family (smallest first)
MAX_BRANCH = 60  # existing facts tried per condition while walking a rule
MAX_ALTERNATIVES = 4  # values tried per field when several would satisfy a test


def consistent(changes: Iterable[Change]) -> bool:
    """No two changes to the same fact field or part, nor a whole fact changed twice."""
    items = list(changes)
    for a, b in itertools.combinations(items, 2):
        if a.fact != b.fact:
            continue
        if not a.path or not b.path:
            return False
        pa, pb = a.path + ".", b.path + "."
        if pa.startswith(pb) or pb.startswith(pa):
            return False
    return True


def minimal(family: Iterable[ChangeSet], cap: int = MAX_FAMILY) -> Family:
    """Drop sets that strictly contain another set of the family; keep the ``cap`` smallest."""
    ordered = sorted(set(family), key=lambda s: (len(s), sorted(c.key for c in s)))
    kept: list[ChangeSet] = []
    for s in ordered:
        if any(k < s for k in kept):
            continue
        kept.append(s)
        if len(kept) >= cap:
            break
    return set(kept)


def combine_all(families: list[Family], limit: int) -> Family:
    """Sets that take one member of every family (all must be broken), at most ``limit`` changes."""
    result: Family = {frozenset()}
    for fam in families:
        if not fam:
            return set()
        nxt: Family = set()
        for a in result:
            for b in fam:
                u = a | b
                if len(u) <= limit and consistent(u):
                    nxt.add(u)
        result = minimal(nxt)
        if not result:
            return set()
    return result


@dataclass
class Hypothesis:
    """A change set that makes a condition hold, and the fields of the fact that then matches."""

    changes: ChangeSet
    fields: dict[str, Any]


class Analysis:
    """Proposes change sets for one scenario, its evaluation and a pack."""

    def __init__(
        self,
        loaded: LoadedScenario,
        compiled: CompiledPack,
        raw: RawEvaluation,
        *,
        limit: int,
        max_nodes: int = 40_000,
    ) -> None:
        self.loaded = loaded
        self.scenario: Scenario = loaded.scenario
        self.as_of: dt.date = loaded.scenario.scenario.as_of
        self.compiled = compiled
        self.raw = raw
        self.rules = compiled.rules
        self.limit = limit
        self.max_nodes = max_nodes
        self.nodes = 0
        self.truncated = False
        self.names = Names(loaded.scenario)
        # the evaluation's own fact base (shared with explain and diff), read by rule kinds only
        self.by_kind = raw.by_kind()
        self.producers: dict[str, list[tuple[RuleIR, dict[str, Any]]]] = defaultdict(list)
        for r in self.rules:
            for kind, fields in r.output.derive:
                self.producers[kind].append((r, fields))
            if r.output.recommend is not None:
                rec = r.output.recommend
                spec = {"action": rec["action"], "target": rec["target"]}
                self.producers["recommendation"].append((r, spec))
            if r.output.risk is not None:
                risk = r.output.risk
                self.producers["risk"].append((r, {"kind": risk["kind"], "target": risk["target"]}))
        self._killed: dict[int, Family] = {}

    # -- bookkeeping -----------------------------------------------------------------------
    def _step(self) -> bool:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            self.truncated = True
            return False
        return True

    def _env(self, rule: RuleIR, bindings: tuple[tuple[str, int], ...]) -> dict[str, dict[str, Any]]:
        return {var: self.raw.facts[fid].fields for var, fid in bindings if var in rule.var_kinds}

    # -- the two questions -----------------------------------------------------------------
    def disappear(self, outcome: Outcome) -> Family:
        """Change sets predicted to remove a present outcome."""
        return combine_all([self.kill_support(s, self.limit, 0) for s in outcome.supports], self.limit)

    def appear(self, kind: str, action: str, target: str) -> Family:
        """Change sets predicted to produce an absent outcome ``action/target``."""
        out: Family = set()
        name = "action" if kind == "recommendation" else "kind"
        for rule, fields in self.producers.get(kind, []):
            if fields[name] != action:
                continue
            spec = fields["target"]
            if isinstance(spec, Ref):
                out |= self.satisfy(rule, [(spec.var, Constraint(spec.field, "eq", target))], self.limit, 0)
            elif spec == target:
                out |= self.satisfy(rule, [], self.limit, 0)
        return minimal(s for s in out if s)

    # -- breaking what holds ---------------------------------------------------------------
    def kill_support(self, support: Support, limit: int, depth: int) -> Family:
        rule = self.rules[support.rule]
        if not support.others:
            return self.kill_bindings(rule, rule.conditions, support.bindings, limit, depth)
        # A product (compiler.products) falls when its key group's match does, or when every
        # match of one of its other groups does.
        by_index = {c.index: c for c in rule.conditions}
        groups = [[by_index[i] for i in group] for group in rule.groups]
        out = self.kill_bindings(rule, groups[0], support.bindings, limit, depth)
        for conditions, matches in zip(groups[1:], support.others, strict=True):
            out |= combine_all(
                [self.kill_bindings(rule, conditions, b, limit, depth) for _, b in matches], limit
            )
        return minimal(out)

    def kill_bindings(
        self,
        rule: RuleIR,
        conditions: list[CondIR],
        bindings: tuple[tuple[str, int], ...],
        limit: int,
        depth: int,
    ) -> Family:
        """Change sets after which one of ``conditions`` fails for these bindings."""
        bound = dict(bindings)
        env = self._env(rule, bindings)
        out: Family = set()
        for c in conditions:
            cons = [r for t in c.tests if (r := resolve(t, env)) is not None]
            if c.mode == "match" and c.var is not None:
                out |= self.kill_fact(bound[c.var], cons, limit, depth)
            elif c.mode == "absent":
                out |= self.make(c.kind, cons, limit, depth + 1)
            elif c.mode == "count" and c.at_least is not None and c.alias in bound:
                members = self.raw.facts[bound[c.alias]].members
                need = len(members) - c.at_least + 1
                if 1 <= need <= limit:
                    fams = [self.kill_fact(m, cons, limit, depth) for m in members]
                    for combo in itertools.islice(itertools.combinations(fams, need), 200):
                        out |= combine_all(list(combo), limit)
        return minimal(out)

    def kill_fact(self, fid: int, cons: list[Constraint], limit: int, depth: int) -> Family:
        """Change sets after which the fact no longer matches the condition ``cons``."""
        f = self.raw.facts[fid]
        if f.view is not None:
            return self.base_breakers(f, cons)
        if depth > MAX_DEPTH or not self._step():
            return set()
        cached = self._killed.get(fid)
        if cached is None:
            self._killed[fid] = set()  # a derivation cycle breaks nothing
            cached = combine_all([self.kill_support(s, limit, depth + 1) for s in f.supports], limit)
            self._killed[fid] = cached
        return {s for s in cached if len(s) <= limit}

    def base_breakers(self, f: EngineFact, cons: list[Constraint]) -> Family:
        """Single changes after which a scenario's view fact no longer matches ``cons``."""
        view = f.view
        assert view is not None
        if f.kind == "scenario":
            return set()  # the frame of the evaluation (its as_of date) is not a fact to change
        out: Family = {frozenset({remove(view.origin, view.detail)})}
        model = find_fact(self.scenario, view.origin)
        if model is None:
            return out
        for c in cons:
            counted = _COUNTED.get((f.kind, c.field))
            if counted is not None and c.op in ("ge", "gt", "eq"):
                for entry in getattr(model, counted):
                    out.add(frozenset({remove(view.origin, f"{counted}.{entry}")}))
                continue
            if c.op == "contains":
                lp = list_path(f.kind, c.field)
                if lp is not None:
                    out.add(frozenset({remove(view.origin, f"{lp}.{c.value}")}))
                continue
            if not alterable(f.kind, c.field):
                continue
            path = scenario_path(view, c.field)
            if path is None:
                continue
            old = get_path(model, path)
            for value in allowed_values(f.kind, c.field):
                if value != f.fields.get(c.field) and not holds(value, c.op, c.value):
                    out.add(frozenset({alter(view.origin, path, old, value)}))
        return out

    # -- making what does not hold ---------------------------------------------------------
    def make(self, kind: str, cons: list[Constraint], limit: int, depth: int) -> Family:
        """Change sets after which some fact of ``kind`` matches ``cons`` ({∅}: one already does)."""
        if limit <= 0 or depth > MAX_DEPTH or not self._step():
            return set()
        if any(all_hold(f.fields, cons) for f in self.by_kind.get(kind, ())):
            return {frozenset()}
        return minimal(h.changes for h in self.hypotheses(kind, cons, limit, depth))

    def hypotheses(self, kind: str, cons: list[Constraint], limit: int, depth: int) -> Iterator[Hypothesis]:
        """Ways to make a fact of ``kind`` match ``cons``, with the fields it would then have."""
        if kind in BASE_KINDS:
            yield from self.near_misses(kind, cons, limit)
            yield from self.build(kind, cons)
            return
        known = {c.field: c.value for c in cons if c.op == "eq"}
        for rule, fields in self.producers.get(kind, []):
            seeds: list[tuple[str, Constraint]] = []
            ok = True
            for c in cons:
                spec = fields.get(c.field)
                if isinstance(spec, Ref):
                    seeds.append((spec.var, Constraint(spec.field, c.op, c.value)))
                elif spec is not None and not holds(spec, c.op, c.value):
                    ok = False
            if not ok:
                continue
            for changes in self.satisfy(rule, seeds, limit, depth + 1):
                if changes:
                    yield Hypothesis(changes, dict(known))

    def near_misses(self, kind: str, cons: list[Constraint], limit: int) -> Iterator[Hypothesis]:
        """Existing facts of a base kind that match once some of their fields are altered."""
        for f in self.by_kind.get(kind, ()):
            failing = [c for c in cons if not c.holds(f.fields)]
            if not failing or f.view is None:
                continue
            by_field: dict[str, list[Constraint]] = defaultdict(list)
            for c in failing:
                by_field[c.field].append(c)
            if len(by_field) > limit or not all(alterable(kind, name) for name in by_field):
                continue
            model = find_fact(self.scenario, f.view.origin)
            if model is None:
                continue
            options: list[list[tuple[Change, str, Any]]] = []
            for name in sorted(by_field):
                on_field = [c for c in cons if c.field == name]
                path = scenario_path(f.view, name)
                assert path is not None
                old = get_path(model, path)
                values = [
                    v for v in allowed_values(kind, name) if all(holds(v, c.op, c.value) for c in on_field)
                ]
                options.append(
                    [(alter(f.view.origin, path, old, v), name, v) for v in values[:MAX_ALTERNATIVES]]
                )
            for combo in itertools.product(*options):
                fields = dict(f.fields)
                for _, name, v in combo:
                    fields[name] = v
                changes = frozenset(ch for ch, _, _ in combo)
                if consistent(changes):
                    yield Hypothesis(changes, fields)

    # -- walking a rule --------------------------------------------------------------------
    def satisfy(self, rule: RuleIR, seeds: list[tuple[str, Constraint]], limit: int, depth: int) -> Family:
        """Change sets after which ``rule`` matches with its variables meeting ``seeds``."""
        if depth > MAX_DEPTH:
            return set()
        known = _known_values(rule, seeds)
        if known is None:
            return set()
        results: Family = set()
        conds = rule.conditions

        def extra(var: str | None) -> list[Constraint]:
            if var is None:
                return []
            out = [c for v, c in seeds if v == var and c.op != "eq"]
            out += [Constraint(f, "eq", value) for (v, f), value in sorted(known.items()) if v == var]
            return out

        def dfs(i: int, env: dict[str, dict[str, Any]], changes: ChangeSet) -> None:
            if not self._step() or len(results) >= MAX_FAMILY:
                return
            if i == len(conds):
                results.add(changes)
                return
            c = conds[i]
            cons = [r for t in c.tests if (r := resolve(t, env)) is not None] + extra(c.var)
            room = limit - len(changes)
            if c.mode == "match" and c.var is not None:
                found = [f for f in self.by_kind.get(c.kind, ()) if all_hold(f.fields, cons)]
                for f in found[:MAX_BRANCH]:
                    dfs(i + 1, {**env, c.var: f.fields}, changes)
                if not found and room > 0:
                    for h in itertools.islice(self.hypotheses(c.kind, cons, room, depth), MAX_BRANCH):
                        u = changes | h.changes
                        if len(u) <= limit and consistent(u):
                            dfs(i + 1, {**env, c.var: h.fields}, u)
            elif c.mode == "absent":
                blockers = [f for f in self.by_kind.get(c.kind, ()) if all_hold(f.fields, cons)]
                if not blockers:
                    dfs(i + 1, env, changes)
                    return
                if room <= 0:
                    return
                fams = [self.kill_fact(b.fid, cons, room, depth + 1) for b in blockers]
                for cs in combine_all(fams, room):
                    u = changes | cs
                    if consistent(u):
                        dfs(i + 1, env, u)
            elif c.mode == "count":
                matching = [f for f in self.by_kind.get(c.kind, ()) if all_hold(f.fields, cons)]
                n = len(matching)
                if (c.at_least is None or n >= c.at_least) and (c.at_most is None or n <= c.at_most):
                    dfs(i + 1, env, changes)
                elif c.at_least is not None and n < c.at_least and c.at_least - n <= room:
                    singles = sorted(
                        (h.changes for h in self.hypotheses(c.kind, cons, 1, depth) if len(h.changes) == 1),
                        key=lambda s: sorted(x.key for x in s),
                    )
                    for combo in itertools.islice(itertools.combinations(singles, c.at_least - n), 200):
                        u = changes.union(*combo)
                        if len(u) <= limit and consistent(u):
                            dfs(i + 1, env, u)
                elif c.at_most is not None and n > c.at_most and n - c.at_most <= room:
                    fams = [self.kill_fact(f.fid, cons, room, depth + 1) for f in matching]
                    for fam_combo in itertools.islice(itertools.combinations(fams, n - c.at_most), 200):
                        for cs in combine_all(list(fam_combo), room):
                            u = changes | cs
                            if consistent(u):
                                dfs(i + 1, env, u)

        dfs(0, {}, frozenset())
        return minimal(results)

    # -- building new facts ----------------------------------------------------------------
    def build(self, kind: str, cons: list[Constraint]) -> Iterator[Hypothesis]:
        """New facts (or new parts of existing facts) of a base kind that match ``cons``."""
        builder = _BUILDERS.get(kind)
        if builder is None:
            return
        joins = [c for c in cons if c.op == "eq" and c.field in _JOIN_FIELDS.get(kind, ())]
        rest = [c for c in cons if c not in joins]
        for change in builder(self, cons):
            views = self._view_fields(change, kind)
            exact = next((v for v in views if all_hold(v, cons)), None)
            if exact is not None:
                yield Hypothesis(frozenset({change}), exact)
                continue
            # An analogue (a new bilateral agreement rather than a third party joining one)
            # meets the condition's own tests but not its joins: re-evaluation decides.
            loose = next((v for v in views if joins and all_hold(v, rest)), None)
            if loose is not None:
                yield Hypothesis(frozenset({change}), {**loose, **{c.field: c.value for c in joins}})

    def _view_fields(self, change: Change, kind: str) -> list[dict[str, Any]]:
        """The fields the rules would see for what ``change`` adds (none if it is invalid)."""
        section = SECTION_BY_KIND[change.kind]
        if change.op == "add" and not change.path:
            mini = Scenario(scenario=self.scenario.scenario, **{section.key: [change.payload]})
        else:
            parent = find_fact(self.scenario, change.fact)
            if parent is None:
                return []
            try:
                changed = apply_to_scenario(
                    Scenario(scenario=self.scenario.scenario, **{section.key: [parent]}), [change]
                )
            except ChangeError:
                return []
            mini = changed
        return [
            v.fields
            for v in build_view(mini, frozenset({kind}))
            if not change.path or v.detail == change.path
        ]

    def choices(
        self, kind: str, name: str, cons: list[Constraint], preferred: Iterable[Any] = ()
    ) -> list[Any]:
        """Allowed values of a field that satisfy every constraint on it, preferred ones first."""
        values = list(allowed_values(kind, name))
        if not values:
            values = [c.value for c in cons if c.field == name and c.op == "eq"]
        ok = [v for v in values if all(holds(v, c.op, c.value) for c in cons if c.field == name)]
        order = {v: i for i, v in enumerate(preferred)}
        ok.sort(key=lambda v: order.get(v, len(order)))
        return ok[:MAX_ALTERNATIVES]

    def date_for(self, cons: list[Constraint], name: str) -> dt.date | None:
        """The scenario's as-of date if it satisfies the date constraints, else the nearest that does."""
        on = [c for c in cons if c.field == name]
        for candidate in self._date_candidates(on):
            if all(holds(candidate, c.op, c.value) for c in on):
                return candidate
        return None

    def _date_candidates(self, on: list[Constraint]) -> Iterator[dt.date]:
        yield self.as_of
        for c in on:
            if isinstance(c.value, int) and not isinstance(c.value, bool):
                base = dt.date.fromordinal(c.value)
                yield base + dt.timedelta(days=1)
                yield base
                yield base - dt.timedelta(days=1)

    def fresh_id(self, section_key: str, stem: str) -> str:
        taken = {SECTION_BY_KIND_KEY[section_key].identity(f) for f in getattr(self.scenario, section_key)}
        stem = "whatif-" + "-".join(p for p in stem.lower().replace("+", "-").split("-") if p)
        stem = stem[:60].rstrip("-")
        ident, n = stem, 2
        while ident in taken:
            ident, n = f"{stem}-{n}", n + 1
        return ident


#: Whole-number fields that count the entries of a list (removing an entry lowers them).
_COUNTED: dict[tuple[str, str], str] = {
    (k.name, f.name): f.counts for k in KINDS for f in k.fields if f.counts is not None
}

#: Fields that join a part to its parent fact; an analogue may differ in them.
_JOIN_FIELDS: dict[str, tuple[str, ...]] = {"party": ("agreement",)}

SECTION_BY_KIND_KEY = {s.key: s for s in SECTION_BY_KIND.values()}


def _eq(cons: list[Constraint], name: str) -> Any:
    return next((c.value for c in cons if c.field == name and c.op == "eq"), None)


def _contains(cons: list[Constraint], name: str) -> list[Any]:
    return sorted({c.value for c in cons if c.field == name and c.op == "contains"})


def _country(a: Analysis, code: Any) -> bool:
    return isinstance(code, str) and a.scenario.country(code) is not None


def _model(factory: Any, **kwargs: Any) -> BaseModel | None:
    try:
        built: BaseModel = factory(**kwargs)
    except ValidationError:
        return None
    return built


def _build_asset_protection(a: Analysis, cons: list[Constraint]) -> Iterator[Change]:
    partner = _eq(cons, "partner")
    since = a.date_for(cons, "since")
    if _country(a, partner) and partner != "JPN" and since is not None:
        model = _model(AssetProtection, partner=partner, since=since, basis="自衛隊法第95条の2")
        if model is not None:
            yield add(SECTION_BY_KIND["asset_protection"], model)


def _build_event(a: Analysis, cons: list[Constraint]) -> Iterator[Change]:
    country = _eq(cons, "country")
    framework = _eq(cons, "framework")
    if not (_country(a, country) or a.scenario.framework(str(framework)) is not None):
        return
    date = a.date_for(cons, "date")
    if date is None:
        return
    stance_fields = [n for n in ("engagement", "alignment") if any(c.field == n for c in cons)]
    kinds = a.choices("event", "kind", cons, ("policy-statement", "government-change", "joint-statement"))
    kind = kinds[0] if kinds else None
    if kind is None:
        return
    engagements: list[Any] = [None]
    if "engagement" in stance_fields:
        engagements = a.choices("event", "engagement", cons, ("increasing", "steady", "decreasing"))
    alignments = a.choices("event", "alignment", cons) if "alignment" in stance_fields else [None]
    for engagement, alignment in itertools.product(engagements, alignments):
        stance = None
        if engagement or alignment:
            stance = Stance(indo_pacific_engagement=engagement, alignment=alignment)
        stem = f"{country or framework}-{kind}-{engagement or alignment or ''}"
        model = _model(
            Event,
            id=a.fresh_id("events", stem),
            date=date,
            kind=kind,
            country=country,
            countries=_contains(cons, "countries"),
            framework=framework,
            agreement=_eq(cons, "agreement"),
            caused_by=_eq(cons, "caused_by"),
            stance=stance,
            areas=_contains(cons, "areas"),
        )
        if model is not None:
            yield add(SECTION_BY_KIND["event"], model)


def _build_framework(a: Analysis, cons: list[Constraint]) -> Iterator[Change]:
    key = _eq(cons, "member_key")
    members = key.split("+") if isinstance(key, str) else _contains(cons, "members")
    if len(members) < 2 or not all(_country(a, m) for m in members):
        return
    members = sorted(members, key=lambda c: (c != "JPN", c))
    kinds = a.choices("framework", "kind", cons, ("minilateral", "bilateral", "alliance", "multilateral"))
    statuses = a.choices("framework", "status", cons, ("active", "proposed", "suspended"))
    treaty = a.choices("framework", "formal_treaty", cons, (False, True))
    if not kinds or not statuses or not treaty:
        return
    key = "+".join(members)
    name = I18nText(ja=a.names.member_key(key, "ja"), en=a.names.member_key(key, "en"))
    model = _model(
        Framework,
        id=a.fresh_id("frameworks", key),
        name=name,
        members=members,
        kind=kinds[0],
        formal_treaty=treaty[0],
        status=statuses[0],
        established=a.as_of,
    )
    if model is not None:
        yield add(SECTION_BY_KIND["framework"], model)


def _build_mechanism(a: Analysis, cons: list[Constraint]) -> Iterator[Change]:
    fid = _eq(cons, "framework")
    framework = a.scenario.framework(str(fid)) if fid else None
    if framework is None:
        return
    for kind in a.choices("mechanism", "kind", cons):
        for activity in a.choices("mechanism", "activity", cons, ("regular", "irregular", "dormant"))[:1]:
            mech_id = f"whatif-{kind}"
            if any(m.id == mech_id for m in framework.mechanisms):
                continue
            label = a.names.framework(framework.id, "en")
            name = I18nText(ja=f"{a.names.framework(framework.id, 'ja')}の{kind}", en=f"{label} {kind}")
            mech = _model(Mechanism, id=mech_id, name=name, kind=kind, activity=activity)
            if mech is not None:
                yield add_part(f"framework:{framework.id}", f"mechanisms.{mech_id}", mech)


def _build_coverage(a: Analysis, cons: list[Constraint]) -> Iterator[Change]:
    fid, area = _eq(cons, "framework"), _eq(cons, "area")
    framework = a.scenario.framework(str(fid)) if fid else None
    if framework is None or not isinstance(area, str) or area in framework.areas:
        return
    for level in a.choices("coverage", "level", cons, ("focus", "mentioned")):
        yield alter(f"framework:{framework.id}", f"areas.{area}", None, level)


def _build_membership(a: Analysis, cons: list[Constraint]) -> Iterator[Change]:
    fid, country = _eq(cons, "framework"), _eq(cons, "country")
    framework = a.scenario.framework(str(fid)) if fid else None
    if framework is not None and _country(a, country) and country not in framework.members:
        yield add_part(f"framework:{framework.id}", f"members.{country}", country)


def _build_party(a: Analysis, cons: list[Constraint]) -> Iterator[Change]:
    aid, country = _eq(cons, "agreement"), _eq(cons, "country")
    if not _country(a, country):
        return
    if aid is not None:
        agreement = next((x for x in a.scenario.agreements if x.id == aid), None)
        if agreement is None or country in agreement.parties:
            return
        if len(agreement.parties) == 2 and "JPN" in agreement.parties and country != "JPN":
            # A third party does not join a bilateral agreement: the like of it with Japan does.
            model = _model(
                AgreementFact,
                id=a.fresh_id("agreements", f"{agreement.kind}-jpn-{country}"),
                kind=agreement.kind,
                parties=["JPN", country],
                status="negotiating",
            )
            if model is not None:
                yield add(SECTION_BY_KIND["agreement"], model)
        else:
            yield add_part(f"agreement:{agreement.id}", f"parties.{country}", country)
        return
    if country == "JPN":
        return
    on_kind = [Constraint("kind", c.op, c.value) for c in cons if c.field == "agreement_kind"]
    for kind in a.choices("agreement", "kind", on_kind, ("raa",)):
        statuses = a.choices(
            "agreement",
            "status",
            [Constraint("status", c.op, c.value) for c in cons if c.field == "agreement_status"],
            ("negotiating", "signed", "in-force"),
        )
        if not statuses:
            continue
        model = _model(
            AgreementFact,
            id=a.fresh_id("agreements", f"{kind}-jpn-{country}"),
            kind=kind,
            parties=["JPN", country],
            status=statuses[0],
        )
        if model is not None:
            yield add(SECTION_BY_KIND["agreement"], model)


def _build_agreement(a: Analysis, cons: list[Constraint]) -> Iterator[Change]:
    parties = _contains(cons, "parties")
    others = [p for p in parties if p != "JPN"]
    if len(others) != 1 or not _country(a, others[0]):
        return
    wanted = [
        Constraint(f"agreement_{c.field}", c.op, c.value) for c in cons if c.field in ("kind", "status")
    ]
    yield from _build_party(a, [Constraint("country", "eq", others[0]), *wanted])


def _build_interest_part(field: str, path: str) -> Any:
    def build(a: Analysis, cons: list[Constraint]) -> Iterator[Change]:
        iid, value = _eq(cons, "interest"), _eq(cons, field)
        interest = next((x for x in a.scenario.interests if x.id == iid), None)
        if interest is None or not isinstance(value, str) or value in getattr(interest, path):
            return
        yield add_part(f"interest:{interest.id}", f"{path}.{value}", value)

    return build


def _build_capability(a: Analysis, cons: list[Constraint]) -> Iterator[Change]:
    holder = _eq(cons, "holder") or "JPN"
    if not _country(a, holder):
        return
    for domain in a.choices("capability", "domain", cons)[:2]:
        statuses = a.choices("capability", "status", cons, ("gap", "needs-review", "improving", "adequate"))
        if not statuses:
            continue
        model = _model(
            Capability,
            id=a.fresh_id("capabilities", f"{holder}-{domain}"),
            holder=holder,
            domain=domain,
            status=statuses[0],
        )
        if model is not None:
            yield add(SECTION_BY_KIND["capability"], model)


_BUILDERS: dict[str, Any] = {
    "asset_protection": _build_asset_protection,
    "event": _build_event,
    "framework": _build_framework,
    "mechanism": _build_mechanism,
    "coverage": _build_coverage,
    "membership": _build_membership,
    "party": _build_party,
    "agreement": _build_agreement,
    "interest_member": _build_interest_part("country", "countries"),
    "interest_area": _build_interest_part("area", "areas"),
    "capability": _build_capability,
}


def _known_values(rule: RuleIR, seeds: list[tuple[str, Constraint]]) -> dict[tuple[str, str], Any] | None:
    """Values fixed by the seeds and literal equalities, spread along the rule's equality joins.

    None when two fixed values collide (the rule cannot match with these seeds).
    """
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    fixed: list[tuple[tuple[str, str], Any]] = [((v, c.field), c.value) for v, c in seeds if c.op == "eq"]
    for c in rule.conditions:
        if c.var is None:
            continue
        for t in c.tests:
            if t.op != "eq":
                continue
            if isinstance(t.value, Ref):
                parent[find((c.var, t.field))] = find((t.value.var, t.value.field))
            else:
                fixed.append(((c.var, t.field), t.value))
    values: dict[tuple[str, str], Any] = {}
    for slot, value in fixed:
        root = find(slot)
        if root in values and values[root] != norm(value):
            return None
        values[root] = norm(value)
    return {slot: values[find(slot)] for slot in list(parent) if find(slot) in values} | {
        slot: values[find(slot)] for slot, _ in fixed
    }
