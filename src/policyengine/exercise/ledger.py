"""What a session's log records, folded into the state of the session.

One :class:`Ledger` holds everything a log says beyond the run itself: the decisions with their
stable numbers (1, 2, 3, ... in log order, for the whole exercise), which of them were struck
and why, the injects released and when, the facilitator's notes, and the recommendations' stable
numbers (given in order of first appearance: the first move's recommendations 1 to N in id order,
then each move's new ones after them). A live session and a replay feed records through the same
:meth:`Ledger.apply`, so that resuming or replaying a log rebuilds exactly the state the session
had.

:meth:`Ledger.problem` says why a record cannot follow the records before it (a decision of a
move that is not being played, a strike of a decision that does not exist, an inject released
twice, ...) without changing anything; :meth:`Ledger.apply` assumes the record passed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policyengine.exercise.numbering import inject_number
from policyengine.exercise.runner import Decision, ExerciseRun, MoveState


@dataclass(frozen=True)
class NumberedDecision:
    """A decision and its number (its place among the log's decisions, from 1)."""

    number: int
    decision: Decision
    seq: int


@dataclass(frozen=True)
class Strike:
    """A decision taken back: the strike record of decision ``number``."""

    number: int
    move: str | None  # the move being played when it was struck; None after the last move
    reason: str
    by: str
    time: str
    seq: int


@dataclass(frozen=True)
class Note:
    """A facilitator's note; ``move`` None: written after the last move (the hot wash)."""

    move: str | None
    text: str
    by: str
    time: str
    seq: int


@dataclass(frozen=True)
class Release:
    """An inject released to the players, by its id and its number (``MOVE.K``)."""

    move: str
    inject: str
    number: str
    time: str
    seq: int


@dataclass
class Ledger:
    """The state a log's records build over an :class:`ExerciseRun` (see the module's docstring)."""

    run: ExerciseRun
    started: str = ""  # the header's time
    decisions: list[NumberedDecision] = field(default_factory=list)
    struck: dict[int, Strike] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    recommendation_numbers: dict[str, int] = field(default_factory=dict)
    completed: int = 0  # moves with a 'move' record
    ended: list[str] = field(default_factory=list)  # the time of each 'move' record
    records: int = 1  # records applied, the header included: the next record's seq

    # -- where the session stands ---------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.run.exercise.moves)

    @property
    def finished(self) -> bool:
        return self.completed == self.total

    @property
    def expected_move(self) -> str | None:
        """The id of the move whose records come next (None once every move is played)."""
        return None if self.finished else self.run.exercise.moves[self.completed].id

    def current(self) -> MoveState | None:
        """The move being played, played now if its first record is the next one (None at the end)."""
        if self.finished:
            return None
        if len(self.run.moves) == self.completed:
            self.play_next()
        return self.run.moves[self.completed]

    def play_next(self) -> MoveState:
        """Play the next move and number its new recommendations."""
        state = self.run.next_move()
        for rid in state.result.ids:
            self.recommendation_numbers.setdefault(rid, len(self.recommendation_numbers) + 1)
        return state

    def move_began(self, index: int) -> str:
        """When the move at 0-based ``index`` began: the header's time, or the previous move's end."""
        return self.started if index == 0 else self.ended[index - 1]

    def live(self, move: str | None = None) -> list[NumberedDecision]:
        """Decisions not struck (of ``move``, or of every move)."""
        return [
            d
            for d in self.decisions
            if d.number not in self.struck and (move is None or d.decision.move == move)
        ]

    def released(self, move: str) -> list[Release]:
        return [r for r in self.releases if r.move == move]

    def unreleased(self, state: MoveState) -> list[tuple[str, str]]:
        """(inject id, number) of the move's applied injects not yet released, in MSEL order."""
        done = {r.inject for r in self.released(state.move.id)}
        return [
            (o.inject.id, inject_number(state.index, o.index))
            for o in state.injects
            if o.applied and o.inject.id not in done
        ]

    # -- records ---------------------------------------------------------------------------------

    def problem(self, record: dict[str, Any]) -> str | None:
        """Why ``record`` (of a shape :func:`policyengine.exercise.log.check_record` accepted)
        cannot come next, or None. May play the next move (which the record would begin)."""
        kind = record["type"]
        expected = self.expected_move
        move = record.get("move")
        if kind in ("note", "strike") and move is None:
            if expected is not None:
                return f"a '{kind}' record without a move while move '{expected}' is being played"
        elif move != expected:
            where = f"move '{expected}' is being played" if expected else "the exercise is over"
            return f"record of move '{move}' where {where}"
        if kind == "decision":
            cell = record.get("cell")
            if cell is not None and cell not in self.run.exercise.cell_ids():
                return f"decision of unknown cell '{cell}'"
            return None
        if kind == "strike":
            n = record["decision"]
            if n > len(self.decisions):
                return f"strike of decision {n}, which is not recorded (the log has {len(self.decisions)})"
            if n in self.struck:
                return f"decision {n} is struck twice (first by the record seq {self.struck[n].seq})"
            return None
        if kind == "release":
            state = self.current()
            assert state is not None
            pending = dict(self.unreleased(state))
            inject = record["inject"]
            if inject not in pending:
                done = any(r.inject == inject for r in self.released(state.move.id))
                why = "released twice" if done else f"not an inject that applies in move '{state.move.id}'"
                return f"inject '{inject}' is {why}"
            if pending[inject] != record["number"]:
                return f"inject '{inject}' is number {pending[inject]}, not {record['number']}"
            return None
        return None  # a note; a move record is checked against the replay by the caller

    def apply(self, record: dict[str, Any]) -> None:
        """Fold ``record`` (which passed :meth:`problem`) into the state."""
        kind = record["type"]
        time = str(record.get("time", ""))
        seq = record["seq"]
        self.records = seq + 1
        if kind == "exercise":
            self.started = time
            return
        if record.get("move") is not None:
            # The record's move is played before the record counts: a strike that opens a move
            # must not change the injects of the move it was made in.
            self.current()
        if kind == "note":
            self.notes.append(Note(record.get("move"), record["text"], record.get("by", ""), time, seq))
            return
        if kind == "strike":
            n = record["decision"]
            self.struck[n] = Strike(
                n, record.get("move"), record.get("reason", ""), record.get("by", ""), time, seq
            )
            self.run.retract(self.decisions[n - 1].decision)
            return
        if kind == "decision":
            decision = Decision(
                record["move"],
                record.get("cell", ""),
                record["action"],
                record.get("rationale", ""),
                time,
                record.get("by", ""),
            )
            self.run.record(decision)
            self.decisions.append(NumberedDecision(len(self.decisions) + 1, decision, seq))
        elif kind == "release":
            self.releases.append(Release(record["move"], record["inject"], record["number"], time, seq))
        elif kind == "move":
            self.completed += 1
            self.ended.append(time)
