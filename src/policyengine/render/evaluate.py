"""Rendering the result of ``evaluate``: one document (text, Markdown, HTML), or byte-stable JSON.

The report puts its bottom line first: the few actions that matter most, then what is new or gone
against a reference world, then one line per recommendation and risk, then the details and the
paper's passages they rest on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from policyengine.engine.results import Citation as CitedSource
from policyengine.engine.results import CitedPassage, Recommendation, Result, Risk
from policyengine.errors import InputError
from policyengine.models.names import format_date
from policyengine.models.names import value as value_name
from policyengine.models.vocabulary import AREA_NAMES
from policyengine.render.blocks import (
    Block,
    Bullets,
    Chain,
    Citation,
    Code,
    Document,
    Entry,
    Field,
    Heading,
    Para,
    Quote,
    Title,
)
from policyengine.render.common import to_json, translation
from policyengine.text import t

PRIORITIES = ("high", "medium", "low")

#: How many actions the bottom line names.
TOP = 3


def top_actions(result: Result, first: Collection[str] = ()) -> list[Recommendation]:
    """The few actions that matter most: by priority, then by how many of the paper's passages
    and how many facts of the world each rests on, then by id (so that ties are stable).
    ``first``: ids that come before all others (an exercise move's: those it brought into play)."""
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    ordered = sorted(
        result.recommendations,
        key=lambda r: (r.id not in first, rank[r.priority], -len(r.sources), -len(r.evidence), r.id),
    )
    return ordered[:TOP]


def by_priority(recs: list[Recommendation]) -> list[Recommendation]:
    """Recommendations by priority (high first), by id within one."""
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    return sorted(recs, key=lambda r: (rank[r.priority], r.id))


@dataclass(frozen=True)
class Reference:
    """What the bottom line reads of the reference world: its file and the title and target of
    each of its outcomes in the report's language. A reference holds no evaluation, so that a
    large world's reference can be evaluated and let go before the world itself is
    (:meth:`of`)."""

    file: str
    recommendations: dict[str, tuple[str, str]]  # id -> (title, target's name)
    risks: dict[str, tuple[str, str]]
    #: why the reference could not be evaluated: its first error's code and location, and how
    #: many more; None when it was
    problem: tuple[str, str, int] | None = None

    @classmethod
    def of(cls, result: Result, lang: str) -> Reference:
        def names(items: list[Recommendation] | list[Risk]) -> dict[str, tuple[str, str]]:
            return {x.id: (x.title[lang], x.target_name[lang]) for x in items}

        return cls(result.files[0], names(result.recommendations), names(result.risks))

    @classmethod
    def unavailable(cls, file: str, error: InputError) -> Reference:
        """A reference that does not load or evaluate on its own (a part of a world that only the
        files extending it complete): the report says so instead of what changed."""
        first = error.diagnostics[0]
        where = str(first.location) if first.location is not None else file
        return cls(file, {}, {}, (first.code, where, len(error.diagnostics) - 1))


def changes(result: Result, reference: Reference | None, lang: str) -> tuple[str, list[str]] | None:
    """The heading and lines saying what is new or gone against the reference world."""
    if reference is None:
        return None
    heading = t("briefing.changes", lang, reference=reference.file)
    if reference.problem is not None:
        code, where, more = reference.problem
        key = "briefing.changes_unavailable_more" if more else "briefing.changes_unavailable"
        return heading, [t(key, lang, reference=reference.file, code=code, where=where, more=more)]
    lines: list[str] = []
    pairs: tuple[tuple[list[Any], dict[str, tuple[str, str]], str], ...] = (
        (list(result.recommendations), reference.recommendations, ""),
        (list(result.risks), reference.risks, "_risk"),
    )
    for now, then, suffix in pairs:
        now_ids = {x.id: x for x in now}
        for rid in sorted(now_ids.keys() - then.keys()):
            x = now_ids[rid]
            lines.append(
                t(f"briefing.change_new{suffix}", lang, title=x.title[lang], target=x.target_name[lang])
            )
        for rid in sorted(then.keys() - now_ids.keys()):
            title, target = then[rid]
            lines.append(t(f"briefing.change_gone{suffix}", lang, title=title, target=target))
    return heading, lines or [t("briefing.changes_none", lang)]


def top_line(r: Recommendation, lang: str) -> str:
    """One action of the bottom line: what, on whom, its priority and what it rests on."""
    return t(
        "briefing.top_item",
        lang,
        title=r.title[lang],
        target=r.target_name[lang],
        priority=value_name(r.priority, lang),
        passages=counted(len(r.sources), "briefing.passages", lang),
        facts=counted(len(r.evidence), "briefing.facts", lang),
    )


def counted(n: int, key: str, lang: str) -> str:
    """``n`` things as the catalog's ``key`` says them: one to nine in words where the language
    writes them so ("one passage of the paper", "seven facts"), the singular for one."""
    number = t(f"briefing.number_{n}", lang) if 1 <= n <= 9 else str(n)
    return t(f"{key}_one" if n == 1 else key, lang, n=number)


def _one_line(x: Recommendation | Risk, lang: str) -> str:
    level = x.priority if isinstance(x, Recommendation) else x.severity
    return t(
        "briefing.one_line",
        lang,
        priority=value_name(level, lang),
        title=x.title[lang],
        target=x.target_name[lang],
        id=x.id,
    )



def document(
    result: Result, lang: str = "ja", *, reference: Reference | None = None, show_ids: bool = False
) -> Document:
    """The report of one evaluation, in ``lang``: every format is drawn from it. ``reference``:
    the world to say what is new or gone against; ``show_ids``: the facts' ids under each item."""

    def L(name: str, **fields: object) -> str:
        return t(f"evaluate.{name}", lang, **fields)

    summary = L("summary", n=len(result.recommendations), r=len(result.risks))
    as_of = format_date(dt.date.fromisoformat(result.as_of), lang)
    blocks: list[Block] = [
        Title(
            L("title") + t("report.colon", lang) + result.title[lang],
            note=(L("as_of"), as_of),
            fields=[(L("files"), Chain(result.files)), (L("pack"), [Code(result.pack_id), f" — {summary}"])],
        )
    ]
    if not result.recommendations:
        blocks.append(Para(L("none")))
    else:
        blocks += [
            Heading(2, t("briefing.bottom_line", lang)),
            Para(t("briefing.top_how", lang)),
            Bullets([top_line(r, lang) for r in top_actions(result)], ordered=True),
        ]
    against = changes(result, reference, lang)
    if against is not None:
        blocks += [Heading(2, against[0]), Bullets(against[1])]
    if result.recommendations:
        blocks += [
            Heading(2, t("briefing.all_recommendations", lang)),
            Bullets([_one_line(r, lang) for r in by_priority(result.recommendations)]),
        ]
    if result.risks:
        blocks += [
            Heading(2, t("briefing.all_risks", lang)),
            Bullets([_one_line(k, lang) for k in result.risks]),
        ]
    if result.recommendations:
        blocks.append(Heading(2, t("briefing.details", lang)))
    for p in PRIORITIES:
        recs = [r for r in result.recommendations if r.priority == p]
        if recs:
            blocks.append(Heading(2, L("priority", p=value_name(p, lang))))
            blocks.extend(_recommendation(r, lang, show_ids) for r in recs)
    if result.risks:
        blocks.append(Heading(2, L("risks")))
        blocks.extend(_risk(k, lang, show_ids) for k in result.risks)
    if result.sources:
        blocks.append(Heading(2, L("sources")))
        blocks.extend(_passage(i, passage, lang) for i, passage in enumerate(result.sources, 1))
    return Document(
        L("title") + t("report.colon", lang) + result.title[lang], blocks, lang=lang, compact=True
    )


def _ids(ids: list[str] | tuple[str, ...]) -> list[str | Code]:
    out: list[str | Code] = []
    for i, x in enumerate(ids):
        out += [", ", Code(x)] if i else [Code(x)]
    return out


def _area_names(areas: list[str], lang: str) -> str:
    names = (AREA_NAMES[a][0 if lang == "ja" else 1] if a in AREA_NAMES else a for a in areas)
    return t("display.list_sep", lang).join(names)


def _citations(sources: list[CitedSource], lang: str) -> list[Citation]:
    return [Citation(s.quote, s.document, s.section, translation(s.translation, lang)) for s in sources]


def _recommendation(r: Recommendation, lang: str, show_ids: bool) -> Entry:
    body: list[Para | Field | Citation | Quote] = []
    if r.because:
        body.append(Field(t("evaluate.because", lang), r.because[lang]))
    body.append(Field(t("evaluate.justification", lang), r.justification[lang]))
    if r.areas:
        body.append(Field(t("evaluate.areas", lang), _area_names(r.areas, lang)))
    if show_ids:
        body.append(Field(t("evaluate.evidence", lang), _ids(r.evidence)))
    body += _citations(r.sources, lang)
    return Entry(Code(r.id), f"{r.title[lang]} — {r.target_name[lang]}", body)


def _risk(k: Risk, lang: str, show_ids: bool) -> Entry:
    body: list[Para | Field | Citation | Quote] = [Para(k.message[lang])]
    if k.because:
        body.append(Field(t("evaluate.because", lang), k.because[lang]))
    if show_ids:
        body.append(Field(t("evaluate.evidence", lang), _ids(k.evidence)))
    body += _citations(k.sources, lang)
    severity = t("evaluate.severity", lang, p=value_name(k.severity, lang))
    return Entry([Code(k.id), f" ({severity})"], None, body)


def _passage(i: int, p: CitedPassage, lang: str) -> Entry:
    cited_by = Field(t("evaluate.cited_by", lang), _ids(p.rules))
    quote = Quote(p.quote, translation=translation(p.translation, lang))
    return Entry(f"{p.document}, {p.section}", None, [quote, cited_by], number=i)


def render_json(result: Result) -> str:
    return to_json(result.to_dict())


def render(
    result: Result, fmt: str, lang: str, *, reference: Reference | None = None, show_ids: bool = False
) -> str:
    """``evaluate``'s report: bottom line first (the actions that matter most, what is new or gone
    against ``reference``), one line per item, then the details and sources. JSON is the data."""
    if fmt == "json":
        return render_json(result)
    from policyengine.render.backends import render as draw

    return draw(document(result, lang, reference=reference, show_ids=show_ids), fmt)
