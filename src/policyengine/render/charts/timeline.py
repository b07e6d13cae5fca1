"""The timeline as a picture: recommendations and risks as lanes over time, grouped by action.

One column per date (the world before the first dated fact, then every date a fact carries), so
that dates decades apart and dates a day apart are both readable; a gap of more than a year is
marked on the axis (≈). A bar is an outcome in force; △ marks where it was switched on, ▼ where
it was switched off, ◇ where it changed. Each column carries a numbered event marker; the legend
under the picture lists, per number, the dated facts with where they are written and their
source, and what they changed with its causes. Hovering over a marker shows the same (SVG
``<title>``). With ``changes_only``, dates and lanes where nothing changes are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from policyengine.diff import OutcomeChange
from policyengine.render.blocks import inline_text
from policyengine.render.common import esc, paper_quote
from policyengine.render.diff import MARK, cause_words
from policyengine.render.svg import (
    BLUE,
    FONT_FAMILY,
    GRID,
    INK,
    MUTED,
    RED,
    Svg,
    ellipsize,
    figure,
    key_paragraph,
    num,
    page,
    text_width,
)
from policyengine.render.timeline import dated_text
from policyengine.text import Labels
from policyengine.timeline import Timeline, TimelineStep

if TYPE_CHECKING:
    from policyengine.validation.scenario import LoadedScenario

LABELS = Labels("chart_timeline")

_CHANGE_KEY = {"added": "on", "removed": "off", "changed": "changed"}

# Layout (pixels).
_COL = 30  # one date column (narrower for long histories, see _column_width)
_GAP = 16  # extra space where more than a year passes between two columns
_LANE = 20
_GROUP = 24
_LABEL_MAX = 52  # lane label, terminal columns
_TOP = 118  # date labels and event markers
_FONT = 12


def _column_width(columns: int) -> float:
    """Width of a date column: narrower as the history grows, so that a world-sized timeline
    (a hundred dates and more) still fits a wide screen; never narrower than a rotated date label."""
    if columns <= 40:
        return _COL
    return 22 if columns <= 90 else 17


def fact_citations(loaded: LoadedScenario, lang: str) -> dict[str, str]:
    """Fact id -> where it is written and the passage it cites (for the legend and hover text)."""
    L = LABELS[lang]
    out: dict[str, str] = {}
    for section, fact in loaded.facts():
        fid = section.fact_id(fact)
        origin = loaded.origin(fid)
        parts = [f"{L['at']}{origin.location.describe()}"] if origin is not None else []
        source = getattr(fact, "source", None)
        if source is not None:
            where = " ".join(x for x in (source.document, source.locator or "") if x)
            parts.append(f"{L['source']}{where}" + (f" {paper_quote(source.quote)}" if source.quote else ""))
        out[fid] = L["sep"].join(parts)
    return out


@dataclass
class _Lane:
    id: str
    kind: str  # recommendation | risk
    group: str
    group_title: str
    label: str
    spans: list[tuple[int, int | None]] = field(default_factory=list)  # columns, None: to the end
    marks: list[tuple[int, OutcomeChange, int]] = field(default_factory=list)  # column, change, event no.


def _group_of(kind: str, oid: str) -> str:
    head = oid.split("/", 1)[0]
    return f"{'0' if kind == 'recommendation' else '1'}:{head}"


def _lanes(t: Timeline, columns: list[int | None], lang: str) -> dict[str, _Lane]:
    """Lanes by outcome id; ``columns[i]`` is the column of step i (None when hidden)."""
    L = LABELS[lang]
    lanes: dict[str, _Lane] = {}
    active: dict[str, int] = {}

    def lane(kind: str, item: object, oid: str) -> _Lane:
        if oid not in lanes:
            title = getattr(item, "title", {}).get(lang, "")
            target = getattr(item, "target", "")
            name = getattr(item, "target_name", {}).get(lang, "")
            group_title = title if kind == "recommendation" else L["risks"].format(kind=title)
            label = f"{target} — {name}" if name and name != target else target
            lanes[oid] = _Lane(oid, kind, _group_of(kind, oid), group_title, label)
        return lanes[oid]

    for r in t.initial.recommendations:
        lane("recommendation", r, r.id)
        active[r.id] = 0
    for k in t.initial.risks:
        lane("risk", k, k.id)
        active[k.id] = 0
    for i, step in enumerate(t.steps):
        col = columns[i]
        for o in (*step.diff.recommendations, *step.diff.risks):
            assert col is not None  # a step with outcome changes is never hidden
            ln = lane(o.kind, o.current, o.id)
            ln.marks.append((col, o, col))
            if o.change == "added":
                active[o.id] = col
            elif o.change == "removed" and o.id in active:
                ln.spans.append((active.pop(o.id), col))
    for oid, start in active.items():
        lanes[oid].spans.append((start, None))
    return lanes


def _hover(t: Timeline, step: TimelineStep, o: OutcomeChange, number: int, lang: str) -> str:
    L = LABELS[lang]
    lines = [
        f"[{number}] {step.date.isoformat()} {MARK[o.change]} {o.id} — {L[_CHANGE_KEY[o.change]]}",
        o.current.title[lang],
    ]
    causes = [inline_text(cause_words(step.diff, c, lang)) for c in o.causes] or [L["none"]]
    lines += [f"{L['caused']}: {c}" for c in causes]
    return "\n".join(lines)


def render_svg(
    t: Timeline, lang: str, *, changes_only: bool = False, citations: Mapping[str, str] | None = None
) -> tuple[Svg, list[tuple[int, TimelineStep]], int, int]:
    """The picture, the numbered steps it shows, and how many dates and lanes it leaves out."""
    L = LABELS[lang]
    shown: list[tuple[int, TimelineStep]] = []
    columns: list[int | None] = []
    for step in t.steps:
        if changes_only and not step.changed:
            columns.append(None)
            continue
        shown.append((len(shown) + 1, step))
        columns.append(len(shown))
    lanes = _lanes(t, columns, lang)
    every = sorted(lanes.values(), key=lambda ln: (ln.group, ln.id))
    visible = [ln for ln in every if ln.marks] if changes_only else every
    hidden_lanes = len(every) - len(visible)

    # x of every column: the start state, then the dates shown; wider where a year or more passes
    dates = [t.start] + [s.date for _, s in shown]
    label_w = max([text_width(ln.label, _FONT) for ln in visible] + [160.0])
    label_w = min(label_w, text_width("x" * _LABEL_MAX, _FONT))
    left = 16 + label_w + 20
    xs: list[float] = []
    gaps: list[float] = []
    col_w = _column_width(len(dates))
    x = left + col_w / 2
    for i, d in enumerate(dates):
        if i and (d - dates[i - 1]).days > 366:
            gaps.append(x - col_w / 2 + _GAP / 2)
            x += _GAP
        xs.append(x)
        x += col_w
    right = x - col_w / 2 + 60  # room for the arrows of outcomes still in force

    # rows: a heading per group, then its lanes
    rows: list[tuple[str, _Lane | str]] = []
    group = None
    for ln in visible:
        if ln.group != group:
            rows.append(("group", ln.group_title))
            group = ln.group
        rows.append(("lane", ln))
    height = _TOP + sum(_GROUP if kind == "group" else _LANE for kind, _ in rows) + 24
    svg = Svg(
        right, height, label=L["title"].format(id=t.scenario_id, title=t.title[lang]), patterns=("hatch",)
    )

    # the axis: a date per column (rotated), an event number per column, a guide line down
    axis_y = _TOP - 6
    svg.line(left, axis_y, right - 40, axis_y, stroke=MUTED)
    for col, (d, cx) in enumerate(zip(dates, xs, strict=True)):
        text = L["start"] if col == 0 else d.isoformat()
        svg.text(cx + 4, _TOP - 34, text, size=11, rotate=-60, fill=MUTED if col == 0 else INK)
        svg.line(cx, _TOP - 4, cx, height - 20, stroke=GRID, dash="2 3")
        if col:
            step = shown[col - 1][1]
            hover = [f"[{col}] {d.isoformat()}"]
            for dated in step.dated:
                hover.append(dated_text(dated, lang))
                if citations and citations.get(dated.fact_id):
                    hover.append("  " + citations[dated.fact_id])
            if not step.changed:
                hover.append(L["no_change"])
            svg.group(title="\n".join(hover))
            svg.add(
                f'<circle cx="{num(cx)}" cy="{num(_TOP - 21)}" r="{num(min(9.0, col_w / 2 - 1))}" '
                f'fill="#fff" stroke="{INK}" '
                f'stroke-width="{num(1.2 if step.changed else 0.8)}"/>'
            )
            svg.text(
                cx,
                _TOP - 17,
                str(col),
                size=10 if col < 100 and col_w >= 22 else 7.5,
                anchor="middle",
                weight="bold" if step.changed else "",
            )
            svg.end()
        else:
            svg.group(title=L["before"].format(day=t.start.isoformat()))
            svg.rect(cx - 6, _TOP - 27, 12, 12, fill="#fff", stroke=MUTED)
            svg.end()
    for gx in gaps:
        svg.text(gx, axis_y + 4, "≈", size=14, anchor="middle", fill=MUTED, title=L["gap"])

    y = float(_TOP)
    for _kind, item in rows:
        if isinstance(item, str):
            svg.rect(8, y + 3, right - 16, _GROUP - 4, fill="#f0f0f0")
            svg.text(
                14,
                y + _GROUP - 8,
                ellipsize(item, int((right - 40) / (_FONT * 0.56))),
                size=_FONT,
                weight="bold",
                title=item,
            )
            y += _GROUP
            continue
        _draw_lane(svg, item, y, xs, right, t, shown, lang)
        y += _LANE
    return svg, shown, len(t.steps) - len(shown), hidden_lanes


def _draw_lane(
    svg: Svg,
    ln: _Lane,
    y: float,
    xs: list[float],
    right: float,
    t: Timeline,
    shown: list[tuple[int, TimelineStep]],
    lang: str,
) -> None:
    mid = y + _LANE / 2
    svg.text(20, mid + 4, ellipsize(ln.label, _LABEL_MAX), size=_FONT, title=f"{ln.id}\n{ln.label}")
    fill = BLUE if ln.kind == "recommendation" else "url(#hatch)"
    stroke = BLUE if ln.kind == "recommendation" else RED
    for start, end in ln.spans:
        x1 = xs[start]
        x2 = xs[end] if end is not None else right - 44
        svg.rect(x1, mid - 5, x2 - x1, 10, fill=fill, stroke=stroke, title=ln.id, cls=f"span {ln.kind}")
        if end is None:  # still in force at the end: an arrow head
            svg.path(
                f"M{num(x2)} {num(mid - 7)}L{num(x2 + 9)} {num(mid)}L{num(x2)} {num(mid + 7)}Z",
                fill=stroke,
                stroke=stroke,
            )
    for col, o, number in ln.marks:
        step = shown[number - 1][1]
        cx = xs[col]
        title = _hover(t, step, o, number, lang)
        if o.change == "added":  # a white triangle pointing up
            svg.polygon(
                [(cx, mid - 8), (cx + 7, mid + 6), (cx - 7, mid + 6)],
                fill="#fff",
                sw=1.6,
                title=title,
                cls="on",
            )
        elif o.change == "removed":  # a black triangle pointing down
            svg.polygon(
                [(cx - 7, mid - 6), (cx + 7, mid - 6), (cx, mid + 8)],
                fill=INK,
                sw=1.2,
                title=title,
                cls="off",
            )
        else:  # a white diamond
            points = [(cx, mid - 7), (cx + 7, mid), (cx, mid + 7), (cx - 7, mid)]
            svg.polygon(points, fill="#fff", sw=1.6, title=title, cls="changed")


def _key(lang: str) -> str:
    """The symbols of the picture, each drawn as in the picture."""
    L = LABELS[lang]
    items = [
        (f'<rect x="1" y="4" width="26" height="10" fill="{BLUE}"/>', L["key_bar"]),
        (f'<rect x="1" y="4" width="26" height="10" fill="url(#hatch-key)" stroke="{RED}"/>', L["key_risk"]),
        (f'<path d="M14 2L21 16L7 16Z" fill="#fff" stroke="{INK}" stroke-width="1.6"/>', L["key_on"]),
        (f'<path d="M7 3L21 3L14 17Z" fill="{INK}"/>', L["key_off"]),
        (
            f'<path d="M14 2L21 9L14 16L7 9Z" fill="#fff" stroke="{INK}" stroke-width="1.6"/>',
            L["key_changed"],
        ),
        (
            f'<circle cx="14" cy="9" r="8" fill="#fff" stroke="{INK}"/>'
            '<text x="14" y="13" font-size="10" text-anchor="middle" font-weight="bold">1</text>',
            L["key_event"],
        ),
    ]
    return key_paragraph(items, width=28, pattern="hatch", font_family=FONT_FAMILY) + "\n"


def _legend(t: Timeline, shown: list[tuple[int, TimelineStep]], lang: str, cites: Mapping[str, str]) -> str:
    L = LABELS[lang]
    out = [f"<h2>{esc(L['legend'])}</h2>", '<ol class="legend">']
    for number, step in shown:
        items = []
        for d in step.dated:
            cite = cites.get(d.fact_id, "")
            items.append(
                f"<li>{esc(dated_text(d, lang))}"
                + (f'<br><span class="q">{esc(cite)}</span>' if cite else "")
                + "</li>"
            )
        changes = []
        for o in (*step.diff.recommendations, *step.diff.risks):
            causes = "; ".join(inline_text(cause_words(step.diff, c, lang)) for c in o.causes) or L["none"]
            changes.append(
                f"<li>{esc(MARK[o.change])} <code>{esc(o.id)}</code> — {esc(o.current.title[lang])} "
                f'<span class="q">({esc(L["caused"])}: {esc(causes)})</span></li>'
            )
        if not changes:
            changes.append(f"<li>{esc(L['no_change'])}</li>")
        out.append(
            f'<li value="{number}"><strong>{step.date.isoformat()}</strong><ul>{"".join(items)}</ul>'
            f"<ul>{''.join(changes)}</ul></li>"
        )
    out.append("</ol>")
    return "\n".join(out) + "\n"


def render_html(
    t: Timeline, lang: str = "ja", *, changes_only: bool = False, loaded: LoadedScenario | None = None
) -> str:
    """The timeline page: the picture, its key, and the numbered legend of dates and facts."""
    L = LABELS[lang]
    cites = fact_citations(loaded, lang) if loaded is not None else {}
    svg, shown, hidden_dates, hidden_lanes = render_svg(t, lang, changes_only=changes_only, citations=cites)
    title = L["title"].format(id=t.scenario_id, title=t.title[lang])
    body = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{esc(" ← ".join(t.files))} · {esc(t.pack_id)}</p>',
    ]
    if not (t.initial.recommendations or t.initial.risks or any(s.changed for s in t.steps)):
        body.append(f"<p>{esc(L['empty'])}</p>")
    body.append(_key(lang).rstrip("\n"))
    body.append(figure(svg, L["caption"], anchor="timeline").rstrip("\n"))
    if changes_only and (hidden_dates or hidden_lanes):
        body.append(f'<p class="meta">{esc(L["hidden"].format(n=hidden_dates, m=hidden_lanes))}</p>')
    body.append(_legend(t, shown, lang, cites).rstrip("\n"))
    return page(title, "\n".join(body) + "\n", lang=lang)
