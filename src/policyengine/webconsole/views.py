"""What the two pages show, as plain data (JSON-ready dicts), built from a running session.

:func:`player_view` is what the projector shows: the situation, the injects released so far and
the decisions taken. It is built from an allow-list of fields, never by removing fields from the
facilitator's view, so that a controller note or an MSEL expectation cannot reach a player's
browser by accident. :func:`facilitator_view` adds what only the facilitator sees: the injects
still to come, controller notes, expectations, the rules' recommendations with their reasons and
sources, and what changed since the previous move.

Every text is given in both languages (``{"ja": ..., "en": ...}``), so that a page switches
language without asking the server again. No HTML here: the pages put every text in the DOM as
text, never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policyengine.display import format_date
from policyengine.exercise.numbering import inject_number, move_number
from policyengine.text import LANGS

if TYPE_CHECKING:
    from policyengine.engine.results import Citation, Recommendation
    from policyengine.exercise.runner import ExerciseRun, InjectOutcome, MoveState
    from policyengine.models.common import I18nText
    from policyengine.models.exercise import Inject
    from policyengine.webconsole.console import WebConsole

Bilingual = dict[str, str]


def _both(text: I18nText | None) -> Bilingual | None:
    return None if text is None else {lang: text.get(lang) for lang in LANGS}


def _mapping(text: Any) -> Bilingual:
    return {lang: str(text.get(lang, "")) for lang in LANGS}


def _inject_public(move_index: int, outcome: InjectOutcome, run: ExerciseRun) -> dict[str, Any]:
    """An inject as players are told it: no notes, no expectations, no facts, no conditions."""
    inject = outcome.inject
    cells = {c.id: c for c in run.exercise.exercise.cells}
    return {
        "id": inject.id,
        "number": inject_number(move_index, outcome.index),
        "time": inject.time,
        "title": _both(inject.title),
        "description": _both(inject.description),
        "from": _both(inject.from_),
        "to": [_both(cells[c].name) for c in inject.to if c in cells],
    }


def _inject_control(move_index: int, outcome: InjectOutcome, run: ExerciseRun) -> dict[str, Any]:
    inject: Inject = outcome.inject
    return {
        **_inject_public(move_index, outcome, run),
        "notes": _both(inject.notes),
        "conditional": inject.when is not None,
        "applies": outcome.applied,
        "story": inject.story,
        "expect": [{"action": e.action, "cell": e.cell, "note": _both(e.note)} for e in inject.expect],
    }


def _move_public(run: ExerciseRun, state: MoveState) -> dict[str, Any]:
    move = state.move
    return {
        "id": move.id,
        "number": move_number(state.index),
        "total": len(run.exercise.moves),
        "title": _both(move.title),
        "date": {lang: format_date(move.date, lang) for lang in LANGS},
        "situation": _both(move.situation),
        "questions": [_both(q) for q in move.questions],
    }


def _decisions(console: WebConsole, run: ExerciseRun) -> list[dict[str, Any]]:
    cells = {c.id: c for c in run.exercise.exercise.cells}
    out = []
    for state in run.moves:
        for d in console.decisions_of(state):
            cell = cells.get(d.cell)
            out.append(
                {
                    "number": d.number,
                    "move": d.move,
                    "move_number": move_number(state.index),
                    "cell": d.cell,
                    "cell_name": _both(cell.name) if cell else {lang: d.cell for lang in LANGS},
                    "action": d.action,
                    "rationale": d.rationale,
                    "who": d.who,
                    "struck": d.struck,
                }
            )
    return out


def _header(run: ExerciseRun) -> dict[str, Any]:
    ex = run.exercise.exercise.exercise
    return {"id": ex.id, "title": _both(ex.title), "description": _both(ex.description)}


def player_view(console: WebConsole) -> dict[str, Any]:
    """What the players' screen shows: nothing that only the facilitator may see."""
    run = console.run
    state = console.current
    released = [
        {
            "move": _move_public(run, m),
            "injects": [_inject_public(m.index, o, run) for o in console.released(m)],
        }
        for m in run.moves
    ]
    return {
        "role": "player",
        "seq": console.seq,
        "finished": console.finished,
        "exercise": _header(run),
        "move": _move_public(run, state) if state is not None else None,
        "moves": released,
        "decisions": _decisions(console, run),
    }


def _citation(c: Citation) -> dict[str, str]:
    return {"document": c.document, "section": c.section, "quote": c.quote}


def _recommendation(number: int, r: Recommendation) -> dict[str, Any]:
    return {
        "number": number,
        "id": r.id,
        "priority": r.priority,
        "title": {lang: r.title.get(lang, r.id) for lang in LANGS},
        "justification": _mapping(r.justification),
        "because": _mapping(r.because) if r.because else None,
        "sources": [_citation(c) for c in r.sources],
    }


def facilitator_view(console: WebConsole) -> dict[str, Any]:
    """The facilitator's page: the player view and everything players must not see."""
    run = console.run
    view = player_view(console)
    view["role"] = "facilitator"
    state = console.current
    cells = run.exercise.exercise.cells
    view["cells"] = [{"id": c.id, "name": _both(c.name)} for c in cells]
    view["log"] = console.log_path
    view["notes"] = [{"move": n.move, "text": n.text, "time": n.time} for n in console.notes()]
    if state is None:
        view.update(move_notes=None, released=[], pending=[], recommendations=[], changes=None, ids=[])
        return view
    numbers = console.recommendation_numbers()
    recs = state.result.recommendations
    view["move_notes"] = _both(state.move.notes)
    view["released"] = [_inject_control(state.index, o, run) for o in console.released(state)]
    view["pending"] = [_inject_control(state.index, o, run) for o in console.pending(state)]
    view["recommendations"] = [_recommendation(numbers.get(r.id, 0), r) for r in recs]
    ch = state.changes
    view["changes"] = {
        "first": state.index == 0,
        "recommendations_added": ch.recommendations_added,
        "recommendations_removed": ch.recommendations_removed,
        "recommendations_changed": ch.recommendations_changed,
        "risks_added": ch.risks_added,
        "risks_removed": ch.risks_removed,
        "facts_added": ch.facts_added,
        "facts_removed": ch.facts_removed,
        "facts_altered": ch.facts_altered,
        "causes": ch.causes,
    }
    view["ids"] = console.completion_ids()
    return view
