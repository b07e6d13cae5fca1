"""Plain text: what a terminal shows, wrapped to 100 columns, CJK-aware."""

from __future__ import annotations

from collections.abc import Sequence

from policyengine.render.blocks import (
    Block,
    Bullets,
    Chain,
    Citation,
    Document,
    Entry,
    Field,
    Heading,
    Outline,
    Para,
    Quote,
    Raw,
    Section,
    Table,
    Title,
    Tree,
    Value,
    cell,
    parts,
)
from policyengine.render.common import WRAP, paper_quote, text_table, width, wrap, wrap_hanging
from policyengine.text import t


def inline(text: Value) -> str:
    out = []
    for p in parts(text):
        out.append(p if isinstance(p, str) else " <- ".join(p.items) if isinstance(p, Chain) else p.text)
    return "".join(out)


def _outline(o: Outline, indent: str) -> list[str]:
    """Each item indented by its depth; a long one wraps deeper than the items under it start."""
    out: list[str] = []
    for depth, text in o.items:
        pad = indent + "  " * depth
        out += wrap_hanging(inline(text), pad, pad + "    ")
    return out


def _entry(e: Entry, lang: str) -> list[str]:
    # a long key (a sentence rather than an id) wraps under itself
    if e.number is not None:
        out, indent = wrap_hanging(f"[{e.number}] {inline(e.key)}", "  ", "      "), "      "
    else:
        out, indent = wrap_hanging(inline(e.key), "  ", "    "), "    "
    if e.title is not None:
        out += wrap(inline(e.title), indent)
    for b in e.body:
        if isinstance(b, Field):
            out += wrap(f"{b.label}{t('report.colon', lang)}{inline(b.value)}", indent)
        elif isinstance(b, Citation):
            source = t("report.source", lang) + t("report.colon", lang)
            out += wrap(f"{source}{b.section} {paper_quote(b.quote)}", indent)
            if b.translation:
                out += wrap(b.translation, indent + "  ")
        elif isinstance(b, Quote):
            out += wrap(paper_quote(b.text), indent)
            if b.translation:
                out += wrap(b.translation, indent)
        elif isinstance(b, Outline):
            out += _outline(b, indent + "  ")
        else:
            out += wrap(inline(b.text), indent)
    return [*out, ""]


def _tree(node: Tree, out: list[str], prefix: str = "", connector: str = "", continuation: str = "") -> None:
    """A tree with guides: a node's details under it, its children after ``├─`` / ``└─``."""
    inner = prefix + continuation
    guide = "│ " if node.children else "  "
    out += wrap_hanging(inline(node.head), prefix + connector, inner + guide + "  ", WRAP)
    for d in node.details:
        out += wrap_hanging(inline(d), inner + guide, inner + guide + "  ", WRAP)
    for i, child in enumerate(node.children):
        last = i == len(node.children) - 1
        _tree(child, out, inner, "└─ " if last else "├─ ", "   " if last else "│  ")


def render(doc: Document) -> str:
    out: list[str] = []

    def emit(blocks: Sequence[Block], depth: int) -> None:
        for b in blocks:
            if isinstance(b, Section):
                emit(b.blocks, depth)
            elif isinstance(b, Title):
                colon = t("report.colon", doc.lang)
                note = t("report.note", doc.lang, label=b.note[0], value=inline(b.note[1])) if b.note else ""
                out.append(inline(b.text) + note)
                lines = [
                    *(f"{label}{colon}{inline(value)}" for label, value in b.fields),
                    *map(inline, b.notes),
                ]
                for line in lines:  # a long line wraps under itself if the title says so
                    out.extend(wrap_hanging(line, "", "  ") if b.wrap else [line])
                out.append("")
            elif isinstance(b, Entry):
                out.extend(_entry(b, doc.lang))
            elif isinstance(b, Heading):
                text = inline(b.text)
                if doc.compact or b.level > 2:
                    out.extend([text, ""])
                else:
                    out.extend([text, ("=" if b.level <= 1 else "-") * width(text), ""])
            elif isinstance(b, Para):
                out.extend(wrap(inline(b.text), "  " if depth else ""))
                out.append("")
            elif isinstance(b, Bullets):
                for i, item in enumerate(b.items, start=1):
                    mark = f"{i}. " if b.ordered else "- "
                    lines = wrap(inline(item), "  " + " " * len(mark))
                    lines[0] = "  " + mark + lines[0].lstrip()
                    out.extend(lines)
                out.append("")
            elif isinstance(b, Table):
                rows = [[inline(cell(c).content) for c in r] for r in b.rows]
                table = text_table(list(b.headers), rows)
                indent = "" if doc.compact else "  "  # a report's table starts at the margin
                out.extend(indent + line if line else line for line in table.rstrip("\n").split("\n"))
                out.append("")
            elif isinstance(b, Quote):
                out.extend(wrap(paper_quote(b.text), "    "))
                if b.translation:
                    out.extend(wrap(b.translation, "    "))
                if b.cite:
                    out.extend(wrap(f"— {b.cite}", "    "))
                out.append("")
            elif isinstance(b, Raw):
                out.extend(b.text.rstrip("\n").split("\n"))
                out.append("")
            elif isinstance(b, Outline):
                out.extend([*_outline(b, "  "), ""])
            elif isinstance(b, Tree):
                _tree(b, out)
                out.append("")

    emit(doc.blocks, 0)
    return "\n".join(line.rstrip() for line in out).rstrip() + "\n"
