"""Rendering the result of ``evaluate``: a terminal report, byte-stable JSON, a Markdown briefing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from policyengine.display import format_date
from policyengine.display import value as value_name
from policyengine.engine.results import Citation, CitedPassage, Recommendation, Result, Risk
from policyengine.models.vocabulary import AREA_NAMES
from policyengine.render.common import md_code, md_escape, paper_quote, to_json, wrap, wrap_hanging
from policyengine.text import t

PRIORITIES = ("high", "medium", "low")

LABELS = {
    "ja": {
        "title": "日本への推奨行動",
        "as_of": "時点",
        "pack": "ルールパック",
        "summary": "{n}件の推奨、{r}件のリスク",
        "priority": "優先度：{p}",
        "because": "該当条件",
        "justification": "理由",
        "evidence": "根拠となる事実",
        "source": "出典",
        "risks": "リスク・留意点",
        "severity": "深刻度：{p}",
        "none": "推奨される行動はありません。",
        "areas": "分野",
        "files": "シナリオ",
        "sources": "出典一覧",
        "cited_by": "引用するルール",
    },
    "en": {
        "title": "Suggested actions for Japan",
        "as_of": "as of",
        "pack": "rule pack",
        "summary": "{n} recommendations, {r} risks",
        "priority": "Priority: {p}",
        "because": "Because",
        "justification": "Justification",
        "evidence": "Evidence",
        "source": "Source",
        "risks": "Risks and cautions",
        "severity": "Severity: {p}",
        "none": "No action is recommended.",
        "areas": "Areas",
        "files": "Scenario",
        "sources": "Sources",
        "cited_by": "cited by",
    },
}


#: How many actions the bottom line names.
TOP = 3


def top_actions(result: Result) -> list[Recommendation]:
    """The few actions that matter most: by priority, then by how many of the paper's passages
    and how many facts of the world each rests on, then by id (so that ties are stable)."""
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    ordered = sorted(
        result.recommendations, key=lambda r: (rank[r.priority], -len(r.sources), -len(r.evidence), r.id)
    )
    return ordered[:TOP]


def by_priority(recs: list[Recommendation]) -> list[Recommendation]:
    """Recommendations by priority (high first), by id within one."""
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    return sorted(recs, key=lambda r: (rank[r.priority], r.id))


def _as_of(result: Result, lang: str) -> str:
    return format_date(dt.date.fromisoformat(result.as_of), lang)


def _changes(result: Result, reference: Result | None, lang: str) -> tuple[str, list[str]] | None:
    """The heading and lines saying what is new or gone against the reference world."""
    if reference is None:
        return None
    heading = t("briefing.changes", lang, reference=reference.files[0])
    lines: list[str] = []
    pairs: tuple[tuple[list[Any], list[Any], str], ...] = (
        (list(result.recommendations), list(reference.recommendations), ""),
        (list(result.risks), list(reference.risks), "_risk"),
    )
    for now, then, suffix in pairs:
        now_ids = {x.id: x for x in now}
        then_ids = {x.id: x for x in then}
        for rid in sorted(now_ids.keys() - then_ids.keys()):
            x = now_ids[rid]
            lines.append(
                t(f"briefing.change_new{suffix}", lang, title=x.title[lang], target=x.target_name[lang])
            )
        for rid in sorted(then_ids.keys() - now_ids.keys()):
            x = then_ids[rid]
            lines.append(
                t(f"briefing.change_gone{suffix}", lang, title=x.title[lang], target=x.target_name[lang])
            )
    return heading, lines or [t("briefing.changes_none", lang)]


def _top_line(r: Recommendation, lang: str) -> str:
    return t(
        "briefing.top_item",
        lang,
        title=r.title[lang],
        target=r.target_name[lang],
        priority=value_name(r.priority, lang),
        passages=len(r.sources),
        facts=len(r.evidence),
    )


def _one_line(x: Recommendation | Risk, lang: str) -> str:
    level = x.priority if isinstance(x, Recommendation) else x.severity
    return t(
        "briefing.one_line",
        lang,
        priority=value_name(level, lang),
        title=x.title[lang],
        target=x.target_name[lang],
        id=x.id,
    )


def render_text(
    result: Result, lang: str = "ja", *, reference: Result | None = None, show_ids: bool = False
) -> str:
    L = LABELS[lang]
    out = [
        f"{L['title']}: {result.title[lang]} ({L['as_of']} {_as_of(result, lang)})",
        f"{L['files']}: {' <- '.join(result.files)}",
        f"{L['pack']}: {result.pack_id} — "
        + L["summary"].format(n=len(result.recommendations), r=len(result.risks)),
        "",
    ]
    if not result.recommendations:
        out += [L["none"], ""]
    else:
        out += [t("briefing.bottom_line", lang), *wrap(t("briefing.top_how", lang), "  ")]
        for i, r in enumerate(top_actions(result), 1):
            out += wrap_hanging(_top_line(r, lang), f"  {i}. ", "     ")
        out.append("")
    changes = _changes(result, reference, lang)
    if changes is not None:
        out += wrap(changes[0], "")
        for line in changes[1]:
            out += wrap_hanging(line, "  ", "    ")
        out.append("")
    if result.recommendations:
        out.append(t("briefing.all_recommendations", lang))
        for r in by_priority(result.recommendations):
            out += wrap_hanging(_one_line(r, lang), "  ", "    ")
        out.append("")
    if result.risks:
        out.append(t("briefing.all_risks", lang))
        for k in result.risks:
            out += wrap_hanging(_one_line(k, lang), "  ", "    ")
        out.append("")
    if result.recommendations:
        out += [t("briefing.details", lang), ""]
    for p in PRIORITIES:
        recs = [r for r in result.recommendations if r.priority == p]
        if not recs:
            continue
        out += [L["priority"].format(p=value_name(p, lang)), ""]
        for r in recs:
            out += _text_item(r, lang, show_ids)
    if result.risks:
        out += [L["risks"], ""]
        for k in result.risks:
            out += _text_risk(k, lang, show_ids)
    if result.sources:
        out += [L["sources"], ""]
        for i, passage in enumerate(result.sources, 1):
            out += _text_passage(i, passage, lang)
    return "\n".join(out).rstrip() + "\n"


def _text_passage(i: int, p: CitedPassage, lang: str) -> list[str]:
    L = LABELS[lang]
    lines = [f"  [{i}] {p.document}, {p.section}"]
    lines += wrap(paper_quote(p.quote), "      ")
    if lang == "en" and p.translation:
        lines += wrap(t("briefing.translation", lang, text=p.translation), "      ")
    lines += wrap(f"{L['cited_by']}: {', '.join(p.rules)}", "      ")
    return [*lines, ""]


def _area_names(areas: list[str], lang: str) -> str:
    return ("、" if lang == "ja" else ", ").join(
        AREA_NAMES[a][0 if lang == "ja" else 1] if a in AREA_NAMES else a for a in areas
    )


def _text_item(r: Recommendation, lang: str, show_ids: bool = False) -> list[str]:
    L = LABELS[lang]
    lines = [f"  {r.id}", *wrap(f"{r.title[lang]} — {r.target_name[lang]}", "    ")]
    if r.because:
        lines += wrap(f"{L['because']}: {r.because[lang]}", "    ")
    lines += wrap(f"{L['justification']}: {r.justification[lang]}", "    ")
    if r.areas:
        lines += wrap(f"{L['areas']}: {_area_names(r.areas, lang)}", "    ")
    if show_ids:
        lines += wrap(f"{L['evidence']}: {', '.join(r.evidence)}", "    ")
    lines += _text_sources(r.sources, lang)
    return [*lines, ""]


def _text_sources(sources: list[Citation], lang: str) -> list[str]:
    """The passages an item cites, in Japanese; in English output each with the project's translation."""
    L = LABELS[lang]
    lines: list[str] = []
    for s in sources:
        lines += wrap(f"{L['source']}: {s.section} {paper_quote(s.quote)}", "    ")
        if lang == "en" and s.translation:
            lines += wrap(t("briefing.translation", lang, text=s.translation), "      ")
    return lines


def _text_risk(k: Risk, lang: str, show_ids: bool = False) -> list[str]:
    L = LABELS[lang]
    lines = [f"  {k.id} ({L['severity'].format(p=value_name(k.severity, lang))})"]
    lines += wrap(k.message[lang], "    ")
    if k.because:
        lines += wrap(f"{L['because']}: {k.because[lang]}", "    ")
    if show_ids:
        lines += wrap(f"{L['evidence']}: {', '.join(k.evidence)}", "    ")
    lines += _text_sources(k.sources, lang)
    return [*lines, ""]


def render_json(result: Result) -> str:
    return to_json(result.to_dict())


def render_markdown(
    result: Result, lang: str = "ja", *, reference: Result | None = None, show_ids: bool = False
) -> str:
    L = LABELS[lang]
    out = [
        f"# {L['title']}: {md_escape(result.title[lang])}",
        "",
        f"- {L['as_of']}: {_as_of(result, lang)}",
        f"- {L['files']}: {' ← '.join(md_code(f) for f in result.files)}",
        f"- {L['pack']}: {md_code(result.pack_id)} — "
        + L["summary"].format(n=len(result.recommendations), r=len(result.risks)),
        "",
    ]
    if not result.recommendations:
        out += [L["none"], ""]
    else:
        out += [f"## {t('briefing.bottom_line', lang)}", "", md_escape(t("briefing.top_how", lang)), ""]
        out += [f"{i}. {md_escape(_top_line(r, lang))}" for i, r in enumerate(top_actions(result), 1)]
        out.append("")
    changes = _changes(result, reference, lang)
    if changes is not None:
        out += [f"## {md_escape(changes[0])}", ""]
        out += [f"- {md_escape(line)}" for line in changes[1]]
        out.append("")
    if result.recommendations:
        out += [f"## {t('briefing.all_recommendations', lang)}", ""]
        out += [f"- {md_escape(_one_line(r, lang))}" for r in by_priority(result.recommendations)]
        out.append("")
    if result.risks:
        out += [f"## {t('briefing.all_risks', lang)}", ""]
        out += [f"- {md_escape(_one_line(k, lang))}" for k in result.risks]
        out.append("")
    for p in PRIORITIES:
        recs = [r for r in result.recommendations if r.priority == p]
        if not recs:
            continue
        out += [f"## {L['priority'].format(p=value_name(p, lang))}", ""]
        for r in recs:
            out += [
                f"### {md_code(r.id)} — {md_escape(r.title[lang])}: {md_escape(r.target_name[lang])}",
                "",
            ]
            if r.because:
                out += [f"**{L['because']}:** {md_escape(r.because[lang])}", ""]
            out += [f"**{L['justification']}:** {md_escape(r.justification[lang])}", ""]
            if r.areas:
                out += [f"**{L['areas']}:** {md_escape(_area_names(r.areas, lang))}", ""]
            if show_ids:
                out += [f"**{L['evidence']}:** " + ", ".join(md_code(e) for e in r.evidence), ""]
            out += _md_sources(r.sources, lang)
    if result.risks:
        out += [f"## {L['risks']}", ""]
        for k in result.risks:
            out += [
                f"### {md_code(k.id)} ({L['severity'].format(p=value_name(k.severity, lang))})",
                "",
                md_escape(k.message[lang]),
                "",
            ]
            if k.because:
                out += [f"**{L['because']}:** {md_escape(k.because[lang])}", ""]
            if show_ids:
                out += [f"**{L['evidence']}:** " + ", ".join(md_code(e) for e in k.evidence), ""]
            out += _md_sources(k.sources, lang)
    if result.sources:
        out += [f"## {L['sources']}", ""]
        for i, passage in enumerate(result.sources, 1):
            out += [
                f"{i}. {passage.document}, {passage.section}:",
                "",
                f"   > {passage.quote}",
                "",
                *(
                    [f"   {md_escape(t('briefing.translation', lang, text=passage.translation))}", ""]
                    if lang == "en" and passage.translation
                    else []
                ),
                f"   {L['cited_by']}: " + ", ".join(md_code(rid) for rid in passage.rules),
                "",
            ]
    return "\n".join(out).rstrip() + "\n"


def _md_sources(sources: list[Citation], lang: str) -> list[str]:
    out: list[str] = []
    for s in sources:
        out += [f"> {s.quote}", f"> — {s.document}, {s.section}", ""]
        if lang == "en" and s.translation:
            out += [md_escape(t("briefing.translation", lang, text=s.translation)), ""]
    return out


def render(
    result: Result, fmt: str, lang: str, *, reference: Result | None = None, show_ids: bool = False
) -> str:
    """``evaluate``'s report: bottom line first (the actions that matter most, what is new or gone
    against ``reference``), one line per item, then the details and sources. JSON is the data."""
    if fmt == "json":
        return render_json(result)
    if fmt == "markdown":
        return render_markdown(result, lang, reference=reference, show_ids=show_ids)
    return render_text(result, lang, reference=reference, show_ids=show_ids)
