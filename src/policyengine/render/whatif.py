"""Rendering counterfactual answers (``whatif``) and load-bearing facts (``sensitivity``): one
document each (text, Markdown, HTML, ...), or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from policyengine.counterfactual.changes import Change
from policyengine.counterfactual.describe import Describer
from policyengine.counterfactual.sensitivity import SensitivityResult
from policyengine.counterfactual.whatif import Answer, WhatIfResult
from policyengine.models.common import I18nText
from policyengine.models.names import Names, format_date
from policyengine.models.scenario import assumptions, fact_of
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
    Inline,
    Para,
    Quote,
    Span,
    Table,
    Title,
    Value,
)
from policyengine.render.change_blocks import fact_phrase
from policyengine.render.common import to_json
from policyengine.text import Labels, t
from policyengine.validation.scenario import LoadedScenario

LABELS = Labels("whatif")


def _where(result: WhatIfResult, ch: Change) -> str | None:
    if ch.op == "add" and not ch.path:
        return None
    origin = result.loaded.origin(ch.fact)
    return origin.location.describe() if origin is not None else None


def _assumptions(loaded: LoadedScenario, fact_id: str) -> list[I18nText]:
    """The assumptions a scenario fact rests on (docs/scenarios.md, ``assumption``)."""
    fact = fact_of(loaded.scenario, fact_id)
    return assumptions(fact) if fact is not None else []


def fact_said(loaded: LoadedScenario, fact_id: str, lang: str) -> str:
    """A scenario fact as a reader says it (``asset protection for France``), from its id."""
    name = Names(loaded.scenario).fact_by_id(fact_id, lang)
    base = fact_id.partition("#")[0]
    return fact_phrase(base, None if name == fact_id else {lang: name}, lang)


def _facts_said(loaded: LoadedScenario, fact_ids: Sequence[str], lang: str, show_ids: bool) -> list[Span]:
    """Facts by name, joined as a list; with their ids under ``--ids``."""
    if show_ids:
        return _ids(fact_ids)
    return [t("whatif.list_sep", lang).join(fact_said(loaded, f, lang) for f in fact_ids)]


def _change_line(ch: Change, d: Describer, lang: str) -> str:
    sign = {"add": "+", "remove": "-", "alter": "~"}[ch.op]
    target = f"{ch.fact}#{ch.path}" if ch.path else ch.fact
    if ch.op == "alter":
        return f"{sign} {target}: {d.shown(ch.old, ch.path, lang)} -> {d.shown(ch.new, ch.path, lang)}"
    return f"{sign} {target}"


def _groups(result: WhatIfResult) -> list[tuple[list[Answer], list[Any] | None]]:
    """Single alterations of the same field with the same side effects, shown as one answer."""

    def key(a: Answer) -> tuple[Any, ...]:
        if len(a.changes) == 1 and a.changes[0].op == "alter":
            ch = a.changes[0]
            return ("alter", ch.fact, ch.path, a.lost, a.gained)
        return ("one", a.changes[0].key if a.changes else "", len(a.changes), id(a))

    out: list[tuple[list[Answer], list[Any] | None]] = []
    for k, items in groupby(result.answers, key=key):
        group = list(items)
        if k[0] == "alter" and len(group) > 1:
            out.append((group, [a.changes[0].new for a in group]))
        else:
            out.extend(([a], None) for a in group)
    return out


def _sentence(result: WhatIfResult, d: Describer, answer: Answer, lang: str, alts: list[Any] | None) -> str:
    return d.sentence(
        list(answer.changes),
        result.outcome_id,
        present=result.present,
        kind=result.kind,
        lang=lang,
        alternatives=alts,
    )


def _scenario_fields(loaded: LoadedScenario, lang: str) -> list[tuple[str, Value]]:
    """The scenario a report is about, by its title and readable date, and its files."""
    L = LABELS[lang]
    header = loaded.scenario.scenario
    said = t("whatif.scenario_value", lang, title=header.title.get(lang), day=format_date(header.as_of, lang))
    return [(L["scenario"], said), (L["files"], Chain(loaded.files))]


def _ids(ids: Sequence[str]) -> list[Span]:
    out: list[Span] = []
    for i, x in enumerate(ids):
        out += [", ", Code(x)] if i else [Code(x)]
    return out


def whatif_document(result: WhatIfResult, lang: str = "ja", *, show_ids: bool = False) -> Document:
    """``whatif``'s answers, in ``lang``: the question, where the search stands, then each minimal
    change set in words, with the facts it changes and what else it changes. Every format is
    drawn from it."""
    L = LABELS[lang]
    risk = "_risk" if result.kind == "risk" else ""
    question = L[("q_disappear" if result.present else "q_appear") + risk].format(id=result.outcome_id)
    now = L[("now_present" if result.present else "now_absent") + risk].format(
        rules=", ".join(result.rules) or "-"
    )
    notes: list[Inline] = [
        now,
        L["search"].format(
            n=result.max_changes, c=result.candidates, e=result.evaluations, r=result.rejected
        ),
    ]
    if result.stopped_early:
        notes.append(L["stopped"].format(why=result.stopped_early))
    blocks: list[Block] = [
        Title(question, fields=_scenario_fields(result.loaded, lang), notes=notes, wrap=True)
    ]
    if not result.answers:
        blocks.append(Para(L["none"].format(n=result.max_changes, c=result.candidates)))
        return Document(question, blocks, lang=lang, compact=True)
    blocks.append(Para(L["found"].format(n=len(result.answers))))
    d = Describer(result.loaded.scenario)
    for i, (answers, alts) in enumerate(_groups(result), 1):
        first = answers[0]
        body: list[Para | Field | Citation | Quote] = []
        seen: set[str] = set()  # where a change is written, said once per answer
        for a in answers:
            for ch in a.changes:
                if show_ids:
                    where = _where(result, ch) or L["new_fact"]
                    body.append(Para([Code(_change_line(ch, d, lang)), f" — {where}"]))
                elif (written := _where(result, ch)) is not None and written not in seen:
                    seen.add(written)
                    body.append(Field(L["written_at"], written))
                body += [
                    Field(L["assumption"], said.get(lang)) for said in _assumptions(result.loaded, ch.fact)
                ]
        if first.lost:
            body.append(Field(L["also_lost"], _ids(first.lost)))
        if first.gained:
            body.append(Field(L["also_gained"], _ids(first.gained)))
        blocks.append(Entry(_sentence(result, d, first, lang, alts), None, body, number=i))
    return Document(question, blocks, lang=lang, compact=True)


def whatif_to_dict(result: WhatIfResult) -> dict[str, Any]:
    d = Describer(result.loaded.scenario)
    header = result.loaded.scenario.scenario
    answers = []
    for a in result.answers:
        changes = []
        for ch in a.changes:
            item = ch.to_dict()
            item["location"] = _where(result, ch)
            item["description"] = {lang: d.clause(ch, lang) for lang in ("ja", "en")}
            changes.append(item)
        answers.append(
            {
                "changes": changes,
                "sentence": {lang: _sentence(result, d, a, lang, None) for lang in ("ja", "en")},
                "verified": True,
                "also_lost": list(a.lost),
                "also_gained": list(a.gained),
            }
        )
    return {
        "scenario": {"id": header.id, "as_of": header.as_of.isoformat(), "files": list(result.loaded.files)},
        "outcome": {"id": result.outcome_id, "kind": result.kind, "present": result.present},
        "question": "disappear" if result.present else "appear",
        "rules": list(result.rules),
        "max_changes": result.max_changes,
        "search": {
            "proposed": result.candidates,
            "evaluations": result.evaluations,
            "invalid": result.rejected,
            "stopped_early": result.stopped_early,
        },
        "answers": answers,
    }


def render_whatif(result: WhatIfResult, fmt: str, lang: str, *, show_ids: bool = False) -> str:
    """``whatif``'s answers in ``fmt``: JSON is the data, any other format a document backend."""
    if fmt == "json":
        return to_json(whatif_to_dict(result))
    from policyengine.render.backends import render as draw

    return draw(whatif_document(result, lang, show_ids=show_ids), fmt)


# -- sensitivity ----------------------------------------------------------------------------------


def sensitivity_to_dict(result: SensitivityResult) -> dict[str, Any]:
    header = result.loaded.scenario.scenario
    return {
        "scenario": {"id": header.id, "as_of": header.as_of.isoformat(), "files": list(result.loaded.files)},
        "recommendations": list(result.recommendations),
        "facts": [
            {
                "fact": f.fact,
                "location": f.location.describe() if f.location else None,
                "removable": f.removable,
                "reason": f.reason,
                "carries": list(f.lost),
                "gained_without_it": list(f.gained),
                "evidence_of": list(f.evidence),
                "removed_with_it": list(f.dependents),
                "assumptions": [a.model_dump() for a in _assumptions(result.loaded, f.fact)],
            }
            for f in result.facts
        ],
        "single_points_of_failure": {k: list(v) for k, v in result.single_points.items()},
        "evaluations": result.evaluations,
    }


def sensitivity_document(result: SensitivityResult, lang: str = "ja", *, show_ids: bool = False) -> Document:
    """``sensitivity``'s report, in ``lang``: the load-bearing facts (heaviest first), then each
    recommendation's single points of failure. Every format is drawn from it."""
    L = LABELS[lang]
    header = result.loaded.scenario.scenario
    said = t("whatif.scenario_value", lang, title=header.title.get(lang), day=format_date(header.as_of, lang))
    title = L["s_title"] + t("report.colon", lang) + said
    files = _scenario_fields(result.loaded, lang)[1:]
    blocks: list[Block] = [
        Title(title, fields=files, notes=[L["s_note"].format(e=result.evaluations)], wrap=True),
        Heading(2, L["s_load"]),
    ]
    for f in result.facts:
        if not f.lost and not f.gained:
            continue
        body: list[Para | Field | Citation | Quote] = []
        if f.location:
            body.append(Field(L["where"], str(f.location)))
        if f.lost:
            body.append(Field(L["carries"], _ids(f.lost)))
        if f.gained:
            body.append(Field(L["gained"], _ids(f.gained)))
        if f.dependents:
            count = L["s_dependents_count"].format(n=len(f.dependents))
            dependents: Value = _ids(f.dependents) if show_ids else count
            body.append(Field(L["s_dependents"], dependents))
        body += [Field(L["assumption"], a.get(lang)) for a in _assumptions(result.loaded, f.fact)]
        said = fact_said(result.loaded, f.fact, lang)
        key: list[Span] = [said, " (", Code(f.fact), ")"] if show_ids else [said]
        blocks.append(Entry([*key, f" [{f.weight}]"], None, body))
    idle = [f for f in result.facts if not f.lost and not f.gained]
    blocks += [Para(L["s_idle"].format(n=len(idle))), Heading(2, L["s_spof"])]
    rows: list[list[Inline]] = [
        [Code(rid), _facts_said(result.loaded, facts, lang, show_ids) if facts else L["s_none"]]
        for rid, facts in result.single_points.items()
    ]
    blocks.append(Table([L["recommendation"], L["spof"]], rows))
    not_removable = [f for f in result.facts if not f.removable]
    if not_removable:
        fixed: list[Inline] = [
            [Code(f.fact) if show_ids else fact_said(result.loaded, f.fact, lang), f": {f.reason}"]
            for f in not_removable
        ]
        blocks.append(Bullets(fixed))
    return Document(title, blocks, lang=lang, compact=True)


def render_sensitivity(result: SensitivityResult, fmt: str, lang: str, *, show_ids: bool = False) -> str:
    """``sensitivity``'s report in ``fmt``: JSON is the data, any other format a document backend."""
    if fmt == "json":
        return to_json(sensitivity_to_dict(result))
    from policyengine.render.backends import render as draw

    return draw(sensitivity_document(result, lang, show_ids=show_ids), fmt)
