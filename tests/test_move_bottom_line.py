"""An exercise move opens with its bottom line (issue 16 item 1, "the same shape for exercise
moves"): the actions that matter most in the move (evaluate's ranking, the move's own first) and
what its injects added, removed or changed, before the situation and the full lists; in the run,
in both languages, and in the room's console."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CARRIER = str(ROOT / "exercises" / "carrier_group.yaml")
SEA = str(ROOT / "exercises" / "sea_lane_crisis.yaml")

WORDS = {
    "en": ("Bottom line", "What this move's injects changed", "Situation", "Recommendations of the rules"),
    "ja": ("結論", "このムーブのインジェクトによる変化", "状況", "ルールによる推奨"),
}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_each_move_opens_with_its_bottom_line(lang: str) -> None:
    result = CliRunner().invoke(cli, ["exercise", "run", CARRIER, "--lang", lang])
    assert result.exit_code == 0, result.output
    bottom, changes, situation, full = WORDS[lang]
    moves = re.split(r"\n\n(?:Move \d of 3|第\dムーブ（全3ムーブ）)", result.stdout)[1:]
    assert len(moves) == 3
    for move in moves:
        order = [move.index(word) for word in (bottom, changes, situation, full)]
        assert order == sorted(order), move[:300]


def test_the_bottom_line_names_the_moves_own_actions_first_and_its_changes() -> None:
    from policyengine.api import load_pack
    from policyengine.exercise.load import load_exercise
    from policyengine.exercise.runner import play
    from policyengine.render.evaluate import top_actions
    from policyengine.render.exercise import in_play, move_change_lines, move_top

    pack = load_pack(None)
    run = play(load_exercise(CARRIER, pack=pack), pack, {})
    first = run.moves[0]
    top = [r.id for r in move_top(first)]
    assert set(top) <= in_play(first)  # three of the move's own: the MSEL expects these
    assert top == [r.id for r in top_actions(first.result, first=in_play(first))]
    assert [r.id for r in top_actions(first.result)] != top  # not simply the world's top three
    lines = move_change_lines(first, run.start_result, "en")
    assert lines[0] == "Gone: Conclude the Reciprocal Access Agreement under negotiation: United Kingdom"
    assert all(line.startswith(("New", "Gone", "Changed", "Risk")) for line in lines)
    assert move_change_lines(run.moves[1], run.moves[0].result, "en") == []


def test_the_console_opens_a_move_with_its_bottom_line_and_numbers(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["exercise", "run", SEA, "-i", "--lang", "en", "--log", str(tmp_path / "l.jsonl")],
        input="list\nquit\n",
    )
    assert result.exit_code == 0, result.output
    head, _, listed = result.stdout.partition("Recommendations of move 1")
    bottom = head[head.index("Bottom line") : head.index("Injects: 0 of 3")]
    assert "What this move's injects changed (since the start)" in bottom
    # the bottom line's numbers are the list's: the facilitator can type them
    assert "   18  Propose a new minilateral framework" in bottom
    assert " 18  propose-framework/AUS+JPN+KOR " in listed
    player = CliRunner().invoke(
        cli,
        ["exercise", "run", SEA, "-i", "--view", "player", "--log", str(tmp_path / "p.jsonl")],
        input="quit\n",
    )
    assert player.exit_code == 0 and "結論" not in player.stdout  # players see no recommendation
