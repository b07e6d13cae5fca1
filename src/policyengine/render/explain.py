"""Rendering explanations: a terminal tree, byte-stable JSON, a Markdown outline.

The tree is laid out once (heads, detail lines, children) in the chosen language and then
drawn either with guides (``├─``) for the terminal or as nested lists for Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policyengine.explain.nodes import (
    Application,
    ConditionNode,
    Explanation,
    FactNode,
    WhyNot,
)
from policyengine.render.common import WRAP, md_escape, paper_quote, to_json, wrap_hanging
from policyengine.text import Labels, t

LABELS = Labels("explain")

_LEVELS = ("high", "medium", "low")


def level_name(level: str, lang: str) -> str:
    """A priority or severity (``high`` -> 高 / high); an unknown one as it is."""
    return LABELS[lang][f"level_{level}"] if level in _LEVELS else level


@dataclass
class _Node:
    """One entry of the laid-out tree: a head line, detail lines under it, child entries."""

    head: str
    details: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)


class _Layout:
    def __init__(self, lang: str, *, expand_derived: bool) -> None:
        self.lang = lang
        self.L = LABELS[lang]
        self.expand_derived = expand_derived
        self.cited: set[str] = set()  # scenario facts whose source and note were shown already

    def colon(self) -> str:
        return t("report.colon", self.lang)

    # -- rules and facts -----------------------------------------------------------------------
    def rule(self, app: Application, extra: list[str] | None = None) -> _Node:
        r = app.rule
        head = f"{self.L['rule']} {r.id} — {r.title[self.lang]} ({r.location})"
        details = [f"{self.L['paper']}{self.colon()}{r.section} {paper_quote(r.quote)}", *(extra or [])]
        return _Node(head, details)

    def provenance(self, fact: FactNode) -> list[str]:
        """Where a scenario fact is written, its own source and note."""
        c = self.colon()
        lines = [f"{self.L['at']}{c}{fact.origin} — {fact.location}"]
        if fact.origin in self.cited:
            return lines
        self.cited.add(str(fact.origin))
        if fact.source is not None:
            where = fact.source.get("locator", fact.source["document"])
            quote = fact.source.get("quote")
            lines.append(
                f"{self.L['source']}{c}{where} {paper_quote(quote)}"
                if quote
                else f"{self.L['source']}{c}{where}"
            )
        if fact.note:
            lines.append(f"{self.L['note']}{c}{fact.note}")
        return lines

    def leaves(self, fact: FactNode) -> list[FactNode]:
        """The scenario facts a derived fact rests on, each scenario fact once."""
        out: dict[str, FactNode] = {}
        stack = [fact]
        while stack:
            f = stack.pop(0)
            if not f.derived:
                if f.origin is not None and f.origin not in out:
                    out[f.origin] = f
                continue
            for app in f.derived_by:
                for cond in app.conditions:
                    stack.extend(cond.facts)
        return [out[k] for k in sorted(out)]

    def fact_details(self, fact: FactNode) -> tuple[list[str], list[_Node]]:
        """Detail lines and children of a fact: its provenance, or how it was derived."""
        if not fact.derived:
            return self.provenance(fact), []
        if fact.shown_above:
            return [f"({self.L['shown_above']})"], []
        if self.expand_derived:
            return [], [self.application(app) for app in fact.derived_by]
        # the rule said by its title, its id only inside its location (for the reader who looks it up)
        said = {(a.rule.title[self.lang], a.rule.location) for a in fact.derived_by}
        lines = [t("derived.derived_by", self.lang, rule=title, where=where) for title, where in sorted(said)]
        for leaf in self.leaves(fact):
            lines.append(f"{self.L['from']}{self.colon()}{leaf.origin} — {leaf.location}")
        return lines, []

    # -- conditions ----------------------------------------------------------------------------
    def condition(self, cond: ConditionNode, mark: str = "") -> _Node:
        lang = self.lang
        c = self.colon()
        if cond.mode == "match" and cond.facts:
            fact = cond.facts[0]
            node = _Node(f"{mark}{cond.var}{c}{fact.text[lang]}")
            node.details = [f[lang] for f in cond.failures]
            details, children = self.fact_details(fact)
            node.details += details
            node.children = children
        elif cond.mode == "match":
            # no fact: the first failure already says what was looked for
            said = [f[lang] for f in cond.failures]
            if cond.unknown or not said:
                said = [cond.text[lang], *said]
            node = _Node(f"{mark}{cond.var}{c}{said[0]}", said[1:])
            node.children = [self.why_not(w, nested=True) for w in cond.missing]
        else:
            node = _Node(f"{mark}{cond.text[lang]}")
            if cond.mode == "absent" and not cond.holds:
                for failure, fact in zip(cond.failures, cond.facts, strict=False):
                    node.children.append(
                        _Node(failure[lang], self.provenance(fact) if not fact.derived else [])
                    )
            else:
                node.details = [f[lang] for f in cond.failures]
                for fact in cond.facts:
                    details, children = self.fact_details(fact)
                    node.children.append(_Node(fact.text[lang], details, children))
                # a count of derived facts that found none: why none was derived
                node.children += [self.why_not(w, nested=True) for w in cond.missing]
        return node

    def application(self, app: Application, extra: list[str] | None = None, marks: bool = False) -> _Node:
        node = self.rule(app, extra)
        for cond in app.conditions:
            mark = ("✓ " if cond.holds else "✗ ") if marks else ""
            if marks and cond.unknown:
                mark = "? "
            node.children.append(self.condition(cond, mark))
        return node

    # -- whole explanations --------------------------------------------------------------------
    def why_not(self, why: WhyNot, *, nested: bool = False) -> _Node:
        L = self.L
        if nested:
            head = L["why_missing"].format(goal=why.text[self.lang])
        else:
            head = L["candidates"].format(n=len(why.attempts))
        node = _Node(head)
        if why.note is not None:
            node.details.append(why.note[self.lang])
        for app in why.attempts:
            total = len(app.conditions)
            summary = L["nearest"].format(n=app.failed, m=total) if app.failed else L["all_hold"]
            node.children.append(self.application(app, [summary], marks=True))
        return node

    def header(self, ex: Explanation) -> list[str]:
        L = self.L
        sc = ex.scenario
        files = " <- ".join(sc["files"])
        lines = []
        d = ex.derivation
        if d is not None:
            named = level_name(d.level, self.lang)
            level = L["priority"] if d.kind == "recommendation" else L["severity"]
            lines.append(f"{ex.id} — {L['made_' + d.kind]} ({level}{self.colon()}{named})")
            lines.append(f"{d.title[self.lang]} — {d.target_name[self.lang]}")
        else:
            assert ex.why_not is not None
            lines.append(f"{ex.id} — {L['not_made_' + ex.why_not.kind]}")
        lines.append(f"{L['scenario']}{self.colon()}{sc['id']} ({L['as_of']} {sc['as_of']}; {files})")
        if d is not None:
            lines.append(f"{L['because']}{self.colon()}{d.because[self.lang]}")
            label = L["justification"] if d.kind == "recommendation" else L["message"]
            lines.append(f"{label}{self.colon()}{d.text[self.lang]}")
        elif ex.why_not is not None and ex.why_not.elsewhere:
            label = L["elsewhere"] if ex.why_not.kind == "recommendation" else L["elsewhere_risk"]
            lines.append(f"{label}{self.colon()}{', '.join(ex.why_not.elsewhere)}")
        return lines

    def trees(self, ex: Explanation) -> list[_Node]:
        if ex.derivation is not None:
            return [self.application(app) for app in ex.derivation.applications]
        assert ex.why_not is not None
        return [self.why_not(ex.why_not)]


# -- drawing -----------------------------------------------------------------------------------


def _draw(node: _Node, out: list[str], prefix: str = "", connector: str = "", continuation: str = "") -> None:
    inner = prefix + continuation
    guide = "│ " if node.children else "  "
    out += wrap_hanging(node.head, prefix + connector, inner + guide + "  ", WRAP)
    for d in node.details:
        out += wrap_hanging(d, inner + guide, inner + guide + "  ", WRAP)
    for i, child in enumerate(node.children):
        last = i == len(node.children) - 1
        _draw(child, out, inner, "└─ " if last else "├─ ", "   " if last else "│  ")


def _draw_md(node: _Node, out: list[str], depth: int = 0) -> None:
    pad = "  " * depth
    out.append(f"{pad}- {md_escape(node.head)}")
    for d in node.details:
        out.append(f"{pad}  - *{md_escape(d)}*")
    for child in node.children:
        _draw_md(child, out, depth + 1)


def render_text(ex: Explanation, lang: str = "ja") -> str:
    layout = _Layout(lang, expand_derived=ex.fired)
    out: list[str] = []
    for line in layout.header(ex):
        out += wrap_hanging(line, "", "  ", WRAP)
    for tree in layout.trees(ex):
        out.append("")
        _draw(tree, out)
    return "\n".join(out) + "\n"


def render_markdown(ex: Explanation, lang: str = "ja") -> str:
    layout = _Layout(lang, expand_derived=ex.fired)
    head, *rest = layout.header(ex)
    out = [f"# {md_escape(head)}", ""]
    out += [f"- {md_escape(line)}" for line in rest]
    for tree in layout.trees(ex):
        out.append("")
        _draw_md(tree, out)
    return "\n".join(out) + "\n"


def render_json(ex: Explanation) -> str:
    return to_json(ex.to_dict())


def render(ex: Explanation, fmt: str, lang: str) -> str:
    if fmt == "html":
        from policyengine.render.charts.derivation import render_html

        return render_html(ex, lang)
    if fmt == "json":
        return render_json(ex)
    if fmt == "markdown":
        return render_markdown(ex, lang)
    return render_text(ex, lang)


__all__ = ["render", "render_json", "render_markdown", "render_text"]
