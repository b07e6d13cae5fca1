"""Rendering a :class:`~policyengine.checks.CheckReport`: one document (text, Markdown, HTML, ...)
for a CI log or a review, or JSON.

The document names each broken expectation as ``FAIL FILE:LINE:COL`` (where it is written), what
was expected and found, the expectation's note, and why (the reasons nested as they were found);
passing expectations are counted, and listed with ``verbose``. ``ok``/``FAIL`` and the last
line's ``ok:``/``FAILED:`` stay the same in every language, for scripts that grep a CI log.
"""

from __future__ import annotations

import datetime as dt

from policyengine.checks import CheckReport, Finding
from policyengine.models.names import format_date
from policyengine.render.blocks import (
    Block,
    Bullets,
    Code,
    Document,
    Entry,
    Field,
    Heading,
    Outline,
    Para,
    Title,
    Value,
)
from policyengine.render.common import to_json
from policyengine.text import t


def _head(f: Finding, lang: str) -> str:
    where = f"{f.location}: " if f.location else ""
    status = "ok" if f.ok else "FAIL"
    what = t(f"check.{f.expectation}", lang)
    return t("check.finding", lang, status=status, where=where, id=f.id, what=what, message=f.message)


def _reasons(reasons: tuple[str, ...]) -> Outline:
    """Reasons nested by their indentation (two spaces a level)."""
    items, depth = [], -1
    for r in reasons:
        text = r.lstrip(" ")
        level = min((len(r) - len(text)) // 2, depth + 1)
        items.append((level, text))
        depth = level
    return Outline(items)


def _finding(f: Finding, lang: str) -> Entry:
    body: list[Field | Outline] = []
    if f.note:
        body.append(Field(t("check.note_label", lang), f.note))
    if f.reasons:
        body += [Field(t("check.why_label", lang), ""), _reasons(f.reasons)]
    return Entry(_head(f, lang), None, body)


def document(r: CheckReport, lang: str = "en", *, verbose: bool = False) -> Document:
    """The check's report in ``lang``: every document format is drawn from it."""
    title = t("check.title", lang, files=" <- ".join(r.scenario_files), expectations=r.expectations_path)
    try:
        as_of = format_date(dt.date.fromisoformat(r.as_of), lang)
    except ValueError:
        as_of = r.as_of
    fields: list[tuple[str, Value]] = [
        (t("check.scenario_label", lang), t("check.scenario_value", lang, id=r.scenario_id, as_of=as_of)),
        (t("check.pack", lang), Code(r.pack_id)),
    ]
    blocks: list[Block] = [Title(title, fields=fields)]
    if r.broken:
        blocks.append(Heading(2, t("check.broken", lang)))
        blocks += [_finding(f, lang) for f in r.broken]
    held = [f for f in r.findings if f.ok]
    if verbose and held:
        blocks += [Heading(2, t("check.holding", lang)), Bullets([_head(f, lang) for f in held])]
    n = len(r.findings)
    last = t("check.passed", lang, n=n) if r.passed else t("check.failed", lang, broken=len(r.broken), n=n)
    blocks.append(Para(last))
    return Document(title, blocks, lang=lang, compact=True)


def render(r: CheckReport, fmt: str, *, verbose: bool = False, lang: str = "en") -> str:
    """JSON (the data) or a document format (text, markdown, html, ...)."""
    if fmt == "json":
        return to_json(r.to_dict())
    from policyengine.render.backends import render as draw

    return draw(document(r, lang, verbose=verbose), fmt)
