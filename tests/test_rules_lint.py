"""rules lint: the shipped pack is clean; each seeded defect (tests/packs/broken_*.yaml) is found.

Each broken pack is a copy of tests/packs/clean.yaml with one defect, so a finding must point
at the line where the copy differs (except where it names the rule as a whole).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.cli import cli
from policyengine.errors import CODES, InputError
from policyengine.loading.sources import load_source
from policyengine.ruletools.lint import lint_pack

ROOT = Path(__file__).resolve().parents[1]
PACKS = ROOT / "tests" / "packs"
PAPER = ROOT.parent / "shared" / "seed" / "000_cd568db34d9aead0.txt"
SCENARIOS = [str(p) for p in sorted((ROOT / "scenarios").glob("*.yaml"))]

#: broken pack -> the codes lint must report for it, and nothing else
BROKEN: dict[str, set[str]] = {
    "broken_quote.yaml": {"E406"},
    "broken_also.yaml": {"E406"},
    "broken_never_fires.yaml": {"L101"},
    "broken_unknown_field.yaml": {"E401"},
    "broken_unused_derived.yaml": {"L102"},
    "broken_negation_cycle.yaml": {"E405"},
    "broken_duplicate_id.yaml": {"E302"},
    "broken_translation.yaml": {"L103"},
    "broken_template.yaml": {"E404"},
    "broken_section.yaml": {"L104"},
    "broken_document.yaml": {"L105"},
    "broken_holes.yaml": {"L106"},
    "broken_yaml.yaml": {"E110"},
    "broken_shape.yaml": {"E202"},
}
#: packs whose finding names a whole rule, or that are not copies of clean.yaml
NOT_AT_THE_CHANGED_LINE = {"broken_never_fires.yaml", "broken_negation_cycle.yaml", "broken_shape.yaml"}


@pytest.fixture(scope="module")
def paper():  # type: ignore[no-untyped-def]
    assert PAPER.is_file(), f"the source paper is missing: {PAPER}"
    return load_source(PAPER)


def test_every_broken_pack_is_listed() -> None:
    assert {p.name for p in PACKS.glob("broken_*.yaml")} == set(BROKEN)


def test_every_lint_code_is_registered() -> None:
    for codes in BROKEN.values():
        assert codes <= set(CODES)


def _changed_line(broken: Path) -> int:
    clean = (PACKS / "clean.yaml").read_text(encoding="utf-8").splitlines()[2:]
    body = broken.read_text(encoding="utf-8").splitlines()[1:]  # after the one comment line
    clean[1] = body[1]  # the pack's own id
    for tag, _, _, j1, _ in difflib.SequenceMatcher(a=clean, b=body).get_opcodes():
        if tag != "equal":
            return j1 + 2
    raise AssertionError(f"{broken.name} does not differ from clean.yaml")


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_seeded_defect_is_found_where_it_is(name: str, paper) -> None:  # type: ignore[no-untyped-def]
    path = PACKS / name
    report = lint_pack(str(path), paper, SCENARIOS)
    assert {d.code for d in report.findings} == BROKEN[name], [d.format() for d in report.findings]
    for d in report.findings:
        assert d.location is not None and d.location.file.endswith(name)
        assert d.location.line > 0 and d.location.column > 0
    if name not in NOT_AT_THE_CHANGED_LINE and name != "broken_yaml.yaml":
        assert {d.location.line for d in report.findings if d.location} == {_changed_line(path)}


def test_the_base_of_the_broken_packs_is_clean(paper) -> None:  # type: ignore[no-untyped-def]
    assert lint_pack(str(PACKS / "clean.yaml"), paper, SCENARIOS).findings == []


def test_the_shipped_pack_lints_clean(paper) -> None:  # type: ignore[no-untyped-def]
    report = lint_pack(str(ROOT / "rules"), paper, SCENARIOS)
    assert report.findings == [] and report.notes == []
    assert report.rules == 27 and len(report.scenarios) == len(SCENARIOS)


def test_the_scenario_set_is_an_option(paper) -> None:  # type: ignore[no-untyped-def]
    baseline = [s for s in SCENARIOS if s.endswith("baseline_2022.yaml")]
    report = lint_pack(str(ROOT / "rules"), paper, baseline)
    unfired = {d.message.split("'")[1] for d in report.findings}
    assert {d.code for d in report.findings} == {"L101"}
    # what only the ROK's new government brings, and the what-ifs' caution, launch and revival
    assert unfired == {
        "engaging-partner-by-event",
        "bilateral-cooperation",
        "propose-framework",
        "revive-framework",
        "alienation-risk",
        "alienation-launch-risk",
        "keep-informal-proposal-risk",
    }


def test_a_broken_pack_still_gets_every_other_check(tmp_path: Path, paper) -> None:  # type: ignore[no-untyped-def]
    text = (PACKS / "broken_shape.yaml").read_text(encoding="utf-8")
    text += (PACKS / "broken_quote.yaml").read_text(encoding="utf-8").split("rules:\n", 1)[1]
    pack = tmp_path / "two.yaml"
    pack.write_text(text.replace("  - id: raa-partner\n", "  - id: raa-partner-2\n"), encoding="utf-8")
    report = lint_pack(str(pack), paper, SCENARIOS)
    assert {d.code for d in report.findings} == {"E202", "E406"}


def test_an_also_passage_of_another_section_is_found_at_its_item(tmp_path: Path, paper) -> None:  # type: ignore[no-untyped-def]
    text = (PACKS / "clean.yaml").read_text(encoding="utf-8")
    item = "        - 2022年1月に日豪の首脳が署名した「円滑化協定」\n"
    elsewhere = "        - 三カ国の頭文字をとって「AUKUS」と名付けられたこの枠組み\n"
    assert text.count(item) == 1
    pack = tmp_path / "pack.yaml"
    pack.write_text(text.replace(item, elsewhere), encoding="utf-8")
    (finding,) = lint_pack(str(pack), paper, SCENARIOS).findings
    assert finding.code == "L104" and finding.location is not None
    assert (finding.location.line, finding.location.column) == (17, 11)
    assert finding.message == (
        "rule 'raa-partner': 'also' passage 1 is in section 'ミニラテラリズムの意義と役割', "
        "not '日本への含意'"
    )


def test_no_pack_at_all_is_bad_input(paper) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as err:
        lint_pack("no/such/pack.yaml", paper, SCENARIOS)
    assert err.value.codes == ["E101"]


# -- the command -------------------------------------------------------------------------------


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


def test_cli_clean_pack_exits_0(at_root) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["rules", "lint", "--rules", "rules", "--source", str(PAPER)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "ok: rules: no findings (27 rules, 7 scenarios, source 000_cd568db34d9aead0.txt)\n"
    )


def test_cli_findings_exit_1_with_located_lines(at_root, golden) -> None:  # type: ignore[no-untyped-def]
    args = ["rules", "lint", "--rules", "tests/packs/broken_template.yaml", "--source", str(PAPER)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    golden("lint/broken_template.txt", result.output)


def test_cli_json(at_root) -> None:  # type: ignore[no-untyped-def]
    args = [
        "rules",
        "lint",
        "--rules",
        "tests/packs/broken_quote.yaml",
        "--source",
        str(PAPER),
        "--format",
        "json",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["clean"] is False and data["rules"] == 2
    (finding,) = data["findings"]
    assert finding["code"] == "E406" and finding["file"] == "tests/packs/broken_quote.yaml"
    assert finding["line"] == 34 and "the source has the quote up to" in finding["hint"]


def test_cli_without_a_source_says_so(at_root, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("policyengine.loading.sources.default_paper_path", lambda: None)
    result = CliRunner().invoke(cli, ["rules", "lint", "--rules", "rules"])
    assert result.exit_code == 2
    assert "no source text" in result.output and "--source FILE" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["rules", "lint", "--rules", "rules", "--source", "no/such/paper.txt"],
        ["rules", "lint", "--rules", "no/such/pack.yaml", "--source", str(PAPER)],
        ["rules", "lint", "--rules", "rules", "--source", str(PAPER), "--scenarios", "no/such.yaml"],
    ],
)
def test_cli_missing_inputs_exit_2(at_root, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "E101" in result.output and "Traceback" not in result.output
