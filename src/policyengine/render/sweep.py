"""Rendering a sweep's summary: firing rates and the dimensions that drive them."""

from __future__ import annotations

from policyengine.render.common import markdown_table, md_code, md_escape, text_table, to_json
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


def render_text(s: SweepSummary, lang: str = "ja") -> str:
    L = LABELS[lang]
    out = [*_head(s, lang), "", L["recs"], ""]
    rows = [[r.id, _pct(r.rate), str(r.count), _driver(s, r.id)] for r in s.recommendations]
    out.append(text_table([L["rec"], L["rate"], L["count"], L["driver"]], rows).rstrip())
    out += ["", L["dims"], ""]
    for d in s.dimensions:
        target = f"{d['fact']}#{d['field']}" if d["field"] else d["fact"]
        out.append(f"  {d['id']} ({target})")
        if not d["moves"]:
            out.append(f"    {L['none']}")
            continue
        for v in d["values"]:
            rates = ", ".join(f"{rid} {_pct(x)}" for rid, x in v["rates"].items())
            out.append(f"    {v['value']} [{v['variants']}]: {rates}")
    return "\n".join(out) + "\n"


def render_markdown(s: SweepSummary, lang: str = "ja") -> str:
    L = LABELS[lang]
    head = _head(s, lang)
    out = [f"# {md_escape(head[0])}", "", *[f"- {md_escape(x)}" for x in head[1:]], "", f"## {L['recs']}", ""]
    rows: list[list[str]] = [
        [md_code(r.id), _pct(r.rate), str(r.count), _driver(s, r.id)] for r in s.recommendations
    ]
    out.append(markdown_table([L["rec"], L["rate"], L["count"], L["driver"]], rows).rstrip())
    out += ["", f"## {L['dims']}", ""]
    for d in s.dimensions:
        if not d["moves"]:
            continue
        out += [f"### {md_code(d['id'])}", ""]
        headers = [L["value"], L["variants"], *[md_code(m) for m in d["moves"]]]
        table = [
            [str(v["value"]), str(v["variants"]), *[_pct(v["rates"][m]) for m in d["moves"]]]
            for v in d["values"]
        ]
        out += [markdown_table(headers, table).rstrip(), ""]
    return "\n".join(out).rstrip() + "\n"


def render(s: SweepSummary, fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json(s.to_dict())
    if fmt == "markdown":
        return render_markdown(s, lang)
    return render_text(s, lang)
