"""The decision log: append-only JSON Lines, one fsync'd line per record.

A session writes an ``exercise`` header record, then one ``decision`` record per decision and one
``move`` record per completed move. Each record is written with a single ``write`` on a file
opened for appending and is ``fsync``'d before the session goes on, so an interruption loses at
most the record being written. That record, if partly written, is the *torn* last line (no final
newline): reading reports it and keeps every earlier record; resuming cuts it off first.

Records carry ``seq`` (0, 1, 2, ...) so that a missing or reordered line is noticed.
(``fileio.append_jsonl``/``read_jsonl``, planned on another branch, may replace the two
primitives here.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from policyengine.errors import Diagnostic, InputError, input_error
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


def encode(record: dict[str, Any]) -> bytes:
    """One record as one line of UTF-8 JSON, keys sorted."""
    return (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _fsync_dir(path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsync'd
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def create_log(path: str, header: dict[str, Any]) -> None:
    """Create a new log holding only its header record; refuse to overwrite an existing file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
    except FileExistsError:
        raise input_error(
            "E501",
            "the decision log already exists",
            Location(path),
            "resume it with --resume, or name a new log with --log",
        ) from None
    except OSError as exc:
        raise input_error("E103", f"cannot create the decision log: {exc.strerror}", Location(path)) from None
    try:
        _write_all(fd, encode(header))
        os.fsync(fd)
    finally:
        os.close(fd)
    _fsync_dir(path)


def append_record(path: str, record: dict[str, Any]) -> None:
    """Append one record as one line, and fsync it before returning."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        _write_all(fd, encode(record))
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


@dataclass(frozen=True)
class TornLine:
    """The incomplete last line of a log: its line number and where the complete records end."""

    line: int
    good_size: int  # bytes of the complete records before it
    excerpt: str

    def warning(self, path: str) -> str:
        return (
            f"{path}:{self.line}:1: warning: the last record is incomplete (the session was "
            f"interrupted while writing it) and is ignored: {self.excerpt!r}; "
            "the records before it are kept"
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
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise input_error("E101", "decision log not found", Location(path)) from None
    except IsADirectoryError:
        raise input_error("E102", "the decision log path is a folder", Location(path)) from None
    except OSError as exc:
        raise input_error("E103", f"cannot read the decision log: {exc.strerror}", Location(path)) from None
    parts = data.split(b"\n")
    tail = parts.pop()  # after the last newline: empty when the file ends cleanly
    contents = LogContents(path, [])
    problems: list[Diagnostic] = []
    offset = 0
    for number, raw in enumerate(parts, start=1):
        offset += len(raw) + 1
        if not raw.strip():
            problems.append(Diagnostic(Location(path, number, 1), "E602", "empty line in the decision log"))
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Diagnostic(Location(path, number, 1), "E602", f"not a JSON record: {exc}"))
            continue
        problem = _check_record(record, len(contents.records))
        if problem and number == 1 and isinstance(record, dict) and record.get("type") != "exercise":
            # A file that does not open with the header is not a log at all, not a damaged one.
            raise _not_a_log(path)
        if problem:
            problems.append(Diagnostic(Location(path, number, 1), "E602", problem))
            continue
        contents.records.append(record)
        contents.lines.append(number)
    if tail:
        excerpt = tail[:60].decode("utf-8", errors="replace")
        contents.torn = TornLine(len(parts) + 1, offset, excerpt + ("..." if len(tail) > 60 else ""))
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
    fd = os.open(contents.path, os.O_WRONLY)
    try:
        os.ftruncate(fd, contents.torn.good_size)
        os.fsync(fd)
    finally:
        os.close(fd)
    contents.torn = None
