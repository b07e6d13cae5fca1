"""Markdown (CommonMark with GFM tables): every piece of text escaped, identifiers as code spans."""

from __future__ import annotations

from collections.abc import Sequence

from policyengine.render.blocks import (
    Block,
    Bullets,
    Chain,
    Citation,
    Code,
    Document,
    Entry,
    Field,
    Heading,
    Outline,
    Para,
    Quote,
    Raw,
    Section,
    Strong,
    Table,
    Title,
    Tree,
    Value,
    cell,
    parts,
)
from policyengine.render.common import md_code, md_escape, md_line_start
from policyengine.text import t


def inline(text: Value) -> str:
    out: list[str] = []
    for p in parts(text):
        if isinstance(p, Code):
            out.append(md_code(p.text))
        elif isinstance(p, Strong):
            out.append(f"**{md_escape(p.text)}**")
        elif isinstance(p, Chain):
            out.append(" ← ".join(md_code(f) for f in p.items))
        else:
            out.append(md_escape(p))
    return "".join(out)


def _quote(text: str, cite: str, indent: str = "", translation: str = "") -> list[str]:
    lines = [f"{indent}> {md_line_start(md_escape(text))}"]
    if cite:
        lines.append(f"{indent}> — {md_escape(cite)}")
    lines.append("")
    if translation:
        lines += [indent + md_line_start(md_escape(translation)), ""]
    return lines


def _outline(o: Outline, indent: str = "") -> list[str]:
    """A nested list, each item indented by its depth."""
    return [f"{indent}{'  ' * depth}- {md_line_start(inline(text))}" for depth, text in o.items] + [""]


def _label(label: str, lang: str) -> str:
    """A label in bold with its colon, as the language writes it: ``**Because:** ``, ``**理由：**``."""
    colon = t("report.colon", lang)
    return f"**{md_escape(label)}{colon.rstrip()}**" + (" " if colon.endswith(" ") else "")


def _entry(e: Entry, lang: str) -> list[str]:
    if e.number is not None:
        out, indent = [f"{e.number}. {md_line_start(inline(e.key))}", ""], "   "
    else:
        title = f" — {inline(e.title)}" if e.title is not None else ""
        out, indent = [f"### {inline(e.key)}{title}", ""], ""
    for b in e.body:
        if isinstance(b, Field):
            out += [f"{indent}{_label(b.label, lang)}{inline(b.value)}".rstrip(), ""]
        elif isinstance(b, Citation):
            out += _quote(b.quote, f"{b.document}, {b.section}", indent, b.translation)
        elif isinstance(b, Quote):
            out += _quote(b.text, b.cite, indent, b.translation)
        elif isinstance(b, Outline):
            out += _outline(b, indent)
        else:
            out += [indent + md_line_start(inline(b.text)), ""]
    return out


def _tree(node: Tree, out: list[str], depth: int = 0) -> None:
    """A tree as nested lists, each node's details in italics under it."""
    pad = "  " * depth
    out.append(f"{pad}- {inline(node.head)}")
    out.extend(f"{pad}  - *{inline(d)}*" for d in node.details)
    for child in node.children:
        _tree(child, out, depth + 1)


def render(doc: Document) -> str:
    out: list[str] = []

    def emit(blocks: Sequence[Block]) -> None:
        for b in blocks:
            if isinstance(b, Section):
                emit(b.blocks)
            elif isinstance(b, Title):
                out.extend([f"# {md_line_start(inline(b.text))}", ""])
                fields = [b.note, *b.fields] if b.note else list(b.fields)
                colon = t("report.colon", doc.lang)
                out.extend(
                    f"- {md_line_start(md_escape(label))}{colon}{inline(value)}" for label, value in fields
                )
                out.extend(f"- {md_line_start(inline(n))}" for n in b.notes)
                if fields or b.notes:
                    out.append("")
            elif isinstance(b, Entry):
                out.extend(_entry(b, doc.lang))
            elif isinstance(b, Heading):
                out.extend(["#" * max(1, min(b.level, 6)) + " " + md_line_start(inline(b.text)), ""])
            elif isinstance(b, Para):
                out.extend([md_line_start(inline(b.text)), ""])
            elif isinstance(b, Bullets):
                for i, item in enumerate(b.items, start=1):
                    out.append((f"{i}. " if b.ordered else "- ") + md_line_start(inline(item)))
                out.append("")
            elif isinstance(b, Table):
                out.append("| " + " | ".join(md_escape(h) for h in b.headers) + " |")
                out.append("|" + "|".join("---" for _ in b.headers) + "|")
                for r in b.rows:
                    out.append("| " + " | ".join(inline(cell(c).content) for c in r) + " |")
                out.append("")
            elif isinstance(b, Quote):
                out.extend(_quote(b.text, b.cite, "", b.translation))
            elif isinstance(b, Raw):
                out.extend([b.markdown.rstrip("\n"), ""])
            elif isinstance(b, Outline):
                out.extend(_outline(b))
            elif isinstance(b, Tree):
                _tree(b, out)
                out.append("")

    emit(doc.blocks)
    return "\n".join(out).rstrip() + "\n"
