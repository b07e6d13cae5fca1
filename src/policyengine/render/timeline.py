"""Rendering a :class:`~policyengine.timeline.Timeline`: terminal text, JSON, Markdown, and an HTML
picture (:mod:`policyengine.render.charts.timeline`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyengine.models.names import value
from policyengine.render.common import md_code, md_escape, to_json, wrap, wrap_hanging
from policyengine.render.diff import MARK, cause_text, outcome_change_lines
from policyengine.text import Labels
from policyengine.timeline import Dated, Timeline, TimelineStep

if TYPE_CHECKING:
    from policyengine.validation.scenario import LoadedScenario

LABELS = Labels("timeline")


def dated_text(d: Dated, lang: str) -> str:
    """``agreement:raa-jpn-aus signed — Japan-Australia RAA``; an assumption says so."""
    L = LABELS[lang]
    kind, _, rest = d.what.partition(":")
    if kind == "status":
        what = L["status"].format(v=value(rest, lang))
    elif kind == "activity":
        mechanism, _, activity = rest.partition(":")
        what = L["activity"].format(m=mechanism, v=value(activity, lang))
    elif rest:
        what = L["mechanism"].format(m=rest)
    else:
        what = "" if kind == "date" else L[kind]  # a date alone needs no word
    text = f"{d.fact_id}{' ' + what if what else ''} — {d.label.get(lang, '')}".rstrip(" —")
    return text + (L["assumption"].format(a=d.assumption[lang]) if d.assumption else "")


def source_text(source: dict[str, str]) -> str:
    """``Ministry of Foreign Affairs of Japan, Japan-France Summit Meeting (Paris), 2024-05-02``;
    the paper as ``minilateral-2022, 日本への含意``."""
    return ", ".join(source[k] for k in ("issuer", "document", "locator", "date") if k in source)


def _step_text(step: TimelineStep, lang: str) -> list[str]:
    L = LABELS[lang]
    lines = [step.date.isoformat()]
    for d in step.dated:
        lines += wrap_hanging(dated_text(d, lang), "  ", "    ")
    if not step.changed:
        return [*lines, f"    {L['no_change']}", ""]
    for o in (*step.diff.recommendations, *step.diff.risks):
        lines += outcome_change_lines(step.diff, o, lang, "    ", L, L["none"])
    return [*lines, ""]


def render_text(t: Timeline, lang: str = "ja", *, changes_only: bool = False) -> str:
    L = LABELS[lang]
    changed = sum(1 for s in t.steps if s.changed)
    out = [
        f"{L['title']}: {t.scenario_id} — {t.title[lang]}",
        f"  {' <- '.join(t.files)}",
        f"  {L['pack']}: {t.pack_id} — " + L["summary"].format(n=len(t.steps), c=changed),
        "",
    ]
    first = t.steps[0].date.isoformat() if t.steps else t.start.isoformat()
    out.append(
        L["before"].format(
            date=first, day=t.start.isoformat(), n=len(t.initial.recommendations), r=len(t.initial.risks)
        )
    )
    ids = [r.id for r in t.initial.recommendations] + [r.id for r in t.initial.risks]
    out += wrap(", ".join(ids), "  ")
    out.append("")
    for step in t.steps:
        if changes_only and not step.changed:
            continue
        out += _step_text(step, lang)
    if changes_only and len(t.steps) > changed:
        out.append(L["hidden"].format(n=len(t.steps) - changed))
    return "\n".join(out).rstrip() + "\n"


def render_markdown(t: Timeline, lang: str = "ja", *, changes_only: bool = False) -> str:
    L = LABELS[lang]
    changed = sum(1 for s in t.steps if s.changed)
    out = [
        f"# {L['title']}: {md_code(t.scenario_id)} — {md_escape(t.title[lang])}",
        "",
        f"- {' ← '.join(md_code(f) for f in t.files)}",
        f"- {L['pack']}: {md_code(t.pack_id)} — " + L["summary"].format(n=len(t.steps), c=changed),
        "",
    ]
    first = t.steps[0].date.isoformat() if t.steps else t.start.isoformat()
    out += [
        "## "
        + L["before"].format(
            date=first, day=t.start.isoformat(), n=len(t.initial.recommendations), r=len(t.initial.risks)
        ),
        "",
        ", ".join(
            md_code(i) for i in [r.id for r in t.initial.recommendations] + [r.id for r in t.initial.risks]
        ),
        "",
    ]
    for step in t.steps:
        if changes_only and not step.changed:
            continue
        out += [f"## {step.date.isoformat()}", ""]
        for d in step.dated:
            out.append(f"- {md_escape(dated_text(d, lang))}")
            if d.source:
                out.append(f"  - {L['source']}: {md_escape(source_text(d.source))}")
        out.append("")
        if not step.changed:
            out += [f"_{L['no_change']}_", ""]
            continue
        for o in (*step.diff.recommendations, *step.diff.risks):
            causes = "; ".join(cause_text(step.diff, c, lang) for c in o.causes) or L["none"]
            out.append(
                f"- {MARK[o.change]} {md_code(o.id)} — {md_escape(o.current.title[lang])} ({L['caused']}: "
                f"{md_escape(causes)})"
            )
        out.append("")
    if changes_only and len(t.steps) > changed:
        out += [f"_{L['hidden'].format(n=len(t.steps) - changed)}_", ""]
    return "\n".join(out).rstrip() + "\n"


def render(
    t: Timeline, fmt: str, lang: str, *, changes_only: bool = False, loaded: LoadedScenario | None = None
) -> str:
    """``loaded`` (the scenario the timeline was built from) lets the HTML picture cite each fact."""
    if fmt == "html":
        from policyengine.render.charts.timeline import render_html

        return render_html(t, lang, changes_only=changes_only, loaded=loaded)
    if fmt == "json":
        return to_json(t.to_dict())
    if fmt == "markdown":
        return render_markdown(t, lang, changes_only=changes_only)
    return render_text(t, lang, changes_only=changes_only)
