"""Warnings about valid exercises that are likely to surprise their author (docs/errors.md, W3xx).

- W303: an inject changes facts, but no recommendation or risk on any branch it applies on, and
  nothing at the end of any later move would differ without it: the rules do not read what it
  changes, so the players' picture moves and doctrine does not.

``validate`` prints them and exits 0; ``--strict`` makes them errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from policyengine.errors import Diagnostic, InputError

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.engine.results import Result
    from policyengine.exercise.load import LoadedExercise
    from policyengine.validation.scenario import LoadedScenario


def exercise_warnings(ex: LoadedExercise, pack: CompiledPack) -> list[Diagnostic]:
    """W303 for every inject whose fact changes move no recommendation or risk on any branch
    (injects that only tell players something, with no fact change, and injects marked
    ``story: true``, whose facts only set the scene, are not warned about)."""
    from policyengine.core import evaluate
    from policyengine.exercise.changes import move_changes

    results: dict[int, Result] = {}

    def result(world: LoadedScenario) -> Result:
        key = id(world)
        if key not in results:
            results[key] = evaluate(world, pack)
        return results[key]

    out: list[Diagnostic] = []
    for mi, ii, _, inject in ex.injects():
        touched = inject.touched()
        pairs = ex.transitions.get(inject.id, {})
        if not touched or not pairs or inject.story:
            continue
        if any(_moves(move_changes(b, result(b), a, result(a))) for b, a in pairs.values()):
            continue
        if _needed_later(ex, inject.id, mi, result):
            continue
        facts = ", ".join(sorted(touched))
        where = "on any branch" if len(pairs) > 1 else "where it applies"
        out.append(
            Diagnostic(
                ex.raw_inject(mi, ii).location("id", of_value=True),
                "W303",
                f"inject '{inject.id}' changes {facts} but no recommendation or risk {where} "
                f"({len(pairs)} checked): the rules do not read what it changes",
                "change a field the rules read (rules/paper.yaml; `policyengine explain` shows a "
                "recommendation's evidence), or, if its facts only set the scene, mark it 'story: true'",
            )
        )
    return out


#: end-of-move worlds replayed without an inject, at most, per inject
MAX_REPLAYS = 64


def _needed_later(
    ex: LoadedExercise, inject_id: str, move_index: int, result: Callable[[LoadedScenario], Result]
) -> bool:
    """Whether the outcomes at the end of some move, on some branch, differ without the inject
    (its facts matter only together with later injects); a later inject that cannot apply
    without it (it updates a fact the inject adds) is left out with it."""
    from policyengine.exercise.apply import advance, apply_inject
    from policyengine.exercise.changes import move_changes

    where = {inj.id: (mi, ii) for mi, ii, _, inj in ex.injects()}
    ends = [(seq, mi, w) for seq, (mi, w) in ex.move_ends.items() if inject_id in seq and mi >= move_index]
    for seq, end, world in sorted(ends, key=lambda e: (e[1], e[0]))[:MAX_REPLAYS]:
        other = ex.start
        for mi, move in enumerate(ex.moves[: end + 1]):
            other = advance(other, move.date)
            for i in seq:
                if i == inject_id or where[i][0] != mi:
                    continue
                try:
                    other = apply_inject(other, move.injects[where[i][1]], ex.raw_inject(*where[i]))
                except InputError:
                    continue  # an inject that needs this one goes with it
        if _moves(move_changes(other, result(other), world, result(world))):
            return True
    return False


def _moves(ch: object) -> bool:
    return any(
        getattr(ch, name)
        for name in (
            "recommendations_added",
            "recommendations_removed",
            "recommendations_changed",
            "risks_added",
            "risks_removed",
            "risks_changed",
        )
    )
