"""Signposts: watched conditions, which have tripped, and what tripping the others would change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.api import load
from policyengine.cli import cli
from policyengine.errors import InputError
from policyengine.signposts import check_signposts, make_true, watch_signposts

ROOT = Path(__file__).resolve().parents[1]
SIGNPOSTS = "scenarios/signposts_2022.yaml"
KOREA_ABS = ROOT / "scenarios" / "korea_new_gov.yaml"


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def report(compiled_pack):  # type: ignore[no-untyped-def]
    return check_signposts(load(str(ROOT / SIGNPOSTS)), compiled_pack)


def _effects(report):  # type: ignore[no-untyped-def]
    out = {}
    for s in report.signposts:
        if s.effect is None:
            out[s.signpost.id] = None
            continue
        out[s.signpost.id] = (
            s.how,
            [(o.change, o.id) for o in s.effect.recommendations],
            [(o.change, o.id) for o in s.effect.risks],
        )
    return out


def test_which_signposts_have_tripped(report) -> None:  # type: ignore[no-untyped-def]
    assert [(s.signpost.id, s.tripped) for s in report.signposts] == [
        ("fra-asset-protection", False),
        ("jpn-aus-kor-framework", False),
        ("kor-stronger-engagement", True),
        ("raa-fra-in-force", False),
        ("raa-gbr-abandoned", False),
    ]
    tripped = next(s for s in report.signposts if s.tripped)
    assert [(f, str(loc)) for f, loc in tripped.matches] == [
        ("event:kor-new-government-2022", f"{KOREA_ABS}:17:5")
    ]


def test_what_each_would_turn_on_or_off(report) -> None:  # type: ignore[no-untyped-def]
    assert _effects(report) == {
        "fra-asset-protection": ("add", [("removed", "extend-asset-protection/FRA")], []),
        "jpn-aus-kor-framework": (
            "assume",
            [("removed", "propose-framework/AUS+JPN+KOR")],
            [("removed", "alienation/AUS+JPN+KOR")],
        ),
        "kor-stronger-engagement": None,
        "raa-fra-in-force": (
            "set",
            [
                ("removed", "conclude-raa/FRA"),
                ("changed", "extend-asset-protection/FRA"),
                ("changed", "link-partner/FRA"),
            ],
            [],
        ),
        "raa-gbr-abandoned": (
            "remove",
            [
                ("added", "adhoc-cooperation/GBR"),
                ("removed", "conclude-raa/GBR"),
                ("removed", "extend-asset-protection/GBR"),
                ("removed", "link-partner/GBR"),
            ],
            [],
        ),
    }


def test_every_effect_names_the_facts_the_signpost_changes(report) -> None:  # type: ignore[no-untyped-def]
    for s in report.signposts:
        if s.effect is None:
            continue
        changed = {f.fact_id for f in s.effect.facts}
        for o in (*s.effect.recommendations, *s.effect.risks):
            assert o.causes and {c.fact_id for c in o.causes} <= changed, (s.signpost.id, o.id)


def test_text_output_is_golden(golden) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["signposts", SIGNPOSTS, "--lang", "en"])
    assert result.exit_code == 0, result.output
    golden("signposts/signposts_2022.en.txt", result.output)


def test_exit_code_when_tripped() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["signposts", SIGNPOSTS, "--exit-code"]).exit_code == 1
    data = json.loads(runner.invoke(cli, ["signposts", SIGNPOSTS, "--format", "json"]).output)
    raa = next(s for s in data["signposts"] if s["id"] == "raa-fra-in-force")
    assert raa["effect"]["turns_off"] == ["conclude-raa/FRA"]
    assert raa["effect"]["changes"] == ["extend-asset-protection/FRA", "link-partner/FRA"]


def test_a_scenario_without_signposts() -> None:
    result = CliRunner().invoke(
        cli, ["signposts", "scenarios/korea_new_gov.yaml", "--lang", "en", "--exit-code"]
    )
    assert result.exit_code == 0
    assert result.output.endswith("This scenario defines no signposts.\n")


# -- bad signposts ----------------------------------------------------------------------------------


def _write(tmp_path: Path, signposts: str) -> str:
    path = tmp_path / "watch.yaml"
    path.write_text(
        "scenario:\n  id: watch\n  title: {ja: 監視, en: watch}\n  as_of: 2022-06-01\n"
        f"  extends: {KOREA_ABS}\nsignposts:\n" + signposts,
        encoding="utf-8",
    )
    return str(path)


def test_watch_conditions_are_checked_like_rules(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  - id: a\n    name: {ja: a, en: a}\n    watch: {fact: agrement, where: {id: raa-jpn-fra}}\n"
        "  - id: b\n    name: {ja: b, en: b}\n    watch: {fact: agreement, where: {stauts: in-force}}\n"
        "  - id: c\n    name: {ja: c, en: c}\n    watch: {fact: agreement, where: {status: inforce}}\n",
    )
    result = CliRunner().invoke(cli, ["validate", path])
    assert result.exit_code == 2
    assert result.output == (
        f"{path}:9:19: E401: signpost 'a': unknown fact kind 'agrement'\n"
        "  hint: did you mean 'agreement' or 'event'?\n"
        f"{path}:12:38: E401: signpost 'b': 'agreement' facts have no field 'stauts'\n"
        "  hint: did you mean 'status'?\n"
        f"{path}:15:46: E403: signpost 'c': 'inforce' is never a value of 'agreement.status': "
        "the test can never match\n"
        "  hint: did you mean 'in-force'?\n"
    )


def test_a_condition_that_cannot_be_made_true_without_assume(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  - id: d\n    name: {ja: d, en: d}\n"
        "    watch: {fact: framework, where: {member_key: AUS+JPN+KOR}}\n",
    )
    loaded = load(path)
    (w,) = watch_signposts(loaded)
    with pytest.raises(InputError) as err:
        make_true(w, loaded)
    (d,) = err.value.diagnostics
    assert d.code == "E307"
    assert "does not name one framework by its 'id'" in d.message
    assert str(d.location) == f"{path}:7:5"


def test_assume_must_make_the_condition_true(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  - id: e\n    name: {ja: e, en: e}\n    watch: {fact: asset_protection, where: {partner: FRA}}\n"
        "    assume:\n      asset_protection:\n        - {partner: GBR, since: 2022-06-01}\n",
    )
    with pytest.raises(InputError) as err:
        check_signposts(load(path))
    assert err.value.codes == ["E307"]
    assert "do not make the watched condition true" in err.value.diagnostics[0].message


def test_signpost_quotes_occur_in_the_paper() -> None:
    from policyengine.loading.sources import load_source

    paper = load_source(ROOT.parent / "shared" / "seed" / "000_cd568db34d9aead0.txt")
    loaded = load(str(ROOT / SIGNPOSTS))
    quotes = [s.source.quote for s in loaded.scenario.signposts if s.source is not None and s.source.quote]
    assert len(quotes) == 4
    for quote in quotes:
        assert paper.contains(quote), quote
