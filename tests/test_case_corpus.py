"""The case corpus itself: it covers every rule both ways, and its checks can fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from casefiles import (
    CASES,
    CaseFailure,
    ErrorCase,
    RuleCase,
    case_files,
    check_rule_case,
    read_case_file,
    run_error_case,
)


def _rule_cases() -> list[RuleCase]:
    out: list[RuleCase] = []
    for path in case_files():
        cases = read_case_file(path)
        if not isinstance(cases, ErrorCase):
            out.extend(cases)
    return out


def test_every_rule_has_a_case_where_it_fires_and_one_where_it_must_not(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    fired: set[str] = set()
    held_back: set[str] = set()
    for case in _rule_cases():
        fired |= set(case.case.expect.fired)
        held_back |= set(case.case.expect.not_fired)
    rules = {r.id for r in compiled_pack.rules}
    assert sorted(rules - fired) == [], "rules without a case where they fire"
    assert sorted(rules - held_back) == [], "rules without a near miss (a case where they must not fire)"


def test_every_rule_has_its_own_case_file(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    for r in compiled_pack.rules:
        path = CASES / f"{r.id}.yaml"
        assert path.is_file(), f"no case file for rule {r.id}"
        assert read_case_file(path) and path.read_text(encoding="utf-8").count(f"about: {r.id}\n") == 1


def test_error_cases_cover_every_rule_pack_error_code() -> None:
    codes = set()
    for path in sorted((CASES / "errors").glob("*.yaml")):
        case = read_case_file(path)
        assert isinstance(case, ErrorCase), path
        codes |= {e.code for e in case.errors}
    assert {"E401", "E402", "E403", "E404", "E405"} <= codes


# -- the checks can fail, and say where -----------------------------------------------------------

KOREA = Path(__file__).resolve().parents[1] / "scenarios" / "korea_new_gov.yaml"


def _case(tmp_path: Path, text: str) -> RuleCase:
    path = tmp_path / "case.yaml"
    path.write_text(text.replace("KOREA", str(KOREA)), encoding="utf-8")
    cases = read_case_file(path)
    assert isinstance(cases, list)
    return cases[0]


def test_a_wrong_expectation_fails_naming_what_is_wrong(tmp_path, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    case = _case(
        tmp_path,
        """\
cases:
  - name: wrong on purpose
    extends: KOREA
    expect:
      present: [conclude-raa/AUS]
      absent: [conclude-raa/GBR]
      risks_absent: [keep-informal/quad]
      fired: {conclude-raa: [conclude-raa/AUS]}
      not_fired: {raa-partner: ["raa-partner(country=GBR)"]}
""",
    )
    with pytest.raises(CaseFailure) as caught:
        check_rule_case(case, compiled_pack)
    assert str(caught.value).splitlines()[:5] == [
        "- recommendation conclude-raa/AUS is missing",
        "- recommendation conclude-raa/GBR should not be made",
        "- risk keep-informal/quad should not be raised",
        "- rule conclude-raa did not produce conclude-raa/AUS",
        "- rule raa-partner produced raa-partner(country=GBR)",
    ]


def test_an_expectation_naming_nothing_that_exists_fails(tmp_path, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # else a typo in 'absent' or 'not_fired' would pass for nothing
    case = _case(
        tmp_path,
        """\
cases:
  - name: typos
    extends: KOREA
    expect:
      absent: [conclude-ra/GBR]
      not_fired: {extend-asset-protection: [conclude-raa/GBR], raa-partners: any}
""",
    )
    with pytest.raises(CaseFailure) as caught:
        check_rule_case(case, compiled_pack)
    assert str(caught.value).splitlines() == [
        "the case names things that cannot exist:",
        "- no rule makes recommendation 'conclude-ra' (in conclude-ra/GBR)",
        "- rule extend-asset-protection never produces conclude-raa (in conclude-raa/GBR)",
        "- no rule 'raa-partners' in the pack",
    ]


def test_an_error_case_with_the_wrong_location_fails(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = (CASES / "errors" / "unknown-field.yaml").read_text(encoding="utf-8")
    path = tmp_path / "moved.yaml"
    path.write_text(source.replace('at: "16:17"', 'at: "16:18"'), encoding="utf-8")
    case = read_case_file(path)
    assert isinstance(case, ErrorCase)
    with pytest.raises(CaseFailure, match="does not start with"):
        run_error_case(case)
