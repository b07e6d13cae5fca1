"""policyengine check: expectations guard the conclusions in CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.cli import cli

ROOT = Path(__file__).resolve().parents[1]
BROKEN = "tests/expectations/broken_on_baseline.yaml"


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _check(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["check", *args])


@pytest.mark.parametrize("name", ["baseline_2022", "korea_new_gov", "world_2025"])
def test_the_shipped_expectations_hold(name: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = _check(f"scenarios/{name}.yaml", "--expect", f"expectations/{name}.yaml", "--lang", "en")
    assert result.exit_code == 0, result.output
    golden(f"check/{name}.ok.txt", result.output)


def test_verbose_lists_every_expectation(golden) -> None:  # type: ignore[no-untyped-def]
    result = _check(
        "scenarios/korea_new_gov.yaml", "--expect", "expectations/korea_new_gov.yaml", "-v", "--lang", "en"
    )
    assert result.exit_code == 0
    golden("check/korea_new_gov.verbose.txt", result.output)


def test_broken_expectations_are_named_with_why(golden) -> None:  # type: ignore[no-untyped-def]
    result = _check("scenarios/baseline_2022.yaml", "--expect", BROKEN, "--lang", "en")
    assert result.exit_code == 1
    golden("check/broken_on_baseline.txt", result.output)


def test_the_report_speaks_japanese_whole(golden) -> None:  # type: ignore[no-untyped-def]
    result = _check("scenarios/baseline_2022.yaml", "--expect", BROKEN, "--lang", "ja")
    assert result.exit_code == 1
    golden("check/broken_on_baseline.ja.txt", result.output)
    # the frame as well as the reasons; ok/FAIL and the last line's FAILED: stay, for CI logs
    for english in ("must be", "not recommended", "note:", "why:", "priority", "expectations broken"):
        assert english not in result.output
    assert result.output.splitlines()[-1].startswith("FAILED: ")
    passed = _check("scenarios/korea_new_gov.yaml", "--expect", "expectations/korea_new_gov.yaml", "-v")
    assert passed.exit_code == 0
    assert passed.output.splitlines()[-1] == "ok: 31件の期待はすべて満たされている"
    data = json.loads(
        _check(
            "scenarios/korea_new_gov.yaml", "--expect", "expectations/korea_new_gov.yaml", "--format", "json"
        ).output
    )
    messages = {f["id"]: f["message"] for f in data["findings"]}
    assert messages["conclude-raa/GBR"] == "推奨されている（優先度：高）"
    assert messages["extend-asset-protection/AUS"] == "推奨されていない"


def test_json_report() -> None:
    result = _check("scenarios/baseline_2022.yaml", "--expect", BROKEN, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["passed"] is False
    assert data["summary"] == {"expectations": 7, "broken": 5}
    assert [(f["id"], f["ok"]) for f in data["findings"]] == [
        ("elevate-cooperation/quad", True),
        ("bilateral-cooperation/KOR", False),
        ("conclude-raa/GBR", False),
        ("extend-asset-protection/GBR", False),
        ("conclude-raa/AUS", True),
        ("alienation/AUS+JPN+KOR", False),
        ("keep-informal/quad", False),
    ]
    assert data["findings"][1]["location"] == f"{BROKEN}:7:5"


def test_exhaustive_forbids_what_is_not_listed(tmp_path: Path) -> None:
    path = tmp_path / "few.yaml"
    path.write_text(
        "expectations: {exhaustive: true}\nrecommended:\n  - {id: conclude-raa/GBR}\n", encoding="utf-8"
    )
    result = _check("scenarios/baseline_2022.yaml", "--expect", str(path), "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    unexpected = [f for f in json.loads(result.output)["findings"] if f["expectation"] == "exhaustive"]
    assert len(unexpected) == 20  # 19 other recommendations and 1 risk
    assert all(f["location"] == f"{path}:1:28" for f in unexpected)
    assert unexpected[0]["reasons"][0].startswith(
        "made by rule activate-mechanisms from Japan-US-ROK"
    )


def test_expectations_for_another_scenario_are_refused() -> None:
    result = _check("scenarios/baseline_2022.yaml", "--expect", "expectations/korea_new_gov.yaml")
    assert result.exit_code == 2
    assert result.output == (
        "expectations/korea_new_gov.yaml:10:13: E307: these expectations are for scenario "
        "'korea-new-gov', not 'baseline-2022' (scenarios/baseline_2022.yaml)\n"
        "  hint: check the scenario they were written for, or change 'scenario:'\n"
    )


def test_bad_expectations_files_are_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "expectations: {}\n"
        "recommended:\n"
        "  - {id: conclude-raa/GBR, priorty: high}\n"
        "  - {id: conclude-raa/GBR}\n"
        "not_recommended:\n"
        "  - {id: conclude-raa/GBR}\n",
        encoding="utf-8",
    )
    result = _check("scenarios/baseline_2022.yaml", "--expect", str(path))
    assert result.exit_code == 2
    assert (
        result.output == f"{path}:3:28: E201: unknown key 'priorty' in recommended[conclude-raa/GBR]\n"
        "  hint: did you mean 'priority'?\n"
    )
    path.write_text(
        "expectations: {}\n"
        "recommended:\n"
        "  - {id: conclude-raa/GBR}\n"
        "  - {id: conclude-raa/GBR}\n"
        "not_recommended:\n"
        "  - {id: conclude-raa/GBR}\n",
        encoding="utf-8",
    )
    result = _check("scenarios/baseline_2022.yaml", "--expect", str(path))
    assert result.exit_code == 2
    assert result.output == (
        f"{path}:4:5: E302: 'conclude-raa/GBR' is listed twice in 'recommended' (first at line 3)\n"
        f"{path}:6:5: E307: 'conclude-raa/GBR' is listed both in 'recommended' (line 3) "
        "and in 'not_recommended'\n"
        "  hint: an outcome cannot be both expected and ruled out\n"
    )


def test_ids_are_checked_against_the_rules_and_the_scenario(tmp_path: Path) -> None:
    path = tmp_path / "typos.yaml"
    path.write_text(
        "expectations: {}\n"
        "not_recommended:\n"
        "  - {id: extend-asset-protecton/GBR}\n"
        "  - {id: conclude-raa/GRB}\n"
        "  - {id: propose-framework/JPN+AUS+KOR}\n"
        "  - {id: extend-asset-protection/UK}\n"
        "no_risks:\n"
        "  - {id: alienaton/AUS+JPN+KOR}\n",
        encoding="utf-8",
    )
    result = _check("scenarios/baseline_2022.yaml", "--expect", str(path))
    assert result.exit_code == 2
    assert result.output == (
        f"{path}:3:5: E301: no rule of pack 'minilateral-2022' recommends 'extend-asset-protecton' "
        "(in 'extend-asset-protecton/GBR')\n"
        "  hint: did you mean 'extend-asset-protection'?\n"
        f"{path}:4:5: E301: unknown target 'GRB' in 'conclude-raa/GRB': not a country, framework or A+B "
        "grouping of scenario 'baseline-2022'\n"
        "  hint: did you mean 'GBR'?\n"
        # JPN+AUS+KOR and UK are read as AUS+JPN+KOR and GBR (tests/test_typed_ids.py)
        f"{path}:8:5: E301: no rule of pack 'minilateral-2022' raises 'alienaton' "
        "(in 'alienaton/AUS+JPN+KOR')\n"
        "  hint: did you mean 'alienation'?\n"
    )


def test_a_missing_file_is_reported_with_the_scenario_errors(tmp_path: Path) -> None:
    result = _check(str(tmp_path / "none.yaml"), "--expect", str(tmp_path / "none-either.yaml"))
    assert result.exit_code == 2
    assert result.output.count("E101: file not found") == 2
