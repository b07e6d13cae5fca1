"""Live sessions: decisions on stdin, the append-only log, interruption, resume and replay."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.cli import cli
from policyengine.exercise.log import read_log

ROOT = Path(__file__).resolve().parents[1]

# A scripted session of sea_lane_crisis.yaml at the console, move by move. After a decision the
# console asks for the cell, the rationale and who decided (Enter: none); `end` asks to confirm.
MOVE_1 = [
    "release",  # inject [1.1] to the players
    "propose-framework/AUS+JPN+KOR",  # an id from the list
    "mofa",
    "The three share the sea lanes",
    "",
    "8",  # a number from the list: elevate-cooperation/jpn-usa-aus
    "mod",
    "",
    "",
    "",  # a blank line does nothing
    "elevate-cooperation/jpn-kor-aus",  # a rule action whose target does not exist yet: anticipated
    "nss",
    "Prepare the next step",
    "",
    "end",
    "y",
]
MOVE_2 = [
    "strengthen the coast guard",  # free text: confirmed
    "",
    "nss",
    "Not in the paper",
    "",
    "activate-mechanisms/jpn-usa-kr",  # a typo: confirmed as the recommendation it is close to
    "y",
    "mdo",  # an unknown cell: asked again
    "mod",
    "",
    "",
    "end",
    "y",
]
MOVE_3 = ["end", "y"]
DECISIONS = {"move-1": 3, "move-2": 2, "move-3": 0}


def lines(*parts: list[str]) -> str:
    return "\n".join(itertools.chain(*parts)) + "\n"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock that ticks one minute per reading, from 4 July 2022 09:00 UTC."""
    ticks = itertools.count()
    start = dt.datetime(2022, 7, 4, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(
        "policyengine.exercise.log.utc_now", lambda: start + dt.timedelta(minutes=next(ticks))
    )


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """A copy of the exercise, the scenarios and the rules that a test may change."""
    for folder in ("exercises", "scenarios", "rules"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def start(world: Path, log: Path, text: str, *extra: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli,
        [
            "exercise",
            "run",
            str(world / "exercises" / "sea_lane_crisis.yaml"),
            "--interactive",
            "--log",
            str(log),
            "--lang",
            "en",
            *extra,
        ],
        input=text,
    )


def records(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def without_times(recs: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in r.items() if k != "time"} for r in recs]


@pytest.fixture
def session(world: Path, clock: None):  # type: ignore[no-untyped-def]
    log = world / "session.jsonl"
    result = start(world, log, lines(MOVE_1, MOVE_2, MOVE_3))
    assert result.exit_code == 0, result.output
    return log, result


def test_scripted_session_writes_the_log(session) -> None:  # type: ignore[no-untyped-def]
    log, result = session
    recs = records(log)
    assert [r["type"] for r in recs] == ["exercise", "release"] + ["decision"] * 3 + ["move"] + [
        "decision"
    ] * 2 + ["move", "move"]
    assert [r["seq"] for r in recs] == list(range(10))
    assert {k: recs[1][k] for k in ("inject", "number", "move")} == {
        "inject": "shipping-harassed",
        "number": "1.1",
        "move": "move-1",
    }
    header = recs[0]
    assert header["version"] == 1 and header["lang"] == "en" and header["format"] == "text"
    assert header["time"] == "2022-07-04T09:00:00+00:00"
    exercise = header["exercise"]
    assert isinstance(exercise, dict) and exercise["id"] == "sea-lane-crisis"
    assert [i["file"].rsplit("/", 1)[-1] for i in exercise["inputs"]] == [
        "sea_lane_crisis.yaml",
        "korea_new_gov.yaml",
        "baseline_2022.yaml",
    ]
    decisions = [(r["move"], r["cell"], r["action"], r["rationale"]) for r in recs if r["type"] == "decision"]
    assert decisions == [
        ("move-1", "mofa", "propose-framework/AUS+JPN+KOR", "The three share the sea lanes"),
        ("move-1", "mod", "elevate-cooperation/jpn-usa-aus", ""),
        ("move-1", "nss", "elevate-cooperation/jpn-kor-aus", "Prepare the next step"),
        ("move-2", "nss", "strengthen the coast guard", "Not in the paper"),
        ("move-2", "mod", "activate-mechanisms/jpn-usa-kor", ""),
    ]
    # the decisions shaped the branches: the framework launched, then its ministers met
    moves = [r for r in recs if r["type"] == "move"]
    assert moves[1]["applied"] == ["trilateral-launched", "tanker-damaged"]
    assert moves[2]["applied"] == ["quad-maritime-exercise", "trilateral-defense-ministers"]
    # every line is one complete JSON record, keys sorted, written compactly (fileio.append_jsonl)
    for line in log.read_text(encoding="utf-8").splitlines():
        assert json.dumps(json.loads(line), ensure_ascii=False, sort_keys=True, separators=(",", ":")) == line
    assert "there is no cell 'mdo' (mofa, mod, nss). did you mean 'mod'?" in result.stderr
    assert "did you mean 'activate-mechanisms/jpn-usa-kor'? [Y/n]" in result.stderr
    assert "recorded as decision 1: [Ministry of Foreign Affairs] propose-framework/AUS+JPN+KOR (18)" in (
        result.stdout
    )
    assert "[move 2/3 | " in result.stdout and "Ending move 2 of 3" in result.stdout


def test_replay_is_byte_identical(session, golden) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    outputs = []
    for args in (["exercise", "replay", str(log)], ["exercise", "run", "--replay", str(log)]):
        replay = CliRunner().invoke(cli, args)
        assert replay.exit_code == 0, replay.output
        outputs.append(replay.stdout)
    assert outputs[0] == outputs[1]
    golden("exercise/sea_lane_crisis.session.en.txt", outputs[0])
    # no time stamp reaches the output
    assert "2022-07-04T" not in outputs[0]


def test_replay_from_another_folder(session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    here = CliRunner().invoke(cli, ["exercise", "replay", str(log)])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    replay = CliRunner().invoke(cli, ["exercise", "replay", str(log)])
    assert replay.exit_code == 0, replay.output
    assert replay.stdout == here.stdout


def test_interrupted_session_resumes(world: Path, clock: None, session) -> None:  # type: ignore[no-untyped-def]
    full_log, _ = session
    log = world / "interrupted.jsonl"
    # input ends in the middle of move 2, after its first decision
    cut = start(world, log, lines(MOVE_1, MOVE_2[:5]))
    assert cut.exit_code == 130
    assert f"session interrupted: 4 decision(s) are saved in {log}" in cut.stderr
    assert f"resume with: policyengine exercise run --resume {log}" in cut.stderr
    assert [r["type"] for r in records(log)][-2:] == ["move", "decision"]
    resumed = CliRunner().invoke(
        cli, ["exercise", "run", "--resume", str(log)], input=lines(MOVE_2[5:], MOVE_3)
    )
    assert resumed.exit_code == 0, resumed.output
    assert "resuming" in resumed.stderr and "1 of 3 moves completed, 4 decision(s) recorded" in resumed.stderr
    assert without_times(records(log))[1:] == without_times(records(full_log))[1:]
    replay = CliRunner().invoke(cli, ["exercise", "replay", str(log)])
    assert replay.stdout == CliRunner().invoke(cli, ["exercise", "replay", str(full_log)]).stdout
    # the resumed console showed the move it resumed in, and that a decision was taken in it
    assert "Move 2 of 3: A trilateral answer?" in resumed.stdout
    assert "1 decision(s) already recorded in this move" in resumed.stdout


def test_resume_after_log_truncated_between_records(session) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    original = records(log)
    text = log.read_text(encoding="utf-8").splitlines(keepends=True)
    log.write_text("".join(text[:6]), encoding="utf-8")  # header, a release, 3 decisions, move-1 completed
    resumed = CliRunner().invoke(cli, ["exercise", "run", "--resume", str(log)], input=lines(MOVE_2, MOVE_3))
    assert resumed.exit_code == 0, resumed.output
    assert without_times(records(log)) == without_times(original)


def test_resume_after_torn_last_line(session) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    full = CliRunner().invoke(cli, ["exercise", "replay", str(log)])
    original = records(log)
    data = log.read_bytes().splitlines(keepends=True)
    torn = data[7][: len(data[7]) // 2]  # the second decision of move 2, half written
    log.write_bytes(b"".join(data[:7]) + torn)
    contents = read_log(str(log))
    assert contents.torn is not None and contents.torn.line == 8
    assert len(contents.records) == 7
    replay = CliRunner().invoke(cli, ["exercise", "replay", str(log)])
    assert replay.exit_code == 0
    assert f"{log}:8:1: warning: the last record is incomplete" in replay.stderr
    assert "the log stops during move 2 of 3 (1 decision(s) recorded in it)" in replay.stderr
    resumed = CliRunner().invoke(
        cli, ["exercise", "run", "--resume", str(log)], input=lines(MOVE_2[5:], MOVE_3)
    )
    assert resumed.exit_code == 0, resumed.output
    assert f"{log}:8:1: warning: the last record is incomplete" in resumed.stderr
    assert "(cut off before resuming)" in resumed.stderr
    assert without_times(records(log)) == without_times(original)
    assert CliRunner().invoke(cli, ["exercise", "replay", str(log)]).stdout == full.stdout


def test_damaged_log_is_refused(session) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    text = log.read_text(encoding="utf-8").splitlines(keepends=True)
    log.write_text("".join(text[:3]) + "{not json\n" + "".join(text[4:]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["exercise", "replay", str(log)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{log}:4:1: E602: not a JSON record")
    log.write_text("".join(text[:3]) + "".join(text[4:]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["exercise", "replay", str(log)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{log}:4:1: E602: record out of sequence: seq 4 where 3 was expected")


def test_not_a_log(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"type": "decision", "seq": 0, "move": "m", "cell": "c", "action": "a"}\n')
    result = CliRunner().invoke(cli, ["exercise", "replay", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}:1:1: E601: not an exercise decision log: the first record must be the 'exercise' header\n"
        "  hint: decision logs are written by 'policyengine exercise run --interactive'\n"
    )


def test_changed_exercise_is_refused(session, world: Path) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    exercise = world / "exercises" / "sea_lane_crisis.yaml"
    exercise.write_text(exercise.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    for args in (["exercise", "replay", str(log)], ["exercise", "report", str(log)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"{log}:1:1: E603: changed since this log was written: ")
        assert "sea_lane_crisis.yaml; replaying it would not reproduce the session" in result.stderr


def test_changed_scenario_is_refused(session, world: Path) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    baseline = world / "scenarios" / "baseline_2022.yaml"
    baseline.write_text(baseline.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["exercise", "replay", str(log)])
    assert result.exit_code == 2
    assert "E603: changed since this log was written: " in result.stderr
    assert "baseline_2022.yaml" in result.stderr


def test_changed_rules_are_refused(session, world: Path) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    rules = world / "rules" / "paper.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace("Conclude the Reciprocal Access Agreement under negotiation", "Conclude the RAA")
    )
    result = CliRunner().invoke(cli, ["exercise", "replay", str(log), "--rules", str(rules)])
    assert result.exit_code == 2
    assert "E603: the rule pack 'minilateral-2022'" in result.stderr
    assert "has changed since this log was written" in result.stderr
    # comments and layout do not count: the same rules replay
    rules.write_text("# a comment\n" + text, encoding="utf-8")
    assert CliRunner().invoke(cli, ["exercise", "replay", str(log), "--rules", str(rules)]).exit_code == 0
    # nor do further passages a rule cites, which no exercise output shows
    quote = "      quote: 英国やフランスとは現在円滑化協定の締結に向けた交渉が進められている\n"
    assert text.count(quote) == 1
    also = "      also:\n        - 現在は米軍や豪州軍に対して行われている自衛隊による武器等防護\n"
    rules.write_text(text.replace(quote, quote + also), encoding="utf-8")
    assert CliRunner().invoke(cli, ["exercise", "replay", str(log), "--rules", str(rules)]).exit_code == 0


def test_existing_log_is_never_overwritten(session, world: Path) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    before = log.read_bytes()
    result = start(world, log, "\n")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{log}: E501: the decision log already exists")
    assert log.read_bytes() == before


def test_complete_session_cannot_resume(session) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    result = CliRunner().invoke(cli, ["exercise", "run", "--resume", str(log)], input="\n")
    assert result.exit_code == 2
    assert "E604: this session is complete" in result.stderr


def test_default_log_name_uses_the_clock(world: Path, clock: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(world)
    result = CliRunner().invoke(
        cli, ["exercise", "run", "exercises/carrier_group.yaml", "-i"], input=lines(MOVE_3, MOVE_3, MOVE_3)
    )
    assert result.exit_code == 0, result.output
    assert "決定ログ：carrier-group.20220704-090000.jsonl" in result.stderr  # the session is in Japanese
    assert [r["type"] for r in records(world / "carrier-group.20220704-090000.jsonl")] == ["exercise"] + [
        "move"
    ] * 3
