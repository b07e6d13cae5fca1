"""Results of an evaluation: recommendations and risks with justifications, evidence, sources.

Built from the raw evaluation without durable-rules; deterministic and independent of the
order of facts in the input files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from policyengine.compiler.emit import COUNT
from policyengine.compiler.ir import Template
from policyengine.display import Names
from policyengine.engine.evidence import Evidence
from policyengine.engine.runtime import EngineFact, Outcome, RawEvaluation, Support
from policyengine.factview import BASE_KINDS
from policyengine.wording import LANGS, Wording

PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}


class Prose(Mapping[str, str]):
    """A text in each language (``ja``, ``en``), written from the raw outcome when first read.

    An evaluation returns data (outcomes, the facts each support bound, evidence); most callers
    (sweeps, timelines, whatif, check) never read a justification, and a renderer reads one
    language. Each language's text is written by ``write(lang)`` on first access and kept, so
    that what is read is what an eager evaluation would have written, byte for byte. It is a
    read-only mapping: ``dict(prose)`` writes both languages, and equality is that of the dict.
    """

    __slots__ = ("_text", "_write")

    def __init__(self, write: Callable[[str], str]) -> None:
        self._write = write
        self._text: dict[str, str] = {}

    def __getitem__(self, lang: str) -> str:
        text = self._text.get(lang)
        if text is None:
            if lang not in LANGS:
                raise KeyError(lang)
            text = self._text[lang] = self._write(lang)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)

    def __repr__(self) -> str:
        return f"Prose({dict(self)!r})"


@dataclass(frozen=True)
class Citation:
    document: str
    section: str
    quote: str
    translation: str | None = None  # the project's English rendering of the quote, if the rule gives one

    def to_dict(self) -> dict[str, str]:
        out = {"document": self.document, "section": self.section, "quote": self.quote}
        if self.translation is not None:
            out["translation"] = self.translation
        return out


@dataclass(frozen=True)
class Recommendation:
    id: str
    action: str
    target: str
    target_name: Mapping[str, str]
    priority: str
    rule: str
    rules: list[str]
    title: dict[str, str]
    justification: Mapping[str, str]
    evidence: list[str]
    sources: list[Citation]
    areas: list[str] = field(default_factory=list)
    because: Mapping[str, str] = field(default_factory=dict)  # one line: the conditions that held

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "target": self.target,
            "target_name": dict(self.target_name),
            "priority": self.priority,
            "rule": self.rule,
            "rules": list(self.rules),
            "title": dict(self.title),
            "justification": dict(self.justification),
            "evidence": list(self.evidence),
            "sources": [s.to_dict() for s in self.sources],
            "areas": list(self.areas),
            "because": dict(self.because),
        }


@dataclass(frozen=True)
class Risk:
    id: str
    kind: str
    target: str
    target_name: Mapping[str, str]
    severity: str
    rule: str
    rules: list[str]
    title: dict[str, str]
    message: Mapping[str, str]
    evidence: list[str]
    sources: list[Citation]
    because: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "target": self.target,
            "target_name": dict(self.target_name),
            "severity": self.severity,
            "rule": self.rule,
            "rules": list(self.rules),
            "title": dict(self.title),
            "message": dict(self.message),
            "evidence": list(self.evidence),
            "sources": [s.to_dict() for s in self.sources],
            "because": dict(self.because),
        }


@dataclass(frozen=True)
class CitedPassage:
    """A passage of a source document and the rules of this evaluation that cite it."""

    document: str
    section: str
    quote: str
    rules: list[str]
    translation: str | None = None  # the project's English rendering of the quote, if any

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"document": self.document, "section": self.section, "quote": self.quote}
        if self.translation is not None:
            out["translation"] = self.translation
        out["rules"] = list(self.rules)
        return out


@dataclass
class Result:
    """Everything ``evaluate`` reports, sorted by id."""

    scenario_id: str
    as_of: str
    title: dict[str, str]
    files: list[str]
    pack_id: str
    recommendations: list[Recommendation]
    risks: list[Risk]
    raw: RawEvaluation | None = None
    #: every passage behind the recommendations and risks (and the facts they rest on), once
    sources: list[CitedPassage] = field(default_factory=list)

    def recommendation(self, rid: str) -> Recommendation | None:
        return next((r for r in self.recommendations if r.id == rid), None)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.recommendations]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``policyengine evaluate --format json``."""
        return {
            "scenario": {
                "id": self.scenario_id,
                "as_of": self.as_of,
                "title": dict(self.title),
                "files": list(self.files),
            },
            "pack": self.pack_id,
            "recommendations": [r.to_dict() for r in self.recommendations],
            "risks": [r.to_dict() for r in self.risks],
            "sources": [s.to_dict() for s in self.sources],
        }


class _Builder:
    def __init__(self, raw: RawEvaluation, loaded: Any) -> None:
        self.raw = raw
        self.loaded = loaded
        self.names = Names(loaded.scenario)
        self.wording = Wording(self.names, raw.compiled.kinds, raw.compiled.rules)
        self.rules = raw.compiled.rules
        self.evidence = Evidence(raw)
        self.priority_rank = {
            r.id: PRIORITY_RANK[r.output.recommend["priority"]] for r in self.rules if r.output.recommend
        }
        self.severity_rank = {
            r.id: PRIORITY_RANK[r.output.risk["severity"]] for r in self.rules if r.output.risk
        }

    def rules_behind(self, supports: list[Support]) -> set[int]:
        """Indexes of the rules of these supports and of every derivation they rest on."""
        seen_rules: set[int] = set()
        seen_facts: set[int] = set()
        stack = list(supports)
        while stack:
            s = stack.pop()
            seen_rules.add(s.rule)
            for _, fid in s.bindings:
                if fid in seen_facts:
                    continue
                seen_facts.add(fid)
                f = self.raw.facts[fid]
                stack.extend(f.supports)
                for m in f.members:
                    if m not in seen_facts:
                        seen_facts.add(m)
                        stack.extend(self.raw.facts[m].supports)
        return seen_rules

    def because(self, support: Support) -> Prose:
        """The one-line summary of the conditions that held for this support (written when read)."""
        return Prose(lambda lang: self.because_text(support, lang))

    def because_text(self, support: Support, lang: str) -> str:
        rule = self.rules[support.rule]
        facts: dict[str, tuple[str, dict[str, Any], Any]] = {}
        counts: dict[int, int] = {}
        for name, fid in support.bindings:
            f = self.raw.facts[fid]
            if f.kind == COUNT:
                counts[int(name[1:])] = int(f.fields["n"])
            else:
                facts[name] = (f.kind, f.fields, f.view.model if f.view is not None else None)
        return self.wording.because(rule, facts, counts, lang)

    # -- templates ---------------------------------------------------------------------------
    def render(self, tpl: Template, support: Support, lang: str) -> str:
        rule = self.rules[support.rule]
        bound = dict(support.bindings)
        out = []
        for part in tpl.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            var, field_name = part
            fact = self.raw.facts[bound[var]]
            before = "".join(out).rstrip()
            start = not before or before.endswith((".", ":", "!", "?"))
            out.append(self.hole(fact, rule.var_kinds[var], field_name, lang, start=start))
        return "".join(out)

    def hole(
        self, fact: EngineFact, kind: str, field_name: str | None, lang: str, *, start: bool = False
    ) -> str:
        """A template's hole: in English, a name said in a sentence ("the United Kingdom")."""
        spec = self.raw.compiled.kinds.specs[kind]
        if field_name is None:
            name = self.fact_name(fact, kind, lang)
            if lang == "en" and spec.identity in spec.fields and kind not in ("mechanism", "capability"):
                refers = spec.fields[spec.identity].refers_to or kind
                name = self.names.in_sentence(refers, fact.fields.get(spec.identity), lang, start=start)
            return name
        fspec = spec.fields[field_name]
        return self.names.in_sentence(fspec.refers_to, fact.fields.get(field_name), lang, start=start)

    def fact_name(self, fact: EngineFact, kind: str, lang: str) -> str:
        spec = self.raw.compiled.kinds.specs[kind]
        if spec.identity and spec.identity in spec.fields:
            fspec = spec.fields[spec.identity]
            raw = fact.fields.get(spec.identity)
            if kind == "mechanism" and fact.view is not None and fact.view.model is not None:
                return str(fact.view.model.name.get(lang))
            if kind == "capability":
                return self.names.entity("capability-domain", fact.fields.get("domain"), lang)
            if kind == "asset_protection":
                return self.names.country(str(raw), lang)
            return self.names.entity(fspec.refers_to or kind, raw, lang)
        parts = [
            self.names.entity(spec.fields[k].refers_to if k in spec.fields else None, v, lang)
            for k, v in fact.fields.items()
            if v is not None
        ]
        return join_plain(parts)

    # -- outcomes ----------------------------------------------------------------------------
    def primary(self, o: Outcome, rank_of: dict[str, int]) -> Support:
        return min(o.supports, key=lambda s: (rank_of[self.rules[s.rule].id], self.rules[s.rule].id, s.key))

    def citations(self, supports: list[Support]) -> list[Citation]:
        seen: dict[tuple[str, str, str], Citation] = {}
        for s in supports:
            src = self.rules[s.rule].rule.source
            c = Citation(src.document, src.section, src.quote, src.translation)
            seen.setdefault((c.document, c.section, c.quote), c)
        return [seen[k] for k in sorted(seen)]

    def target_name(self, target: str) -> Prose:
        if "+" in target:  # a grouping is a list of names: "Japan, Australia and the Republic of Korea"
            return Prose(lambda lang: self.names.in_sentence("target", target, lang))
        return Prose(lambda lang: self.names.target(target, lang))

    def recommendation(self, o: Outcome) -> Recommendation:
        p = self.primary(o, self.priority_rank)
        rule = self.rules[p.rule]
        rec = rule.output.recommend
        assert rec is not None
        rule_ids = sorted({self.rules[s.rule].id for s in o.supports})
        evidence = sorted(self.evidence.of_supports(o.supports))
        areas = sorted(
            {a for s in o.supports for a in (self.rules[s.rule].output.recommend or {}).get("areas", [])}
        )
        return Recommendation(
            id=o.id,
            action=o.action,
            target=o.target,
            target_name=self.target_name(o.target),
            priority=rec["priority"],
            rule=rule.id,
            rules=rule_ids,
            title={"ja": rule.rule.title.ja, "en": rule.rule.title.en},
            justification=Prose(lambda lang: self.render(rec["justification"][lang], p, lang)),
            evidence=evidence,
            sources=self.citations(o.supports),
            areas=areas,
            because=self.because(p),
        )

    def risk(self, o: Outcome) -> Risk:
        p = self.primary(o, self.severity_rank)
        rule = self.rules[p.rule]
        risk = rule.output.risk
        assert risk is not None
        evidence = sorted(self.evidence.of_supports(o.supports))
        return Risk(
            id=o.id,
            kind=o.action,
            target=o.target,
            target_name=self.target_name(o.target),
            severity=risk["severity"],
            rule=rule.id,
            rules=sorted({self.rules[s.rule].id for s in o.supports}),
            title={"ja": rule.rule.title.ja, "en": rule.rule.title.en},
            message=Prose(lambda lang: self.render(risk["message"][lang], p, lang)),
            evidence=evidence,
            sources=self.citations(o.supports),
            because=self.because(p),
        )

    def passages(self, outcomes: list[Outcome]) -> list[CitedPassage]:
        """Every passage cited by the rules behind these outcomes, once, in the pack's rule order."""
        indexes = self.rules_behind([s for o in outcomes for s in o.supports])
        grouped: dict[tuple[str, str, str], list[int]] = {}
        for i in sorted(indexes):
            src = self.rules[i].rule.source
            grouped.setdefault((src.document, src.section, src.quote), []).append(i)
        return [
            CitedPassage(
                doc,
                section,
                quote,
                [self.rules[i].id for i in idx],
                self.rules[idx[0]].rule.source.translation,
            )
            for (doc, section, quote), idx in sorted(grouped.items(), key=lambda kv: kv[1][0])
        ]


def join_plain(parts: list[str]) -> str:
    return ", ".join(parts)


def build_result(raw: RawEvaluation, loaded: Any) -> Result:
    """Recommendations and risks of an evaluation, sorted by id, with rendered templates."""
    b = _Builder(raw, loaded)
    outcomes = sorted(raw.outcomes.values(), key=lambda o: o.id)
    recs = [b.recommendation(o) for o in outcomes if o.kind == "recommendation"]
    risks = [b.risk(o) for o in outcomes if o.kind == "risk"]
    header = loaded.scenario.scenario
    return Result(
        scenario_id=header.id,
        as_of=header.as_of.isoformat(),
        title={"ja": header.title.ja, "en": header.title.en},
        files=list(loaded.files),
        pack_id=raw.compiled.pack.id,
        recommendations=recs,
        risks=risks,
        raw=raw,
        sources=b.passages(outcomes),
    )


__all__ = [
    "BASE_KINDS",
    "Citation",
    "CitedPassage",
    "Prose",
    "Recommendation",
    "Result",
    "Risk",
    "build_result",
]
