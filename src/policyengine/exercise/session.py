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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policyengine.errors import Diagnostic, InputError, input_error
from policyengine.errors.locations import Location
from policyengine.exercise.ledger import Ledger
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
from policyengine.loading.documents import named_file_problem
from policyengine.loading.yamltree import control_character
from policyengine.system.fileio import LockedLog

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
    """An exercise run whose records are appended to a log as they happen.

    The session holds its log's lock from start (or resume) to :meth:`close` (or the end of the
    process): a second session of the same log is refused (E606) instead of interleaving records.
    Every record goes through :meth:`append`, which checks it against the log's shape and the
    session's state (:class:`~policyengine.exercise.ledger.Ledger`) before writing it, and folds
    it into that state after: the state is always what replaying the log rebuilds.
    """

    ledger: Ledger
    log_path: str
    clock: Clock
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
        header = header_record(exercise, pack, rules_path, log_path, clock, fmt=fmt, lang=lang)
        writer = create_log(log_path, header)
        try:
            ledger = Ledger(ExerciseRun(exercise, pack))
            ledger.apply(header)
            ledger.play_next()
        except BaseException:
            writer.close()
            raise
        return cls(ledger, log_path, clock, writer)

    @property
    def run(self) -> ExerciseRun:
        return self.ledger.run

    @property
    def seq(self) -> int:
        """The sequence number the next record will carry."""
        return self.ledger.records

    @property
    def finished(self) -> bool:
        return self.ledger.finished

    def close(self) -> None:
        """Release the log (another session may resume it from now on)."""
        self.writer.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def current(self) -> MoveState:
        state = self.ledger.current()
        assert state is not None, "a session being played has a move being played"
        return state

    def decide(self, cell: str, action: str, rationale: str = "", by: str = "") -> Decision:
        """Record a decision of the move being played (fsync'd before returning).

        ``cell`` empty: the whole room decided (the record names no cell).
        """
        state = self.current
        if cell and cell not in self.run.exercise.cell_ids():
            raise input_error("E301", f"unknown cell '{cell}'")
        record: dict[str, Any] = {"type": "decision", "move": state.move.id}
        if cell:
            record["cell"] = cell
        record.update(action=action.strip(), rationale=rationale.strip())
        if by.strip():
            record["by"] = by.strip()
        self.append(record)
        return self.ledger.decisions[-1].decision

    def complete_move(self) -> MoveState | None:
        """Close the current move in the log; play and return the next one (None at the end)."""
        self.append(_move_record(self.current))
        return self.ledger.current()

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Write ``record`` with the next ``seq`` and the clock's time, and fold it into the state.

        Refuses (E117, E605, E602) what the log's reader would refuse or what cannot follow the
        records before it: the session would go on and its log be unreadable.
        """
        full = {**record, "seq": self.seq, "time": timestamp(self.clock)}
        texts = [v for v in full.values() if isinstance(v, str)]
        bad = next((found for t in texts if (found := control_character(t)) is not None), None)
        problem = ("E117", f"the control character {bad}") if bad else check_record(full, self.seq)
        if problem is None:
            wrong = self.ledger.problem(full)
            problem = None if wrong is None else ("E602", wrong)
        if problem is not None:
            raise input_error(problem[0], f"not recorded in {self.log_path}: {problem[1]}")
        self.writer.append(full)
        self.ledger.apply(full)
        return full


def _move_record(state: MoveState) -> dict[str, Any]:
    return {
        "type": "move",
        "move": state.move.id,
        "applied": [i.id for i in state.applied],
        "recommendations": state.result.ids,
    }


# -- reading a log back -----------------------------------------------------------------------


@dataclass
class Replayed:
    """A log read back and replayed: the run, and where the session stood when the log ends."""

    log: LogContents
    ledger: Ledger
    rules_path: str | None
    cut: TornLine | None = None  # a torn last line cut off before resuming

    @property
    def run(self) -> ExerciseRun:
        return self.ledger.run

    @property
    def completed(self) -> int:
        """Moves with a 'move' record."""
        return self.ledger.completed

    @property
    def finished(self) -> bool:
        return self.ledger.finished

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
    ledger = Ledger(ExerciseRun(exercise, pack))
    ledger.apply(log.header)
    problems: list[Diagnostic] = []
    for record, line in zip(log.records[1:], log.lines[1:], strict=True):
        where = Location(log.path, line, 1)
        wrong = ledger.problem(record)
        if wrong is not None:
            problems.append(Diagnostic(where, "E602", wrong, _EDITED))
            break
        if record["type"] == "move":
            # a completed move: what the log saw must be what replaying produces
            state = ledger.current()
            assert state is not None
            seen = (("applied", [i.id for i in state.applied]), ("recommendations", state.result.ids))
            for key, now in seen:
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
        ledger.apply(record)
    if problems:
        raise InputError(problems)
    return Replayed(log, ledger, rules)


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
        session = Session(replayed.ledger, log_path, clock, writer)
        session.ledger.current()  # the move the log stops in, or the next one
    except BaseException:
        writer.close()
        raise
    return session, replayed
