"""Rendering a sweep's summary: firing rates and the dimensions that drive them, as one document
(text, Markdown, HTML, ...) or JSON. ``--report`` draws the charts
(:mod:`policyengine.render.charts.sweep`)."""

from __future__ import annotations

from policyengine.render.blocks import Block, Code, Document, Heading, Inline, Para, Table, Title
from policyengine.render.common import to_json
from policyengine.sweep.summary import SweepSummary
from policyengine.text import Labels

LABELS = Labels("sweep")


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _driver(s: SweepSummary, rid: str) -> str:
    rec = next(r for r in s.recommendations if r.id == rid)
    if not rec.drivers:
        return "-"
    top = rec.drivers[0]
    rates = ", ".join(f"{v} {_pct(x)}" for v, x in top.rates.items())
    more = f" +{len(rec.drivers) - 1}" if len(rec.drivers) > 1 else ""
    return f"{top.dimension} ({_pct(top.spread)}: {rates}){more}"


def _head(s: SweepSummary, lang: str) -> list[str]:
    """The title line, then what was evaluated (and whether it is a sample or was interrupted)."""
    L = LABELS[lang]
    lines = [
        L["title"].format(sweep=s.sweep_id, scenario=s.scenario_id),
        L["done"].format(done=s.done, selected=s.selected, space=s.space, invalid=s.invalid),
    ]
    if s.sample_seed is not None:
        lines.append(L["sample"].format(seed=s.sample_seed))
    if s.interrupted:
        lines.append(L["interrupted"].format(done=s.done, selected=s.selected))
    return lines


def document(s: SweepSummary, lang: str = "ja") -> Document:
    """The summary in ``lang``: how often each recommendation fires and what drives it, then for
    each dimension the rate of every recommendation that moves with it, value by value."""
    L = LABELS[lang]
    head = _head(s, lang)
    blocks: list[Block] = [Title(head[0], notes=head[1:]), Heading(2, L["recs"])]
    rows: list[list[Inline]] = [
        [Code(r.id), _pct(r.rate), str(r.count), _driver(s, r.id)] for r in s.recommendations
    ]
    blocks += [Table([L["rec"], L["rate"], L["count"], L["driver"]], rows), Heading(2, L["dims"])]
    for d in s.dimensions:
        target = f"{d['fact']}#{d['field']}" if d["field"] else d["fact"]
        blocks.append(Heading(3, [Code(d["id"]), f" ({target})"]))
        if not d["moves"]:
            blocks.append(Para(L["none"]))
            continue
        headers = [L["rec"], *(L["value_n"].format(value=v["value"], n=v["variants"]) for v in d["values"])]
        table: list[list[Inline]] = [
            [Code(m), *(_pct(v["rates"][m]) for v in d["values"])] for m in d["moves"]
        ]
        blocks.append(Table(headers, table))
    return Document(head[0], blocks, lang=lang, compact=True)


def render(s: SweepSummary, fmt: str, lang: str) -> str:
    """JSON (the data) or a document format (text, markdown, html, ...)."""
    if fmt == "json":
        return to_json(s.to_dict())
    from policyengine.render.backends import render as draw

    return draw(document(s, lang), fmt)
