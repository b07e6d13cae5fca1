"""Rendering a :class:`~policyengine.diff.Diff`: a one-screen terminal report, JSON, Markdown.

Markers, as in a unified diff: ``+`` added, ``-`` removed, ``~`` altered or changed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from policyengine.diff import Cause, Diff, FactChange, FieldChange, OutcomeChange
from policyengine.engine.results import Recommendation, Risk
from policyengine.models.names import value as value_name
from policyengine.render.common import md_code, md_escape, to_json, wrap, wrap_hanging
from policyengine.text import Labels, t

MARK = {"added": "+", "removed": "-", "altered": "~", "changed": "~"}

LABELS = Labels("diff")

MAX_VALUE = 60


#: the compared fields of an outcome (diff.outcomes.RECOMMENDATION_FIELDS, RISK_FIELDS): their
#: names are text/catalog/outcome_fields.yaml
OUTCOME_FIELD_NAMES = Labels("outcome_fields")


def field_name(path: str, lang: str) -> str:
    """An outcome field's name (``justification.ja`` -> 理由 / justification)."""
    base = path.split(".")[0]
    return OUTCOME_FIELD_NAMES[lang].get(base, base)


def _changed_fields(o: OutcomeChange, lang: str) -> str:
    """The fields in which a changed outcome differs, named in ``lang``, in a stable order."""
    return ", ".join(field_name(p, lang) for p in sorted({f.path.split(".")[0] for f in o.fields}))


def outcome_change_lines(
    d: Diff, o: OutcomeChange, lang: str, indent: str, labels: Mapping[str, str], unexplained: str
) -> list[str]:
    """An outcome change as the timeline and the signposts list it: marker, id and title, the
    fields that changed, and its causes (``labels``: the caller's ``changed`` and ``caused``)."""
    lines = wrap_hanging(f"{MARK[o.change]} {o.id} — {o.current.title[lang]}", indent, indent + "  ")
    if o.change == "changed":
        lines += wrap_hanging(f"{labels['changed']}: {_changed_fields(o, lang)}", "        ", "          ")
    for cause in [cause_text(d, c, lang) for c in o.causes] or [unexplained]:
        lines += wrap_hanging(f"{labels['caused']}: {cause}", "        ", "          ")
    return lines


def show_value(value: Any, limit: int = MAX_VALUE) -> str:
    """A JSON value on one line: '-' when absent, long texts cut with '…'."""
    if value is None:
        return "-"
    if isinstance(value, str):
        text = " ".join(value.split())
    elif isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        text = "[" + ", ".join(str(v) for v in value) + "]"
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _counts(items: tuple[Any, ...], changes: tuple[str, ...], lang: str) -> str:
    L = LABELS[lang]
    parts = [
        L["count"].format(n=n, what=L[c]) for c in changes if (n := sum(1 for i in items if i.change == c))
    ]
    return L["sep"].join(parts)


def _header_fields(d: Diff) -> list[str]:
    names = sorted({f.path.split(".")[0] for f in d.header} - {"id", "as_of"})
    return names


def _fact_mark(d: Diff, fact_id: str) -> str:
    found = next((f for f in d.facts if f.fact_id == fact_id), None)
    return MARK[found.change] if found else "~"


def cause_text(d: Diff, c: Cause, lang: str) -> str:
    """``+ event:x (new evidence)`` or ``+ asset_protection:FRA blocks rule R: absent ...``."""
    L = LABELS[lang]
    mark = _fact_mark(d, c.fact_id)
    if c.how in ("blocks", "unblocks"):
        if c.rule_title is not None and c.needs is not None:
            i = 0 if lang == "ja" else 1
            said = t(f"derived.cause_{c.how}", lang, rule=c.rule_title[i], needs=c.needs[i])
            return f"{mark} {c.fact_id} {said}"
        return f"{mark} {c.fact_id} {L[c.how].format(rule=c.rule)}: {c.condition}"
    key = "altered_ev" if c.how == "altered" else c.how
    return f"{mark} {c.fact_id} ({L[key]})"


def _level(item: Recommendation | Risk, lang: str) -> str:
    L = LABELS[lang]
    if isinstance(item, Recommendation):
        return f"{L['priority']}: {value_name(item.priority, lang)}"
    return f"{L['severity']}: {value_name(item.severity, lang)}"


def _outcome_line(o: OutcomeChange, lang: str) -> str:
    return f"  {MARK[o.change]} {o.id} ({_level(o.current, lang)})"


def _reason(item: Recommendation | Risk, lang: str) -> str:
    return item.justification[lang] if isinstance(item, Recommendation) else item.message[lang]


def _field_lines(f: FieldChange, lang: str, indent: str) -> list[str]:
    name = field_name(f.path, lang)
    if f.path == "evidence":
        old, new = set(f.old or []), set(f.new or [])
        parts = [f"+{e}" for e in sorted(new - old)] + [f"-{e}" for e in sorted(old - new)]
        return wrap(f"{name}: {' '.join(parts)}", indent)
    if f.path.startswith(("justification.", "message.")):
        if not f.path.endswith("." + lang):
            return []
        return [*wrap(f"{name}: {f.old}", indent), *wrap(f"-> {f.new}", indent + "  ")]
    if f.path in ("priority", "severity"):
        return wrap(f"{name}: {value_name(f.old, lang)} -> {value_name(f.new, lang)}", indent)
    return wrap(f"{name}: {show_value(f.old)} -> {show_value(f.new)}", indent)


def _text_outcome(d: Diff, o: OutcomeChange, lang: str) -> list[str]:
    L = LABELS[lang]
    cur = o.current
    lines = [_outcome_line(o, lang), *wrap(f"{cur.title[lang]} — {cur.target_name[lang]}", "      ")]
    if o.change == "added":
        lines += wrap(f"{L['because']}: {_reason(cur, lang)}", "      ")
    elif o.change == "removed":
        lines += wrap(f"{L['was']}: {_reason(cur, lang)}", "      ")
    else:
        for f in o.fields:
            lines += _field_lines(f, lang, "      ")
    if len(o.causes) == 1:
        lines += wrap(f"{L['caused']}: {cause_text(d, o.causes[0], lang)}", "      ")
    elif o.causes:
        lines.append(f"      {L['caused']}:")
        for c in o.causes:
            lines += wrap(cause_text(d, c, lang), "        ")
    else:
        lines.append(f"      {L['caused']}: {L['unexplained']}")
    return lines


def _text_fact(d: Diff, f: FactChange, lang: str) -> list[str]:
    L = LABELS[lang]
    where = f" {f.location}" if f.location else ""
    lines = [f"  {MARK[f.change]} {f.fact_id}  {f.label[lang]}", f"      {where.strip()}" if where else ""]
    lines = [ln for ln in lines if ln]
    for c in f.fields:
        at = f"  (line {c.location.line})" if c.location and c.location.line else ""
        lines += wrap(f"{c.path}: {show_value(c.old)} -> {show_value(c.new)}{at}", "      ")
    affected = d.caused_by(f.fact_id)
    if affected:
        lines += wrap(f"{L['affects']}: {', '.join(o.id for o in affected)}", "      ")
    return lines


def render_text(d: Diff, lang: str = "ja") -> str:
    L = LABELS[lang]
    out = [
        f"{L['title']}: {d.old.scenario_id} ({L['as_of']} {d.old.as_of}) -> "
        f"{d.new.scenario_id} ({L['as_of']} {d.new.as_of})",
        f"  {L['old']}: {' <- '.join(d.old.files)}",
        f"  {L['new']}: {' <- '.join(d.new.files)}",
        f"  {L['pack']}: {d.pack_id}",
    ]
    extra = _header_fields(d)
    if extra:
        out.append(f"  {L['header']}: {', '.join(extra)}")
    out.append("")
    if d.empty:
        return "\n".join([*out, L["same"]]) + "\n"
    summary = _counts(d.facts, ("added", "removed", "altered"), lang)
    out.append(f"{L['facts']}: {summary}" if summary else L["no_facts"])
    for f in d.facts:
        out += _text_fact(d, f, lang)
    out.append("")
    if not d.outcomes_changed:
        return "\n".join([*out, L["no_outcomes"]]) + "\n"
    out.append(f"{L['outcomes']}:")
    for key, items in (("recommendations", d.recommendations), ("risks", d.risks)):
        if not items:
            continue
        out += ["", f"{L[key]}: {_counts(items, ('added', 'removed', 'changed'), lang)}"]
        for o in items:
            out += _text_outcome(d, o, lang)
    return "\n".join(out).rstrip() + "\n"


def render_json(d: Diff) -> str:
    return to_json(d.to_dict())


def _md_cause(d: Diff, c: Cause, lang: str) -> str:
    L = LABELS[lang]
    mark = _fact_mark(d, c.fact_id)
    if c.how in ("blocks", "unblocks"):
        rule = L[c.how].format(rule=md_code(str(c.rule)))
        return f"{mark} {md_code(c.fact_id)} {rule}: {md_code(str(c.condition))}"
    key = "altered_ev" if c.how == "altered" else c.how
    return f"{mark} {md_code(c.fact_id)} ({L[key]})"


def render_markdown(d: Diff, lang: str = "ja") -> str:
    L = LABELS[lang]
    out = [
        f"# {L['title']}: {md_code(d.old.scenario_id)} → {md_code(d.new.scenario_id)}",
        "",
        f"- {L['old']}: {' ← '.join(md_code(f) for f in d.old.files)} ({L['as_of']} {d.old.as_of})",
        f"- {L['new']}: {' ← '.join(md_code(f) for f in d.new.files)} ({L['as_of']} {d.new.as_of})",
        f"- {L['pack']}: {md_code(d.pack_id)}",
    ]
    extra = _header_fields(d)
    if extra:
        out.append(f"- {L['header']}: {md_escape(', '.join(extra))}")
    out.append("")
    if d.empty:
        return "\n".join([*out, L["same"]]) + "\n"
    summary = _counts(d.facts, ("added", "removed", "altered"), lang)
    out += [f"## {L['facts']}", "", summary or L["no_facts"], ""]
    for f in d.facts:
        where = f" — {md_code(str(f.location))}" if f.location else ""
        out.append(f"- {MARK[f.change]} {md_code(f.fact_id)} {md_escape(f.label[lang])}{where}")
        for c in f.fields:
            out.append(
                f"  - {md_code(c.path)}: {md_escape(show_value(c.old))} → {md_escape(show_value(c.new))}"
            )
        affected = d.caused_by(f.fact_id)
        if affected:
            out.append(f"  - {L['affects']}: " + ", ".join(md_code(o.id) for o in affected))
    out.append("")
    out += [f"## {L['outcomes']}", ""]
    if not d.outcomes_changed:
        return "\n".join([*out, L["no_outcomes"]]) + "\n"
    for key, items in (("recommendations", d.recommendations), ("risks", d.risks)):
        if not items:
            continue
        out += [f"### {L[key]}: {_counts(items, ('added', 'removed', 'changed'), lang)}", ""]
        for o in items:
            cur = o.current
            out.append(
                f"- {MARK[o.change]} {md_code(o.id)} ({_level(cur, lang)}) — {md_escape(cur.title[lang])}: "
                f"{md_escape(cur.target_name[lang])}"
            )
            if o.change == "added":
                out.append(f"  - {L['because']}: {md_escape(_reason(cur, lang))}")
            elif o.change == "removed":
                out.append(f"  - {L['was']}: {md_escape(_reason(cur, lang))}")
            for fc in o.fields:
                if fc.path.startswith(("justification.", "message.")) and not fc.path.endswith("." + lang):
                    continue
                if fc.path in ("priority", "severity"):
                    old, new = value_name(fc.old, lang), value_name(fc.new, lang)
                else:
                    old, new = md_escape(show_value(fc.old, 400)), md_escape(show_value(fc.new, 400))
                out.append(f"  - {field_name(fc.path, lang)}: {old} → {new}")
            if o.causes:
                out.append(f"  - {L['caused']}: " + "; ".join(_md_cause(d, c, lang) for c in o.causes))
            else:
                out.append(f"  - {L['caused']}: {L['unexplained']}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render(d: Diff, fmt: str, lang: str) -> str:
    if fmt == "json":
        return render_json(d)
    if fmt == "markdown":
        return render_markdown(d, lang)
    return render_text(d, lang)
