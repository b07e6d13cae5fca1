"""Which sentences of the paper's 日本への含意 the rules encode, and which they do not yet.

The section is split into sentences (:meth:`policyengine.loading.sources.SourceText.implications_sentences`);
a rule cites a sentence when its quote, or one of its ``also`` passages, overlaps it, whitespace
ignored. A passage that spans two sentences cites both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policyengine.errors.locations import display_path
from policyengine.loading.sources import SECTIONS, SourceText, squash
from policyengine.validation.rulepack import LoadedRulePack

IMPLICATIONS = SECTIONS[1]
_START = "以上を踏まえると"


@dataclass
class Sentence:
    index: int  # 1-based, in the paper's order
    text: str  # whitespace removed, as matched
    rules: list[str] = field(default_factory=list)  # every rule citing it, in the pack's order
    also: list[str] = field(default_factory=list)  # those of ``rules`` citing it by 'also' only

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "text": self.text, "rules": list(self.rules), "also": list(self.also)}


@dataclass
class CoverageReport:
    pack: str
    source: str
    section: str
    sentences: list[Sentence]
    elsewhere: list[tuple[str, str]]  # (rule, section) of rules citing other parts of the paper
    unplaced: list[str]  # rules with a quote or 'also' passage the paper does not contain

    @property
    def covered(self) -> int:
        return sum(1 for s in self.sentences if s.rules)

    @property
    def uncovered(self) -> list[Sentence]:
        return [s for s in self.sentences if not s.rules]

    def to_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "source": self.source,
            "section": self.section,
            "covered": self.covered,
            "total": len(self.sentences),
            "sentences": [s.to_dict() for s in self.sentences],
            "uncovered": [s.index for s in self.uncovered],
            "elsewhere": [{"rule": r, "section": sec} for r, sec in self.elsewhere],
            "unplaced": list(self.unplaced),
        }


def _find(body: str, quote: str, start: int) -> int:
    """Where a quote starts in the header-free text, preferring 日本への含意; -1 if nowhere."""
    q = squash(quote)
    for heading in SECTIONS:  # a quote copied across a page break may carry a running header
        candidates = (q, q.replace(heading, ""))
        for c in candidates:
            if not c:
                continue
            pos = body.find(c, start)
            if pos < 0:
                pos = body.find(c)
            if pos >= 0:
                return pos
    return -1


def coverage(pack: LoadedRulePack, source: SourceText) -> CoverageReport:
    """Sentence by sentence, the rules of ``pack`` that cite 日本への含意 of ``source``."""
    body = source.without_headers
    start = body.find(squash(_START))
    texts = source.implications_sentences()
    spans = []
    pos = start
    for t in texts:
        spans.append((pos, pos + len(t)))
        pos += len(t)
    sentences = [Sentence(i + 1, t) for i, t in enumerate(texts)]
    elsewhere: list[tuple[str, str]] = []
    unplaced: list[str] = []
    for lr in pack.rules:
        rid, src = lr.rule.id, lr.rule.source
        by_quote: set[int] = set()
        by_also: set[int] = set()
        passages = [(src.quote, by_quote), *((text, by_also) for text in src.also)]
        for passage, cited in passages:
            at = _find(body, passage, max(start, 0))
            if at < 0:
                if rid not in unplaced:
                    unplaced.append(rid)
                continue
            end = at + len(squash(passage))
            hits = {s.index for s, (a, b) in zip(sentences, spans, strict=True) if at < b and a < end}
            cited.update(hits)
            if not hits:
                place = (rid, source.section_of(passage) or src.section)
                if place not in elsewhere:
                    elsewhere.append(place)
        for s in sentences:
            if s.index in by_quote or s.index in by_also:
                s.rules.append(rid)
                if s.index not in by_quote:
                    s.also.append(rid)
    return CoverageReport(display_path(pack.path), source.name, IMPLICATIONS, sentences, elsewhere, unplaced)


__all__ = ["CoverageReport", "Sentence", "coverage"]
