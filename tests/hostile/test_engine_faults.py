"""durable-rules faults, prevented by construction: each case runs in a fresh process, where a
regression would show as a crash (negative return code) instead of taking the suite down."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile.harness import ForkRunner, check_not_broken
from policyengine.errors import EngineError, InputError

MINIMAL = """\
scenario:
  id: minimal
  title: {ja: 最小, en: minimal}
  as_of: 2022-01-01
countries:
  - code: JPN
    name: {ja: 日本, en: Japan}
    region: indo-pacific
    alignment: us-ally
    indo_pacific_engagement: steady
"""


def test_a_scenario_no_rule_matches_evaluates(runner: ForkRunner, tmp_path: Path) -> None:
    # durable-rules used to free an uninitialised pointer when deleting a session in which no
    # action ever ran: this valid scenario crashed the interpreter (SIGSEGV).
    (tmp_path / "minimal.yaml").write_text(MINIMAL, encoding="utf-8")
    o = runner.run(["evaluate", "minimal.yaml", "--lang", "en", "--format", "json"], cwd=tmp_path)
    check_not_broken(o)
    assert o.rc == 0, o.describe()
    assert '"recommendations": []' in o.stdout


# -- in-process: the runtime's defences ---------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
KOREA = str(ROOT / "scenarios" / "korea_new_gov.yaml")


def test_an_exception_inside_an_action_is_an_engine_error_and_the_session_is_cleaned() -> None:
    # durable-rules swallows exceptions raised in actions into the session state; the runtime
    # must surface them (EngineError: exit 3, an internal error) and still clean the session up.
    from policyengine.api import evaluate, load, load_pack
    from policyengine.engine.runtime import PreparedPack

    compiled = load_pack(str(ROOT / "rules"))
    expected = evaluate(KOREA, compiled).ids
    broken = PreparedPack(compiled)
    for aliases in broken._match_aliases.values():
        aliases.append(("ghost", "c99"))  # every action now looks up a binding that is not there
    with pytest.raises(EngineError, match=r"rule action failed: rule \d+: KeyError: 'c99'"):
        broken.evaluate(load(KOREA))
    assert evaluate(KOREA, compiled).ids == expected


def test_a_pack_the_engine_refuses_is_a_located_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The capacity stage normally stops this pack (300 rules in one stratum); without it,
    # durable-rules refuses the registration (error 108), which must still be exit 2, not 3.
    from policyengine.compiler import pipeline
    from policyengine.compiler.capacity import check_capacity
    from policyengine.engine.runtime import PreparedPack
    from policyengine.validation.rulepack import load_rule_pack

    src = ROOT / "tests" / "hostile" / "corpus" / "rules" / "too_many_rules.yaml"
    pack = load_rule_pack(str(src))
    with pytest.raises(InputError) as info:
        pipeline.compile_pack(pack)
    assert info.value.codes == ["E407"]
    assert check_capacity  # the stage exists; now take it out
    monkeypatch.setattr(pipeline, "STAGES", tuple(s for s in pipeline.STAGES if s[0] != "capacity"))
    compiled = pipeline.compile_pack(pack)
    with pytest.raises(InputError) as info:
        PreparedPack(compiled)
    assert info.value.codes == ["E407"]
    assert str(src) in info.value.render()
    assert "error code: 108" in info.value.render()


@pytest.mark.parametrize(
    "value",
    [1.5, 1e20, float("nan"), 2**64, "x" * 10_000, "a\x00b", {"a": 1}, b"bytes", {1, 2}],
    ids=["float", "exponent", "nan", "huge-int", "long-text", "nul", "dict", "bytes", "set"],
)
def test_values_the_engine_cannot_take_are_refused_before_it_sees_them(value: object) -> None:
    from policyengine.engine.runtime import _to_engine

    with pytest.raises(EngineError):
        _to_engine("k", 1, "s1", {"f": value})
    with pytest.raises(EngineError):
        _to_engine("k", 1, "s1", {"f": [value]})


def test_plain_values_pass_normalised() -> None:
    import datetime as dt

    from policyengine.engine.runtime import _to_engine

    got = _to_engine("k", 7, "s1", {"id": "x", "d": dt.date(2022, 6, 1), "l": ("JPN", 2**63 - 1), "n": None})
    assert got == {"_k": "k", "id": 7, "sid": "s1", "_id": "x", "d": 738307, "l": ["JPN", 2**63 - 1]}


def test_a_fact_with_too_many_fields_is_refused() -> None:
    from policyengine.engine.runtime import MAX_ENGINE_FIELDS, _to_engine

    with pytest.raises(EngineError):
        _to_engine("k", 1, "s1", {f"f{i}": "x" for i in range(MAX_ENGINE_FIELDS + 1)})


def test_a_scenario_with_more_facts_than_one_evaluation_takes_is_a_located_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from policyengine.api import evaluate, load
    from policyengine.engine import runtime

    loaded = load(KOREA)
    facts = len(runtime.build_view(loaded.scenario, None))
    monkeypatch.setattr(runtime, "MAX_VIEW_FACTS", 50)
    assert facts > 50
    with pytest.raises(InputError) as info:
        evaluate(loaded)
    assert info.value.codes == ["E308"]
    assert info.value.render().startswith(f"{KOREA}:9:3: E308: the scenario makes ")
    assert "hint:" in info.value.render()
