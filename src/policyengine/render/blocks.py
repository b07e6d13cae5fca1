"""The document model every command renders through: blocks, written once, formatted by a backend.

A renderer builds a :class:`Document` from its result (in one language, its words from the
message catalog) and hands it to a backend (``policyengine.render.backends``: ``text``,
``markdown``, ``html``, one module each). The formats cannot drift apart, and a new format is one
new backend module. Inline text is a string, or a list of strings and :class:`Code` /
:class:`Strong` / :class:`Chain` spans; no block holds markup, so every backend escapes by
construction.

Two layouts: a long document (exercise runs, handouts, after-action reports; headings are
underlined in text) and a compact report (``Document(compact=True)``: what a command prints,
headings as plain lines, results as :class:`Entry` items with :class:`Field` lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Code:
    """An identifier (a recommendation id, a fact id)."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Chain:
    """Scenario files, each extending the next (``a <- b`` in text, ``a ← b`` elsewhere)."""

    items: Sequence[str]


Span = str | Code | Strong
Inline = Span | Sequence[Span]
#: What a label labels: inline text, or a chain of files.
Value = Inline | Chain


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
    """A passage quoted as it is; ``translation``: a rendering in the reader's language, worded
    and marked as a translation by the renderer, shown beside the original (never instead of it)."""

    text: str
    cite: str = ""
    translation: str = ""


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


@dataclass(frozen=True)
class Title:
    """A compact report's title line, qualified (``note``: label and value, e.g. the date), with
    its facts below (``fields``: label and value; ``notes``: sentences)."""

    text: Inline
    note: tuple[str, Value] | None = None
    fields: Sequence[tuple[str, Value]] = ()
    notes: Sequence[Inline] = ()
    #: Text: wrap a long field or note under itself (indented), as a report's header lines do.
    wrap: bool = False


@dataclass(frozen=True)
class Field:
    """One labelled line of an entry (``Because: ...``)."""

    label: str
    value: Value


@dataclass(frozen=True)
class Citation:
    """A passage of the paper an entry rests on: its quote, document and section; ``translation``
    as for :class:`Quote`."""

    quote: str
    document: str
    section: str
    translation: str = ""


@dataclass(frozen=True)
class Outline:
    """Nested lines (a reason and the reasons under it): ``items`` are (depth, text), depth 0 at
    the top, each item at most one level below the one before it."""

    items: Sequence[tuple[int, Inline]]


@dataclass(frozen=True)
class Entry:
    """One item of a compact report (a recommendation, a risk, a source): its key (an id), an
    optional title, and its body. ``number`` makes it an item of a numbered list."""

    key: Inline
    title: Inline | None = None
    body: Sequence[Para | Field | Citation | Quote | Outline] = ()
    number: int | None = None


@dataclass(frozen=True)
class Tree:
    """A tree of items (an explanation's derivation): each node a head, detail lines under it and
    child nodes. Text draws guides (``├─``, ``└─``), Markdown nested lists (details in italics),
    HTML nested lists."""

    head: Inline
    details: Sequence[Inline] = ()
    children: Sequence[Tree] = ()


Block = Heading | Para | Bullets | Table | Quote | Raw | Section | Title | Entry | Outline | Tree


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    lang: str = "ja"
    compact: bool = False


def to_text(doc: Document) -> str:
    from policyengine.render.backends.text import render

    return render(doc)


def to_markdown(doc: Document) -> str:
    from policyengine.render.backends.markdown import render

    return render(doc)


def to_html(doc: Document, *, css: str = "") -> str:
    """The document as one self-contained HTML page; ``css`` is added to the document styles."""
    from policyengine.render.backends.html import render

    return render(doc, css=css)


def inline_text(text: Value) -> str:
    from policyengine.render.backends.text import inline

    return inline(text)


def parts(text: Value) -> list[Span | Chain]:
    """The spans of inline text."""
    if isinstance(text, (str, Code, Strong, Chain)):
        return [text]
    return list(text)


def cell(c: Inline | Cell) -> Cell:
    return c if isinstance(c, Cell) else Cell(c)
