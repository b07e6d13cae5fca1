"""Trace events recorded during an evaluation: one stream, filtered and rendered elsewhere.

Recording is off unless a :class:`Tracer` is passed to ``evaluate``; when off, the runtime pays
one ``is None`` test per event site. Filters over the stream live in
:mod:`policyengine.explain.filters`, renderers in :mod:`policyengine.render.trace`: record,
filter and render are three separate steps, as in OPA's ``topdown/trace.go`` and its lineage
filters.

Facts are named in events by a *reference* that is stable within one evaluation and readable:
a scenario view fact by ``ORIGIN#DETAIL`` (``framework:quad#members.JPN``), a derived fact by its
kind and fields (``raa-partner{"agreement": ...}``), an outcome by its id (``conclude-raa/GBR``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Event kinds, in the order they typically occur.
EVENT_KINDS: tuple[str, ...] = ("stratum", "count", "match", "derive", "support", "recommend", "risk")


@dataclass(frozen=True)
class RuleCitation:
    """The rule behind an event and the passage of the paper it encodes (its provenance)."""

    rule: str
    location: str  # FILE:LINE:COL of the rule in its pack
    document: str
    section: str
    quote: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "location": self.location,
            "document": self.document,
            "section": self.section,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class TraceEvent:
    """One step of an evaluation.

    kind:
      ``stratum``   a stratum opened;
      ``count``     a count was tallied (``fact`` is the count key, ``data`` its group and size);
      ``match``     a rule's conditions matched (``bindings`` name the facts bound);
      ``derive``    a match derived a new fact (``fact``), ``cause`` is the match event;
      ``support``   a match derived a fact or outcome that already existed (one more way to it);
      ``recommend`` a match made a new recommendation (``fact`` is its id);
      ``risk``      a match raised a new risk (``fact`` is its id).
    """

    seq: int
    kind: str
    stratum: int
    rule: str | None = None
    bindings: tuple[tuple[str, str], ...] = ()  # (variable, fact reference)
    fact: str | None = None  # derived fact reference, recommendation or risk id
    data: dict[str, Any] = field(default_factory=dict)
    cause: int | None = None  # seq of the match event that produced this one
    citation: RuleCitation | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"seq": self.seq, "kind": self.kind, "stratum": self.stratum}
        if self.rule is not None:
            out["rule"] = self.rule
        if self.bindings:
            out["bindings"] = {var: ref for var, ref in self.bindings}
        if self.fact is not None:
            out["fact"] = self.fact
        if self.data:
            out["data"] = dict(self.data)
        if self.cause is not None:
            out["cause"] = self.cause
        if self.citation is not None:
            out["citation"] = self.citation.to_dict()
        return out


class Tracer:
    """Collects events in order. One tracer records one evaluation."""

    def __init__(self) -> None:
        self.events: list[TraceEvent] = []

    def emit(self, kind: str, stratum: int, **kw: Any) -> int:
        """Record an event; return its sequence number (for ``cause`` links)."""
        seq = len(self.events)
        self.events.append(TraceEvent(seq, kind, stratum, **kw))
        return seq

    def of_kind(self, *kinds: str) -> list[TraceEvent]:
        return [e for e in self.events if e.kind in kinds]
