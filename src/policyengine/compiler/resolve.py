"""Stage ``resolve``: give every name in a rule a meaning, or a located error.

Checks fact kinds, fields, variables (bound before use, never misspelled: durable-rules would
silently match everything for an unknown alias), operators against field types, literals
against the values a field can take, and template holes against bound variables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from policyengine.compiler.capacity import MAX_DERIVED_FIELDS, MAX_LIST_VALUES, MAX_LITERAL_CHARS
from policyengine.compiler.ir import OPERATORS, CondIR, Kinds, OutputIR, Ref, RuleIR, Template, Test
from policyengine.compiler.templates import TemplateSyntaxError, parse_template
from policyengine.errors import DiagnosticSink
from policyengine.errors.locations import Location
from policyengine.errors.suggest import hint_for
from policyengine.loading.yamltree import YMap, YSeq, locate
from policyengine.models.factview import BASE_KINDS, OUTCOME_KINDS, FieldSpec, KindSpec
from policyengine.models.rules import Condition, Rule
from policyengine.models.vocabulary import AREA_NAMES
from policyengine.validation.pydantic_errors import describe
from policyengine.validation.rulepack import LoadedRule, LoadedRulePack

_REF = re.compile(r"^\$([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$")
_BARE_REF = re.compile(r"^\$([a-z][a-z0-9_]*)$")
_CODE = re.compile(r"^(?:[A-Z]{3}|EU)$")

_ORDERED = ("lt", "le", "gt", "ge")
#: What people write for an operator, from other query languages, and what we call it.
_OPERATOR_SYNONYMS = {
    "equals": "eq", "equal": "eq", "is": "eq", "=": "eq", "==": "eq",
    "not": "ne", "neq": "ne", "not_equal": "ne", "not_equals": "ne", "!=": "ne", "<>": "ne",
    "<": "lt", "less": "lt", "before": "lt", "<=": "le", "lte": "le",
    ">": "gt", "greater": "gt", "after": "gt", ">=": "ge", "gte": "ge",
    "one_of": "in", "any_of": "in", "nin": "not_in", "none_of": "not_in",
    "has": "contains", "includes": "contains", "exist": "exists",
}  # fmt: skip
_TEXTUAL = ("text", "code", "id")


def _compatible(a: FieldSpec, b: FieldSpec) -> bool:
    if a.type in _TEXTUAL and b.type in _TEXTUAL:
        return True
    return a.type == b.type and a.type != "list"


class _RuleContext:
    """Resolution of one rule: its variables so far and where to report."""

    def __init__(self, loaded: LoadedRule, kinds: Kinds, sink: DiagnosticSink) -> None:
        self.loaded = loaded
        self.rule: Rule = loaded.rule
        self.raw = loaded.raw
        self.kinds = kinds
        self.sink = sink
        self.vars: dict[str, str] = {}

    # -- locations -------------------------------------------------------------------------
    def cond_raw(self, index: int) -> YMap | None:
        seq = self.raw.get("when")
        if isinstance(seq, YSeq) and index < len(seq):
            item = seq[index]
            if isinstance(item, YMap):
                return item
        return None

    def loc(self, node: Any, key: str | None = None, *, of_value: bool = True) -> Location:
        if isinstance(node, YMap):
            return node.location(key, of_value=of_value) if key is not None else node.location()
        return self.raw.location()

    def error(self, code: str, message: str, location: Location, hint: str | None = None) -> None:
        self.sink.add(code, f"rule '{self.rule.id}': {message}", location, hint)

    # -- values ----------------------------------------------------------------------------
    def ref(self, text: str, location: Location, *, own_var: str | None = None) -> Ref | None:
        m = _REF.match(text)
        if m is None:
            bare = _BARE_REF.match(text)
            hint = f"name a field: ${bare[1]}.code" if bare else "write $variable.field, e.g. $partner.code"
            self.error("E402", f"'{text}' is not a reference", location, hint)
            return None
        var, field = m[1], m[2]
        if var == own_var:
            self.error(
                "E402",
                f"'{text}' refers to the fact this condition is matching",
                location,
                "compare with a variable bound by an earlier condition",
            )
            return None
        if var not in self.vars:
            self.error(
                "E402",
                f"unknown variable '${var}'",
                location,
                hint_for(var, self.vars, noun="variables bound so far")
                or "bind it first with 'as:' in an earlier 'match' condition",
            )
            return None
        kind = self.vars[var]
        if self.kinds.field(kind, field) is None:
            self.error(
                "E401",
                f"'{kind}' facts have no field '{field}' (in '{text}')",
                location,
                hint_for(field, self.kinds.specs[kind].fields, noun=f"fields of '{kind}'"),
            )
            return None
        return Ref(var, field)

    def literal(
        self, kind: str, field: str, spec: FieldSpec, value: Any, location: Location, *, element: bool = False
    ) -> tuple[bool, Any]:
        """Check a literal against a field; return (ok, value normalised for the engine)."""
        expected = "text" if element else spec.type
        if expected == "list":
            self.error(
                "E403",
                f"'{field}' is a list: test it with 'contains'",
                location,
                f"e.g. {field}: {{contains: JPN}}",
            )
            return False, None
        if expected == "date":
            if isinstance(value, dt.date):
                return True, value.toordinal()
            self.error(
                "E403", f"'{kind}.{field}' is a date; '{value}' is not", location, "write dates as YYYY-MM-DD"
            )
            return False, None
        if expected == "bool":
            if isinstance(value, bool):
                return True, value
            self.error("E403", f"'{kind}.{field}' is true or false; '{value}' is not", location)
            return False, None
        if expected == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                return True, value
            self.error("E403", f"'{kind}.{field}' is a whole number; '{value}' is not", location)
            return False, None
        if not isinstance(value, str):
            self.error(
                "E403",
                f"'{kind}.{field}' holds text; {describe(value)} is not text",
                location,
                "put the value in quotes",
            )
            return False, None
        if not self.short_enough(value, location):
            return False, None
        if spec.values and value not in spec.values:
            self.error(
                "E403",
                f"'{value}' is never a value of '{kind}.{field}': the test can never match",
                location,
                hint_for(value, spec.values, noun=f"values of '{field}'"),
            )
            return False, None
        is_code = spec.type == "code" or (element and spec.refers_to == "country")
        if is_code and not _CODE.match(value):
            self.error(
                "E403",
                f"'{value}' is not a country code",
                location,
                "country codes are ISO 3166-1 alpha-3 in capitals (JPN), or EU",
            )
            return False, None
        return True, value

    def short_enough(self, text: str, location: Location) -> bool:
        if len(text) <= MAX_LITERAL_CHARS:
            return True
        self.error(
            "E407",
            f"a literal of {len(text):,} characters; the engine takes at most {MAX_LITERAL_CHARS:,}",
            location,
            "literals name codes, ids and short labels; keep long text in titles and templates",
        )
        return False

    # -- conditions ------------------------------------------------------------------------
    def where_tests(
        self, kind: str, where: dict[str, Any], raw_where: Any, fallback: Location, cond: Condition
    ) -> list[Test] | None:
        """The tests of a ``where`` mapping over facts of ``kind``; None when any is wrong.

        ``raw_where`` is the located mapping as written (for locations), ``fallback`` where to
        report when there is none.
        """
        spec = self.kinds.specs[kind]
        tests: list[Test] = []
        ok = True
        for field, value in where.items():
            floc = raw_where.location(field, of_value=False) if isinstance(raw_where, YMap) else fallback
            vloc = raw_where.location(field, of_value=True) if isinstance(raw_where, YMap) else fallback
            fspec = spec.fields.get(field)
            if fspec is None:
                self.error(
                    "E401",
                    f"'{kind}' facts have no field '{field}'",
                    floc,
                    hint_for(field, spec.fields, noun=f"fields of '{kind}'"),
                )
                ok = False
                continue
            for test in self.tests(kind, field, fspec, value, vloc, cond):
                if test is None:
                    ok = False
                else:
                    tests.append(test)
        return tests if ok else None

    def condition(self, index: int, cond: Condition) -> CondIR | None:
        raw = self.cond_raw(index)
        kind = cond.kind
        where_loc = self.loc(raw, cond.mode, of_value=True)
        if kind not in self.kinds.specs:
            self.error(
                "E401",
                f"unknown fact kind '{kind}'",
                where_loc,
                hint_for(kind, self.kinds.specs, noun="kinds"),
            )
            return None
        raw_where = raw.get("where") if raw is not None else None
        tests = self.where_tests(kind, cond.where, raw_where, where_loc, cond)
        if tests is None:
            return None
        var = cond.as_
        if var is not None and var in self.vars:
            self.error(
                "E402",
                f"variable '{var}' is bound twice",
                self.loc(raw, "as"),
                "give each condition its own variable name",
            )
            return None
        ir = CondIR(index, cond.mode, kind, var, tests, cond.at_least, cond.at_most, self.loc(raw))
        if cond.mode == "count":
            for t in tests:
                if isinstance(t.value, Ref) and t.op != "eq":
                    self.error(
                        "E403",
                        f"a count can only group by equality ('{t.field}: ${t.value.var}...')",
                        t.location or where_loc,
                    )
                    return None
        if var is not None:
            self.vars[var] = kind
        return ir

    def tests(
        self, kind: str, field: str, spec: FieldSpec, value: Any, location: Location, cond: Condition
    ) -> list[Test | None]:
        own = cond.as_
        if isinstance(value, str) and value.startswith("$"):
            ref = self.ref(value, location, own_var=own)
            if ref is None:
                return [None]
            return [self._ref_test(kind, field, spec, "eq", ref, location)]
        if isinstance(value, (YSeq, list)):
            self.error(
                "E403",
                f"'{field}' is given a list",
                location,
                f"to test membership write {field}: {{in: [...]}}",
            )
            return [None]
        if not isinstance(value, (YMap, dict)):
            ok, v = self.literal(kind, field, spec, value, location)
            return [Test(field, "eq", v, location) if ok else None]
        if not value:
            self.error(
                "E403",
                f"no operator given for '{field}'",
                location,
                "valid operators: " + ", ".join(OPERATORS),
            )
            return [None]
        out: list[Test | None] = []
        for op, operand in value.items():
            oloc = value.location(op) if isinstance(value, YMap) else location
            if op not in OPERATORS:
                synonym = _OPERATOR_SYNONYMS.get(str(op).lower())
                hint = f"did you mean '{synonym}'?" if synonym else hint_for(op, OPERATORS, noun="operators")
                self.error("E403", f"unknown operator '{op}'", oloc, hint)
                out.append(None)
                continue
            out.append(self._op_test(kind, field, spec, op, operand, oloc, own))
        return out

    def _ref_test(
        self, kind: str, field: str, spec: FieldSpec, op: str, ref: Ref, location: Location
    ) -> Test | None:
        other = self.kinds.field(self.vars[ref.var], ref.field)
        assert other is not None
        if spec.type == "list" or other.type == "list":
            self.error(
                "E403",
                f"'{kind}.{field}' and '{ref}' cannot be compared: one is a list",
                location,
                "join on the one-per-entry facts instead (membership, party, interest_member ...)",
            )
            return None
        if not _compatible(spec, other):
            self.error(
                "E403",
                f"'{kind}.{field}' ({spec.type}) cannot be compared with {ref} ({other.type})",
                location,
            )
            return None
        if op in _ORDERED and spec.type not in ("int", "date"):
            self.error("E403", f"'{op}' compares numbers or dates; '{field}' is {spec.type}", location)
            return None
        return Test(field, op, ref, location)

    def _op_test(
        self,
        kind: str,
        field: str,
        spec: FieldSpec,
        op: str,
        operand: Any,
        location: Location,
        own: str | None,
    ) -> Test | None:
        if op == "exists":
            if not isinstance(operand, bool):
                self.error("E403", "'exists' takes true or false", location)
                return None
            return Test(field, op, operand, location)
        if op in ("in", "not_in"):
            if isinstance(operand, str) and operand.startswith("$"):
                self.error(
                    "E403",
                    f"'{op}' takes a list of values, not a reference",
                    location,
                    "to test membership against another fact, match the one-per-entry facts "
                    "(membership, party, interest_member, ...)",
                )
                return None
            if not isinstance(operand, (list, YSeq)) or not operand:
                self.error("E403", f"'{op}' takes a non-empty list of values", location)
                return None
            if len(operand) > MAX_LIST_VALUES:
                self.error(
                    "E407",
                    f"'{op}' lists {len(operand)} values; the engine takes at most {MAX_LIST_VALUES}",
                    location,
                    "test a shared attribute of those facts instead, or derive a fact that marks them",
                )
                return None
            values = []
            for item in operand:
                ok, v = self.literal(kind, field, spec, item, location)
                if not ok:
                    return None
                values.append(v)
            return Test(field, op, tuple(values), location)
        if op == "contains":
            if spec.type != "list":
                self.error(
                    "E403",
                    f"'contains' tests lists; '{kind}.{field}' is {spec.type}",
                    location,
                    f"write {field}: <value> to test equality",
                )
                return None
            if isinstance(operand, str) and operand.startswith("$"):
                self.error(
                    "E403",
                    "'contains' takes a value, not a reference",
                    location,
                    "durable-rules cannot test list membership against another fact's field: match the "
                    "one-per-entry facts instead (membership, party, interest_member, interest_area)",
                )
                return None
            ok, v = self.literal(kind, field, spec, operand, location, element=True)
            return Test(field, op, v, location) if ok else None
        # eq, ne, lt, le, gt, ge
        if isinstance(operand, str) and operand.startswith("$"):
            ref = self.ref(operand, location, own_var=own)
            return None if ref is None else self._ref_test(kind, field, spec, op, ref, location)
        if op in _ORDERED and spec.type not in ("int", "date"):
            self.error("E403", f"'{op}' compares numbers or dates; '{field}' is {spec.type}", location)
            return None
        ok, v = self.literal(kind, field, spec, operand, location)
        return Test(field, op, v, location) if ok else None

    # -- outputs ---------------------------------------------------------------------------
    def value(self, value: Any, location: Location) -> Ref | str | None:
        if isinstance(value, str) and value.startswith("$"):
            return self.ref(value, location)
        if isinstance(value, str):
            return value if self.short_enough(value, location) else None
        self.error(
            "E403",
            f"expected text or a $variable.field reference, not {describe(value)}",
            location,
            "put a literal in quotes, or name a field of a bound fact: $variable.field",
        )
        return None

    def template(self, text: str, location: Location) -> Template | None:
        try:
            tpl = parse_template(text)
        except TemplateSyntaxError as exc:
            self.error(
                "E404",
                f"template: {exc}",
                location,
                "holes are {variable} or {variable.field}; write {{ and }} for literal braces",
            )
            return None
        ok = True
        for var, field in tpl.holes():
            if var not in self.vars:
                self.error(
                    "E404",
                    f"template names unknown variable '{{{var}}}'",
                    location,
                    hint_for(var, self.vars, noun="bound variables") or "bind it with 'as:' in 'when'",
                )
                ok = False
            elif field is not None and self.kinds.field(self.vars[var], field) is None:
                kind = self.vars[var]
                self.error(
                    "E404",
                    f"template names '{{{var}.{field}}}' but '{kind}' facts have no field '{field}'",
                    location,
                    hint_for(field, self.kinds.specs[kind].fields, noun="fields"),
                )
                ok = False
        return tpl if ok else None

    def output(self) -> OutputIR | None:
        then = self.rule.then
        raw_then = self.raw.get("then")
        out = OutputIR()
        ok = True

        def at(*path: str | int) -> Location:
            start = self.raw.location("then") if "then" in self.raw else self.raw.location()
            return locate(raw_then, *path, start=start) or start

        for i, d in enumerate(then.derive):
            if d.kind in BASE_KINDS or d.kind in OUTCOME_KINDS:
                self.error(
                    "E401",
                    f"cannot derive '{d.kind}': it is a built-in fact kind",
                    at("derive", i, "kind"),
                    "choose a new kind name for derived facts",
                )
                ok = False
                continue
            if len(d.fields) > MAX_DERIVED_FIELDS:
                self.error(
                    "E407",
                    f"derives '{d.kind}' with {len(d.fields)} fields; the engine takes at most "
                    f"{MAX_DERIVED_FIELDS}",
                    at("derive", i, "fields"),
                    "derive several smaller kinds, each with the fields one rule needs",
                )
                ok = False
                continue
            fields: dict[str, Any] = {}
            for name, value in d.fields.items():
                v = self.value(value, at("derive", i, "fields", name))
                if v is None:
                    ok = False
                fields[name] = v
            out.derive.append((d.kind, fields))
        if then.recommend is not None:
            rec = then.recommend
            target = self.value(rec.target, at("recommend", "target"))
            ja = self.template(rec.justification.ja, at("recommend", "justification", "ja"))
            en = self.template(rec.justification.en, at("recommend", "justification", "en"))
            for j, area in enumerate(rec.areas):
                if area not in AREA_NAMES:
                    self.error(
                        "E303",
                        f"unknown area '{area}'",
                        at("recommend", "areas", j),
                        hint_for(area, AREA_NAMES, noun="areas"),
                    )
                    ok = False
            if target is None or ja is None or en is None:
                ok = False
            out.recommend = {
                "action": rec.action,
                "target": target,
                "priority": rec.priority,
                "justification": {"ja": ja, "en": en},
                "areas": list(rec.areas),
            }
        if then.risk is not None:
            risk = then.risk
            target = self.value(risk.target, at("risk", "target"))
            ja = self.template(risk.message.ja, at("risk", "message", "ja"))
            en = self.template(risk.message.en, at("risk", "message", "en"))
            if target is None or ja is None or en is None:
                ok = False
            out.risk = {
                "kind": risk.kind,
                "target": target,
                "severity": risk.severity,
                "message": {"ja": ja, "en": en},
            }
        return out if ok else None


def _derived_specs(pack: LoadedRulePack, sink: DiagnosticSink) -> dict[str, KindSpec]:
    """Kinds the pack derives, with fields typed from what they are derived from."""
    fields_of: dict[str, dict[str, FieldSpec]] = {}
    first_at: dict[str, tuple[frozenset[str], Location]] = {}
    # Referenced fields may themselves be derived: iterate until types settle (each round
    # settles at least one more link of a chain of derived kinds).
    for _ in range(len(pack.rules) + 1):
        before_round = {kind: dict(specs) for kind, specs in fields_of.items()}
        for loaded in pack.rules:
            rule = loaded.rule
            var_kinds = {c.as_: c.kind for c in rule.when if c.match and c.as_}
            for d in rule.then.derive:
                specs = fields_of.setdefault(d.kind, {})
                for name, value in d.fields.items():
                    spec = FieldSpec("text")
                    if isinstance(value, str):
                        m = _REF.match(value)
                        if m and m[1] in var_kinds:
                            src_kind = var_kinds[m[1]]
                            src = BASE_KINDS.get(src_kind) or OUTCOME_KINDS.get(src_kind)
                            src_fields = (
                                src.fields if src else {k: v for k, v in fields_of.get(src_kind, {}).items()}
                            )
                            spec = src_fields.get(m[2], spec)
                    elif isinstance(value, bool):
                        spec = FieldSpec("bool")
                    elif isinstance(value, int):
                        spec = FieldSpec("int")
                    # A field copied from one that facts may lack may be lacking too, whichever
                    # rule derived the fact.
                    before = specs.get(name)
                    if before is not None and before.optional and not spec.optional:
                        spec = dataclasses.replace(spec, optional=True)
                    specs[name] = spec
        if fields_of == before_round:
            break
    for loaded in pack.rules:
        for i, d in enumerate(loaded.rule.then.derive):
            names = frozenset(d.fields)
            raw_then = loaded.raw.get("then")
            raw_d = raw_then.get("derive") if isinstance(raw_then, YMap) else None
            loc = raw_d.location(i) if isinstance(raw_d, YSeq) else loaded.location
            if d.kind not in first_at:
                first_at[d.kind] = (names, loc)
            elif first_at[d.kind][0] != names:
                sink.add(
                    "E401",
                    f"rule '{loaded.rule.id}': derives '{d.kind}' with fields "
                    f"{sorted(names)}, but it is derived with {sorted(first_at[d.kind][0])} at "
                    f"{first_at[d.kind][1]}",
                    loc,
                    "every rule must derive a kind with the same fields",
                )
    return {
        kind: KindSpec(kind, dict(sorted(specs.items())), "Derived by the pack's rules.", derived=True)
        for kind, specs in fields_of.items()
    }


def resolve(pack: LoadedRulePack, sink: DiagnosticSink) -> tuple[list[RuleIR], Kinds]:
    """Resolve every rule of a pack; problems go to ``sink``."""
    derived = _derived_specs(pack, sink)
    kinds = Kinds({**BASE_KINDS, **OUTCOME_KINDS, **derived})
    out: list[RuleIR] = []
    for index, loaded in enumerate(pack.rules):
        ctx = _RuleContext(loaded, kinds, sink)
        conds: list[CondIR] = []
        ok = True
        for i, cond in enumerate(loaded.rule.when):
            ir = ctx.condition(i, cond)
            if ir is None:
                ok = False
            else:
                conds.append(ir)
        if ok and not any(c.mode == "match" for c in conds):
            ctx.error(
                "E403",
                "a rule needs at least one 'match' condition",
                loaded.location,
                "'absent' and 'count' conditions only qualify facts matched by 'match'",
            )
            ok = False
        output = ctx.output() if ok else None
        if output is None:
            continue
        out.append(RuleIR(index, loaded.rule, conds, output, loaded.location, loaded.file, dict(ctx.vars)))
    return out, kinds


class _WhereContext(_RuleContext):
    """Resolution of a ``where`` outside rules (signposts): literals only, no variables."""

    def __init__(self, raw: YMap, kinds: Kinds, sink: DiagnosticSink, label: str) -> None:
        # Deliberately not calling super().__init__: there is no rule, only its where-syntax.
        self.raw = raw
        self.kinds = kinds
        self.sink = sink
        self.vars = {}
        self.label = label

    def error(self, code: str, message: str, location: Location, hint: str | None = None) -> None:
        self.sink.add(code, f"{self.label}: {message}", location, hint)

    def ref(self, text: str, location: Location, *, own_var: str | None = None) -> Ref | None:
        self.error(
            "E402",
            f"'{text}': there are no variables here",
            location,
            "compare fields with values, e.g. status: in-force",
        )
        return None


def resolve_where(
    kind: str,
    where: dict[str, Any],
    raw: YMap,
    kinds: Kinds,
    sink: DiagnosticSink,
    *,
    label: str,
) -> list[Test] | None:
    """Resolve a ``where`` mapping of literal tests (the rule-pack syntax, without variables).

    ``raw`` is the located mapping holding ``where`` (for error locations). Problems go to
    ``sink``, prefixed with ``label``; None when there were any.
    """
    ctx = _WhereContext(raw, kinds, sink, label)
    fallback = raw.location("where") if "where" in raw else raw.location()
    return ctx.where_tests(kind, where, raw.get("where"), fallback, Condition.model_validate({"match": kind}))
