"""Exercise files: the shipped ones validate; mistakes are located (FILE:LINE:COL) with hints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.cli import cli
from policyengine.errors import InputError
from policyengine.exercise.load import load_exercise
from policyengine.inputs import detect_kind

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
TESTS = Path(__file__).resolve().parent / "exercises"
SHIPPED = sorted(EXERCISES.glob("*.yaml"))


def test_two_exercises_are_shipped() -> None:
    assert [p.name for p in SHIPPED] == ["carrier_group.yaml", "sea_lane_crisis.yaml"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_exercises_validate(path: Path, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    ex = load_exercise(str(path), pack=compiled_pack)
    assert ex.start.scenario.scenario.id == "korea-new-gov"
    assert not ex.branches_truncated
    # every branch the conditions allow was applied: at least one per decision combination
    assert ex.branches_checked >= 2 ** len(ex.condition_ids())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_exercises_have_conditional_injects_both_ways(path: Path, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    ex = load_exercise(str(path), pack=compiled_pack)
    whens = [i.when for _, _, _, i in ex.injects() if i.when is not None]
    assert any(w.decided for w in whens)
    assert any(w.not_decided for w in whens)


def test_validate_command_recognises_exercises() -> None:
    path = str(TESTS / "inject_kinds.yaml")
    assert detect_kind(path) == "exercise"
    result = CliRunner().invoke(cli, ["validate", path])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"ok: {path}: exercise 'inject-kinds' from scenario 'korea-new-gov': 2 moves, "
        "5 injects (2 conditional), 2 cells; 5 branches checked (1 warning)\n"
    )
    # the event of 'gbr-stalls' is for the story: no rule reads it (W303)
    assert result.stderr.startswith(
        f"{path}:64:13: W303: inject 'gbr-stalls' changes event:gbr-talks-stall-2022 "
    )


def test_broken_exercise_is_reported_at_once_and_located() -> None:
    path = str(TESTS / "broken.yaml")
    result = CliRunner().invoke(cli, ["validate", path])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:19:9: E307: inject 'early-branch' in the first move depends on a decision, "
        "but players have decided nothing before the first move\n"
        "  hint: move the inject to a later move, or remove 'when'\n"
        f"{path}:23:14: E301: unknown cell 'mofaa'\n"
        "  hint: did you mean 'mofa'?\n"
        f"{path}:25:21: E301: unknown action 'conclude-ra' in 'conclude-ra/FRA': "
        "no rule of the rule pack recommends it\n"
        "  hint: did you mean 'conclude-raa'?\n"
        f"{path}:30:24: E306: inject 'ghost-framework' cannot remove framework 'jpn-usa-aus-ind': "
        "the world at this point has no such fact\n"
        "  hint: did you mean 'jpn-usa-aus' or 'jpn-aus-ind' or 'jpn-aus'?\n"
        f"{path}:34:11: E307: move 'move-2' is dated 2022-06-15, before the previous move\n"
        "  hint: moves advance the world's date: order them by date\n"
        f"{path}:41:15: E302: inject 'protect-usa' adds asset_protection 'USA', which the world "
        "already has\n"
        "  hint: use 'replace' to change an existing asset_protection\n"
    )


def _copy_world(tmp_path: Path) -> Path:
    (tmp_path / "scenarios").mkdir()
    for f in ("baseline_2022.yaml", "korea_new_gov.yaml"):
        shutil.copy(ROOT / "scenarios" / f, tmp_path / "scenarios" / f)
    (tmp_path / "exercises").mkdir()
    return tmp_path / "exercises"


def _write(folder: Path, text: str) -> str:
    path = folder / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


HEADER = """exercise:
  id: x
  title: {ja: x, en: x}
  scenario: ../scenarios/korea_new_gov.yaml
cells:
  - id: mofa
    name: {ja: 外務省, en: MOFA}
"""


def _errors(path: str) -> list[str]:
    with pytest.raises(InputError) as info:
        load_exercise(path)
    return [d.format() for d in info.value.diagnostics]


def test_schema_errors_are_located_with_did_you_mean(tmp_path: Path) -> None:
    folder = _copy_world(tmp_path)
    path = _write(
        folder,
        HEADER
        + """moves:
  - id: move-1
    title: {ja: a, en: a}
    date: 2022-07-01
    injects:
      - id: i1
        title: {ja: a, en: a}
        descripton: {ja: a, en: a}
        add:
          evnts: []
""",
    )
    assert _errors(path) == [
        f"{path}:13:9: E202: missing key 'description' in moves[move-1].injects[i1]\n"
        "  hint: add 'description:' to this mapping",
        f"{path}:15:9: E201: unknown key 'descripton' in moves[move-1].injects[i1]\n"
        "  hint: did you mean 'description'?",
        f"{path}:17:11: E201: unknown key 'evnts' in moves[move-1].injects[i1].add\n"
        "  hint: did you mean 'events'?",
    ]


def test_missing_scenario_is_located_at_the_scenario_key(tmp_path: Path) -> None:
    folder = _copy_world(tmp_path)
    path = _write(
        folder,
        HEADER.replace("korea_new_gov.yaml", "korea.yaml")
        + "moves:\n  - id: m\n    title: {ja: a, en: a}\n    date: 2022-07-01\n",
    )
    (message,) = _errors(path)
    assert message.startswith(f"{path}:4:13: E305: scenario '../scenarios/korea.yaml': ")
    assert message.endswith("hint: the path is relative to the exercise file")


def test_follow_up_needs_decision_and_earlier_inject(tmp_path: Path) -> None:
    folder = _copy_world(tmp_path)
    body = """moves:
  - id: m1
    title: {ja: a, en: a}
    date: 2022-07-01
  - id: m2
    title: {ja: a, en: a}
    date: 2022-08-01
    injects:
      - id: launch
        title: {ja: a, en: a}
        description: {ja: a, en: a}
        when: {decided: propose-framework/AUS+JPN+KOR}
        add:
          frameworks:
            - {id: jka, name: {ja: a, en: a}, members: [JPN, KOR, AUS], kind: minilateral,
               formal_treaty: false, status: active}
  - id: m3
    title: {ja: a, en: a}
    date: 2022-09-01
    injects:
      - id: follow-up
        title: {ja: a, en: a}
        description: {ja: a, en: a}
        when: WHEN
        remove:
          frameworks: [jka]
"""
    only_decision = _write(folder, HEADER + body.replace("WHEN", "{decided: elevate-cooperation/jka}"))
    (message,) = _errors(only_decision)
    assert "E306: inject 'follow-up' cannot remove framework 'jka'" in message
    # the branch where players decided to elevate it but never proposed it is reported
    assert "(on the branch where players decided elevate-cooperation/jka)" in message
    both = _write(
        folder, HEADER + body.replace("WHEN", "{decided: elevate-cooperation/jka, applied: launch}")
    )
    assert load_exercise(both).id == "x"
    typo = _write(folder, HEADER + body.replace("WHEN", "{decided: elevate-cooperation/jka, applied: lunch}"))
    (message,) = _errors(typo)
    assert "E301: 'applied' names 'lunch', which is not an inject of an earlier move" in message
    assert "did you mean 'launch'?" in message


@pytest.mark.parametrize(
    ("rid", "expected"),
    [
        ("conclude-raa/FRX", "E301: unknown target 'FRX' in 'conclude-raa/FRX'"),
        # typed forgivingly but naming two countries: both offered (tests/test_typed_ids.py: the rest)
        (
            "conclude-raa/Korea",
            "E301: unknown target 'Korea' in 'conclude-raa/Korea': no country, framework or grouping of "
            "the exercise\n  hint: did you mean 'conclude-raa/KOR' or 'conclude-raa/PRK'?",
        ),
        (
            "conclude-raa",
            "E204: invalid recommendation id 'conclude-raa' for 'action'\n"
            "  hint: write ACTION/TARGET, e.g. conclude-raa/GBR or propose-framework/AUS+JPN+KOR",
        ),
    ],
)
def test_recommendation_ids_are_checked(tmp_path: Path, rid: str, expected: str) -> None:
    folder = _copy_world(tmp_path)
    path = _write(
        folder,
        HEADER
        + f"""moves:
  - id: m1
    title: {{ja: a, en: a}}
    date: 2022-07-01
    injects:
      - id: i1
        title: {{ja: a, en: a}}
        description: {{ja: a, en: a}}
        expect:
          - action: {rid}
""",
    )
    (message,) = _errors(path)
    assert message.startswith(f"{path}:17:21: {expected}")
