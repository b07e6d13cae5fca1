"""Rendering the rule tools: rule lists, one rule in full, lint reports, paper coverage."""

from __future__ import annotations

from policyengine.render.common import (
    WRAP,
    Markdown,
    markdown_table,
    md_code,
    md_escape,
    md_join,
    paper_quote,
    text_table,
    to_json,
    wrap_hanging,
)
from policyengine.ruletools.catalog import RuleDetail, RuleSummary
from policyengine.ruletools.coverage import CoverageReport, Sentence
from policyengine.ruletools.lint import LintReport
from policyengine.text import Labels, t

LABELS = Labels("rules")


# -- rules list --------------------------------------------------------------------------------


def _cited(s: Sentence, rule: str, L: dict[str, str]) -> Markdown:
    return Markdown(md_code(rule) + md_escape(_also(s, rule, L)))


def render_list(rules: list[RuleSummary], fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json({"rules": [r.to_dict() for r in rules]})
    L = LABELS[lang]
    headers = [L["id"], L["stratum"], L["produces"], L["section"], L["title"]]
    rows = [[r.id, str(r.stratum), ", ".join(r.produces), r.section, r.title[lang]] for r in rules]
    if fmt == "markdown":
        return markdown_table(headers, rows)
    return text_table(headers, rows)


# -- rules show --------------------------------------------------------------------------------


def render_show(detail: RuleDetail, fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json(detail.to_dict())
    L = LABELS[lang]
    s = detail.summary
    c = t("report.colon", lang)
    if fmt == "markdown":
        out = [
            f"# {md_code(s.id)} — {md_escape(s.title[lang])}",
            "",
            f"- {L['at']}{c}{md_code(s.location)} ({L['stratum']} {s.stratum})",
            f"- {L['source']}{c}" + md_escape(f"{detail.source['document']}, {detail.source['section']}"),
            "",
            f"> {md_escape(detail.source['quote'])}",
            "",
        ]
        if detail.also:
            out += [f"{L['also']}{c.rstrip()}", ""]
            for text in detail.also:
                out += [f"> {text}", ""]
        if detail.description:
            out += [md_escape(detail.description[lang]), ""]
        out += [f"## {L['when']}", ""]
        out += [f"{i}. {md_escape(cond[lang])}" for i, cond in enumerate(detail.conditions, 1)]
        out += ["", f"## {L['then']}", ""]
        out += [f"- {md_escape(o[lang])}" for o in detail.outputs]
        out += [
            "",
            f"- {L['depends_on']}{c}" + (", ".join(md_code(r) for r in detail.depends_on) or L["none"]),
            f"- {L['used_by']}{c}" + (", ".join(md_code(r) for r in detail.used_by) or L["none"]),
        ]
        return "\n".join(out) + "\n"
    out = wrap_hanging(f"{s.id} — {s.title[lang]}", "", "  ", WRAP)
    out.append(f"  {L['at']}{c}{s.location} ({L['stratum']} {s.stratum})")
    out.append(f"  {L['source']}{c}{detail.source['document']}, {detail.source['section']}")
    out += wrap_hanging(paper_quote(detail.source["quote"]), "    ", "    ", WRAP)
    if detail.also:
        out.append(f"  {L['also']}{c.rstrip()}")
        for text in detail.also:
            out += wrap_hanging(paper_quote(text), "    ", "    ", WRAP)
    if detail.description:
        out += wrap_hanging(f"{L['description']}{c}{detail.description[lang]}", "  ", "    ", WRAP)
    out.append(f"  {L['when']}{c.rstrip()}")
    for i, cond in enumerate(detail.conditions, 1):
        out += wrap_hanging(f"{i}. {cond[lang]}", "    ", "       ", WRAP)
    out.append(f"  {L['then']}{c.rstrip()}")
    for o in detail.outputs:
        out += wrap_hanging(o[lang], "    ", "      ", WRAP)
    out += wrap_hanging(
        f"{L['depends_on']}{c}{', '.join(detail.depends_on) or L['none']}", "  ", "    ", WRAP
    )
    out += wrap_hanging(f"{L['used_by']}{c}{', '.join(detail.used_by) or L['none']}", "  ", "    ", WRAP)
    return "\n".join(out) + "\n"


# -- rules lint --------------------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def render_lint(report: LintReport, fmt: str) -> str:
    if fmt == "json":
        return to_json(report.to_dict())
    out = [d.format() for d in report.findings]
    for note in report.notes:
        out.append(f"note: {note}")
    what = (
        f"{_count(report.rules, 'rule')}, {_count(len(report.scenarios), 'scenario')}, source {report.source}"
    )
    if report.clean:
        out.append(f"ok: {report.pack}: no findings ({what})")
    else:
        out.append(f"{report.pack}: {_count(len(report.findings), 'finding')} ({what})")
    return "\n".join(out) + "\n"


# -- rules coverage ----------------------------------------------------------------------------


def _also(sentence: Sentence, rule: str, L: dict[str, str]) -> str:
    """The mark of a rule that cites the sentence by an 'also' passage, not its main quote."""
    return L["also_mark"] if rule in sentence.also else ""


def render_coverage(report: CoverageReport, fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json(report.to_dict())
    L = LABELS[lang]
    title = L["coverage_title"].format(section=report.section, source=report.source, pack=report.pack)
    summary = L["coverage_summary"].format(covered=report.covered, total=len(report.sentences))
    uncovered = ", ".join(str(s.index) for s in report.uncovered) or L["none"]
    if fmt == "markdown":
        out = [f"# {md_escape(title)}", "", summary, ""]
        if any(s.also for s in report.sentences):
            out += [md_escape(L["also_legend"]), ""]
        rows = [
            [
                str(s.index),
                s.text,
                md_join([Markdown(md_code(r) + md_escape(_also(s, r, L))) for r in s.rules]) or "—",
            ]
            for s in report.sentences
        ]
        out.append(markdown_table(["#", L["sentence"], L["rules"]], rows).rstrip())
        out += ["", f"**{L['uncovered']}:** {uncovered}", ""]
        if report.elsewhere:
            out += [
                f"**{L['elsewhere']}:** " + ", ".join(f"{md_code(r)} ({sec})" for r, sec in report.elsewhere),
                "",
            ]
        if report.unplaced:
            out += [f"**{L['unplaced']}:** " + ", ".join(md_code(r) for r in report.unplaced), ""]
        return "\n".join(out).rstrip() + "\n"
    out = [*wrap_hanging(title, "", "  ", WRAP), summary]
    if any(s.also for s in report.sentences):
        out += wrap_hanging(L["also_legend"], "", "  ", WRAP)
    out.append("")
    for s in report.sentences:
        mark = "✓" if s.rules else "✗"
        out += wrap_hanging(f"[{s.index}] {mark} {s.text}", "", "       ", WRAP)
        cited = ", ".join(r + _also(s, r, L) for r in s.rules) or "—"
        out += wrap_hanging(f"       → {cited}", "", "         ", WRAP)
    out += ["", f"{L['uncovered']}: {uncovered}"]
    if report.elsewhere:
        out += wrap_hanging(
            f"{L['elsewhere']}: " + ", ".join(f"{r} ({sec})" for r, sec in report.elsewhere), "", "  ", WRAP
        )
    if report.unplaced:
        out.append(f"{L['unplaced']}: {', '.join(report.unplaced)}")
    return "\n".join(out) + "\n"


__all__ = ["render_coverage", "render_lint", "render_list", "render_show"]
