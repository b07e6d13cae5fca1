"""The whatif, sensitivity and sweep commands through click: exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from policyengine.cli import cli

KOREA = "scenarios/korea_new_gov.yaml"
VARY = "variations/korea_new_gov.yaml"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_whatif_text_reads_as_plain_language(run, golden, lang: str) -> None:  # type: ignore[no-untyped-def]
    result = run("whatif", KOREA, "extend-asset-protection/FRA", "--lang", lang)
    assert result.exit_code == 0, result.output
    golden(f"whatif/extend-asset-protection-FRA.{lang}.txt", result.output)


def test_whatif_markdown(run, golden) -> None:  # type: ignore[no-untyped-def]
    result = run("whatif", KOREA, "propose-framework/AUS+JPN+KOR", "--format", "markdown", "--lang", "en")
    assert result.exit_code == 0, result.output
    golden("whatif/propose-framework.en.md", result.output)


def test_whatif_html_is_the_same_document(run, golden) -> None:  # type: ignore[no-untyped-def]
    result = run("whatif", KOREA, "extend-asset-protection/FRA", "--format", "html", "--lang", "en")
    assert result.exit_code == 0, result.output
    golden("whatif/extend-asset-protection-FRA.en.html", result.output)


COMMANDS = [("whatif", KOREA, "extend-asset-protection/FRA"), ("sensitivity", KOREA)]


@pytest.mark.parametrize("command", COMMANDS)
def test_whatif_and_sensitivity_offer_every_document_format(  # type: ignore[no-untyped-def]
    run, command: tuple[str, ...]
) -> None:
    """A backend added to render/backends is a format of whatif and sensitivity."""
    from policyengine.cli import document_formats

    for fmt in document_formats():
        result = run(*command, "--format", fmt, "--lang", "en")
        assert result.exit_code == 0 and result.output.strip(), (fmt, result.output)


def test_whatif_json_names_every_change_with_its_file_and_line(run) -> None:  # type: ignore[no-untyped-def]
    result = run("whatif", KOREA, "propose-framework/AUS+JPN+KOR", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["outcome"] == {
        "id": "propose-framework/AUS+JPN+KOR",
        "kind": "recommendation",
        "present": True,
    }
    assert data["question"] == "disappear" and data["search"]["stopped_early"] is None
    removed = next(
        a
        for a in data["answers"]
        if a["changes"][0]["fact"] == "event:kor-new-government-2022" and a["changes"][0]["op"] == "remove"
    )
    assert removed["changes"][0]["location"] == "scenarios/korea_new_gov.yaml:17:5"
    assert removed["sentence"]["en"].startswith("If the new ROK government (May 2022) had not happened")
    assert removed["also_lost"] == ["bilateral-cooperation/KOR"]
    added = next(
        a
        for a in data["answers"]
        if a["changes"][0]["op"] == "add" and a["changes"][0]["fact"].startswith("framework:")
    )
    assert added["changes"][0]["location"] is None
    assert added["changes"][0]["value"]["members"] == ["JPN", "AUS", "KOR"]
    assert all(a["verified"] for a in data["answers"])


def test_whatif_output_is_byte_identical_run_to_run(run) -> None:  # type: ignore[no-untyped-def]
    first = run("whatif", KOREA, "link-partner/GBR", "--format", "json").output
    assert run("whatif", KOREA, "link-partner/GBR", "--format", "json").output == first


def test_whatif_bad_recommendation_is_exit_2_with_a_hint(run) -> None:  # type: ignore[no-untyped-def]
    result = run("whatif", KOREA, "extend-asset-protection-FRA")
    assert result.exit_code == 2
    assert "E501: 'extend-asset-protection-FRA' is not a recommendation id" in result.output
    result = run("whatif", KOREA, "extend-asset-protections/FRA")
    assert result.exit_code == 2
    assert "did you mean 'extend-asset-protection/FRA'" in result.output


def test_sensitivity_text(run, golden) -> None:  # type: ignore[no-untyped-def]
    result = run("sensitivity", KOREA, "--lang", "en")
    assert result.exit_code == 0, result.output
    golden("whatif/sensitivity.en.txt", result.output)


def test_sensitivity_json_and_markdown(run) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("sensitivity", KOREA, "--format", "json").output)
    top = data["facts"][0]
    assert top["fact"] == "country:JPN" and len(top["carries"]) == 19
    assert data["single_points_of_failure"]["conclude-raa/GBR"] == [
        "agreement:raa-jpn-gbr",
        "country:GBR",
        "country:JPN",
    ]
    md = run("sensitivity", KOREA, "--format", "markdown", "--lang", "en").output
    assert md.startswith(
        "# Which facts carry which recommendations: The world after the new ROK government (May 2022)"
        " stepped up its Indo-Pacific engagement (as of 1 June 2022)\n"
    )
    row = "| `conclude-raa/GBR` | the Japan-UK Reciprocal Access Agreement; the United Kingdom; Japan |"
    assert row in md
    ids = run("sensitivity", KOREA, "--format", "markdown", "--lang", "en", "--ids").output
    assert "| `conclude-raa/GBR` | `agreement:raa-jpn-gbr`, `country:GBR`, `country:JPN` |" in ids
    assert "Japan (`country:JPN`)" in ids


def test_sweep_writes_results_and_prints_the_summary(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    result = run(
        "sweep",
        KOREA,
        "--vary",
        VARY,
        "--sample",
        "5",
        "--seed",
        "4",
        "--output",
        str(out),
        "--quiet",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["variants"] == {
        "space": 7776,
        "selected": 5,
        "sample_seed": 4,
        "done": 5,
        "valid": 5,
        "invalid": 0,
        "interrupted": False,
    }
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6


def test_sweep_summary_text(run) -> None:  # type: ignore[no-untyped-def]
    result = run("sweep", KOREA, "--vary", VARY, "--sample", "4", "--quiet", "--lang", "en")
    assert result.exit_code == 0
    assert result.output.startswith(
        "Sweep korea-new-gov-variations over scenario korea-new-gov\n"
        "Variants evaluated: 4 of 4 (of 7776 combinations; 0 invalid)\n"
        "random sample (seed 0)\n"
    )


def test_sweep_rejects_bad_input_with_exit_2(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("sweep", KOREA, "--vary", VARY, "--output", str(tmp_path / "r.txt"), "--quiet")
    assert result.exit_code == 2 and "name it .csv or .jsonl" in result.output
    bad = tmp_path / "v.yaml"
    bad.write_text(
        "sweep: {id: x, title: {ja: x, en: x}}\ndimensions:\n  - {id: a, fact: country:KRO, "
        "field: alignment, values: [us-ally]}\n",
        encoding="utf-8",
    )
    result = run("sweep", KOREA, "--vary", str(bad), "--quiet")
    assert result.exit_code == 2
    assert f"{bad}:3:19: E701: unknown fact 'country:KRO'" in result.output
    assert "did you mean 'country:KOR'" in result.output
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_whatif_says_changes_in_words_and_gives_ids_when_asked(run, lang: str) -> None:  # type: ignore[no-untyped-def]
    plain = run("whatif", KOREA, "extend-asset-protection/FRA", "--lang", lang).output
    assert "asset_protection:FRA" not in plain and "agreement:raa-jpn-fra" not in plain
    assert "scenarios/baseline_2022.yaml:728:5" in plain  # where the changed fact is written
    ids = run("whatif", KOREA, "extend-asset-protection/FRA", "--lang", lang, "--ids").output
    assert "+ asset_protection:FRA" in ids and "- agreement:raa-jpn-fra" in ids
