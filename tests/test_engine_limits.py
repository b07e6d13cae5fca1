"""What durable-rules 2.0.28 cannot do is never asked of it: comparisons with references.

Measured on durable-rules 2.0.28 (every case below in a subprocess): comparing a field with
``ne``, ``lt``, ``le``, ``gt`` or ``ge`` against a ``$var.field`` reference to a field the bound
fact lacks fails the evaluation with error 311 ('property not found') out of ``assert_facts``,
in a 'match' condition and inside an 'absent' condition alike; deleting the session after that
crashed the process (SIGSEGV, SIGABRT). With both fields present these comparisons work, in
'absent' conditions too: 'ne' included (an earlier reading that 'ne' inside 'absent' always
crashes was the crash of a session in which no action ran, which the runtime's session marker
prevents: test_a_pack_that_matches_nothing_evaluates).

The compiler (compiler/emit.emit_rule) never lets the engine see a reference to a missing field:
in 'match' conditions the binding fact must have the field; in 'absent' conditions a reference
to a field that may be missing splits the rule into variants (field present: the condition is
kept; field missing: the condition holds and is dropped). Both keep the semantics of
engine.matching, which the Python matcher shares: these tests check that the engine's matches
are exactly the matcher's, on the shipped worlds and on thinned ones, and that without the
compiler's precautions the same packs do crash (so that the tests above are not vacuous).

Evaluations run in subprocesses: a missing guard fails the test instead of killing the run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from policyengine.models import scenario as m
from policyengine.models.factview import BASE_KINDS, build_view
from scenario_strategies import Chain, chains

ROOT = Path(__file__).resolve().parents[1]
KOREA = ROOT / "scenarios" / "korea_new_gov.yaml"
WORLDS = [
    KOREA,
    ROOT / "scenarios" / "baseline_2022.yaml",
    ROOT / "tests" / "cases" / "worlds" / "semantics.yaml",
    ROOT / "tests" / "cases" / "worlds" / "compact.yaml",
]

HEAD = """\
pack:
  id: limits
  title: {ja: 限界, en: Limits}
rules:
"""


def rule(rid: str, when: str, fields: str = "{a: $a.id}") -> str:
    return (
        f"  - id: {rid}\n"
        f"    title: {{ja: 規則, en: Rule}}\n"
        f"    source: {{document: minilateral-2022, section: 日本への含意, quote: 日本への含意}}\n"
        f"    when:\n{when}"
        f"    then:\n"
        f"      derive: [{{kind: {rid}, fields: {fields}}}]\n"
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


#: Each operator against a field that some agreements lack (signed) and some events lack
#: (country), in 'match' conditions.
MATCH_RULES = [
    *(
        rule(
            f"match-{op}",
            "      - match: agreement\n"
            "        as: a\n"
            "      - match: event\n"
            "        as: e\n"
            f"        where: {{date: {{{op}: $a.signed}}}}\n",
        )
        for op in ("ne", "lt", "le", "gt", "ge")
    ),
    rule(
        "match-ne-country",
        "      - match: event\n        as: a\n      - match: event\n        as: b\n"
        "        where: {country: {ne: $a.country}}\n",
    ),
]

#: 'absent' conditions comparing with references, to fields always present and to fields that
#: may be missing (variants), alone, two in one condition, shared by two conditions, guarded by
#: a 'match' already, and copied into a derived fact.
ABSENT_RULES = [
    rule(
        "absent-ne-present",  # the only agreement of its kind
        "      - match: agreement\n        as: a\n"
        "      - absent: agreement\n        where: {kind: $a.kind, id: {ne: $a.id}}\n",
    ),
    rule(
        "absent-ne-missing",  # no event of the same kind about another country
        "      - match: event\n        as: a\n"
        "      - absent: event\n        where: {kind: $a.kind, country: {ne: $a.country}}\n",
    ),
    *(
        rule(
            f"absent-{op}-missing",
            "      - match: agreement\n        as: a\n"
            f"      - absent: event\n        where: {{date: {{{op}: $a.signed}}}}\n",
        )
        for op in ("lt", "le", "gt", "ge")
    ),
    rule(
        "absent-lt-known-present",
        "      - match: agreement\n        as: a\n        where: {signed: {exists: true}}\n"
        "      - absent: event\n        where: {date: {lt: $a.signed}, kind: crisis}\n",
    ),
    rule(
        "absent-two-refs",
        "      - match: event\n        as: a\n"
        "      - match: event\n        as: later\n        where: {date: {gt: $a.date}}\n"
        "      - absent: event\n"
        "        where: {caused_by: {ne: $later.caused_by}, country: {ne: $a.country}}\n",
        "{a: $a.id, later: $later.id}",
    ),
    rule(
        "absent-shared-ref",
        "      - match: event\n        as: a\n"
        "      - absent: event\n        where: {country: {ne: $a.country}, kind: government-change}\n"
        "      - absent: capability\n        where: {holder: {ne: $a.country}, status: gap}\n",
    ),
    rule(
        "absent-guarded-by-match",
        "      - match: agreement\n        as: a\n"
        "      - match: event\n        as: e\n        where: {date: {gt: $a.signed}}\n"
        "      - absent: event\n        where: {date: {lt: $a.signed}, kind: summit}\n",
        "{a: $a.id, e: $e.id}",
    ),
    rule(
        "dated",
        "      - match: agreement\n        as: a\n",
        "{a: $a.id, signed: $a.signed}",
    ),
    rule(
        "absent-derived-missing",
        "      - match: dated\n        as: a\n"
        "      - absent: event\n        where: {date: {le: $a.signed}, kind: framework-launch}\n",
        "{a: $a.a}",
    ),
]

#: For every rule, the engine's supports must be exactly the Python matcher's full matches, on
#: every world given and on thinned copies of the first (facts dropped at random).
AGREE = """
import sys
sys.path.insert(0, "tests")
from policyengine.api import evaluate, load, load_pack
from policyengine.explain.matcher import FactBase, engine_supports, matches, signature
from worlds import thinned

pack = load_pack(sys.argv[1])
worlds = [load(p) for p in sys.argv[2:]]
worlds += [thinned(worlds[0], seed, 0.6) for seed in range(6)]
totals = {r.id: 0 for r in pack.rules}
for world in worlds:
    raw = evaluate(world, pack).raw
    engine, base = engine_supports(raw), FactBase(raw)
    for r in pack.rules:
        mine = {signature(r, m) for m in matches(r, base)}
        if mine != engine.get(r.index, set()):
            print(r.id, "DISAGREE on", world.scenario.scenario.id)
        totals[r.id] += len(mine)
for rid, n in totals.items():
    print(rid, n)
"""


def _agree(tmp_path: Path, rules: list[str]) -> list[str]:
    pack = tmp_path / "pack.yaml"
    pack.write_text(HEAD + "".join(rules), encoding="utf-8")
    result = run("-c", AGREE, str(pack), *map(str, WORLDS))
    assert result.returncode == 0, result.stderr[-2000:]  # a crash would be -11 (SIGSEGV) or -6
    lines = result.stdout.splitlines()
    assert not [line for line in lines if "DISAGREE" in line], lines
    # none is vacuous: each rule matched something, so the comparisons were really made
    assert all(int(line.split()[1]) > 0 for line in lines), lines
    return [line.split()[0] for line in lines]


def test_references_to_missing_fields_in_match_conditions_evaluate_as_specified(tmp_path: Path) -> None:
    assert _agree(tmp_path, MATCH_RULES) == [
        "match-ne",
        "match-lt",
        "match-le",
        "match-gt",
        "match-ge",
        "match-ne-country",
    ]


def test_references_in_absent_conditions_evaluate_as_specified(tmp_path: Path) -> None:
    assert len(_agree(tmp_path, ABSENT_RULES)) == len(ABSENT_RULES)


def test_variants_are_emitted_only_for_fields_that_may_be_missing(tmp_path: Path) -> None:
    from policyengine.api import load_pack

    pack = tmp_path / "pack.yaml"
    pack.write_text(HEAD + "".join(ABSENT_RULES), encoding="utf-8")
    compiled = load_pack(str(pack))
    bodies = {
        r.id: sum(1 for name in compiled.definition if name.split("v")[0] == f"r{r.index}")
        for r in compiled.rules
    }
    assert bodies == {
        "absent-ne-present": 1,  # id is never missing
        "absent-ne-missing": 2,  # country present, or missing
        "absent-lt-missing": 2,
        "absent-le-missing": 2,
        "absent-gt-missing": 2,
        "absent-ge-missing": 2,
        "absent-lt-known-present": 1,  # the binding condition tests the field
        "absent-two-refs": 3,  # both present, the first missing, the second missing
        "absent-shared-ref": 2,  # one field, shared: present in both, or missing in both
        "absent-guarded-by-match": 1,  # the 'match' already requires it
        "dated": 1,
        "absent-derived-missing": 2,  # 'dated.signed' copies a field that may be missing
    }


def test_a_pack_that_matches_nothing_evaluates() -> None:
    """No rule fires: the session must still be deleted without a crash (the session marker).

    This pack's only rule never fires on korea_new_gov (every country shares some framework
    with another country); it is the pack once believed to crash on 'ne' inside 'absent'.
    """
    result = run(
        "-m",
        "policyengine",
        "evaluate",
        str(KOREA),
        "--format",
        "json",
        "--rules",
        str(ROOT / "tests" / "packs" / "absent_ne_quiet.yaml"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"recommendations": []' in result.stdout


#: The same packs without the compiler's precautions: what durable-rules does with them.
UNGUARDED = """
import os, sys
os.environ["POLICYENGINE_NO_CACHE"] = "1"  # compiled here, with the patch, never read from the cache
from policyengine.compiler import emit
plain = emit.emit_rule
def unguarded(r, kinds):
    bodies, counts = plain(r, kinds)
    for c in bodies[0]["all"]:
        for pattern in c.values():
            pattern["$and"] = [t for t in pattern["$and"] if not ("$ex" in t or "$nex" in t)]
    return bodies[:1], counts
emit.emit_rule = unguarded
from policyengine.api import evaluate, load, load_pack
evaluate(load(sys.argv[2]), load_pack(sys.argv[1]))
print("evaluated")
"""


@pytest.mark.parametrize(
    "when",
    [
        "      - match: agreement\n        as: a\n      - match: event\n        as: e\n"
        "        where: {date: {lt: $a.signed}}\n",
        "      - match: event\n        as: a\n"
        "      - absent: event\n        where: {country: {ne: $a.country}}\n",
        "      - match: agreement\n        as: a\n"
        "      - absent: event\n        where: {date: {lt: $a.signed}}\n",
    ],
    ids=["match-lt", "absent-ne", "absent-lt"],
)
def test_without_the_precautions_durable_rules_crashes(tmp_path: Path, when: str) -> None:
    pack = tmp_path / "pack.yaml"
    always = rule("always", "      - match: country\n        as: a\n", "{a: $a.code}")
    pack.write_text(HEAD + rule("probe", when) + always, encoding="utf-8")
    result = run("-c", UNGUARDED, str(pack), str(KOREA))
    # error 311 ('property not found') out of assert_facts, or a crash (negative: a signal)
    assert result.returncode != 0 and "evaluated" not in result.stdout, result.stdout
    assert result.returncode < 0 or "error code: 311" in result.stderr, result.stderr[-500:]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains(max_files=1))
def test_every_field_a_fact_may_lack_is_marked_optional(chain: Chain) -> None:
    """The compiler relies on FieldSpec.optional: a field that is None in some view fact must say so."""
    (model,) = chain.files.values()
    world = m.Scenario(**{k: v for k, v in dict(model).items() if k != "remove"})
    for fact in build_view(world):
        spec = BASE_KINDS[fact.kind]
        for name, value in fact.fields.items():
            assert value is not None or spec.fields[name].optional, f"{fact.kind}.{name}"
