"""rules coverage over the real paper: which sentences of 日本への含意 the rules encode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.cli import cli
from policyengine.loading.sources import SECTIONS, load_source, squash
from policyengine.ruletools.coverage import coverage
from policyengine.validation.rulepack import load_rule_pack

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT.parent / "shared" / "seed" / "000_cd568db34d9aead0.txt"


@pytest.fixture(scope="module")
def paper():  # type: ignore[no-untyped-def]
    assert PAPER.is_file(), f"the source paper is missing: {PAPER}"
    return load_source(PAPER)


@pytest.fixture(scope="module")
def report(paper):  # type: ignore[no-untyped-def]
    return coverage(load_rule_pack(str(ROOT / "rules")), paper)


def test_the_sentences_are_the_whole_section_in_order(paper, report) -> None:  # type: ignore[no-untyped-def]
    body = paper.without_headers
    section = body[body.find(squash("以上を踏まえると")) :]
    assert "".join(s.text for s in report.sentences) == section
    assert all(s.text.endswith("。") for s in report.sentences)
    assert [s.index for s in report.sentences] == list(range(1, len(report.sentences) + 1))
    assert len(report.sentences) == 24


def test_every_rule_citing_the_implications_cites_a_sentence_there(report) -> None:  # type: ignore[no-untyped-def]
    pack = load_rule_pack(str(ROOT / "rules"))
    citing = {r for s in report.sentences for r in s.rules}
    by_section = {lr.rule.id: lr.rule.source.section for lr in pack.rules}
    assert citing == {rid for rid, sec in by_section.items() if sec == SECTIONS[1]}
    assert {r for r, _ in report.elsewhere} == {rid for rid, sec in by_section.items() if sec == SECTIONS[0]}
    assert report.unplaced == []


def test_which_sentences_are_encoded(report) -> None:  # type: ignore[no-untyped-def]
    by_index = {s.index: s.rules for s in report.sentences}
    assert by_index[5] == ["conclude-raa", "extend-asset-protection"]
    assert by_index[15] == ["propose-framework", "revive-framework"]
    assert by_index[8] == ["soft-cooperation", "expand-to-hard-security"]
    assert by_index[10] == ["joint-capacity-building"]
    # every sentence is encoded: 15 by a rule's main quote, 9 by a passage under 'also' only
    assert report.uncovered == []
    assert report.covered == 24
    also = {s.index: s.also for s in report.sentences if s.also}
    assert also == {
        2: ["elevate-cooperation", "joint-capacity-building"],
        3: ["link-partner"],
        7: ["elevate-cooperation"],
        9: ["soft-cooperation", "expand-to-hard-security"],
        11: ["activate-mechanisms"],
        12: ["activate-mechanisms"],
        13: ["revive-framework"],
        17: ["link-technology-cooperation"],
        18: ["link-technology-cooperation"],
        19: ["link-technology-cooperation"],
        21: ["strengthen-defense-posture"],
    }
    assert all(set(s.also) <= set(s.rules) for s in report.sentences)


def test_every_also_passage_of_the_shipped_pack_is_in_its_section(paper) -> None:  # type: ignore[no-untyped-def]
    pack = load_rule_pack(str(ROOT / "rules"))
    passages = [(lr.rule.id, lr.rule.source.section, t) for lr in pack.rules for t in lr.rule.source.also]
    assert len(passages) == 15
    for rid, section, text in passages:
        assert paper.contains(text), (rid, text)
        assert paper.section_of(text) == section, (rid, text)


ORIGINAL = "英国やフランスとは現在円滑化協定の締結に向けた交渉が進められている"
ALSO = "2022年1月に日豪の首脳が署名した「円滑化協定」"  # raa-partner's 'also' in clean.yaml


def _pack(tmp_path: Path, quote: str, also: list[str] | None = None) -> str:
    """tests/packs/clean.yaml with the quote of its rule conclude-raa replaced, and 'also' given."""
    text = (ROOT / "tests" / "packs" / "clean.yaml").read_text(encoding="utf-8")
    old = f"      quote: {ORIGINAL}\n    when:\n      - match: raa-partner"
    assert old in text
    new = old.replace(ORIGINAL, quote)
    if also is not None:
        new = new.replace(
            "\n    when:", "\n      also:\n" + "".join(f"        - {t}\n" for t in also) + "    when:"
        )
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return str(path)


def test_an_also_passage_cites_its_sentence_marked_as_also(paper) -> None:  # type: ignore[no-untyped-def]
    report = coverage(load_rule_pack(str(ROOT / "tests" / "packs" / "clean.yaml")), paper)
    cited = {s.index: (s.rules, s.also) for s in report.sentences if s.rules}
    assert cited == {3: (["raa-partner"], ["raa-partner"]), 5: (["raa-partner", "conclude-raa"], [])}


def test_a_sentence_cited_by_both_quote_and_also_is_a_main_citation(tmp_path: Path, paper) -> None:  # type: ignore[no-untyped-def]
    # the quote is part of sentence 5; 'also' names sentence 5's other half and sentence 7
    also = [
        "現在は米軍や豪州軍に対して行われている",
        "日本はまた、クアッドの協力をさらに発展させていく必要がある",
    ]
    report = coverage(load_rule_pack(_pack(tmp_path, ORIGINAL, also)), paper)
    by_index = {s.index: (s.rules, s.also) for s in report.sentences if "conclude-raa" in s.rules}
    assert by_index == {5: (["raa-partner", "conclude-raa"], []), 7: (["conclude-raa"], ["conclude-raa"])}


def test_also_passages_elsewhere_and_missing_are_reported(tmp_path: Path, paper) -> None:  # type: ignore[no-untyped-def]
    elsewhere = "三カ国の頭文字をとって「AUKUS」と名付けられたこの枠組み"
    assert paper.section_of(elsewhere) == SECTIONS[0], "the test needs a passage of the first part"
    report = coverage(load_rule_pack(_pack(tmp_path, ORIGINAL, [elsewhere, "論文にない文", ALSO])), paper)
    assert report.elsewhere == [("conclude-raa", SECTIONS[0])]
    assert report.unplaced == ["conclude-raa"]
    assert [s.index for s in report.sentences if "conclude-raa" in s.also] == [3]


def test_a_quote_across_a_sentence_end_cites_both_sentences(tmp_path: Path, paper) -> None:  # type: ignore[no-untyped-def]
    report = coverage(load_rule_pack(_pack(tmp_path, "いくことが重要である。日本はまた、クアッド")), paper)
    assert [s.index for s in report.sentences if "conclude-raa" in s.rules] == [6, 7]


def test_a_quote_the_paper_lacks_is_unplaced(tmp_path: Path, paper) -> None:  # type: ignore[no-untyped-def]
    report = coverage(load_rule_pack(_pack(tmp_path, "論文にない文")), paper)
    assert report.unplaced == ["conclude-raa"]
    assert all("conclude-raa" not in s.rules for s in report.sentences)


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.mark.parametrize(
    ("fmt", "lang", "name"), [("text", "en", "coverage.en.txt"), ("markdown", "ja", "coverage.ja.md")]
)
def test_cli_output_is_the_golden_file(at_root, golden, fmt: str, lang: str, name: str) -> None:  # type: ignore[no-untyped-def]
    args = ["rules", "coverage", "--rules", "rules", "--source", str(PAPER), "--format", fmt, "--lang", lang]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    golden(f"rules/{name}", result.output)


def test_cli_json(at_root) -> None:  # type: ignore[no-untyped-def]
    args = ["rules", "coverage", "--rules", "rules", "--source", str(PAPER), "--format", "json"]
    result = CliRunner().invoke(cli, args)
    data = json.loads(result.output)
    assert data["total"] == 24 and data["covered"] == 24 and data["uncovered"] == []
    assert data["sentences"][8] == {
        "index": 9,
        "text": data["sentences"][8]["text"],
        "rules": ["soft-cooperation", "expand-to-hard-security"],
        "also": ["soft-cooperation", "expand-to-hard-security"],
    }
    assert data["sentences"][7]["also"] == []


def test_cli_without_a_source_says_so(at_root, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("policyengine.loading.sources.default_paper_path", lambda: None)
    result = CliRunner().invoke(cli, ["rules", "coverage"])
    assert result.exit_code == 2 and "no source text" in result.output
