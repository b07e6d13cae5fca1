"""Running policyengine on hostile input: in fresh processes, with timeouts, and judging the result.

``ForkRunner`` talks to ``forkrun.py`` (a fork server). ``check_clean_error`` states what every
rejection must look like: exit 2, no traceback, the file named (with line and column when the
case has them), a stable error code, and a hint saying what to fix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

#: Generous per-case bound: a case that takes longer is a hang, whatever the machine's load.
CASE_TIMEOUT = 90.0


@dataclass(frozen=True)
class Outcome:
    """What one run produced. ``rc`` < 0 means the process died of signal ``-rc`` (a crash)."""

    argv: tuple[str, ...]
    rc: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool

    def describe(self) -> str:
        return (
            f"policyengine {' '.join(_short(a) for a in self.argv)}\n"
            f"  exit {self.rc} after {self.seconds:.2f}s{' (killed: timeout)' if self.timed_out else ''}\n"
            f"  stderr: {self.stderr[:1500]!r}\n  stdout: {self.stdout[:300]!r}"
        )


def _short(arg: str) -> str:
    return arg if len(arg) <= 120 else arg[:117] + "..."


class ForkRunner:
    """One fork server per test session; ``run`` executes one CLI invocation in a fresh child."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env.pop("POLICYENGINE_DEBUG", None)
        self._proc = subprocess.Popen(
            [sys.executable, str(HERE / "forkrun.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=str(ROOT),
        )
        ready = self._reply()
        assert ready.get("ready"), f"fork server did not start: {ready}"

    def _reply(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"fork server exited with {self._proc.wait()}")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def run(self, argv: list[str], cwd: str | Path = ROOT, timeout: float = CASE_TIMEOUT) -> Outcome:
        assert self._proc.stdin is not None
        request = {"argv": [str(a) for a in argv], "cwd": str(cwd), "timeout": timeout}
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        r = self._reply()
        return Outcome(
            tuple(request["argv"]), r["rc"], r["stdout"], r["stderr"], r["seconds"], r["timed_out"]
        )

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def run_subprocess(argv: list[str], cwd: str | Path = ROOT, timeout: float = CASE_TIMEOUT) -> Outcome:
    """The real thing: the installed console script in its own process (slower; used sparingly)."""
    exe = Path(sys.executable).with_name("policyengine")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "policyengine"]
    import time

    start = time.monotonic()
    try:
        p = subprocess.run(
            [*cmd, *map(str, argv)], cwd=str(cwd), capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return Outcome(tuple(map(str, argv)), -9, out, err, time.monotonic() - start, True)
    return Outcome(tuple(map(str, argv)), p.returncode, p.stdout, p.stderr, time.monotonic() - start, False)


def check_not_broken(o: Outcome, *, findings: bool = False) -> None:
    """No crash, no hang, no traceback, no internal error: whatever the input.

    ``findings``: the command reports problems of the file it examines as findings (exit 1).
    """
    assert not o.timed_out, f"hang: killed after {o.seconds:.0f}s\n{o.describe()}"
    assert o.rc >= 0, f"the process crashed (signal {-o.rc})\n{o.describe()}"
    assert "Traceback" not in o.stderr and "Traceback" not in o.stdout, f"traceback\n{o.describe()}"
    assert o.rc != 3, f"internal error on bad input\n{o.describe()}"
    allowed = (0, 1, 2) if findings else (0, 2)
    assert o.rc in allowed, f"unexpected exit code {o.rc}\n{o.describe()}"


def check_clean_error(
    o: Outcome,
    file: str,
    *,
    code: str | frozenset[str] | None = None,
    line: int | None = None,
    column: int | None = None,
    hint: bool = True,
    findings: bool = False,
) -> None:
    """Exit 2 (or 1, for findings) with a located, coded, hinted message naming ``file``."""
    check_not_broken(o, findings=findings)
    wanted = (1, 2) if findings else (2,)
    assert o.rc in wanted, f"expected exit {' or '.join(map(str, wanted))} (bad input)\n{o.describe()}"
    # Findings (rules lint) are the command's output: they go to standard output.
    said = o.stderr + o.stdout if findings else o.stderr
    assert file in said, f"the message does not name {file}\n{o.describe()}"
    if line is not None:
        where = f"{file}:{line}:" + (f"{column}:" if column is not None else "")
        assert where in said, f"the message does not point at {where}\n{o.describe()}"
    if code:
        codes = {code} if isinstance(code, str) else set(code)
        assert any(f"{c}:" in said for c in codes), f"expected error code {codes}\n{o.describe()}"
    if hint:
        assert "hint:" in said, f"the message does not say what to fix (no hint)\n{o.describe()}"
