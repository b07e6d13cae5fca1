"""Rendering exercises: the facilitator's run, the after-action report, the player and facilitator handouts.

Everything is built as blocks (``policyengine.render.blocks``) and formatted as text, Markdown or
self-contained HTML. Renderers only format: the run, the report and the guide are computed by
``policyengine.exercise``. Nothing here prints times or file paths, so that a replayed run is
byte-identical to the session it replays, from any folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from policyengine.exercise.numbering import inject_number
from policyengine.models.exercise import Inject, Move
from policyengine.models.names import Names, format_date
from policyengine.models.names import value as value_name
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
from policyengine.text import t

if TYPE_CHECKING:
    from policyengine.engine.results import Recommendation, Result, Risk
    from policyengine.exercise.changes import MoveChanges
    from policyengine.exercise.load import LoadedExercise
    from policyengine.exercise.runner import ExerciseRun, MoveState
    from policyengine.validation.scenario import LoadedScenario

from policyengine.render.exercise_labels import LABELS

#: Print and screen styles of the exercise documents (run, handouts, guide, report), on top of
#: the document styles: each facilitator callout kind has its own colour, border and mark, so
#: that a printed page tells a condition from a controller note, a fact change or an expected
#: action; ◎ (a recent focus) is drawn larger and bolder than 〇 (mentioned), which CJK fonts
#: draw the other way round; status and date cells never wrap, rating cells and headers break
#: between words only (keep-all: not between two Japanese characters); the matrix's column
#: headers are small enough for nine frameworks to fit the width of an A4 page (a table wider
#: than the page makes chromium shrink every page to fit it); print at 10.5 pt on A4, keeping
#: an inject or a callout on one page but letting long sections run on (a whole section kept
#: together left most of a page blank whenever it did not fit).
EXERCISE_CSS = """
.callout{padding:.15rem .5rem;margin:.3rem 0;border-left:5px solid #888;-webkit-print-color-adjust:exact;
print-color-adjust:exact}
.callout.condition{border-left:5px dashed #2d5fa8;background:#eef3fb}
.callout.notes{border-left:5px solid #a33;background:#fbeeee}
.callout.facts{border-left:5px dotted #666;background:#f4f4f4}
.callout.expected{border-left:5px double #2e7d32;background:#edf6ed}
.callout.notes::before{content:"\25A0  ";color:#a33}
.callout.expected::before{content:"\2713  ";color:#2e7d32}
.callout.condition::before{content:"\21B3  ";color:#2d5fa8}
.callout.facts::before{content:"\00B1  ";color:#555}
td.c.focus{font-size:1.3em;font-weight:900;line-height:1}td.c.mentioned{font-size:.85em;color:#444}
th{word-break:keep-all;overflow-wrap:normal}
th[scope=col]{font-size:.72rem;padding:.2rem .25rem;line-height:1.25}td.c{padding:.1rem .25rem}
td.matched,td.diverged,td.not-considered,td.anticipated,td.status,td.date,td[class^="outcome-"]{
white-space:nowrap}td.rating{word-break:keep-all;overflow-wrap:normal}
.bottom-line{font-size:1.05rem;border:2px solid #333;padding:.5rem .75rem}
table.ip,table.msel,table.numbers{font-size:.85rem}
td.rating-P{background:#e3f4e1}td.rating-S{background:#f6f1c7}td.rating-M{background:#fde2cf}
td.rating-U{background:#f8d0d0}td.rating,td.status{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@page{size:A4;margin:14mm 12mm}
@media print{body{font-size:10.5pt}section{break-inside:auto;page-break-inside:auto}
section.inject,.callout,.bottom-line{break-inside:avoid;page-break-inside:avoid}}
"""


def label(lang: str, key: str, **kw: object) -> str:
    text = LABELS[lang][key]
    return text.format(**kw) if kw else text


def move_title(move: Move, n: int, total: int, lang: str) -> str:
    """``Move N of TOTAL: TITLE (DATE)`` in ``lang``: every report's heading of a move."""
    return label(lang, "move", n=n, total=total, title=move.title.get(lang), date=date_text(move.date, lang))


def date_text(d: object, lang: str) -> str:
    import datetime as dt

    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    assert isinstance(d, dt.date)
    return format_date(d, lang)


def sentence_stop(lang: str) -> str:
    """Between two sentences of one item."""
    return "。" if lang == "ja" else ". "


def join_text(items: Sequence[str], lang: str) -> str:
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


def cell_names(exercise: LoadedExercise, ids: Sequence[str], lang: str) -> str:
    names = {c.id: c.name.get(lang) for c in exercise.exercise.cells}
    ids = [i for i in ids if i]  # a decision of no cell ("") is the whole room's
    return join_text([names.get(i, i) for i in ids], lang) if ids else label(lang, "all_cells")


def condition_text(inject: Inject, lang: str) -> str:
    assert inject.when is not None
    quote = "」「" if lang == "ja" else "', '"
    parts = []
    if inject.when.decided:
        parts.append(label(lang, "if_decided", id=quote.join(inject.when.decided)))
    if inject.when.not_decided:
        parts.append(label(lang, "if_not_decided", id=quote.join(inject.when.not_decided)))
    if inject.when.applied:
        parts.append(label(lang, "if_applied", id=quote.join(inject.when.applied)))
    return ("。" if lang == "ja" else "; ").join(parts)


def fact_changes(inject: Inject) -> Inline:
    marks = {"add": "+", "replace": "~", "update": "~", "remove": "-"}
    out: list[str | Code | Strong] = []
    for i, (fid, block) in enumerate(sorted(inject.touched().items())):
        if i:
            out.append(", ")
        out += [f"{marks[block]} ", Code(fid)]
    return out


def inject_blocks(
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
        blocks.append(Para(f"{condition_text(inject, lang)} — {label(lang, 'not_applied')}", cls="note"))
        return [Section(blocks, cls="inject")]
    blocks.append(Para(inject.description.get(lang)))
    sender = f"{label(lang, 'from')}: {inject.from_.get(lang)} → " if inject.from_ else ""
    blocks.append(Para(f"{sender}{label(lang, 'to')}: {cell_names(exercise, inject.to, lang)}", cls="note"))
    if facilitator:
        if inject.when is not None:
            state = "" if applied is None else f" — {label(lang, 'applied')}"
            blocks.append(Para(condition_text(inject, lang) + state, cls="note callout condition"))
        if inject.notes is not None:
            blocks.append(Para(f"{label(lang, 'notes')}: {inject.notes.get(lang)}", cls="note callout notes"))
        if inject.touched():
            blocks.append(
                Para([f"{label(lang, 'facts')}: ", *as_parts(fact_changes(inject))], cls="note callout facts")
            )
    return [Section(blocks, cls="inject")]


def as_parts(text: Inline) -> list[str | Code | Strong]:
    if isinstance(text, (str, Code, Strong)):
        return [text]
    return list(text)


def recommendation_line(r: Recommendation, lang: str, mark: str = "") -> Inline:
    return [
        f"{mark} " if mark else "",
        Code(r.id),
        f" [{value_name(r.priority, lang)}] {r.title[lang]} — {r.target_name[lang]}",
    ]


def risk_line(k: Risk, lang: str) -> Inline:
    return [Code(k.id), f" [{value_name(k.severity, lang)}] {k.message[lang]}"]


def source_quotes(r: Recommendation | Risk) -> list[Block]:
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
    blocks: list[Block] = [Heading(level, label(lang, "changes", since=since))]
    if changes.empty:
        return [*blocks, Para(label(lang, "no_change"))]
    new_names, old_names = Names(after[0].scenario), Names(before[0].scenario)
    by_fact: dict[str, list[str]] = {}
    for inj in injects:
        for fid in inj.touched():
            by_fact.setdefault(fid, []).append(inj.id)

    def cause(oid: str) -> list[str | Code | Strong]:
        facts = changes.causes.get(oid, [])
        if not facts:
            return []
        out: list[str | Code | Strong] = [f"{sentence_stop(lang)}{label(lang, 'caused_by')}: "]
        for i, fid in enumerate(facts):
            out += [", " if i else "", Code(fid)]
            if by_fact.get(fid):
                out.append(f" ({label(lang, 'inject')} {', '.join(by_fact[fid])})")
        return out

    marks = [
        ("+", changes.facts_added, new_names),
        ("~", changes.facts_altered, new_names),
        ("-", changes.facts_removed, old_names),
    ]
    fact_items: list[Inline] = []
    for mark, ids, names in marks:
        for fid in ids:
            via = f" — {label(lang, 'inject')} {', '.join(by_fact[fid])}" if by_fact.get(fid) else ""
            fact_items.append(f"{mark} {fact_label(fid, names, lang)}{via}")
    if fact_items:
        blocks += [Para(Strong(label(lang, "facts_changed"))), Bullets(fact_items)]
    new_recs = {r.id: r for r in after[1].recommendations}
    old_recs = {r.id: r for r in before[1].recommendations}
    if changes.recommendations_added:
        blocks.append(Para(Strong(label(lang, "recs_added"))))
        for rid in changes.recommendations_added:
            r = new_recs[rid]
            because = f"{sentence_stop(lang)}{label(lang, 'because')}: {r.justification[lang]}"
            blocks.append(Bullets([[*as_parts(recommendation_line(r, lang, "+")), *cause(rid), because]]))
            blocks += source_quotes(r)
    if changes.recommendations_removed:
        blocks.append(Para(Strong(label(lang, "recs_removed"))))
        blocks.append(
            Bullets(
                [
                    [*as_parts(recommendation_line(old_recs[rid], lang, "-")), *cause(rid)]
                    for rid in changes.recommendations_removed
                ]
            )
        )
    if changes.recommendations_changed:
        blocks.append(Para(Strong(label(lang, "recs_changed"))))
        for rid in changes.recommendations_changed:
            o, n = old_recs[rid], new_recs[rid]
            blocks.append(Bullets([[*as_parts(recommendation_line(n, lang, "~")), *cause(rid)]]))
            if o.priority != n.priority:
                was, now = value_name(o.priority, lang), value_name(n.priority, lang)
                blocks.append(Para(f"{label(lang, 'priority')}: {was} → {now}"))
            if o.justification != n.justification:
                blocks.append(Para(f"{label(lang, 'now')}: {n.justification[lang]}"))
                blocks.append(Para(f"{label(lang, 'was')}: {o.justification[lang]}", cls="note"))
    new_risks = {k.id: k for k in after[1].risks}
    old_risks = {k.id: k for k in before[1].risks}
    for key, ids, pool in (
        ("risks_added", changes.risks_added, new_risks),
        ("risks_removed", changes.risks_removed, old_risks),
        ("risks_changed", changes.risks_changed, new_risks),
    ):
        if ids:
            blocks += [
                Para(Strong(label(lang, key))),
                Bullets([[*as_parts(risk_line(pool[k], lang)), *cause(k)] for k in ids]),
            ]
    return blocks


# -- a move's bottom line -----------------------------------------------------------------------


def in_play(state: MoveState) -> set[str]:
    """The recommendations a move brought into play: added or changed by its injects, or
    expected by its MSEL."""
    changes = state.changes
    return {
        *changes.recommendations_added,
        *changes.recommendations_changed,
        *(e.action for _, e in state.expected()),
    }


def before_of(run: ExerciseRun, state: MoveState) -> tuple[LoadedScenario, Result]:
    """The world a move starts from: the previous move's, or the starting scenario's."""
    if state.index:
        prev = run.moves[state.index - 1]
        return prev.loaded, prev.result
    return run.start_loaded, run.start_result


def since_text(state: MoveState, lang: str) -> str:
    """What a move's changes are counted from: the previous move, or the start."""
    return label(lang, "move_short", n=state.index) if state.index else label(lang, "since_start")


def move_top(state: MoveState) -> list[Recommendation]:
    """The few actions that matter most in a move: evaluate's bottom line, the move's own first."""
    from policyengine.render.evaluate import top_actions

    return top_actions(state.result, first=in_play(state))


def move_change_lines(state: MoveState, before: Result, lang: str) -> list[str]:
    """What a move's injects added, removed and changed, one line each, in evaluate's words."""
    c = state.changes
    new_recs = {r.id: r for r in state.result.recommendations}
    old_recs = {r.id: r for r in before.recommendations}
    new_risks = {k.id: k for k in state.result.risks}
    old_risks = {k.id: k for k in before.risks}
    groups: list[tuple[str, list[str], dict[str, Recommendation] | dict[str, Risk]]] = [
        ("briefing.change_new", c.recommendations_added, new_recs),
        ("briefing.change_gone", c.recommendations_removed, old_recs),
        ("move_brief.change_changed", c.recommendations_changed, new_recs),
        ("briefing.change_new_risk", c.risks_added, new_risks),
        ("briefing.change_gone_risk", c.risks_removed, old_risks),
        ("move_brief.change_changed_risk", c.risks_changed, new_risks),
    ]
    return [
        t(key, lang, title=pool[i].title[lang], target=pool[i].target_name[lang])
        for key, ids, pool in groups
        for i in ids
    ]


def bottom_line_blocks(run: ExerciseRun, state: MoveState, lang: str) -> list[Block]:
    """A move's bottom line, before its full lists: the actions that matter most in it, then
    what its injects added, removed or changed."""
    from policyengine.render.evaluate import top_line

    blocks: list[Block] = [Heading(3, t("briefing.bottom_line", lang))]
    top = move_top(state)
    if top:
        blocks += [
            Para(t("move_brief.top_how", lang)),
            Bullets([top_line(r, lang) for r in top], ordered=True),
        ]
    lines = move_change_lines(state, before_of(run, state)[1], lang)
    blocks += [
        Para(Strong(t("move_brief.changes", lang, since=since_text(state, lang)))),
        Bullets(lines) if lines else Para(t("move_brief.changes_none", lang)),
    ]
    return [Section(blocks, cls="bottom-line")]


# -- the run ------------------------------------------------------------------------------------


def run_header_blocks(run: ExerciseRun, lang: str) -> list[Block]:
    ex = run.exercise
    h = ex.exercise.exercise
    start = run.start_loaded.scenario.scenario
    blocks: list[Block] = [Heading(1, f"{label(lang, 'exercise')}: {h.title.get(lang)} ({h.id})")]
    if h.description:
        blocks.append(Para(h.description.get(lang)))
    blocks.append(
        Bullets(
            [
                f"{label(lang, 'start')}: "
                + label(
                    lang,
                    "start_line",
                    title=start.title.get(lang),
                    id=start.id,
                    date=date_text(start.as_of, lang),
                    n=len(run.start_result.recommendations),
                    r=len(run.start_result.risks),
                ),
                f"{label(lang, 'pack')}: {run.pack.pack.id}",
                f"{label(lang, 'cells')}: "
                + join_text([f"{c.name.get(lang)} ({c.id})" for c in ex.exercise.cells], lang),
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
    blocks: list[Block] = [Heading(2, move_title(move, n, total, lang))]
    if not guide:
        blocks += bottom_line_blocks(run, state, lang)
    if move.situation:
        blocks += [Heading(3, label(lang, "situation")), Para(move.situation.get(lang))]
    if move.notes:
        blocks.append(Para(f"{label(lang, 'notes')}: {move.notes.get(lang)}", cls="note callout notes"))
    if state.injects:
        blocks.append(Heading(3, label(lang, "injects")))
        for o in state.injects:
            applied = None if guide or o.inject.when is None else o.applied
            blocks += inject_blocks(
                ex, o.inject, inject_number(state.index, o.index), lang, facilitator=True, applied=applied
            )
            if guide:
                for e in o.inject.expect:
                    who = f" ({cell_names(ex, [e.cell], lang)})" if e.cell else ""
                    note = f" — {e.note.get(lang)}" if e.note else ""
                    blocks.append(
                        Para(
                            [f"{label(lang, 'expected')}: ", Code(e.action), who + note],
                            cls="note callout expected",
                        )
                    )
    if move.questions:
        blocks += [
            Heading(3, label(lang, "questions")),
            Bullets([q.get(lang) for q in move.questions], ordered=True),
        ]
    expected = state.expected()
    if expected:
        ids = set(state.result.ids)
        items: list[Inline] = []
        for _, e in expected:
            who = f" ({cell_names(ex, [e.cell], lang)})" if e.cell else ""
            status = (
                label(lang, "recommended_here") if e.action in ids else label(lang, "not_recommended_here")
            )
            items.append([Code(e.action), f"{who} — {status}"])
        blocks += [Heading(3, label(lang, "expected")), Bullets(items)]
    added = set(state.changes.recommendations_added)
    changed = set(state.changes.recommendations_changed)
    recs = state.result.recommendations
    if guide:
        # The guide lists every recommendation once, at the start; a move shows those in play
        # (added or changed by its injects, or expected by its MSEL), and what it removed is
        # under "what changed".
        in_play = added | changed | {e.action for _, e in expected}
        shown = [r for r in recs if r.id in in_play]
        blocks.append(Heading(3, t("handout.engine_in_play", lang, n=len(shown), total=len(recs))))
        blocks.append(
            Bullets(
                [
                    recommendation_line(r, lang, "+" if r.id in added else ("~" if r.id in changed else ""))
                    for r in shown
                ]
            )
            if shown
            else Para(label(lang, "none"))
        )
        if len(shown) < len(recs):
            blocks.append(Para(t("handout.engine_others", lang, n=len(recs) - len(shown)), cls="note"))
    else:
        blocks.append(Heading(3, label(lang, "recommendations", n=len(recs))))
        blocks.append(
            Bullets(
                [
                    recommendation_line(r, lang, "+" if r.id in added else ("~" if r.id in changed else ""))
                    for r in recs
                ],
                ordered=True,
            )
            if recs
            else Para(label(lang, "none"))
        )
    if state.result.risks:
        blocks += [
            Heading(3, label(lang, "risks", n=len(state.result.risks))),
            Bullets([risk_line(k, lang) for k in state.result.risks]),
        ]
    blocks += _changes_blocks(
        state.changes,
        before_of(run, state),
        (state.loaded, state.result),
        state.applied,
        lang,
        since=since_text(state, lang),
    )
    return blocks


def decision_blocks(run: ExerciseRun, state: MoveState, lang: str) -> list[Block]:
    """The decisions players recorded in a move."""
    blocks: list[Block] = [
        Heading(3, label(lang, "decisions", move=label(lang, "move_short", n=state.index + 1)))
    ]
    if not state.decisions:
        return [*blocks, Para(label(lang, "no_decisions"))]
    ids = set(state.result.ids)
    items: list[Inline] = []
    for d in state.decisions:
        kind = label(lang, "decision_recommended") if d.action in ids else label(lang, "decision_other")
        line: list[str | Code | Strong] = [
            f"[{cell_names(run.exercise, [d.cell], lang)}] ",
            Code(d.action),
            f" — {kind}",
        ]
        if d.rationale:
            line.append(f"{sentence_stop(lang)}{label(lang, 'rationale')}: {d.rationale}")
        items.append(line)
    return [*blocks, Bullets(items)]


def render_blocks(blocks: Sequence[Block], fmt: str, lang: str, title: str = "") -> str:
    doc = Document(title, list(blocks), lang)
    if fmt == "markdown":
        return to_markdown(doc)
    if fmt == "html":
        return to_html(doc, css=EXERCISE_CSS)
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
