"""How timeline and signposts say a change of the world, as blocks of the document model.

A fact is said by its name (``asset protection for France``, ``the Japan-UK Reciprocal Access
Agreement``), its id only when the reader asked for ids (``--ids``); an outcome change by its
title and target, with the fact changes that cause it. Every word is in the catalog
(``change_words``).
"""

from __future__ import annotations

from typing import Any

from policyengine.diff import Cause, Diff, FactChange, FieldChange, OutcomeChange
from policyengine.models.names import FIELD_LABELS, possessive, the
from policyengine.models.names import value as value_name
from policyengine.render.blocks import Code, Entry, Field, Inline, Para, Span
from policyengine.text import Labels, t

#: The kinds of fact the catalog says in a phrase of their own (``change_words.fact_<kind>``).
_KINDS = frozenset(
    {
        "country",
        "framework",
        "agreement",
        "asset_protection",
        "interest",
        "event",
        "capability",
        "area",
        "signpost",
    }
)

OUTCOME_FIELD_NAMES = Labels("outcome_fields")


def with_id(said: str, *ids: str) -> list[Span]:
    """``said (id, ...)``: a name with the ids the reader asked for (``--ids``)."""
    out: list[Span] = [said, " ("]
    for i, x in enumerate(ids):
        out += [", ", Code(x)] if i else [Code(x)]
    return [*out, ")"]


def fact_phrase(fact_id: str, label: dict[str, str] | None, lang: str) -> str:
    """A fact as a reader says it: ``asset protection for France``."""
    kind, _, identity = fact_id.partition(":")
    name = (label or {}).get(lang) or identity or fact_id
    if lang == "en" and kind in ("agreement", "framework", "country", "asset_protection", "interest"):
        name = the(name)
    key = f"change_words.fact_{kind if kind in _KINDS else 'other'}"
    if kind == "asset_protection":  # whose forces: "France's", "the United States'"
        owner = name if lang != "en" else possessive(name)
        return t(key, lang, owner=owner)
    return t(key, lang, name=name)


def _fact_label(d: Diff, fact_id: str) -> dict[str, str] | None:
    found = next((f for f in d.facts if f.fact_id == fact_id), None)
    return dict(found.label) if found is not None else None


def cause_phrase(d: Diff, c: Cause, lang: str, *, ids: bool = False) -> Inline:
    """Why an outcome changed, in a sentence: the fact change and what it did to the rule."""
    fact = fact_phrase(c.fact_id, _fact_label(d, c.fact_id), lang)
    if c.how in ("blocks", "unblocks"):
        i = 0 if lang == "ja" else 1
        rule = c.rule_title[i] if c.rule_title is not None else (c.rule or "")
        needs = c.needs[i] if c.needs is not None else (c.condition or "")
        said = t(f"change_words.cause_{c.how}", lang, fact=fact, rule=rule, needs=needs)
    else:
        said = t(f"change_words.cause_{c.how}", lang, fact=fact)
    if not ids:
        return said
    return with_id(said, c.fact_id, *([c.rule] if c.rule is not None else []))


def _changed_fields(o: OutcomeChange, lang: str) -> str:
    names = sorted({f.path.split(".")[0] for f in o.fields})
    return t("display.list_sep", lang).join(OUTCOME_FIELD_NAMES[lang].get(n, n) for n in names)


def outcome_entry(d: Diff, o: OutcomeChange, lang: str, *, ids: bool = False) -> Entry:
    """A recommendation or risk turned on, turned off or changed, with its causes."""
    item = o.current
    title = t(f"change_words.outcome_{o.change}", lang, title=item.title[lang], target=item.target_name[lang])
    key: Inline = with_id(title, o.id) if ids else title
    body: list[Para | Field] = []
    if o.change == "changed":
        body.append(Field(t("change_words.changed", lang), _changed_fields(o, lang)))
    causes = [cause_phrase(d, c, lang, ids=ids) for c in o.causes]
    for cause in causes or [t("change_words.unexplained", lang)]:
        body.append(Field(t("change_words.caused", lang), cause))
    return Entry(key, None, body)


def _show(raw: Any, lang: str) -> str:
    if raw is None:
        return "—"
    if isinstance(raw, list):
        return t("display.list_sep", lang).join(_show(v, lang) for v in raw)
    if isinstance(raw, dict):
        return ", ".join(f"{k}: {_show(v, lang)}" for k, v in sorted(raw.items()))
    return value_name(raw, lang)


def field_change_text(f: FieldChange, lang: str) -> str:
    """``status: under negotiation → in force``, the field by its name."""
    name = f.path.rsplit(".", 1)[-1].split("[", 1)[0]
    label = FIELD_LABELS[name][0 if lang == "ja" else 1] if name in FIELD_LABELS else f.path
    return t("change_words.field_change", lang, field=label, old=_show(f.old, lang), new=_show(f.new, lang))


def fact_change_entry(f: FactChange, lang: str, *, ids: bool = False) -> Entry:
    """A fact added, removed or altered, with its changed fields (and, with ids, where it is)."""
    said = t(f"change_words.fact_{f.change}", lang, fact=fact_phrase(f.fact_id, dict(f.label), lang))
    key: Inline = said
    if ids:
        where: list[Span] = [", ", str(f.location)] if f.location else []
        key = [*with_id(said, f.fact_id)[:-1], *where, ")"]
    fields = t("change_words.field_sep", lang).join(field_change_text(c, lang) for c in f.fields)
    return Entry(key, None, [Para(fields)] if fields else [])


__all__ = [
    "cause_phrase",
    "fact_change_entry",
    "fact_phrase",
    "field_change_text",
    "outcome_entry",
    "with_id",
]
