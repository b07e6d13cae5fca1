"""Rendering a :class:`~policyengine.diff.Diff`: one document (text, Markdown, HTML, ...), or JSON.

Facts are named as a reader names them ("asset protection for France"); their ids only under
``--ids`` and in JSON.

Markers, as in a unified diff: ``+`` added, ``-`` removed, ``~`` altered or changed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from policyengine.diff import Cause, Diff, FactChange, FieldChange, OutcomeChange, Side
from policyengine.engine.results import Recommendation, Risk
from policyengine.models.names import format_date
from policyengine.models.names import value as value_name
from policyengine.render.blocks import (
    Block,
    Chain,
    Citation,
    Code,
    Document,
    Entry,
    Field,
    Heading,
    Para,
    Quote,
    Span,
    Title,
    Value,
)
from policyengine.render.change_blocks import fact_phrase
from policyengine.render.common import to_json
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


# -- the document: what ``diff`` prints, in every format ------------------------------------------


def fact_name(d: Diff, fact_id: str, lang: str) -> str:
    """A changed fact as a reader names it (``asset protection for France``, ``the Japan-UK RAA``);
    its id only when the diff does not know the fact."""
    found = next((f for f in d.facts if f.fact_id == fact_id), None)
    if found is None:
        return t("change_words.fact_scenario", lang) if fact_id == "scenario" else fact_id
    return fact_phrase(fact_id, dict(found.label), lang)


def _fact_ref(d: Diff, fact_id: str, lang: str, show_ids: bool) -> list[Span]:
    """A fact by its name, with its id after it under ``--ids``."""
    name: list[Span] = [fact_name(d, fact_id, lang)]
    return [*name, " (", Code(fact_id), ")"] if show_ids else name


def cause_words(d: Diff, c: Cause, lang: str, *, show_ids: bool = False) -> list[Span]:
    """A cause in words: ``+ the new ROK government (May 2022) (new evidence)``, or the fact
    that blocks a rule and what the rule needs; fact ids and rule syntax only under ``--ids``."""
    L = LABELS[lang]
    head: list[Span] = [f"{_fact_mark(d, c.fact_id)} ", *_fact_ref(d, c.fact_id, lang, show_ids)]
    if c.how in ("blocks", "unblocks"):
        if c.rule_title is not None and c.needs is not None:
            i = 0 if lang == "ja" else 1
            said = t(f"derived.cause_{c.how}", lang, rule=c.rule_title[i], needs=c.needs[i])
            return [*head, f" {said}"]
        return [*head, f" {L[c.how].format(rule=c.rule)}: ", Code(str(c.condition))]
    key = "altered_ev" if c.how == "altered" else c.how
    return [*head, t("diff.cause_how", lang, how=L[key])]


def _level(item: Recommendation | Risk, lang: str) -> str:
    L = LABELS[lang]
    if isinstance(item, Recommendation):
        return f"{L['priority']}{t('report.colon', lang)}{value_name(item.priority, lang)}"
    return f"{L['severity']}{t('report.colon', lang)}{value_name(item.severity, lang)}"


def _reason(item: Recommendation | Risk, lang: str) -> str:
    return item.justification[lang] if isinstance(item, Recommendation) else item.message[lang]


def _ids(ids: list[str]) -> list[Span]:
    out: list[Span] = []
    for i, x in enumerate(ids):
        out += [", ", Code(x)] if i else [Code(x)]
    return out


def _outcome_field(f: FieldChange, lang: str, show_ids: bool, d: Diff) -> Field | None:
    """One changed field of a recommendation or risk, or None when it is the other language's."""
    name = field_name(f.path, lang)
    arrow = t("diff.arrow", lang)
    if f.path == "evidence":
        old, new = set(f.old or []), set(f.new or [])
        parts: list[Span] = []
        for sign, ids in (("+", sorted(new - old)), ("-", sorted(old - new))):
            for e in ids:
                parts += [" " if parts else "", f"{sign} ", *_fact_ref(d, e, lang, show_ids)]
        return Field(name, parts)
    if f.path.startswith(("justification.", "message.")):
        if not f.path.endswith("." + lang):
            return None
        return Field(name, f"{f.old}{arrow}{f.new}")
    if f.path in ("priority", "severity"):
        return Field(name, f"{value_name(f.old, lang)}{arrow}{value_name(f.new, lang)}")
    return Field(name, f"{show_value(f.old)}{arrow}{show_value(f.new)}")


def _outcome(d: Diff, o: OutcomeChange, lang: str, show_ids: bool) -> Entry:
    L = LABELS[lang]
    cur = o.current
    body: list[Para | Field | Citation | Quote] = []
    if o.change == "added":
        body.append(Field(L["because"], _reason(cur, lang)))
    elif o.change == "removed":
        body.append(Field(L["was"], _reason(cur, lang)))
    else:
        body += [f for f in (_outcome_field(fc, lang, show_ids, d) for fc in o.fields) if f is not None]
    for c in o.causes:
        body.append(Field(L["caused"], cause_words(d, c, lang, show_ids=show_ids)))
    if not o.causes:
        body.append(Field(L["caused"], L["unexplained"]))
    key: list[Span] = [f"{MARK[o.change]} ", Code(o.id), f" ({_level(cur, lang)})"]
    return Entry(key, f"{cur.title[lang]} — {cur.target_name[lang]}", body)


def _fact(d: Diff, f: FactChange, lang: str, show_ids: bool) -> Entry:
    L = LABELS[lang]
    body: list[Para | Field | Citation | Quote] = []
    if f.location:
        body.append(Field(L["where"], str(f.location)))
    arrow = t("diff.arrow", lang)
    for c in f.fields:
        at = t("diff.at_line", lang, line=c.location.line) if c.location and c.location.line else ""
        body.append(Field(field_label(c.path, lang), f"{show_value(c.old)}{arrow}{show_value(c.new)}{at}"))
    affected = d.caused_by(f.fact_id)
    if affected:
        body.append(Field(L["affects"], _ids([o.id for o in affected])))
    return Entry([f"{MARK[f.change]} ", *_fact_ref(d, f.fact_id, lang, show_ids)], None, body)


def field_label(path: str, lang: str) -> str:
    """A changed scenario field by its label where the fact registry has one
    (``stance.indo_pacific_engagement``: stated Indo-Pacific engagement), else its path."""
    from policyengine.models.registry import label_keys, path_label_keys

    key = path_label_keys().get(path) or label_keys().get(path.split("[")[0].split(".")[-1])
    return t(key, lang) if key else path


def document(d: Diff, lang: str = "ja", *, show_ids: bool = False) -> Document:
    """What changed between two worlds, and what that changed for Japan: every format is drawn
    from it. ``show_ids``: the facts' ids beside their names (``--ids``)."""
    L = LABELS[lang]

    def side(s: Side) -> str:
        day = format_date(dt.date.fromisoformat(s.as_of), lang)
        return t("diff.side", lang, title=s.title.get(lang) or s.scenario_id, day=day)

    title = L["title"]
    fields: list[tuple[str, Value]] = [
        (L["old"], side(d.old)),
        (L["new"], side(d.new)),
        (L["old_files"], Chain(d.old.files)),
        (L["new_files"], Chain(d.new.files)),
        (L["pack"], Code(d.pack_id)),
    ]
    extra = _header_fields(d)
    if extra:
        fields.append((L["header"], ", ".join(field_label(x, lang) for x in extra)))
    blocks: list[Block] = [Title(title, fields=fields, wrap=True)]
    if d.empty:
        blocks.append(Para(L["same"]))
        return Document(title, blocks, lang=lang, compact=True)
    summary = _counts(d.facts, ("added", "removed", "altered"), lang)
    blocks.append(Heading(2, f"{L['facts']}{t('report.colon', lang)}{summary}" if summary else L["no_facts"]))
    blocks += [_fact(d, f, lang, show_ids) for f in d.facts]
    if not d.outcomes_changed:
        blocks.append(Para(L["no_outcomes"]))
        return Document(title, blocks, lang=lang, compact=True)
    blocks.append(Heading(2, L["outcomes"]))
    for key, items in (("recommendations", d.recommendations), ("risks", d.risks)):
        if items:
            counts = _counts(items, ("added", "removed", "changed"), lang)
            blocks.append(Heading(3, f"{L[key]}{t('report.colon', lang)}{counts}"))
            blocks += [_outcome(d, o, lang, show_ids) for o in items]
    return Document(title, blocks, lang=lang, compact=True)


def render_json(d: Diff) -> str:
    return to_json(d.to_dict())


def render(d: Diff, fmt: str, lang: str, *, show_ids: bool = False) -> str:
    """``diff``'s report in ``fmt``: JSON is the diff's data, any other format a document backend."""
    if fmt == "json":
        return render_json(d)
    from policyengine.render.backends import render as draw

    return draw(document(d, lang, show_ids=show_ids), fmt)
