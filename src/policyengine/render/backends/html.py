"""Self-contained HTML: one page, inline CSS, no scripts; every piece of text escaped."""

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
from policyengine.render.common import esc, html_page
from policyengine.text import t


def inline(text: Value) -> str:
    out = []
    for p in parts(text):
        if isinstance(p, Code):
            out.append(f"<code>{esc(p.text)}</code>")
        elif isinstance(p, Strong):
            out.append(f"<strong>{esc(p.text)}</strong>")
        elif isinstance(p, Chain):
            out.append(" ← ".join(f"<code>{esc(f)}</code>" for f in p.items))
        else:
            out.append(esc(p))
    return "".join(out)


def _quote(text: str, cite: str, translation: str = "") -> str:
    note = f'<br><span class="note">— {esc(cite)}</span>' if cite else ""
    rendered = f'\n<p class="note">{esc(translation)}</p>' if translation else ""
    return f"<blockquote>{esc(text)}{note}</blockquote>{rendered}"


def _outline(o: Outline) -> str:
    """Nested lists: an item one level deeper opens a list inside the item before it."""
    out, depth = [], -1
    for d, text in o.items:
        d = max(0, min(d, depth + 1))
        out.append("<ul><li>" if d > depth else "</li></ul>" * (depth - d) + "</li><li>")
        out.append(inline(text))
        depth = d
    return "".join(out) + "</li></ul>" * (depth + 1)


def _entry(e: Entry, lang: str) -> list[str]:
    title = f" — {inline(e.title)}" if e.title is not None else ""
    number = f"{e.number}. " if e.number is not None else ""
    out = ['<section class="entry">', f"<h3>{number}{inline(e.key)}{title}</h3>"]
    for b in e.body:
        if isinstance(b, Field):
            colon = t("report.colon", lang)
            label, gap = b.label + colon.rstrip(), colon[len(colon.rstrip()) :]
            out.append(f"<p><strong>{esc(label)}</strong>{esc(gap)}{inline(b.value)}</p>")
        elif isinstance(b, Citation):
            out.append(_quote(b.quote, f"{b.document}, {b.section}", b.translation))
        elif isinstance(b, Quote):
            out.append(_quote(b.text, b.cite, b.translation))
        elif isinstance(b, Outline):
            out.append(_outline(b))
        else:
            out.append(f"<p>{inline(b.text)}</p>")
    return [*out, "</section>"]


def _tree(node: Tree) -> str:
    """A tree as nested lists, each node's details in a note under its head."""
    details = "".join(f'<br><span class="note">{inline(d)}</span>' for d in node.details)
    children = "<ul>" + "".join(_tree(c) for c in node.children) + "</ul>" if node.children else ""
    return f"<li>{inline(node.head)}{details}{children}</li>"


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


def render(doc: Document, *, css: str = "") -> str:
    out: list[str] = []

    def emit(blocks: Sequence[Block]) -> None:
        for b in blocks:
            if isinstance(b, Section):
                cls = f' class="{esc(b.cls)}"' if b.cls else ""
                anchor = f' id="{esc(b.anchor)}"' if b.anchor else ""
                out.append(f"<section{anchor}{cls}>")
                emit(b.blocks)
                out.append("</section>")
            elif isinstance(b, Title):
                note = [b.note] if b.note else []
                out.append(f"<h1>{inline(b.text)}</h1>")
                colon = esc(t("report.colon", doc.lang))
                items = "".join(f"<li>{esc(k)}{colon}{inline(v)}</li>" for k, v in [*note, *b.fields])
                items += "".join(f"<li>{inline(n)}</li>" for n in b.notes)
                if items:
                    out.append(f'<ul class="meta">{items}</ul>')
            elif isinstance(b, Entry):
                out.extend(_entry(b, doc.lang))
            elif isinstance(b, Heading):
                n = max(1, min(b.level, 6))
                anchor = f' id="{esc(b.anchor)}"' if b.anchor else ""
                out.append(f"<h{n}{anchor}>{inline(b.text)}</h{n}>")
            elif isinstance(b, Para):
                cls = f' class="{esc(b.cls)}"' if b.cls else ""
                out.append(f"<p{cls}>{inline(b.text)}</p>")
            elif isinstance(b, Bullets):
                tag = "ol" if b.ordered else "ul"
                out.append(f"<{tag}>" + "".join(f"<li>{inline(i)}</li>" for i in b.items) + f"</{tag}>")
            elif isinstance(b, Table):
                cls = f' class="{esc(b.cls)}"' if b.cls else ""
                head = "".join(f"<th>{esc(h)}</th>" for h in b.headers)
                rows = []
                for r in b.rows:
                    cells = []
                    for c in r:
                        one = cell(c)
                        ccls = f' class="{esc(one.cls)}"' if one.cls else ""
                        cells.append(f"<td{ccls}>{inline(one.content)}</td>")
                    rows.append("<tr>" + "".join(cells) + "</tr>")
                out.append(
                    f"<table{cls}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
                    + "\n".join(rows)
                    + "\n</tbody>\n</table>"
                )
            elif isinstance(b, Quote):
                out.append(_quote(b.text, b.cite, b.translation))
            elif isinstance(b, Raw):
                out.append(b.html.rstrip("\n"))
            elif isinstance(b, Outline):
                out.append(_outline(b))
            elif isinstance(b, Tree):
                out.append(f'<ul class="tree">{_tree(b)}</ul>')

    emit(doc.blocks)
    return html_page(doc.title, "\n".join(out) + "\n", lang=doc.lang, css=DOCUMENT_CSS + css)
