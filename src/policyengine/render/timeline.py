"""Rendering a :class:`~policyengine.timeline.Timeline`: one document (text, Markdown, ...), JSON,
and an HTML picture (:mod:`policyengine.render.charts.timeline`).

The document says each date as people write it, each dated fact by its name (``asset protection
for the United Kingdom begins``), each change of a recommendation or risk by its title and target
with its causes; fact and recommendation ids only with ``ids`` (``--ids``) and in JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from policyengine.engine.results import Recommendation, Risk
from policyengine.models.names import format_date
from policyengine.models.names import value as value_name
from policyengine.render.blocks import Block, Bullets, Chain, Code, Document, Heading, Inline, Para, Title
from policyengine.render.change_blocks import fact_phrase, outcome_entry, with_id
from policyengine.render.common import to_json
from policyengine.text import t
from policyengine.timeline import Dated, Timeline

if TYPE_CHECKING:
    from policyengine.validation.scenario import LoadedScenario


def dated_text(d: Dated, lang: str) -> str:
    """``the Japan-UK Reciprocal Access Agreement signed``; an assumption says so."""
    fact = fact_phrase(d.fact_id, d.label, lang)
    kind, _, rest = d.what.partition(":")
    if kind == "status":
        said = t("timeline.what_status", lang, fact=fact, v=value_name(rest, lang))
    elif kind == "activity":
        mechanism, _, activity = rest.partition(":")
        said = t(
            "timeline.what_activity",
            lang,
            fact=fact,
            m=value_name(mechanism, lang),
            v=value_name(activity, lang),
        )
    elif kind == "mechanism":
        said = t("timeline.what_mechanism", lang, fact=fact, m=value_name(rest, lang))
    else:
        said = t(f"timeline.what_{kind}", lang, fact=fact)
    if d.assumption:
        said += t("timeline.assumption", lang, a=d.assumption[lang])
    return said


def _dated(d: Dated, lang: str, ids: bool) -> Inline:
    said = dated_text(d, lang)
    return with_id(said, d.fact_id) if ids else said


def _count(key: str, n: int, lang: str) -> str:
    return t(f"{key}_one" if n == 1 else key, lang, n=n)


def source_text(source: dict[str, str], lang: str = "en") -> str:
    """``Ministry of Foreign Affairs of Japan, Japan-France Summit Meeting (Paris), 2 May 2024``;
    the paper as ``minilateral-2022, 日本への含意``."""
    said = []
    for k in ("issuer", "document", "locator", "date"):
        if k in source:
            try:
                said.append(format_date(dt.date.fromisoformat(source[k]), lang) if k == "date" else source[k])
            except ValueError:
                said.append(source[k])
    return ", ".join(said)


def document(tl: Timeline, lang: str = "ja", *, changes_only: bool = False, ids: bool = False) -> Document:
    """The timeline in ``lang``: every document format is drawn from it."""
    changed = sum(1 for s in tl.steps if s.changed)
    title = t("timeline.heading", lang, title=tl.title[lang])
    summary = t(
        "timeline.summary_one" if len(tl.steps) == 1 else "timeline.summary", lang, n=len(tl.steps), c=changed
    )
    pack: list[str | Code] = [Code(tl.pack_id), " — " + summary]
    fields: list[tuple[str, Inline | Chain]] = [(t("timeline.files", lang), Chain(tl.files))]
    fields.append((t("timeline.pack", lang), pack))
    if ids:
        fields.insert(0, ("id", Code(tl.scenario_id)))
    blocks: list[Block] = [Title(title, fields=fields)]
    initial: list[Recommendation | Risk] = [*tl.initial.recommendations, *tl.initial.risks]
    start = t(
        "timeline.start",
        lang,
        day=format_date(tl.start, lang),
        recs=_count("timeline.recs", len(tl.initial.recommendations), lang),
        risks=_count("timeline.risks", len(tl.initial.risks), lang),
    )
    items: list[Inline] = []
    for o in initial:
        line = t("timeline.start_item", lang, title=o.title[lang], target=o.target_name[lang])
        items.append(with_id(line, o.id) if ids else line)
    blocks += [Heading(2, start), Bullets(items)]
    sources: list[Inline] = []
    for step in tl.steps:
        if changes_only and not step.changed:
            continue
        day = format_date(step.date, lang)
        blocks += [Heading(2, day), Bullets([_dated(d, lang, ids) for d in step.dated])]
        for d in step.dated:
            if d.source:
                fact = fact_phrase(d.fact_id, d.label, lang)
                line = t("timeline.source_item", lang, day=day, fact=fact, source=source_text(d.source, lang))
                if line not in sources:
                    sources.append(line)
        if not step.changed:
            blocks.append(Para(t("timeline.no_change", lang)))
            continue
        outcomes = (*step.diff.recommendations, *step.diff.risks)
        blocks += [outcome_entry(step.diff, o, lang, ids=ids) for o in outcomes]
    if changes_only and len(tl.steps) > changed:
        blocks.append(Para(t("timeline.hidden", lang, n=len(tl.steps) - changed)))
    if sources:
        blocks += [Heading(2, t("timeline.sources", lang)), Bullets(sources)]
    return Document(title, blocks, lang=lang, compact=True)


def render(
    tl: Timeline,
    fmt: str,
    lang: str,
    *,
    changes_only: bool = False,
    loaded: LoadedScenario | None = None,
    ids: bool = False,
) -> str:
    """``fmt``: json (the data), html (the picture; ``loaded``, the scenario the timeline was
    built from, lets it cite each fact), or a document format (text, markdown, ...)."""
    if fmt == "html":
        from policyengine.render.charts.timeline import render_html

        return render_html(tl, lang, changes_only=changes_only, loaded=loaded)
    if fmt == "json":
        return to_json(tl.to_dict())
    from policyengine.render.backends import render as draw

    return draw(document(tl, lang, changes_only=changes_only, ids=ids), fmt)
