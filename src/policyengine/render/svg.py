"""Hand-built SVG for the pictures (timeline, derivation graph, matrix heat map, sweep charts).

No plotting library: the pictures are small, and building the SVG text ourselves keeps the output
byte-identical from run to run (coordinates are rounded to one decimal and written the same way
every time) and ``policyengine --help`` fast. Every picture is inline SVG inside a self-contained
HTML page (:func:`page`): no script, no network, fonts from the system (the CJK family first).

Greyscale: a picture must read when printed without colour, so every distinction drawn in colour
is drawn a second way too (shape, pattern, line style or a printed symbol). :data:`PATTERNS` holds
the fills that survive greyscale.
"""

from __future__ import annotations

from collections.abc import Sequence

from policyengine.render.common import esc, html_page, width, wrap_hanging

#: Fonts for text in the pictures: the CJK family first, so that Japanese never falls back to a
#: font without kana and kanji (which would draw boxes).
FONT_FAMILY = "'Noto Sans CJK JP','Noto Sans JP','Hiragino Sans','Yu Gothic',sans-serif"

#: Width of one terminal column (half a CJK character) in em: a safe over-estimate for layout.
COLUMN_EM = 0.56

#: Colours with distinct lightness (they stay apart in greyscale), and ink for text.
INK = "#1a1a1a"
MUTED = "#595959"
GRID = "#c8c8c8"
BLUE = "#2f5f8f"
LIGHT_BLUE = "#c6dbef"
RED = "#a8322d"
LIGHT_RED = "#f4cccc"
GREEN = "#2e7d32"
AMBER = "#e6a23c"

#: Fill patterns (ids usable as ``url(#id)``), defined once per picture by :meth:`Svg.defs`.
PATTERNS = {
    "hatch": (
        '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4cccc"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#a8322d" stroke-width="2.4"/></pattern>'
    ),
    "dots": (
        '<pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        '<rect width="5" height="5" fill="#c6dbef"/>'
        '<circle cx="2.5" cy="2.5" r="1" fill="#2f5f8f"/></pattern>'
    ),
    "failhatch": (
        '<pattern id="failhatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(-45)"><rect width="8" height="8" fill="#fbe3e2"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#d9a3a0" stroke-width="3"/></pattern>'
    ),
}

CSS = """
figure{margin:1rem 0;overflow-x:auto}figure svg{display:block;max-width:none}
figcaption{color:#555;font-size:.9rem;margin:.25rem 0;white-space:pre-line}
ol.legend{font-size:.9rem;padding-left:2.2rem}ol.legend li{margin:.15rem 0}
.legend .q{color:#333}.legend li.fails{color:#a8322d;font-weight:bold}.legend code,.key code{font-size:.85rem}
.key{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.9rem}
.key span{white-space:nowrap;display:inline-flex;align-items:center;gap:.4rem}
body{font-family:'Noto Sans CJK JP','Noto Sans JP','Hiragino Sans','Yu Gothic',system-ui,sans-serif;
max-width:none}
@media print{figure{overflow:visible;break-inside:avoid}figure svg{max-width:100%;height:auto}}
"""


def num(x: float) -> str:
    """A coordinate as SVG text: one decimal at most, never ``-0``, always the same for one value."""
    text = f"{round(x, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def text_width(text: str, size: float) -> float:
    """The width ``text`` is given in the layout, at font size ``size`` (an over-estimate)."""
    return width(text) * COLUMN_EM * size


def wrap_lines(text: str, columns: int) -> list[str]:
    """``text`` broken into lines of at most ``columns`` terminal columns (CJK-aware)."""
    return wrap_hanging(text, "", "", columns) if text else [""]


def ellipsize(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` terminal columns, with an ellipsis when cut."""
    if width(text) <= columns:
        return text
    out = ""
    for ch in text:
        if width(out + ch) > columns - 1:
            break
        out += ch
    return out + "…"


class Svg:
    """An SVG document built element by element; ``str()`` gives the markup."""

    def __init__(self, w: float, h: float, *, label: str, patterns: Sequence[str] = ()) -> None:
        self.w, self.h = w, h
        self.label = label
        self.patterns = patterns
        self.parts: list[str] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: str = "none",
        stroke: str = "none",
        sw: float = 1,
        rx: float = 0,
        dash: str = "",
        cls: str = "",
        title: str = "",
    ) -> None:
        attrs = f'x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" fill="{fill}"'
        if stroke != "none":
            attrs += f' stroke="{stroke}" stroke-width="{num(sw)}"'
        if rx:
            attrs += f' rx="{num(rx)}"'
        if dash:
            attrs += f' stroke-dasharray="{dash}"'
        if cls:
            attrs += f' class="{cls}"'
        self.add(_titled("rect", attrs, title))

    def line(
        self, x1: float, y1: float, x2: float, y2: float, *, stroke: str = GRID, sw: float = 1, dash: str = ""
    ) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(
            f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
            f'stroke="{stroke}" stroke-width="{num(sw)}"{extra}/>'
        )

    def path(
        self,
        d: str,
        *,
        fill: str = "none",
        stroke: str = INK,
        sw: float = 1,
        dash: str = "",
        title: str = "",
        cls: str = "",
    ) -> None:
        attrs = f'd="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{num(sw)}"'
        if dash:
            attrs += f' stroke-dasharray="{dash}"'
        if cls:
            attrs += f' class="{cls}"'
        self.add(_titled("path", attrs, title))

    def polygon(
        self,
        points: Sequence[tuple[float, float]],
        *,
        fill: str = "none",
        stroke: str = INK,
        sw: float = 1,
        title: str = "",
        cls: str = "",
    ) -> None:
        """A closed shape through ``points`` (markers: triangles, diamonds, arrow heads)."""
        d = "M" + "L".join(f"{num(x)} {num(y)}" for x, y in points) + "Z"
        self.path(d, fill=fill, stroke=stroke, sw=sw, title=title, cls=cls)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 12,
        fill: str = INK,
        anchor: str = "start",
        weight: str = "",
        rotate: float = 0,
        title: str = "",
        halo: bool = False,
    ) -> None:
        """Text at (x, y); ``halo`` draws a white outline under it, to stay readable across lines."""
        attrs = f'x="{num(x)}" y="{num(y)}" font-size="{num(size)}"'
        if fill != INK:
            attrs += f' fill="{fill}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if weight:
            attrs += f' font-weight="{weight}"'
        if rotate:
            attrs += f' transform="rotate({num(rotate)} {num(x)} {num(y)})"'
        if halo:
            attrs += ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'
        body = esc(text)
        if title:
            body = f"<title>{esc(title)}</title>{body}"
        self.add(f"<text {attrs}>{body}</text>")

    def lines(
        self, x: float, y: float, lines: Sequence[str], *, size: float = 12, leading: float = 1.3, **kw: str
    ) -> None:
        """Several lines of text, the first baseline at ``y``."""
        for i, line in enumerate(lines):
            self.text(x, y + i * size * leading, line, size=size, **kw)  # type: ignore[arg-type]

    def group(self, title: str = "", cls: str = "") -> None:
        """Open a group (closed by :meth:`end`); its ``title`` is the hover text of everything in it."""
        attr = f' class="{cls}"' if cls else ""
        self.add(f"<g{attr}>" + (f"<title>{esc(title)}</title>" if title else ""))

    def end(self) -> None:
        self.add("</g>")

    def __str__(self) -> str:
        defs = "".join(PATTERNS[p] for p in self.patterns)
        head = (
            f'<svg width="{num(self.w)}" height="{num(self.h)}" '
            f'viewBox="0 0 {num(self.w)} {num(self.h)}" role="img" aria-label="{esc(self.label)}" '
            f'font-family="{FONT_FAMILY}" fill="{INK}">'
        )
        return head + (f"<defs>{defs}</defs>" if defs else "") + "\n" + "\n".join(self.parts) + "\n</svg>"


def _titled(tag: str, attrs: str, title: str) -> str:
    return f"<{tag} {attrs}><title>{esc(title)}</title></{tag}>" if title else f"<{tag} {attrs}/>"


def key_paragraph(
    items: Sequence[tuple[str, str]], *, width: int, pattern: str, font_family: str | None = None
) -> str:
    """A picture's key: each (SVG shape, words) as a small drawing and its words. The pattern
    ``pattern`` (of PATTERNS) is defined, as ``PATTERN-key``, in the drawings that use it."""
    key_id = f"{pattern}-key"
    fill = PATTERNS[pattern].replace(f'id="{pattern}"', f'id="{key_id}"')
    font = f'font-family="{font_family}" ' if font_family else ""
    out = ['<p class="key">']
    for shape, text in items:
        defs = f"<defs>{fill}</defs>" if f"url(#{key_id})" in shape else ""
        out.append(
            f'<span><svg width="{width}" height="18" viewBox="0 0 {width} 18" '
            f'{font}aria-hidden="true">{defs}{shape}</svg>{esc(text)}</span>'
        )
    out.append("</p>")
    return "\n".join(out)


def figure(svg: Svg, caption: str = "", anchor: str = "") -> str:
    """The picture as an HTML ``<figure>``, with its caption."""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f"<figure{ident}>\n{svg}\n{cap}</figure>\n"


def page(title: str, body: str, *, lang: str) -> str:
    """A self-contained HTML page holding pictures (the shared style and the pictures' style)."""
    return html_page(title, body, lang=lang, css=CSS)
