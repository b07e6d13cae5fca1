"""The after-action report (AAR/IP): timeline, per-move analysis, matrix before and after, findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from policyengine.display import Names
from policyengine.display import value as value_name
from policyengine.exercise.numbering import inject_number
from policyengine.models.vocabulary import LEVEL_SYMBOLS
from policyengine.render.blocks import (
    Block,
    Bullets,
    Cell,
    Code,
    Document,
    Heading,
    Inline,
    Para,
    Section,
    Strong,
    Table,
    to_html,
    to_markdown,
)
from policyengine.render.exercise import (
    cell_names,
    condition_text,
    date_text,
    join_text,
    label,
    move_title,
    risk_line,
    source_quotes,
)
from policyengine.render.handout import matrix_block

if TYPE_CHECKING:
    from policyengine.exercise.report import AfterActionReport, MoveReview


# -- the after-action report --------------------------------------------------------------------


def _status_cell(status: str, lang: str) -> Cell:
    return Cell(label(lang, status), cls=status.replace("matched-earlier", "matched"))


def _move_name(report: AfterActionReport, move_id: str, lang: str) -> str:
    ids = [m.id for m in report.run.exercise.moves]
    return label(lang, "move_short", n=ids.index(move_id) + 1) if move_id in ids else move_id


def _moves_text(report: AfterActionReport, moves: Sequence[str], lang: str) -> str:
    return join_text([_move_name(report, m, lang) for m in moves], lang)


def after_action_report(report: AfterActionReport, lang: str) -> Document:
    run = report.run
    ex = run.exercise
    h = ex.exercise.exercise
    title = label(lang, "aar_title", title=h.title.get(lang))
    start = run.start_loaded.scenario.scenario
    blocks: list[Block] = [Heading(1, title)]
    # overview
    moves_played = [m.state for m in report.moves]
    rows: list[list[Inline | Cell]] = [
        [label(lang, "exercise"), [h.title.get(lang), " ", Code(h.id)]],
        [
            label(lang, "start"),
            [start.title.get(lang), " ", Code(start.id), f" ({date_text(start.as_of, lang)})"],
        ],
        [
            label(lang, "moves_played"),
            label(lang, "moves_played_value", done=report.completed, total=report.total_moves),
        ],
        [label(lang, "cells"), join_text([c.name.get(lang) for c in ex.exercise.cells], lang)],
        [
            label(lang, "pack"),
            [Code(run.pack.pack.id), f" ({str(report.header['rules'].get('fingerprint', ''))[:12]})"],
        ],
    ]
    started = report.header.get("time")
    if isinstance(started, str) and started:
        rows.append([label(lang, "session_started"), started])
    section: list[Block] = [
        Heading(2, label(lang, "overview")),
        Table([label(lang, "item"), label(lang, "value")], rows),
    ]
    if h.description:
        section.append(Para(h.description.get(lang)))
    if report.completed < report.total_moves:
        section.append(
            Para(Strong(label(lang, "incomplete", done=report.completed, total=report.total_moves)))
        )
    if h.objectives:
        section += [
            Heading(3, label(lang, "objectives")),
            Bullets([o.text.get(lang) for o in h.objectives], ordered=True),
        ]
    blocks.append(Section(section, anchor="overview"))
    # summary
    summary_rows: list[list[Inline | Cell]] = []
    for m in report.moves:
        s = m.state
        summary_rows.append(
            [
                _move_name(report, s.move.id, lang),
                date_text(s.move.date, lang),
                str(len(s.result.recommendations)),
                str(m.count("matched") + m.count("matched-earlier")),
                str(m.count("not-considered")),
                str(m.count("diverged")),
                str(m.count("anticipated")),
            ]
        )
    blocks.append(
        Section(
            [
                Heading(2, label(lang, "summary")),
                Table(
                    [
                        label(lang, "col_move"),
                        label(lang, "col_date"),
                        label(lang, "col_count"),
                        label(lang, "matched"),
                        label(lang, "not-considered"),
                        label(lang, "diverged"),
                        label(lang, "anticipated"),
                    ],
                    summary_rows,
                ),
                Para(f"{label(lang, 'legend')}: {label(lang, 'legend_text')}", cls="note legend"),
            ],
            anchor="summary",
        )
    )
    # timeline
    timeline: list[Block] = [Heading(2, label(lang, "timeline"))]
    for m in report.moves:
        s = m.state
        n = s.index + 1
        timeline.append(Heading(3, move_title(s.move, n, report.total_moves, lang)))
        items: list[Inline] = []
        for o in s.injects:
            time = f"{o.inject.time} " if o.inject.time else ""
            if o.applied:
                items.append(
                    [
                        Strong(f"[{inject_number(s.index, o.index)}] {time}{o.inject.title.get(lang)}"),
                        " ",
                        Code(o.inject.id),
                        f": {o.inject.description.get(lang)}",
                    ]
                )
            else:
                items.append(
                    [
                        f"[{inject_number(s.index, o.index)}] {o.inject.title.get(lang)} ",
                        Code(o.inject.id),
                        f" — {label(lang, 'not_triggered')} ({condition_text(o.inject, lang)})",
                    ]
                )
        timeline.append(Bullets(items) if items else Para(label(lang, "none")))
    blocks.append(Section(timeline, anchor="timeline"))
    # per-move analysis
    blocks.append(Heading(2, label(lang, "analysis")))
    seen: set[str] = set()
    for m in report.moves:
        blocks.append(
            Section(_analysis_blocks(report, m, seen, lang), cls="move", anchor=f"move-{m.state.move.id}")
        )
    # matrix
    before, after = report.matrix_before, report.matrix_after
    last_date = moves_played[-1].move.date if moves_played else start.as_of
    changed = frozenset((f, a) for f, a, _, _ in report.matrix_changes)
    matrix: list[Block] = [
        Heading(2, label(lang, "matrix")),
        Heading(3, label(lang, "matrix_before", date=date_text(start.as_of, lang))),
        matrix_block(before, lang),
        Heading(3, label(lang, "matrix_after", date=date_text(last_date, lang))),
        matrix_block(after, lang, changed),
        Heading(3, label(lang, "matrix_changes")),
    ]
    if report.matrix_changes:
        names = Names(moves_played[-1].loaded.scenario if moves_played else run.start_loaded.scenario)
        matrix.append(
            Bullets(
                [
                    f"{names.framework(f, lang)} × {names.area(a, lang)}: "
                    f"{LEVEL_SYMBOLS[b]} → {LEVEL_SYMBOLS[c]}"
                    for f, a, b, c in report.matrix_changes
                ]
            )
        )
    else:
        matrix.append(Para(label(lang, "matrix_no_change")))
    blocks.append(Section(matrix, anchor="matrix", cls="page-break"))
    # strengths, areas for improvement, improvement plan
    blocks.append(Section(_findings_blocks(report, lang), anchor="findings"))
    return Document(title, blocks, lang)


def _analysis_blocks(report: AfterActionReport, m: MoveReview, seen: set[str], lang: str) -> list[Block]:
    s = m.state
    n = s.index + 1
    blocks: list[Block] = [Heading(3, move_title(s.move, n, report.total_moves, lang))]
    rows: list[list[Inline | Cell]] = []
    for i, r in enumerate(m.recommendations, start=1):
        rec = r.recommendation
        mark = (
            "+ "
            if rec.id in s.changes.recommendations_added
            else ("~ " if rec.id in s.changes.recommendations_changed else "")
        )
        players = "; ".join(
            f"{cell_names(report.run.exercise, [d.cell], lang)}" + (f": {d.rationale}" if d.rationale else "")
            for d in r.decisions
        )
        if r.status == "matched-earlier":
            players = f"{_moves_text(report, [r.decisions[0].move], lang)} — {players}"
        rows.append(
            [
                str(i),
                [mark, Code(rec.id), f" {rec.title[lang]} — {rec.target_name[lang]}"],
                value_name(rec.priority, lang),
                players,
                _status_cell(r.status, lang),
            ]
        )
    blocks.append(
        Table(
            [
                "#",
                label(lang, "col_rec"),
                label(lang, "col_priority"),
                label(lang, "col_players"),
                label(lang, "col_assessment"),
            ],
            rows,
            cls="analysis",
        )
    )
    reasons: list[Block] = []
    for r in m.recommendations:
        rec = r.recommendation
        explain = (
            rec.id not in seen
            or rec.id in s.changes.recommendations_changed
            or r.status in ("matched", "matched-earlier")
            or r.expected
        )
        seen.add(rec.id)
        if not explain:
            continue
        reasons += [
            Para([Code(rec.id), f" — {rec.title[lang]}: {rec.justification[lang]}"]),
            *source_quotes(rec),
        ]
    if reasons:
        blocks += [Heading(4, label(lang, "reasoning")), *reasons]
    outside = [d for d in m.decisions if d.status != "matched"]
    if outside:
        rows = []
        for d in outside:
            status = _status_cell(d.status, lang)
            if d.recommended_in:
                status = Cell(
                    f"{label(lang, d.status)} ({_move_name(report, d.recommended_in, lang)})", cls=d.status
                )
            rows.append(
                [
                    cell_names(report.run.exercise, [d.decision.cell], lang),
                    Code(d.decision.action),
                    d.decision.rationale,
                    status,
                ]
            )
        blocks += [
            Heading(4, label(lang, "outside")),
            Table(
                [
                    label(lang, "col_cell"),
                    label(lang, "col_decision"),
                    label(lang, "rationale"),
                    label(lang, "col_assessment"),
                ],
                rows,
            ),
        ]
    if m.expected:
        rows = [
            [
                Code(e.expected.action),
                cell_names(report.run.exercise, [e.expected.cell], lang) if e.expected.cell else "",
                Cell(
                    label(lang, "yes") if e.met else label(lang, "no"),
                    cls="matched" if e.met else "not-considered",
                ),
                label(lang, "yes") if e.recommended else label(lang, "no"),
            ]
            for e in m.expected
        ]
        blocks += [
            Heading(4, label(lang, "expected_review")),
            Table(
                [
                    label(lang, "col_expected"),
                    label(lang, "col_cell"),
                    label(lang, "col_met"),
                    label(lang, "col_recommended"),
                ],
                rows,
            ),
        ]
    return blocks


def _findings_blocks(report: AfterActionReport, lang: str) -> list[Block]:
    ex = report.run.exercise

    def cells(ids: Sequence[str]) -> str:
        return cell_names(ex, ids, lang) if ids else "—"

    blocks: list[Block] = [Heading(2, label(lang, "strengths"))]
    items: list[Inline] = []
    for f in report.strengths:
        moves = _moves_text(report, f.moves, lang)
        if f.reason == "anticipated":
            items.append(label(lang, "strength_anticipated", moves=moves, id=f.action, cells=cells(f.cells)))
        else:
            assert f.recommendation is not None
            key = "strength_expected" if f.reason == "expected-met" else "strength_matched"
            items.append(
                label(
                    lang,
                    key,
                    moves=moves,
                    title=f.recommendation.title[lang],
                    id=f.action,
                    cells=cells(f.cells),
                )
            )
    blocks.append(Bullets(items) if items else Para(label(lang, "none")))
    blocks.append(Heading(2, label(lang, "improvements")))
    if not report.improvements:
        blocks.append(Para(label(lang, "none")))
    for f in report.improvements:
        moves = _moves_text(report, f.moves, lang)
        if f.recommendation is None:
            blocks.append(Para(label(lang, "improvement_missing", id=f.action, moves=moves)))
            continue
        key = "improvement_expected" if f.reason == "expected-missed" else "improvement_open"
        blocks.append(
            Para(Strong(label(lang, key, title=f.recommendation.title[lang], id=f.action, moves=moves)))
        )
        blocks.append(Para(f"{label(lang, 'because')}: {f.recommendation.justification[lang]}"))
        blocks += source_quotes(f.recommendation)
    rows: list[list[Inline | Cell]] = []
    for i, f in enumerate(report.improvements, start=1):
        action = f.recommendation.title[lang] if f.recommendation else f.action
        rows.append(
            [
                str(i),
                Code(f.action),
                action,
                cells(f.cells),
                _moves_text(report, f.moves, lang),
                label(lang, "open"),
            ]
        )
    if rows:
        blocks += [
            Heading(2, label(lang, "ip")),
            Table(
                [
                    "#",
                    label(lang, "col_issue"),
                    label(lang, "col_action"),
                    label(lang, "col_responsible"),
                    label(lang, "col_move"),
                    label(lang, "col_status"),
                ],
                rows,
            ),
        ]
    if report.departures:
        items = []
        for d in report.departures:
            key = "departure_anticipated" if d.recommended_in else "departure"
            text = label(
                lang,
                key,
                move=_move_name(report, d.decision.move, lang),
                cell=cells([d.decision.cell]),
                action=d.decision.action,
                status=label(lang, d.status),
                later=_move_name(report, d.recommended_in, lang) if d.recommended_in else "",
            )
            items.append(
                text
                + (f" {label(lang, 'rationale')}: {d.decision.rationale}" if d.decision.rationale else "")
            )
        blocks += [Heading(2, label(lang, "departures")), Bullets(items)]
    if report.others_not_considered:
        rows = [
            [
                Code(f.action),
                f.recommendation.title[lang] if f.recommendation else "",
                value_name(f.recommendation.priority, lang) if f.recommendation else "",
                _moves_text(report, f.moves, lang),
            ]
            for f in report.others_not_considered
        ]
        blocks += [
            Heading(2, label(lang, "others")),
            Table(
                [
                    label(lang, "col_rec"),
                    label(lang, "col_title"),
                    label(lang, "col_priority"),
                    label(lang, "col_move"),
                ],
                rows,
            ),
        ]
    final = report.moves[-1].state.result.risks if report.moves else report.run.start_result.risks
    blocks.append(Heading(2, label(lang, "final_risks")))
    blocks.append(Bullets([risk_line(k, lang) for k in final]) if final else Para(label(lang, "none")))
    return blocks


def render_report(report: AfterActionReport, fmt: str, lang: str) -> str:
    doc = after_action_report(report, lang)
    return to_html(doc) if fmt == "html" else to_markdown(doc)
