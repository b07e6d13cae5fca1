"""Rendering explanations: one document (text, Markdown, ...), byte-stable JSON.

The tree is laid out once (heads, detail lines, children) in the chosen language and put in the
document as :class:`~policyengine.render.blocks.Tree` blocks: the text backend draws it with
guides (``├─``), Markdown as nested lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from policyengine.explain.nodes import (
    Application,
    ConditionNode,
    Explanation,
    FactNode,
    WhyNot,
)
from policyengine.models.names import format_date
from policyengine.render.blocks import Block, Document, Title, Tree
from policyengine.render.common import paper_quote, to_json
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
    def __init__(self, lang: str, *, expand_derived: bool, show_ids: bool = True) -> None:
        self.lang = lang
        self.L = LABELS[lang]
        self.expand_derived = expand_derived
        self.show_ids = show_ids  # scenario facts by their ids, else by the fact in words or by its place
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
        where = f"{fact.origin} — {fact.location}" if self.show_ids else str(fact.location)
        lines = [f"{self.L['at']}{c}{where}"]
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
            named = leaf.origin if self.show_ids else leaf.text[self.lang]
            lines.append(f"{self.L['from']}{self.colon()}{named} — {leaf.location}")
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
        day = format_date(dt.date.fromisoformat(sc["as_of"]), self.lang)
        title = sc.get("title", {}).get(self.lang) or sc["id"]
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
        scenario = t("explain.scenario_line", self.lang, title=title, day=day, files=files)
        lines.append(f"{L['scenario']}{self.colon()}{scenario}")
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


# -- the document ------------------------------------------------------------------------------


def _tree(node: _Node) -> Tree:
    return Tree(node.head, node.details, [_tree(c) for c in node.children])


def document(ex: Explanation, lang: str = "ja", *, show_ids: bool = False) -> Document:
    """Why an outcome was made (its derivation down to the scenario's facts) or why not (each
    rule that could make it, at its nearest binding): the header, then one tree per rule. Every
    format is drawn from it (``html`` of the command is the graph, render/charts/derivation).
    A scenario fact is shown in words and by where it is written; ``show_ids`` adds its id."""
    layout = _Layout(lang, expand_derived=ex.fired, show_ids=show_ids)
    head, *rest = layout.header(ex)
    blocks: list[Block] = [Title(head, notes=rest, wrap=True)]
    blocks += [_tree(tree) for tree in layout.trees(ex)]
    return Document(head, blocks, lang=lang, compact=True)


def render_json(ex: Explanation) -> str:
    return to_json(ex.to_dict())


def render(ex: Explanation, fmt: str, lang: str, *, show_ids: bool = False) -> str:
    """``explain`` in ``fmt``: JSON is the data, ``html`` the derivation graph (a picture with the
    header and a legend), any other format the document drawn by its backend."""
    if fmt == "html":
        from policyengine.render.charts.derivation import render_html

        return render_html(ex, lang)
    if fmt == "json":
        return render_json(ex)
    from policyengine.render.backends import render as draw

    return draw(document(ex, lang, show_ids=show_ids), fmt)


__all__ = ["document", "render", "render_json"]
