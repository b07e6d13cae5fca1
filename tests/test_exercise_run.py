"""Playing exercises: each kind of inject moves the recommendations the way the paper's rules say."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.api import evaluate
from policyengine.cli import cli
from policyengine.exercise.load import load_exercise
from policyengine.exercise.runner import Decision, play
from policyengine.render.exercise import render_run

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent / "exercises"
INJECT_KINDS = str(TESTS / "inject_kinds.yaml")
SEA_LANE = str(ROOT / "exercises" / "sea_lane_crisis.yaml")
CARRIER = str(ROOT / "exercises" / "carrier_group.yaml")


@pytest.fixture(scope="module")
def kinds(compiled_pack):  # type: ignore[no-untyped-def]
    return load_exercise(INJECT_KINDS, pack=compiled_pack)


def test_add_and_replace(kinds, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    run = play(kinds, compiled_pack, moves=1)
    (move,) = run.moves
    assert move.loaded.scenario.scenario.as_of.isoformat() == "2022-07-01"
    ch = move.changes
    assert ch.facts_added == ["asset_protection:GBR"]
    assert ch.facts_altered == ["agreement:raa-jpn-fra"]
    # GBR's forces are now covered; the Japan-France RAA is signed, no longer to be concluded
    assert ch.recommendations_removed == ["conclude-raa/FRA", "extend-asset-protection/GBR"]
    assert ch.causes["extend-asset-protection/GBR"] == ["asset_protection:GBR"]
    assert ch.causes["conclude-raa/FRA"] == ["agreement:raa-jpn-fra"]
    # the France recommendations still stand, with reasons that now say 'signed'
    assert "extend-asset-protection/FRA" in ch.recommendations_changed
    fra = move.result.recommendation("extend-asset-protection/FRA")
    assert fra is not None and "signed" in fra.justification["en"]
    # the new facts remember the inject that wrote them
    origin = move.loaded.origins["asset_protection:GBR"]
    assert (origin.location.file, origin.location.line) == (INJECT_KINDS, 27)


def test_remove_and_conditional_not_taken(kinds, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    run = play(kinds, compiled_pack)
    second = run.moves[1]
    assert [i.id for i in second.applied] == ["drop-aus", "gbr-stalls"]
    assert [i.id for i in second.skipped] == ["gbr-signed"]
    assert second.changes.facts_removed == ["asset_protection:AUS"]
    # Australia's forces are no longer covered although its RAA is signed
    assert second.changes.recommendations_added == ["extend-asset-protection/AUS"]
    assert "conclude-raa/GBR" in second.result.ids


def test_conditional_taken(kinds, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    decision = Decision("move-1", "mofa", "conclude-raa/GBR", "talks are ripe")
    run = play(kinds, compiled_pack, {"move-1": [decision]})
    second = run.moves[1]
    assert [i.id for i in second.applied] == ["drop-aus", "gbr-signed"]
    assert second.changes.facts_altered == ["agreement:raa-jpn-gbr"]
    assert "conclude-raa/GBR" in second.changes.recommendations_removed
    assert run.moves[0].decisions == [decision]


def test_an_inject_reproduces_the_papers_world(compiled_pack, korea) -> None:  # type: ignore[no-untyped-def]
    """The baseline plus the ROK government change as an inject is korea_new_gov.yaml, to the letter."""
    ex = load_exercise(str(TESTS / "korea_as_inject.yaml"), pack=compiled_pack)
    (move,) = play(ex, compiled_pack).moves
    expected = evaluate(korea, compiled_pack)
    got = move.result.to_dict()
    want = expected.to_dict()
    for d in (got, want):
        del d["scenario"]  # id, title and files name the exercise's world differently
    assert got == want
    assert move.changes.recommendations_added == [
        "bilateral-cooperation/KOR",
        "propose-framework/AUS+JPN+KOR",
    ]
    assert move.changes.risks_added == ["alienation/AUS+JPN+KOR"]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_runs_do_not_depend_on_the_order_of_facts(kinds, compiled_pack, seed: int) -> None:  # type: ignore[no-untyped-def]
    """Shuffling the starting world's facts changes nothing in what the run prints."""
    from policyengine.models.scenario import SECTIONS

    reference = render_run(play(kinds, compiled_pack), "text", "en")
    rng = random.Random(seed)
    sc = kinds.start.scenario
    shuffled = {}
    for section in SECTIONS:
        facts = list(getattr(sc, section.key))
        rng.shuffle(facts)
        shuffled[section.key] = facts
    kinds_shuffled = load_exercise(INJECT_KINDS, pack=compiled_pack)
    kinds_shuffled.start.scenario = sc.model_copy(update=shuffled)
    assert render_run(play(kinds_shuffled, compiled_pack), "text", "en") == reference


def test_shipped_expected_actions_are_recommended_where_expected(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    """On the branch each expectation is written for, the rules do recommend the expected action."""
    for path in (SEA_LANE, CARRIER):
        ex = load_exercise(path, pack=compiled_pack)
        for decided in (set(), set(ex.condition_ids())):
            decisions = {
                ex.moves[0].id: [Decision(ex.moves[0].id, ex.cell_ids()[0], d) for d in sorted(decided)]
            }
            run = play(ex, compiled_pack, decisions)
            for state in run.moves:
                for inject, e in state.expected():
                    assert e.action in state.result.ids, (path, state.move.id, inject.id, e.action)


def test_shipped_exercises_move_the_recommendations(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    for path in (SEA_LANE, CARRIER):
        ex = load_exercise(path, pack=compiled_pack)
        run = play(ex, compiled_pack)
        moved = [
            m.move.id
            for m in run.moves
            if m.changes.recommendations_added
            or m.changes.recommendations_removed
            or m.changes.recommendations_changed
        ]
        assert len(moved) >= 2, (path, moved)


def test_sea_lane_trilateral_branch(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    ex = load_exercise(SEA_LANE, pack=compiled_pack)
    took = play(ex, compiled_pack, {"move-1": [Decision("move-1", "mofa", "propose-framework/AUS+JPN+KOR")]})
    m2 = took.moves[1]
    assert [i.id for i in m2.applied] == ["trilateral-launched", "tanker-damaged"]
    assert "propose-framework/AUS+JPN+KOR" in m2.changes.recommendations_removed
    assert "elevate-cooperation/jpn-kor-aus" in m2.changes.recommendations_added
    assert "alienation/AUS+JPN+KOR" in m2.changes.risks_removed
    left = play(ex, compiled_pack)
    assert [i.id for i in left.moves[2].applied] == ["quad-maritime-exercise", "rok-turns-inward"]
    assert "bilateral-cooperation/KOR" in left.moves[2].changes.recommendations_removed
    assert "propose-framework/AUS+JPN+KOR" in left.moves[2].result.ids


def test_run_command_golden(golden) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    result = runner.invoke(cli, ["exercise", "run", SEA_LANE])
    assert result.exit_code == 0, result.output
    golden("exercise/sea_lane_crisis.run.ja.txt", result.stdout)
    result = runner.invoke(cli, ["exercise", "run", CARRIER, "--lang", "en", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    golden("exercise/carrier_group.run.en.md", result.stdout)


def test_run_decide_previews_a_branch() -> None:
    result = CliRunner().invoke(
        cli, ["exercise", "run", CARRIER, "--lang", "en", "--decide", "move-1=extend-asset-protection/GBR"]
    )
    assert result.exit_code == 0, result.output
    assert "if players decided 'extend-asset-protection/GBR' in an earlier move — applied" in result.stdout
    assert "Players' decisions (move 1)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--decide", "move-9=x"], "E501: --decide 'move-9=x': unknown move 'move-9'"),
        (["--decide", "nothing"], "E501: --decide 'nothing': write MOVE=ACTION"),
        (["--log", "x.jsonl"], "E501: --log names the log of an --interactive session"),
        (["--interactive", "--replay", "x.jsonl"], "E501: choose one of --interactive, --replay"),
        (["--interactive", "--output", "x.txt"], "E501: an interactive session prints to the terminal"),
    ],
)
def test_run_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["exercise", "run", CARRIER, *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
