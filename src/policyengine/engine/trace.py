"""Trace events recorded during an evaluation: one stream, filtered and rendered elsewhere.

Recording is off unless a :class:`Tracer` is passed to ``evaluate``; when off, the runtime pays
one ``is None`` test per event site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TraceEvent:
    """One step of an evaluation.

    kind: ``stratum`` (a stratum opened), ``match`` (a rule's conditions matched), ``derive``
    (a new derived fact), ``recommend``, ``risk``, ``count`` (a count was tallied).
    """

    seq: int
    kind: str
    stratum: int
    rule: str | None = None
    bindings: tuple[tuple[str, str], ...] = ()  # (variable, fact description)
    fact: str | None = None  # derived fact key, recommendation or risk id
    data: dict[str, Any] = field(default_factory=dict)


class Tracer:
    """Collects events in order."""

    def __init__(self) -> None:
        self.events: list[TraceEvent] = []

    def emit(self, kind: str, stratum: int, **kw: Any) -> None:
        self.events.append(TraceEvent(len(self.events), kind, stratum, **kw))

    def of_kind(self, *kinds: str) -> list[TraceEvent]:
        return [e for e in self.events if e.kind in kinds]
