"""The after-action report (AAR/IP): timeline, per-move analysis, matrix before and after, findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from policyengine.exercise.numbering import inject_number
from policyengine.exercise.report import LATE, MET, MISSED, RATINGS
from policyengine.models.names import Names, format_time
from policyengine.models.names import value as value_name
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
    EXERCISE_CSS,
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
from policyengine.text import t

if TYPE_CHECKING:
    from policyengine.exercise.report import AfterActionReport, Finding, MoveReview, Note
    from policyengine.exercise.runner import Decision


# -- the after-action report --------------------------------------------------------------------


def _status_cell(status: str, lang: str) -> Cell:
    return Cell(label(lang, status), cls=status.replace("matched-earlier", "matched"))


def _move_name(report: AfterActionReport, move_id: str, lang: str) -> str:
    ids = [m.id for m in report.run.exercise.moves]
    return label(lang, "move_short", n=ids.index(move_id) + 1) if move_id in ids else move_id


def _moves_text(report: AfterActionReport, moves: Sequence[str], lang: str) -> str:
    return join_text([_move_name(report, m, lang) for m in moves], lang)


def _rating_cell(rating: str | None, lang: str) -> Cell:
    return Cell(t(f"aar.rating_{rating or 'none'}", lang), cls=f"rating rating-{rating or 'none'}")


def _who(report: AfterActionReport, d: Decision, lang: str) -> str:
    """The cell that decided (or the whole room), and who, as the log names them."""
    who = cell_names(report.run.exercise, [d.cell], lang) if d.cell else t("aar.whole_room", lang)
    by = str(getattr(d, "by", "") or "")
    return t("aar.decided_by", lang, who=who, by=by) if by else who


def _said(
    report: AfterActionReport, decisions: Sequence[Decision], lang: str, *, action: bool = False
) -> str:
    """The players' decisions with their own rationale: ``cell: "rationale"``."""
    parts = []
    for d in decisions:
        text = _who(report, d, lang)
        if action:
            text += f" — {d.action}"
        if d.rationale:
            text = t("aar.with_rationale", lang, text=text, rationale=d.rationale)
        parts.append(text)
    return t("aar.decisions_sep", lang).join(parts)


def _capability_names(report: AfterActionReport, ids: Sequence[str], lang: str) -> str:
    names = {c.id: c.name.get(lang) for c in report.run.exercise.exercise.exercise.capabilities}
    return join_text([names.get(i, i) for i in ids], lang) if ids else "—"


def bottom_line(report: AfterActionReport, lang: str) -> str:
    """The report's first sentence: the objectives' ratings and the decisions in numbers."""
    counts = {r: sum(1 for o in report.objectives if o.rating == r) for r in (*RATINGS, None)}
    parts = [t(f"aar.count_{r or 'none'}", lang, n=n) for r, n in counts.items() if n]
    sep = t("aar.ratings_sep", lang)
    ratings = t("aar.ratings_line", lang, total=len(report.objectives), parts=sep.join(parts))
    if lang == "en":
        ratings = ratings[:1].upper() + ratings[1:]
    departed = len(report.departures)
    return t(
        "aar.bottom_line",
        lang,
        ratings=ratings,
        decisions=report.decisions,
        done=report.completed,
        total=report.total_moves,
        followed=report.decisions - departed,
        departed=departed,
        issues=len(report.improvements),
    )


def after_action_report(report: AfterActionReport, lang: str) -> Document:
    """The AAR/IP, bottom line first: executive summary (scenario, objectives rated, main strengths
    and areas for improvement), analysis of objectives, strengths and areas for improvement with
    the players' rationale, the improvement plan, the hot wash; the move-by-move detail in
    appendices."""
    ex = report.run.exercise
    h = ex.exercise.exercise
    title = label(lang, "aar_title", title=h.title.get(lang))
    blocks: list[Block] = [Heading(1, title), Para(Strong(bottom_line(report, lang)), cls="bottom-line")]
    blocks.append(Section(_executive_summary(report, lang), anchor="summary"))
    blocks.append(Section(_objective_blocks(report, lang), anchor="objectives"))
    blocks.append(Section(_findings_blocks(report, lang), anchor="findings"))
    blocks.append(Section(_plan_blocks(report, lang), anchor="ip"))
    blocks.append(Section(_hot_wash_blocks(report, lang), anchor="hot-wash"))
    blocks += _appendices(report, lang)
    return Document(title, blocks, lang)


def _overview_table(report: AfterActionReport, lang: str) -> Table:
    run = report.run
    ex = run.exercise
    h = ex.exercise.exercise
    start = run.start_loaded.scenario.scenario
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
        rows.append([label(lang, "session_started"), format_time(started, lang)])
    return Table([label(lang, "item"), label(lang, "value")], rows, cls="overview")


def _executive_summary(report: AfterActionReport, lang: str) -> list[Block]:
    h = report.run.exercise.exercise.exercise
    blocks: list[Block] = [Heading(2, t("aar.executive_summary", lang)), Heading(3, t("aar.scenario", lang))]
    if h.description:
        blocks.append(Para(h.description.get(lang)))
    if report.completed < report.total_moves:
        blocks.append(
            Para(Strong(label(lang, "incomplete", done=report.completed, total=report.total_moves)))
        )
    if report.objectives:
        rows: list[list[Inline | Cell]] = []
        for i, o in enumerate(report.objectives, start=1):
            outcomes = [e.outcome for e in o.expectations]
            basis = (
                t(
                    "aar.basis",
                    lang,
                    n=len(outcomes),
                    met=outcomes.count(MET),
                    late=outcomes.count(LATE),
                    missed=outcomes.count(MISSED),
                )
                if outcomes
                else t("aar.basis_none", lang)
            )
            rows.append(
                [
                    str(i),
                    o.objective.text.get(lang),
                    _capability_names(report, o.capabilities, lang),
                    _rating_cell(o.rating, lang),
                    basis,
                ]
            )
        blocks += [
            Heading(3, t("aar.objectives_ratings", lang)),
            Table(
                [
                    "#",
                    t("aar.col_objective", lang),
                    t("aar.col_capability", lang),
                    t("aar.col_rating", lang),
                    t("aar.col_basis", lang),
                ],
                rows,
                cls="ratings",
            ),
            Para(t("aar.rating_legend", lang), cls="note legend"),
        ]
    blocks += _main_findings(report, lang)
    blocks += [Heading(3, label(lang, "overview")), _overview_table(report, lang)]
    return blocks


#: How many strengths and areas for improvement the executive summary names.
MAIN = 3


def _main_findings(report: AfterActionReport, lang: str) -> list[Block]:
    blocks: list[Block] = []
    for key, findings, section in (
        ("aar.main_strengths", report.strengths, label(lang, "strengths")),
        ("aar.main_improvements", report.improvements, label(lang, "improvements")),
    ):
        items: list[Inline] = [_finding_line(report, f, lang) for f in findings[:MAIN]]
        blocks.append(Heading(3, t(key, lang)))
        blocks.append(Bullets(items) if items else Para(label(lang, "none")))
        if len(findings) > MAIN:
            blocks.append(
                Para(t("aar.more_items", lang, n=len(findings) - MAIN, section=section), cls="note")
            )
    return blocks


def _finding_line(report: AfterActionReport, f: Finding, lang: str) -> str:
    """One sentence for a strength or an area for improvement."""
    ex = report.run.exercise
    moves = _moves_text(report, f.moves, lang)
    cells = cell_names(ex, f.cells, lang) if f.cells else "—"
    if f.kind == "strength":
        if f.reason == "anticipated":
            title = f.recommendation.title[lang] if f.recommendation is not None else f.action
            return label(lang, "strength_anticipated", moves=moves, title=title, id=f.action, cells=cells)
        assert f.recommendation is not None
        key = "strength_expected" if f.reason == "expected-met" else "strength_matched"
        return label(lang, key, moves=moves, title=f.recommendation.title[lang], id=f.action, cells=cells)
    if f.recommendation is None:
        return label(lang, "improvement_missing", id=f.action, moves=moves)
    key = "improvement_expected" if f.reason == "expected-missed" else "improvement_open"
    return label(lang, key, title=f.recommendation.title[lang], id=f.action, moves=moves)


def _objective_blocks(report: AfterActionReport, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(2, t("aar.objective_analysis", lang))]
    if not report.objectives:
        return [*blocks, Para(label(lang, "none"))]
    for i, o in enumerate(report.objectives, start=1):
        rating = t(f"aar.rating_{o.rating or 'none'}", lang)
        blocks.append(Heading(3, f"{i}. {o.objective.text.get(lang)} — {rating}"))
        if not o.expectations:
            blocks.append(Para(t("aar.no_links", lang, id=o.objective.id), cls="note"))
            continue
        rows: list[list[Inline | Cell]] = []
        for e in o.expectations:
            rows.append(
                [
                    f"[{e.number}] {e.inject.title.get(lang)}",
                    [Code(e.expected.action)],
                    cell_names(report.run.exercise, [e.expected.cell], lang) if e.expected.cell else "—",
                    Cell(t(f"aar.outcome_{e.outcome}", lang), cls=f"outcome-{e.outcome}"),
                    _said(report, e.decisions, lang) or "—",
                ]
            )
        blocks.append(
            Table(
                [
                    t("aar.col_inject", lang),
                    t("aar.col_expected_action", lang),
                    label(lang, "col_cell"),
                    t("aar.col_outcome", lang),
                    t("aar.col_players_said", lang),
                ],
                rows,
                cls="objective",
            )
        )
    return blocks


def _moves_table(report: AfterActionReport, lang: str) -> list[Block]:
    summary_rows: list[list[Inline | Cell]] = []
    for m in report.moves:
        s = m.state
        summary_rows.append(
            [
                _move_name(report, s.move.id, lang),
                date_text(s.move.date, lang),
                str(len(s.result.recommendations)),
                str(m.relevant),
                str(m.count("matched") + m.count("matched-earlier")),
                str(m.count("not-considered")),
                str(m.count("diverged")),
                str(m.count("anticipated")),
            ]
        )
    return [
        Table(
            [
                label(lang, "col_move"),
                label(lang, "col_date"),
                label(lang, "col_count"),
                t("aar.col_relevant", lang),
                label(lang, "matched"),
                label(lang, "not-considered"),
                label(lang, "diverged"),
                label(lang, "anticipated"),
            ],
            summary_rows,
            cls="numbers",
        ),
        Para(t("aar.not_considered_scope", lang, others=label(lang, "others")), cls="note"),
        Para(f"{label(lang, 'legend')}: {label(lang, 'legend_text')}", cls="note legend"),
    ]


def _appendices(report: AfterActionReport, lang: str) -> list[Block]:
    run = report.run
    start = run.start_loaded.scenario.scenario
    moves_played = [m.state for m in report.moves]
    letters = iter("ABCDEFGH")

    def heading(title: str) -> Heading:
        return Heading(2, t("aar.appendix", lang, letter=next(letters), title=title))

    out: list[Block] = []
    # A: the moves in numbers, their timeline and the move-by-move analysis
    analysis: list[Block] = [heading(label(lang, "analysis")), *_moves_table(report, lang)]
    seen: set[str] = set()
    for m in report.moves:
        analysis.append(
            Section(_analysis_blocks(report, m, seen, lang), cls="move", anchor=f"move-{m.state.move.id}")
        )
    out.append(Section(analysis, anchor="analysis", cls="page-break"))
    # B: timeline
    timeline: list[Block] = [heading(label(lang, "timeline"))]
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
    out.append(Section(timeline, anchor="timeline"))
    # C: matrix
    before, after = report.matrix_before, report.matrix_after
    last_date = moves_played[-1].move.date if moves_played else start.as_of
    changed = frozenset((f, a) for f, a, _, _ in report.matrix_changes)
    matrix: list[Block] = [
        heading(label(lang, "matrix")),
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
    out.append(Section(matrix, anchor="matrix", cls="page-break"))
    # D: the other recommendations, the final risks
    rest: list[Block] = [heading(label(lang, "others"))]
    if report.others_not_considered:
        rows: list[list[Inline | Cell]] = [
            [
                Code(f.action),
                f.recommendation.title[lang] if f.recommendation else "",
                value_name(f.recommendation.priority, lang) if f.recommendation else "",
                _moves_text(report, f.moves, lang),
            ]
            for f in report.others_not_considered
        ]
        rest.append(
            Table(
                [
                    label(lang, "col_rec"),
                    label(lang, "col_title"),
                    label(lang, "col_priority"),
                    label(lang, "col_move"),
                ],
                rows,
            )
        )
    else:
        rest.append(Para(label(lang, "none")))
    final = report.moves[-1].state.result.risks if report.moves else run.start_result.risks
    rest.append(Heading(3, label(lang, "final_risks")))
    rest.append(Bullets([risk_line(k, lang) for k in final]) if final else Para(label(lang, "none")))
    out.append(Section(rest, anchor="others"))
    return out


def _analysis_blocks(report: AfterActionReport, m: MoveReview, seen: set[str], lang: str) -> list[Block]:
    s = m.state
    n = s.index + 1
    blocks: list[Block] = [Heading(3, move_title(s.move, n, report.total_moves, lang))]
    rows: list[list[Inline | Cell]] = []
    shown = [r for r in m.recommendations if r.relevant or r.status == "matched"]
    for r in shown:
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
                [mark, Code(rec.id), f" {rec.title[lang]} — {rec.target_name[lang]}"],
                value_name(rec.priority, lang),
                players,
                _status_cell(r.status, lang),
            ]
        )
    if rows:
        blocks.append(
            Table(
                [
                    label(lang, "col_rec"),
                    label(lang, "col_priority"),
                    label(lang, "col_players"),
                    label(lang, "col_assessment"),
                ],
                rows,
                cls="analysis",
            )
        )
    if len(shown) < len(m.recommendations):
        n = len(m.recommendations) - len(shown)
        blocks.append(Para(t("aar.other_recs", lang, n=n, others=label(lang, "others")), cls="note"))
    reasons: list[Block] = []
    for r in shown:
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
    blocks: list[Block] = [Heading(2, label(lang, "strengths"))]
    items: list[Inline] = []
    for f in report.strengths:
        said = _said(report, [d for d in f.decisions if d.rationale], lang)
        items.append(
            _finding_line(report, f, lang) + (f" {t('aar.players_said', lang)}: {said}" if said else "")
        )
    blocks.append(Bullets(items) if items else Para(label(lang, "none")))
    blocks.append(Heading(2, label(lang, "improvements")))
    if not report.improvements:
        blocks.append(Para(label(lang, "none")))
    for f in report.improvements:
        blocks.append(Para(Strong(_finding_line(report, f, lang))))
        if f.recommendation is not None:
            blocks.append(Para(f"{label(lang, 'because')}: {f.recommendation.justification[lang]}"))
            blocks += source_quotes(f.recommendation)
        if f.decisions:
            instead = _said(report, f.decisions, lang, action=True)
            blocks.append(Para(f"{t('aar.decided_instead', lang)}: {instead}", cls="note"))
    if report.departures:
        items = []
        for d in report.departures:
            key = "departure_anticipated" if d.recommended_in else "departure"
            # a recommendation of a later move is said by its title
            action = d.recommendation.title[lang] if d.recommendation is not None else d.decision.action
            text = label(
                lang,
                key,
                move=_move_name(report, d.decision.move, lang),
                cell=_who(report, d.decision, lang),
                action=action,
                status=label(lang, d.status),
                later=_move_name(report, d.recommended_in, lang) if d.recommended_in else "",
                id=d.decision.action,
            )
            items.append(
                text
                + (f" {label(lang, 'rationale')}: {d.decision.rationale}" if d.decision.rationale else "")
            )
        blocks += [Heading(3, label(lang, "departures")), Bullets(items)]
    return blocks


def _plan_blocks(report: AfterActionReport, lang: str) -> list[Block]:
    from policyengine.exercise.plan import corrective_action

    tbd = t("aar.tbd", lang)
    blocks: list[Block] = [Heading(2, t("aar.ip", lang))]
    plan_rows = report.plan_rows()
    if not plan_rows:
        return [*blocks, Para(label(lang, "none"))]
    rows: list[list[Inline | Cell]] = []
    for i, row in enumerate(plan_rows, start=1):
        f, item = row.finding, row.item
        issue = f.recommendation.title[lang] if f.recommendation else f.action
        action = (item.action_text(lang) if item else None) or corrective_action(f, lang)
        owner = (
            item.owner
            if item and item.owner
            else (cell_names(report.run.exercise, row.owner_cells, lang) if row.owner_cells else tbd)
        )
        status = item.status if item else "open"
        rows.append(
            [
                str(i),
                [issue, " ", Code(f.action)],
                action,
                _capability_names(report, [row.capability], lang) if row.capability else "—",
                owner,
                Cell(date_text(item.start, lang) if item and item.start else tbd, cls="date"),
                Cell(date_text(item.due, lang) if item and item.due else tbd, cls="date"),
                Cell(t(f"aar.status_{status}", lang), cls=f"status status-{status}"),
            ]
        )
    blocks += [
        Table(
            [
                "#",
                t("aar.col_issue", lang),
                t("aar.col_corrective", lang),
                t("aar.col_capability", lang),
                t("aar.col_owner", lang),
                t("aar.col_start", lang),
                t("aar.col_due", lang),
                t("aar.col_status", lang),
            ],
            rows,
            cls="ip",
        ),
        Para(t("aar.ip_note_plan" if report.plan else "aar.ip_note", lang, tbd=tbd), cls="note"),
    ]
    return blocks


def _hot_wash_blocks(report: AfterActionReport, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(2, t("aar.hot_wash", lang))]
    if not report.notes:
        blocks.append(Para(t("aar.no_notes", lang), cls="note"))
    groups: dict[str | None, list[Note]] = {}
    for n in report.notes:
        groups.setdefault(n.move, []).append(n)
    order = [m.id for m in report.run.exercise.moves]
    for move in sorted(groups, key=lambda k: order.index(k) if k in order else len(order)):
        head = (
            t("aar.notes_move", lang, move=_move_name(report, move, lang))
            if move in order
            else t("aar.notes_after", lang)
        )
        items: list[Inline] = [n.text + (f" — {n.by}" if n.by else "") for n in groups[move]]
        blocks += [Heading(3, head), Bullets(items)]
    if report.struck:
        lines: list[Inline] = []
        for s in report.struck:
            cell = cell_names(report.run.exercise, [s.cell], lang) if s.cell else t("aar.whole_room", lang)
            text = t(
                "aar.struck_line",
                lang,
                n=s.number,
                move=_move_name(report, s.move, lang),
                cell=cell,
                action=s.action,
            )
            if s.reason:
                reason = t("aar.struck_reason", lang, reason=s.reason)
                text = t("aar.struck_with_reason", lang, text=text, reason=reason)
            lines.append(text)
        blocks += [Heading(3, t("aar.struck", lang)), Bullets(lines)]
    return blocks


def render_report(report: AfterActionReport, fmt: str, lang: str) -> str:
    doc = after_action_report(report, lang)
    return to_html(doc, css=EXERCISE_CSS) if fmt == "html" else to_markdown(doc)
