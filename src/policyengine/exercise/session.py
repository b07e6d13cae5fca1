"""A recorded exercise session: the run plus its decision log.

``Session.start`` creates a log and plays the first move; ``decide`` records a decision;
``complete_move`` closes a move and plays the next. ``open_log`` reads a log back, finds the
exercise and rule pack it was written against, refuses (exit 2) if either changed, and replays
the recorded decisions: that is how ``--resume``, ``replay`` and ``report`` start.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policyengine.errors import Diagnostic, InputError, input_error
from policyengine.exercise.load import LoadedExercise, load_exercise
from policyengine.exercise.log import (
    LOG_VERSION,
    Clock,
    LogContents,
    TornLine,
    check_record,
    create_log,
    lock_log,
    read_log,
    timestamp,
    utc_now,
)
from policyengine.exercise.runner import Decision, ExerciseRun, MoveState
from policyengine.fileio import LockedLog
from policyengine.loading.documents import named_file_problem
from policyengine.loading.yamltree import control_character
from policyengine.locations import Location

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack


def pack_fingerprint(pack: CompiledPack) -> str:
    """A hash of everything in a rule pack that can change a run's output.

    The compiler's fingerprint covers only the conditions; titles, justification templates and
    quotes change the output too, so the validated models of the header and every rule are
    hashed with it. Comments and formatting of the files do not count, nor do the further
    passages a rule cites (``source.also``): no exercise output shows them, and logs written
    before they existed stay valid.
    """
    content = {
        "compiled": pack.fingerprint,
        "pack": pack.pack.model_dump(mode="json"),
        "rules": [
            r.rule.model_dump(mode="json", by_alias=True, exclude={"source": {"also"}})
            for r in pack.source.rules
        ],
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def header_record(
    exercise: LoadedExercise,
    pack: CompiledPack,
    rules_path: str | None,
    log_path: str,
    clock: Clock,
    *,
    fmt: str = "text",
    lang: str = "ja",
) -> dict[str, Any]:
    log_dir = os.path.dirname(os.path.abspath(log_path))
    path = os.path.abspath(exercise.path)
    return {
        "type": "exercise",
        "seq": 0,
        "version": LOG_VERSION,
        "time": timestamp(clock),
        "format": fmt,
        "lang": lang,
        "exercise": {
            "id": exercise.id,
            "path": path,
            "relpath": os.path.relpath(path, log_dir),
            "sha256": exercise.sha256,
            # every file the run reads, in load order: the exercise, its scenario, what that extends
            "inputs": [{"file": name, "sha256": digest} for name, digest in exercise.inputs.items()],
        },
        "rules": {
            "path": os.path.abspath(rules_path) if rules_path else None,
            "id": pack.pack.id,
            "fingerprint": pack_fingerprint(pack),
        },
    }


@dataclass
class Session:
    """An exercise run whose decisions and completed moves are appended to a log as they happen.

    The session holds its log's lock from start (or resume) to :meth:`close` (or the end of the
    process): a second session of the same log is refused (E606) instead of interleaving records.
    """

    run: ExerciseRun
    log_path: str
    clock: Clock
    seq: int
    writer: LockedLog

    @classmethod
    def start(
        cls,
        exercise: LoadedExercise,
        pack: CompiledPack,
        log_path: str,
        *,
        rules_path: str | None = None,
        clock: Clock = utc_now,
        fmt: str = "text",
        lang: str = "ja",
    ) -> Session:
        """Create the log (never over an existing file) and play the first move.

        ``fmt`` and ``lang`` are recorded so that a replay prints what the session printed.
        """
        writer = create_log(
            log_path, header_record(exercise, pack, rules_path, log_path, clock, fmt=fmt, lang=lang)
        )
        session = cls(ExerciseRun(exercise, pack), log_path, clock, 1, writer)
        try:
            session.run.next_move()
        except BaseException:
            writer.close()
            raise
        return session

    def close(self) -> None:
        """Release the log (another session may resume it from now on)."""
        self.writer.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def current(self) -> MoveState:
        state = self.run.current
        assert state is not None, "a session always has a move being played"
        return state

    def decide(self, cell: str, action: str, rationale: str = "") -> Decision:
        """Record a decision of the move being played (fsync'd before returning)."""
        state = self.current
        if cell not in self.run.exercise.cell_ids():
            raise input_error("E301", f"unknown cell '{cell}'")
        decision = Decision(state.move.id, cell, action.strip(), rationale.strip(), timestamp(self.clock))
        self._append(
            {
                "type": "decision",
                "move": decision.move,
                "cell": decision.cell,
                "action": decision.action,
                "rationale": decision.rationale,
                "time": decision.time,
            }
        )
        self.run.record(decision)
        return decision

    def complete_move(self) -> MoveState | None:
        """Close the current move in the log; play and return the next one (None at the end)."""
        state = self.current
        self._append(_move_record(state, timestamp(self.clock)))
        if self.run.finished:
            return None
        return self.run.next_move()

    def _append(self, record: dict[str, Any]) -> None:
        full = {**record, "seq": self.seq}
        # Never write what the log's reader would refuse (a control character, a lone surrogate,
        # text beyond the bounds): the session would go on and its log be unreadable.
        texts = [v for v in full.values() if isinstance(v, str)]
        bad = next((found for t in texts if (found := control_character(t)) is not None), None)
        problem = ("E117", f"the control character {bad}") if bad else check_record(full, self.seq)
        if problem is not None:
            raise input_error(problem[0], f"not recorded in {self.log_path}: {problem[1]}")
        self.writer.append(full)
        self.seq += 1


def _move_record(state: MoveState, time: str) -> dict[str, Any]:
    return {
        "type": "move",
        "move": state.move.id,
        "time": time,
        "applied": [i.id for i in state.applied],
        "recommendations": state.result.ids,
    }


# -- reading a log back -----------------------------------------------------------------------


@dataclass
class Replayed:
    """A log read back and replayed: the run, and where the session stood when the log ends."""

    log: LogContents
    run: ExerciseRun
    completed: int  # moves with a 'move' record
    rules_path: str | None
    cut: TornLine | None = None  # a torn last line cut off before resuming

    @property
    def finished(self) -> bool:
        return self.completed == len(self.run.exercise.moves)

    @property
    def in_progress(self) -> MoveState | None:
        """The move the log stops in (started, with decisions, not completed), if any."""
        if len(self.run.moves) > self.completed:
            return self.run.moves[self.completed]
        return None


_NAME_HINT = (
    "a log written by policyengine names a *.yaml exercise and rule pack: name them with "
    "--exercise FILE and --rules PATH, or restore the log from a copy"
)


def find_exercise(log: LogContents, override: str | None = None) -> str:
    """The exercise file of a log: ``override``, else its path relative to the log, else absolute."""
    if override:
        return override
    info = log.header["exercise"]
    candidates = []
    rel = info.get("relpath")
    if isinstance(rel, str):
        candidates.append(os.path.join(os.path.dirname(os.path.abspath(log.path)), rel))
    if isinstance(info.get("path"), str):
        candidates.append(info["path"])
    where = Location(log.path, log.lines[0], 1)
    for c in candidates:
        wrong = named_file_problem(os.path.normpath(c))
        if wrong is not None:
            # A log comes from someone else as easily as an exercise does: the path it names is
            # checked like an 'extends:' (never read, never quoted, when it is not a YAML file).
            raise input_error("E602", f"the exercise named in the header: {wrong}", where, _NAME_HINT)
        if os.path.isfile(c):
            return os.path.relpath(c)
    raise input_error(
        "E101",
        "cannot find the exercise file this log was written for (looked at " + ", ".join(candidates) + ")",
        Location(log.path, log.lines[0], 1),
        "name it with --exercise FILE",
    )


def open_log(
    log_path: str,
    *,
    exercise_path: str | None = None,
    rules_path: str | None = None,
    pack: CompiledPack | None = None,
) -> Replayed:
    """Read a log, check it against the exercise and rule pack, and replay its decisions.

    Refuses with exit-2 errors (E603) when the exercise file, a scenario it reads or the rule
    pack differ from those the log was written against, and (E602) when a recorded move's
    injects or recommendations differ from what replaying produces.
    """
    from policyengine.core import load_pack

    log = read_log(log_path)
    header = log.header
    where = Location(log.path, log.lines[0], 1)
    recorded_rules = header["rules"].get("path")
    rules = rules_path or (recorded_rules if isinstance(recorded_rules, str) else None)
    if rules is not None and rules is recorded_rules and not os.path.isdir(rules):
        wrong = named_file_problem(rules, (".yaml", ".yml"))
        if wrong is not None:
            raise input_error("E602", f"the rule pack named in the header: {wrong}", where, _NAME_HINT)
    if pack is None:
        pack = load_pack(rules)
    fingerprint = pack_fingerprint(pack)
    if fingerprint != header["rules"].get("fingerprint"):
        raise input_error(
            "E603",
            f"the rule pack '{pack.pack.id}' ({rules or 'the shipped pack'}) has changed since this log "
            f"was written (fingerprint {fingerprint[:12]}, the log has "
            f"{str(header['rules'].get('fingerprint'))[:12]}); replaying it would not reproduce the session",
            where,
            "use the rule pack the session used (--rules PATH), e.g. from version control",
        )
    path = find_exercise(log, exercise_path)
    exercise = load_exercise(path, pack=pack)
    _check_inputs(log, exercise, where)
    return _replay(log, exercise, pack, rules)


def _check_inputs(log: LogContents, exercise: LoadedExercise, where: Location) -> None:
    info = log.header["exercise"]
    if info.get("id") != exercise.id:
        raise input_error(
            "E603",
            f"this log is of exercise '{info.get('id')}', not '{exercise.id}' ({exercise.path})",
            where,
            "name the exercise file the session played: --exercise FILE (run --resume: FILE)",
        )
    recorded = [i.get("sha256") for i in info.get("inputs", []) if isinstance(i, dict)]
    names = [str(i.get("file")) for i in info.get("inputs", []) if isinstance(i, dict)]
    current = list(exercise.inputs.items())
    changed = [
        current[i][0] if i < len(current) else names[i]
        for i in range(max(len(recorded), len(current)))
        if i >= len(recorded) or i >= len(current) or recorded[i] != current[i][1]
    ]
    if info.get("sha256") != exercise.sha256 and exercise.path not in changed:
        changed.insert(0, exercise.path)
    if changed:
        raise input_error(
            "E603",
            "changed since this log was written: " + ", ".join(changed) + "; replaying it would not "
            "reproduce the session",
            where,
            "use the files the session used (their SHA-256 hashes are in the log's first line)",
        )


_EDITED = (
    "the log was edited, or the exercise changed its moves or cells since: restore the log from a copy, "
    "or name the exercise the session played (--exercise FILE)"
)


def _replay(log: LogContents, exercise: LoadedExercise, pack: CompiledPack, rules: str | None) -> Replayed:
    run = ExerciseRun(exercise, pack)
    decisions: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    completed = 0
    problems: list[Diagnostic] = []
    move_ids = [m.id for m in exercise.moves]
    cells = exercise.cell_ids()
    state: MoveState | None = None
    for record, line in zip(log.records[1:], log.lines[1:], strict=True):
        where = Location(log.path, line, 1)
        expected_move = move_ids[completed] if completed < len(move_ids) else None
        if record["move"] != expected_move:
            problems.append(
                Diagnostic(
                    where,
                    "E602",
                    f"record of move '{record['move']}' where "
                    + (
                        f"move '{expected_move}' is being played" if expected_move else "the exercise is over"
                    ),
                    _EDITED,
                )
            )
            break
        if state is None or state.move.id != expected_move:
            state = run.next_move()
        if record["type"] == "decision":
            if record["cell"] not in cells:
                problems.append(
                    Diagnostic(where, "E602", f"decision of unknown cell '{record['cell']}'", _EDITED)
                )
                break
            decisions[record["move"]].append((line, record))
            run.record(
                Decision(
                    record["move"],
                    record["cell"],
                    record["action"],
                    str(record.get("rationale", "")),
                    str(record.get("time", "")),
                )
            )
            continue
        # a completed move: what the log saw must be what replaying produces
        for key, now in (("applied", [i.id for i in state.applied]), ("recommendations", state.result.ids)):
            if key in record and record[key] != now:
                problems.append(
                    Diagnostic(
                        where,
                        "E602",
                        f"replaying move '{state.move.id}' gives other {key} than the log records "
                        f"({', '.join(sorted(set(now) ^ set(record[key])))} differ)",
                        "the exercise, its scenarios, the rules or policyengine itself changed",
                    )
                )
        completed += 1
    if problems:
        raise InputError(problems)
    return Replayed(log, run, completed, rules)


def resume(
    log_path: str,
    *,
    exercise_path: str | None = None,
    rules_path: str | None = None,
    clock: Clock = utc_now,
) -> tuple[Session, Replayed]:
    """Carry on a session from its log: lock it (E606 if another session holds it), read and replay
    it, cut a torn last line, and open the next move. The lock is taken before reading, so that
    what is replayed is what the session goes on from."""
    writer = lock_log(log_path)
    try:
        replayed = open_log(log_path, exercise_path=exercise_path, rules_path=rules_path)
        if replayed.finished:
            raise input_error(
                "E604",
                "this session is complete: every move has been played",
                Location(log_path),
                "write the after-action report with 'policyengine exercise report LOG'",
            )
        replayed.cut = replayed.log.torn
        if replayed.log.torn is not None:
            writer.cut_torn()
            replayed.log.torn = None
        session = Session(replayed.run, log_path, clock, len(replayed.log.records), writer)
        if replayed.in_progress is None:
            replayed.run.next_move()
    except BaseException:
        writer.close()
        raise
    return session, replayed
