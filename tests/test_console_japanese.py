"""A Japanese session says everything in Japanese (issue 16 item 3): the console, its pause,
interruption and resumption, a log cut off mid-record, a replay of a session that stopped midway
and the report, driven through the CLI; nothing English is printed but ids, commands and paths."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "sea_lane_crisis.yaml"

#: three English words in a row: a sentence (ids are hyphenated, so they never match)
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")
#: what a Japanese session may print in Latin letters: the commands it names
COMMANDS = re.compile(r"policyengine exercise (?:run|report|replay)")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = itertools.count()
    start = dt.datetime(2022, 7, 4, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(
        "policyengine.exercise.log.utc_now", lambda: start + dt.timedelta(minutes=next(ticks))
    )


def english(text: str) -> list[str]:
    return sorted(set(ENGLISH.findall(COMMANDS.sub("", text))))


def test_english_is_found_when_there_is_some() -> None:
    assert english("セル: the last record is incomplete") == ["the last record is incomplete"]
    assert english("再開：policyengine exercise run --resume l.jsonl、conclude-raa/GBR") == []


def test_a_japanese_session_start_to_finish_prints_no_english(tmp_path: Path) -> None:
    log = tmp_path / "l.jsonl"
    run = CliRunner()
    shown: list[str] = []

    def invoke(args: list[str], typed: list[str] | None = None) -> int:
        result = run.invoke(cli, args, input=None if typed is None else "\n".join(typed) + "\n")
        shown.append(result.stdout + result.stderr)
        assert "Traceback" not in shown[-1]
        return result.exit_code

    new = ["exercise", "run", str(EXERCISE), "-i", "--lang", "ja", "--log", str(log)]
    typed = [
        "help",
        "release",
        "18",
        "mofa",
        "理由",
        "局長",
        "conclude-raa/Korea",
        "Conclude-RAA/英国",
        "mod",
    ]
    assert invoke(new, [*typed, "", "", "hlep", "strike 9", "quit"]) == 0  # paused
    resume = ["exercise", "run", "--resume", str(log)]
    assert invoke(resume, ["status", "end", "n", "end", "y"]) == 130  # interrupted (end of input)
    assert invoke(["exercise", "replay", str(log)]) == 0  # stops midway: a note
    with log.open("a", encoding="utf-8") as fh:
        fh.write('{"type": "decis')  # a record torn by a crash
    assert invoke(["exercise", "replay", str(log)]) == 0
    assert invoke(resume, ["end", "y", "end", "y", "note 法的根拠を確認", "quit"]) == 0  # cut, resumed
    assert invoke(["exercise", "report", str(log), "--lang", "ja", "--format", "markdown"]) == 0
    everything = "\n".join(shown)
    for japanese in (
        "セッションを中断しました",
        "を再開します",
        "注：このログはムーブ2（全3）の途中で終わっています",
        "警告：最後の記録が不完全です",
        "（再開の前に切り詰めました）",
        "複数の対象に当てはまります",
        "セッションは完了しました",
    ):
        assert japanese in everything, japanese
    assert english(everything) == []


def test_a_japanese_session_resumed_in_the_browser_prints_no_english(tmp_path: Path) -> None:
    """``exercise serve --resume`` of a Japanese log cut off mid-record: its start-up lines (the
    cut, the resumption, the addresses) and its stop line, all in Japanese."""
    pytest.importorskip("starlette", reason="the 'web' extra is not installed: pip install -e '.[web]'")
    pytest.importorskip("uvicorn", reason="the 'web' extra is not installed: pip install -e '.[web]'")
    import os
    import signal
    import subprocess
    import sys

    log = tmp_path / "l.jsonl"
    new = ["exercise", "run", str(EXERCISE), "-i", "--lang", "ja", "--log", str(log)]
    paused = CliRunner().invoke(cli, new, input="18\nmofa\n\n\nend\ny\nquit\n")
    assert paused.exit_code == 0, paused.output
    with log.open("a", encoding="utf-8") as fh:
        fh.write('{"type": "decis')
    proc = subprocess.Popen(
        [sys.executable, "-m", "policyengine", "exercise", "serve", "--resume", str(log), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        addresses = [proc.stdout.readline(), proc.stdout.readline()]  # served: it is running
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    shown = "".join(addresses) + out + err
    assert "Traceback" not in shown
    assert "警告：最後の記録が不完全です" in shown and "（再開の前に切り詰めました）" in shown
    without_urls = re.sub(r"https?://\S+", "", shown)
    assert english(without_urls) == [], shown
