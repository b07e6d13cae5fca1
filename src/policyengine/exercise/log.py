"""The decision log: append-only JSON Lines, one fsync'd line per record.

A session writes an ``exercise`` header record, then one ``decision`` record per decision and one
``move`` record per completed move. Records are written and read by ``policyengine.fileio``
(``append_jsonl``/``read_jsonl``): each is appended with a single ``write`` and flushed to disk
before the session goes on, so an interruption loses at most the record being written. That
record, if partly written, is the *torn* last line (no final newline): reading reports it and
keeps every earlier record; the next append (resuming) cuts it off first.

Records carry ``seq`` (0, 1, 2, ...) so that a missing or reordered line is noticed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from policyengine.errors import Diagnostic, InputError, input_error
from policyengine.fileio import append_jsonl, drop_torn_line, read_jsonl
from policyengine.locations import Location

LOG_VERSION = 1
RECORD_TYPES = ("exercise", "decision", "move")

#: The session clock: returns the current time (timezone-aware). Tests pass a fixed one.
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The real clock (UTC, whole seconds)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def timestamp(clock: Clock) -> str:
    return clock().isoformat()


def create_log(path: str, header: dict[str, Any]) -> None:
    """Create a new log holding only its header record; refuse to overwrite an existing file."""
    try:
        append_jsonl(path, header, new=True)
    except FileExistsError:
        raise input_error(
            "E501",
            "the decision log already exists",
            Location(path),
            "resume it with --resume, or name a new log with --log",
        ) from None


def append_record(path: str, record: dict[str, Any]) -> None:
    """Append one record as one line (a torn last line is cut off first), flushed to disk."""
    append_jsonl(path, record)


@dataclass(frozen=True)
class TornLine:
    """The incomplete last line of a log (``fileio.read_jsonl``'s E118), by its line number."""

    line: int

    def warning(self, path: str) -> str:
        return (
            f"{path}:{self.line}:1: warning: the last record is incomplete (the session was "
            "interrupted while writing it) and is ignored; the records before it are kept"
        )


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
    """Read and check a log. A torn last line is reported in ``torn``; any other damage is an error."""
    lines = read_jsonl(path, code="E602")
    contents = LogContents(path, [])
    problems: list[Diagnostic] = []
    for number, record in zip(lines.lines, lines.records, strict=True):
        problem = _check_record(record, len(contents.records))
        if problem and number == 1 and record.get("type") != "exercise":
            # A file that does not open with the header is not a log at all, not a damaged one.
            raise _not_a_log(path)
        if problem:
            problems.append(Diagnostic(Location(path, number, 1), "E602", problem))
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


def _not_a_log(path: str) -> InputError:
    return input_error(
        "E601",
        "not an exercise decision log: the first record must be the 'exercise' header",
        Location(path, 1, 1),
        "decision logs are written by 'policyengine exercise run --interactive'",
    )


def _check_record(record: Any, index: int) -> str | None:
    if not isinstance(record, dict):
        return "a record must be a JSON object"
    kind = record.get("type")
    if kind not in RECORD_TYPES:
        return f"unknown record type {kind!r} (expected one of {', '.join(RECORD_TYPES)})"
    if record.get("seq") != index:
        return f"record out of sequence: seq {record.get('seq')!r} where {index} was expected"
    if index == 0 and kind != "exercise":
        return "the first record must be the 'exercise' header"  # E601 when on the first line
    if index > 0 and kind == "exercise":
        return "a second 'exercise' header: a log holds one session"
    if kind == "exercise":
        if record.get("version") != LOG_VERSION:
            return (
                f"unsupported log version {record.get('version')!r} (this policyengine writes {LOG_VERSION})"
            )
        for key in ("exercise", "rules"):
            if not isinstance(record.get(key), dict):
                return f"the header lacks '{key}'"
    required = {"decision": ("move", "cell", "action"), "move": ("move",)}.get(str(kind), ())
    for key in required:
        if not isinstance(record.get(key), str) or not record[key]:
            return f"a '{kind}' record needs '{key}' (text)"
    return None


def cut_torn(contents: LogContents) -> None:
    """Drop a torn last line from the file, keeping every complete record (before resuming)."""
    if contents.torn is None:
        return
    drop_torn_line(contents.path)
    contents.torn = None
