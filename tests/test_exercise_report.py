"""The after-action report against a scripted session, and handouts without spoilers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import test_exercise_session as _fixtures
from policyengine.cli import cli
from policyengine.exercise.load import load_exercise
from policyengine.exercise.report import build_report
from policyengine.exercise.session import open_log

# The scripted session and its fixtures, shared with test_exercise_session.py.
clock, world, session = _fixtures.clock, _fixtures.world, _fixtures.session

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted((ROOT / "exercises").glob("*.yaml"))
REC_ID = re.compile(r"\b[a-z][a-z-]+/(?:[A-Z]{2,3}(?:\+[A-Z]{2,3})*|[a-z][a-z-]+)\b")


@pytest.fixture
def report(session):  # type: ignore[no-untyped-def]
    log, _ = session
    return build_report(open_log(str(log)))


def statuses(report, move: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    m = report.moves[move]
    out = {r.recommendation.id: r.status for r in m.recommendations}
    out.update({d.decision.action: d.status for d in m.decisions if d.status != "matched"})
    return out


def test_matched_diverged_not_considered(report) -> None:  # type: ignore[no-untyped-def]
    first, second = statuses(report, 0), statuses(report, 1)
    assert first["propose-framework/AUS+JPN+KOR"] == "matched"
    assert first["elevate-cooperation/jpn-usa-aus"] == "matched"
    assert first["bilateral-cooperation/KOR"] == "not-considered"
    # decided in move 1, recommended by the rules only once the framework exists in move 2
    assert first["elevate-cooperation/jpn-kor-aus"] == "anticipated"
    assert report.moves[0].decisions[2].recommended_in == "move-2"
    assert second["elevate-cooperation/jpn-kor-aus"] == "matched-earlier"
    assert second["activate-mechanisms/jpn-usa-kor"] == "matched"
    assert second["strengthen the coast guard"] == "diverged"
    assert [d.decision.action for d in report.departures] == [
        "elevate-cooperation/jpn-kor-aus",
        "strengthen the coast guard",
    ]


def test_strengths_and_areas_for_improvement(report) -> None:  # type: ignore[no-untyped-def]
    strengths = {(f.action, f.reason) for f in report.strengths}
    assert ("propose-framework/AUS+JPN+KOR", "expected-met") in strengths
    assert ("elevate-cooperation/jpn-kor-aus", "anticipated") in strengths
    improvements = {(f.action, f.reason) for f in report.improvements}
    # the MSEL expected it in move 1 and players never took it up
    assert ("bilateral-cooperation/KOR", "expected-missed") in improvements
    assert all(f.action not in {"propose-framework/AUS+JPN+KOR"} for f in report.improvements)
    # recommendations the exercise never touched are listed apart, not as areas for improvement
    others = {f.action for f in report.others_not_considered}
    assert "strengthen-defense-posture/JPN" in others
    assert not others & {f.action for f in report.improvements}


def test_matrix_before_and_after(report) -> None:  # type: ignore[no-untyped-def]
    assert "jpn-kor-aus" not in [f.id for f in report.matrix_before.frameworks]
    assert "jpn-kor-aus" in [f.id for f in report.matrix_after.frameworks]
    assert ("jpn-kor-aus", "sea-lane-defense", None, "focus") in report.matrix_changes
    assert ("jpn-kor-aus", "defense-equipment", None, "focus") in report.matrix_changes


def test_report_command(session, golden, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    result = CliRunner().invoke(cli, ["exercise", "report", str(log), "--lang", "en"])
    assert result.exit_code == 0, result.output
    golden("exercise/sea_lane_crisis.aar.en.md", result.stdout)
    result = CliRunner().invoke(cli, ["exercise", "report", str(log), "--lang", "ja"])
    assert result.exit_code == 0, result.output
    golden("exercise/sea_lane_crisis.aar.ja.md", result.stdout)
    result = CliRunner().invoke(cli, ["exercise", "report", str(log), "--plan-template", "--lang", "en"])
    assert result.exit_code == 0, result.output
    golden("exercise/sea_lane_crisis.plan.en.yaml", result.stdout)
    out = tmp_path / "aar.html"
    result = CliRunner().invoke(
        cli, ["exercise", "report", str(log), "--format", "html", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for anchor in ("summary", "objectives", "findings", "ip", "hot-wash", "analysis", "timeline", "matrix"):
        assert f'id="{anchor}"' in html
    assert '<td class="diverged">相違</td>' in html and '<td class="matched">一致</td>' in html
    assert "@media print" in html
    assert not re.search(r"<script|<link|<img|@import|url\(", html)


def test_report_of_an_unfinished_session(session) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    text = log.read_text(encoding="utf-8").splitlines(keepends=True)
    log.write_text("".join(text[:6]), encoding="utf-8")  # stops after the first decision of move 2
    result = CliRunner().invoke(cli, ["exercise", "report", str(log), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "| Moves played | 1 of 3 |" in result.stdout
    assert "**This session stopped after 1 of 3 moves.**" in result.stdout


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_player_handout_has_no_spoilers(path: Path, lang: str) -> None:
    result = CliRunner().invoke(
        cli, ["exercise", "handout", str(path), "--role", "player", "--lang", lang, "--through", "all"]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    ex = load_exercise(str(path))
    secrets: list[str] = []
    for move in ex.moves:
        if move.notes:
            secrets.append(move.notes.get(lang))
        for inj in move.injects:
            secrets.append(inj.id)
            if inj.notes:
                secrets.append(inj.notes.get(lang))
            if inj.when is not None:
                secrets += [inj.title.get(lang), inj.description.get(lang)]
            secrets += [e.action for e in inj.expect]
    for s in secrets:
        assert s not in text, s
    assert not REC_ID.search(text), REC_ID.search(text)
    for word in ("MSEL", "Facilitator notes", "統制官メモ", "推奨"):
        assert word not in text
    # what players do get: every unconditional inject and every discussion question
    for move in ex.moves:
        for inj in move.injects:
            if inj.when is None:
                assert inj.description.get(lang) in text
        for q in move.questions:
            assert q.get(lang) in text


def test_handouts_golden(golden) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    sea = str(ROOT / "exercises" / "sea_lane_crisis.yaml")
    player = runner.invoke(cli, ["exercise", "handout", sea, "--role", "player"])
    assert player.exit_code == 0, player.output
    golden("exercise/sea_lane_crisis.player.ja.md", player.stdout)
    guide = runner.invoke(cli, ["exercise", "handout", sea, "--role", "facilitator", "--lang", "en"])
    assert guide.exit_code == 0, guide.output
    golden("exercise/sea_lane_crisis.facilitator.en.md", guide.stdout)
    # the guide holds what the handout hides: notes, conditions, expected actions, branch effects
    assert "Facilitator notes:" in guide.stdout
    assert "Conditional: if players decided 'propose-framework/AUS+JPN+KOR'" in guide.stdout
    assert "Expected player actions (MSEL): `elevate-cooperation/jpn-kor-aus`" in guide.stdout
    assert "- \\+ `elevate-cooperation/jpn-kor-aus`" in guide.stdout  # "+ " escaped: not a nested list


def test_player_handout_through_a_move() -> None:
    sea = str(ROOT / "exercises" / "sea_lane_crisis.yaml")
    runner = CliRunner()

    def handout(*through: str) -> str:
        args = ["exercise", "handout", sea, "--role", "player", "--lang", "en", *through]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        return result.stdout

    # by default: the moves played so far, which from the exercise file alone is the first
    default = handout()
    assert "Move 1 of 3" in default and "Move 2 of 3" not in default
    assert "covers the moves up to move 1 of 3. Further injects will be delivered" in default
    assert handout("--through", "move-1") == default
    two = handout("--through", "move-2")
    assert "Move 2 of 3" in two and "Move 3 of 3" not in two
    assert "up to move 2 of 3" in two
    every = handout("--through", "all")
    assert "Move 3 of 3" in every and "covers all 3 moves" in every
    assert handout("--through", "move-3") == every
    ja = runner.invoke(cli, ["exercise", "handout", sea, "--role", "player"]).stdout
    args = ["exercise", "handout", sea, "--role", "player", "--through", "all"]
    ja_all = runner.invoke(cli, args).stdout
    assert (
        "全3ムーブを扱う。プレイヤーの判断によっては、"
        "演習中に統制官から追加のインジェクトが配布される" in ja_all
    )
    assert "全3ムーブのうち第1ムーブまで" in ja and "以降のインジェクトは演習中に統制官から配布される" in ja
    bad = runner.invoke(cli, ["exercise", "handout", sea, "--role", "player", "--through", "move-9"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("E501: --through: unknown move 'move-9'")
    guide = runner.invoke(cli, ["exercise", "handout", sea, "--role", "facilitator", "--through", "all"])
    assert guide.exit_code == 2
