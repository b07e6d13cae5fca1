"""Rendering a :class:`~policyengine.signposts.SignpostReport`: terminal text, JSON, Markdown."""

from __future__ import annotations

from policyengine.render.common import md_code, md_escape, to_json, wrap_hanging
from policyengine.render.diff import MARK, cause_text, outcome_change_lines
from policyengine.signposts import SignpostReport, SignpostStatus
from policyengine.text import Labels

LABELS = Labels("signposts")


def _status_text(s: SignpostStatus, lang: str) -> list[str]:
    L = LABELS[lang]
    sp = s.signpost
    state = L["tripped"] if s.tripped else L["watching"]
    lines = wrap_hanging(f"[{state}] {sp.id} — {sp.name.get(lang)}", "", "    ")
    lines += wrap_hanging(f"{L['watch']}: {s.watched.describe()}", "    ", "      ")
    if s.matches:
        label = L["by"] if s.tripped else L["held"]
        facts = ", ".join(f"{f} ({loc})" if loc else f for f, loc in s.matches)
        lines += wrap_hanging(f"{label}: {facts}", "    ", "      ")
    if s.effect is not None:
        lines.append(f"    {L['if'].format(how=L[s.how or 'set'])}:")
        for f in s.effect.facts:
            where = f" ({f.location})" if f.location else ""
            lines += wrap_hanging(f"{MARK[f.change]} {f.fact_id}{where}", "      ", "        ")
            for c in f.fields:
                lines += wrap_hanging(f"{c.path}: {c.old} -> {c.new}", "          ", "            ")
        outcomes = [*s.effect.recommendations, *s.effect.risks]
        if not outcomes:
            lines.append(f"      {L['nothing']}")
        for o in outcomes:
            lines += outcome_change_lines(s.effect, o, lang, "      ", L, L["unexplained"])
    return [*lines, ""]


def render_text(r: SignpostReport, lang: str = "ja") -> str:
    L = LABELS[lang]
    out = [
        f"{L['title']}: {r.scenario_id} ({L['as_of']} {r.as_of})",
        f"  {' <- '.join(r.files)}",
        f"  {L['pack']}: {r.pack_id} — " + L["summary"].format(n=len(r.signposts), t=len(r.tripped)),
        "",
    ]
    if not r.signposts:
        out.append(L["none"])
    for s in r.signposts:
        out += _status_text(s, lang)
    return "\n".join(out).rstrip() + "\n"


def render_markdown(r: SignpostReport, lang: str = "ja") -> str:
    L = LABELS[lang]
    out = [
        f"# {L['title']}: {md_code(r.scenario_id)} ({L['as_of']} {r.as_of})",
        "",
        f"- {' ← '.join(md_code(f) for f in r.files)}",
        f"- {L['pack']}: {md_code(r.pack_id)} — " + L["summary"].format(n=len(r.signposts), t=len(r.tripped)),
        "",
    ]
    if not r.signposts:
        out += [L["none"], ""]
    for s in r.signposts:
        sp = s.signpost
        state = L["tripped"] if s.tripped else L["watching"]
        out += [f"## {state}: {md_code(sp.id)} — {md_escape(sp.name.get(lang))}", ""]
        out.append(f"- {L['watch']}: {md_code(s.watched.describe())}")
        if s.matches:
            label = L["by"] if s.tripped else L["held"]
            out.append(
                f"- {label}: "
                + ", ".join(md_code(f) + (f" ({md_escape(str(loc))})" if loc else "") for f, loc in s.matches)
            )
        if s.effect is not None:
            out.append(f"- {L['if'].format(how=L[s.how or 'set'])}:")
            for f in s.effect.facts:
                out.append(f"  - {MARK[f.change]} {md_code(f.fact_id)}")
            outcomes = [*s.effect.recommendations, *s.effect.risks]
            if not outcomes:
                out.append(f"  - {L['nothing']}")
            for o in outcomes:
                causes = "; ".join(cause_text(s.effect, c, lang) for c in o.causes) or L["unexplained"]
                out.append(
                    f"  - {MARK[o.change]} {md_code(o.id)} — {md_escape(o.current.title[lang])} "
                    f"({L['caused']}: {md_escape(causes)})"
                )
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render(r: SignpostReport, fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json(r.to_dict())
    if fmt == "markdown":
        return render_markdown(r, lang)
    return render_text(r, lang)
