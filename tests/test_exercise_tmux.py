"""sea_lane_crisis played at the console in a real terminal (tmux), as a facilitator would (issue 18).

tmux runs ``policyengine exercise run --interactive`` on its own pseudo-terminal (its own server,
on a socket in the test's folder); the test types keys into it and reads the screen back: help,
an inject released, decisions by number and by a Tab-completed id, a strike, ``?`` (never a
decision), recommendation numbers that hold from move to move, the end of each move with its
confirmation, a hot-wash note; then a player view, which shows no recommendation, no controller
note and nothing still to come. Skipped without tmux (required under CI: tests/system.py).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

import system

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "sea_lane_crisis.yaml"
TIMEOUT = 90.0


class Tmux:
    """One tmux server (socket in ``folder``) running one command in a 150x50 window."""

    def __init__(self, folder: Path, argv: list[str]) -> None:
        self.tmux = system.tmux()
        self.socket = str(folder / "tmux.sock")
        # the command's exit status goes to a file: tmux's own #{pane_dead_status} is not always set
        self.status = folder / "exit-status"
        command = " ".join(shlex.quote(a) for a in argv)
        shell = f"env TERM=screen COLUMNS=150 {command}; echo $? > {shlex.quote(str(self.status))}"
        self.run("-f", "/dev/null", "new-session", "-d", "-s", "room", "-x", "150", "-y", "50",
                 "-c", str(ROOT), shell)  # fmt: skip
        self.run("set-option", "-t", "room", "remain-on-exit", "on")

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-S", self.socket, *args], capture_output=True, text=True, timeout=30, check=True
        )
        return done.stdout

    def screen(self) -> str:
        """Everything the window showed, its history included, wrapped lines joined."""
        return self.run("capture-pane", "-p", "-J", "-S", "-", "-t", "room")

    def wait_for(self, text: str, count: int = 1) -> str:
        deadline = time.monotonic() + TIMEOUT
        while True:
            shown = self.screen()
            if shown.count(text) >= count:
                return shown
            assert time.monotonic() < deadline, f"timed out waiting for {text!r} x{count}:\n{shown[-3000:]}"
            time.sleep(0.2)

    def type(self, text: str, *, enter: bool = True) -> None:
        if text:
            self.run("send-keys", "-t", "room", "-l", text)
        if enter:
            self.run("send-keys", "-t", "room", "Enter")

    def tab(self) -> None:
        self.run("send-keys", "-t", "room", "Tab")

    def exit_status(self) -> int:
        """The command's exit status, once it has ended."""
        deadline = time.monotonic() + TIMEOUT
        while not (self.status.exists() and self.status.read_text().strip()):
            assert time.monotonic() < deadline, self.screen()[-3000:]
            time.sleep(0.2)
        return int(self.status.read_text())

    def close(self) -> None:
        subprocess.run(
            [self.tmux, "-S", self.socket, "kill-server"], capture_output=True, timeout=30, check=False
        )


def console(tmp_path: Path, log: Path, *extra: str) -> Tmux:
    argv = [sys.executable, "-m", "policyengine", "exercise", "run", str(EXERCISE), "--interactive"]
    return Tmux(tmp_path, [*argv, "--log", str(log), "--lang", "en", *extra])


LISTED = re.compile(r"^ [ *+~]\s*(\d+)  ([a-z-]+/\S+) ", re.MULTILINE)


def listed(screen: str) -> list[tuple[int, str]]:
    """(number, recommendation id) of every line of every `list` the screen shows."""
    return [(int(n), rid) for n, rid in LISTED.findall(screen)]


@pytest.fixture
def room(tmp_path: Path):  # type: ignore[no-untyped-def]
    sessions: list[Tmux] = []
    yield sessions
    for s in sessions:
        s.close()


def test_a_facilitator_runs_sea_lane_crisis(tmp_path: Path, room: list[Tmux]) -> None:
    log = tmp_path / "room.jsonl"
    term = console(tmp_path, log)
    room.append(term)
    term.wait_for("move 1> ")
    assert "[move 1/3 | 0 min | 0 decided | injects 0/3]" in term.screen()  # the status line
    assert "propose-framework/" not in term.screen()  # no dump of every recommendation

    term.type("help")
    term.wait_for("strike N [REASON]")
    term.type("release")
    term.wait_for("[1.1] 09:00 Merchant ships harassed")

    term.type("18")  # a number from the list
    term.wait_for("cell (mofa, mod, nss; Enter: the whole room): ")
    term.type("mofa")
    term.wait_for("rationale (Enter: none): ")
    term.type("the three share the sea lanes")
    term.wait_for("decided by (Enter: not named): ")
    term.type("Director")
    term.wait_for("recorded as decision 1: [Ministry of Foreign Affairs] propose-framework/AUS+JPN+KOR (18)")

    term.type("8")
    for answer in ("mod", "", ""):
        term.type(answer)
    term.wait_for("recorded as decision 2:")
    term.type("strike 2 misheard")
    term.wait_for("struck decision 2:")
    term.type("?")  # help, never a decision
    term.wait_for("strike N [REASON]", count=2)
    term.type("")  # a blank line never ends the move
    term.type("elevate-cooperation/qu", enter=False)
    term.tab()  # Tab completes the id
    term.type("")
    for answer in ("nss", "", ""):
        term.type(answer)
    term.wait_for("recorded as decision 3: [National Security Secretariat] elevate-cooperation/quad (9)")
    term.type("list")
    term.wait_for("* decided  + new in this move")

    term.type("end")
    shown = term.wait_for("end move 1 and go on to the next move? [y/N]: ")
    confirmation = shown[shown.rindex("Ending move 1 of 3") :]
    assert "Decided (2):" in confirmation
    assert "#1 [Ministry of Foreign Affairs] propose-framework/AUS+JPN+KOR (18)" in confirmation
    assert "#3 [National Security Secretariat] elevate-cooperation/quad (9)" in confirmation
    assert "Struck: #2" in confirmation and "[1.2] Australia steps up its engagement" in confirmation
    term.type("y")
    term.wait_for("move 2> ")
    for n in (2, 3):
        term.type("list")
        term.wait_for("* decided  + new in this move", count=n)
        term.type("end")
        term.wait_for("[y/N]: ", count=n)
        term.type("y")
    term.wait_for("hot wash> ")
    term.type("note the room wanted a legal basis for the trilateral")
    term.wait_for("note recorded")
    term.type("quit")
    assert term.exit_status() == 0
    screen = term.screen()
    assert "session complete; after-action report: policyengine exercise report" in screen

    # the numbers held for the whole exercise: one number per recommendation, one per number,
    # though moves 2 and 3 drop recommendations listed before others
    lists = [listed(part) for part in screen.split("Recommendations of move ")[1:]]
    assert len(lists) == 3 and all(lists)
    numbers: dict[str, set[int]] = {}
    for n, rid in (item for one in lists for item in one):
        numbers.setdefault(rid, set()).add(n)
    assert all(len(ns) == 1 for ns in numbers.values()), numbers
    assert len({n for ns in numbers.values() for n in ns}) == len(numbers)
    assert numbers["elevate-cooperation/jpn-usa-aus"] == {8}
    assert any([n for n, _ in one] != list(range(1, len(one) + 1)) for one in lists[1:])
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    kinds = [r["type"] for r in records]
    assert kinds == [
        "exercise",
        "release",
        "decision",
        "decision",
        "strike",
        "decision",
        "move",
        "move",
        "move",
        "note",
    ]
    assert [r["action"] for r in records if r["type"] == "decision"] == [
        "propose-framework/AUS+JPN+KOR",
        "elevate-cooperation/jpn-usa-aus",
        "elevate-cooperation/quad",
    ]
    assert records[4]["decision"] == 2 and records[4]["reason"] == "misheard"
    assert "move" not in records[-1]  # the hot wash
    assert records[2]["by"] == "Director" and records[2]["rationale"] == "the three share the sea lanes"


def test_the_player_view_shows_only_what_players_may_see(tmp_path: Path, room: list[Tmux]) -> None:
    log = tmp_path / "players.jsonl"
    term = console(tmp_path, log, "--view", "player")
    room.append(term)
    term.wait_for("move 1> ")
    term.type("release")
    term.wait_for("[1.1] 09:00 Merchant ships harassed")
    term.type("injects")
    term.wait_for("2 more injects will be delivered in this move.")
    for command in ("list", "notes"):
        term.type(command)
        term.wait_for(f"'{command}' is not available in the player view")
    term.type("help")
    term.wait_for("player view: recommendations, controller notes and expected actions are not shown")
    term.type("quit")
    assert term.exit_status() == 0
    screen = term.screen()
    assert "session paused" in screen
    for hidden in (
        "propose-framework/",
        "Australia steps up",
        "Expected",
        "controller notes and expected actions (",
    ):
        assert hidden not in screen, hidden
