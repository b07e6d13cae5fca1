"""The command line through click's CliRunner: exact output, streams and exit codes.

Exit codes (DESIGN.md): 0 success; 2 bad input or usage, with a located message and never a
traceback; 3 an internal error, one line, the traceback only with --debug.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from policyengine import __version__
from policyengine.cli import cli
from policyengine.models.schema import json_schema
from policyengine.render.common import to_json

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline_2022.yaml"
KOREA = ROOT / "scenarios" / "korea_new_gov.yaml"
PACK = ROOT / "rules" / "paper.yaml"

SMALL = """\
scenario: {id: small, title: {ja: 小, en: Small}, as_of: 2022-05-10}
countries:
  - {code: JPN, name: {ja: 日本, en: Japan}, region: indo-pacific, alignment: us-ally,
     indo_pacific_engagement: steady}
  - {code: AUS, name: {ja: 豪州, en: Australia}, region: indo-pacific, alignment: us-ally,
     indo_pacific_engagement: steady}
"""
BROKEN = """\
scenario: {id: broken, title: {ja: 壊, en: Broken}, as_of: 2022-05-10}
countries:
  - code: JPN
    name: {ja: 日本, en: Japan}
    region: asia
    alignment: us-ally
    indo_pacific_engagement: steady
"""
BROKEN_REPORT = (
    "broken.yaml:5:13: E204: invalid value 'asia' for 'region'\n"
    "  hint: valid values of 'region': extra-regional, indo-pacific\n"
)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="policyengine")


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with a small valid scenario and a broken one."""
    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ----------------------------------------------------------------------------- the group


def test_version() -> None:
    result = invoke("--version")
    assert (result.exit_code, result.stdout) == (0, f"policyengine, version {__version__}\n")


def test_help_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    listed = result.stdout.split("Commands:\n", 1)[1]
    for name in cli.commands:
        assert f"  {name} " in listed


@pytest.mark.parametrize("name", ["validate", "schema", "matrix", "evaluate"])
def test_command_help(name: str) -> None:
    result = invoke(name, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: policyengine {name} [OPTIONS]")


def test_unknown_command() -> None:
    result = invoke("evalute")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Usage: policyengine [OPTIONS] COMMAND [ARGS]...\n"
        "Try 'policyengine --help' for help.\n\n"
        "Error: No such command 'evalute'. (Did you mean one of: 'evaluate', 'validate'?)\n"
    )


def test_unknown_option() -> None:
    result = invoke("validate", "--pedantic", str(BASELINE))
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: policyengine validate [OPTIONS] FILES...\n"
        "Try 'policyengine validate --help' for help.\n\n"
        "Error: No such option '--pedantic'.\n"
    )


def test_invalid_choice() -> None:
    result = invoke("matrix", str(KOREA), "--format", "pdf")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


# ----------------------------------------------------------------------------- validate


def test_validate_ok(files: Path) -> None:
    result = invoke("validate", "small.yaml")
    assert result.exit_code == 0
    assert result.stdout == (
        "ok: small.yaml: scenario 'small' as of 2022-05-10: 2 countries, 0 frameworks, 0 agreements, "
        "0 asset-protection partners, 0 interests, 0 events, 0 capabilities\n"
    )
    assert result.stderr == ""


def test_validate_reports_a_scenario_too_large_to_evaluate_as_evaluate_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from policyengine.engine import runtime

    # korea_new_gov makes 227 view facts of every kind, 223 of the kinds the default pack reads:
    # only these count, as in evaluate
    monkeypatch.setattr(runtime, "MAX_VIEW_FACTS", 223)
    assert invoke("validate", str(KOREA)).exit_code == 0
    monkeypatch.setattr(runtime, "MAX_VIEW_FACTS", 222)
    validated = invoke("validate", str(KOREA), str(BASELINE))
    evaluated = invoke("evaluate", str(KOREA))
    assert validated.exit_code == evaluated.exit_code == 2
    assert validated.stderr == evaluated.stderr
    # located at the scenario's header (line 9, column 3, of the file given)
    assert validated.stderr.startswith(f"{KOREA}:9:3: E308: the scenario makes 223 facts for the rules ")
    assert validated.stdout.startswith(f"ok: {BASELINE}: ")  # the other files are still checked


def test_validate_shipped_files() -> None:
    result = invoke("validate", str(BASELINE), str(KOREA), str(PACK))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"ok: {BASELINE}: scenario 'baseline-2022' as of 2022-05-09: ")
    assert lines[1].startswith(f"ok: {KOREA}: scenario 'korea-new-gov' as of 2022-06-01: ")
    assert lines[1].endswith(f", extends {BASELINE}")
    assert lines[2].startswith(f"ok: {PACK}: rule pack 'minilateral-2022': ")
    assert len(lines) == 3


def test_validate_broken_file(files: Path) -> None:
    result = invoke("validate", "broken.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == BROKEN_REPORT
    assert "Traceback" not in result.output


def test_validate_reports_every_file(files: Path) -> None:
    result = invoke("validate", "small.yaml", "broken.yaml", "missing.yaml", "small.yaml")
    assert result.exit_code == 2
    assert (
        result.stdout.splitlines()
        == [
            "ok: small.yaml: scenario 'small' as of 2022-05-10: 2 countries, 0 frameworks, 0 agreements, "
            "0 asset-protection partners, 0 interests, 0 events, 0 capabilities"
        ]
        * 2
    )
    assert result.stderr == BROKEN_REPORT + "missing.yaml: E101: file not found\n  hint: check the path\n"


def test_validate_needs_a_file() -> None:
    result = invoke("validate")
    assert result.exit_code == 2
    assert "Missing argument 'FILES...'" in result.stderr


def test_validate_a_file_of_unknown_kind(files: Path) -> None:
    (files / "other.yaml").write_text("scenaro: {}\n", encoding="utf-8")
    result = invoke("validate", "other.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "other.yaml:1:1: E114: not a policyengine file: no top-level 'scenario:', 'pack:', 'expectations:'"
        " or 'exercise:' section\n"
        "  hint: did you mean 'scenario'?\n"
    )


# ----------------------------------------------------------------------------- schema


@pytest.mark.parametrize("kind", ["scenario", "rules"])
def test_schema(kind: str) -> None:
    result = invoke("schema", "--kind", kind)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema(kind)
    assert result.stdout == to_json(json_schema(kind))


def test_schema_default_is_scenario() -> None:
    assert invoke("schema").stdout == invoke("schema", "--kind", "scenario").stdout


def test_schema_output(files: Path) -> None:
    result = invoke("schema", "--output", "scenario.schema.json")
    assert (result.exit_code, result.stdout) == (0, "")
    assert (files / "scenario.schema.json").read_text(encoding="utf-8") == invoke("schema").stdout


def test_output_into_a_missing_folder(files: Path) -> None:
    result = invoke("schema", "--output", "nowhere/scenario.schema.json")
    assert result.exit_code == 2
    assert result.stderr == (
        "nowhere/scenario.schema.json: E101: the output folder 'nowhere' does not exist\n"
        "  hint: create the folder first, or write somewhere else\n"
    )


# ----------------------------------------------------------------------------- matrix and --output


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown", "html"])
def test_matrix_output_matches_stdout(files: Path, fmt: str) -> None:
    shown = invoke("matrix", str(KOREA), "--format", fmt)
    written = invoke("matrix", str(KOREA), "--format", fmt, "--output", f"table.{fmt}")
    assert shown.exit_code == written.exit_code == 0
    assert written.stdout == ""
    assert (files / f"table.{fmt}").read_text(encoding="utf-8") == shown.stdout
    assert sorted(os.listdir(files)) == sorted(["small.yaml", "broken.yaml", f"table.{fmt}"]), (
        "no temporary files"
    )


def test_failed_command_leaves_the_output_file_alone(files: Path) -> None:
    (files / "table.txt").write_text("the previous table\n", encoding="utf-8")
    result = invoke("matrix", "broken.yaml", "--output", "table.txt")
    assert result.exit_code == 2
    assert result.stderr == BROKEN_REPORT
    assert (files / "table.txt").read_text(encoding="utf-8") == "the previous table\n"
    assert sorted(os.listdir(files)) == ["broken.yaml", "small.yaml", "table.txt"]


def test_matrix_of_a_broken_scenario(files: Path) -> None:
    result = invoke("matrix", "broken.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", BROKEN_REPORT)


def test_matrix_of_a_missing_file(files: Path) -> None:
    result = invoke("matrix", "missing.yaml")
    assert result.exit_code == 2
    assert result.stderr == "missing.yaml: E101: file not found\n  hint: check the path\n"


# ----------------------------------------------------------------------------- evaluate


def test_evaluate_json() -> None:
    result = invoke("evaluate", str(KOREA), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["scenario"]["id"] == "korea-new-gov"
    assert data["scenario"]["as_of"] == "2022-06-01"
    ids = [r["id"] for r in data["recommendations"]]
    assert ids == sorted(ids) and ids
    assert "extend-asset-protection/GBR" in ids
    assert isinstance(data["risks"], list)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_evaluate_text_and_output(files: Path, lang: str) -> None:
    shown = invoke("evaluate", str(KOREA), "--lang", lang)
    written = invoke("evaluate", str(KOREA), "--lang", lang, "--output", "report.txt")
    assert shown.exit_code == written.exit_code == 0
    assert "extend-asset-protection/GBR" in shown.stdout
    assert (files / "report.txt").read_text(encoding="utf-8") == shown.stdout


def test_evaluate_broken_scenario(files: Path) -> None:
    result = invoke("evaluate", "broken.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", BROKEN_REPORT)


# ----------------------------------------------------------------------------- internal errors


def _break_build_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("policyengine.matrix.build_matrix", boom)


def test_internal_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    _break_build_matrix(monkeypatch)
    monkeypatch.delenv("POLICYENGINE_DEBUG", raising=False)
    result = invoke("matrix", str(KOREA))
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (
        "policyengine: internal error: RuntimeError: boom (run with --debug for the traceback)\n"
    )


def test_internal_error_with_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    _break_build_matrix(monkeypatch)
    result = invoke("--debug", "matrix", str(KOREA))
    assert result.exit_code == 3
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert "RuntimeError: boom\nsecond line\n" in result.stderr
    assert result.stderr.endswith(
        "policyengine: internal error: RuntimeError: boom (run with --debug for the traceback)\n"
    )


def test_debug_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    _break_build_matrix(monkeypatch)
    monkeypatch.setenv("POLICYENGINE_DEBUG", "1")
    result = invoke("matrix", str(KOREA))
    assert result.exit_code == 3
    assert "Traceback (most recent call last):" in result.stderr


def test_interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("policyengine.matrix.build_matrix", interrupted)
    result = invoke("matrix", str(KOREA))
    assert (result.exit_code, result.stderr) == (130, "policyengine: interrupted\n")


def test_evaluate_says_when_the_world_it_extends_does_not_stand_alone(tmp_path: Path) -> None:
    # a part of a world: it removes a country that its frameworks still name, and only the file
    # extending it declares the country again
    part = tmp_path / "part.yaml"
    part.write_text(
        "scenario:\n  id: part\n  title: {ja: 部分, en: part}\n  as_of: 2022-06-01\n"
        f"  extends: {BASELINE}\nremove:\n  countries: [GBR]\n",
        encoding="utf-8",
    )
    gbr = BASELINE.read_text(encoding="utf-8").split("  - code: GBR\n", 1)[1].split("\n  - code:", 1)[0]
    world = tmp_path / "world.yaml"
    world.write_text(
        "scenario:\n  id: whole\n  title: {ja: 全体, en: whole}\n  as_of: 2022-06-01\n  extends: part.yaml\n"
        "countries:\n  - code: GBR\n" + gbr + "\n",
        encoding="utf-8",
    )
    alone = invoke("validate", str(part))
    assert alone.exit_code == 2 and "E30" in alone.stderr
    result = invoke("evaluate", str(world), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    where, code = alone.stderr.splitlines()[0].split(": ")[:2]
    words = " ".join(result.stdout.split())  # the text is wrapped
    assert f"Not compared: {part} does not load on its own ({code} at {where}, and " in words
    assert "conclude-raa/GBR" in result.stdout
    ja = "".join(invoke("evaluate", str(world)).stdout.split())
    assert f"比較できない：{part}は単独では読み込めない（{where}：{code}、ほか" in ja
    # a world the user names with --against is the answer asked for: its errors are reported
    named = invoke("evaluate", str(world), "--against", str(part))
    assert named.exit_code == 2 and named.stderr.startswith(alone.stderr.splitlines()[0])
