"""Rendering recorded trace events: one line per event (text), JSON, or a Markdown table."""

from __future__ import annotations

from policyengine.engine.trace import TraceEvent
from policyengine.errors.locations import display_path
from policyengine.render.common import markdown_table, to_json


def _where(location: str) -> str:
    """``FILE:LINE:COL`` with FILE shown relative to the working directory."""
    file, _, rest = location.rpartition(":")
    file, _, line = file.rpartition(":")
    return f"{display_path(file)}:{line}:{rest}" if file else location


def _subject(e: TraceEvent) -> str:
    if e.kind == "stratum":
        return ""
    if e.kind == "match":
        return " ".join(f"{var}={ref}" for var, ref in e.bindings)
    if e.kind == "count":
        return f"{e.data.get('count')} n={e.data.get('n')} group={e.data.get('group')}"
    return e.fact or ""


def _row(e: TraceEvent) -> list[str]:
    cause = f"<- #{e.cause}" if e.cause is not None else ""
    cited = ""
    if e.citation is not None and e.kind == "match":
        cited = f"{_where(e.citation.location)} {e.citation.section}"
    return [f"#{e.seq}", f"s{e.stratum}", e.kind, e.rule or "", _subject(e), cause, cited]


def render_text(events: list[TraceEvent]) -> str:
    """One line per event: sequence, stratum, kind, rule, what it bound or produced, its cause."""
    out = []
    for e in events:
        seq, stratum, kind, rule, subject, cause, cited = _row(e)
        line = f"{seq:>5} {stratum:<3} {kind:<9} {rule:<32} {subject}"
        if cause:
            line += f" {cause}"
        out.append(line.rstrip())
        if cited:
            out.append(f"{'':>5} {'':<3} {'':<9} {'':<32} [{cited}]")
    return "\n".join(out) + "\n" if out else ""


def render_json(events: list[TraceEvent]) -> str:
    return to_json({"events": [e.to_dict() for e in events]})


def render_markdown(events: list[TraceEvent]) -> str:
    rows = [_row(e) for e in events]
    return markdown_table(["#", "stratum", "event", "rule", "facts", "cause", "rule source"], rows)


def render(events: list[TraceEvent], fmt: str) -> str:
    if fmt == "json":
        return render_json(events)
    if fmt == "markdown":
        return render_markdown(events)
    return render_text(events)


__all__ = ["render", "render_json", "render_markdown", "render_text"]
