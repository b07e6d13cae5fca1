"""The room's console with piped input (``exercise run --interactive``): what a facilitator types,
what it prints, what the log records. The real-terminal session is tests/test_exercise_tmux.py."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import string
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from policyengine.cli import cli
from policyengine.text import catalog

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "sea_lane_crisis.yaml"
END_ALL = ["end", "y"] * 3


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock that ticks one minute per reading, from 4 July 2022 09:00 UTC."""
    ticks = itertools.count()
    start = dt.datetime(2022, 7, 4, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(
        "policyengine.exercise.log.utc_now", lambda: start + dt.timedelta(minutes=next(ticks))
    )


def play(log: Path, typed: list[str], *extra: str, lang: str = "en") -> Result:
    args = ["exercise", "run", str(EXERCISE), "-i", "--log", str(log), "--lang", lang, *extra]
    return CliRunner().invoke(cli, args, input="\n".join(typed) + "\n")


def records(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def decisions(log: Path) -> list[str]:
    return [r["action"] for r in records(log) if r["type"] == "decision"]


def test_help_and_undo_are_never_decisions(tmp_path: Path) -> None:
    log = tmp_path / "l.jsonl"
    typed = [
        "?",
        "help",
        "undo",
        "8",
        "mod",
        "",
        "",
        "undo",
        "hlep",
        "decide undo the sanctions",
        "",
        "",
        "",
        *END_ALL,
    ]
    result = play(log, typed)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("strike N [REASON]") == 2
    assert "this move has no decision to undo" in result.stderr
    assert "there is no command 'hlep'; did you mean 'help'?" in result.stderr
    assert decisions(log) == ["elevate-cooperation/jpn-usa-aus", "undo the sanctions"]
    strikes = [r for r in records(log) if r["type"] == "strike"]
    assert [(s["decision"], s["reason"]) for s in strikes] == [(1, "undone")]
    replay = CliRunner().invoke(cli, ["exercise", "replay", str(log)])
    assert "[all cells] undo the sanctions" in replay.stdout  # no cell named: the whole room
    decided = replay.stdout.split("Players' decisions (move 1)")[1].split("\n\n")[1]
    assert decided == "  - [all cells] undo the sanctions — not a recommendation of this move"  # one struck


def test_a_blank_line_never_ends_the_move(tmp_path: Path) -> None:
    log = tmp_path / "l.jsonl"
    result = play(log, ["", "", "", "end", "", "end", "n"])  # a blank answer to `end` is no
    assert result.exit_code == 130  # input ended during move 1
    assert [r["type"] for r in records(log)] == ["exercise"]
    assert result.stdout.count("the move goes on") == 2
    # a status line before every prompt: 7 lines typed, 5 at the console's prompt
    assert len(re.findall(r"^\[move 1/3 \| \d+ min \| 0 decided \| injects 0/3\]$", result.stdout, re.M)) == 6


def test_end_names_what_was_decided(tmp_path: Path) -> None:
    log = tmp_path / "l.jsonl"
    typed = [
        "18",
        "mofa",
        "shared sea lanes",
        "Director",
        "strengthen the coast guard",
        "",
        "",
        "",
        "",
        "strike 2 not decided after all",
        "end",
        "y",
        "quit",
    ]
    result = play(log, typed)
    assert result.exit_code == 0, result.output
    out = result.stdout
    end = out[out.index('Ending move 1 of 3, "Harassment on the sea lanes".') :]
    assert end.startswith(
        'Ending move 1 of 3, "Harassment on the sea lanes".\n'
        "Decided (1):\n"
        "  #1 [Ministry of Foreign Affairs] propose-framework/AUS+JPN+KOR (18) — Propose a new minilateral\n"
        "     framework among countries sharing interests. Rationale: shared sea lanes (decided by "
        "Director)\n"
        "Struck: #2\n"
        "Injects never released (3; the players will not hear of them):\n"
        "  [1.1] Merchant ships harassed\n"
    )
    assert "Move 1 ended (1 decided)." in out and "Move 2 of 3: A trilateral answer?" in out
    assert "session paused: everything is saved in" in result.stderr
    decision = records(log)[2]
    assert decision["type"] == "decision" and "cell" not in decision  # the whole room decided
    assert decision["by"] == "Director"  # the last name given, offered again


def test_strike_and_stable_numbers_across_moves(tmp_path: Path) -> None:
    log = tmp_path / "l.jsonl"
    typed = [
        "18",
        "mofa",
        "",
        "",
        "end",
        "y",
        "list",
        "strike 1 the room changed its mind",
        "strike 1",
        "strike x",
        "decisions",
        "end",
        "y",
        "list",
        "end",
        "y",
        "note a hot-wash note",
        "quit",
    ]
    result = play(log, typed)
    assert result.exit_code == 0, result.output
    assert "struck decision 1: [Ministry of Foreign Affairs] propose-framework/AUS+JPN+KOR" in result.stdout
    assert "decision 1 is already struck" in result.stderr
    assert "name the decision by its number (e.g. strike 3 misheard)" in result.stderr
    assert "[struck: the room changed its mind]" in result.stdout
    lists = result.stdout.split("Recommendations of move ")[1:]
    by_id: dict[str, set[str]] = {}
    for part in lists:
        # list lines carry the id (a move's bottom line, also numbered, says its title)
        for number, rid in re.findall(r"^ [ *+~]\s*(\d+)  (\S+/\S+) ", part, re.M):
            by_id.setdefault(rid, set()).add(number)
    assert by_id["elevate-cooperation/jpn-usa-aus"] == {"8"} and all(len(v) == 1 for v in by_id.values())
    recs = records(log)
    assert [r["type"] for r in recs] == ["exercise", "decision", "move", "strike", "move", "move", "note"]
    assert recs[3]["move"] == "move-2" and recs[3]["decision"] == 1
    assert "move" not in recs[-1] and recs[-1]["text"] == "a hot-wash note"
    report = CliRunner().invoke(cli, ["exercise", "report", str(log), "--lang", "en"])
    assert report.exit_code == 0, report.output


def test_player_view_prints_only_what_players_may_see(tmp_path: Path) -> None:
    log = tmp_path / "l.jsonl"
    typed = [
        "release",
        "release",
        "injects",
        "list",
        "notes",
        "propose-framework/AUS+JPN+KOR",
        "mofa",
        "",
        "",
        "decisions",
        "end",
        "y",
        "quit",
    ]
    result = play(log, typed, "--view", "player")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[1.1] 09:00 Merchant ships harassed" in out and "[1.2]" in out and "[1.3]" not in out
    assert "1 more inject will be delivered in this move." in out
    assert "'list' is not available in the player view" in result.stderr
    assert "'notes' is not available in the player view" in result.stderr
    # no recommendation but the players' own decision, no controller note, no expected action
    assert set(re.findall(r"[a-z-]+/[A-Za-z+-]+", out)) == {"propose-framework/AUS+JPN+KOR"}
    for hidden in ("Expected", "Recommendations", "still to release", "Still to come", "(18)"):
        assert hidden not in out, hidden
    assert "Injects never released (1" in out  # the facilitator's own confirmation still says so


def _literal_fragments(template: str) -> list[str]:
    return [text.strip() for text, *_ in string.Formatter().parse(template) if len(text.strip()) >= 12]


def test_a_japanese_session_is_entirely_japanese(tmp_path: Path) -> None:
    log = tmp_path / "l.jsonl"
    typed = [
        "help",
        "list",
        "release",
        "injects",
        "notes",
        "status",
        "18",
        "mofa",
        "三カ国の航路",
        "局長",
        "活動を強化",
        "",
        "",
        "",
        "",
        "strike 2",
        "strike 9",
        "undo",
        "undo",
        "decisions",
        "hlep",
        "end",
        "y",
        "?",
        "end",
        "y",
        "end",
        "y",
        "note 法的根拠",
        "status",
        "quit",
    ]
    result = play(log, typed, lang="ja")
    assert result.exit_code == 0, result.output
    shown = result.stdout + result.stderr
    english = {
        fragment
        for key, entry in catalog().items()
        if key.startswith("console.")
        for fragment in _literal_fragments(entry["en"])
        if fragment not in entry["ja"]
    }
    leaked = sorted(f for f in english if f in shown)
    assert not leaked, leaked
    for japanese in (
        "第1ムーブ（全3）",
        "決定ログ：",
        "1番の決定として記録しました",
        "取り消しました",
        "ホットウォッシュ> ",
        "セッションは完了しました",
        "[ムーブ 1/3 | 経過",
    ):
        assert japanese in shown, japanese


def test_view_is_for_the_console(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["exercise", "run", str(EXERCISE), "--view", "player"])
    assert result.exit_code == 2 and "E501: --view is for an --interactive session's console" in result.stderr
    result = CliRunner().invoke(cli, ["exercise", "run", "--replay", "x.jsonl", "--view", "player"])
    assert result.exit_code == 2 and "--replay takes neither --decide, --log nor --view" in result.stderr


def test_quit_pauses_and_resume_carries_on(tmp_path: Path) -> None:
    log = tmp_path / "l.jsonl"
    first = play(log, ["release", "8", "mod", "", "", "note the MOD cell was quick", "quit"])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(
        cli,
        ["exercise", "run", "--resume", str(log)],
        input="\n".join(["injects", "status", *END_ALL]) + "\n",
    )
    assert again.exit_code == 0, again.output
    assert "Injects: 1 of 3 released" in again.stdout
    assert "[1.1] Merchant ships harassed (at " in again.stdout
    assert "Decisions: 1 in this move, 1 in all (0 struck)" in again.stdout


# -- the console without the CLI ---------------------------------------------------------------------


def test_ctrl_c_while_entering_a_decision_records_nothing(tmp_path: Path) -> None:
    from policyengine.api import load_pack
    from policyengine.cli.console import Console, Quit
    from policyengine.exercise.controller import Controller
    from policyengine.exercise.load import load_exercise
    from policyengine.exercise.session import Session

    pack = load_pack(None)
    session = Session.start(
        load_exercise(str(EXERCISE), pack=pack), pack, str(tmp_path / "l.jsonl"), lang="en"
    )
    answers: list[object] = ["8", "mod", KeyboardInterrupt, "end", KeyboardInterrupt, "quit"]
    asked: list[tuple[str, list[str]]] = []

    def ask(question: str, words: Any, history: bool) -> str:
        asked.append((question, list(words)))
        answer = answers.pop(0)
        if answer is KeyboardInterrupt:
            raise KeyboardInterrupt
        return str(answer)

    shown: list[str] = []
    warned: list[str] = []
    with session:
        ctl = Controller(session, "en")
        console = Console(ctl, view="facilitator", ask=ask, show=shown.append, warn=warned.append)
        with pytest.raises(Quit):
            console.run()
        assert ctl.decisions() == [] and ctl.ledger.completed == 0
    assert "cancelled; nothing was recorded" in warned
    assert "the move goes on" in shown
    # Tab offers the commands and the move's recommendation ids at the prompt, the cells at the cell's
    prompt_words = asked[0][1]
    assert {"help", "strike", "propose-framework/AUS+JPN+KOR", "elevate-cooperation/jpn-usa-aus"} <= set(
        prompt_words
    )
    assert asked[1][1] == ["mofa", "mod", "nss"]


def test_tab_completes_a_word_of_the_offered_ones() -> None:
    import io

    from policyengine.cli.lineinput import LineInput

    line = LineInput(io.StringIO("18\n"), io.StringIO())
    assert not line.editing  # not a terminal: no readline
    line._words = sorted({"propose-framework/AUS+JPN+KOR", "public-private-rnd/JPN", "help"})
    assert [line._complete("p", i) for i in range(3)] == [
        "propose-framework/AUS+JPN+KOR",
        "public-private-rnd/JPN",
        None,
    ]
    assert line._complete("PROPOSE", 0) == "propose-framework/AUS+JPN+KOR"
    assert line.ask("move 1> ", ["help"]) == "18"
    with pytest.raises(EOFError):
        line.ask("move 1> ")
