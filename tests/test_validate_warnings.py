"""validate's warnings (W codes): printed, exit 0; --strict makes them errors (exit 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.api import evaluate
from policyengine.cli import cli

ROOT = Path(__file__).resolve().parents[1]
KOREA = ROOT / "scenarios" / "korea_new_gov.yaml"

FUTURE = """\
scenario:
  id: dated-after
  title: {{ja: 未来の日付, en: dated after as_of}}
  as_of: 2022-12-01
  extends: {korea}

asset_protection:
  - {{partner: GBR, since: 2023-06-01}}
"""


@pytest.fixture
def future(tmp_path: Path) -> str:
    path = tmp_path / "future.yaml"
    path.write_text(FUTURE.format(korea=KOREA), encoding="utf-8")
    return str(path)


def test_a_warning_is_printed_and_the_file_passes(future: str) -> None:
    result = CliRunner().invoke(cli, ["validate", future])
    assert result.exit_code == 0, result.output
    assert f"{future}:8:27: W302: asset_protection:GBR is dated 2023-06-01 (since)" in result.output
    assert f"ok: {future}: scenario 'dated-after'" in result.output
    assert result.output.rstrip().endswith("(1 warning)")


def test_strict_makes_warnings_errors(future: str) -> None:
    result = CliRunner().invoke(cli, ["validate", "--strict", future])
    assert result.exit_code == 2, result.output
    assert "W302" in result.output
    assert f"failed: {future}: 1 warning under --strict" in result.output
    assert "ok:" not in result.output


def test_the_shipped_scenarios_have_no_warnings() -> None:
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    result = CliRunner().invoke(cli, ["validate", "--strict", *files])
    assert result.exit_code == 0, result.output
    assert " W3" not in result.output


def test_the_future_fact_does_not_count_until_its_date(future: str) -> None:
    assert "extend-asset-protection/GBR" in evaluate(future).ids
    assert "extend-asset-protection/GBR" not in evaluate(future, as_of=dt.date(2023, 6, 1)).ids


def test_a_fact_dated_on_as_of_is_in_effect_and_does_not_warn(tmp_path: Path) -> None:
    path = tmp_path / "on.yaml"
    path.write_text(FUTURE.format(korea=KOREA).replace("2023-06-01", "2022-12-01"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--strict", str(path)])
    assert result.exit_code == 0, result.output
    assert "W302" not in result.output
    assert "extend-asset-protection/GBR" not in evaluate(str(path)).ids
