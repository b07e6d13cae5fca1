"""The decision log: append-only JSON Lines, one fsync'd line per record.

A session writes an ``exercise`` header record, then, in each move, a ``release`` record per inject
released to the players, a ``decision`` record per decision, a ``strike`` record per decision taken
back (naming the decision's number; the decision's own line is never edited), a ``note`` record per
facilitator's note, and one ``move`` record when the move ends; notes after the last move are the
hot wash. :mod:`policyengine.exercise.ledger` folds the records into the session's state; docs/
exercises.md describes every field. Records are written and read by ``policyengine.system.fileio``
(``LockedLog``/``read_jsonl``): each is appended with a single ``write`` and flushed to disk
before the session goes on, so an interruption loses at most the record being written. That
record, if partly written, is the *torn* last line (no final newline): reading reports it and
keeps every earlier record; the next append (resuming) cuts it off first.

Records carry ``seq`` (0, 1, 2, ...) so that a missing or reordered line is noticed. A session
holds the log's exclusive lock while it runs (:func:`create_log`, :func:`lock_log`): a second
session of the same log is refused (E606). Reading checks every record's shape strictly
(:func:`check_record`: E605 names the field), so that nothing after it meets a value of the wrong
type.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from policyengine.errors import Diagnostic, InputError, input_error
from policyengine.errors.locations import Location
from policyengine.loading.jsonlines import MAX_DAMAGED, read_jsonl
from policyengine.system.fileio import LockedLog, LogBusy

LOG_VERSION = 1
RECORD_TYPES = ("exercise", "decision", "move", "release", "strike", "note")

#: The session clock: returns the current time (timezone-aware). Tests pass a fixed one.
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The real clock (UTC, whole seconds)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def timestamp(clock: Clock) -> str:
    return clock().isoformat()


def create_log(path: str, header: dict[str, Any]) -> LockedLog:
    """Create a new log holding only its header record, and hold its lock; never overwrite a file."""
    try:
        log = LockedLog(path, new=True)
    except FileExistsError:
        raise input_error(
            "E501",
            "the decision log already exists",
            Location(path),
            "resume it with --resume, or name a new log with --log",
        ) from None
    except LogBusy:
        raise _busy(path) from None
    try:
        log.append(header)
    except BaseException:
        log.close()
        raise
    return log


def lock_log(path: str) -> LockedLog:
    """Hold the lock of an existing log for a session (E606 when another session holds it)."""
    if not os.path.isfile(path):
        read_log(path)  # the located E101/E102 of any file policyengine reads
    try:
        return LockedLog(path)
    except LogBusy:
        raise _busy(path) from None


def _busy(path: str) -> InputError:
    return input_error(
        "E606",
        "another session is writing this decision log: one log holds one session at a time",
        Location(path),
        "finish or stop the other session first (its terminal shows its prompt); to follow it meanwhile, "
        "'policyengine exercise replay LOG' reads the log without disturbing it",
    )


@dataclass(frozen=True)
class TornLine:
    """The incomplete last line of a log (``loading.jsonlines.read_jsonl``'s E118), by its line number."""

    line: int

    def warning(self, path: str, lang: str = "en", *, cut: bool = False) -> str:
        """The warning in ``lang``; ``cut``: the line was cut off before the session resumed."""
        from policyengine.text import t

        text = t("console.torn_record", lang, path=path, line=self.line)
        return text + t("console.torn_cut", lang) if cut else text


@dataclass
class LogContents:
    """The records of a log and, if the last line is torn, where."""

    path: str
    records: list[dict[str, Any]]
    lines: list[int] = field(default_factory=list)  # line number of each record
    torn: TornLine | None = None

    @property
    def header(self) -> dict[str, Any]:
        return self.records[0]


def read_log(path: str) -> LogContents:
    """Read and check a log. A torn last line is reported in ``torn``; any other damage is an error.

    Every record's shape is checked strictly (:func:`check_record`) before anything reads it:
    the readers after this one may index any field they need.
    """
    lines = read_jsonl(path, code="E602")
    contents = LogContents(path, [])
    problems: list[Diagnostic] = []
    # Each record is checked at its place in the file: a damaged record is one error, not one for
    # every record after it (a missing line, though, puts every later record out of sequence).
    for index, (number, record) in enumerate(zip(lines.lines, lines.records, strict=True)):
        problem = check_record(record, index)
        if problem and number == 1 and record.get("type") != "exercise":
            # A file that does not open with the header is not a log at all, not a damaged one.
            raise _not_a_log(path)
        if problem:
            code, message = problem
            problems.append(Diagnostic(Location(path, number, 1), code, message, _DAMAGED))
            if len(problems) >= MAX_DAMAGED:
                break  # not a log of this shape at all: enough said
            continue
        contents.records.append(record)
        contents.lines.append(number)
    if lines.torn is not None and lines.torn.location is not None:
        contents.torn = TornLine(lines.torn.location.line or 0)
    if problems:
        raise InputError(problems)
    if not contents.records or contents.records[0].get("type") != "exercise":
        raise _not_a_log(path)
    return contents


_DAMAGED = "the log was edited or damaged: restore it from a copy, or correct or remove the line"


def _not_a_log(path: str) -> InputError:
    return input_error(
        "E601",
        "not an exercise decision log: the first record must be the 'exercise' header",
        Location(path, 1, 1),
        "decision logs are written by 'policyengine exercise run --interactive'",
    )


# -- the shape of a record ------------------------------------------------------------------------

#: formats and languages a session can be played in (and replayed in)
FORMATS = ("text", "markdown")
LANGS = ("ja", "en")
#: characters of a decision's action (what the prompt accepts, and what a log may hold)
MAX_ACTION = 1_000
#: characters of any other text in a log (a rationale, a path), as for text in a scenario
MAX_TEXT = 20_000
#: characters of who decided or wrote a note (a name or a role)
MAX_NAME = 200
#: items of a list in a log (recommendations of a move, files a session read)
MAX_ITEMS = 10_000

_HEX64 = re.compile(r"[0-9a-f]{64}\Z")

#: A check of one value: None when it is fine, else (where below the value, what is wrong).
Check = Callable[[Any], "tuple[str, str] | None"]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _text(limit: int = MAX_TEXT, *, empty: bool = False) -> Check:
    def check(value: Any) -> tuple[str, str] | None:
        if not isinstance(value, str) or (not value and not empty):
            return "", f"must be {'' if empty else 'non-empty '}text, not {_kind(value)}"
        if len(value) > limit:
            return "", f"must be at most {limit:,} characters, not {len(value):,}"
        return None

    return check


def _hex64(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str) or not _HEX64.match(value):
        return "", f"must be a SHA-256 hash (64 hexadecimal digits), not {_kind(value)}"
    return None


def _time(value: Any) -> tuple[str, str] | None:
    if isinstance(value, str) and len(value) <= 64:
        try:
            dt.datetime.fromisoformat(value)
            return None
        except ValueError:
            pass
    return "", f"must be a date and time (ISO 8601, e.g. 2022-07-04T09:00:00+00:00), not {_kind(value)}"


_INJECT_NUMBER = re.compile(r"[1-9][0-9]{0,5}\.[1-9][0-9]{0,5}\Z")


def _inject_number(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str) or not _INJECT_NUMBER.match(value):
        return "", f"must be an inject's number MOVE.K (e.g. 2.3), not {_kind(value)}"
    return None


def _positive(value: Any) -> tuple[str, str] | None:
    if not _whole(value) or not 1 <= value <= 10**9:
        return "", f"must be a decision's number (1, 2, ...), not {_kind(value)}"
    return None


def _choice(*allowed: str) -> Check:
    def check(value: Any) -> tuple[str, str] | None:
        if value not in allowed or not isinstance(value, str):
            return "", f"must be one of {', '.join(allowed)}, not {_kind(value)}"
        return None

    return check


def _or_null(inner: Check) -> Check:
    def check(value: Any) -> tuple[str, str] | None:
        return None if value is None else inner(value)

    return check


def _list(item: Check, what: str, limit: int = MAX_ITEMS) -> Check:
    def check(value: Any) -> tuple[str, str] | None:
        if not isinstance(value, list):
            return "", f"must be a list of {what}, not {_kind(value)}"
        if len(value) > limit:
            return "", f"must hold at most {limit:,} items, not {len(value):,}"
        for i, x in enumerate(value):
            problem = item(x)
            if problem is not None:
                return f"[{i}]{problem[0]}", problem[1]
        return None

    return check


#: (check, required) per field of a record or of an object in it; other fields are refused
Fields = dict[str, tuple[Check, bool]]


def _object(fields: Fields) -> Check:
    def check(value: Any) -> tuple[str, str] | None:
        if not isinstance(value, dict):
            return "", f"must be an object, not {_kind(value)}"
        return _check_fields(value, fields)

    return check


def _check_fields(record: dict[str, Any], fields: Fields) -> tuple[str, str] | None:
    for key in record:
        if key not in fields:
            return "", f"has an unknown field {_kind(key)} (expected {', '.join(sorted(fields))})"
    for key, (check, required) in fields.items():
        if key not in record:
            if required:
                return "", f"lacks '{key}'"
            continue
        problem = check(record[key])
        if problem is not None:
            return f".{key}{problem[0]}", problem[1]
    return None


def _any(value: Any) -> tuple[str, str] | None:
    return None  # checked before the fields (type, seq, version)


_INPUT: Fields = {"file": (_text(), True), "sha256": (_hex64, True)}
_RECORD_FIELDS: dict[str, Fields] = {
    "exercise": {
        "type": (_any, True),
        "seq": (_any, True),
        "version": (_any, True),
        "time": (_time, False),
        "format": (_choice(*FORMATS), False),
        "lang": (_choice(*LANGS), False),
        "exercise": (
            _object(
                {
                    "id": (_text(200), True),
                    "path": (_text(), False),
                    "relpath": (_text(), False),
                    "sha256": (_hex64, True),
                    "inputs": (_list(_object(_INPUT), "files {file, sha256}", 100), False),
                }
            ),
            True,
        ),
        "rules": (
            _object(
                {"path": (_or_null(_text()), False), "id": (_text(200), True), "fingerprint": (_hex64, True)}
            ),
            True,
        ),
    },
    "decision": {
        "type": (_any, True),
        "seq": (_any, True),
        "move": (_text(200), True),
        # absent: the whole room decided (a log before the console always names a cell)
        "cell": (_text(200), False),
        "action": (_text(MAX_ACTION), True),
        "rationale": (_text(empty=True), False),
        "by": (_text(MAX_NAME, empty=True), False),
        "time": (_time, False),
    },
    "release": {
        "type": (_any, True),
        "seq": (_any, True),
        "move": (_text(200), True),
        "inject": (_text(200), True),
        "number": (_inject_number, True),
        "time": (_time, False),
    },
    "strike": {
        "type": (_any, True),
        "seq": (_any, True),
        # the move being played when the decision was struck; absent once every move is played
        "move": (_text(200), False),
        "decision": (_positive, True),
        "reason": (_text(empty=True), False),
        "by": (_text(MAX_NAME, empty=True), False),
        "time": (_time, False),
    },
    "note": {
        "type": (_any, True),
        "seq": (_any, True),
        # the move being played; absent once every move is played (the hot wash)
        "move": (_text(200), False),
        "text": (_text(), True),
        "by": (_text(MAX_NAME, empty=True), False),
        "time": (_time, False),
    },
    "move": {
        "type": (_any, True),
        "seq": (_any, True),
        "move": (_text(200), True),
        "time": (_time, False),
        "applied": (_list(_text(200), "inject ids"), False),
        "recommendations": (_list(_text(400), "recommendation ids"), False),
    },
}


def _lone_surrogate(value: Any) -> tuple[str, str] | None:
    """Where a text of the record holds a lone surrogate (JSON's "\\ud800" is not a character:
    it cannot be printed or written as UTF-8), and which."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, item = stack.pop()
        texts: list[tuple[str, str]] = []
        if isinstance(item, str):
            texts.append((where, item))
        elif isinstance(item, dict):
            for key, child in item.items():
                texts.append((where or "(a field name)", str(key)))
                stack.append((f"{where}.{key}" if where else str(key), child))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", child) for i, child in enumerate(item))
        for at, text in texts:
            for ch in text:
                if 0xD800 <= ord(ch) <= 0xDFFF:
                    return at, f"U+{ord(ch):04X}"
    return None


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def check_record(record: Any, index: int) -> tuple[str, str] | None:
    """What is wrong with the record at ``index`` of a log, as (code, message), or None.

    E602 for a record that cannot be part of the log there (unknown type, out of sequence, a
    second header); E605 for a field of the wrong type or value, named by its path
    (``exercise.inputs[0].sha256``), and for a lone surrogate in any text.
    """
    if not isinstance(record, dict):
        return "E602", "a record must be a JSON object"
    surrogate = _lone_surrogate(record)
    if surrogate is not None:
        where, char = surrogate
        return "E605", f"'{where}' holds a lone surrogate ({char}), which is not a character"
    kind = record.get("type")
    if not isinstance(kind, str) or kind not in RECORD_TYPES:
        return "E602", f"unknown record type {_kind(kind)} (expected one of {', '.join(RECORD_TYPES)})"
    seq = record.get("seq")
    if not _whole(seq):
        return "E605", f"'seq' must be a whole number, not {_kind(seq)} (a '{kind}' record)"
    if seq != index:
        return "E602", f"record out of sequence: seq {seq} where {index} was expected"
    if index == 0 and kind != "exercise":
        return "E602", "the first record must be the 'exercise' header"  # E601 when on the first line
    if index > 0 and kind == "exercise":
        return "E602", "a second 'exercise' header: a log holds one session"
    if kind == "exercise":
        version = record.get("version")
        if not _whole(version):
            return "E605", f"the header's 'version' must be a whole number, not {_kind(version)}"
        if version != LOG_VERSION:
            return "E602", f"unsupported log version {version} (this policyengine writes {LOG_VERSION})"
    problem = _check_fields(record, _RECORD_FIELDS[kind])
    if problem is not None:
        where, what = problem
        field_name = f"'{where.lstrip('.')}'" if where else "the record"
        record_name = "the 'exercise' header" if kind == "exercise" else f"a '{kind}' record (seq {seq})"
        return "E605", f"{record_name}: {field_name} {what}"
    return None
