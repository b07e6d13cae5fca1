"""W303: ``validate`` warns about an inject whose fact changes move no recommendation or risk on
any branch (tests/exercises/inert_inject.yaml); ``--strict`` makes the warning fail."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from policyengine.cli import cli
from policyengine.exercise.lint import exercise_warnings
from policyengine.exercise.load import load_exercise

TESTS = Path(__file__).resolve().parent / "exercises"
ROOT = Path(__file__).resolve().parents[1]
INERT = str(TESTS / "inert_inject.yaml")


def _warned(path: str, pack) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.format() for d in exercise_warnings(load_exercise(path, pack=pack), pack)]


def test_only_the_inject_that_changes_nothing_warns(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # not warned: 'briefing' (no fact change), 'setup' ('engage' in move-2 needs it), 'engage'
    # (changes recommendations), 'gbr-signed' (changes them on the one branch it applies on)
    assert _warned(INERT, compiled_pack) == [
        f"{INERT}:21:13: W303: inject 'story-only' changes event:harassment-2022 but no recommendation "
        "or risk where it applies (1 checked): the rules do not read what it changes\n"
        "  hint: change a field the rules read (rules/paper.yaml; `policyengine explain` shows a "
        "recommendation's evidence), or, if its facts only set the scene, mark it 'story: true'"
    ]


def _variant(tmp_path: Path, old: str, new: str) -> str:
    text = Path(INERT).read_text(encoding="utf-8").replace("../../scenarios", str(ROOT / "scenarios"))
    assert old in text
    path = tmp_path / "x.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return str(path)


def test_a_fact_that_matters_only_through_a_later_inject_warns_without_it(  # type: ignore[no-untyped-def]
    tmp_path: Path, compiled_pack
) -> None:
    # 'engage' gives France's statement a description instead of a stance: nothing reads either
    path = _variant(
        tmp_path,
        "              stance: {indo_pacific_engagement: increasing}",
        "              description: {ja: 声明, en: A statement}",
    )
    assert [w.split("\n")[0].split(": ", 2)[2] for w in _warned(path, compiled_pack)] == [
        "inject 'story-only' changes event:harassment-2022 but no recommendation or risk where it "
        "applies (1 checked): the rules do not read what it changes",
        "inject 'setup' changes event:fra-statement-2022 but no recommendation or risk where it "
        "applies (1 checked): the rules do not read what it changes",
        "inject 'engage' changes event:fra-statement-2022 but no recommendation or risk where it "
        "applies (1 checked): the rules do not read what it changes",
    ]


def test_an_inject_marked_story_does_not_warn(tmp_path: Path, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    path = _variant(tmp_path, "      - id: story-only\n", "      - id: story-only\n        story: true\n")
    assert _warned(path, compiled_pack) == []


def test_the_shipped_exercises_validate_without_warnings(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    for name in ("sea_lane_crisis.yaml", "carrier_group.yaml"):
        assert _warned(str(ROOT / "exercises" / name), compiled_pack) == [], name


def test_validate_prints_w303_and_strict_fails() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", INERT])
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("5 branches checked (1 warning)\n")
    assert f"{INERT}:21:13: W303: inject 'story-only'" in result.stderr
    strict = runner.invoke(cli, ["validate", "--strict", INERT])
    assert strict.exit_code == 2
    assert "W303" in strict.stderr and "1 warning under --strict" in strict.stderr


def test_an_exercise_whose_injects_all_matter_validates_quietly() -> None:
    result = CliRunner().invoke(cli, ["validate", "--strict", str(TESTS / "update_inject.yaml")])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
