"""The AAR/IP as HSEEP shapes it: objectives rated P/S/M/U, "not considered" counted over what a
move is about, the improvement plan file, hot-wash notes and struck decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import test_exercise_session as _fixtures
from policyengine.cli import cli
from policyengine.exercise.report import (
    LATE,
    MET,
    MISSED,
    RATINGS,
    Note,
    StruckDecision,
    build_report,
    log_notes,
    rate,
    struck_decisions,
)
from policyengine.exercise.session import open_log
from policyengine.render.aar import render_report

clock, world, session = _fixtures.clock, _fixtures.world, _fixtures.session


@pytest.fixture
def report(session):  # type: ignore[no-untyped-def]
    log, _ = session
    return build_report(open_log(str(log)))


@pytest.mark.parametrize(
    ("outcomes", "rating"),
    [
        ([], None),
        ([MET], "P"),
        ([MET, MET, MET], "P"),
        ([MET, LATE], "S"),
        ([MET, MISSED], "S"),
        ([LATE], "S"),
        ([MET, MISSED, MISSED], "M"),
        ([LATE, MISSED], "M"),
        ([MISSED], "U"),
        ([MISSED, MISSED], "U"),
    ],
)
def test_rating_scale(outcomes: list[str], rating: str | None) -> None:
    assert rate(outcomes) == rating


@given(st.lists(st.sampled_from([MET, LATE, MISSED]), min_size=1, max_size=12), st.data())
def test_a_better_outcome_never_lowers_the_rating(outcomes: list[str], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(outcomes) - 1))
    better = {MISSED: LATE, LATE: MET, MET: MET}[outcomes[i]]
    improved = [*outcomes[:i], better, *outcomes[i + 1 :]]
    before, after = rate(outcomes), rate(improved)
    assert before is not None and after is not None
    assert RATINGS.index(after) <= RATINGS.index(before)


def test_objectives_are_rated_from_their_expected_actions(report) -> None:  # type: ignore[no-untyped-def]
    ratings = {o.objective.id: o.rating for o in report.objectives}
    # both expected actions linked to it were decided in their moves (one anticipated a move early)
    assert ratings["trilateral-option"] == "P"
    # bilateral-cooperation/KOR was expected in move 1 and never decided: 2 of 3 met
    assert ratings["layered-cooperation"] == "S"
    # its only expected action sits in an inject that did not apply on this branch
    assert ratings["partner-reactions"] is None
    layered = next(o for o in report.objectives if o.objective.id == "layered-cooperation")
    assert [(e.number, e.expected.action, e.outcome) for e in layered.expectations] == [
        ("1.2", "elevate-cooperation/jpn-usa-aus", MET),
        ("1.3", "bilateral-cooperation/KOR", MISSED),
        ("2.1", "elevate-cooperation/jpn-kor-aus", MET),
    ]
    assert layered.capabilities == ["framework-diplomacy", "defense-cooperation"]


def test_not_considered_counts_only_what_the_move_is_about(report) -> None:  # type: ignore[no-untyped-def]
    first = report.moves[0]
    assert len(first.state.result.recommendations) == 22
    # in play: the recommendation the injects changed and those the MSEL expected
    assert first.relevant == 3
    assert first.count("not-considered") == 1
    assert sum(1 for r in first.recommendations if r.status == "not-considered") == 20


def test_bottom_line_and_executive_summary_come_first(report) -> None:  # type: ignore[no-untyped-def]
    text = render_report(report, "markdown", "en")
    lines = text.splitlines()
    assert lines[2].startswith("**Bottom line: Of 3 objectives, 1 performed without challenges, 1 with some")
    order = [
        "## Executive summary",
        "### Objectives and ratings",
        "### Main strengths",
        "### Main areas for improvement",
        "## Analysis of objectives",
        "## Strengths",
        "## Areas for improvement",
        "## Improvement plan (IP)",
        "## Hot wash and facilitator notes",
        "## Appendix A:",
    ]
    positions = [next(i for i, line in enumerate(lines) if line.startswith(h)) for h in order]
    assert positions == sorted(positions)
    assert "| Performed without Challenges (P) |" in text
    # the players' own rationale beside what they decided
    assert "Ministry of Foreign Affairs: “The three share the sea lanes”" in text
    ja = render_report(report, "markdown", "ja")
    assert ja.splitlines()[2].startswith("**結論：演習目標3件のうち課題なく達成1件")
    assert "| 課題なく達成（P） |" in ja and "## 改善計画（IP）" in ja


def test_plan_template_reads_back_and_fills_the_plan(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    runner = CliRunner()
    template = runner.invoke(cli, ["exercise", "report", str(log), "--plan-template", "--lang", "en"])
    assert template.exit_code == 0, template.output
    assert '  - issue: "bilateral-cooperation/KOR"' in template.stdout
    assert '    owner: "Ministry of Foreign Affairs"' in template.stdout
    plan = tmp_path / "plan.yaml"
    plan.write_text(template.stdout, encoding="utf-8")
    result = runner.invoke(cli, ["exercise", "report", str(log), "--plan", str(plan), "--lang", "en"])
    assert result.exit_code == 0, result.output
    filled = template.stdout.replace("start: null", "start: 2022-11-01")
    filled = filled.replace("due: null", "due: 2023-03-31")
    filled = filled.replace('owner: "Ministry of Foreign Affairs"', "owner: MOFA Northeast Asia Division")
    filled = filled.replace("status: open", "status: in-progress")
    plan.write_text(filled, encoding="utf-8")
    result = runner.invoke(cli, ["exercise", "report", str(log), "--plan", str(plan), "--lang", "en"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith("| 1 | Cooperate bilaterally"))
    assert row.endswith(
        "| Framework diplomacy | MOFA Northeast Asia Division | 1 November 2022 | 31 March 2023"
        " | in progress |"
    )


BAD_PLAN = """\
plan: {exercise: carrier-group}
items:
  - issue: bilateral-cooperation/KOREA
    owner: MOFA
  - issue: bilateral-cooperation/KOR
    capability: framework-diplomacyy
    start: 2023-03-01
    due: 2023-01-01
  - issue: bilateral-cooperation/KOR
    status: done
"""


def test_a_bad_plan_is_refused_with_located_errors(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    plan = tmp_path / "plan.yaml"
    plan.write_text(BAD_PLAN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["exercise", "report", str(log), "--plan", str(plan)])
    assert result.exit_code == 2
    # the shape first: pydantic's errors, located
    assert f"{plan}:5:5: E" in result.stderr or f"{plan}:6:" in result.stderr, result.stderr
    assert "'due' (2023-01-01) comes before 'start' (2023-03-01)" in result.stderr
    assert f"{plan}:10:13:" in result.stderr and "status" in result.stderr
    assert "Traceback" not in result.output
    # once the shape is right: the references, every one at once
    plan.write_text(BAD_PLAN.replace("    due: 2023-01-01\n", "").replace("status: done", "status: open"))
    result = CliRunner().invoke(cli, ["exercise", "report", str(log), "--plan", str(plan)])
    assert result.exit_code == 2
    err = result.stderr
    assert f"{plan}:1:18: E301: the plan is for exercise 'carrier-group'" in err
    assert f"{plan}:3:12: E301: 'bilateral-cooperation/KOREA' is not an area for improvement" in err
    assert "did you mean 'bilateral-cooperation/KOR'?" in err
    assert f"{plan}:6:17: E301: unknown capability 'framework-diplomacyy'" in err
    assert "did you mean 'framework-diplomacy'?" in err
    assert f"{plan}:8:12: E302: issue 'bilateral-cooperation/KOR' is planned twice" in err


def test_plan_and_template_together_is_a_usage_error(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    result = CliRunner().invoke(cli, ["exercise", "report", str(log), "--plan", "x.yaml", "--plan-template"])
    assert result.exit_code == 2 and "E501" in result.stderr


def test_notes_and_strikes_are_read_from_the_log_records() -> None:
    records = [
        {"type": "exercise", "seq": 0},
        {"type": "decision", "seq": 1, "move": "move-1", "cell": "mofa", "action": "a/JPN"},
        {"type": "decision", "seq": 2, "move": "move-1", "cell": "mod", "action": "b/JPN"},
        {"type": "note", "seq": 3, "move": "move-1", "text": "MOFA hesitated", "by": "lead"},
        {"type": "strike", "seq": 4, "move": "move-1", "decision": 2, "reason": "typed by mistake"},
        {"type": "move", "seq": 5, "move": "move-1"},
        {"type": "note", "seq": 6, "text": "Timing was the crux"},
    ]
    assert log_notes(records) == [
        Note("move-1", "MOFA hesitated", "lead", ""),
        Note(None, "Timing was the crux", "", ""),
    ]
    assert struck_decisions(records) == [StruckDecision(2, "move-1", "mod", "b/JPN", "typed by mistake", "")]


def test_hot_wash_notes_and_struck_decisions_are_shown(report) -> None:  # type: ignore[no-untyped-def]
    report.notes = [
        Note("move-2", "The ROK asked about timing", "controller", ""),
        Note(None, "Good pace", "", ""),
    ]
    report.struck = [StruckDecision(3, "move-1", "nss", "x/JPN", "a slip", "")]
    text = render_report(report, "markdown", "en")
    hot = text[text.index("## Hot wash") : text.index("## Appendix A")]
    assert "### During move 2\n\n- The ROK asked about timing — controller" in hot
    assert "### After the last move (hot wash)\n\n- Good pace" in hot
    assert "Decision 3 (move 1, National Security Secretariat): “x/JPN” — reason: a slip" in hot
    ja = render_report(report, "markdown", "ja")
    assert "### 第2ムーブ中" in ja and "### 最終ムーブ後（ホットウォッシュ）" in ja


def test_links_to_unknown_objectives_and_capabilities_are_located(world: Path) -> None:
    bad = world / "exercises" / "sea_lane_crisis.yaml"
    text = bad.read_text(encoding="utf-8")
    text = text.replace("objectives: [trilateral-option]\n", "objectives: [trilateral-opton]\n", 1)
    text = text.replace("capabilities: [partner-management]", "capabilities: [partner-managment]", 1)
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "E301: unknown objective 'trilateral-opton'" in result.output
    assert "did you mean 'trilateral-option'?" in result.output
    assert "E301: unknown capability 'partner-managment'" in result.output


def test_a_logged_note_and_strike_reach_the_report(session) -> None:  # type: ignore[no-untyped-def]
    log, _ = session
    recs = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    decisions = [r["action"] for r in recs if r["type"] == "decision"]
    number = decisions.index("strengthen the coast guard") + 1
    seq = len(recs)
    with log.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"type": "note", "seq": seq, "text": "Timing was the crux", "by": "lead"}) + "\n")
        f.write(
            json.dumps({"type": "strike", "seq": seq + 1, "decision": number, "reason": "not a decision"})
        )
        f.write("\n")
    report = build_report(open_log(str(log)))
    # the struck free-text decision of move 2 counts nowhere
    assert [d.decision.action for d in report.departures] == ["elevate-cooperation/jpn-kor-aus"]
    assert report.decisions == 4
    assert report.notes == [Note(None, "Timing was the crux", "lead", "")]
    text = render_report(report, "markdown", "en")
    assert "- Timing was the crux — lead" in text
    assert f"Decision {number} (move 2, National Security Secretariat): “strengthen the coast guard”" in text
    assert "strengthen the coast guard' (diverged)" not in text


def test_the_walkthrough_exercise_of_the_docs_validates_and_reports(world: Path, clock: None) -> None:
    """docs/exercises.md's walkthrough file is valid (--strict), and a session on it rates its
    objective from the links the walkthrough teaches."""
    docs = (Path(__file__).resolve().parents[1] / "docs" / "exercises.md").read_text(encoding="utf-8")
    block = docs.split("<!-- walkthrough-exercise:", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = world / "exercises" / "uk_partnership.yaml"
    path.write_text(block, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(path), "--strict"])
    assert result.exit_code == 0, result.output
    log = world / "uk.jsonl"
    played = runner.invoke(
        cli,
        ["exercise", "run", str(path), "--interactive", "--log", str(log), "--lang", "en"],
        # decide, its cell, rationale and who (none); end the move (confirmed); end move 2
        input="extend-asset-protection/GBR\nmod\nThe RAA is signed\n\nend\ny\nend\ny\n",
    )
    assert played.exit_code == 0, played.output
    report = build_report(open_log(str(log)))
    assert [(o.objective.id, o.rating) for o in report.objectives] == [("legal-basis", "S")]
