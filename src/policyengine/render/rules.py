"""Rendering the rule tools: rule lists, one rule in full and paper coverage as documents (text,
Markdown, HTML, ...), lint reports as diagnostics (``FILE:LINE:COL: CODE: message``, one a line,
as editors and CI read them), each also as JSON."""

from __future__ import annotations

from policyengine.render.backends import render as draw
from policyengine.render.blocks import (
    Block,
    Bullets,
    Code,
    Document,
    Entry,
    Heading,
    Inline,
    Para,
    Quote,
    Span,
    Table,
    Title,
)
from policyengine.render.common import to_json, translation
from policyengine.ruletools.catalog import RuleDetail, RuleSummary
from policyengine.ruletools.coverage import CoverageReport, Sentence
from policyengine.ruletools.lint import LintReport
from policyengine.text import Labels, t

LABELS = Labels("rules")


# -- rules list --------------------------------------------------------------------------------



def list_document(rules: list[RuleSummary], lang: str) -> Document:
    """Every rule of the pack, one table row each."""
    L = LABELS[lang]
    headers = [L["id"], L["stratum"], L["produces"], L["section"], L["title"]]
    rows: list[list[Inline]] = [
        [r.id, str(r.stratum), ", ".join(r.produces), r.section, r.title[lang]] for r in rules
    ]
    return Document(t("rules.list_title", lang), [Table(headers, rows)], lang=lang, compact=True)


def render_list(rules: list[RuleSummary], fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json({"rules": [r.to_dict() for r in rules]})
    return draw(list_document(rules, lang), fmt)


# -- rules show --------------------------------------------------------------------------------


def show_document(detail: RuleDetail, lang: str) -> Document:
    """One rule in full: where it is written, the passage it encodes, its conditions in words,
    what it produces, and the rules around it."""
    L = LABELS[lang]
    c = t("report.colon", lang)
    s = detail.summary
    where: list[Span] = [Code(s.location), t("rules.stratum_of", lang, stratum=s.stratum)]
    source = f"{detail.source['document']}, {detail.source['section']}"
    blocks: list[Block] = [
        Title([Code(s.id), f" — {s.title[lang]}"], fields=[(L["at"], where), (L["source"], source)]),
        Quote(detail.source["quote"], translation=translation(detail.source.get("translation"), lang)),
    ]
    if detail.also:
        blocks += [Para(L["also"] + c.rstrip()), *(Quote(text) for text in detail.also)]
    if detail.description:
        blocks.append(Para(detail.description[lang]))
    blocks += [Heading(2, L["when"]), Bullets([cond[lang] for cond in detail.conditions], ordered=True)]
    blocks += [Heading(2, L["then"]), Bullets([o[lang] for o in detail.outputs])]
    around = [
        f"{L['depends_on']}{c}{', '.join(detail.depends_on) or L['none']}",
        f"{L['used_by']}{c}{', '.join(detail.used_by) or L['none']}",
    ]
    blocks.append(Bullets(around))
    return Document(f"{s.id} — {s.title[lang]}", blocks, lang=lang, compact=True)


def render_show(detail: RuleDetail, fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json(detail.to_dict())
    return draw(show_document(detail, lang), fmt)


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


def coverage_document(report: CoverageReport, lang: str) -> Document:
    """Each sentence of the section with the rules citing it (✓) or none (✗), then what is
    still uncovered and the rules citing elsewhere or nothing the paper says."""
    L = LABELS[lang]
    c = t("report.colon", lang)
    title = L["coverage_title"].format(section=report.section, source=report.source, pack=report.pack)
    notes = [L["coverage_summary"].format(covered=report.covered, total=len(report.sentences))]
    if any(s.also for s in report.sentences):
        notes.append(L["also_legend"])
    blocks: list[Block] = [Title(title, notes=notes)]
    for s in report.sentences:
        cited: list[Span] = ["→ "]
        for i, r in enumerate(s.rules):
            cited += [", ", Code(r)] if i else [Code(r)]
            cited += [_also(s, r, L)] if _also(s, r, L) else []
        mark = "✓" if s.rules else "✗"
        blocks.append(Entry(f"{mark} {s.text}", None, [Para(cited if s.rules else "→ —")], number=s.index))
    uncovered = ", ".join(str(s.index) for s in report.uncovered) or L["none"]
    blocks.append(Para(f"{L['uncovered']}{c}{uncovered}"))
    if report.elsewhere:
        elsewhere: list[Span] = [L["elsewhere"] + c]
        for i, (r, sec) in enumerate(report.elsewhere):
            elsewhere += [", ", Code(r), f" ({sec})"] if i else [Code(r), f" ({sec})"]
        blocks.append(Para(elsewhere))
    if report.unplaced:
        unplaced: list[Span] = [L["unplaced"] + c]
        for i, r in enumerate(report.unplaced):
            unplaced += [", ", Code(r)] if i else [Code(r)]
        blocks.append(Para(unplaced))
    return Document(title, blocks, lang=lang, compact=True)


def render_coverage(report: CoverageReport, fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json(report.to_dict())
    return draw(coverage_document(report, lang), fmt)


__all__ = ["render_coverage", "render_lint", "render_list", "render_show"]
