"""What an explanation is made of: rules, facts and conditions, each with its provenance.

Pure data, built by :mod:`~policyengine.explain.derivation` (why a recommendation was made) and
:mod:`~policyengine.explain.whynot` (why it was not), shown by :mod:`policyengine.render.explain`.
Every text is given in Japanese and English (``{"ja": ..., "en": ...}``); the renderer picks one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

I18n = dict[str, str]


def plain_value(value: Any) -> Any:
    """A field value as JSON: dates as ISO text, lists element-wise."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    return value


@dataclass(frozen=True)
class RuleInfo:
    """A rule as an explanation cites it: where it is written and the passage it encodes."""

    id: str
    title: I18n
    location: str  # FILE:LINE:COL in the rule pack
    document: str
    section: str
    quote: str
    stratum: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": dict(self.title),
            "location": self.location,
            "source": {"document": self.document, "section": self.section, "quote": self.quote},
            "stratum": self.stratum,
        }


@dataclass
class FactNode:
    """A fact: a scenario fact (with file:line and its own source) or a derived one (with how)."""

    ref: str  # how the trace names it (framework:quad#members.JPN, raa-partner{...})
    kind: str
    text: I18n
    fields: dict[str, Any]
    origin: str | None = None  # the scenario fact it belongs to (agreement:raa-jpn-gbr)
    location: str | None = None  # where that scenario fact is written, with the extends chain
    source: dict[str, str] | None = None  # the scenario fact's own citation
    note: str | None = None
    derived_by: list[Application] = field(default_factory=list)
    shown_above: bool = False  # a derived fact already expanded earlier in the same tree

    @property
    def derived(self) -> bool:
        return self.origin is None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ref": self.ref,
            "kind": self.kind,
            "text": dict(self.text),
            "fields": {k: plain_value(v) for k, v in self.fields.items() if v is not None},
        }
        if self.origin is not None:
            out["origin"] = self.origin
            out["location"] = self.location
            if self.source is not None:
                out["source"] = dict(self.source)
            if self.note is not None:
                out["note"] = self.note
        else:
            out["derived_by"] = [a.to_dict() for a in self.derived_by]
            if self.shown_above:
                out["shown_above"] = True
        return out


@dataclass
class ConditionNode:
    """One condition of a rule, as it turned out for one binding of the rule's variables.

    ``facts`` holds the fact a ``match`` bound, the facts a ``count`` counted, or (when an
    ``absent`` condition fails) the facts that are there although they should not be.
    """

    index: int
    mode: str  # match | absent | count
    var: str | None
    text: I18n  # what the condition asks for, with the values of this binding
    holds: bool
    facts: list[FactNode] = field(default_factory=list)
    failures: list[I18n] = field(default_factory=list)  # why it does not hold, in words
    missing: list[WhyNot] = field(default_factory=list)  # why a derived fact it needs is not there
    unknown: bool = False  # depends on a variable that has no fact: cannot be checked

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "mode": self.mode,
            "text": dict(self.text),
            "holds": self.holds,
        }
        if self.var is not None:
            out["var"] = self.var
        if self.facts:
            out["facts"] = [f.to_dict() for f in self.facts]
        if self.failures:
            out["failures"] = [dict(f) for f in self.failures]
        if self.missing:
            out["missing"] = [m.to_dict() for m in self.missing]
        if self.unknown:
            out["unknown"] = True
        return out


@dataclass
class Application:
    """A rule applied to particular facts: its conditions, each holding or not."""

    rule: RuleInfo
    conditions: list[ConditionNode]

    @property
    def failed(self) -> int:
        return sum(1 for c in self.conditions if not c.holds)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.to_dict(),
            "conditions": [c.to_dict() for c in self.conditions],
            "failed": self.failed,
        }


@dataclass
class Derivation:
    """Why a recommendation was made (or a risk raised): every rule application that made it."""

    id: str
    kind: str  # recommendation | risk
    title: I18n
    target_name: I18n
    text: I18n  # the justification (or the risk's message)
    because: I18n
    level: str  # priority (or severity)
    applications: list[Application]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": dict(self.title),
            "target_name": dict(self.target_name),
            "text": dict(self.text),
            "because": dict(self.because),
            "level": self.level,
            "applications": [a.to_dict() for a in self.applications],
        }


@dataclass
class WhyNot:
    """Why something is not there: the rules that could have produced it, each at its nearest.

    The goal is an outcome (``extend-asset-protection/AUS``) or, inside another why-not, a
    derived fact a rule needed (``raa-partner`` with country Australia).
    """

    goal: str
    kind: str  # recommendation | risk | a derived kind
    text: I18n  # what was looked for, in words
    attempts: list[Application]  # one per candidate rule, nearest first
    elsewhere: list[str] = field(default_factory=list)  # the same action, made for other targets
    note: I18n | None = None  # e.g. no rule can produce it at all

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "goal": self.goal,
            "kind": self.kind,
            "text": dict(self.text),
            "candidates": [a.to_dict() for a in self.attempts],
        }
        if self.elsewhere:
            out["elsewhere"] = list(self.elsewhere)
        if self.note is not None:
            out["note"] = dict(self.note)
        return out


@dataclass
class Explanation:
    """The answer of ``policyengine explain``: a derivation, or a why-not."""

    id: str
    scenario: dict[str, Any]  # id, as_of, title, files
    pack: str
    derivation: Derivation | None = None
    why_not: WhyNot | None = None

    @property
    def fired(self) -> bool:
        return self.derivation is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "scenario": dict(self.scenario),
            "pack": self.pack,
            "fired": self.fired,
        }
        if self.derivation is not None:
            out["derivation"] = self.derivation.to_dict()
        if self.why_not is not None:
            out["why_not"] = self.why_not.to_dict()
        return out
