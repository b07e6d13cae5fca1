"""The paper's table (frameworks x cooperation areas) as a heat map, and what changed in it.

◎ (a recent focus) is a dark cell with a white ◎, 〇 (mentioned) a light dotted cell with a dark
〇, no coverage a white cell with a dash: lightness, pattern and symbol each tell the levels
apart, so the picture reads in greyscale too. Given the table of another world (``against``),
every cell whose level differs gets a thick dashed frame and a black corner, and names the
level it had before; the changes are listed under the picture as well.
"""

from __future__ import annotations

from policyengine.matrix import Matrix
from policyengine.models.vocabulary import LEVEL_SYMBOLS
from policyengine.render.common import esc
from policyengine.render.matrix import TITLE, TITLE_ALL_KINDS, _level_name, _subtitle
from policyengine.render.svg import BLUE, GRID, INK, MUTED, Svg, figure, page, text_width
from policyengine.text import Labels

LABELS = Labels("chart_matrix")

_CELL_W = 74
_CELL_H = 36
_FONT = 12


def _style(level: str | None) -> tuple[str, str, str]:
    """Fill, symbol colour and weight of a cell at ``level``."""
    if level == "focus":
        return BLUE, "#ffffff", "bold"
    if level == "mentioned":
        return "url(#dots)", INK, ""
    return "#ffffff", MUTED, ""


def _scenario_id(m: Matrix) -> str:
    return m.header.id if m.header is not None else "-"


def changed_cells(old: Matrix, new: Matrix) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """(framework, area) -> (old level, new level), for every cell whose level differs."""
    frameworks = sorted({f.id for f in old.frameworks} | {f.id for f in new.frameworks})
    areas = sorted(set(old.areas) | set(new.areas))
    out: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for f in frameworks:
        for a in areas:
            was, now = old.level(f, a), new.level(f, a)
            if was != now:
                out[(f, a)] = (was, now)
    return out


def render_svg(m: Matrix, lang: str, against: Matrix | None = None) -> Svg:
    """The heat map of ``m``; with ``against`` (the table before), changed cells marked."""
    li = 0 if lang == "ja" else 1
    changes = changed_cells(against, m) if against is not None else {}
    frameworks = list(m.frameworks)
    if against is not None:  # frameworks that are gone still show where their cells were
        known = {f.id for f in frameworks}
        frameworks += [f for f in against.frameworks if f.id not in known]
    areas = list(m.areas) + ([a for a in against.areas if a not in m.areas] if against is not None else [])
    names = {**(against.area_names if against is not None else {}), **m.area_names}
    area_labels = [names.get(a, (a, a))[li] for a in areas]
    left = 16 + max([text_width(x, _FONT) for x in area_labels] + [80.0]) + 12
    heads = [f.name.get(lang) for f in frameworks]
    longest = max([text_width(h, _FONT) for h in heads] + [40.0])
    top = 16 + longest * 0.65 + 10  # headers are turned 40 degrees
    width = left + len(frameworks) * _CELL_W + max(96.0, longest * 0.77 - _CELL_W / 2 + 16)
    height = top + len(areas) * _CELL_H + 16
    title = TITLE[lang] if tuple(m.kinds) == ("minilateral",) else TITLE_ALL_KINDS[lang]
    svg = Svg(width, height, label=title, patterns=("dots",))
    for i, (f, head) in enumerate(zip(frameworks, heads, strict=True)):
        cx = left + i * _CELL_W + _CELL_W / 2
        svg.text(cx - 4, top - 8, head, size=_FONT, weight="bold", rotate=-40, title=f"{f.id}: {head}")
    for r, (a, label) in enumerate(zip(areas, area_labels, strict=True)):
        y = top + r * _CELL_H
        svg.text(left - 10, y + _CELL_H / 2 + 4, label, size=_FONT, anchor="end", title=a)
        focus = mentioned = 0
        for c, f in enumerate(frameworks):
            x = left + c * _CELL_W
            level = m.level(f.id, a)
            focus += level == "focus"
            mentioned += level == "mentioned"
            fill, colour, weight = _style(level)
            hover = f"{f.name.get(lang)} × {label}: {LEVEL_SYMBOLS[level]} {_level_name(level, lang)}"
            change = changes.get((f.id, a))
            if change is not None:
                L = LABELS[lang]
                hover += f"\n{L['was']}: {LEVEL_SYMBOLS[change[0]]} {_level_name(change[0], lang)}"
            svg.group(title=hover, cls="cell changed" if change else "cell")
            svg.rect(x, y, _CELL_W, _CELL_H, fill=fill, stroke=GRID)
            svg.text(
                x + _CELL_W / 2,
                y + _CELL_H / 2 + 7,
                LEVEL_SYMBOLS[level],
                size=20,
                fill=colour,
                anchor="middle",
                weight=weight,
            )
            if change is not None:
                svg.rect(
                    x + 2.5, y + 2.5, _CELL_W - 5, _CELL_H - 5, stroke=INK, sw=3, dash="6 3", fill="none"
                )
                right = x + _CELL_W - 1
                svg.polygon([(right - 13, y + 1), (right, y + 1), (right, y + 14)], fill=INK)
                svg.rect(x + 5, y + 5, 16, 14, fill="#ffffff", stroke=INK, sw=0.6)
                svg.text(x + 13, y + 16, LEVEL_SYMBOLS[change[0]], size=10, anchor="middle")
            svg.end()
        svg.text(
            left + len(frameworks) * _CELL_W + 10,
            y + _CELL_H / 2 + 4,
            LABELS[lang]["count"].format(f=focus, m=mentioned),
            size=11,
            fill=MUTED,
        )
    return svg


def render_html(m: Matrix, lang: str = "ja", *, against: Matrix | None = None) -> str:
    """The heat map page. ``against`` is the table of the world before (``matrix OLD --against NEW``
    draws NEW's table with the cells that differ from OLD's marked)."""
    L = LABELS[lang]
    title = TITLE[lang] if tuple(m.kinds) == ("minilateral",) else TITLE_ALL_KINDS[lang]
    sub = _subtitle(m, lang)
    body = [f"<h1>{esc(title)}</h1>"]
    if sub:
        body.append(f'<p class="meta">{esc(sub)}</p>')
    caption = L["caption"]
    if against is not None:
        caption += "\n" + L["changed_caption"].format(old=_scenario_id(against))
    body.append(figure(render_svg(m, lang, against), caption, anchor="matrix").rstrip("\n"))
    if against is not None:
        changes = changed_cells(against, m)
        names = {f.id: f.name.get(lang) for f in (*against.frameworks, *m.frameworks)}
        area_names = {**against.area_names, **m.area_names}
        li = 0 if lang == "ja" else 1
        old_id, new_id = _scenario_id(against), _scenario_id(m)
        if not changes:
            body.append(f"<p>{esc(L['no_changes'].format(old=old_id, new=new_id))}</p>")
        else:
            body.append(f'<h2 id="changes">{esc(L["changes"].format(old=old_id, new=new_id))}</h2>')
            items = []
            for (f, a), (was, now) in sorted(changes.items()):
                items.append(
                    f"<li>{esc(names.get(f, f))} × {esc(area_names.get(a, (a, a))[li])}: "
                    f"{esc(LEVEL_SYMBOLS[was])} {esc(_level_name(was, lang))} → "
                    f"<strong>{esc(LEVEL_SYMBOLS[now])} {esc(_level_name(now, lang))}</strong></li>"
                )
            body.append("<ul>" + "".join(items) + "</ul>")
    return page(title, "\n".join(body) + "\n", lang=lang)
