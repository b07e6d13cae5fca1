"""A fork server that runs the policyengine CLI in fresh child processes, quickly.

Started once per test session as a subprocess. It imports policyengine and its dependencies
(and compiles the default rule pack, which is pure Python), then forks one child per request:
each command runs in a process of its own, with a durable-rules engine nobody used before, so
a crash of the C engine kills only that child and shows as a negative return code; a child that
outlives its timeout is killed and reported as a hang. Forking saves the ~0.4 s of imports a
``subprocess.run(["policyengine", ...])`` would pay per case.

Protocol: one JSON request per line on stdin, ``{"argv": [...], "cwd": DIR, "timeout": SECONDS}``;
one JSON reply per line on stdout, ``{"rc", "stdout", "stderr", "seconds", "timed_out"}``,
where ``rc`` is negative (minus the signal number) when the child died of a signal.
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import sys
import tempfile
import time

MAX_CAPTURE = 200_000  # characters of stdout/stderr sent back


def _preload() -> None:
    import durable.engine  # noqa: F401  (imported, never started: children create their own host)

    import policyengine.api as api
    import policyengine.cli
    import policyengine.cli.core
    import policyengine.engine.results
    import policyengine.inputs
    import policyengine.matrix
    import policyengine.render.evaluate
    import policyengine.render.matrix  # noqa: F401

    # Every command's modules, so that no child pays for importing them.
    for name in ("core", "diff", "exercise", "explain", "rules", "whatif"):
        importlib.import_module(f"policyengine.cli.{name}")
    for name in (
        "policyengine.counterfactual.whatif",
        "policyengine.counterfactual.sensitivity",
        "policyengine.diff",
        "policyengine.exercise.runner",
        "policyengine.explain",
        "policyengine.ruletools",
        "policyengine.signposts",
        "policyengine.sweep",
        "policyengine.timeline",
    ):
        importlib.import_module(name)

    api.load_pack()


def _child(argv: list[str], cwd: str, out_fd: int, err_fd: int) -> None:
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    code = 70
    try:
        os.chdir(cwd)
        sys.argv = ["policyengine", *argv]
        from policyengine.cli import main

        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, int) and exc.code is not None:
            print(exc.code, file=sys.stderr)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 70
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _wait(pid: int, timeout: float) -> tuple[int, bool]:
    """Wait for the child; kill it after ``timeout`` seconds. Returns (rc, timed_out)."""
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
        timed_out = not ready
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(pidfd)
    rc = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return rc, timed_out


def _read(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        b = os.read(fd, 1 << 16)
        if not b:
            break
        chunks.append(b)
    text = b"".join(chunks).decode("utf-8", "replace")
    return text[:MAX_CAPTURE]


def serve() -> None:
    _preload()
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.monotonic()
            pid = os.fork()
            if pid == 0:
                _child(req["argv"], req["cwd"], out.fileno(), err.fileno())
            rc, timed_out = _wait(pid, float(req.get("timeout", 60)))
            seconds = time.monotonic() - start
            reply = {
                "rc": rc,
                "stdout": _read(out.fileno()),
                "stderr": _read(err.fileno()),
                "seconds": round(seconds, 3),
                "timed_out": timed_out,
            }
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
