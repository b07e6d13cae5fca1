"""One numbering of moves and injects in every view of an exercise (issue 18).

An inject's number is ``MOVE.POSITION``, its place in the exercise file's MSEL for its move,
whatever a view leaves out. The test collects the numbers each output prints, for both shipped
exercises and both languages: the console of a session, the player handout, the facilitator
guide, the after-action report, and the decision log (which names injects by id), and checks
that each number names the same inject everywhere.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.cli import cli
from policyengine.exercise.load import LoadedExercise, load_exercise
from policyengine.exercise.numbering import inject_number, inject_numbers

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted((ROOT / "exercises").glob("*.yaml"))
# ``[2.3]`` in text, ``\[2.3\]`` in Markdown, ``| 2.3 |`` in the guide's MSEL table
NUMBER = re.compile(r"\\?\[(\d+)\.(\d+)\\?\]|^\| (\d+)\.(\d+) \|")


def numbered(text: str, exercise: LoadedExercise, lang: str) -> dict[str, str]:
    """Every inject number printed in ``text`` -> the id of the inject its line is about."""
    by_title = {}
    for move in exercise.moves:
        for inj in move.injects:
            by_title[inj.id] = inj.title.get(lang)
    found: dict[str, str] = {}
    for line in text.splitlines():
        plain = line.replace("\\", "")
        for m in NUMBER.finditer(line):
            move, pos = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            number = f"{move}.{pos}"
            rest = plain[plain.index(number) :]
            ids = [i for i, title in by_title.items() if title in rest or f"({i})" in rest]
            assert ids, f"[{number}] names no inject: {line!r}"
            # the longest title wins where one title contains another
            ident = max(ids, key=lambda i: len(by_title[i]))
            assert found.setdefault(number, ident) == ident, (number, found[number], ident, line)
    return found


def session(path: Path, log: Path, lang: str) -> str:
    """A session in which every inject is released and players decide nothing: the console's output."""
    ex = load_exercise(str(path))
    typed = "".join("release\n" * len(move.injects) + "injects\nend\ny\n" for move in ex.moves)
    result = CliRunner().invoke(
        cli,
        ["exercise", "run", str(path), "--interactive", "--log", str(log), "--lang", lang],
        input=typed,
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_inject_number_is_the_place_in_the_msel() -> None:
    ex = load_exercise(str(ROOT / "exercises" / "sea_lane_crisis.yaml"))
    numbers = inject_numbers(ex)
    assert inject_number(0, 0) == "1.1" and inject_number(2, 9) == "3.10"
    move_2 = [inj.id for inj in ex.moves[1].injects]
    assert numbers["tanker-damaged"] == f"2.{move_2.index('tanker-damaged') + 1}"
    assert len(set(numbers.values())) == len(numbers)


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_output_numbers_injects_alike(path: Path, lang: str, tmp_path: Path) -> None:
    ex = load_exercise(str(path))
    expected = {number: ident for ident, number in inject_numbers(ex).items()}
    runner = CliRunner()

    def cli_text(*args: str) -> str:
        result = runner.invoke(cli, [*args, "--lang", lang])
        assert result.exit_code == 0, result.output
        return result.stdout

    log = tmp_path / "session.jsonl"
    outputs = {
        "console": session(path, log, lang),
        "player handout": cli_text("exercise", "handout", str(path), "--role", "player", "--through", "all"),
        "facilitator guide": cli_text("exercise", "handout", str(path), "--role", "facilitator"),
        "report": cli_text("exercise", "report", str(log)),
    }
    found = {name: numbered(text, ex, lang) for name, text in outputs.items()}
    for name, numbers in found.items():
        for number, ident in numbers.items():
            assert expected.get(number) == ident, f"{name}: [{number}] is {ident}, not {expected.get(number)}"
    # each view numbers what it shows: players every unconditional inject, the guide and the
    # report every inject, the console those of the moves it showed
    numbers = inject_numbers(ex)
    unconditional = {numbers[inj.id] for _, _, _, inj in ex.injects() if inj.when is None}
    assert set(found["player handout"]) == unconditional
    assert set(found["facilitator guide"]) == set(expected)
    assert set(found["report"]) == set(expected)
    # the log names the injects that applied by id; the console and the report show them under
    # the same numbers
    applied = [
        i
        for rec in map(json.loads, log.read_text(encoding="utf-8").splitlines())
        if rec["type"] == "move"
        for i in rec["applied"]
    ]
    assert applied
    released = [
        (rec["inject"], rec["number"])
        for rec in map(json.loads, log.read_text(encoding="utf-8").splitlines())
        if rec["type"] == "release"
    ]
    assert sorted(ident for ident, _ in released) == sorted(applied)
    for ident, number in released:
        assert numbers[ident] == number
    for ident in applied:
        assert found["console"][numbers[ident]] == ident
        assert found["report"][numbers[ident]] == ident
