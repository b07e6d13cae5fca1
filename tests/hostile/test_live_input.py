"""Hostile keystrokes at a live session, and two sessions on one log.

What a player types never makes the log unreadable: escape sequences (arrow keys on a terminal
without line editing), other control characters, bytes that are not UTF-8 and overlong answers
are refused at the prompt and asked again; only ASCII digits pick a recommendation by number.
On a real terminal (a pty here) readline edits the line, so the arrows work. A log is written by
one session at a time: a second ``--resume`` is refused (E606) while the first holds it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from hostile.harness import ROOT, ForkRunner, check_clean_error
from policyengine.cli import cli
from policyengine.exercise.log import MAX_TEXT, check_record
from policyengine.exercise.prompt import answer_problem
from policyengine.loading.yamltree import control_character

EXERCISE = "exercises/sea_lane_crisis.yaml"
#: end every move of sea_lane_crisis (each `end` is confirmed)
END_MOVES = ["end", "y"] * 3


@pytest.fixture
def world(tmp_path: Path) -> Path:
    for name in ("exercises", "scenarios", "rules"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def play(world: Path, log: Path, typed: str, *extra: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli,
        [
            "exercise",
            "run",
            str(world / EXERCISE),
            "--interactive",
            "--log",
            str(log),
            "--lang",
            "en",
            *extra,
        ],
        input=typed,
    )


def decisions(log: Path) -> list[tuple[str, str, str]]:
    recs = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [(r.get("cell", ""), r["action"], r["rationale"]) for r in recs if r["type"] == "decision"]


def report_reads(log: Path) -> None:
    result = CliRunner().invoke(cli, ["exercise", "report", str(log), "--lang", "en"])
    assert result.exit_code == 0, result.output


# -- what an answer may hold --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("conclude-raa/FRA\x1b[D", "escape sequence"),
        ("\x1b[A", "escape sequence"),
        ("\x1bOA", "escape sequence"),  # an arrow in application cursor mode
        ("\x1b]0;owned\x07", "escape sequence"),
        ("ab\x08c", "invisible character U+0008"),
        ("a\x7f", "invisible character U+007F"),
        ("a\u202eb", "invisible character U+202E (bidirectional control)"),
        ("caf\udce9", "not UTF-8"),
        ("two\nlines", "invisible character U+000A"),  # several lines pasted into one answer
        ("x" * (MAX_TEXT + 1), "too long"),
    ],
)
def test_answer_refused(typed: str, why: str) -> None:
    problem = answer_problem(typed, "en", MAX_TEXT)
    assert problem is not None and why in problem
    assert answer_problem(typed, "ja", MAX_TEXT) is not None


@pytest.mark.parametrize("typed", ["conclude-raa/FRA", "日豪の連携を強化", "²", "tab\there", "🙂", ""])
def test_answer_accepted(typed: str) -> None:
    assert answer_problem(typed, "en", MAX_TEXT) is None


@given(st.text(max_size=40))
def test_what_the_prompt_accepts_the_log_reads(typed: str) -> None:
    """Whatever a player may type: refused at the prompt, or a record the log reader accepts."""
    if answer_problem(typed, "en", 1_000) is not None or not typed.strip():
        return
    record = {
        "type": "decision",
        "seq": 3,
        "move": "move-1",
        "cell": "mofa",
        "action": typed.strip(),
        "rationale": typed,
        "time": "2022-07-04T09:00:00+00:00",
    }
    assert check_record(record, 3) is None
    assert control_character(typed) is None
    json.dumps(record, ensure_ascii=False).encode("utf-8")


# -- a scripted session with hostile keystrokes ------------------------------------------------


def test_escape_sequences_are_refused_and_asked_again(world: Path) -> None:
    log = world / "s.jsonl"
    typed = (
        "\n".join(
            [
                "bilateral-cooperation/AU\x1b[DS",  # an arrow key where readline is not there to edit
                "bilateral-cooperation/AUS",  # typed again
                "mo\x1b[Cd",  # at the cell prompt too
                "mod",
                "a\x08b",
                "because",
                "",  # decided by: not named
                *END_MOVES,
            ]
        )
        + "\n"
    )
    result = play(world, log, typed)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("the answer holds an escape sequence (U+001B (ESC))") == 2
    assert "the answer holds the control or invisible character U+0008 (backspace)" in result.stderr
    assert decisions(log) == [("mod", "bilateral-cooperation/AUS", "because")]
    assert "\x1b" not in log.read_text(encoding="utf-8")
    report_reads(log)


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("²", "²"),  # a superscript two is text, not the number 2 (int('²') raises)
        ("٣", "٣"),  # an Arabic-Indic three: also text
        ("0" * 5_000 + "1", None),  # 5,000 digits: too long an answer (int() refuses over 4,300)
        ("9" * 999, None),  # out of range, never converted
        ("0", None),
        ("1", "activate-mechanisms/jpn-usa-kor"),
        ("0001", "activate-mechanisms/jpn-usa-kor"),
    ],
    ids=["superscript", "arabic-indic", "5000-digit-one", "999-nines", "zero", "one", "0001"],
)
def test_numbers_at_the_prompt(world: Path, typed: str, recorded: str | None) -> None:
    log = world / "n.jsonl"
    free = recorded is not None and not recorded.isascii()  # free text is confirmed first
    script = [typed] + ([""] if free else []) + (["mofa", "", ""] if recorded else []) + END_MOVES
    result = play(world, log, "\n".join(script) + "\n")
    assert result.exit_code == 0, result.output
    if recorded is None:
        said = [line for line in result.stderr.splitlines() if "number" in line or "too long" in line]
        assert said and len(said[0]) < 200, result.stderr  # the number is not echoed whole
        assert decisions(log) == []
    else:
        assert decisions(log) == [("mofa", recorded, "")]
    report_reads(log)


def test_bytes_that_are_not_utf8(world: Path) -> None:
    """Piped into the real program under a UTF-8 locale (which reads standard input strictly)."""
    log = world / "b.jsonl"
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    env.pop("PYTHONIOENCODING", None)
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "policyengine",
            "exercise",
            "run",
            EXERCISE,
            "-i",
            "--log",
            str(log),
            "--lang",
            "en",
        ],
        input=b"caf\xe9\nconclude-raa/FRA\nmofa\n\n\n" + b"end\ny\n" * 3,
        capture_output=True,
        cwd=world,
        env=env,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    assert b"the answer is not UTF-8 text (U+DCE9)" in p.stderr
    assert decisions(log) == [("mofa", "conclude-raa/FRA", "")]
    report_reads(log)


def test_overlong_action_is_refused(world: Path) -> None:
    log = world / "l.jsonl"
    result = play(world, log, "\n".join(["x" * 1_001, "short", "", "mofa", "", "", *END_MOVES]) + "\n")
    assert result.exit_code == 0, result.output
    assert "the answer is too long (1,001 characters, at most 1,000)" in result.stderr
    assert decisions(log) == [("mofa", "short", "")]


def test_library_refuses_to_record_a_control_character(world: Path) -> None:
    from policyengine.api import load_pack
    from policyengine.errors import InputError
    from policyengine.exercise.load import load_exercise
    from policyengine.exercise.session import Session

    pack = load_pack(None)
    exercise = load_exercise(str(world / EXERCISE), pack=pack)
    log = world / "lib.jsonl"
    with Session.start(exercise, pack, str(log), lang="en") as session:
        for bad in ("a\x1b[Ab", "x\ud800"):
            with pytest.raises(InputError):
                session.decide("mofa", bad)
        session.decide("mofa", "fine")
    report_reads(log)


# -- one session per log ------------------------------------------------------------------------


def test_second_resume_is_refused(world: Path, runner: ForkRunner) -> None:
    from policyengine.exercise.session import resume

    log = world / "r.jsonl"
    cut = play(world, log, "1\nmofa\n\n\nend\ny\n")  # input ends during move 2
    assert cut.exit_code == 130, cut.output
    session, _ = resume(str(log))  # the first session holds the log ...
    try:
        size = log.stat().st_size
        # ... a second one, in another process, is refused at once, and the log is untouched
        o = runner.run(["exercise", "run", "--resume", str(log)], cwd=world, timeout=60)
        check_clean_error(o, str(log), code="E606")
        assert "another session is writing this decision log" in o.stderr
        # and in this process too (another open file description)
        again = CliRunner().invoke(cli, ["exercise", "run", "--resume", str(log)], input="\n\n")
        assert again.exit_code == 2 and "E606" in again.stderr, again.output
        assert log.stat().st_size == size
        # reading it meanwhile is fine
        assert CliRunner().invoke(cli, ["exercise", "replay", str(log)]).exit_code == 0
    finally:
        session.close()
    done = CliRunner().invoke(cli, ["exercise", "run", "--resume", str(log)], input="end\ny\n" * 2)
    assert done.exit_code == 0, done.output
    report_reads(log)


# -- a real terminal ----------------------------------------------------------------------------


class Terminal:
    """A policyengine process on a pseudo-terminal: type keys, wait for what it shows."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        import fcntl
        import pty
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
        env = {**os.environ, "TERM": "xterm", "COLUMNS": "160", "LINES": "50"}
        env.pop("POLICYENGINE_DEBUG", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "policyengine", *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.seen = b""

    def wait_for(self, text: str, count: int = 1, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        want = text.encode("utf-8")
        while self.seen.count(want) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"timed out waiting for {text!r}; the terminal shows:\n{self.seen[-2000:]!r}"
            ready, _, _ = select.select([self.master], [], [], min(left, 1.0))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the process ended and closed the terminal
                    chunk = b""
                if not chunk:
                    assert self.seen.count(want) >= count, f"ended before {text!r}:\n{self.seen[-2000:]!r}"
                    return
                self.seen += chunk

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode("utf-8"))

    def finish(self, timeout: float = 60.0) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:
                    break
        rc = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        os.close(self.master)
        return rc


def _has_readline() -> bool:
    try:
        import readline  # noqa: F401
    except ImportError:
        return False
    return True


LEFT, RIGHT, UP, HOME, END = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[H", "\x1b[F"


def test_arrow_keys_on_a_terminal(world: Path) -> None:
    """Arrow keys at a real prompt edit the line (readline), and the log stays readable."""
    log = world / "tty.jsonl"
    term = Terminal(["exercise", "run", EXERCISE, "--interactive", "--log", str(log), "--lang", "en"], world)
    try:
        term.wait_for("move 1> ")
        # 'bilateral-cooperation/US', two steps left, insert 'A': bilateral-cooperation/AUS
        term.type("bilateral-cooperation/US" + LEFT + LEFT + "A" + END + "\r")
        term.wait_for("cell (")
        term.type("mod\r")
        term.wait_for("rationale (")
        term.type("xy" + HOME + "because " + "\x1b[3~" + "\r")  # Home, type, Delete: 'because y'
        term.wait_for("decided by (")
        term.type("\r")
        term.wait_for("move 1> ", count=2)
        term.type(UP + "\x15" + "\r")  # recall an answer, then erase the line (Ctrl-U): nothing happens
        term.wait_for("move 1> ", count=3)
        for n in (1, 2, 3):
            term.type("end\r")
            term.wait_for("[y/N]: ", count=n)
            term.type("y\r")
        term.wait_for("hot wash> ")
        term.type("quit\r")
        rc = term.finish()
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
            term.proc.wait()
    assert rc == 0, term.seen[-3000:]
    if _has_readline():
        assert decisions(log) == [("mod", "bilateral-cooperation/AUS", "because y")]
    else:  # no line editing: the keys were refused, never recorded
        assert b"escape sequence" in term.seen
    assert "\x1b" not in log.read_text(encoding="utf-8")
    report_reads(log)
    replay = CliRunner().invoke(cli, ["exercise", "replay", str(log)])
    assert replay.exit_code == 0, replay.output
