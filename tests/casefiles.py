"""The YAML case corpus under tests/cases/: reading case files and checking one case.

Two kinds of case files (tests/cases/README.md shows both):

* **Rule cases** (``cases:``): each case names a world, either a whole scenario inline
  (``scenario:``) or ``extends:`` a scenario file plus ``facts:`` (added, or replacing the
  parent's fact of the same identity) and ``remove:``; and what evaluating it must give
  (``expect:``). The world is loaded through the real scenario loader (extends, remove,
  validation, cross-checks) and evaluated with the shipped pack, or ``rules:``.
* **Error cases** (``error:``): the file is itself a rule pack (``pack:``) or a scenario
  (``scenario:``), plus ``name:`` and ``error:``. The runner hides those two keys from the
  loader by blanking their lines, so every other line and column is where the loader reports
  it: the expected location is a real place in the case file.

The collector in conftest.py turns every case into a pytest item whose failures name the file,
the line and the case.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from policyengine.errors import Diagnostic, InputError, sort_diagnostics
from policyengine.loading.documents import filesystem_reader, read_document
from policyengine.loading.yamltree import YMap, YSeq, parse_yaml, plain, read_bytes

CASES = Path(__file__).resolve().parent / "cases"
ROOT = CASES.parents[1]
#: Folders under tests/cases/ that hold data used by cases (scenarios, packs), not cases.
DATA_FOLDERS = frozenset({"worlds", "packs"})


class CaseFileError(Exception):
    """A case file that cannot be read as a case file (its own mistakes, not the engine's)."""


class CaseFailure(AssertionError):
    """A case whose evaluation does not give what it expects."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Produced = list[str] | Literal["any"]


class Expect(_Strict):
    """What an evaluation must give. Ids are ``action/target`` (recommendations), ``kind/target``
    (risks); derived facts are written ``kind(field=value, ...)`` and match any derived fact of
    that kind with at least those field values."""

    present: list[str] = Field(default_factory=list)  # recommendation ids that must be there
    absent: list[str] = Field(default_factory=list)  # recommendation ids that must not
    exactly: list[str] | None = None  # the complete list of recommendation ids
    risks: list[str] = Field(default_factory=list)  # risk ids that must be there
    risks_absent: list[str] = Field(default_factory=list)
    # rule id -> what it must produce (recommendation, risk or derived-fact ids), or "any"
    fired: dict[str, Produced] = Field(default_factory=dict)
    # rule id -> what it must not produce, or "any": the rule must not match at all
    not_fired: dict[str, Produced] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _something(self) -> Expect:
        if not self.model_fields_set:
            raise ValueError("expect nothing? give present, absent, exactly, risks, fired or not_fired")
        return self


class Case(_Strict):
    name: str = Field(min_length=1)
    scenario: dict[str, Any] | None = None  # a whole scenario document
    extends: str | None = None  # path of a scenario file, relative to the case file
    as_of: dt.date | None = None  # default: the extended scenario's
    facts: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    remove: dict[str, list[str]] = Field(default_factory=dict)
    rules: str | None = None  # rule pack path relative to the case file; default: the shipped pack
    expect: Expect

    @model_validator(mode="after")
    def _one_world(self) -> Case:
        if (self.scenario is None) == (self.extends is None):
            raise ValueError("a case gives either 'scenario' (a whole world) or 'extends'")
        if self.scenario is not None and (self.facts or self.remove or self.as_of):
            raise ValueError("'facts', 'remove' and 'as_of' go with 'extends', not with 'scenario'")
        return self


class RuleCaseFile(_Strict):
    about: str | None = None  # what the file's cases are about (a rule id, a topic)
    cases: list[Case] = Field(min_length=1)


class ErrorExpect(_Strict):
    code: str = Field(pattern=r"^[EW]\d{3}$")
    at: str = Field(pattern=r"^\d+:\d+$")  # LINE:COL in the case file
    contains: str = Field(min_length=1)  # part of the message
    hint: str | None = None  # part of the hint


@dataclass(frozen=True)
class RuleCase:
    file: Path
    line: int
    index: int
    case: Case

    @property
    def name(self) -> str:
        return self.case.name


@dataclass(frozen=True)
class ErrorCase:
    file: Path
    line: int
    name: str
    errors: tuple[ErrorExpect, ...]
    kind: str  # "rules" or "scenario"
    blank: tuple[tuple[int, int], ...] = field(default=())  # 1-based line ranges hidden from the loader


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def case_files() -> list[Path]:
    """Every case file of the corpus, sorted."""
    return sorted(p for p in CASES.rglob("*.yaml") if is_case_file(p))


def is_case_file(path: Path) -> bool:
    try:
        parts = path.resolve().relative_to(CASES).parts
    except ValueError:
        return False
    return path.suffix == ".yaml" and not (DATA_FOLDERS & set(parts[:-1]))


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors())


def read_case_file(path: Path) -> list[RuleCase] | ErrorCase:
    """The cases of one file; CaseFileError names what is wrong with the file itself."""
    try:
        tree = parse_yaml(read_bytes(path, relative(path)), relative(path))
    except InputError as exc:
        raise CaseFileError(exc.render()) from None
    if not isinstance(tree, YMap):
        raise CaseFileError(f"{relative(path)}: a case file is a mapping")
    if "error" in tree:
        return _error_case(path, tree)
    try:
        model = RuleCaseFile.model_validate(plain(tree))
    except ValidationError as exc:
        raise CaseFileError(f"{relative(path)}: {_validation_message(exc)}") from None
    raw_cases = tree["cases"]
    assert isinstance(raw_cases, YSeq)
    return [RuleCase(path, raw_cases.location(i).line, i, c) for i, c in enumerate(model.cases)]


def _error_case(path: Path, tree: YMap) -> ErrorCase:
    name = tree.get("name")
    if not isinstance(name, str) or not name:
        raise CaseFileError(f"{relative(path)}: an error case needs a 'name'")
    raw = tree["error"]
    items = raw if isinstance(raw, YSeq) else [raw]
    try:
        errors = tuple(ErrorExpect.model_validate(plain(item)) for item in items)
    except ValidationError as exc:
        raise CaseFileError(f"{relative(path)}: error: {_validation_message(exc)}") from None
    kinds = [k for k, v in (("pack", "rules"), ("scenario", "scenario")) if k in tree]
    if len(kinds) != 1:
        raise CaseFileError(f"{relative(path)}: an error case is a rule pack ('pack:') or a scenario")
    text = path.read_text(encoding="utf-8")
    blank = tuple(_top_level_block(text, key) for key in ("name", "error"))
    kind = "rules" if kinds[0] == "pack" else "scenario"
    return ErrorCase(path, tree.location("name").line, name, errors, kind, blank)


def _top_level_block(text: str, key: str) -> tuple[int, int]:
    """1-based first and last line of a top-level key and its value."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    end = start
    for j in range(start + 1, len(lines)):
        line = lines[j]
        if line.strip() and not line.startswith((" ", "\t", "#")):
            break
        if line.strip() and not line.lstrip().startswith("#"):
            end = j
    return start + 1, end + 1


# -- running ------------------------------------------------------------------------------------


def run_error_case(case: ErrorCase) -> None:
    """Load the case file as a pack or scenario; compare every diagnostic with ``error:``."""
    from policyengine.compiler import compile_pack
    from policyengine.validation.rulepack import load_rule_pack
    from policyengine.validation.scenario import load_scenario

    display = relative(case.file)
    lines = case.file.read_text(encoding="utf-8").split("\n")
    for first, last in case.blank:
        for i in range(first - 1, last):
            lines[i] = ""
    masked = "\n".join(lines).encode()
    on_disk = filesystem_reader()

    def reader(path: str, shown: str) -> bytes:
        if path == display:
            return masked
        return on_disk(str(ROOT / path) if not Path(path).is_absolute() else path, shown)

    try:
        if case.kind == "rules":
            compile_pack(load_rule_pack(display, reader=reader))
        else:
            # a scenario that loads may still warn (W codes): its warnings are compared the same way
            from policyengine.validation.warnings import scenario_warnings

            warnings = scenario_warnings(load_scenario(display, display, reader=reader))
            if warnings:
                _compare_errors(case, display, sort_diagnostics(warnings))
                return
    except InputError as exc:
        _compare_errors(case, display, exc.diagnostics)
        return
    raise CaseFailure(f"expected {_describe_expected(case.errors)}, but the file loads without error")


def _describe_expected(errors: tuple[ErrorExpect, ...]) -> str:
    return "; ".join(f"{e.code} at {e.at} containing {e.contains!r}" for e in errors)


def _compare_errors(case: ErrorCase, display: str, got: list[Diagnostic]) -> None:
    shown = "\n".join(d.format() for d in got)
    if len(got) != len(case.errors):
        raise CaseFailure(f"expected {len(case.errors)} diagnostic(s), got {len(got)}:\n{shown}")
    for want, d in zip(case.errors, got, strict=True):
        prefix = f"{display}:{want.at}: {want.code}: "
        text = d.format()
        problems = []
        if not text.startswith(prefix):
            problems.append(f"does not start with {prefix!r}")
        if want.contains not in d.message:
            problems.append(f"message lacks {want.contains!r}")
        if want.hint is not None and (d.hint is None or want.hint not in d.hint):
            problems.append(f"hint lacks {want.hint!r}")
        if problems:
            raise CaseFailure(f"diagnostic {', '.join(problems)}:\n{text}\n(all diagnostics:\n{shown})")


def world_text(case: RuleCase) -> str:
    """The case's world as a scenario document (YAML text)."""
    c = case.case
    if c.scenario is not None:
        doc = dict(c.scenario)
    else:
        assert c.extends is not None
        as_of = c.as_of or _as_of_of(case.file.parent / c.extends)
        header = {
            "id": f"case-{case.index + 1}",
            "title": {"ja": c.name, "en": c.name},
            "as_of": as_of,
            "extends": c.extends,
        }
        doc = {"scenario": header, **c.facts}
        if c.remove:
            doc["remove"] = c.remove
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _as_of_of(path: Path) -> dt.date:
    tree = read_document(str(path), relative(path)).tree
    header = tree.get("scenario")
    as_of = header.get("as_of") if isinstance(header, YMap) else None
    if not isinstance(as_of, dt.date):
        raise CaseFileError(f"{relative(path)} has no scenario.as_of to inherit")
    return as_of


def load_world(case: RuleCase) -> Any:
    """Load the case's world through the real scenario loader (extends, remove, cross-checks)."""
    from policyengine.validation.scenario import load_scenario

    # The world is shown to the loader as a file beside the case file, so that ``extends``
    # resolves relative to the case file; its name says which case it is.
    display = str(case.file.with_name(f"{case.file.stem}#{case.index + 1}.yaml"))
    text = world_text(case).encode()
    on_disk = filesystem_reader()

    def reader(path: str, shown: str) -> bytes:
        return text if path == display else on_disk(path, shown)

    return load_scenario(display, display, reader=reader)


_DERIVED = re.compile(r"^([a-z][a-z0-9_-]*)(?:\((.*)\))?$")


def _derived_pattern(text: str) -> tuple[str, dict[str, str]] | None:
    m = _DERIVED.match(text)
    if m is None or "/" in text:
        return None
    fields = {}
    for part in filter(None, (p.strip() for p in (m[2] or "").split(","))):
        name, _, value = part.partition("=")
        fields[name.strip()] = value.strip()
    return m[1], fields


def produced_by(result: Any) -> dict[str, dict[str, set[str]]]:
    """rule id -> {"outcomes": ids it produced, "derived": kinds of facts it derived}.

    Outcomes are recommendation and risk ids; a derived fact is recorded with its fields so
    that ``kind(field=value)`` patterns can be matched (see :func:`rule_produced`).
    """
    raw = result.raw
    rules = raw.compiled.rules
    out: dict[str, dict[str, set[str]]] = {}
    for o in raw.outcomes.values():
        for s in o.supports:
            out.setdefault(rules[s.rule].id, {}).setdefault("outcomes", set()).add(o.id)
    for f in raw.derived():
        if f.kind in ("recommendation", "risk"):
            continue
        for s in f.supports:
            out.setdefault(rules[s.rule].id, {}).setdefault("derived", set()).add(_fact_text(f))
    return out


def _fact_text(f: Any) -> str:
    return f.kind + "(" + ", ".join(f"{k}={_text(v)}" for k, v in sorted(f.fields.items())) + ")"


def _text(v: Any) -> str:
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def rule_produced(produced: dict[str, set[str]], wanted: str) -> bool:
    """Whether a rule's products include ``wanted`` (an outcome id or a derived-fact pattern)."""
    if wanted in produced.get("outcomes", set()):
        return True
    pattern = _derived_pattern(wanted)
    if pattern is None:
        return False
    kind, fields = pattern
    for fact in produced.get("derived", set()):
        got = _derived_pattern(fact)
        assert got is not None
        if got[0] == kind and all(got[1].get(k) == v for k, v in fields.items()):
            return True
    return False


def check_rule_case(case: RuleCase, pack: Any) -> None:
    """Evaluate the case's world; raise CaseFailure listing every unmet expectation."""
    from policyengine.api import evaluate, load_pack

    world = load_world(case)
    rules = load_pack(str(case.file.parent / case.case.rules)) if case.case.rules else pack
    result = evaluate(world, rules)
    e = case.case.expect
    vacuous = _vacuous(e, result.raw.compiled, world.scenario)
    if vacuous:
        raise CaseFailure("the case names things that cannot exist:\n" + "\n".join(f"- {p}" for p in vacuous))
    ids = set(result.ids)
    risks = {r.id for r in result.risks}
    produced = produced_by(result)
    problems: list[str] = []
    problems += [f"recommendation {i} is missing" for i in e.present if i not in ids]
    problems += [f"recommendation {i} should not be made" for i in e.absent if i in ids]
    if e.exactly is not None and sorted(e.exactly) != sorted(ids):
        extra, missing = sorted(ids - set(e.exactly)), sorted(set(e.exactly) - ids)
        problems.append(f"recommendations differ: unexpected {extra}, missing {missing}")
    problems += [f"risk {i} is missing" for i in e.risks if i not in risks]
    problems += [f"risk {i} should not be raised" for i in e.risks_absent if i in risks]
    for rule_id, wanted in e.fired.items():
        mine = produced.get(rule_id, {})
        if wanted == "any":
            if not mine:
                problems.append(f"rule {rule_id} did not fire")
            continue
        for w in wanted:
            if not rule_produced(mine, w):
                problems.append(f"rule {rule_id} did not produce {w}")
    for rule_id, unwanted in e.not_fired.items():
        mine = produced.get(rule_id, {})
        if unwanted == "any":
            if mine:
                problems.append(f"rule {rule_id} fired: {_products(mine)}")
            continue
        for w in unwanted:
            if rule_produced(mine, w):
                problems.append(f"rule {rule_id} produced {w}")
    if problems:
        raise CaseFailure(
            "\n".join(f"- {p}" for p in problems)
            + f"\n  recommendations: {sorted(ids)}\n  risks: {sorted(risks)}"
        )


def _products(mine: dict[str, set[str]]) -> str:
    return ", ".join(sorted(mine.get("outcomes", set()) | mine.get("derived", set())))


def _vacuous(e: Expect, compiled: Any, scenario: Any) -> list[str]:
    """Names in ``expect`` that no evaluation could produce (typos would make 'absent' and
    'not_fired' expectations pass for nothing)."""
    rules = {r.id: r for r in compiled.rules}
    actions = {r.output.recommend["action"] for r in compiled.rules if r.output.recommend}
    risk_kinds = {r.output.risk["kind"] for r in compiled.rules if r.output.risk}
    countries = {c.code for c in scenario.countries}
    targets = countries | {f.id for f in scenario.frameworks}
    problems = []

    def target_ok(target: str) -> bool:
        parts = target.split("+")
        return target in targets or (len(parts) > 1 and set(parts) <= countries)

    def outcome(text: str, pool: set[str], what: str) -> None:
        action, _, target = text.partition("/")
        if action not in pool:
            problems.append(f"no rule makes {what} '{action}' (in {text})")
        elif not target_ok(target):
            problems.append(f"'{target}' is no country, framework or grouping of this world (in {text})")

    for text in [*e.present, *e.absent, *(e.exactly or [])]:
        outcome(text, actions, "recommendation")
    for text in [*e.risks, *e.risks_absent]:
        outcome(text, risk_kinds, "risk")
    for rule_id, products in [*e.fired.items(), *e.not_fired.items()]:
        rule = rules.get(rule_id)
        if rule is None:
            problems.append(f"no rule '{rule_id}' in the pack")
            continue
        if products == "any":
            continue
        mine = {k for k, _ in rule.output.derive}
        if rule.output.recommend:
            mine.add(rule.output.recommend["action"])
        if rule.output.risk:
            mine.add(rule.output.risk["kind"])
        for text in products:
            pattern = None if "/" in text else _derived_pattern(text)
            if pattern is None:
                outcome(text, actions | risk_kinds, "recommendation or risk")
                head = text.partition("/")[0]
            else:
                head, fields = pattern
                spec = compiled.kinds.specs.get(head)
                unknown = sorted(set(fields) - set(spec.fields)) if spec else []
                if unknown:
                    problems.append(f"'{head}' facts have no field {', '.join(unknown)} (in {text})")
            if head not in mine:
                problems.append(f"rule {rule_id} never produces {head} (in {text})")
    return problems
