"""Writing files so that nothing is ever half-written.

* :func:`atomic_write_text`: readers see the old file or the new one, never a torn one, even if
  the process is interrupted (Ctrl-C, SIGTERM) or killed (SIGKILL, power loss: then a temporary
  ``.NAME.*.tmp`` file may remain beside the target, never a torn target).
* :func:`append_jsonl` / :func:`read_jsonl`: append-only logs of JSON records, one per line,
  each appended with a single write and flushed to disk. A record whose append was cut short
  (the process killed mid-write) is detected by the reader, which keeps every earlier record,
  and dropped by the next append.

Every way these fail on the file system is an :class:`InputError` naming the file (exit 2).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policyengine.errors import Diagnostic, input_error
from policyengine.interrupts import critical
from policyengine.locations import Location


def _write_failed(path: str | os.PathLike[str], exc: OSError) -> Exception:
    return input_error(
        "E107",
        f"cannot write the file: {exc.strerror or exc}",
        Location(str(path)),
        "check that the folder exists, is writable and has free space",
    )


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder and a rename.

    The temporary file is removed on any failure or interrupt; the target is only ever replaced
    by a complete, flushed file. Permission bits of an existing target are kept.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise input_error("E102", "the output path is a directory", Location(str(path)), "name a file")
    if not folder.is_dir():
        raise input_error(
            "E101",
            f"the output folder '{folder}' does not exist",
            Location(str(path)),
            "create the folder first, or write somewhere else",
        )
    data = text.encode("utf-8")
    tmp: str | None = None
    fd = -1
    try:
        with critical():  # an interrupt here is raised once ``tmp`` is known, inside this try
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with contextlib.suppress(OSError):
            os.fchmod(fd, _mode_for(target))
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise _write_failed(path, exc) from None
    finally:
        with critical():
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def _mode_for(target: Path) -> int:
    """The existing file's permissions, or the usual ones for a new file under the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# -- append-only JSON lines ------------------------------------------------------------------------


def _dumps(record: Mapping[str, Any]) -> bytes:
    line = json.dumps(
        dict(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return (line + "\n").encode("utf-8")


def append_jsonl(path: str | os.PathLike[str], record: Mapping[str, Any]) -> None:
    """Append one JSON record as one line, flushed to disk before returning.

    The line is written with a single ``write`` on a file opened for appending, under an
    exclusive lock, so that concurrent appenders never interleave. If the file ends with a torn
    line (an earlier append was killed mid-write), that partial line is cut off first: it was
    never acknowledged to its writer, and keeping it would corrupt the record after it.
    NaN and infinities are refused (they are not JSON).
    """
    import fcntl

    try:
        data = _dumps(record)
    except ValueError as exc:
        raise input_error("E204", f"record is not valid JSON: {exc}", Location(str(path))) from None
    target = Path(path)
    created = not target.exists()
    try:
        with critical():  # a record is appended whole, or not at all
            fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                _cut_torn_tail(fd)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:
                _fsync_folder(target.parent)
    except OSError as exc:
        raise _write_failed(path, exc) from None


def _cut_torn_tail(fd: int) -> None:
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    # Find the end of the last complete line, reading backwards in blocks.
    end = size
    keep = 0
    while end > 0:
        start = max(0, end - 65536)
        block = os.pread(fd, end - start, start)
        i = block.rfind(b"\n")
        if i >= 0:
            keep = start + i + 1
            break
        end = start
    os.ftruncate(fd, keep)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dfd = os.open(folder if str(folder) else ".", os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


@dataclass
class JsonLines:
    """What :func:`read_jsonl` found: the complete records, and a torn last line if any."""

    records: list[dict[str, Any]] = field(default_factory=list)
    torn: Diagnostic | None = None  # the last line was cut short (kept out of ``records``)


def read_jsonl(path: str | os.PathLike[str]) -> JsonLines:
    """Read a log written by :func:`append_jsonl`.

    A last line without its newline is a torn append: it is reported in ``torn`` (with its
    line number) and left out, and every earlier record is kept. A damaged line anywhere else,
    or a line that is not a JSON object, is an :class:`InputError` at that line.
    """
    display = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise input_error("E101", "file not found", Location(display), "check the path") from None
    except IsADirectoryError:
        raise input_error("E102", "this is a directory, not a file", Location(display)) from None
    except OSError as exc:
        raise input_error("E103", f"cannot read the file: {exc.strerror}", Location(display)) from None
    out = JsonLines()
    lines = data.split(b"\n")
    tail = lines.pop()  # after the last newline: empty unless the last append was torn
    for number, raw in enumerate(lines, start=1):
        try:
            value = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise input_error(
                "E110",
                f"line {number} is not a JSON record ({exc})",
                Location(display, number, 1),
                "the log was edited or damaged: restore it from a copy, or remove the line",
            ) from None
        if not isinstance(value, dict):
            raise input_error("E114", f"line {number} is not a JSON object", Location(display, number, 1))
        out.records.append(value)
    if tail:
        number = len(lines) + 1
        out.torn = Diagnostic(
            Location(display, number, 1),
            "E108",
            f"the last line ({len(tail)} bytes) was cut short by an interrupted write; "
            f"the {len(out.records)} record(s) before it are intact",
            "the next append removes it; the record it held was never completely written",
        )
    return out
