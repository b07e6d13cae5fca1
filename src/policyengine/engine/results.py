"""Results of an evaluation: recommendations and risks with justifications, evidence, sources.

Built from the raw evaluation without durable-rules; deterministic and independent of the
order of facts in the input files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policyengine.compiler.emit import COUNT
from policyengine.compiler.ir import Template
from policyengine.display import Names
from policyengine.engine.runtime import EngineFact, Outcome, RawEvaluation, Support
from policyengine.factview import BASE_KINDS

PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Citation:
    document: str
    section: str
    quote: str

    def to_dict(self) -> dict[str, str]:
        return {"document": self.document, "section": self.section, "quote": self.quote}


@dataclass(frozen=True)
class Recommendation:
    id: str
    action: str
    target: str
    target_name: dict[str, str]
    priority: str
    rule: str
    rules: list[str]
    title: dict[str, str]
    justification: dict[str, str]
    evidence: list[str]
    sources: list[Citation]
    areas: list[str] = field(default_factory=list)

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
        }


@dataclass(frozen=True)
class Risk:
    id: str
    kind: str
    target: str
    target_name: dict[str, str]
    severity: str
    rule: str
    rules: list[str]
    title: dict[str, str]
    message: dict[str, str]
    evidence: list[str]
    sources: list[Citation]

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
        }


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
        }


class _Builder:
    def __init__(self, raw: RawEvaluation, loaded: Any) -> None:
        self.raw = raw
        self.loaded = loaded
        self.names = Names(loaded.scenario)
        self.rules = raw.compiled.rules
        self._evidence: dict[int, frozenset[str]] = {}

    # -- evidence: the scenario facts a fact rests on ----------------------------------------
    def evidence_of_fact(self, fid: int) -> frozenset[str]:
        cached = self._evidence.get(fid)
        if cached is not None:
            return cached
        self._evidence[fid] = frozenset()  # guards against recursive derivations
        f = self.raw.facts[fid]
        if f.view is not None:
            # The scenario fact (its id and as_of date) is the frame of every evaluation, not
            # evidence for one recommendation; naming it would also make every evidence list
            # differ between two scenarios that differ only in their id.
            out = frozenset() if f.kind == "scenario" else frozenset({f.view.origin})
        elif f.kind == COUNT:
            out = (
                frozenset().union(*(self.evidence_of_fact(m) for m in f.members))
                if f.members
                else frozenset()
            )
        else:
            out = frozenset().union(*(self.evidence_of_support(s) for s in f.supports))
        self._evidence[fid] = out
        return out

    def evidence_of_support(self, s: Support) -> frozenset[str]:
        if not s.bindings:
            return frozenset()
        return frozenset().union(*(self.evidence_of_fact(fid) for _, fid in s.bindings))

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
            out.append(self.hole(fact, rule.var_kinds[var], field_name, lang))
        return "".join(out)

    def hole(self, fact: EngineFact, kind: str, field_name: str | None, lang: str) -> str:
        spec = self.raw.compiled.kinds.specs[kind]
        if field_name is None:
            return self.fact_name(fact, kind, lang)
        fspec = spec.fields[field_name]
        return self.names.entity(fspec.refers_to, fact.fields.get(field_name), lang)

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
            c = Citation(src.document, src.section, src.quote)
            seen[(c.document, c.section, c.quote)] = c
        return [seen[k] for k in sorted(seen)]

    def target_name(self, target: str) -> dict[str, str]:
        return {lang: self.names.target(target, lang) for lang in ("ja", "en")}

    def recommendation(self, o: Outcome) -> Recommendation:
        rank = {r.id: PRIORITY_RANK[r.output.recommend["priority"]] for r in self.rules if r.output.recommend}
        p = self.primary(o, rank)
        rule = self.rules[p.rule]
        rec = rule.output.recommend
        assert rec is not None
        rule_ids = sorted({self.rules[s.rule].id for s in o.supports})
        evidence = sorted(frozenset().union(*(self.evidence_of_support(s) for s in o.supports)))
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
            justification={lang: self.render(rec["justification"][lang], p, lang) for lang in ("ja", "en")},
            evidence=evidence,
            sources=self.citations(o.supports),
            areas=areas,
        )

    def risk(self, o: Outcome) -> Risk:
        rank = {r.id: PRIORITY_RANK[r.output.risk["severity"]] for r in self.rules if r.output.risk}
        p = self.primary(o, rank)
        rule = self.rules[p.rule]
        risk = rule.output.risk
        assert risk is not None
        evidence = sorted(frozenset().union(*(self.evidence_of_support(s) for s in o.supports)))
        return Risk(
            id=o.id,
            kind=o.action,
            target=o.target,
            target_name=self.target_name(o.target),
            severity=risk["severity"],
            rule=rule.id,
            rules=sorted({self.rules[s.rule].id for s in o.supports}),
            title={"ja": rule.rule.title.ja, "en": rule.rule.title.en},
            message={lang: self.render(risk["message"][lang], p, lang) for lang in ("ja", "en")},
            evidence=evidence,
            sources=self.citations(o.supports),
        )


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
    )


__all__ = ["BASE_KINDS", "Citation", "Recommendation", "Result", "Risk", "build_result"]
