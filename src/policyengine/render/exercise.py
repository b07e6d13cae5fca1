"""Rendering exercises: the facilitator's run, the after-action report, the player and facilitator handouts.

Everything is built as blocks (``policyengine.render.blocks``) and formatted as text, Markdown or
self-contained HTML. Renderers only format: the run, the report and the guide are computed by
``policyengine.exercise``. Nothing here prints times or file paths, so that a replayed run is
byte-identical to the session it replays, from any folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from policyengine.display import Names, format_date
from policyengine.models.exercise import Inject
from policyengine.models.vocabulary import VALUE_NAMES
from policyengine.render.blocks import (
    Block,
    Bullets,
    Code,
    Document,
    Heading,
    Inline,
    Para,
    Quote,
    Section,
    Strong,
    to_html,
    to_markdown,
    to_text,
)

if TYPE_CHECKING:
    from policyengine.engine.results import Recommendation, Result, Risk
    from policyengine.exercise.changes import MoveChanges
    from policyengine.exercise.load import LoadedExercise
    from policyengine.exercise.runner import ExerciseRun, MoveState
    from policyengine.validation.scenario import LoadedScenario

from policyengine.render.exercise_labels import LABELS


def _l(lang: str, key: str, **kw: object) -> str:
    text = LABELS[lang][key]
    return text.format(**kw) if kw else text


def _date(d: object, lang: str) -> str:
    import datetime as dt

    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    assert isinstance(d, dt.date)
    return format_date(d, lang)


def _value(v: str, lang: str) -> str:
    names = VALUE_NAMES.get(v)
    return names[0 if lang == "ja" else 1] if names else v


def _stop(lang: str) -> str:
    """Between two sentences of one item."""
    return "。" if lang == "ja" else ". "


def _join(items: Sequence[str], lang: str) -> str:
    return ("、" if lang == "ja" else ", ").join(items)


# -- shared pieces ------------------------------------------------------------------------------


def fact_label(fact_id: str, names: Names, lang: str) -> str:
    """``agreement:raa-jpn-gbr`` with its display name, when it has one."""
    kind, _, ident = fact_id.partition(":")
    name = {
        "country": names.country,
        "framework": names.framework,
        "agreement": names.agreement,
        "event": names.event,
        "interest": names.interest,
        "area": names.area,
        "asset_protection": names.country,
    }.get(kind)
    shown = name(ident, lang) if name else ident
    return fact_id if shown == ident else f"{fact_id} ({shown})"


def _cells(exercise: LoadedExercise, ids: Sequence[str], lang: str) -> str:
    names = {c.id: c.name.get(lang) for c in exercise.exercise.cells}
    return _join([names.get(i, i) for i in ids], lang) if ids else _l(lang, "all_cells")


def _condition(inject: Inject, lang: str) -> str:
    assert inject.when is not None
    quote = "」「" if lang == "ja" else "', '"
    parts = []
    if inject.when.decided:
        parts.append(_l(lang, "if_decided", id=quote.join(inject.when.decided)))
    if inject.when.not_decided:
        parts.append(_l(lang, "if_not_decided", id=quote.join(inject.when.not_decided)))
    if inject.when.applied:
        parts.append(_l(lang, "if_applied", id=quote.join(inject.when.applied)))
    return ("。" if lang == "ja" else "; ").join(parts)


def _fact_changes(inject: Inject) -> Inline:
    marks = {"add": "+", "replace": "~", "remove": "-"}
    out: list[str | Code | Strong] = []
    for i, (fid, block) in enumerate(sorted(inject.touched().items())):
        if i:
            out.append(", ")
        out += [f"{marks[block]} ", Code(fid)]
    return out


def _inject_blocks(
    exercise: LoadedExercise,
    inject: Inject,
    number: str,
    lang: str,
    *,
    facilitator: bool,
    applied: bool | None = None,
) -> list[Block]:
    title: list[str | Code | Strong] = [
        Strong(f"[{number}]{' ' + inject.time if inject.time else ''} {inject.title.get(lang)}")
    ]
    if facilitator:
        title += [" (", Code(inject.id), ")"]
    blocks: list[Block] = [Para(title)]
    if applied is False:
        blocks.append(Para(f"{_condition(inject, lang)} — {_l(lang, 'not_applied')}", cls="note"))
        return [Section(blocks, cls="inject")]
    blocks.append(Para(inject.description.get(lang)))
    sender = f"{_l(lang, 'from')}: {inject.from_.get(lang)} → " if inject.from_ else ""
    blocks.append(Para(f"{sender}{_l(lang, 'to')}: {_cells(exercise, inject.to, lang)}", cls="note"))
    if facilitator:
        if inject.when is not None:
            state = "" if applied is None else f" — {_l(lang, 'applied')}"
            blocks.append(Para(_condition(inject, lang) + state, cls="note facilitator"))
        if inject.notes is not None:
            blocks.append(Para(f"{_l(lang, 'notes')}: {inject.notes.get(lang)}", cls="note facilitator"))
        if inject.touched():
            blocks.append(
                Para([f"{_l(lang, 'facts')}: ", *_as_list(_fact_changes(inject))], cls="note facilitator")
            )
    return [Section(blocks, cls="inject")]


def _as_list(text: Inline) -> list[str | Code | Strong]:
    if isinstance(text, (str, Code, Strong)):
        return [text]
    return list(text)


def _rec_line(r: Recommendation, lang: str, mark: str = "") -> Inline:
    return [
        f"{mark} " if mark else "",
        Code(r.id),
        f" [{_value(r.priority, lang)}] {r.title[lang]} — {r.target_name[lang]}",
    ]


def _risk_line(k: Risk, lang: str) -> Inline:
    return [Code(k.id), f" [{_value(k.severity, lang)}] {k.message[lang]}"]


def _source_quote(r: Recommendation | Risk) -> list[Block]:
    return [Quote(s.quote, f"{s.document}, {s.section}") for s in r.sources]


def _changes_blocks(
    changes: MoveChanges,
    before: tuple[LoadedScenario, Result],
    after: tuple[LoadedScenario, Result],
    injects: Sequence[Inject],
    lang: str,
    *,
    level: int = 3,
    since: str,
) -> list[Block]:
    blocks: list[Block] = [Heading(level, _l(lang, "changes", since=since))]
    if changes.empty:
        return [*blocks, Para(_l(lang, "no_change"))]
    new_names, old_names = Names(after[0].scenario), Names(before[0].scenario)
    by_fact: dict[str, list[str]] = {}
    for inj in injects:
        for fid in inj.touched():
            by_fact.setdefault(fid, []).append(inj.id)

    def cause(oid: str) -> list[str | Code | Strong]:
        facts = changes.causes.get(oid, [])
        if not facts:
            return []
        out: list[str | Code | Strong] = [f"{_stop(lang)}{_l(lang, 'caused_by')}: "]
        for i, fid in enumerate(facts):
            out += [", " if i else "", Code(fid)]
            if by_fact.get(fid):
                out.append(f" ({_l(lang, 'inject')} {', '.join(by_fact[fid])})")
        return out

    marks = [
        ("+", changes.facts_added, new_names),
        ("~", changes.facts_altered, new_names),
        ("-", changes.facts_removed, old_names),
    ]
    fact_items: list[Inline] = []
    for mark, ids, names in marks:
        for fid in ids:
            via = f" — {_l(lang, 'inject')} {', '.join(by_fact[fid])}" if by_fact.get(fid) else ""
            fact_items.append(f"{mark} {fact_label(fid, names, lang)}{via}")
    if fact_items:
        blocks += [Para(Strong(_l(lang, "facts_changed"))), Bullets(fact_items)]
    new_recs = {r.id: r for r in after[1].recommendations}
    old_recs = {r.id: r for r in before[1].recommendations}
    if changes.recommendations_added:
        blocks.append(Para(Strong(_l(lang, "recs_added"))))
        for rid in changes.recommendations_added:
            r = new_recs[rid]
            because = f"{_stop(lang)}{_l(lang, 'because')}: {r.justification[lang]}"
            blocks.append(Bullets([[*_as_list(_rec_line(r, lang, "+")), *cause(rid), because]]))
            blocks += _source_quote(r)
    if changes.recommendations_removed:
        blocks.append(Para(Strong(_l(lang, "recs_removed"))))
        blocks.append(
            Bullets(
                [
                    [*_as_list(_rec_line(old_recs[rid], lang, "-")), *cause(rid)]
                    for rid in changes.recommendations_removed
                ]
            )
        )
    if changes.recommendations_changed:
        blocks.append(Para(Strong(_l(lang, "recs_changed"))))
        for rid in changes.recommendations_changed:
            o, n = old_recs[rid], new_recs[rid]
            blocks.append(Bullets([[*_as_list(_rec_line(n, lang, "~")), *cause(rid)]]))
            if o.priority != n.priority:
                blocks.append(
                    Para(f"{_l(lang, 'priority')}: {_value(o.priority, lang)} → {_value(n.priority, lang)}")
                )
            if o.justification != n.justification:
                blocks.append(Para(f"{_l(lang, 'now')}: {n.justification[lang]}"))
                blocks.append(Para(f"{_l(lang, 'was')}: {o.justification[lang]}", cls="note"))
    new_risks = {k.id: k for k in after[1].risks}
    old_risks = {k.id: k for k in before[1].risks}
    for key, ids, pool in (
        ("risks_added", changes.risks_added, new_risks),
        ("risks_removed", changes.risks_removed, old_risks),
        ("risks_changed", changes.risks_changed, new_risks),
    ):
        if ids:
            blocks += [
                Para(Strong(_l(lang, key))),
                Bullets([[*_as_list(_risk_line(pool[k], lang)), *cause(k)] for k in ids]),
            ]
    return blocks


# -- the run ------------------------------------------------------------------------------------


def run_header_blocks(run: ExerciseRun, lang: str) -> list[Block]:
    ex = run.exercise
    h = ex.exercise.exercise
    start = run.start_loaded.scenario.scenario
    blocks: list[Block] = [Heading(1, f"{_l(lang, 'exercise')}: {h.title.get(lang)} ({h.id})")]
    if h.description:
        blocks.append(Para(h.description.get(lang)))
    blocks.append(
        Bullets(
            [
                f"{_l(lang, 'start')}: "
                + _l(
                    lang,
                    "start_line",
                    title=start.title.get(lang),
                    id=start.id,
                    date=_date(start.as_of, lang),
                    n=len(run.start_result.recommendations),
                    r=len(run.start_result.risks),
                ),
                f"{_l(lang, 'pack')}: {run.pack.pack.id}",
                f"{_l(lang, 'cells')}: "
                + _join([f"{c.name.get(lang)} ({c.id})" for c in ex.exercise.cells], lang),
            ]
        )
    )
    return blocks


def move_blocks(run: ExerciseRun, state: MoveState, lang: str, *, guide: bool = False) -> list[Block]:
    """One move as the facilitator's console shows it.

    ``guide``: as the facilitator guide shows it, before the session: every inject in full with
    its condition and expected actions, the recommendations being those if players decide nothing.
    """
    ex = run.exercise
    move = state.move
    total = len(ex.moves)
    n = state.index + 1
    blocks: list[Block] = [
        Heading(
            2, _l(lang, "move", n=n, total=total, title=move.title.get(lang), date=_date(move.date, lang))
        )
    ]
    if move.situation:
        blocks += [Heading(3, _l(lang, "situation")), Para(move.situation.get(lang))]
    if move.notes:
        blocks.append(Para(f"{_l(lang, 'notes')}: {move.notes.get(lang)}", cls="note facilitator"))
    if state.injects:
        blocks.append(Heading(3, _l(lang, "injects")))
        for o in state.injects:
            applied = None if guide or o.inject.when is None else o.applied
            blocks += _inject_blocks(
                ex, o.inject, f"{n}.{o.index + 1}", lang, facilitator=True, applied=applied
            )
            if guide:
                for e in o.inject.expect:
                    who = f" ({_cells(ex, [e.cell], lang)})" if e.cell else ""
                    note = f" — {e.note.get(lang)}" if e.note else ""
                    blocks.append(
                        Para(
                            [f"{_l(lang, 'expected')}: ", Code(e.action), who + note], cls="note facilitator"
                        )
                    )
    if move.questions:
        blocks += [
            Heading(3, _l(lang, "questions")),
            Bullets([q.get(lang) for q in move.questions], ordered=True),
        ]
    expected = state.expected()
    if expected:
        ids = set(state.result.ids)
        items: list[Inline] = []
        for _, e in expected:
            who = f" ({_cells(ex, [e.cell], lang)})" if e.cell else ""
            status = _l(lang, "recommended_here") if e.action in ids else _l(lang, "not_recommended_here")
            items.append([Code(e.action), f"{who} — {status}"])
        blocks += [Heading(3, _l(lang, "expected")), Bullets(items)]
    added = set(state.changes.recommendations_added)
    changed = set(state.changes.recommendations_changed)
    recs = state.result.recommendations
    heading = "engine_move" if guide else "recommendations"
    blocks.append(Heading(3, _l(lang, heading, n=len(recs))))
    blocks.append(
        Bullets(
            [_rec_line(r, lang, "+" if r.id in added else ("~" if r.id in changed else "")) for r in recs],
            ordered=True,
        )
        if recs
        else Para(_l(lang, "none"))
    )
    if state.result.risks:
        blocks += [
            Heading(3, _l(lang, "risks", n=len(state.result.risks))),
            Bullets([_risk_line(k, lang) for k in state.result.risks]),
        ]
    if state.index:
        prev = run.moves[state.index - 1]
        before = (prev.loaded, prev.result)
        since = _l(lang, "move_short", n=state.index)
    else:
        before = (run.start_loaded, run.start_result)
        since = _l(lang, "since_start")
    blocks += _changes_blocks(
        state.changes, before, (state.loaded, state.result), state.applied, lang, since=since
    )
    return blocks


def decision_blocks(run: ExerciseRun, state: MoveState, lang: str) -> list[Block]:
    """The decisions players recorded in a move."""
    blocks: list[Block] = [Heading(3, _l(lang, "decisions", move=_l(lang, "move_short", n=state.index + 1)))]
    if not state.decisions:
        return [*blocks, Para(_l(lang, "no_decisions"))]
    ids = set(state.result.ids)
    items: list[Inline] = []
    for d in state.decisions:
        kind = _l(lang, "decision_recommended") if d.action in ids else _l(lang, "decision_other")
        line: list[str | Code | Strong] = [
            f"[{_cells(run.exercise, [d.cell], lang)}] ",
            Code(d.action),
            f" — {kind}",
        ]
        if d.rationale:
            line.append(f"{_stop(lang)}{_l(lang, 'rationale')}: {d.rationale}")
        items.append(line)
    return [*blocks, Bullets(items)]


def render_blocks(blocks: Sequence[Block], fmt: str, lang: str, title: str = "") -> str:
    doc = Document(title, list(blocks), lang)
    if fmt == "markdown":
        return to_markdown(doc)
    if fmt == "html":
        return to_html(doc)
    return to_text(doc)


def render_run(run: ExerciseRun, fmt: str, lang: str, *, decisions: bool = True) -> str:
    """The whole run: header, then every move played and, if asked, its decisions."""
    parts = [render_blocks(run_header_blocks(run, lang), fmt, lang)]
    for state in run.moves:
        parts.append(render_move(run, state, fmt, lang))
        if decisions:
            parts.append(render_decisions(run, state, fmt, lang))
    return "\n".join(parts)


def render_header(run: ExerciseRun, fmt: str, lang: str) -> str:
    return render_blocks(run_header_blocks(run, lang), fmt, lang)


def render_move(run: ExerciseRun, state: MoveState, fmt: str, lang: str) -> str:
    return render_blocks(move_blocks(run, state, lang), fmt, lang)


def render_decisions(run: ExerciseRun, state: MoveState, fmt: str, lang: str) -> str:
    return render_blocks(decision_blocks(run, state, lang), fmt, lang)
