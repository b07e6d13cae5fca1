"""A sweep's summary as charts: how often each recommendation fires, and what drives it.

The first chart ranks the recommendations by firing rate (a bar per recommendation, its rate and
count printed at the end of the bar). Then, for each recommendation that some dimension drives,
one chart: per driving dimension (strongest first), a bar per value with the firing rate among
the variants that take that value; a dashed line marks the recommendation's overall rate, so a
bar that ends left of it is a value that holds the recommendation back. Everything comes from
the summary the sweep computes (:class:`~policyengine.sweep.summary.SweepSummary`).
"""

from __future__ import annotations

from policyengine.render.common import esc
from policyengine.render.svg import (
    BLUE,
    GRID,
    INK,
    LIGHT_BLUE,
    MUTED,
    Svg,
    ellipsize,
    figure,
    page,
    text_width,
)
from policyengine.render.sweep import LABELS as SWEEP_LABELS
from policyengine.render.sweep import _head, _pct
from policyengine.sweep.summary import RecommendationSummary, SweepSummary
from policyengine.text import Labels

LABELS = Labels("chart_sweep")

_FONT = 12
_BAR = 16
_ROW = 24
_PLOT = 360  # width of 100 %
_LABEL_MAX = 48


def _axis(svg: Svg, left: float, top: float, bottom: float) -> None:
    """Grid lines and labels at 0, 25, 50, 75 and 100 %."""
    for i in range(5):
        x = left + _PLOT * i / 4
        svg.line(x, top, x, bottom, stroke=GRID, dash="" if i in (0, 4) else "2 3")
        svg.text(x, top - 6, f"{25 * i}%", size=10, anchor="middle", fill=MUTED)


def rates_svg(s: SweepSummary, lang: str) -> Svg:
    """One bar per recommendation, by firing rate."""
    labels = [ellipsize(r.id, _LABEL_MAX) for r in s.recommendations]
    left = 16 + max([text_width(x, _FONT) for x in labels] + [120.0]) + 10
    top = 28
    height = top + len(labels) * _ROW + 12
    svg = Svg(left + _PLOT + 130, height, label=LABELS[lang]["rates"])
    _axis(svg, left, top, height - 8)
    for i, (r, label) in enumerate(zip(s.recommendations, labels, strict=True)):
        y = top + i * _ROW + (_ROW - _BAR) / 2
        svg.text(left - 8, y + _BAR - 4, label, size=_FONT, anchor="end", title=r.id)
        svg.rect(left, y, _PLOT * r.rate, _BAR, fill=BLUE, title=f"{r.id}: {_pct(r.rate)} ({r.count})")
        svg.text(left + _PLOT * r.rate + 6, y + _BAR - 4, f"{_pct(r.rate)} ({r.count})", size=11)
    return svg


def drivers_svg(s: SweepSummary, r: RecommendationSummary, lang: str) -> Svg:
    """For one recommendation: each driving dimension, a bar per value; the overall rate dashed."""
    L = LABELS[lang]
    variants = {(d["id"], str(v["value"])): v["variants"] for d in s.dimensions for v in d["values"]}
    varied = {d["id"]: f"{d['fact']}#{d['field']}" if d["field"] else d["fact"] for d in s.dimensions}
    rows: list[tuple[str, str, float | None, str]] = []  # kind, label, rate, hover
    for drv in r.drivers:
        spread = L["spread"].format(spread=_pct(drv.spread))
        what = varied.get(drv.dimension, "")
        rows.append(("dim", f"{drv.dimension} ({what}) — {spread}", None, what))
        for value, share in drv.rates.items():
            n = variants.get((drv.dimension, value), 0)
            label = L["value_n"].format(value=value, n=n)
            rows.append(("value", label, share, f"{drv.dimension} = {value}: {_pct(share)} ({n})"))
    left = 16 + max([text_width(lb, _FONT) for k, lb, _, _ in rows if k == "value"] + [120.0]) + 10
    top = 28
    height = top + len(rows) * _ROW + 12
    heads = [text_width(lb, _FONT) for k, lb, _, _ in rows if k == "dim"]
    svg = Svg(max([left + _PLOT + 80] + [32 + w for w in heads]), height, label=f"{r.id}: {L['drivers']}")
    _axis(svg, left, top, height - 8)
    overall = left + _PLOT * r.rate  # the overall rate, under the bars' labels
    svg.line(overall, top, overall, height - 8, stroke=INK, sw=1.5, dash="6 3")
    for i, (kind, label, rate, hover) in enumerate(rows):
        y = top + i * _ROW + (_ROW - _BAR) / 2
        if kind == "dim":
            svg.text(16, y + _BAR - 3, label, size=_FONT, weight="bold")
            continue
        assert rate is not None
        svg.text(left - 8, y + _BAR - 4, label, size=_FONT, anchor="end")
        svg.rect(left, y, _PLOT * rate, _BAR, fill=LIGHT_BLUE, stroke=BLUE, title=hover)
        svg.text(left + _PLOT * rate + 6, y + _BAR - 4, _pct(rate), size=11, halo=True)
    return svg


def render_html(s: SweepSummary, lang: str = "ja") -> str:
    """The sweep's report: its header, the firing rates, and per recommendation what drives it."""
    L, S = LABELS[lang], SWEEP_LABELS[lang]
    head = _head(s, lang)
    body = [f"<h1>{esc(head[0])}</h1>", *[f'<p class="meta">{esc(x)}</p>' for x in head[1:]]]
    body.append(f'<h2 id="rates">{esc(L["rates"])}</h2>')
    if not s.recommendations:
        body.append(f"<p>{esc(L['none'])}</p>")
    else:
        body.append(figure(rates_svg(s, lang), L["rates_caption"]).rstrip("\n"))
    driven = [r for r in s.recommendations if r.drivers]
    if driven:
        body.append(f'<h2 id="drivers">{esc(L["drivers"])}</h2>')
    for r in driven:
        body.append(f"<h3><code>{esc(r.id)}</code> — {esc(S['rate'])} {esc(_pct(r.rate))} ({r.count})</h3>")
        caption = L["drivers_caption"].format(rate=_pct(r.rate))
        body.append(figure(drivers_svg(s, r, lang), caption).rstrip("\n"))
    still = [r.id for r in s.recommendations if not r.drivers]
    if still:
        from policyengine.sweep.summary import MIN_SPREAD

        ids = ", ".join(still)
        body.append(f'<p class="meta">{esc(L["no_drivers"].format(spread=_pct(MIN_SPREAD), ids=ids))}</p>')
    if s.risks:
        body.append(f'<h2 id="risks">{esc(L["risks"])}</h2>')
        items = "".join(f"<li><code>{esc(k)}</code>: {n}</li>" for k, n in s.risks.items())
        body.append(f"<ul>{items}</ul>")
    return page(head[0], "\n".join(body) + "\n", lang=lang)
