"""Helpers shared by the renderers: stable JSON, width-aware text tables, HTML escaping."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from policyengine.text import t


def to_json(data: Any) -> str:
    """Byte-stable JSON: UTF-8 text, two-space indent, a final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def width(text: str) -> int:
    """Terminal columns taken by ``text`` (East Asian wide characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, gap: str = "  ") -> str:
    """A plain aligned table, one line per row, no trailing spaces."""
    cols = len(headers)
    widths = [max([width(headers[i])] + [width(r[i]) for r in rows]) for i in range(cols)]
    lines = [gap.join(pad(h, widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append(gap.join("-" * w for w in widths))
    for r in rows:
        lines.append(gap.join(pad(c, widths[i]) for i, c in enumerate(r)).rstrip())
    return "\n".join(lines) + "\n"


class Markdown(str):
    """Text that is Markdown already (a code span, a list of them): :func:`md_escape` keeps it."""


# Characters CommonMark (and GFM: tables, strikethrough) turns into markup inline: a backslash
# before any ASCII punctuation shows it as itself. '<' starts raw HTML and autolinks, '&' entity
# references, '[' ']' links and images, '`' code spans, '*' '_' '~' emphasis, '|' table cells.
_MD_INLINE = re.compile(r"[\\`*_\[\]<>&|~]")
# A URL scheme that runs code: not linked by CommonMark outside '<...>' (escaped above), but
# linkifiers (GFM's autolinks, markdown-it's linkify) must not see one either.
_MD_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data|file)(\s*):")
# What opens a block at the start of a line: heading, quote, list item, thematic break, setext.
_MD_BLOCK_START = re.compile(
    r"\A(\s*)(?:(#{1,6}(?=\s|\Z)|>|[-+](?=\s|\Z)|[-=](?=[-=\s]*\Z))|(\d{1,9})([.)])(?=\s|\Z))"
)


def md_escape(text: str) -> str:
    """Plain (untrusted) text as Markdown that shows exactly it: no HTML, link, image or code.

    A line break becomes a space (it would end a table row or start a block). Text that is
    :class:`Markdown` already is returned as it is.
    """
    if isinstance(text, Markdown):
        return text
    text = text.replace("\r\n", " ").replace("\n", " ")
    return _MD_SCHEME.sub(r"\1\2\\:", _MD_INLINE.sub(r"\\\g<0>", text))


def md_line_start(markdown: str) -> str:
    """Markdown that starts a line (a paragraph, a list item's text) with its leading ``#``,
    ``>``, ``-``, ``+``, ``=`` or ``1.`` escaped, so that it cannot open another block."""

    def guard(m: re.Match[str]) -> str:
        if m[2]:
            return f"{m[1]}\\{m[2]}"
        return f"{m[1]}{m[3]}\\{m[4]}"

    return _MD_BLOCK_START.sub(guard, markdown, count=1)


def md_code(text: str) -> Markdown:
    """An identifier, a path or a value as a code span that no text can break out of.

    The fence is one backtick longer than the longest run of backticks in the text (CommonMark),
    padded with a space when the text starts or ends with one. Text with a line break or a ``|``
    (which would split a table cell even inside a code span) is escaped as plain text instead.
    """
    if not text.strip() or "|" in text or "\n" in text or "\r" in text:
        return Markdown(md_line_start(md_escape(text)))  # it may begin a line: no heading, no list
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return Markdown(f"{fence}{pad}{text}{pad}{fence}")


def md_join(parts: Sequence[str], sep: str = ", ") -> Markdown:
    """Markdown parts (code spans, escaped text) joined: still Markdown."""
    return Markdown(md_escape(sep).join(md_escape(p) for p in parts))


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GFM table of plain text cells (escaped) and :class:`Markdown` cells (kept)."""
    out = ["| " + " | ".join(md_escape(h) for h in headers) + " |"]
    out.append("|" + "|".join("---" for _ in headers) + "|")
    for r in rows:
        out.append("| " + " | ".join(md_escape(c) for c in r) + " |")
    return "\n".join(out) + "\n"


def esc(text: str) -> str:
    """``html.escape(text, quote=True)``, character for character.

    Written out because ``import html`` also loads its table of 2,231 named entities, which
    every command that renders anything (JSON included) would pay for at start-up.
    """
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


HTML_STYLE = """
body{font-family:"Noto Sans JP","Noto Sans CJK JP","Hiragino Sans","Yu Gothic",system-ui,sans-serif;
margin:2rem;color:#111;line-height:1.5;max-width:72rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #777;padding:.25rem .5rem;vertical-align:top}
th{background:#eee}td.c{text-align:center}.focus{font-weight:bold}
blockquote{margin:.5rem 0 .5rem 1rem;padding-left:.75rem;border-left:3px solid #999;color:#333}
.meta{color:#555;font-size:.9rem}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}th{background:#eee!important;
-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def html_page(title: str, body: str, *, lang: str = "ja", css: str = "") -> str:
    """A self-contained HTML page: inline CSS (``css`` added to the shared style), no scripts, no network."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{HTML_STYLE}{css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


#: Characters a line should not start with (Japanese line-breaking rules, kinsoku): closing
#: brackets and punctuation, the long-vowel mark, small kana, iteration marks.
_NO_LINE_START = frozenset(
    "、。，．）」』】〕〉》〙〗・：；！？ー～ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶヽヾゝゞ々〻"
    ")]},.:;!?"
)
#: Characters a line should not end with: opening brackets (they go to the next line).
_NO_LINE_END = frozenset("（「『【〔〈《〘〖([{")


def _break_tokens(text: str) -> list[str]:
    """Break points: after spaces in Latin text, between characters in CJK text (but not between
    a number and the counter after it)."""
    out: list[str] = []
    buf = ""
    for ch in text:
        if width(ch) == 2:
            if buf and buf[-1].isdigit():
                out.append(buf + ch)  # a number keeps its counter: 「4件」, 「2022年」
            else:
                if buf:
                    out.append(buf)
                out.append(ch)
            buf = ""
        elif ch == " ":
            out.append(buf + ch)
            buf = ""
        else:
            buf += ch
    if buf:
        out.append(buf)
    return out


#: Terminal columns text output is wrapped to.
WRAP = 100


def paper_quote(text: str) -> str:
    """A passage of the paper (Japanese) in Japanese quotation marks, whatever the output's language."""
    return f"「{text}」"


def wrap_hanging(text: str, first: str, rest: str, columns: int = WRAP) -> list[str]:
    """Wrap ``text`` to ``columns`` terminal columns: the first line after ``first``, the others
    after ``rest``; CJK-aware, and never starting a line with closing punctuation."""
    lines: list[str] = []
    prefix = first
    current = ""
    for token in _break_tokens(text):
        avail = max(20, columns - width(prefix))
        if current and width(current + token) > avail and token[0] not in _NO_LINE_START:
            carried = ""
            while current and current[-1] in _NO_LINE_END and len(current) > 1:
                carried = current[-1] + carried  # an opening bracket goes down with what it opens
                current = current[:-1]
            lines.append((prefix + current).rstrip())
            prefix = rest
            current = carried + token.lstrip()
        else:
            current += token
    lines.append((prefix + current).rstrip())
    return lines


def wrap(text: str, indent: str, columns: int = WRAP) -> list[str]:
    """Wrap ``text`` to ``columns`` terminal columns, every line after ``indent``."""
    return wrap_hanging(text, indent, indent, columns)


def translation(text: str | None, lang: str) -> str:
    """The project's English rendering of a passage of the paper, marked as a translation (English
    output only: a Japanese reader reads the original)."""
    return t("briefing.translation", lang, text=text) if lang == "en" and text else ""
