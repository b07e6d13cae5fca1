"""What durable-rules 2.0.28 cannot do is never asked of it: such rule packs evaluate or are refused.

Measured on durable-rules 2.0.28 (see compiler/emit.reference_guards and resolve._engine_safe):
comparing with ``ne``, ``lt``, ``le``, ``gt`` or ``ge`` against a reference to a field the bound
fact lacks crashes the engine in a 'match' condition (segmentation fault); inside an 'absent'
condition, ``ne`` against any reference crashes it and an ordered comparison with a missing value
fails the evaluation. The compiler guards the first (the binding fact must have the field, which
changes no result) and refuses the others with a located E403.

Evaluations run in a subprocess: if a guard ever went missing, the crash would fail the test
instead of killing the test run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from policyengine.factview import BASE_KINDS, build_view
from policyengine.models import scenario as m
from scenario_strategies import Chain, chains

ROOT = Path(__file__).resolve().parents[1]
KOREA = ROOT / "scenarios" / "korea_new_gov.yaml"

HEAD = """\
pack:
  id: limits
  title: {ja: 限界, en: Limits}
rules:
"""


def rule(rid: str, when: str) -> str:
    return (
        f"  - id: {rid}\n"
        f"    title: {{ja: 規則, en: Rule}}\n"
        f"    source: {{document: minilateral-2022, section: 日本への含意, quote: 日本への含意}}\n"
        f"    when:\n{when}"
        f"    then:\n"
        f"      derive: [{{kind: {rid}, fields: {{a: $a.id}}}}]\n"
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


#: Each operator against a field that some agreements lack (signed) and some events lack
#: (country), in 'match' conditions; and an 'absent' comparison made safe as the hint says.
GUARDED = HEAD + "".join(
    [
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
        rule(
            "absent-lt-known-present",
            "      - match: agreement\n        as: a\n        where: {signed: {exists: true}}\n"
            "      - absent: event\n        where: {date: {lt: $a.signed}, kind: crisis}\n",
        ),
    ]
)

#: For every rule, the engine's supports must be exactly the Python matcher's full matches.
AGREE = """
import sys
from policyengine.api import evaluate, load, load_pack
from policyengine.explain.matcher import FactBase, engine_supports, matches, signature

pack = load_pack(sys.argv[1])
raw = evaluate(load(sys.argv[2]), pack).raw
engine, base = engine_supports(raw), FactBase(raw)
for r in pack.rules:
    mine = {signature(r, m) for m in matches(r, base)}
    print(r.id, len(mine), "agree" if mine == engine.get(r.index, set()) else "DISAGREE")
"""


def test_references_to_missing_fields_in_match_conditions_evaluate_as_specified(tmp_path: Path) -> None:
    pack = tmp_path / "guarded.yaml"
    pack.write_text(GUARDED, encoding="utf-8")
    result = run("-c", AGREE, str(pack), str(KOREA))
    assert result.returncode == 0, result.stderr  # a crash would be -11 (SIGSEGV) or -6 (SIGABRT)
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [
        "match-ne",
        "match-lt",
        "match-le",
        "match-gt",
        "match-ge",
        "match-ne-country",
        "absent-lt-known-present",
    ]
    assert all(line.endswith(" agree") for line in lines), lines
    # none is vacuous: each rule matched something, so the comparisons were really made
    assert all(int(line.split()[1]) > 0 for line in lines), lines


def test_what_the_engine_cannot_do_in_absent_conditions_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "refused.yaml"
    pack.write_text(
        HEAD
        + rule(
            "absent-ne",
            "      - match: country\n        as: a\n"
            "      - absent: membership\n        where: {country: {ne: $a.code}}\n",
        )
        + rule(
            "absent-lt-missing",
            "      - match: agreement\n        as: a\n"
            "      - absent: event\n        where: {date: {lt: $a.signed}}\n",
        ),
        encoding="utf-8",
    )
    result = run("-m", "policyengine", "evaluate", str(KOREA), "--rules", str(pack))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"{pack}:12:27: E403: rule 'absent-ne': 'country: {{ne: $a.code}}' cannot be tested in an "
        "'absent' condition: durable-rules 2.0.28 crashes on 'ne' against a reference there\n"
        "  hint: compare with a literal value, or derive the facts to exclude in a rule of their own "
        "and test those\n"
        f"{pack}:22:24: E403: rule 'absent-lt-missing': 'date: {{lt: $a.signed}}': 'agreement.signed' "
        "may be missing, and durable-rules 2.0.28 cannot compare with a missing value inside an "
        "'absent' condition\n"
        "  hint: add 'signed: {exists: true}' to the condition that binds $a (the rule then applies "
        "only to facts that have it)\n"
    )


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
