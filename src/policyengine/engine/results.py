"""Results of an evaluation: recommendations and risks with justifications, evidence, sources.

Built from the raw evaluation without durable-rules; deterministic and independent of the
order of facts in the input files. Results are data: the texts (justifications, messages,
"because" lines, target names) are :class:`Prose` mappings written when read, by a
:class:`ProseWriter` that the caller hands over (``policyengine.core.prose.ResultProse``, above the
engine): this module never imports display names or wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from policyengine.compiler.ir import Template
from policyengine.engine.evidence import Evidence
from policyengine.engine.runtime import Outcome, RawEvaluation, Support, bound_facts
from policyengine.models.factview import BASE_KINDS

PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}
#: the languages every text is written in (those of the message catalog)
LANGS: tuple[str, str] = ("ja", "en")


class ProseWriter(Protocol):
    """Writes the texts of one evaluation's results (``policyengine.core.prose.ResultProse``)."""

    def target(self, target: str, lang: str) -> str: ...

    def template(self, tpl: Template, support: Support, lang: str) -> str: ...

    def because(self, support: Support, lang: str) -> str: ...


#: makes the writer of a result's texts from the raw evaluation and the loaded scenario
ProseFactory = Callable[[RawEvaluation, Any], ProseWriter]


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


class _Writer:
    """The writer of one result's texts, made when the first of them is read."""

    __slots__ = ("_factory", "_loaded", "_raw", "_writer")

    def __init__(self, factory: ProseFactory | None, raw: RawEvaluation, loaded: Any) -> None:
        self._factory = factory
        self._raw = raw
        self._loaded = loaded
        self._writer: ProseWriter | None = None

    def get(self) -> ProseWriter:
        if self._writer is None:
            if self._factory is None:
                raise RuntimeError(
                    "this result was built without a prose writer: evaluate through "
                    "policyengine.api.evaluate, or pass prose=policyengine.core.prose.ResultProse"
                )
            self._writer = self._factory(self._raw, self._loaded)
        return self._writer


class _Builder:
    def __init__(self, raw: RawEvaluation, loaded: Any, prose: ProseFactory | None) -> None:
        self.raw = raw
        self.loaded = loaded
        self.writer = _Writer(prose, raw, loaded)
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
        seen_groups: set[int] = set()
        stack = list(supports)
        while stack:
            s = stack.pop()
            seen_rules.add(s.rule)
            # a product's groups, shared by its rule's supports, are read once
            for fid in bound_facts((s,), seen_groups):
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
        writer = self.writer
        return Prose(lambda lang: writer.get().because(support, lang))

    def text(self, templates: Mapping[str, Template], support: Support) -> Prose:
        """A justification or message (written when read)."""
        writer = self.writer
        return Prose(lambda lang: writer.get().template(templates[lang], support, lang))

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
        writer = self.writer
        return Prose(lambda lang: writer.get().target(target, lang))

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
            justification=self.text(rec["justification"], p),
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
            message=self.text(risk["message"], p),
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


def build_result(raw: RawEvaluation, loaded: Any, prose: ProseFactory | None = None) -> Result:
    """Recommendations and risks of an evaluation, sorted by id; their texts are written by a
    writer ``prose`` makes (``policyengine.core.prose.ResultProse``) when an output reads them."""
    b = _Builder(raw, loaded, prose)
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
    "LANGS",
    "Citation",
    "CitedPassage",
    "Prose",
    "ProseFactory",
    "ProseWriter",
    "Recommendation",
    "Result",
    "Risk",
    "build_result",
]
