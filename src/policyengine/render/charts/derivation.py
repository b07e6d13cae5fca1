"""An explanation as a graph: scenario facts → rules → derived facts → the recommendation.

The graph flows left to right and ends in the outcome at the right. Boxes:

- the outcome (thick frame; dashed and grey when it was *not* made);
- a rule applied (rounded, grey), with the paper's section; its passage is in the legend;
- a scenario fact (white), with where it is written; its own source is in the legend;
- a derived fact (light blue), with the rule application that derived it to its left;
- a condition that asks for an absence ("no framework ...", dotted frame);
- for a why-not, every condition is marked ✓ or ✗, and a failing one is drawn with a thick red
  frame on a hatched ground (the hatch and the ✗ survive greyscale printing), its edge dashed.

Every box carries a number; the numbered legend under the picture gives its full text, where
it is written and the passage it cites. Hovering over a box shows the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policyengine.explain.nodes import Application, ConditionNode, Explanation, FactNode, WhyNot
from policyengine.render.common import esc, paper_quote
from policyengine.render.explain import LABELS as EXPLAIN_LABELS
from policyengine.render.explain import level_name
from policyengine.render.svg import (
    BLUE,
    INK,
    LIGHT_BLUE,
    MUTED,
    RED,
    Svg,
    ellipsize,
    figure,
    num,
    page,
    wrap_lines,
)
from policyengine.text import Labels, t

LABELS = Labels("chart_derivation")

_W = 240  # box width
_COLS = 34  # text columns in a box
_MAX_LINES = 3
_LINE = 15
_PAD = 7
_HGAP = 44
_VGAP = 10
_FONT = 12
_MAX_NODES = 400  # a picture beyond this is unreadable; the legend says what was left out


@dataclass
class _Box:
    kind: str  # outcome | outcome-not | rule | fact | derived | absent | condition | missing
    lines: list[str]
    legend: list[str]  # full text, location, source, note
    fails: bool = False
    subs: int = 0  # the last lines are smaller notes (where written, the passage, a summary)
    children: list[_Box] = field(default_factory=list)
    number: int = 0
    x: float = 0
    y: float = 0
    h: float = 0
    size: float = 0


class _Builder:
    def __init__(self, lang: str, fired: bool) -> None:
        self.lang = lang
        self.L = LABELS[lang]
        self.E = EXPLAIN_LABELS[lang]
        self.expand_derived = fired
        self.count = 0

    def colon(self) -> str:
        return t("report.colon", self.lang)

    def box(
        self, kind: str, text: str, legend: list[str], *, sub: str | list[str] = "", fails: bool = False
    ) -> _Box:
        """A box: ``text`` on up to three lines, then each ``sub`` line (smaller) cut to one line."""
        self.count += 1
        subs = [x for x in ([sub] if isinstance(sub, str) else sub) if x]
        lines = wrap_lines(text, _COLS)
        if len(lines) > _MAX_LINES:
            lines = [*lines[: _MAX_LINES - 1], lines[_MAX_LINES - 1].rstrip() + "…"]
        return _Box(kind, lines + [ellipsize(x, _COLS + 4) for x in subs], legend, fails, subs=len(subs))

    def provenance(self, fact: FactNode) -> list[str]:
        c = self.colon()
        out = [f"{self.E['at']}{c}{fact.origin} — {fact.location}"] if fact.origin else []
        if fact.source is not None:
            where = fact.source.get("locator", fact.source["document"])
            quote = fact.source.get("quote")
            out.append(f"{self.E['source']}{c}{where}" + (f" {paper_quote(quote)}" if quote else ""))
        if fact.note:
            out.append(f"{self.E['note']}{c}{fact.note}")
        return out

    def fact(self, fact: FactNode, label: str = "", mark: str = "", fails: bool = False) -> _Box:
        text = f"{mark}{label}{self.colon() if label else ''}{fact.text[self.lang]}"
        if not fact.derived:
            quote = (fact.source or {}).get("quote")
            subs = [f"{fact.origin}", paper_quote(quote) if quote else ""]
            return self.box("fact", text, [text, *self.provenance(fact)], sub=subs, fails=fails)
        if fact.shown_above:
            return self.box(
                "derived",
                text,
                [text, f"({self.E['shown_above']})"],
                sub=f"({self.E['shown_above']})",
                fails=fails,
            )
        rules = ", ".join(sorted({a.rule.id for a in fact.derived_by}))
        node = self.box(
            "derived", text, [text, f"{self.E['derived_by']} {rules}"], sub=f"← {rules}", fails=fails
        )
        if self.expand_derived and self.count < _MAX_NODES:
            node.children = [self.application(a) for a in fact.derived_by]
        return node

    def application(self, app: Application, summary: str = "", marks: bool = False) -> _Box:
        r = app.rule
        c = self.colon()
        head = f"{self.L['rule']} {r.id} — {r.title[self.lang]}"
        legend = [
            head,
            f"{self.E['at']}{c}{r.location}",
            f"{self.E['paper']}{c}{r.section} {paper_quote(r.quote)}",
        ]
        if summary:
            legend.append(summary)
        node = self.box("rule", head, legend, sub=[f"{r.section} {paper_quote(r.quote)}", summary])
        for cond in app.conditions:
            if self.count >= _MAX_NODES:
                break
            node.children.append(self.condition(cond, marks))
        return node

    def condition(self, cond: ConditionNode, marks: bool) -> _Box:
        lang = self.lang
        fails = marks and not cond.holds
        mark = ("? " if cond.unknown else "✓ " if cond.holds else "✗ ") if marks else ""
        failures = [f[lang] for f in cond.failures]
        if cond.mode == "match" and cond.facts:
            node = self.fact(cond.facts[0], cond.var or "", mark, fails)
            if failures:
                node.legend += failures
                node.lines = [*node.lines[: len(node.lines) - node.subs], ellipsize(failures[0], _COLS + 4)]
                node.subs = 1
            return node
        if cond.mode == "match":
            said = failures if failures and not cond.unknown else [cond.text[lang], *failures]
            text = f"{mark}{cond.var}{self.colon()}{said[0]}"
            node = self.box("condition", text, [text, *said[1:]], fails=fails)
            node.children = [self.why_not(w) for w in cond.missing[:3]]
            return node
        kind = "absent" if cond.mode == "absent" else "condition"
        text = f"{mark}{cond.text[lang]}"
        node = self.box(
            kind, text, [text, *failures], sub=failures[0] if fails and failures else "", fails=fails
        )
        for fact in cond.facts:
            if self.count >= _MAX_NODES:
                break
            if cond.mode == "absent" and not cond.holds:
                node.children.append(self.fact(fact, fails=True))
            else:
                node.children.append(self.fact(fact))
        node.children += [self.why_not(w) for w in cond.missing[:3]]
        return node

    def why_not(self, why: WhyNot) -> _Box:
        text = self.L["why_missing"].format(goal=why.text[self.lang])
        node = self.box(
            "missing", text, [text, *([why.note[self.lang]] if why.note else [])], fails=not why.attempts
        )
        for app in why.attempts[:2]:
            node.children.append(self.attempt(app))
        return node

    def attempt(self, app: Application) -> _Box:
        total = len(app.conditions)
        summary = self.L["nearest"].format(n=app.failed, m=total) if app.failed else self.L["all_hold"]
        return self.application(app, summary, marks=True)

    def root(self, ex: Explanation) -> _Box:
        lang = self.lang
        d = ex.derivation
        if d is not None:
            level = level_name(d.level, lang)
            made = self.E["made_" + d.kind]
            label = self.E["priority"] if d.kind == "recommendation" else self.E["severity"]
            text = f"{ex.id} — {d.title[lang]} ({made}; {label}{self.colon()}{level})"
            why = self.E["justification"] if d.kind == "recommendation" else self.E["message"]
            root = self.box(
                "outcome",
                f"{d.title[lang]} ({made}; {label}{self.colon()}{level})",
                [text, f"{why}{self.colon()}{d.text[lang]}"],
                sub=d.target_name[lang],
            )
            root.lines.insert(0, ellipsize(ex.id, _COLS - 2))
            root.children = [self.application(a) for a in d.applications]
            return root
        w = ex.why_not
        assert w is not None
        text = f"{ex.id} — {self.E['not_made_' + w.kind]}"
        legend = [text]
        if w.elsewhere:
            label = self.E["elsewhere"] if w.kind == "recommendation" else self.E["elsewhere_risk"]
            legend.append(f"{label}{self.colon()}{', '.join(w.elsewhere)}")
        if w.note is not None:
            legend.append(w.note[lang])
        root = self.box("outcome-not", self.E["not_made_" + w.kind], legend, sub=w.text[lang])
        root.lines.insert(0, ellipsize(ex.id, _COLS - 2))
        root.children = [self.attempt(a) for a in w.attempts]
        return root


def _number(root: _Box) -> list[_Box]:
    """Every box, numbered depth first (the order of the text tree)."""
    out: list[_Box] = []
    stack = [root]
    while stack:
        b = stack.pop()
        out.append(b)
        b.number = len(out)
        stack.extend(reversed(b.children))
    return out


def _depth(b: _Box) -> int:
    return 1 + max((_depth(c) for c in b.children), default=0)


def _measure(b: _Box) -> float:
    b.h = 2 * _PAD + len(b.lines) * _LINE + 2
    kids = sum(_measure(c) for c in b.children) + _VGAP * max(0, len(b.children) - 1)
    b.size = max(b.h, kids)
    return b.size


def _place(b: _Box, top: float, depth: int, levels: int) -> None:
    b.x = 16 + (levels - 1 - depth) * (_W + _HGAP)
    b.y = top + (b.size - b.h) / 2
    kids = sum(c.size for c in b.children) + _VGAP * max(0, len(b.children) - 1)
    y = top + (b.size - kids) / 2
    for c in b.children:
        _place(c, y, depth + 1, levels)
        y += c.size + _VGAP


_STYLE = {  # fill, stroke, stroke width, dash, corner radius
    "outcome": (LIGHT_BLUE, BLUE, 3.0, "", 0),
    "outcome-not": ("#eeeeee", MUTED, 3.0, "8 4", 0),
    "rule": ("#e6e6e6", INK, 1.0, "", 10),
    "fact": ("#ffffff", INK, 1.0, "", 0),
    "derived": (LIGHT_BLUE, BLUE, 1.2, "", 0),
    "absent": ("#ffffff", INK, 1.2, "2 3", 0),
    "condition": ("#ffffff", INK, 1.0, "", 0),
    "missing": ("#f6f6f6", MUTED, 1.0, "5 3", 0),
}


def _draw(svg: Svg, boxes: list[_Box]) -> None:
    for b in boxes:  # edges first, under the boxes
        for c in b.children:
            x1, y1 = c.x + _W, c.y + c.h / 2
            x2, y2 = b.x, b.y + b.h / 2
            mid = (x1 + x2) / 2
            d = f"M{num(x1)} {num(y1)}C{num(mid)} {num(y1)} {num(mid)} {num(y2)} {num(x2 - 6)} {num(y2)}"
            colour = RED if c.fails else MUTED
            svg.path(d, stroke=colour, sw=2 if c.fails else 1.2, dash="5 3" if c.fails else "")
            svg.path(
                f"M{num(x2 - 7)} {num(y2 - 4)}L{num(x2)} {num(y2)}L{num(x2 - 7)} {num(y2 + 4)}Z",
                fill=colour,
                stroke=colour,
                sw=1,
            )
    for b in boxes:
        fill, stroke, sw, dash, rx = _STYLE[b.kind]
        if b.fails:
            fill, stroke, sw = "url(#failhatch)", RED, 3.0
        svg.group(title="\n".join(b.legend), cls=f"node {b.kind}" + (" fails" if b.fails else ""))
        svg.rect(b.x, b.y, _W, b.h, fill=fill, stroke=stroke, sw=sw, dash=dash, rx=rx)
        svg.add(
            f'<circle cx="{num(b.x)}" cy="{num(b.y)}" r="9" fill="#ffffff" '
            f'stroke="{INK}" stroke-width="0.8"/>'
        )
        svg.text(
            b.x, b.y + 3.5, str(b.number), size=9 if b.number < 100 else 7, anchor="middle", weight="bold"
        )
        for i, line in enumerate(b.lines):
            sub = i >= len(b.lines) - b.subs
            svg.text(
                b.x + 12,
                b.y + _PAD + 11 + i * _LINE,
                line,
                size=10.5 if sub else _FONT,
                fill=MUTED if sub and not b.fails else INK,
                weight="bold" if b.kind.startswith("outcome") and i == 0 else "",
            )
        svg.end()


def _key(lang: str) -> str:
    L = LABELS[lang]
    items = [
        (
            f'<rect x="1" y="2" width="30" height="14" fill="{LIGHT_BLUE}" stroke="{BLUE}" '
            'stroke-width="3"/>',
            L["key_outcome"],
        ),
        ('<rect x="1" y="2" width="30" height="14" rx="5" fill="#e6e6e6" stroke="#1a1a1a"/>', L["key_rule"]),
        ('<rect x="1" y="2" width="30" height="14" fill="#fff" stroke="#1a1a1a"/>', L["key_fact"]),
        (f'<rect x="1" y="2" width="30" height="14" fill="{LIGHT_BLUE}" stroke="{BLUE}"/>', L["key_derived"]),
        (
            '<rect x="1" y="2" width="30" height="14" fill="#fff" stroke="#1a1a1a" stroke-dasharray="2 3"/>',
            L["key_absent"],
        ),
        (
            f'<rect x="2" y="2" width="28" height="14" fill="url(#failhatch-key)" stroke="{RED}" '
            'stroke-width="3"/>',
            L["key_fail"],
        ),
    ]
    from policyengine.render.svg import key_paragraph

    return key_paragraph(items, width=32, pattern="failhatch")


def render_svg(ex: Explanation, lang: str) -> tuple[Svg, list[_Box]]:
    """The graph of an explanation and its boxes in legend order."""
    builder = _Builder(lang, ex.fired)
    root = builder.root(ex)
    boxes = _number(root)
    levels = _depth(root)
    _measure(root)
    _place(root, 24, 0, levels)
    width = 32 + levels * _W + (levels - 1) * _HGAP
    height = root.size + 48
    L = LABELS[lang]
    svg = Svg(
        width,
        height,
        label=(L["title"] if ex.fired else L["title_not"]).format(id=ex.id),
        patterns=("failhatch",),
    )
    _draw(svg, boxes)
    return svg, boxes


def render_html(ex: Explanation, lang: str = "ja") -> str:
    """The explanation page: the header lines of the text output, the graph, the numbered legend."""
    from policyengine.render.explain import _Layout

    L = LABELS[lang]
    svg, boxes = render_svg(ex, lang)
    title = (L["title"] if ex.fired else L["title_not"]).format(id=ex.id)
    head, *rest = _Layout(lang, expand_derived=ex.fired).header(ex)
    body = [f"<h1>{esc(head)}</h1>"]
    body += [f'<p class="meta">{esc(line)}</p>' for line in rest]
    body.append(_key(lang))
    body.append(figure(svg, L["caption"] if ex.fired else L["caption_not"], anchor="graph").rstrip("\n"))
    body.append(f"<h2>{esc(L['legend'])}</h2>")
    items = []
    for b in boxes:
        first, *more = b.legend
        cls = ' class="fails"' if b.fails else ""
        extra = "".join(f'<br><span class="q">{esc(x)}</span>' for x in more)
        items.append(f'<li value="{b.number}"{cls}>{esc(first)}{extra}</li>')
    body.append('<ol class="legend">' + "\n".join(items) + "</ol>")
    return page(title, "\n".join(body) + "\n", lang=lang)
