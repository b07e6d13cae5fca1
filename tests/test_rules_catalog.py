"""rules list and rules show: what a pack holds, rule by rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import rules_by_id
from policyengine.cli import cli
from policyengine.ruletools.catalog import show_rule

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


def test_list_names_every_rule_in_pack_order(at_root, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["rules", "list", "--rules", "rules", "--format", "json"])
    assert result.exit_code == 0
    rules = json.loads(result.output)["rules"]
    assert [r["id"] for r in rules] == [r.id for r in compiled_pack.rules]
    by_id = {r["id"]: r for r in rules}
    assert by_id["raa-partner"]["produces"] == ["derive raa-partner"]
    assert by_id["link-partner"]["stratum"] == 2
    assert by_id["alienation-risk"]["produces"] == ["risk alienation"]
    # where the rule starts, whatever line that is today
    assert rules_by_id(by_id["conclude-raa"]["location"]) == "rules/paper.yaml#conclude-raa"


def test_list_text_is_the_golden_file(at_root, golden) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["rules", "list", "--rules", "rules", "--lang", "en"])
    assert result.exit_code == 0
    golden("rules/list.en.txt", result.output)


@pytest.mark.parametrize(
    ("rule", "fmt", "lang"),
    [
        ("link-partner", "text", "en"),
        ("extend-asset-protection", "text", "ja"),
        ("activate-mechanisms", "markdown", "en"),
        ("link-technology-cooperation", "text", "ja"),
        ("strengthen-defense-posture", "markdown", "ja"),
    ],
)
def test_show_is_the_golden_file(at_root, golden, rule: str, fmt: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        cli, ["rules", "show", rule, "--rules", "rules", "--format", fmt, "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    golden(f"rules/show-{rule}.{lang}.{'md' if fmt == 'markdown' else 'txt'}", result.output)


def test_show_knows_what_feeds_a_rule_and_what_it_feeds(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    link = show_rule(compiled_pack, "link-partner")
    assert link.depends_on == [
        "raa-partner",
        "engaging-partner-by-posture",
        "engaging-partner-by-event",
        "non-ally-member",
        "unprotected-member",
        "elevate-cooperation",
    ]
    elevate = show_rule(compiled_pack, "elevate-cooperation")
    # matched by action: the rules asking for 'link-technology-cooperation' do not use it
    assert elevate.used_by == ["link-partner", "keep-informal-risk"]


def test_show_json_lists_the_also_passages_under_source(at_root) -> None:  # type: ignore[no-untyped-def]
    args = ["rules", "show", "elevate-cooperation", "--rules", "rules", "--format", "json"]
    source = json.loads(CliRunner().invoke(cli, args).output)["source"]
    assert source["quote"] == "日本は日米豪やクアッドといった既存のミニラテラルな協力をさらに推進する"
    assert source["also"][1] == "日本はまた、クアッドの協力をさらに発展させていく必要がある"
    assert len(source["also"]) == 2
    args = ["rules", "show", "conclude-raa", "--rules", "rules", "--format", "json"]
    assert "also" not in json.loads(CliRunner().invoke(cli, args).output)["source"]


def test_show_an_unknown_rule_exits_2_with_did_you_mean(at_root) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["rules", "show", "conclude-rea", "--rules", "rules"])
    assert result.exit_code == 2
    assert (
        result.output
        == "E501: no rule 'conclude-rea' in pack 'minilateral-2022'\n  hint: did you mean 'conclude-raa'?\n"
    )
