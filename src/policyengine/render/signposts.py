"""Rendering a :class:`~policyengine.signposts.SignpostReport`: one document (text, Markdown,
HTML, ...) or JSON.

The document names each signpost and the facts that trip it or hold it back in plain words, and
for one not tripped what tripping it would change, with causes. The watched condition as the
rules write it, fact ids and where facts are written appear only with ``ids`` (``--ids``) and in
JSON.
"""

from __future__ import annotations

import datetime as dt

from policyengine.models.names import format_date, join
from policyengine.render.blocks import Block, Chain, Code, Document, Heading, Inline, Para, Span, Title
from policyengine.render.change_blocks import fact_change_entry, fact_phrase, outcome_entry, with_id
from policyengine.render.common import to_json
from policyengine.signposts import SignpostReport, SignpostStatus
from policyengine.text import t


def _matches(s: SignpostStatus, lang: str, ids: bool) -> Inline:
    names = [fact_phrase(f, s.labels.get(f), lang) for f, _ in s.matches]
    said = t("signposts.by_line" if s.tripped else "signposts.held_line", lang, facts=join(names, lang))
    if not ids:
        return said
    out: list[Span] = [said, " ("]
    for i, (f, loc) in enumerate(s.matches):
        out += [", "] if i else []
        out += [Code(f), f" {loc}"] if loc else [Code(f)]
    return [*out, ")"]


def _status(s: SignpostStatus, lang: str, ids: bool) -> list[Block]:
    sp = s.signpost
    state = t("signposts.tripped_cap" if s.tripped else "signposts.watching_cap", lang)
    name = t("signposts.signpost", lang, state=state, name=sp.name.get(lang))
    blocks: list[Block] = [Heading(2, with_id(name, sp.id) if ids else name)]
    if sp.description is not None:
        blocks.append(Para(sp.description.get(lang)))
    if ids:
        blocks.append(Para([t("signposts.watch_line", lang), Code(s.watched.describe())]))
    if s.matches:
        blocks.append(Para(_matches(s, lang, ids)))
    if s.effect is not None:
        how = t(f"signposts.{s.how or 'set'}", lang)
        blocks.append(Para(t("signposts.if_line", lang, how=how)))
        blocks += [fact_change_entry(f, lang, ids=ids) for f in s.effect.facts]
        outcomes = [*s.effect.recommendations, *s.effect.risks]
        if not outcomes:
            blocks.append(Para(t("signposts.nothing", lang)))
        blocks += [outcome_entry(s.effect, o, lang, ids=ids) for o in outcomes]
    return blocks


def document(r: SignpostReport, lang: str = "ja", *, ids: bool = False) -> Document:
    """The signposts of a scenario in ``lang``: every document format is drawn from it."""
    title = t("signposts.heading", lang, title=r.title.get(lang) or r.scenario_id)
    pack: list[Span] = [
        Code(r.pack_id),
        " — " + t("signposts.summary", lang, n=len(r.signposts), t=len(r.tripped)),
    ]
    fields: list[tuple[str, Inline | Chain]] = [(t("signposts.files", lang), Chain(r.files))]
    fields.append((t("signposts.pack", lang), pack))
    if ids:
        fields.insert(0, ("id", Code(r.scenario_id)))
    as_of = format_date(dt.date.fromisoformat(r.as_of), lang)
    blocks: list[Block] = [Title(title, note=(t("signposts.as_of", lang), as_of), fields=fields)]
    if not r.signposts:
        blocks.append(Para(t("signposts.none", lang)))
    for s in r.signposts:
        blocks += _status(s, lang, ids)
    return Document(title, blocks, lang=lang, compact=True)


def render(r: SignpostReport, fmt: str, lang: str, *, ids: bool = False) -> str:
    """JSON (the data) or a document format (text, markdown, html, ...)."""
    if fmt == "json":
        return to_json(r.to_dict())
    from policyengine.render.backends import render as draw

    return draw(document(r, lang, ids=ids), fmt)
