"""A small document model, rendered to plain text, Markdown or self-contained HTML.

Long documents (exercise runs, handouts, after-action reports) are built once as blocks and
formatted three ways, so that the formats never drift apart. Inline text is a string, or a list
of strings and :class:`Code` / :class:`Strong` spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from policyengine.render.common import esc, html_page, md_code, md_escape, md_line_start, text_table, width


@dataclass(frozen=True)
class Code:
    """An identifier (a recommendation id, a fact id)."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


Inline = str | Code | Strong | Sequence[str | Code | Strong]


@dataclass(frozen=True)
class Cell:
    """A table cell with a class (HTML styling, e.g. a status)."""

    content: Inline
    cls: str = ""


@dataclass(frozen=True)
class Heading:
    level: int
    text: Inline
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    text: Inline
    cls: str = ""


@dataclass(frozen=True)
class Bullets:
    items: Sequence[Inline]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[Inline | Cell]]
    cls: str = ""


@dataclass(frozen=True)
class Quote:
    text: str
    cite: str = ""


@dataclass(frozen=True)
class Raw:
    """Preformatted content per format (e.g. a matrix rendered by its own renderer)."""

    text: str = ""
    markdown: str = ""
    html: str = ""


@dataclass(frozen=True)
class Section:
    """A group of blocks; in HTML a ``<section>`` (kept on one page when printed, if it fits)."""

    blocks: Sequence[Block]
    cls: str = ""
    anchor: str = ""


Block = Heading | Para | Bullets | Table | Quote | Raw | Section


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    lang: str = "ja"


# -- inline -------------------------------------------------------------------------------------


def _parts(text: Inline) -> list[str | Code | Strong]:
    if isinstance(text, (str, Code, Strong)):
        return [text]
    return list(text)


def inline_text(text: Inline) -> str:
    return "".join(p if isinstance(p, str) else p.text for p in _parts(text))


def inline_markdown(text: Inline) -> str:
    out: list[str] = []
    for p in _parts(text):
        if isinstance(p, Code):
            out.append(md_code(p.text))
        elif isinstance(p, Strong):
            out.append(f"**{md_escape(p.text)}**")
        else:
            out.append(md_escape(p))
    return "".join(out)


def inline_html(text: Inline) -> str:
    out = []
    for p in _parts(text):
        if isinstance(p, Code):
            out.append(f"<code>{esc(p.text)}</code>")
        elif isinstance(p, Strong):
            out.append(f"<strong>{esc(p.text)}</strong>")
        else:
            out.append(esc(p))
    return "".join(out)


def _cell(c: Inline | Cell) -> Cell:
    return c if isinstance(c, Cell) else Cell(c)


# -- plain text ---------------------------------------------------------------------------------


def to_text(doc: Document) -> str:
    from policyengine.render.common import paper_quote, wrap

    out: list[str] = []

    def emit(blocks: Sequence[Block], depth: int) -> None:
        for b in blocks:
            if isinstance(b, Section):
                emit(b.blocks, depth)
            elif isinstance(b, Heading):
                t = inline_text(b.text)
                if b.level <= 1:
                    out.extend([t, "=" * width(t), ""])
                elif b.level == 2:
                    out.extend([t, "-" * width(t), ""])
                else:
                    out.extend([f"{t}", ""])
            elif isinstance(b, Para):
                out.extend(wrap(inline_text(b.text), "  " if depth else ""))
                out.append("")
            elif isinstance(b, Bullets):
                for i, item in enumerate(b.items, start=1):
                    mark = f"{i}. " if b.ordered else "- "
                    lines = wrap(inline_text(item), "  " + " " * len(mark))
                    lines[0] = "  " + mark + lines[0].lstrip()
                    out.extend(lines)
                out.append("")
            elif isinstance(b, Table):
                rows = [[inline_text(_cell(c).content) for c in r] for r in b.rows]
                table = text_table(list(b.headers), rows)
                out.extend("  " + line if line else line for line in table.rstrip("\n").split("\n"))
                out.append("")
            elif isinstance(b, Quote):
                out.extend(wrap(paper_quote(b.text), "    "))
                if b.cite:
                    out.extend(wrap(f"— {b.cite}", "    "))
                out.append("")
            elif isinstance(b, Raw):
                out.extend(b.text.rstrip("\n").split("\n"))
                out.append("")

    emit(doc.blocks, 0)
    return "\n".join(line.rstrip() for line in out).rstrip() + "\n"


# -- Markdown -----------------------------------------------------------------------------------


def to_markdown(doc: Document) -> str:
    out: list[str] = []

    def emit(blocks: Sequence[Block]) -> None:
        for b in blocks:
            if isinstance(b, Section):
                emit(b.blocks)
            elif isinstance(b, Heading):
                out.extend(["#" * max(1, min(b.level, 6)) + " " + md_line_start(inline_markdown(b.text)), ""])
            elif isinstance(b, Para):
                out.extend([md_line_start(inline_markdown(b.text)), ""])
            elif isinstance(b, Bullets):
                for i, item in enumerate(b.items, start=1):
                    out.append((f"{i}. " if b.ordered else "- ") + md_line_start(inline_markdown(item)))
                out.append("")
            elif isinstance(b, Table):
                out.append("| " + " | ".join(md_escape(h) for h in b.headers) + " |")
                out.append("|" + "|".join("---" for _ in b.headers) + "|")
                for r in b.rows:
                    out.append("| " + " | ".join(inline_markdown(_cell(c).content) for c in r) + " |")
                out.append("")
            elif isinstance(b, Quote):
                out.append(f"> {md_line_start(md_escape(b.text))}")
                if b.cite:
                    out.append(f"> — {md_escape(b.cite)}")
                out.append("")
            elif isinstance(b, Raw):
                out.extend([b.markdown.rstrip("\n"), ""])

    emit(doc.blocks)
    return "\n".join(out).rstrip() + "\n"


# -- HTML ---------------------------------------------------------------------------------------

#: Styles of long documents, on top of the shared page style; print rules keep tables and
#: sections together and keep status colours when printed.
DOCUMENT_CSS = """
section{margin:0 0 1.25rem 0}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em;background:#f3f3f3;padding:0 .2em}
td.matched,.matched{background:#e3f4e1}td.diverged,.diverged{background:#fde2cf}
td.not-considered,.not-considered{background:#f6f1c7}td.anticipated,.anticipated{background:#dde8fa}
td.changed{outline:2px solid #333}
.note{color:#444;font-size:.92rem}.facilitator{border-left:4px solid #a33;padding-left:.6rem}
.legend span{display:inline-block;padding:0 .4rem;margin-right:.4rem;border:1px solid #999}
@media print{section{break-inside:avoid-page;page-break-inside:avoid}h1,h2,h3{break-after:avoid-page;
page-break-after:avoid}table{break-inside:auto}tr{break-inside:avoid;page-break-inside:avoid}
td.matched,td.diverged,td.not-considered,td.anticipated,.legend span,code{-webkit-print-color-adjust:exact;
print-color-adjust:exact}.page-break{break-before:page;page-break-before:always}}
"""


def to_html(doc: Document, *, css: str = "") -> str:
    """The document as one self-contained HTML page; ``css`` is added to the document styles."""
    out: list[str] = []

    def emit(blocks: Sequence[Block]) -> None:
        for b in blocks:
            if isinstance(b, Section):
                cls = f' class="{esc(b.cls)}"' if b.cls else ""
                anchor = f' id="{esc(b.anchor)}"' if b.anchor else ""
                out.append(f"<section{anchor}{cls}>")
                emit(b.blocks)
                out.append("</section>")
            elif isinstance(b, Heading):
                n = max(1, min(b.level, 6))
                anchor = f' id="{esc(b.anchor)}"' if b.anchor else ""
                out.append(f"<h{n}{anchor}>{inline_html(b.text)}</h{n}>")
            elif isinstance(b, Para):
                cls = f' class="{esc(b.cls)}"' if b.cls else ""
                out.append(f"<p{cls}>{inline_html(b.text)}</p>")
            elif isinstance(b, Bullets):
                tag = "ol" if b.ordered else "ul"
                out.append(f"<{tag}>" + "".join(f"<li>{inline_html(i)}</li>" for i in b.items) + f"</{tag}>")
            elif isinstance(b, Table):
                cls = f' class="{esc(b.cls)}"' if b.cls else ""
                head = "".join(f"<th>{esc(h)}</th>" for h in b.headers)
                rows = []
                for r in b.rows:
                    cells = []
                    for c in r:
                        cell = _cell(c)
                        ccls = f' class="{esc(cell.cls)}"' if cell.cls else ""
                        cells.append(f"<td{ccls}>{inline_html(cell.content)}</td>")
                    rows.append("<tr>" + "".join(cells) + "</tr>")
                out.append(
                    f"<table{cls}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
                    + "\n".join(rows)
                    + "\n</tbody>\n</table>"
                )
            elif isinstance(b, Quote):
                cite = f'<br><span class="note">— {esc(b.cite)}</span>' if b.cite else ""
                out.append(f"<blockquote>{esc(b.text)}{cite}</blockquote>")
            elif isinstance(b, Raw):
                out.append(b.html.rstrip("\n"))

    emit(doc.blocks)
    return html_page(doc.title, "\n".join(out) + "\n", lang=doc.lang, css=DOCUMENT_CSS + css)
