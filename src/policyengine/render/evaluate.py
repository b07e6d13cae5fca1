"""Rendering the result of ``evaluate``: one document (text, Markdown, HTML), or byte-stable JSON."""

from __future__ import annotations

from policyengine.display import value as value_name
from policyengine.engine.results import CitedPassage, Recommendation, Result, Risk
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
    Title,
)
from policyengine.render.common import to_json
from policyengine.text import t

PRIORITIES = ("high", "medium", "low")


def document(result: Result, lang: str = "ja") -> Document:
    """The report of one evaluation, in ``lang``: every format is drawn from it."""

    def L(name: str, **fields: object) -> str:
        return t(f"evaluate.{name}", lang, **fields)

    summary = L("summary", n=len(result.recommendations), r=len(result.risks))
    blocks: list[Block] = [
        Title(
            f"{L('title')}: {result.title[lang]}",
            note=(L("as_of"), result.as_of),
            fields=[(L("files"), Chain(result.files)), (L("pack"), [Code(result.pack_id), f" — {summary}"])],
        )
    ]
    if not result.recommendations:
        blocks.append(Para(L("none")))
    for p in PRIORITIES:
        recs = [r for r in result.recommendations if r.priority == p]
        if recs:
            blocks.append(Heading(2, L("priority", p=value_name(p, lang))))
            blocks.extend(_recommendation(r, lang) for r in recs)
    if result.risks:
        blocks.append(Heading(2, L("risks")))
        blocks.extend(_risk(k, lang) for k in result.risks)
    if result.sources:
        blocks.append(Heading(2, L("sources")))
        blocks.extend(_passage(i, passage, lang) for i, passage in enumerate(result.sources, 1))
    return Document(f"{L('title')}: {result.title[lang]}", blocks, lang=lang, compact=True)


def _ids(ids: list[str] | tuple[str, ...]) -> list[str | Code]:
    out: list[str | Code] = []
    for i, x in enumerate(ids):
        out += [", ", Code(x)] if i else [Code(x)]
    return out


def _recommendation(r: Recommendation, lang: str) -> Entry:
    body: list[Para | Field | Citation | Quote] = []
    if r.because:
        body.append(Field(t("evaluate.because", lang), r.because[lang]))
    body.append(Field(t("evaluate.justification", lang), r.justification[lang]))
    if r.areas:
        body.append(Field(t("evaluate.areas", lang), ", ".join(r.areas)))
    body.append(Field(t("evaluate.evidence", lang), _ids(r.evidence)))
    body += [Citation(s.quote, s.document, s.section) for s in r.sources]
    return Entry(Code(r.id), f"{r.title[lang]} — {r.target_name[lang]}", body)


def _risk(k: Risk, lang: str) -> Entry:
    body: list[Para | Field | Citation | Quote] = [Para(k.message[lang])]
    if k.because:
        body.append(Field(t("evaluate.because", lang), k.because[lang]))
    body.append(Field(t("evaluate.evidence", lang), _ids(k.evidence)))
    body += [Citation(s.quote, s.document, s.section) for s in k.sources]
    severity = t("evaluate.severity", lang, p=value_name(k.severity, lang))
    return Entry([Code(k.id), f" ({severity})"], None, body)


def _passage(i: int, p: CitedPassage, lang: str) -> Entry:
    cited_by = Field(t("evaluate.cited_by", lang), _ids(p.rules))
    return Entry(f"{p.document}, {p.section}", None, [Quote(p.quote), cited_by], number=i)


def render_json(result: Result) -> str:
    return to_json(result.to_dict())


def render(result: Result, fmt: str, lang: str) -> str:
    if fmt == "json":
        return render_json(result)
    from policyengine.render.backends import render as draw

    return draw(document(result, lang), fmt)
