"""evaluate: a plain-language 'because' line per outcome and a sources section, each passage once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.api import evaluate
from policyengine.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_every_outcome_has_a_because_line_in_both_languages(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(korea, compiled_pack)
    for o in [*result.recommendations, *result.risks]:
        for lang in ("ja", "en"):
            line = o.because[lang]
            assert line and "\n" not in line and "{" not in line and "$" not in line, o.id
        text = o.justification if hasattr(o, "justification") else o.message
        assert o.because["en"] != text["en"]


def test_because_says_which_conditions_held(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(korea, compiled_pack)
    gbr = result.recommendation("extend-asset-protection/GBR")
    assert gbr is not None
    assert gbr.because["en"] == (
        "the United Kingdom's RAA with Japan (the Japan-UK Reciprocal Access Agreement) is under "
        "negotiation; the United Kingdom's forces are not covered by the SDF's asset protection"
    )
    assert gbr.because["ja"] == (
        "英国と日本の円滑化協定（日英円滑化協定）は交渉中；英国の部隊は自衛隊による武器等防護の対象外"
    )
    quad = result.recommendation("elevate-cooperation/quad")
    assert quad is not None and "5 areas a framework covers" in quad.because["en"]


def test_sources_list_every_cited_passage_once_with_its_rules(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(korea, compiled_pack)
    quotes = [p.quote for p in result.sources]
    assert len(quotes) == len(set(quotes))
    cited = {
        (c.quote, r) for o in [*result.recommendations, *result.risks] for c in o.sources for r in o.rules
    }
    listed = {(p.quote, r) for p in result.sources for r in p.rules}
    # every outcome's own citation is there, and so are the rules deriving the facts it rests on
    for quote, _ in cited:
        assert quote in quotes
    assert "raa-partner" in {r for p in result.sources for r in p.rules}
    assert all(r in {x.id for x in compiled_pack.rules} for _, r in listed)
    # a rule that fired for nothing the outcomes rest on is not listed
    assert "keep-informal-proposal-risk" not in {r for p in result.sources for r in p.rules}
    order = [x.id for x in compiled_pack.rules]
    firsts = [order.index(p.rules[0]) for p in result.sources]
    assert firsts == sorted(firsts)


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_evaluate_text_is_the_golden_file(at_root, golden, lang: str) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        cli, ["evaluate", "scenarios/korea_new_gov.yaml", "--rules", "rules", "--lang", lang]
    )
    assert result.exit_code == 0
    golden(f"evaluate/korea_new_gov.{lang}.txt", result.output)


def test_evaluate_markdown_is_the_golden_file(at_root, golden) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        cli, ["evaluate", "scenarios/korea_new_gov.yaml", "--format", "markdown", "--lang", "en", "--ids"]
    )
    assert result.exit_code == 0
    golden("evaluate/korea_new_gov.ids.en.md", result.output)


def test_evaluate_says_what_the_reference_world_lacked(at_root) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    own = runner.invoke(cli, ["evaluate", "scenarios/korea_new_gov.yaml", "--lang", "en"]).output
    head = "\n".join(own.splitlines()[:25])
    assert "Bottom line" in head
    assert "New: Propose a new minilateral framework" in head  # the ROK change's headline
    base = runner.invoke(cli, ["evaluate", "scenarios/baseline_2022.yaml", "--lang", "en"]).output
    assert "What is new or gone" not in base  # it extends nothing
    back = runner.invoke(
        cli,
        [
            "evaluate",
            "scenarios/baseline_2022.yaml",
            "--against",
            "scenarios/korea_new_gov.yaml",
            "--lang",
            "en",
        ],
    ).output
    assert "Gone: Propose a new minilateral framework" in back


def test_evaluate_in_japanese_puts_the_rok_change_in_the_first_screen(at_root) -> None:  # type: ignore[no-untyped-def]
    own = CliRunner().invoke(cli, ["evaluate", "scenarios/korea_new_gov.yaml", "--lang", "ja"]).output
    head = "\n".join(own.splitlines()[:25])
    assert "結論" in head
    assert "（時点：2022年6月1日）" in head and "シナリオ：" in head  # Japanese typography
    assert "該当条件：" in own and "該当条件: " not in own and "出典: " not in own
    assert "新たに：関心を共有する国々で新たなミニラテラルの枠組みを提案する：日本・豪州・韓国" in head


@pytest.mark.parametrize(
    ("n", "key", "lang", "said"),
    [
        (1, "briefing.passages", "en", "one passage of the paper"),
        (2, "briefing.passages", "en", "two passages of the paper"),
        (7, "briefing.facts", "en", "seven facts"),
        (1, "briefing.facts", "en", "one fact"),
        (12, "briefing.facts", "en", "12 facts"),
        (1, "briefing.passages", "ja", "論文の1箇所"),
        (12, "briefing.facts", "ja", "事実12件"),
    ],
)
def test_counts_are_said_in_words(n: int, key: str, lang: str, said: str) -> None:
    from policyengine.render.evaluate import counted

    assert counted(n, key, lang) == said


def test_evaluate_json_and_markdown_carry_because_and_sources(at_root) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    data = json.loads(
        runner.invoke(cli, ["evaluate", "scenarios/korea_new_gov.yaml", "--format", "json"]).output
    )
    assert all(set(r["because"]) == {"ja", "en"} for r in data["recommendations"] + data["risks"])
    assert data["sources"] and all(
        set(s) == {"document", "section", "quote", "translation", "rules"} for s in data["sources"]
    )
    md = runner.invoke(
        cli, ["evaluate", "scenarios/korea_new_gov.yaml", "--format", "markdown", "--lang", "en"]
    ).output
    assert "**Because:**" in md and "**Justification:**" in md and "## Sources" in md
