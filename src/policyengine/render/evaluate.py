"""Rendering the result of ``evaluate``: a terminal report, byte-stable JSON, a Markdown briefing."""

from __future__ import annotations

from policyengine.display import value as value_name
from policyengine.engine.results import CitedPassage, Recommendation, Result, Risk
from policyengine.render.common import md_code, md_escape, paper_quote, to_json, wrap

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


def render_text(result: Result, lang: str = "ja") -> str:
    L = LABELS[lang]
    out = [
        f"{L['title']}: {result.title[lang]} ({L['as_of']} {result.as_of})",
        f"{L['files']}: {' <- '.join(result.files)}",
        f"{L['pack']}: {result.pack_id} — "
        + L["summary"].format(n=len(result.recommendations), r=len(result.risks)),
        "",
    ]
    if not result.recommendations:
        out += [L["none"], ""]
    for p in PRIORITIES:
        recs = [r for r in result.recommendations if r.priority == p]
        if not recs:
            continue
        out += [L["priority"].format(p=value_name(p, lang)), ""]
        for r in recs:
            out += _text_item(r, lang)
    if result.risks:
        out += [L["risks"], ""]
        for k in result.risks:
            out += _text_risk(k, lang)
    if result.sources:
        out += [L["sources"], ""]
        for i, passage in enumerate(result.sources, 1):
            out += _text_passage(i, passage, lang)
    return "\n".join(out).rstrip() + "\n"


def _text_passage(i: int, p: CitedPassage, lang: str) -> list[str]:
    L = LABELS[lang]
    lines = [f"  [{i}] {p.document}, {p.section}"]
    lines += wrap(paper_quote(p.quote), "      ")
    lines += wrap(f"{L['cited_by']}: {', '.join(p.rules)}", "      ")
    return [*lines, ""]


def _text_item(r: Recommendation, lang: str) -> list[str]:
    L = LABELS[lang]
    lines = [f"  {r.id}", *wrap(f"{r.title[lang]} — {r.target_name[lang]}", "    ")]
    if r.because:
        lines += wrap(f"{L['because']}: {r.because[lang]}", "    ")
    lines += wrap(f"{L['justification']}: {r.justification[lang]}", "    ")
    if r.areas:
        lines += wrap(f"{L['areas']}: {', '.join(r.areas)}", "    ")
    lines += wrap(f"{L['evidence']}: {', '.join(r.evidence)}", "    ")
    for s in r.sources:
        lines += wrap(f"{L['source']}: {s.section} {paper_quote(s.quote)}", "    ")
    return [*lines, ""]


def _text_risk(k: Risk, lang: str) -> list[str]:
    L = LABELS[lang]
    lines = [f"  {k.id} ({L['severity'].format(p=value_name(k.severity, lang))})"]
    lines += wrap(k.message[lang], "    ")
    if k.because:
        lines += wrap(f"{L['because']}: {k.because[lang]}", "    ")
    lines += wrap(f"{L['evidence']}: {', '.join(k.evidence)}", "    ")
    for s in k.sources:
        lines += wrap(f"{L['source']}: {s.section} {paper_quote(s.quote)}", "    ")
    return [*lines, ""]


def render_json(result: Result) -> str:
    return to_json(result.to_dict())


def render_markdown(result: Result, lang: str = "ja") -> str:
    L = LABELS[lang]
    out = [
        f"# {L['title']}: {md_escape(result.title[lang])}",
        "",
        f"- {L['as_of']}: {result.as_of}",
        f"- {L['files']}: {' ← '.join(md_code(f) for f in result.files)}",
        f"- {L['pack']}: {md_code(result.pack_id)} — "
        + L["summary"].format(n=len(result.recommendations), r=len(result.risks)),
        "",
    ]
    if not result.recommendations:
        out += [L["none"], ""]
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
                out += [f"**{L['areas']}:** {md_escape(', '.join(r.areas))}", ""]
            out += [f"**{L['evidence']}:** " + ", ".join(md_code(e) for e in r.evidence), ""]
            for s in r.sources:
                out += [f"> {s.quote}", f"> — {s.document}, {s.section}", ""]
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
            out += [f"**{L['evidence']}:** " + ", ".join(md_code(e) for e in k.evidence), ""]
            for s in k.sources:
                out += [f"> {s.quote}", f"> — {s.document}, {s.section}", ""]
    if result.sources:
        out += [f"## {L['sources']}", ""]
        for i, passage in enumerate(result.sources, 1):
            out += [
                f"{i}. {passage.document}, {passage.section}:",
                "",
                f"   > {passage.quote}",
                "",
                f"   {L['cited_by']}: " + ", ".join(md_code(rid) for rid in passage.rules),
                "",
            ]
    return "\n".join(out).rstrip() + "\n"


def render(result: Result, fmt: str, lang: str) -> str:
    if fmt == "json":
        return render_json(result)
    if fmt == "markdown":
        return render_markdown(result, lang)
    return render_text(result, lang)
