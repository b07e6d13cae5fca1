"""Plain-language wording of facts, tests and conditions, in Japanese and English.

Rules are written over fact kinds and fields (``party`` with ``agreement_kind: raa``); analysts
read sentences ("United Kingdom is a party to the Japan-UK RAA (under negotiation)"). This module
turns the one into the other for the ``because`` line of ``evaluate``, for ``explain`` and for
``rules show``. It only formats: it never decides whether anything matches.

Values may arrive as Python values (view facts: dates as dates) or as the engine holds them
(rule literals: dates as day numbers); :meth:`Wording.value` shows both the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from string import Formatter
from typing import Any

from policyengine.compiler.ir import CondIR, Kinds, Ref, RuleIR, Test
from policyengine.models.factview import FieldSpec, canonical_codes
from policyengine.models.names import FIELD_LABELS, Names, join, possessive
from policyengine.text import catalog

LANGS: tuple[str, str] = ("ja", "en")
I18n = dict[str, str]

#: What a fact of each built-in kind is called.
KIND_NOUNS: dict[str, tuple[str, str]] = {
    "scenario": ("シナリオ", "scenario"),
    "country": ("国", "country"),
    "framework": ("枠組み", "framework"),
    "membership": ("枠組みへの参加", "framework membership"),
    "coverage": ("枠組みの協力分野", "area a framework covers"),
    "mechanism": ("枠組みの会合・仕組み", "framework mechanism"),
    "agreement": ("協定", "agreement"),
    "party": ("協定の当事国", "party to an agreement"),
    "asset_protection": ("自衛隊による武器等防護", "SDF asset protection"),
    "interest": ("共有する関心", "shared interest"),
    "interest_member": ("関心を共有する国", "country sharing an interest"),
    "interest_area": ("関心分野", "area of a shared interest"),
    "event": ("出来事", "event"),
    "capability": ("能力・体制", "capability"),
    "recommendation": ("推奨", "recommendation"),
    "risk": ("リスク", "risk"),
}


#: Kinds whose facts are statements ("X is a member of Y"): always worth saying in a summary.
RELATION_KINDS = frozenset(
    {
        "membership",
        "coverage",
        "mechanism",
        "party",
        "asset_protection",
        "interest_member",
        "interest_area",
        "capability",
        "recommendation",
        "risk",
    }
)


class _Unbound:
    """A ``$var.field`` whose variable has no fact (in why-not explanations, or in ``rules show``)."""

    def __repr__(self) -> str:
        return "UNBOUND"


UNBOUND: Any = _Unbound()

#: Looks up the value of a reference, or returns UNBOUND.
Resolver = Callable[[Ref], Any]


def no_bindings(_: Ref) -> Any:
    """A resolver for a rule read on its own: every reference is unbound."""
    return UNBOUND


def i18n(make: Callable[[str], str]) -> I18n:
    """A text in both languages from a function of the language."""
    return {lang: make(lang) for lang in LANGS}


class Wording:
    """Sentences about the facts and conditions of one rule pack over one scenario's names."""

    def __init__(self, names: Names, kinds: Kinds, rules: Iterable[RuleIR] = ()) -> None:
        self.names = names
        self.kinds = kinds
        self._values: dict[tuple[int, type, Any, str], str] = {}
        # Plain names the pack gives: a derived kind is called what its deriving rule's title says,
        # an action what the rule recommending it is titled (when the catalog has no words for it).
        self._derived_titles: dict[str, dict[str, str]] = {}
        self._action_titles: dict[str, dict[str, str]] = {}
        for r in rules:
            for d in r.rule.then.derive:
                self._derived_titles.setdefault(d.kind, {"ja": r.rule.title.ja, "en": r.rule.title.en})
            if r.rule.then.recommend is not None:
                title = {"ja": r.rule.title.ja, "en": r.rule.title.en}
                self._action_titles.setdefault(r.rule.then.recommend.action, title)

    # -- words ---------------------------------------------------------------------------------
    def noun(self, kind: str, lang: str) -> str:
        names = KIND_NOUNS.get(kind)
        if names is not None:
            return names[0 if lang == "ja" else 1]
        # a kind the pack derives: plain words from the catalog, else its deriving rule's title
        words = catalog().get(f"derived.noun.{kind}")
        if words is not None:
            return words[lang]
        title = self._derived_titles.get(kind)
        if title is not None:
            return title[lang] if lang == "ja" else title[lang][:1].lower() + title[lang][1:]
        return kind.replace("-", " ").replace("_", " ")

    def plural(self, kind: str, lang: str) -> str:
        """What several facts of a kind are called (English plural, for counts)."""
        words = catalog().get(f"derived.plural.{kind}")
        return words[lang] if words is not None else self.noun(kind, lang)

    def action(self, action: str, lang: str) -> str:
        """An action said in words: the title of the rule that recommends it."""
        title = self._action_titles.get(action)
        if title is None:
            return action.replace("-", " ")
        return title[lang] if lang == "ja" else title[lang][:1].lower() + title[lang][1:]

    def _sentence(self, key: str, kind: str, fields: Mapping[str, Any], lang: str) -> str | None:
        """The catalog's sentence ``key`` with the fact's fields as names, if it has one for them."""
        words = catalog().get(key)
        if words is None:
            return None
        wanted = {name for _, name, _, _ in Formatter().parse(words[lang]) if name}
        if not wanted <= {k for k, v in fields.items() if v is not None}:
            return None
        values = {}
        for name in wanted:
            spec = self.spec(kind, name)
            values[name] = self.names.in_sentence(spec.refers_to if spec else None, fields[name], lang)
        return words[lang].format(**values)

    def label(self, name: str, lang: str) -> str:
        names = FIELD_LABELS.get(name)
        if names is None:
            return name.replace("_", " ")
        return names[0 if lang == "ja" else 1]

    def spec(self, kind: str, name: str) -> FieldSpec | None:
        return self.kinds.field(kind, name)

    def value(self, spec: FieldSpec | None, raw: Any, lang: str) -> str:
        """A field's value as an analyst reads it (a country's name, a date, a translated status)."""
        if isinstance(raw, (list, tuple)):
            return join([self.value(spec, v, lang) for v in raw], lang) if raw else "—"
        # The same few values are named over and over (every 'because' line of an evaluation).
        key = (id(spec), type(raw), raw, lang)
        found = self._values.get(key)
        if found is None:
            shown = raw
            dated = spec is not None and spec.type == "date"
            if dated and isinstance(raw, int) and not isinstance(raw, bool):
                shown = dt.date.fromordinal(raw)
            found = self.names.entity(spec.refers_to if spec else None, shown, lang)
            self._values[key] = found
        return found

    def field_value(self, kind: str, name: str, raw: Any, lang: str) -> str:
        return self.value(self.spec(kind, name), raw, lang)

    # -- facts ---------------------------------------------------------------------------------
    def fact(self, kind: str, fields: Mapping[str, Any], model: Any, lang: str) -> str:
        """One sentence about a fact."""
        ja = lang == "ja"

        def v(name: str) -> str:
            if ja:
                return self.field_value(kind, name, fields.get(name), lang)
            spec = self.spec(kind, name)  # a name in an English sentence: "the United Kingdom"
            return self.names.in_sentence(spec.refers_to if spec else None, fields.get(name), lang)

        if kind == "scenario":
            return (
                f"シナリオ「{fields.get('id')}」（{v('as_of')}時点）"
                if ja
                else f"scenario {fields.get('id')} as of {v('as_of')}"
            )
        if kind == "country":
            name, engagement = v("code"), v("indo_pacific_engagement")
            if ja:
                return f"{name}（{v('region')}、{v('alignment')}、インド太平洋への関与：{engagement}）"
            return f"{name} ({v('region')}, {v('alignment')}, Indo-Pacific engagement {engagement})"
        if kind == "framework":
            if ja:
                return f"{v('id')}（{v('kind')}、{v('status')}、構成国：{v('members')}）"
            return f"{v('id')} ({v('kind')}, {v('status')}; members {v('members')})"
        if kind == "membership":
            return (
                f"{v('country')}は{v('framework')}の構成国"
                if ja
                else f"{v('country')} is a member of {v('framework')}"
            )
        if kind == "coverage":
            if ja:
                return f"{v('framework')}は{v('area')}を扱う（{v('level')}）"
            return f"{v('framework')} covers {v('area')} ({v('level')})"
        if kind == "mechanism":
            name = model.name.get(lang) if model is not None and hasattr(model, "name") else v("id")
            return (
                f"{v('framework')}の{name}（{v('activity')}）"
                if ja
                else f"{v('framework')}: {name} ({v('activity')})"
            )
        if kind == "agreement":
            return f"{v('id')}（{v('status')}）" if ja else f"{v('id')} ({v('status')})"
        if kind == "party":
            if ja:
                return f"{v('country')}は{v('agreement')}の当事国（{v('agreement_status')}）"
            return f"{v('country')} is a party to {v('agreement')} ({v('agreement_status')})"
        if kind == "asset_protection":
            if ja:
                return f"自衛隊による武器等防護は{v('since')}から{v('partner')}の部隊を対象としている"
            partner = possessive(v("partner"))
            return f"the SDF's asset protection has covered {partner} forces since {v('since')}"
        if kind == "interest":
            if ja:
                return f"{v('countries')}は{v('areas')}で関心を共有している"
            return f"{v('countries')} share interests in {v('areas')}"
        if kind == "interest_member":
            found = self.names.interests.get(str(fields.get("interest")))
            if found is not None:
                others = join(
                    [
                        self.names.in_sentence("country", c, lang)
                        for c in canonical_codes(found.countries)
                        if c != fields.get("country")
                    ],
                    lang,
                )
                return (
                    f"{v('country')}は{others}と関心を共有している"
                    if ja
                    else f"{v('country')} shares interests with {others}"
                )
            shared = self.interest(fields.get("interest"), lang)
            return f"{v('country')}は{shared}を共有している" if ja else f"{v('country')} shares {shared}"
        if kind == "interest_area":
            shared = self.interest(fields.get("interest"), lang)
            return f"{shared}は{v('area')}に関わる" if ja else f"{shared} concerns {v('area')}"
        if kind == "event":
            return f"{v('id')}（{v('date')}）" if ja else f"{v('id')} ({v('date')})"
        if kind == "capability":
            return (
                f"{v('holder')}の{v('domain')}は{v('status')}"
                if ja
                else f"{possessive(v('holder'))} {v('domain')} is {v('status')}"
            )
        if (
            kind == "recommendation"
            and isinstance(fields.get("action"), str)
            and isinstance(fields.get("target"), str)
        ):
            # said as the report says it (its title and target), not by its id
            what = self.action(fields["action"], lang)
            whom = self.names.in_sentence("target", fields["target"], lang)
            return (
                f"{self.noun(kind, lang)}「{what}：{whom}」"
                if ja
                else f"the recommendation to {what}, for {whom}"
            )
        if kind in ("recommendation", "risk"):
            return f"{self.noun(kind, lang)}「{fields.get('id')}」" if ja else f"{kind} {fields.get('id')}"
        return self._sentence(f"derived.fact.{kind}", kind, fields, lang) or self.derived(kind, fields, lang)

    def interest(self, iid: Any, lang: str) -> str:
        """A shared interest by the countries sharing it (its description is a paragraph)."""
        found = self.names.interests.get(iid) if isinstance(iid, str) else None
        if found is None:
            return f"関心「{iid}」" if lang == "ja" else f"interest {iid}"
        who = join(
            [self.names.in_sentence("country", c, lang) for c in canonical_codes(found.countries)], lang
        )
        return f"{who}が共有する関心" if lang == "ja" else f"the interests {who} share"

    def derived(self, kind: str, fields: Mapping[str, Any], lang: str) -> str:
        """A derived fact: its kind and its fields (``raa-partner (country: United Kingdom, ...)``)."""
        parts = [
            f"{self.label(k, lang)}{'：' if lang == 'ja' else ': '}{self.field_value(kind, k, val, lang)}"
            for k, val in fields.items()
            if val is not None
        ]
        noun = self.noun(kind, lang)
        if not parts:
            return noun
        return f"{noun}（{'、'.join(parts)}）" if lang == "ja" else f"{noun} ({', '.join(parts)})"

    # -- tests, patterns, conditions -------------------------------------------------------------
    def operands(self, kind: str, test: Test, resolve: Resolver, lang: str) -> list[str]:
        """The right-hand side of a test as values (a list for 'in' and 'not_in').

        An unbound reference reads as "raa's country" (``raaの国``).
        """
        spec = self.spec(kind, test.field)
        if isinstance(test.value, Ref):
            got = resolve(test.value)
            if got is UNBOUND:
                label = self.label(test.value.field, lang)
                return [f"{test.value.var}の{label}" if lang == "ja" else f"{test.value.var}'s {label}"]
            return [self.value(spec, got, lang)]
        if test.field == "action" and kind == "recommendation":
            values = test.value if test.op in ("in", "not_in") else [test.value]
            return [self.action(str(x), lang) for x in values]
        if test.op in ("in", "not_in"):
            return [self.value(spec, x, lang) for x in test.value]
        if test.op == "contains":
            element = FieldSpec("text", refers_to=spec.refers_to) if spec else None
            return [self.value(element, test.value, lang)]
        return [self.value(spec, test.value, lang)]

    def test(self, kind: str, test: Test, resolve: Resolver, lang: str) -> str:
        """``status: under negotiation``, ``country: not Japan``, ``date: after 10 May 2022`` ..."""
        label = self.label(test.field, lang)
        spec = self.spec(kind, test.field)
        if test.op == "exists":
            if lang == "ja":
                return f"{label}：{'あり' if test.value else 'なし'}"
            return f"{label}: {'recorded' if test.value else 'not recorded'}"
        xs = self.operands(kind, test, resolve, lang)
        dated = spec is not None and spec.type == "date"
        if lang == "ja":
            x = ("または" if test.op == "in" else "・").join(xs)
            ja = {
                "eq": "{x}",
                "ne": "{x}以外",
                "in": "{x}",
                "not_in": "{x}以外",
                "lt": "{x}より前" if dated else "{x}未満",
                "le": "{x}以前" if dated else "{x}以下",
                "gt": "{x}より後" if dated else "{x}より多い",
                "ge": "{x}以降" if dated else "{x}以上",
                "contains": "{x}を含む",
            }
            return f"{label}：" + ja[test.op].format(x=x)
        if test.op == "not_in":
            text = "neither " + " nor ".join(xs) if len(xs) > 1 else "not " + xs[0]
            return f"{label}: {text}"
        x = " or ".join(xs)
        en = {
            "eq": "{x}",
            "ne": "not {x}",
            "in": "{x}",
            "lt": "before {x}" if dated else "less than {x}",
            "le": "on or before {x}" if dated else "at most {x}",
            "gt": "after {x}" if dated else "more than {x}",
            "ge": "on or after {x}" if dated else "at least {x}",
            "contains": "includes {x}",
        }
        return f"{label}: " + en[test.op].format(x=x)

    def pattern(self, cond: CondIR, resolve: Resolver, lang: str) -> str:
        """The facts a condition looks for: ``party to an agreement (country: Japan, ...)``."""
        noun = self.noun(cond.kind, lang)
        tests = [self.test(cond.kind, t, resolve, lang) for t in cond.tests]
        if not tests:
            return noun
        return f"{noun}（{'、'.join(tests)}）" if lang == "ja" else f"{noun} ({', '.join(tests)})"

    def count_bounds(self, cond: CondIR, lang: str) -> str:
        lo, hi = cond.at_least, cond.at_most
        if lang == "ja":
            if lo is not None and hi is not None:
                return f"{lo}件以上{hi}件以下"
            return f"{lo}件以上" if lo is not None else f"{hi}件以下"
        if lo is not None and hi is not None:
            return f"between {lo} and {hi}"
        return f"at least {lo}" if lo is not None else f"at most {hi}"

    def condition(self, cond: CondIR, resolve: Resolver, lang: str) -> str:
        """What a condition requires, in words (for ``rules show`` and why-not)."""
        pattern = self.pattern(cond, resolve, lang)
        if cond.mode == "match":
            return pattern
        if cond.mode == "absent":
            return f"{pattern}がないこと" if lang == "ja" else f"no {pattern}"
        bounds = self.count_bounds(cond, lang)
        if lang == "ja":
            return f"{pattern}が{bounds}"
        one = cond.at_most == 1 if cond.at_least is None else cond.at_least == 1 and cond.at_most in (None, 1)
        noun = self.noun(cond.kind, lang) if one else self.plural(cond.kind, lang)
        tests = [self.test(cond.kind, t, resolve, lang) for t in cond.tests]
        return f"{bounds} {noun}" + (f" ({', '.join(tests)})" if tests else "")

    def absent(self, cond: CondIR, resolve: Resolver, lang: str) -> str:
        """A satisfied 'absent' condition: "the United Kingdom's forces are not covered by the
        SDF's asset protection" (the catalog's sentence), else ``no <noun> (<tests>)``."""
        if all(t.op == "eq" for t in cond.tests):
            known: dict[str, Any] = {}
            for t in cond.tests:
                got = resolve(t.value) if isinstance(t.value, Ref) else t.value
                if got is not UNBOUND:
                    known[t.field] = got
            if len(known) == len(cond.tests):
                said = self._sentence(f"derived.none.{cond.kind}", cond.kind, known, lang)
                if said is not None:
                    return said
        pattern = self.pattern(cond, resolve, lang)
        return f"{pattern}はない" if lang == "ja" else f"no {pattern}"

    def counted(self, cond: CondIR, n: int, resolve: Resolver, lang: str) -> str:
        """A satisfied count: ``3 framework mechanisms (framework: ...)``, ``…が3件``."""
        if lang == "ja":
            return f"{self.pattern(cond, resolve, lang)}が{n}件"
        noun = self.plural(cond.kind, lang) if n != 1 else self.noun(cond.kind, lang)
        tests = [self.test(cond.kind, t, resolve, lang) for t in cond.tests]
        return f"{n} {noun}" + (f" ({', '.join(tests)})" if tests else "")

    # -- failures (why-not) ------------------------------------------------------------------
    def mismatch(self, kind: str, test: Test, fields: Mapping[str, Any], resolve: Resolver, lang: str) -> str:
        """A test a fact fails: ``status is signed (the rule needs status: under negotiation)``."""
        label = self.label(test.field, lang)
        raw = fields.get(test.field)
        if raw is None:
            actual = "記録なし" if lang == "ja" else "not recorded"
        else:
            actual = self.field_value(kind, test.field, raw, lang)
        wanted = self.test(kind, test, resolve, lang)
        if lang == "ja":
            return f"{label}は{actual}（ルールの条件は{wanted}）"
        return f"{label} is {actual} (the rule needs {wanted})"

    def no_fact(self, cond: CondIR, resolve: Resolver, derived: bool, lang: str) -> str:
        """A 'match' that finds no fact at all."""
        pattern = self.pattern(cond, resolve, lang)
        if derived:
            return f"{pattern}は導かれていない" if lang == "ja" else f"no {pattern} was derived"
        return f"シナリオに{pattern}がない" if lang == "ja" else f"the scenario has no {pattern}"

    def in_the_way(self, kind: str, fields: Mapping[str, Any], model: Any, lang: str) -> str:
        """A fact that makes an 'absent' condition fail."""
        sentence = self.fact(kind, fields, model, lang)
        return f"しかし、{sentence}" if lang == "ja" else f"but {sentence}"

    def miscount(self, cond: CondIR, n: int, lang: str) -> str:
        bounds = self.count_bounds(cond, lang)
        if lang == "ja":
            return f"該当は{n}件（ルールの条件は{bounds}）"
        return f"{n} counted (the rule needs {bounds})"

    def unknown(self, names: list[str], lang: str) -> str:
        """A condition that refers to variables without facts."""
        who = "・".join(names) if lang == "ja" else ", ".join(names)
        if lang == "ja":
            return f"{who}に当たる事実がないため確かめられない"
        return f"cannot be checked: there is no fact for {who}"

    # -- summaries -----------------------------------------------------------------------------
    def because(
        self,
        rule: RuleIR,
        facts: Mapping[str, tuple[str, Mapping[str, Any], Any]],
        counts: Mapping[int, int],
        lang: str,
    ) -> str:
        """One line saying which conditions held: relations, tested attributes, absences, counts.

        ``facts`` maps each bound variable to (kind, fields, model); ``counts`` maps the index of
        each count condition to the number counted. Conditions that only join facts already named
        add nothing and are left out.
        """

        def resolve(ref: Ref) -> Any:
            got = facts.get(ref.var)
            return got[1].get(ref.field) if got is not None else UNBOUND

        parts: list[str] = []
        for cond in rule.conditions:
            if cond.mode == "absent":
                parts.append(self.absent(cond, resolve, lang))
            elif cond.mode == "count":
                n = counts.get(cond.index)
                # 'at most' counts bind nothing, so the engine reports no number for them
                parts.append(
                    self.condition(cond, resolve, lang) if n is None else self.counted(cond, n, resolve, lang)
                )
            elif cond.var is not None and cond.var in facts:
                kind, fields, model = facts[cond.var]
                if kind in RELATION_KINDS or self.kinds.specs[kind].derived:
                    parts.append(self.fact(kind, fields, model, lang))
                else:
                    literal = [t for t in cond.tests if not isinstance(t.value, Ref)]
                    if literal:
                        parts.append(self.entity_with(kind, fields, literal, lang))
        return ("；" if lang == "ja" else "; ").join(_unique(parts))

    def entity_with(self, kind: str, fields: Mapping[str, Any], tests: Iterable[Test], lang: str) -> str:
        """An entity named with the attributes a condition tested: ``Quad (kind: minilateral, ...)``."""
        spec = self.kinds.specs[kind]
        if kind == "interest":
            name = self.interest(fields.get("id"), lang)
        elif spec.identity:
            name = self.field_value(kind, spec.identity, fields.get(spec.identity), lang)
        else:
            name = self.noun(kind, lang)
        seen: list[str] = []
        for t in tests:
            if t.field not in seen and t.field != spec.identity:
                seen.append(t.field)
        colon = "：" if lang == "ja" else ": "
        attrs = [
            f"{self.label(f, lang)}{colon}{self.field_value(kind, f, fields.get(f), lang)}" for f in seen
        ]
        if not attrs:
            return name
        return f"{name}（{'、'.join(attrs)}）" if lang == "ja" else f"{name} ({', '.join(attrs)})"


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


__all__ = [
    "FIELD_LABELS",
    "KIND_NOUNS",
    "LANGS",
    "UNBOUND",
    "I18n",
    "Resolver",
    "Wording",
    "i18n",
    "no_bindings",
]
