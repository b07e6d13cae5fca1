"""The facilitator guide's data: the exercise played with no decisions, and what each branch changes.

For every conditional inject, the guide shows what it changes in the engine's recommendations
(the move with the inject against the move without it), so that facilitators know in advance
what the players' choices will do to the world.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from policyengine.errors import InputError
from policyengine.exercise.apply import advance, apply_inject
from policyengine.exercise.changes import MoveChanges, move_changes
from policyengine.exercise.load import LoadedExercise
from policyengine.exercise.runner import ExerciseRun, MoveState, play
from policyengine.models.exercise import Inject

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.validation.scenario import LoadedScenario


@dataclass(frozen=True)
class BranchEffect:
    """A conditional inject and the changes it brings to its move (without it -> with it)."""

    inject: Inject
    applies_by_default: bool  # applies when players decide nothing
    changes: MoveChanges | None  # None: the inject does not apply on the no-decision path


@dataclass
class GuideMove:
    state: MoveState  # the move when players decide nothing
    effects: list[BranchEffect]


def build_guide(exercise: LoadedExercise, pack: CompiledPack) -> tuple[ExerciseRun, list[GuideMove]]:
    """Play the exercise with no decisions, and measure every conditional inject's effect."""
    from policyengine.core import evaluate

    run = play(exercise, pack)
    out: list[GuideMove] = []
    for state in run.moves:
        prev = run.moves[state.index - 1].loaded if state.index else run.start_loaded
        effects = []
        for outcome in state.injects:
            if outcome.inject.when is None:
                continue
            try:
                without = _world(exercise, state, prev, skip=outcome.index, force=None)
                with_it = _world(exercise, state, prev, skip=None, force=outcome.index)
            except InputError:
                # It builds on facts of another branch; the exercise's branch check covers it there.
                effects.append(BranchEffect(outcome.inject, outcome.applied, None))
                continue
            changes = move_changes(without, evaluate(without, pack), with_it, evaluate(with_it, pack))
            effects.append(BranchEffect(outcome.inject, outcome.applied, changes))
        out.append(GuideMove(state, effects))
    return run, out


def _world(
    exercise: LoadedExercise, state: MoveState, prev: LoadedScenario, *, skip: int | None, force: int | None
) -> LoadedScenario:
    world = advance(prev, state.move.date)
    for o in state.injects:
        applies = (o.applied or o.index == force) and o.index != skip
        if applies:
            world = apply_inject(world, o.inject, exercise.raw_inject(state.index, o.index))
    return world
