"""Filters over a recorded trace (the explain modes): each takes events and returns a subset.

The stream is recorded once by :class:`policyengine.engine.trace.Tracer`; these functions only
select from it, in its order, and never change an event (like OPA's ``topdown/lineage``).
"""

from __future__ import annotations

from collections.abc import Iterable

from policyengine.engine.trace import TraceEvent

#: Events that make a fact or outcome exist (or add one more way to it).
PRODUCING = ("derive", "support", "recommend", "risk")


def of_kinds(events: Iterable[TraceEvent], *kinds: str) -> list[TraceEvent]:
    """Events of the given kinds."""
    return [e for e in events if e.kind in kinds]


def for_rules(events: Iterable[TraceEvent], rule_ids: Iterable[str]) -> list[TraceEvent]:
    """Events caused by the given rules."""
    wanted = set(rule_ids)
    return [e for e in events if e.rule in wanted]


def _made(e: TraceEvent) -> str:
    """What a producing event made: 'derive', 'recommend' or 'risk'."""
    return str(e.data.get("of", "derive")) if e.kind == "support" else e.kind


def producers(events: Iterable[TraceEvent], ref: str, *, outcome: str | None = None) -> list[TraceEvent]:
    """Events that produced the fact ``ref`` or, with ``outcome`` ("recommend" or "risk"), that outcome.

    A recommendation and a risk may share an id, and neither is a derived fact: ``outcome`` says
    which is meant.
    """
    made = outcome or "derive"
    return [e for e in events if e.fact == ref and e.kind in PRODUCING and _made(e) == made]


def lineage(events: list[TraceEvent], ref: str, *, outcome: str | None = None) -> list[TraceEvent]:
    """The events a fact or outcome rests on, in stream order.

    That is: the events that produced it, the matches that caused them, and the same again for
    every fact those matches bound and every fact a count they bound counted, down to the
    scenario's own facts (which nothing produced).
    """
    by_seq = {e.seq: e for e in events}
    counts = {e.fact: e for e in events if e.kind == "count" and e.fact is not None}
    made: dict[tuple[str, str], list[TraceEvent]] = {}
    for e in events:
        if e.kind in PRODUCING and e.fact is not None:
            made.setdefault((e.fact, _made(e)), []).append(e)
    keep: set[int] = set()
    seen: set[tuple[str, str]] = set()
    todo: list[tuple[str, str]] = [(ref, outcome or "derive")]
    while todo:
        item = todo.pop()
        if item in seen:
            continue
        seen.add(item)
        current = item[0]
        count = counts.get(current)
        if count is not None:
            keep.add(count.seq)
            todo.extend((str(m), "derive") for m in count.data.get("members", ()))
            continue
        for e in made.get(item, ()):
            keep.add(e.seq)
            if e.cause is not None:
                match = by_seq[e.cause]
                keep.add(match.seq)
                todo.extend((bound, "derive") for _, bound in match.bindings)
    return [e for e in events if e.seq in keep]


__all__ = ["PRODUCING", "for_rules", "lineage", "of_kinds", "producers"]
