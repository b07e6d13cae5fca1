"""The player handout (no spoilers) and the facilitator guide (everything, with branch effects)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from policyengine.exercise.numbering import inject_number
from policyengine.render.blocks import (
    Block,
    Bullets,
    Cell,
    Code,
    Document,
    Heading,
    Inline,
    Para,
    Raw,
    Section,
    Strong,
    Table,
    to_html,
    to_markdown,
)
from policyengine.render.exercise import (
    EXERCISE_CSS,
    as_parts,
    cell_names,
    condition_text,
    date_text,
    fact_changes,
    inject_blocks,
    label,
    move_blocks,
    move_title,
    recommendation_line,
)
from policyengine.text import t

if TYPE_CHECKING:
    from policyengine.exercise.guide import GuideMove
    from policyengine.exercise.load import LoadedExercise
    from policyengine.exercise.runner import ExerciseRun
    from policyengine.matrix import Matrix


# -- handouts ---------------------------------------------------------------------------------


def matrix_block(m: Matrix, lang: str, changed: frozenset[tuple[str, str]] = frozenset()) -> Raw:
    from policyengine.render.common import markdown_table
    from policyengine.render.matrix import LEGEND, html_table, matrix_rows

    headers, rows = matrix_rows(m, lang)
    md = markdown_table(headers, rows) + f"\n{LEGEND[lang]}\n"
    html = html_table(m, lang, changed=changed) + f'<p class="meta">{LEGEND[lang]}</p>\n'
    return Raw(text=md, markdown=md, html=html)


def _overview_blocks(exercise: LoadedExercise, lang: str) -> list[Block]:
    h = exercise.exercise.exercise
    blocks: list[Block] = []
    if h.description:
        blocks.append(Para(h.description.get(lang)))
    if h.objectives:
        blocks += [
            Heading(2, label(lang, "objectives")),
            Bullets([o.text.get(lang) for o in h.objectives], ordered=True),
        ]
    rows = [[c.name.get(lang), c.role.get(lang) if c.role else ""] for c in exercise.exercise.cells]
    blocks += [
        Heading(2, label(lang, "your_roles")),
        Table([label(lang, "col_name"), label(lang, "col_role")], rows),
    ]
    return blocks


def _world_blocks(exercise: LoadedExercise, lang: str) -> list[Block]:
    from policyengine.matrix import build_matrix

    sc = exercise.start.scenario.scenario
    blocks: list[Block] = [
        Heading(2, label(lang, "world", date=date_text(sc.as_of, lang))),
        Para(sc.title.get(lang)),
    ]
    if sc.description:
        blocks.append(Para(sc.description.get(lang)))
    blocks.append(matrix_block(build_matrix(exercise.start.scenario), lang))
    return blocks


ALL_MOVES = "all"


def player_handout(exercise: LoadedExercise, lang: str, *, through: str | None = None) -> Document:
    """The player handout: the situation, the cells, and each move's unconditional injects.

    No spoilers: no facilitator notes, no expected actions, no recommendations of the rules, no
    conditional injects (what they say depends on the players' own decisions). It covers the
    moves up to and including ``through`` (a move id, or ``"all"``); by default the first move
    only, the one played so far when the exercise starts.
    """
    h = exercise.exercise.exercise
    blocks: list[Block] = [Heading(1, label(lang, "player_title", title=h.title.get(lang)))]
    blocks += _overview_blocks(exercise, lang)
    blocks += _world_blocks(exercise, lang)
    total = len(exercise.moves)
    last = handout_last_move(exercise, through)
    for i, move in enumerate(exercise.moves[: last + 1]):
        part: list[Block] = [Heading(2, move_title(move, i + 1, total, lang))]
        if move.situation:
            part.append(Para(move.situation.get(lang)))
        for k, inj in enumerate(move.injects):
            if inj.when is None:  # numbered by its place in the MSEL, the hidden ones included
                part += inject_blocks(exercise, inj, inject_number(i, k), lang, facilitator=False)
        if move.questions:
            part += [
                Heading(3, label(lang, "questions")),
                Bullets([q.get(lang) for q in move.questions], ordered=True),
            ]
        blocks.append(Section(part, cls="move page-break" if i else "move"))
    if last + 1 < total:
        blocks.append(Para(label(lang, "more_to_come", n=last + 1, total=total), cls="note"))
    else:
        blocks.append(Para(label(lang, "more_to_come_all", total=total), cls="note"))
    return Document(label(lang, "player_title", title=h.title.get(lang)), blocks, lang)


def handout_last_move(exercise: LoadedExercise, through: str | None) -> int:
    """The 0-based index of the last move a player handout covers (``through``: see above).

    A move whose id is ``all`` is taken as that move. Raises KeyError for an unknown move id.
    """
    if through is None:
        return 0
    for i, move in enumerate(exercise.moves):
        if move.id == through:
            return i
    if through == ALL_MOVES:
        return len(exercise.moves) - 1
    raise KeyError(through)


def facilitator_guide(run: ExerciseRun, guide: Sequence[GuideMove], lang: str) -> Document:
    """The facilitator guide: every inject with its notes, conditions, expected actions and effects."""
    exercise = run.exercise
    h = exercise.exercise.exercise
    title = label(lang, "facilitator_title", title=h.title.get(lang))
    blocks: list[Block] = [Heading(1, title)]
    blocks += _overview_blocks(exercise, lang)
    blocks += _world_blocks(exercise, lang)
    blocks += [
        Heading(3, label(lang, "engine_start", n=len(run.start_result.recommendations))),
        Bullets([recommendation_line(r, lang) for r in run.start_result.recommendations], ordered=True),
    ]
    # The MSEL on pages that read: five narrow columns (the inject's id under its title); what
    # each inject changes in the world is in an appendix at the end, by inject number.
    rows: list[list[Inline | Cell]] = []
    facts: list[Inline] = []
    for mi, move in enumerate(exercise.moves):
        for ii, inj in enumerate(move.injects):
            number = inject_number(mi, ii)
            rows.append(
                [
                    number,
                    inj.time or "",
                    [Strong(inj.title.get(lang)), " ", Code(inj.id)],
                    cell_names(exercise, inj.to, lang),
                    condition_text(inj, lang) if inj.when else label(lang, "always"),
                ]
            )
            changes = fact_changes(inj)
            if changes:
                facts.append(
                    [Strong(f"[{number}] {inj.title.get(lang)}"), " ", Code(inj.id), ": ", *as_parts(changes)]
                )
    blocks += [
        Heading(2, label(lang, "msel")),
        Table(
            [
                "#",
                label(lang, "col_time"),
                label(lang, "col_title"),
                label(lang, "to"),
                label(lang, "col_condition"),
            ],
            rows,
            cls="msel",
        ),
        Para(t("handout.msel_facts_where", lang, appendix=t("handout.msel_facts", lang)), cls="note"),
    ]
    for gm in guide:
        state = gm.state
        part = move_blocks(run, state, lang, guide=True)
        if gm.effects:
            part.append(Heading(3, label(lang, "branch_effects")))
            for eff in gm.effects:
                part.append(
                    Para(
                        [
                            Strong(eff.inject.title.get(lang)),
                            " ",
                            Code(eff.inject.id),
                            f" — {condition_text(eff.inject, lang)}",
                        ]
                    )
                )
                if eff.changes is None:
                    part.append(Para(label(lang, "effect_unknown"), cls="note"))
                    continue
                items: list[Inline] = []
                for mark, ids in (
                    ("+", eff.changes.recommendations_added),
                    ("-", eff.changes.recommendations_removed),
                    ("~", eff.changes.recommendations_changed),
                ):
                    items += [[f"{mark} ", Code(i)] for i in ids]
                for mark, ids in (("+", eff.changes.risks_added), ("-", eff.changes.risks_removed)):
                    items += [[f"{mark} ", Code(i)] for i in ids]
                part.append(Bullets(items) if items else Para(label(lang, "effect_none"), cls="note"))
        blocks.append(Section(part, cls="move page-break"))
    blocks += [Heading(2, label(lang, "hot_wash")), Bullets(label(lang, "hot_wash_items").split("|"))]
    if facts:
        blocks.append(
            Section(
                [Heading(2, t("handout.msel_facts", lang)), Bullets(facts)],
                anchor="msel-facts",
                cls="page-break",
            )
        )
    return Document(title, blocks, lang)


def render_handout(doc: Document, fmt: str) -> str:
    return to_html(doc, css=EXERCISE_CSS) if fmt == "html" else to_markdown(doc)
