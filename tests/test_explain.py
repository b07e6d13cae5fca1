"""explain: derivation trees for what was recommended, why-not for what was not.

Golden files (tests/golden/explain/) pin the exact output; refresh them with
``python -m pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.cli import cli
from policyengine.engine.trace import Tracer
from policyengine.errors import InputError
from policyengine.explain import explain_outcome, trace_of
from policyengine.explain.nodes import Application, FactNode, WhyNot
from policyengine.loading.sources import load_source
from worlds import shuffled

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT.parent / "shared" / "seed" / "000_cd568db34d9aead0.txt"
KOREA = "scenarios/korea_new_gov.yaml"
BASELINE = "scenarios/baseline_2022.yaml"

GOLDEN_CASES = [
    # (golden file, scenario, id, format, language)
    ("extend-asset-protection-GBR.en.txt", KOREA, "extend-asset-protection/GBR", "text", "en"),
    ("extend-asset-protection-GBR.ja.txt", KOREA, "extend-asset-protection/GBR", "text", "ja"),
    ("extend-asset-protection-GBR.json", KOREA, "extend-asset-protection/GBR", "json", "en"),
    ("elevate-cooperation-quad.en.md", KOREA, "elevate-cooperation/quad", "markdown", "en"),
    ("keep-informal-quad.en.txt", KOREA, "keep-informal/quad", "text", "en"),
    ("whynot-extend-asset-protection-AUS.en.txt", KOREA, "extend-asset-protection/AUS", "text", "en"),
    ("whynot-extend-asset-protection-AUS.ja.txt", KOREA, "extend-asset-protection/AUS", "text", "ja"),
    ("whynot-extend-asset-protection-USA.en.txt", KOREA, "extend-asset-protection/USA", "text", "en"),
    ("whynot-conclude-raa-AUS.en.json", KOREA, "conclude-raa/AUS", "json", "en"),
    ("whynot-propose-framework-AUS+JPN+USA.en.txt", KOREA, "propose-framework/AUS+JPN+USA", "text", "en"),
    (
        "whynot-bilateral-cooperation-KOR.baseline.en.md",
        BASELINE,
        "bilateral-cooperation/KOR",
        "markdown",
        "en",
    ),
]


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the checkout, so that files are shown as the user types them."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.mark.parametrize(
    ("name", "scenario", "rec", "fmt", "lang"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES]
)
def test_explain_output_is_the_golden_file(at_root, golden, name, scenario, rec, fmt, lang) -> None:  # type: ignore[no-untyped-def]
    args = ["explain", scenario, rec, "--rules", "rules", "--format", fmt, "--lang", lang]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    golden(f"explain/{name}", result.output)


def test_trace_of_an_explanation_is_the_golden_file(at_root, golden) -> None:  # type: ignore[no-untyped-def]
    args = ["explain", KOREA, "extend-asset-protection/GBR", "--rules", "rules", "--trace"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    golden("explain/trace-extend-asset-protection-GBR.txt", result.output)


# -- every recommendation of the paper's world -------------------------------------------------


def _leaves(fact: FactNode) -> set[str]:
    if not fact.derived:
        return {str(fact.origin)}
    out: set[str] = set()
    for app in fact.derived_by:
        out |= _app_leaves(app)
    return out


def _app_leaves(app: Application) -> set[str]:
    out: set[str] = set()
    for cond in app.conditions:
        for f in cond.facts:
            out |= _leaves(f)
    return out


def _facts(app: Application):  # type: ignore[no-untyped-def]
    for cond in app.conditions:
        for f in cond.facts:
            yield f
            for sub in f.derived_by:
                yield from _facts(sub)


def test_every_outcome_of_korea_has_a_tree_down_to_located_cited_scenario_facts(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    from policyengine.api import evaluate

    paper = load_source(PAPER)
    result = evaluate(korea, compiled_pack)
    for outcome in [*result.recommendations, *result.risks]:
        ex = explain_outcome(korea, compiled_pack, outcome.id)
        d = ex.derivation
        assert d is not None and ex.why_not is None, outcome.id
        # one application per support, by the rules the result names
        assert sorted({a.rule.id for a in d.applications}) == outcome.rules
        # the scenario facts at the leaves are exactly the evidence, but for the scenario fact
        # itself (rules read its as_of date; it is evidence of nothing: engine.evidence)
        leaves = set().union(*(_app_leaves(a) for a in d.applications))
        assert {f for f in leaves if not f.startswith("scenario:")} == set(outcome.evidence), outcome.id
        for app in d.applications:
            assert paper.contains(app.rule.quote), app.rule.id
            assert app.rule.location.startswith(("rules/", "/"))
            assert all(c.holds for c in app.conditions)
            for f in _facts(app):
                if not f.derived:
                    assert f.location and ":" in f.location, f.ref
                elif not f.shown_above:
                    assert f.derived_by, f.ref


def _kinds_of(why: WhyNot) -> None:
    assert why.attempts or why.note is not None
    for app in why.attempts:
        assert app.failed >= 1, f"{why.goal}: the nearest binding of {app.rule.id} cannot fully hold"
        for cond in app.conditions:
            if not cond.holds:
                assert cond.failures, f"{why.goal}: {app.rule.id} condition {cond.index} fails silently"
            for sub in cond.missing:
                _kinds_of(sub)


def test_why_not_for_every_action_and_every_country_and_framework(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    from policyengine.api import evaluate
    from policyengine.explain.facts import FactIndex
    from policyengine.explain.whynot import WhyNotBuilder

    tracer = Tracer()
    result = evaluate(korea, compiled_pack, tracer=tracer)
    builder = WhyNotBuilder(FactIndex(result.raw, korea, compiled_pack), tracer.events, result)
    made = set(result.ids)
    targets = [c.code for c in korea.scenario.countries] + [f.id for f in korea.scenario.frameworks]
    actions = sorted({r.output.recommend["action"] for r in compiled_pack.rules if r.output.recommend})
    checked = 0
    for action in actions:
        for target in targets:
            if f"{action}/{target}" in made:
                continue
            why = builder.outcome("recommendation", action, target)
            assert why.attempts, f"{action}/{target}: no candidate rule"
            assert {a.rule.id for a in why.attempts} == {
                r.id
                for r in compiled_pack.rules
                if r.output.recommend and r.output.recommend["action"] == action
            }
            _kinds_of(why)
            checked += 1
    assert checked > 500


def test_why_not_names_the_fact_in_the_way_with_its_place_in_the_scenario(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    ex = explain_outcome(korea, compiled_pack, "extend-asset-protection/AUS")
    assert ex.why_not is not None and ex.why_not.elsewhere == [
        "extend-asset-protection/FRA",
        "extend-asset-protection/GBR",
    ]
    (attempt,) = ex.why_not.attempts
    failed = [c for c in attempt.conditions if not c.holds]
    assert len(failed) == 1 and failed[0].mode == "absent"
    (blocker,) = failed[0].facts
    assert blocker.origin == "asset_protection:AUS"
    assert blocker.location is not None
    assert blocker.location.startswith("scenarios/baseline_2022.yaml:")
    assert blocker.location.endswith("(via scenarios/korea_new_gov.yaml)")
    assert "November 2021" in failed[0].failures[0]["en"]


def test_a_missing_derived_fact_is_explained_recursively(baseline, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    ex = explain_outcome(baseline, compiled_pack, "bilateral-cooperation/KOR")
    assert ex.why_not is not None
    (attempt,) = ex.why_not.attempts
    engaged = next(c for c in attempt.conditions if c.var == "engaged")
    assert not engaged.holds and not engaged.facts
    (sub,) = engaged.missing
    assert sub.kind == "engaging-partner"
    assert {a.rule.id for a in sub.attempts} == {"engaging-partner-by-posture", "engaging-partner-by-event"}
    by_event = next(a for a in sub.attempts if a.rule.id == "engaging-partner-by-event")
    statement = next(c for c in by_event.conditions if c.var == "statement")
    assert "the scenario has no event" in statement.failures[0]["en"]


def test_trace_of_a_why_not_shows_the_candidate_rules_only(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    tracer = Tracer()
    ex = explain_outcome(korea, compiled_pack, "conclude-raa/AUS", tracer=tracer)
    events = trace_of(ex, tracer)
    assert events and {e.rule for e in events} == {"conclude-raa"}


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("propose-framework/JPN+KOR+AUS", "propose-framework/AUS+JPN+KOR"),
        ("propose-framework/kor+Japan+australia", "propose-framework/AUS+JPN+KOR"),
        ("propose-framework/日韓豪", "propose-framework/AUS+JPN+KOR"),
        ("extend-asset-protection/UK", "extend-asset-protection/GBR"),
        ("extend-asset-protection/Britain", "extend-asset-protection/GBR"),
        ("extend-asset-protection/英国", "extend-asset-protection/GBR"),
        ("extend-asset-protection/the United Kingdom", "extend-asset-protection/GBR"),
        ("Extend-Asset-Protection/gbr", "extend-asset-protection/GBR"),
        ("conclude-raa/フランス", "conclude-raa/FRA"),
        ("elevate-cooperation/QUAD", "elevate-cooperation/quad"),
        ("elevate-cooperation/日米豪印", "elevate-cooperation/quad"),
        ("activate-mechanisms/日米韓", "activate-mechanisms/jpn-usa-kor"),
        ("activate-mechanisms/Japan-US-ROK", "activate-mechanisms/jpn-usa-kor"),
    ],
)
def test_ids_are_typed_forgivingly(korea, compiled_pack, typed: str, canonical: str) -> None:  # type: ignore[no-untyped-def]
    assert explain_outcome(korea, compiled_pack, typed).id == canonical


@pytest.mark.parametrize(
    ("rec", "hint"),
    [
        ("extend-asset-protecton/GBR", "did you mean 'extend-asset-protection/GBR'"),
        ("extend-asset-protection/GRB", "did you mean 'extend-asset-protection/GBR'"),
        # a misspelt target is suggested with the same action, even where nothing was made
        ("extend-asset-protection/AUZ", "did you mean 'extend-asset-protection/AUS'?"),
        ("elevate-cooperation/quadd", "did you mean 'elevate-cooperation/quad'?"),
        ("propose-framework/JPN+KOR+AUZ", "did you mean 'AUS'?"),
        # which Korea? not guessed: both offered
        ("conclude-raa/Korea", "did you mean 'conclude-raa/KOR' or 'conclude-raa/PRK'?"),
        ("conclude-raa/Kingdom", "did you mean 'conclude-raa/GBR'?"),  # a word of its name
        ("conclude-raa", "'conclude-raa' is a rule"),
        ("strengthen-posture/JPN", "did you mean"),
    ],
)
def test_an_unknown_id_gets_did_you_mean(korea, compiled_pack, rec: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as err:
        explain_outcome(korea, compiled_pack, rec)
    assert err.value.codes == ["E501"]
    assert hint in err.value.render()


# -- the command and its contract --------------------------------------------------------------


def test_cli_writes_the_explanation_to_a_file(at_root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "why.json"
    args = ["explain", KOREA, "conclude-raa/AUS", "--format", "json", "--output", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0 and result.output == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["fired"] is False and data["id"] == "conclude-raa/AUS"
    assert [c["rule"]["id"] for c in data["why_not"]["candidates"]] == ["conclude-raa"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "scenarios/nope.yaml", "conclude-raa/GBR"], "E101"),
        (["explain", KOREA, "conclude-raa/GBR", "--rules", "no/such/pack.yaml"], "E101"),
        (["explain", KOREA, "conclude-raa/XYZ"], "E501"),
        (["explain", KOREA, "nonsense"], "E501"),
    ],
)
def test_cli_bad_input_exits_2_without_a_traceback(at_root, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("rec", ["keep-informal/quad", "extend-asset-protection/USA", "link-partner/AUS"])
def test_explanations_do_not_depend_on_the_order_of_facts(korea, compiled_pack, rec: str) -> None:  # type: ignore[no-untyped-def]
    from policyengine.render.explain import render_json

    expected = render_json(explain_outcome(korea, compiled_pack, rec))
    for seed in (1, 2, 3):
        assert render_json(explain_outcome(shuffled(korea, seed), compiled_pack, rec)) == expected


def test_a_nearest_binding_never_changes_what_a_fact_is(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    """Without the alliance's 2+2, the answer is the missing agenda, not "the Quad is no alliance"."""
    import copy

    world = copy.copy(korea)
    events = [e for e in korea.scenario.events if e.framework != "usa-jpn-alliance"]
    world.scenario = korea.scenario.model_copy(update={"events": events})
    ex = explain_outcome(world, compiled_pack, "strengthen-information-security/JPN")
    assert ex.why_not is not None
    (attempt,) = ex.why_not.attempts
    # The technology links are counted (one support per gap): none is counted, and why none is
    # made is explained one level down, as for a missing match.
    tech = next(c for c in attempt.conditions if c.mode == "count")
    assert not tech.holds and not tech.facts, "a recommendation with another action is no near miss"
    assert tech.failures == [
        {"ja": "該当は0件（ルールの条件は1件以上）", "en": "0 counted (the rule needs at least 1)"}
    ]
    (sub,) = tech.missing
    (link,) = sub.attempts
    by_var = {c.var: c for c in link.conditions}
    assert by_var["alliance"].holds and by_var["alliance"].facts[0].origin == "framework:usa-jpn-alliance"
    assert [c.var for c in link.conditions if not c.holds] == ["agenda"]
    from policyengine.render.explain import render

    for text in (render(ex, "text", "en"), render(ex, "markdown", "en")):
        count_line = text.index("at least 1 recommendation (action: link emerging-technology cooperation")
        why = text.index("why not: a recommendation 'link-technology-cooperation'")
        assert count_line < why < text.index("agenda: the scenario has no event")


def test_explain_offers_every_document_format() -> None:
    """A backend added to render/backends is a format of explain (html is the graph)."""
    from policyengine.cli import document_formats

    for fmt in document_formats():
        result = CliRunner().invoke(
            cli, ["explain", KOREA, "extend-asset-protection/GBR", "--format", fmt, "--lang", "en"]
        )
        assert result.exit_code == 0 and result.output.strip(), (fmt, result.output)


def test_the_explanation_document_escapes_in_every_backend() -> None:
    """The tree's heads and details go through each backend's escaping (HTML by construction)."""
    from policyengine.render.backends import render
    from policyengine.render.blocks import Document, Title, Tree

    doc = Document("t", [Title("<h>"), Tree("<b>head</b>", ["a & <i>"], [Tree("*x*")])], lang="en")
    html = render(doc, "html")
    assert "<b>" not in html and "&lt;b&gt;head&lt;/b&gt;" in html and "a &amp; &lt;i&gt;" in html
    assert "\\*x\\*" in render(doc, "markdown")
    assert "├" not in render(doc, "text") and "└─ *x*" in render(doc, "text")


def test_scenario_facts_are_named_in_words_and_by_id_only_on_request() -> None:
    """Issue 16: the tree says where a scenario fact is written; ``--ids`` adds the fact's id."""
    args = ["explain", KOREA, "extend-asset-protection/GBR", "--lang", "en"]
    plain = CliRunner().invoke(cli, args).output
    ids = CliRunner().invoke(cli, [*args, "--ids"]).output
    assert "at: scenarios/baseline_2022.yaml:716:15" in plain and "agreement:raa-jpn-gbr" not in plain
    assert "at: agreement:raa-jpn-gbr — scenarios/baseline_2022.yaml:716:15" in ids
