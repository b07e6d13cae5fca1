"""What the rule language means, checked on small packs: forward chaining, negation over
derived facts through strata, cycles, counts, and tests on fields a fact lacks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from policyengine.api import evaluate, load_pack
from policyengine.engine.trace import Tracer
from policyengine.errors import InputError
from policyengine.validation.scenario import load_scenario

HEADER = "pack: {id: semantics, title: {ja: 意味, en: semantics}}\nrules:\n"
RULE = """\
  - id: {id}
    title: {{ja: {id}, en: {id}}}
    source: {{document: d, section: s, quote: q}}
"""

WORLD = Path(__file__).resolve().parent / "cases" / "worlds" / "semantics.yaml"


def rule(rule_id: str, when: str, then: str = "") -> str:
    """A rule of the pack: its ``when`` (and ``then``) as YAML, indented as one wishes."""
    return RULE.format(id=rule_id) + textwrap.indent(textwrap.dedent(when) + textwrap.dedent(then), "    ")


def pack(tmp_path: Path, *rules: str) -> object:
    path = tmp_path / "pack.yaml"
    path.write_text(HEADER + "".join(rules), encoding="utf-8")
    return load_pack(str(path))


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return load_scenario(str(WORLD))


def recommend(target: str, action: str = "act") -> str:
    return f"""\
    then:
      recommend:
        action: {action}
        target: {target}
        priority: low
        justification: {{ja: x, en: x}}
    """


# -- forward chaining -----------------------------------------------------------------------------


def test_a_derived_fact_is_used_by_another_rule_and_traced_back_to_scenario_facts(tmp_path, world) -> None:  # type: ignore[no-untyped-def]
    compiled = pack(
        tmp_path,
        rule(
            "partner",
            """\
            when:
              - match: membership
                as: m
                where: {country: JPN}
              - match: membership
                as: other
                where: {framework: $m.framework, country: {ne: JPN}}
            then:
              derive:
                - kind: partner
                  fields: {country: $other.country}
            """,
        ),
        rule(
            "covered-partner",
            """\
            when:
              - match: partner
                as: p
              - match: asset_protection
                as: ap
                where: {partner: $p.country}
            then:
              derive:
                - kind: covered-partner
                  fields: {country: $p.country}
            """,
        ),
        rule(
            "exercise",
            """\
            when:
              - match: covered-partner
                as: c
            """,
            recommend("$c.country", "exercise"),
        ),
    )
    tracer = Tracer()
    result = evaluate(world, compiled, tracer=tracer)
    assert result.ids == ["exercise/AUS"]
    rec = result.recommendations[0]
    # two derivations deep, the evidence is still the scenario facts
    assert rec.evidence == ["asset_protection:AUS", "framework:f-jpn-aus"]
    kinds = [(e.kind, e.rule) for e in tracer.of_kind("derive", "recommend")]
    assert kinds == [("derive", "partner"), ("derive", "covered-partner"), ("recommend", "exercise")]
    assert compiled.strata == 1  # no negation: one stratum, chained to a fixpoint


def test_positive_recursion_reaches_a_fixpoint(tmp_path, world) -> None:  # type: ignore[no-untyped-def]
    # reach: countries linked to Japan through a chain of shared frameworks (JPN-AUS-GBR-FRA)
    compiled = pack(
        tmp_path,
        rule(
            "direct",
            """\
            when:
              - match: membership
                as: m
                where: {country: JPN}
              - match: membership
                as: o
                where: {framework: $m.framework, country: {ne: JPN}}
            then:
              derive:
                - kind: reach
                  fields: {country: $o.country}
            """,
        ),
        rule(
            "through",
            """\
            when:
              - match: reach
                as: r
              - match: membership
                as: m
                where: {country: $r.country}
              - match: membership
                as: o
                where: {framework: $m.framework, country: {ne: JPN}}
            then:
              derive:
                - kind: reach
                  fields: {country: $o.country}
            """,
        ),
        rule(
            "reached",
            """\
            when:
              - match: reach
                as: r
            """,
            recommend("$r.country", "reached"),
        ),
    )
    assert evaluate(world, compiled).ids == ["reached/AUS", "reached/FRA", "reached/GBR"]


# -- negation over derived facts, through strata -----------------------------------------------


def _strata_pack(tmp_path: Path) -> object:
    return pack(
        tmp_path,
        # stratum 1: covered partners (derived)
        rule(
            "covered",
            """\
            when:
              - match: asset_protection
                as: ap
            then:
              derive:
                - kind: covered
                  fields: {country: $ap.partner}
            """,
        ),
        # stratum 2: negates 'covered' -> derives 'uncovered'
        rule(
            "uncovered",
            """\
            when:
              - match: country
                as: c
                where: {code: {ne: JPN}}
              - absent: covered
                where: {country: $c.code}
            then:
              derive:
                - kind: uncovered
                  fields: {country: $c.code}
            """,
        ),
        # stratum 3: negates 'uncovered', which is itself derived under a negation
        rule(
            "all-covered-framework",
            """\
            when:
              - match: framework
                as: f
              - match: membership
                as: m
                where: {framework: $f.id, country: {ne: JPN}}
              - absent: uncovered
                where: {country: $m.country}
            """,
            recommend("$f.id", "all-covered"),
        ),
    )


def test_negation_over_derived_facts_runs_in_higher_strata(tmp_path, world) -> None:  # type: ignore[no-untyped-def]
    compiled = _strata_pack(tmp_path)
    assert compiled.strata == 3
    assert {r.id: r.stratum for r in compiled.rules} == {
        "covered": 1,
        "uncovered": 2,
        "all-covered-framework": 3,
    }
    tracer = Tracer()
    result = evaluate(world, compiled, tracer=tracer)
    # f-jpn-aus: Australia is covered. f-aus-gbr: the UK is not (and Australia is), so the
    # rule still matches through Australia: that is what 'some member is covered' means here.
    assert result.ids == ["all-covered/f-aus-gbr", "all-covered/f-jpn-aus"]
    # every 'uncovered' fact was derived before stratum 3 opened
    opened = {e.stratum: e.seq for e in tracer.of_kind("stratum")}
    derived = [e for e in tracer.of_kind("derive") if e.rule == "uncovered"]
    assert derived and all(e.seq < opened[3] for e in derived)


def test_negation_sees_facts_derived_late_in_the_stratum_below(tmp_path, world) -> None:  # type: ignore[no-untyped-def]
    # 'far' is derived at the end of a chain in stratum 1; the negation in stratum 2 must see
    # all of it, however late in the chain it arrives.
    compiled = pack(
        tmp_path,
        rule(
            "hop1",
            """\
            when:
              - match: membership
                as: m
                where: {country: JPN}
            then:
              derive:
                - kind: near
                  fields: {framework: $m.framework}
            """,
        ),
        rule(
            "hop2",
            """\
            when:
              - match: near
                as: n
              - match: membership
                as: m
                where: {framework: $n.framework, country: {ne: JPN}}
            then:
              derive:
                - kind: far
                  fields: {country: $m.country}
            """,
        ),
        rule(
            "not-far",
            """\
            when:
              - match: country
                as: c
                where: {code: {ne: JPN}}
              - absent: far
                where: {country: $c.code}
            """,
            recommend("$c.code", "not-far"),
        ),
    )
    assert evaluate(world, compiled).ids == ["not-far/FRA", "not-far/GBR", "not-far/IND"]


def test_counts_over_derived_facts(tmp_path, world) -> None:  # type: ignore[no-untyped-def]
    compiled = pack(
        tmp_path,
        rule(
            "focus",
            """\
            when:
              - match: coverage
                as: c
                where: {level: focus}
            then:
              derive:
                - kind: focus
                  fields: {framework: $c.framework, area: $c.area}
            """,
        ),
        rule(
            "busy",
            """\
            when:
              - match: framework
                as: f
              - count: focus
                where: {framework: $f.id}
                at_least: 2
            """,
            recommend("$f.id", "busy"),
        ),
        rule(
            "quiet",
            """\
            when:
              - match: framework
                as: f
              - count: focus
                where: {framework: $f.id}
                at_most: 0
            """,
            recommend("$f.id", "quiet"),
        ),
    )
    assert evaluate(world, compiled).ids == ["busy/f-jpn-aus", "quiet/f-aus-gbr"]


def test_a_rule_may_count_recommendations_of_another_action_than_its_own(tmp_path, world) -> None:  # type: ignore[no-untyped-def]
    # 'gated' recommends while counting recommendations: only those of action 'country', all
    # made in a lower stratum, so that the count sees them all (one support per country, not
    # one per pair of countries, as a match of the recommendation would give).
    compiled = pack(
        tmp_path,
        rule("country", "when:\n  - match: country\n    as: c\n", recommend("$c.code", "country")),
        rule(
            "gated",
            """\
            when:
              - match: country
                as: c
                where: {alignment: us-ally}
              - count: recommendation
                where: {action: country}
                at_least: 2
            """,
            recommend("$c.code", "gated"),
        ),
    )
    strata = {r.id: r.stratum for r in compiled.rules}
    assert strata == {"country": 1, "gated": 2}
    result = evaluate(world, compiled)
    allies = sorted(c.code for c in world.scenario.countries if c.alignment == "us-ally")
    countries = sorted(c.code for c in world.scenario.countries)
    assert len(countries) >= 2 and allies
    assert result.ids == sorted([f"country/{c}" for c in countries] + [f"gated/{c}" for c in allies])
    gated = result.raw.outcomes[f"recommendation:gated/{allies[0]}"]
    assert len(gated.supports) == 1


@pytest.mark.parametrize(
    "where",
    ["{action: gated}", "{action: {in: [country, gated]}}", "{target: JPN}"],
    ids=["its own action", "a list with its own action", "any action"],
)
def test_counting_recommendations_a_rule_itself_makes_is_a_cycle(tmp_path, where: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        pack(
            tmp_path,
            rule("country", "when:\n  - match: country\n    as: c\n", recommend("$c.code", "country")),
            rule(
                "gated",
                f"""\
                when:
                  - match: country
                    as: c
                  - count: recommendation
                    where: {where}
                    at_least: 1
                """,
                recommend("$c.code", "gated"),
            ),
        )
    [d] = caught.value.diagnostics
    assert d.code == "E405"
    assert "rule 'gated': negation cycle: recommendation" in d.message


# -- cycles -------------------------------------------------------------------------------------


def test_a_pack_whose_negations_form_a_cycle_is_rejected_naming_the_cycle(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        pack(
            tmp_path,
            rule(
                "a-from-c",
                """\
                when:
                  - match: country
                    as: x
                  - absent: c
                    where: {country: $x.code}
                then:
                  derive:
                    - kind: a
                      fields: {country: $x.code}
                """,
            ),
            rule(
                "b-from-a",
                """\
                when:
                  - match: a
                    as: x
                then:
                  derive:
                    - kind: b
                      fields: {country: $x.country}
                """,
            ),
            rule(
                "c-from-b",
                """\
                when:
                  - match: b
                    as: x
                then:
                  derive:
                    - kind: c
                      fields: {country: $x.country}
                """,
            ),
        )
    [d] = caught.value.diagnostics
    assert d.code == "E405"
    assert "negation cycle: a -> b -> c -> a" in d.message
    assert d.location is not None and d.location.file.endswith("pack.yaml")
    assert (d.location.line, d.location.column) == (9, 9)  # the 'absent: c' condition


# -- tests on fields a fact lacks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        # e-summit has a framework; e-change has none: a test on a missing field fails ...
        ("{framework: f-jpn-aus}", ["x/e-summit"]),
        ("{framework: {ne: f-other}}", ["x/e-summit"]),
        ("{framework: {not_in: [f-other]}}", ["x/e-summit"]),
        ("{framework: {in: [f-jpn-aus, f-other]}}", ["x/e-summit"]),
        ("{country: {ne: JPN}}", ["x/e-change"]),
        ("{areas: {contains: hadr}}", ["x/e-summit"]),
        ("{framework: {exists: true}}", ["x/e-summit"]),
        # ... except exists: false
        ("{framework: {exists: false}}", ["x/e-change"]),
        ("{caused_by: {exists: false}}", ["x/e-change", "x/e-summit"]),
        ("{caused_by: {ne: e-summit}}", []),
    ],
)
def test_a_test_on_a_missing_field_fails_except_exists_false(tmp_path, world, where, expected) -> None:  # type: ignore[no-untyped-def]
    compiled = pack(
        tmp_path,
        rule(
            "x",
            f"""\
            when:
              - match: event
                as: e
                where: {where}
            """,
            recommend("$e.id", "x"),
        ),
    )
    assert evaluate(world, compiled).ids == expected


def test_a_join_on_a_missing_field_fails(tmp_path, world) -> None:  # type: ignore[no-untyped-def]
    # e-change has no framework: no test against it matches, whatever the operator (durable-rules
    # itself would fail the whole evaluation on 'ne' against a missing field: error 311)
    compiled = pack(
        tmp_path,
        *(
            rule(
                f"x-{op}",
                f"""\
                when:
                  - match: event
                    as: e
                  - match: framework
                    as: f
                    where: {{id: {{{op}: $e.framework}}}}
                """,
                recommend("$e.id", f"x-{op}"),
            )
            for op in ("eq", "ne")
        ),
    )
    # e-summit (framework f-jpn-aus) matches f-jpn-aus by eq and the two others by ne
    assert evaluate(world, compiled).ids == ["x-eq/e-summit", "x-ne/e-summit"]


def test_an_absence_holds_when_its_test_reads_a_missing_field(tmp_path, world) -> None:  # type: ignore[no-untyped-def]
    # "no framework other than the event's": for e-change, which names no framework, the test
    # fails for every framework, so no framework matches and the absence holds.
    compiled = pack(
        tmp_path,
        rule(
            "only",
            """\
            when:
              - match: event
                as: e
              - absent: framework
                where: {id: {ne: $e.framework}}
            """,
            recommend("$e.id", "only"),
        ),
        rule(
            "two-refs",
            """\
            when:
              - match: event
                as: e
              - match: event
                as: later
                where: {date: {gt: $e.date}}
              - absent: event
                where: {caused_by: {ne: $later.caused_by}, country: {ne: $e.country}}
            """,
            recommend("$e.id", "two-refs"),
        ),
    )
    ids = evaluate(world, compiled).ids
    assert "only/e-change" in ids and "only/e-summit" not in ids
    # 'later' (e-change) has no caused_by: the absence holds for e-summit, which precedes it
    assert "two-refs/e-summit" in ids
    assert ids == ["only/e-change", "two-refs/e-summit"]
