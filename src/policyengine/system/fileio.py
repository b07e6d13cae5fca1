"""Writing files so that nothing is ever half-written.

* :func:`atomic_write_text`: readers see the old file or the new one, never a torn one, even if
  the process is interrupted (Ctrl-C, SIGTERM) or killed (SIGKILL, power loss: then a temporary
  ``.NAME.*.tmp`` file may remain beside the target, never a torn target).
* :func:`append_jsonl`: append-only logs of JSON records, one per line, each appended with a
  single write and flushed to disk. A record whose append was cut short (the process killed
  mid-write) is detected by the reader (:func:`policyengine.loading.jsonlines.read_jsonl`), which
  keeps every earlier record, and dropped by the next append.

Every way these fail on the file system is an :class:`InputError` naming the file (exit 2).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policyengine.errors import input_error
from policyengine.errors.locations import Location
from policyengine.system.interrupts import critical


def _write_failed(path: str | os.PathLike[str], exc: OSError) -> Exception:
    return input_error(
        "E109",
        f"cannot write the file: {exc.strerror or exc}",
        Location(str(path)),
        "check that the folder exists, is writable and has free space",
    )


# -- where an output goes ------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputPlan:
    """How an output path is written: renamed over (``direct`` False) or written to in place."""

    target: Path  # the file that is replaced, or the path written to directly
    direct: bool


def plan_output(path: str | os.PathLike[str]) -> OutputPlan:
    """Decide how ``path`` is written, by one rule (docs/security.md, "Writing outputs").

    * nothing there, or a regular file: a temporary file beside it, renamed over it;
    * a symbolic link is followed, as the shell's ``>`` does, and the rule applied to what it
      leads to: a regular file is replaced where it really is (the link stays a link); a
      device or a pipe is written to directly;
    * a character device (``/dev/null``, a terminal) or a named pipe: written to directly,
      without a temporary file (there is nothing to replace);
    * a directory, a block device, a socket or a link to nothing: refused (E102), before any
      work is done.
    """
    import stat

    target = Path(path)
    shown = Location(str(path))
    try:
        lst = os.lstat(target)
    except FileNotFoundError:
        return OutputPlan(target, direct=False)
    except OSError as exc:
        raise _write_failed(path, exc) from None
    st = lst
    if stat.S_ISLNK(lst.st_mode):
        try:
            # os.stat follows the link through the kernel, so its protections (such as
            # fs.protected_symlinks in /tmp) apply; magic links (/dev/stdout) work too.
            st = os.stat(target)
        except FileNotFoundError:
            raise input_error(
                "E102",
                f"the output path is a symbolic link to '{os.readlink(target)}', which does not exist",
                shown,
                "remove the link, or create the file it points to first",
            ) from None
        except OSError as exc:
            raise _write_failed(path, exc) from None
    mode = st.st_mode
    if stat.S_ISREG(mode):
        if target.is_symlink():
            real = Path(os.path.realpath(target))
            try:
                same = os.path.samestat(os.stat(real), st)
            except OSError:
                same = False
            # A link to a file that has no name any more (a deleted file held open behind
            # /dev/stdout) cannot be replaced: write through the link instead.
            return OutputPlan(real, direct=False) if same else OutputPlan(target, direct=True)
        return OutputPlan(target, direct=False)
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return OutputPlan(target, direct=True)
    what = (
        "a directory"
        if stat.S_ISDIR(mode)
        else "a block device"
        if stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    raise input_error(
        "E102",
        f"the output path is {what}",
        shown,
        "name a file (new or regular), a character device such as /dev/null, or a named pipe",
    )


# -- the files the running command read ------------------------------------------------------------

#: (device, inode) -> the name the command read it by; None when no command is running
_inputs: dict[tuple[int, int], str] | None = None


@contextlib.contextmanager
def command_inputs() -> Iterator[None]:
    """Remember every file read while the block runs, so that no output replaces one of them.

    The CLI runs every command inside it. Readers record files with :func:`note_input`.
    """
    global _inputs
    previous, _inputs = _inputs, {}
    try:
        yield
    finally:
        _inputs = previous


def note_input(st: os.stat_result, display: str) -> None:
    """Record that the running command reads the file ``st`` describes (named ``display``)."""
    if _inputs is not None:
        _inputs.setdefault((st.st_dev, st.st_ino), display)


def check_not_an_input(target: Path, shown: str | os.PathLike[str]) -> None:
    """Refuse to replace a file the running command read (E109): ``evaluate k.yaml -o k.yaml``
    would destroy the scenario, ``exercise report s.jsonl -o s.jsonl`` the decision log."""
    if not _inputs:
        return
    try:
        st = os.stat(target)
    except OSError:
        return  # not there (yet): nothing to destroy
    read_as = _inputs.get((st.st_dev, st.st_ino))
    if read_as is None:
        return
    same = os.path.normpath(read_as) == os.path.normpath(str(shown))
    raise input_error(
        "E109",
        "the output would replace an input of this command"
        + ("" if same else f" ({read_as} is the same file)"),
        Location(str(shown)),
        "write the output to another file",
    )


class AtomicFile:
    """A file written in pieces and put in place whole, through a temporary file beside it.

    Until :meth:`commit`, readers see the old file (or none); :meth:`discard` (or any failure
    or interrupt before the commit) removes the temporary file. Permission bits of an existing
    target are kept. Used for outputs written in one go (:func:`atomic_write_text`) and for
    results streamed as they come (``policyengine sweep --output``).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = path
        self._fd = -1
        self._tmp: str | None = None
        self._direct = False
        plan = plan_output(path)
        check_not_an_input(plan.target, path)
        if plan.direct:
            # A device, a pipe or a terminal (or a link to one): there is nothing to replace, so it
            # is written as the shell's '>' would, never renamed over.
            self._direct = True
            self.target = plan.target
            try:
                with critical():
                    self._fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_NOCTTY | os.O_CLOEXEC)
            except OSError as exc:
                raise _write_failed(path, exc) from None
            return
        self.target = plan.target
        folder = self.target.parent if str(self.target.parent) else Path(".")
        if not folder.is_dir():
            raise input_error(
                "E101",
                f"the output folder '{folder}' does not exist",
                Location(str(path)),
                "create the folder first, or write somewhere else",
            )
        import tempfile  # here, not at import: every command imports this module, few write a file

        try:
            with critical():  # an interrupt here is raised once ``_tmp`` is known
                self._fd, self._tmp = tempfile.mkstemp(
                    prefix=f".{self.target.name}.", suffix=".tmp", dir=folder
                )
            with contextlib.suppress(OSError):
                os.fchmod(self._fd, _mode_for(self.target))
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise _write_failed(path, exc) from None
            raise

    def write(self, text: str) -> None:
        """Append ``text`` (UTF-8) to the temporary file."""
        view = memoryview(text.encode("utf-8"))
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError as exc:
            self.discard()
            raise _write_failed(self.path, exc) from None

    def commit(self) -> None:
        """Flush the temporary file to disk and rename it over the target."""
        if self._direct:
            try:
                os.close(self._fd)
            except OSError as exc:
                raise _write_failed(self.path, exc) from None
            finally:
                self._fd = -1
            return
        try:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1
            assert self._tmp is not None
            # An input read since the file was opened (sweeps stream while they read) is checked
            # again at the last moment.
            check_not_an_input(self.target, self.path)
            os.replace(self._tmp, self.target)
            self._tmp = None
        except OSError as exc:
            raise _write_failed(self.path, exc) from None
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the temporary file (nothing after a commit)."""
        with critical():
            if self._fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
                self._fd = -1
            if self._tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self._tmp)
                self._tmp = None


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder and a rename.

    The temporary file is removed on any failure or interrupt; the target is only ever replaced
    by a complete, flushed file. Permission bits of an existing target are kept.
    """
    out = AtomicFile(path)
    try:
        out.write(text)
        out.commit()
    finally:
        out.discard()


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


def append_jsonl(path: str | os.PathLike[str], record: Mapping[str, Any], *, new: bool = False) -> None:
    """Append one JSON record as one line, flushed to disk before returning.

    The line is written with a single ``write`` on a file opened for appending, under an
    exclusive lock, so that concurrent appenders never interleave. If the file ends with a torn
    line (an earlier append was killed mid-write), that partial line is cut off first: it was
    never acknowledged to its writer, and keeping it would corrupt the record after it.
    NaN and infinities are refused (they are not JSON). ``new``: the record starts a new file,
    and an existing one raises :class:`FileExistsError` (the caller says what to do instead).
    """
    import fcntl

    try:
        data = _dumps(record)
    except ValueError as exc:
        raise input_error("E204", f"record is not valid JSON: {exc}", Location(str(path))) from None
    target = Path(path)
    created = new or not target.exists()
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | (os.O_EXCL if new else 0)
    try:
        with critical():  # a record is appended whole, or not at all
            fd = os.open(target, flags, 0o644)
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
    except FileExistsError:
        raise
    except OSError as exc:
        raise _write_failed(path, exc) from None


class LockedLog:
    """An append-only JSON Lines log held by one writer for as long as it is open.

    The log's own file carries the lock (``flock``, exclusive, taken without waiting): a second
    writer fails at once with :class:`LogBusy` instead of interleaving its records, and the lock
    goes when the holder closes the log or its process ends, however it ends. Records are
    appended as :func:`append_jsonl` appends them (one write, flushed to disk); a torn last line
    is cut off first. Readers (``loading.jsonlines.read_jsonl``) take no lock and are never blocked.
    """

    def __init__(self, path: str | os.PathLike[str], *, new: bool = False) -> None:
        """Open (``new``: create, never over an existing file) and lock the log.

        Raises :class:`FileExistsError` (``new`` and the file exists), :class:`LogBusy` (another
        writer holds it) or an :class:`InputError` (the file system refused).
        """
        import fcntl

        self.path = path
        flags = os.O_RDWR | os.O_APPEND | (os.O_CREAT | os.O_EXCL if new else 0)
        try:
            self._fd: int | None = os.open(path, flags, 0o644)
        except FileExistsError:
            raise
        except OSError as exc:
            raise _write_failed(path, exc) from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.close()
            raise LogBusy(str(path)) from None
        except OSError as exc:
            self.close()
            raise _write_failed(path, exc) from None
        if new:
            _fsync_folder(Path(path).parent)

    def append(self, record: Mapping[str, Any]) -> None:
        """Append one record as one line, flushed to disk (a torn last line is cut off first)."""
        try:
            data = _dumps(record)
        except ValueError as exc:
            raise input_error("E204", f"record is not valid JSON: {exc}", Location(str(self.path))) from None
        fd = self._held()
        try:
            with critical():  # a record is appended whole, or not at all
                _cut_torn_tail(fd)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
        except OSError as exc:
            raise _write_failed(self.path, exc) from None

    def cut_torn(self) -> None:
        """Cut off a torn last line now (``append`` does it too, before its record)."""
        fd = self._held()
        try:
            with critical():
                _cut_torn_tail(fd)
                os.fsync(fd)
        except OSError as exc:
            raise _write_failed(self.path, exc) from None

    def _held(self) -> int:
        if self._fd is None:
            raise ValueError(f"the log {self.path} is closed")
        return self._fd

    def close(self) -> None:
        """Release the lock (closing the file releases it)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def __enter__(self) -> LockedLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LogBusy(Exception):
    """Another writer holds the log's lock."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} is locked by another writer")
        self.path = path


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
