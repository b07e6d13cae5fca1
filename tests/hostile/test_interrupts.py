"""Interrupted runs leave the old output or the complete new one, never a torn file, and no
temporary files after SIGINT or SIGTERM. Processes are killed at random moments, many times.

The default run kills a few times; ``pytest -m slow tests/hostile/test_interrupts.py`` many more.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hostile.harness import ROOT
from policyengine.system import interrupts

WRITER = textwrap.dedent(
    """
    import sys
    from policyengine.system.fileio import atomic_write_text
    from policyengine.system.interrupts import Terminated, install

    install()
    path, size = sys.argv[1], int(sys.argv[2])
    versions = ["A" * size + "\\n", "B" * size + "\\n"]
    print("ready", flush=True)
    try:
        i = 0
        while True:
            atomic_write_text(path, versions[i % 2])
            i += 1
    except KeyboardInterrupt:
        sys.exit(130)
    except Terminated as exc:
        sys.exit(128 + exc.signum)
    """
)

SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGKILL)


def _tmp_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp"))


def _kill_writer_repeatedly(tmp_path: Path, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    size = 4 * 1024 * 1024
    versions = {"A" * size + "\n", "B" * size + "\n"}
    target = tmp_path / "big.txt"
    target.write_text("A" * size + "\n", encoding="utf-8")
    for i in range(rounds):
        sig = SIGNALS[i % len(SIGNALS)]
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), str(size)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert target.read_text(encoding="utf-8") in versions, f"torn file after {sig.name} (round {i})"
        if sig == signal.SIGKILL:
            assert proc.returncode == -signal.SIGKILL
            for leftover in _tmp_files(tmp_path):  # nothing can clean up after SIGKILL
                leftover.unlink()
        else:
            assert proc.returncode == 128 + sig, f"{sig.name}: exit {proc.returncode}\n{err}"
            assert "Traceback" not in err, err
            assert _tmp_files(tmp_path) == [], f"temporary file left after {sig.name}"


def test_killing_a_writer_never_tears_the_file(tmp_path: Path) -> None:
    _kill_writer_repeatedly(tmp_path, rounds=9, seed=1)


@pytest.mark.slow
def test_killing_a_writer_never_tears_the_file_many_times(tmp_path: Path) -> None:
    _kill_writer_repeatedly(tmp_path, rounds=150, seed=2)


def _kill_cli_repeatedly(tmp_path: Path, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    exe = Path(sys.executable).with_name("policyengine")
    scenario = str(ROOT / "scenarios" / "korea_new_gov.yaml")
    out = tmp_path / "result.json"
    argv = [str(exe), "evaluate", scenario, "--format", "json", "--output", str(out)]
    subprocess.run(argv, check=True, timeout=120)
    complete = out.read_text(encoding="utf-8")
    started = time.monotonic()
    subprocess.run(argv, check=True, timeout=120)
    duration = time.monotonic() - started
    for i in range(rounds):
        out.write_text("old\n", encoding="utf-8")
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.0, duration))
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
        # -SIGTERM: killed during interpreter start-up, before the handlers were installed.
        assert proc.returncode in (0, 143, -signal.SIGTERM), f"exit {proc.returncode}\n{err}"
        assert "Traceback" not in err, err
        if proc.returncode == 143:
            assert err == "policyengine: terminated\n", err
        assert out.read_text(encoding="utf-8") in ("old\n", complete), f"torn output (round {i})"
        assert _tmp_files(tmp_path) == []


def test_sigterm_during_evaluate_output_leaves_old_or_complete_file(tmp_path: Path) -> None:
    _kill_cli_repeatedly(tmp_path, rounds=4, seed=3)


@pytest.mark.slow
def test_sigterm_during_evaluate_output_many_times(tmp_path: Path) -> None:
    _kill_cli_repeatedly(tmp_path, rounds=40, seed=4)


# -- the deferral itself ----------------------------------------------------------------------------


def test_an_interrupt_inside_a_critical_block_is_raised_when_it_ends() -> None:
    reached = []
    with pytest.raises(KeyboardInterrupt), interrupts.critical():
        interrupts.deliver(KeyboardInterrupt())
        reached.append("after deliver")  # not raised here: inside the engine
    assert reached == ["after deliver"]
    with pytest.raises(interrupts.Terminated):
        interrupts.deliver(interrupts.Terminated())  # outside: at once


def test_an_error_leaving_a_critical_block_wins_over_a_held_interrupt() -> None:
    with pytest.raises(ValueError), interrupts.critical():
        interrupts.deliver(KeyboardInterrupt())
        raise ValueError("engine failure")
    with interrupts.critical():  # nothing left over from before
        pass


def test_without_install_a_critical_block_holds_a_real_ctrl_c_and_restores_the_handler() -> None:
    # A library user (no interrupts.install): the outermost block routes SIGINT itself, so a
    # Ctrl-C during the engine is held as in the CLI, then reaches the user's handler.
    import os

    before = signal.getsignal(signal.SIGINT)
    assert before is signal.default_int_handler
    reached = []
    with pytest.raises(KeyboardInterrupt), interrupts.critical():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler has run by now
        reached.append("after the signal")
    assert reached == ["after the signal"]
    assert signal.getsignal(signal.SIGINT) is before
    seen = []
    signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    try:
        with interrupts.critical():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            assert seen == []  # held
        assert seen == [signal.SIGINT]  # then given to the caller's own handler
    finally:
        signal.signal(signal.SIGINT, before)


def test_a_routed_block_holds_ctrl_c_in_its_critical_blocks_only_and_restores_the_handler() -> None:
    # An evaluation routes SIGINT once (interrupts.routed) for its many engine calls: inside a
    # critical block a Ctrl-C is held, then given to the caller's own handler; between critical
    # blocks it reaches that handler at once; afterwards the handler is the caller's again.
    import os

    before = signal.getsignal(signal.SIGINT)
    seen: list[str] = []
    mine = lambda signum, frame: seen.append("handler")  # noqa: E731
    signal.signal(signal.SIGINT, mine)
    try:
        with interrupts.routed():
            assert signal.getsignal(signal.SIGINT) is not mine
            with interrupts.critical():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)
                seen.append("held")
            seen.append("after the block")
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            seen.append("between blocks")
        assert seen == ["held", "handler", "after the block", "handler", "between blocks"]
        assert signal.getsignal(signal.SIGINT) is mine
    finally:
        signal.signal(signal.SIGINT, before)
    with pytest.raises(KeyboardInterrupt), interrupts.routed(), interrupts.critical():
        os.kill(os.getpid(), signal.SIGINT)  # the default handler: raised when the block ends
        time.sleep(0.05)
    assert signal.getsignal(signal.SIGINT) is before


def test_an_interrupt_during_evaluation_is_not_swallowed_by_durable_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # durable-rules catches BaseException raised in actions; an interrupt delivered while an
    # action runs must still stop the evaluation, and the session must be cleaned up so that
    # the next evaluation works.
    from policyengine.api import evaluate, load, load_pack
    from policyengine.engine.runtime import PreparedPack

    compiled = load_pack(str(ROOT / "rules"))
    original = PreparedPack._action

    def interrupting(self: PreparedPack, rule_name: str):  # type: ignore[no-untyped-def]
        act = original(self, rule_name)
        if not rule_name.startswith("r"):
            return act

        def run(c):  # type: ignore[no-untyped-def]
            interrupts.deliver(KeyboardInterrupt())
            act(c)

        return run

    scenario = str(ROOT / "scenarios" / "korea_new_gov.yaml")
    expected = evaluate(scenario, compiled).ids
    monkeypatch.setattr(PreparedPack, "_action", interrupting)
    interrupted = PreparedPack(compiled)  # registered with the interrupting actions
    monkeypatch.undo()
    with pytest.raises(KeyboardInterrupt):
        interrupted.evaluate(load(scenario))
    assert evaluate(scenario, compiled).ids == expected


# -- sweeps: SIGTERM keeps the finished results, as Ctrl-C does ---------------------------------------


def _part_lines(folder: Path) -> int:
    for part in folder.glob(".results.jsonl.*.tmp"):
        try:
            return part.read_text(encoding="utf-8").count("\n")
        except OSError:
            return 0
    return 0


@pytest.mark.parametrize(("jobs", "group"), [(1, False), (2, False), (2, True)])
def test_sigterm_during_a_sweep_keeps_the_finished_results(tmp_path: Path, jobs: int, group: bool) -> None:
    # group: the signal reaches the workers too (systemd, a terminal's process group, kill -TERM -PGID).
    import json
    import os

    out = tmp_path / "results.jsonl"
    cmd = [sys.executable, "-m", "policyengine", "sweep", str(ROOT / "scenarios" / "korea_new_gov.yaml")]
    cmd += ["--vary", str(ROOT / "variations" / "korea_new_gov.yaml"), "--jobs", str(jobs)]
    cmd += ["--output", str(out), "--format", "json", "--lang", "en"]
    # A session of its own either way: a hang is killed whole (workers too) below.
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, start_new_session=True
    )
    deadline = time.monotonic() + 90
    while _part_lines(tmp_path) < 10 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    if group:
        os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.send_signal(signal.SIGTERM)
    try:
        stdout, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"the sweep hung after SIGTERM (jobs {jobs}, whole group: {group})")
    err = stderr.decode()
    assert proc.returncode == 143, err
    assert "Traceback" not in err, err
    assert err.endswith("policyengine: terminated; the finished results were kept\n"), err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert 10 <= len(lines) < 7776
    assert [json.loads(line)["index"] for line in lines] == list(range(len(lines)))  # complete, in order
    summary = json.loads(stdout)
    assert summary["variants"]["interrupted"] is True
    assert summary["variants"]["done"] == len(lines)
    assert _tmp_files(tmp_path) == []
