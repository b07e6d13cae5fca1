"""Helpers shared by the renderers: stable JSON, width-aware text tables, HTML escaping."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any


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


def md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
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
body{font-family:"Noto Sans JP","Hiragino Sans","Yu Gothic",system-ui,sans-serif;margin:2rem;color:#111;
line-height:1.5;max-width:72rem}
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


#: Characters a line should not start with (Japanese line-breaking rules, kinsoku).
_NO_LINE_START = frozenset("、。，．）」』】〕〉》・：；！？)]},.:;!?")


def _break_tokens(text: str) -> list[str]:
    """Break points: after spaces in Latin text, between characters in CJK text."""
    out: list[str] = []
    buf = ""
    for ch in text:
        if width(ch) == 2:
            if buf:
                out.append(buf)
                buf = ""
            out.append(ch)
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
            lines.append((prefix + current).rstrip())
            prefix = rest
            current = token.lstrip()
        else:
            current += token
    lines.append((prefix + current).rstrip())
    return lines


def wrap(text: str, indent: str, columns: int = WRAP) -> list[str]:
    """Wrap ``text`` to ``columns`` terminal columns, every line after ``indent``."""
    return wrap_hanging(text, indent, indent, columns)
