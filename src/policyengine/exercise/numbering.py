"""The one numbering of moves and injects that every view of an exercise uses.

A move's number is its position in the exercise file (1-based). An inject's number is
``MOVE.POSITION``: the move's number and the inject's position in that move's MSEL in the
exercise file (1-based), whatever a view leaves out (the player handout hides conditional
injects, a session shows only those released). So ``[2.3]`` names the same inject in the
console, the handouts, the facilitator guide, the after-action report and, through its id, the
decision log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policyengine.exercise.load import LoadedExercise


def move_number(move_index: int) -> int:
    """The number of the move at 0-based ``move_index`` in the exercise file."""
    return move_index + 1


def inject_number(move_index: int, inject_index: int) -> str:
    """``M.K``: the inject at 0-based ``inject_index`` of the move at 0-based ``move_index``."""
    return f"{move_number(move_index)}.{inject_index + 1}"


def inject_numbers(exercise: LoadedExercise) -> dict[str, str]:
    """Every inject's id -> its number (inject ids are unique in an exercise)."""
    return {
        inj.id: inject_number(mi, ii)
        for mi, move in enumerate(exercise.moves)
        for ii, inj in enumerate(move.injects)
    }
