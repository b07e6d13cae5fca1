"""policyengine diff: what changed in the world, what that changed in the conclusions, and why."""

from __future__ import annotations

import copy
import html
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.api import evaluate, load
from policyengine.cli import cli
from policyengine.diff import Cause, diff_results, diff_scenarios
from policyengine.render.diff import render_json
from worlds import shuffled

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "scenarios/baseline_2022.yaml"
KOREA = "scenarios/korea_new_gov.yaml"
KOREA_ABS = ROOT / KOREA
EVENT = "event:kor-new-government-2022"


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Paths in outputs are as given: run from the repository's top, as a user would.
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def korea_diff(baseline, korea, compiled_pack):  # type: ignore[no-untyped-def]
    return diff_scenarios(baseline, korea, compiled_pack)


def _scenario(tmp_path: Path, body: str, name: str = "changed.yaml") -> str:
    """A scenario file extending korea_new_gov.yaml, with ``body`` as its sections."""
    path = tmp_path / name
    path.write_text(
        "scenario:\n"
        "  id: changed\n"
        "  title: {ja: 変更, en: changed}\n"
        "  as_of: 2023-01-01\n"
        f"  extends: {KOREA_ABS}\n" + body,
        encoding="utf-8",
    )
    return str(path)


# -- the paper's change -------------------------------------------------------------------------


def test_the_rok_change_is_exactly_one_added_event(korea_diff) -> None:  # type: ignore[no-untyped-def]
    assert [(f.change, f.fact_id) for f in korea_diff.facts] == [("added", EVENT)]
    fact = korea_diff.facts[0]
    assert str(fact.location) == f"{ROOT / KOREA}:17:5"
    assert fact.label["en"] == "the new ROK government (May 2022)"


def test_it_brings_two_recommendations_and_the_alienation_risk(korea_diff) -> None:  # type: ignore[no-untyped-def]
    assert [(o.change, o.id) for o in korea_diff.recommendations] == [
        ("added", "bilateral-cooperation/KOR"),
        ("added", "propose-framework/AUS+JPN+KOR"),
    ]
    assert [(o.change, o.id) for o in korea_diff.risks] == [("added", "alienation/AUS+JPN+KOR")]


def test_each_change_is_linked_to_the_event(korea_diff) -> None:  # type: ignore[no-untyped-def]
    for o in (*korea_diff.recommendations, *korea_diff.risks):
        assert o.causes == (Cause(EVENT, "appeared"),), o.id
    assert [o.id for o in korea_diff.caused_by(EVENT)] == [
        "bilateral-cooperation/KOR",
        "propose-framework/AUS+JPN+KOR",
        "alienation/AUS+JPN+KOR",
    ]


def test_the_header_change_is_reported_apart_from_facts(korea_diff) -> None:  # type: ignore[no-untyped-def]
    paths = {c.path for c in korea_diff.header}
    assert {"id", "as_of", "extends"} <= paths
    assert korea_diff.old.scenario_id == "baseline-2022" and korea_diff.new.scenario_id == "korea-new-gov"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_text_output_is_golden(lang: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["diff", BASELINE, KOREA, "--lang", lang])
    assert result.exit_code == 0, result.output
    golden(f"diff/baseline_to_korea.{lang}.txt", result.output)


def test_markdown_output_is_golden(golden) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["diff", BASELINE, KOREA, "--format", "markdown", "--lang", "en"])
    assert result.exit_code == 0, result.output
    golden("diff/baseline_to_korea.en.md", result.output)


def test_json_output(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["diff", BASELINE, KOREA, "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["summary"] == {
        "facts": {"added": 1, "removed": 0, "altered": 0},
        "recommendations": {"added": 2, "removed": 0, "changed": 0},
        "risks": {"added": 1, "removed": 0, "changed": 0},
    }
    assert data["facts"][0]["new_location"] == "scenarios/korea_new_gov.yaml:17:5"
    assert data["recommendations"][0]["causes"] == [{"fact": EVENT, "how": "appeared"}]
    assert data["recommendations"][0]["new"]["id"] == "bilateral-cooperation/KOR"
    assert result.output == render_json(diff_scenarios(load(BASELINE), load(KOREA), compiled_pack))


# -- exit codes -----------------------------------------------------------------------------------


def test_exit_code_is_1_when_anything_differs() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["diff", BASELINE, KOREA, "--exit-code"]).exit_code == 1
    assert runner.invoke(cli, ["diff", BASELINE, KOREA]).exit_code == 0


def test_exit_code_is_0_when_nothing_differs() -> None:
    result = CliRunner().invoke(cli, ["diff", KOREA, KOREA, "--exit-code", "--lang", "en"])
    assert result.exit_code == 0
    assert result.output.endswith("\nNo differences.\n")


def test_bad_inputs_are_all_reported_with_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")])
    assert result.exit_code == 2
    assert result.output.count("E101: file not found") == 2
    assert "Traceback" not in result.output


# -- causes beyond evidence -----------------------------------------------------------------------


def test_a_new_fact_blocking_a_rule_is_named(tmp_path: Path, korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    path = _scenario(tmp_path, "asset_protection:\n  - partner: FRA\n    since: 2022-12-01\n")
    d = diff_scenarios(korea, load(path), compiled_pack)
    assert [(f.change, f.fact_id) for f in d.facts] == [("added", "asset_protection:FRA")]
    assert [(o.change, o.id) for o in d.recommendations] == [("removed", "extend-asset-protection/FRA")]
    assert d.recommendations[0].causes == (
        Cause(
            "asset_protection:FRA",
            "blocks",
            "extend-asset-protection",
            "absent asset_protection where partner = $partner.code (= FRA)",
        ),
    )


def test_a_removed_blocker_unblocks(tmp_path: Path, korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    path = _scenario(tmp_path, "remove:\n  asset_protection: [AUS]\n")
    d = diff_scenarios(korea, load(path), compiled_pack)
    # Australia's forces no longer protected, Japan-US-Australia is no longer the framework the RAA
    # and asset protection support, and the UK and France are not linked to it (link-partner)
    assert [(o.change, o.id) for o in d.recommendations] == [
        ("added", "extend-asset-protection/AUS"),
        ("removed", "link-partner/FRA"),
        ("removed", "link-partner/GBR"),
    ]
    (cause,) = d.recommendations[0].causes
    assert (cause.fact_id, cause.how, cause.rule) == (
        "asset_protection:AUS",
        "unblocks",
        "extend-asset-protection",
    )
    # two negations deep: the removal lets a blocker of link-partner be derived
    for removed in d.recommendations[1:]:
        (cause,) = removed.causes
        assert (cause.fact_id, cause.how, cause.rule) == (
            "asset_protection:AUS",
            "unblocks",
            "unprotected-member",
        )


def _deu_steps_back(date: str) -> str:
    """An events section: Germany restates its stance (its engagement is decreasing) on ``date``."""
    return (
        f"events:\n  - id: deu-steps-back\n    date: {date}\n    kind: policy-statement\n"
        "    country: DEU\n    stance: {indo_pacific_engagement: decreasing}\n"
    )


def test_a_blocker_of_a_derived_fact_is_found(tmp_path: Path, korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # Germany restates its stance: the rule deriving 'engaging-partner' from its recorded posture
    # is blocked, so ad hoc cooperation with Germany is no longer recommended.
    path = _scenario(tmp_path, _deu_steps_back("2022-12-02"))
    d = diff_scenarios(korea, load(path), compiled_pack)
    assert [(o.change, o.id) for o in d.recommendations] == [("removed", "adhoc-cooperation/DEU")]
    (cause,) = d.recommendations[0].causes
    assert (cause.fact_id, cause.how, cause.rule) == (
        "event:deu-steps-back",
        "blocks",
        "engaging-partner-by-posture",
    )


def test_an_event_that_has_happened_by_the_new_date_blocks(tmp_path: Path, korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # Dated after korea's as_of (2022-06-01), on or before the new world's (2023-01-01): the rule
    # reads each world's own date, so the event is the cause, not the date.
    path = _scenario(tmp_path, _deu_steps_back("2022-07-01"))
    d = diff_scenarios(korea, load(path), compiled_pack)
    (change,) = d.recommendations
    assert [(c.fact_id, c.how, c.rule) for c in change.causes] == [
        ("event:deu-steps-back", "blocks", "engaging-partner-by-posture")
    ]


def test_when_only_the_date_moved_the_fact_it_brought_into_effect_is_the_cause(
    tmp_path: Path, compiled_pack
) -> None:  # type: ignore[no-untyped-def]
    # The same file, as of two dates: Germany's restatement (2022-07-01) is not yet in effect on
    # the first and is on the second. Facts are compared as of each side's date, so the event
    # comes in with the date, and is the cause.
    event = _deu_steps_back("2022-07-01")
    before = _scenario(tmp_path, event, "before.yaml")
    text = Path(before).read_text(encoding="utf-8").replace("as_of: 2023-01-01", "as_of: 2022-06-01")
    Path(before).write_text(text, encoding="utf-8")
    after = _scenario(tmp_path, event, "after.yaml")
    d = diff_scenarios(load(before), load(after), compiled_pack)
    assert [(f.fact_id, f.change) for f in d.facts] == [("event:deu-steps-back", "added")]
    (change,) = d.recommendations
    assert (change.change, change.id) == ("removed", "adhoc-cooperation/DEU")
    assert [(c.fact_id, c.how) for c in change.causes] == [("event:deu-steps-back", "blocks")]


def test_an_altered_fact_lists_its_fields_located(tmp_path: Path, korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    path = _scenario(
        tmp_path,
        "agreements:\n  - id: raa-jpn-gbr\n    kind: raa\n    parties: [JPN, GBR]\n    status: signed\n"
        "    dates: {negotiation_started: 2021-10-07, signed: 2022-12-20}\n",
    )
    d = diff_scenarios(korea, load(path), compiled_pack)
    (fact,) = d.facts
    assert fact.change == "altered" and fact.fact_id == "agreement:raa-jpn-gbr"
    by_path = {c.path: c for c in fact.fields}
    assert (by_path["status"].old, by_path["status"].new) == ("negotiating", "signed")
    assert str(by_path["status"].location) == f"{path}:10:13"
    assert (by_path["dates.signed"].old, by_path["dates.signed"].new) == (None, "2022-12-20")
    assert {"name", "note", "source"} <= set(by_path)  # the replacing fact dropped them
    changes = {o.id: o for o in d.recommendations}
    assert changes["conclude-raa/GBR"].change == "removed"
    assert changes["extend-asset-protection/GBR"].change == "changed"
    assert [f.path for f in changes["extend-asset-protection/GBR"].fields] == [
        "justification.ja",
        "justification.en",
    ]
    for o in d.recommendations:
        assert o.causes == (Cause("agreement:raa-jpn-gbr", "altered"),), o.id


# -- properties -----------------------------------------------------------------------------------


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_the_order_of_facts_never_changes_the_diff(
    baseline, korea, compiled_pack, korea_diff, seed: int
) -> None:  # type: ignore[no-untyped-def]
    d = diff_scenarios(shuffled(baseline, seed), shuffled(korea, seed + 1), compiled_pack)
    assert render_json(d) == render_json(korea_diff)


def test_a_diff_is_the_mirror_of_the_reverse_diff(korea_diff, baseline, korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    back = diff_scenarios(korea, baseline, compiled_pack)
    flip = {"added": "removed", "removed": "added", "altered": "altered", "changed": "changed"}
    assert [(flip[f.change], f.fact_id) for f in back.facts] == [
        (f.change, f.fact_id) for f in korea_diff.facts
    ]
    assert [(flip[o.change], o.id) for o in back.recommendations] == [
        (o.change, o.id) for o in korea_diff.recommendations
    ]
    assert all(o.causes == (Cause(EVENT, "vanished"),) for o in (*back.recommendations, *back.risks))


def test_the_library_needs_no_files(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # A tabletop move: the same world with one fact changed in memory.
    fra = next(a for a in korea.scenario.agreements if a.id == "raa-jpn-fra")
    moved = copy.copy(korea)
    moved.scenario = korea.scenario.model_copy(
        update={
            "agreements": [
                a if a.id != "raa-jpn-fra" else fra.model_copy(update={"status": "in-force"})
                for a in korea.scenario.agreements
            ]
        }
    )
    d = diff_results(korea, evaluate(korea, compiled_pack), moved, evaluate(moved, compiled_pack))
    assert [(f.change, f.fact_id, [c.path for c in f.fields]) for f in d.facts] == [
        ("altered", "agreement:raa-jpn-fra", ["status"])
    ]
    assert [(o.change, o.id) for o in d.recommendations] == [
        ("removed", "conclude-raa/FRA"),
        ("changed", "extend-asset-protection/FRA"),
        ("changed", "link-partner/FRA"),
    ]


@pytest.mark.parametrize(
    ("lang", "label", "other"), [("ja", "理由：", "justification"), ("en", "justification:", "理由")]
)
def test_a_changed_recommendations_fields_are_named_in_the_outputs_language(  # type: ignore[no-untyped-def]
    tmp_path: Path, korea, compiled_pack, lang: str, label: str, other: str
) -> None:
    from policyengine.render.diff import render

    path = _scenario(
        tmp_path, "agreements:\n  - {id: raa-jpn-gbr, kind: raa, parties: [JPN, GBR], status: signed}\n"
    )
    d = diff_scenarios(korea, load(path), compiled_pack)
    assert "extend-asset-protection/GBR" in {o.id for o in d.recommendations if o.change == "changed"}
    for fmt, shown in (("text", label), ("markdown", f"**{label}**"), ("html", f"<strong>{label}</strong>")):
        out = render(d, fmt, lang)
        assert shown in out and other not in out, fmt


def test_the_default_view_names_facts_and_ids_are_shown_on_request(  # type: ignore[no-untyped-def]
    tmp_path: Path, korea, compiled_pack
) -> None:
    """Issue 16: the reader sees "the SDF's asset protection for France's forces", not
    ``asset_protection:FRA``; ``--ids`` (and JSON) keep the ids."""
    from policyengine.render.diff import render

    path = _scenario(
        tmp_path,
        "asset_protection:\n  - {partner: FRA, since: 2022-12-01, basis: 自衛隊法第95条の2}\n",
    )
    d = diff_scenarios(korea, load(path), compiled_pack)
    names = (("en", "the SDF's asset protection for France's forces"), ("ja", "フランスの部隊への"))
    for lang, name in names:
        for fmt in ("text", "markdown", "html"):
            plain = html.unescape(render(d, fmt, lang)) if fmt == "html" else render(d, fmt, lang)
            assert name in plain and "asset_protection:FRA" not in plain, (lang, fmt)
            assert "asset_protection:FRA" in render(d, fmt, lang, show_ids=True), (lang, fmt)
    assert "asset_protection:FRA" in render(d, "json", "en")


def test_diff_offers_every_document_format(tmp_path: Path) -> None:
    """A backend added to render/backends is a format of diff (html included), HTML escaped."""
    from policyengine.cli import document_formats

    for fmt in document_formats():
        result = CliRunner().invoke(cli, ["diff", BASELINE, KOREA, "--format", fmt, "--lang", "en"])
        assert result.exit_code == 0, (fmt, result.output)
    html = CliRunner().invoke(cli, ["diff", BASELINE, KOREA, "--format", "html", "--lang", "en"]).output
    assert html.startswith("<!DOCTYPE html>") and "Japan&#x27;s interest" in html
