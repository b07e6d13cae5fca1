"""Playing an exercise forward, move by move.

At each move the world advances to the move's date and the move's injects are applied in MSEL
order; a conditional inject applies only if its ``when`` holds for the decisions players took in
earlier moves. The new world is evaluated and compared with the previous one. Players' decisions
for a move are recorded after the move is shown, and shape the injects of the moves after it.

Pure library code: no terminal, no files. ``policyengine.exercise.session`` adds the decision log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from policyengine.exercise.apply import advance, apply_inject
from policyengine.exercise.changes import MoveChanges, move_changes
from policyengine.exercise.load import LoadedExercise
from policyengine.models.exercise import ExpectedAction, Inject, Move

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.engine.results import Result
    from policyengine.validation.scenario import LoadedScenario


@dataclass(frozen=True)
class Decision:
    """What a player cell decided in a move: a recommendation id or free text, and why.

    ``cell`` is empty when the whole room decided (the log's decision names no cell); ``by`` is
    who decided, as the facilitator typed it (a name or a role), or empty.
    """

    move: str
    cell: str
    action: str
    rationale: str = ""
    time: str = ""  # ISO 8601, from the session's clock; never shown in the replayed output
    by: str = ""


@dataclass(frozen=True)
class InjectOutcome:
    """An inject of a move and whether it applied (a conditional inject may not)."""

    inject: Inject
    applied: bool
    index: int


@dataclass
class MoveState:
    """One played move: its injects, the world after them, its evaluation and what changed."""

    index: int
    move: Move
    injects: list[InjectOutcome]
    loaded: LoadedScenario
    result: Result
    changes: MoveChanges
    decided_before: frozenset[str]
    decisions: list[Decision] = field(default_factory=list)

    @property
    def applied(self) -> list[Inject]:
        return [o.inject for o in self.injects if o.applied]

    @property
    def skipped(self) -> list[Inject]:
        return [o.inject for o in self.injects if not o.applied]

    def expected(self) -> list[tuple[Inject, ExpectedAction]]:
        """The player actions the MSEL expects in this move (from the injects that applied)."""
        return [(inj, exp) for inj in self.applied for exp in inj.expect]


class ExerciseRun:
    """An exercise being played: the starting world and the moves played so far."""

    def __init__(self, exercise: LoadedExercise, pack: CompiledPack) -> None:
        from policyengine.api import evaluate

        self.exercise = exercise
        self.pack = pack
        self.start_loaded = exercise.start
        self.start_result = evaluate(exercise.start, pack)
        self.moves: list[MoveState] = []

    @property
    def finished(self) -> bool:
        return len(self.moves) == len(self.exercise.moves)

    @property
    def current(self) -> MoveState | None:
        return self.moves[-1] if self.moves else None

    def decided(self) -> frozenset[str]:
        """Every action players decided in the moves played so far."""
        return frozenset(d.action for m in self.moves for d in m.decisions)

    def next_move(self) -> MoveState:
        """Play the next move: advance the date, apply its injects, evaluate, compare."""
        from policyengine.api import evaluate

        index = len(self.moves)
        if index >= len(self.exercise.moves):
            raise IndexError("every move has been played")
        move = self.exercise.moves[index]
        prev_loaded = self.moves[-1].loaded if self.moves else self.start_loaded
        prev_result = self.moves[-1].result if self.moves else self.start_result
        decided = self.decided()
        applied = {i.id for m in self.moves for i in m.applied}
        world = advance(prev_loaded, move.date)
        outcomes: list[InjectOutcome] = []
        for i, inject in enumerate(move.injects):
            applies = inject.when is None or inject.when.holds(decided, applied)
            if applies:
                world = apply_inject(world, inject, self.exercise.raw_inject(index, i))
            outcomes.append(InjectOutcome(inject, applies, i))
        result = evaluate(world, self.pack)
        state = MoveState(
            index=index,
            move=move,
            injects=outcomes,
            loaded=world,
            result=result,
            changes=move_changes(prev_loaded, prev_result, world, result),
            decided_before=decided,
        )
        self.moves.append(state)
        return state

    def record(self, decision: Decision) -> None:
        """Add a decision to the move being played."""
        state = self.current
        if state is None or state.move.id != decision.move:
            raise ValueError(f"decision for move '{decision.move}', which is not the move being played")
        state.decisions.append(decision)

    def retract(self, decision: Decision) -> None:
        """Take back a recorded decision (struck in the log): it no longer counts as decided.

        Moves already played keep the injects it led to; the moves played after this count
        without it.
        """
        for state in self.moves:
            if state.move.id == decision.move:
                for i, d in enumerate(state.decisions):
                    if d is decision:
                        del state.decisions[i]
                        return
        raise ValueError(f"decision '{decision.action}' of move '{decision.move}' is not recorded")


def play(
    exercise: LoadedExercise,
    pack: CompiledPack,
    decisions: Mapping[str, Sequence[Decision]] | None = None,
    *,
    moves: int | None = None,
) -> ExerciseRun:
    """Play ``moves`` moves (all by default), with the given decisions per move id."""
    run = ExerciseRun(exercise, pack)
    decisions = decisions or {}
    total = len(exercise.moves) if moves is None else min(moves, len(exercise.moves))
    for _ in range(total):
        state = run.next_move()
        for d in decisions.get(state.move.id, ()):
            run.record(d)
    return run
