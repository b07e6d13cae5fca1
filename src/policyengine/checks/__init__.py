"""Checking a scenario's conclusions against an expectations file (``policyengine check``).

An expectations file (models: :mod:`policyengine.models.expectations`) lists recommendations
that must appear (optionally with their priority), must not appear, and risks that must or
must not be raised; ``exhaustive: true`` also forbids anything not listed. Every expectation is
checked and reported, each broken one with where it is written and why it broke.

Files are validated and located like scenario files; ids are checked against the rule pack
(an action no rule recommends is a typo, which would otherwise pass a "must not" silently) and
the scenario (an unknown target likewise).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from policyengine.errors import DiagnosticSink, InputError
from policyengine.errors.locations import Location
from policyengine.errors.suggest import hint_for
from policyengine.loading.documents import Reader, read_document
from policyengine.loading.yamltree import DEFAULT_LIMITS, Limits, YMap, YSeq
from policyengine.models.expectations import ExpectationsFile
from policyengine.models.names import value as value_name
from policyengine.models.outcome_ids import candidates, canonical_id, did_you_mean_ids
from policyengine.text import Labels
from policyengine.validation.pydantic_errors import diagnostics_from

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.engine.results import Recommendation, Result, Risk
    from policyengine.explain import Reasons
    from policyengine.validation.scenario import LoadedScenario

#: list key -> (kind of outcome, must it appear?)
LISTS: dict[str, tuple[str, bool]] = {
    "recommended": ("recommendation", True),
    "not_recommended": ("recommendation", False),
    "risks": ("risk", True),
    "no_risks": ("risk", False),
}


@dataclass(frozen=True)
class LoadedExpectations:
    model: ExpectationsFile
    tree: YMap
    path: str

    def location(self, key: str, index: int | None = None) -> Location:
        """Where ``key`` (or its ``index``-th entry) is written."""
        node = self.tree.get(key)
        if index is not None and isinstance(node, YSeq):
            return node.location(index)
        return self.tree.location(key) if key in self.tree else self.tree.location()

    def header_location(self, key: str) -> Location:
        header = self.tree.get("expectations")
        if isinstance(header, YMap) and key in header:
            return header.location(key, of_value=True)
        return self.location("expectations")


def load_expectations(
    path: str, *, reader: Reader | None = None, limits: Limits = DEFAULT_LIMITS
) -> LoadedExpectations:
    """Read and validate an expectations file; every problem at once, located."""
    doc = read_document(path, path, reader=reader, limits=limits)
    try:
        model = ExpectationsFile.model_validate(doc.tree)
    except ValidationError as exc:
        raise InputError(diagnostics_from(exc, doc.tree, ExpectationsFile)) from None
    loaded = LoadedExpectations(model, doc.tree, doc.display)
    sink = DiagnosticSink()
    _listed_once(loaded, sink)
    sink.raise_if_any()
    return loaded


def _listed_once(loaded: LoadedExpectations, sink: DiagnosticSink) -> None:
    """Each outcome is listed once: not twice in a list, not both expected and ruled out."""
    seen: dict[str, tuple[str, int]] = {}
    for key in LISTS:
        for i, item in enumerate(getattr(loaded.model, key)):
            where = loaded.location(key, i)
            ident = f"{LISTS[key][0]}:{item.id}"
            if ident in seen:
                first_key, first_i = seen[ident]
                first = loaded.location(first_key, first_i)
                if first_key == key:
                    sink.add(
                        "E302", f"'{item.id}' is listed twice in '{key}' (first at line {first.line})", where
                    )
                else:
                    sink.add(
                        "E307",
                        f"'{item.id}' is listed both in '{first_key}' (line {first.line}) and in '{key}'",
                        where,
                        "an outcome cannot be both expected and ruled out",
                    )
                continue
            seen[ident] = (key, i)


def validate_against(
    expectations: LoadedExpectations, loaded: LoadedScenario, compiled: CompiledPack
) -> LoadedExpectations:
    """Ids must name actions or risk kinds of the pack and targets of the scenario; returned with
    every id in its canonical form (ids may be typed as on the command line: ``extend-asset-
    protection/UK``, ``propose-framework/JPN+KOR+AUS``, ``elevate-cooperation/QUAD``)."""
    sink = DiagnosticSink()
    sc = loaded.scenario
    wanted = expectations.model.expectations.scenario
    if wanted is not None and wanted != sc.scenario.id:
        sink.add(
            "E307",
            f"these expectations are for scenario '{wanted}', not '{sc.scenario.id}' ({loaded.path})",
            expectations.header_location("scenario"),
            "check the scenario they were written for, or change 'scenario:'",
        )
    actions = {r.output.recommend["action"] for r in compiled.rules if r.output.recommend}
    risk_kinds = {r.output.risk["kind"] for r in compiled.rules if r.output.risk}
    codes = {c.code for c in sc.countries}
    targets = codes | {f.id for f in sc.frameworks}
    lists: dict[str, list[Any]] = {}
    for key, (kind, _) in LISTS.items():
        pool = actions if kind == "recommendation" else risk_kinds
        lists[key] = []
        for i, item in enumerate(getattr(expectations.model, key)):
            canonical = canonical_id(item.id, sc, pool)
            action, _, target = canonical.partition("/")
            where = expectations.location(key, i)
            lists[key].append(item.model_copy(update={"id": canonical}))
            if action not in pool:
                verb = "recommends" if kind == "recommendation" else "raises"
                sink.add(
                    "E301",
                    f"no rule of pack '{compiled.pack.id}' {verb} '{action}' (in '{item.id}')",
                    where,
                    hint_for(action, pool, noun="actions" if kind == "recommendation" else "risk kinds"),
                )
            parts = target.split("+")
            known = target in targets or (len(parts) > 1 and all(p in codes for p in parts))
            if not known:
                meant = candidates(canonical, sc, pool)
                sink.add(
                    "E301",
                    f"unknown target '{target}' in '{item.id}': not a country, framework or A+B grouping "
                    f"of scenario '{sc.scenario.id}'",
                    where,
                    did_you_mean_ids(meant) if meant else hint_for(target, targets, noun="targets"),
                )
    sink.raise_if_any()
    canonical_file = replace(expectations, model=expectations.model.model_copy(update=lists))
    _listed_once(canonical_file, sink)  # UK and GBR are one outcome
    sink.raise_if_any()
    return canonical_file


@dataclass(frozen=True)
class Finding:
    """One expectation and whether it holds, with what was found and why."""

    expectation: str  # recommended | not_recommended | risks | no_risks | exhaustive
    id: str
    ok: bool
    message: str
    location: Location | None = None
    note: str | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "id": self.id,
            "ok": self.ok,
            "message": self.message,
            "location": str(self.location) if self.location else None,
            "note": self.note,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class CheckReport:
    scenario_id: str
    as_of: str
    scenario_files: tuple[str, ...]
    expectations_path: str
    pack_id: str
    findings: tuple[Finding, ...]

    @property
    def broken(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    @property
    def passed(self) -> bool:
        return not self.broken

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": {"id": self.scenario_id, "as_of": self.as_of, "files": list(self.scenario_files)},
            "expectations": self.expectations_path,
            "pack": self.pack_id,
            "passed": self.passed,
            "summary": {"expectations": len(self.findings), "broken": len(self.broken)},
            "findings": [f.to_dict() for f in self.findings],
        }


#: the words of a finding's message, by language (reasons come localized from explain)
_WORDS = Labels("expectations")


def _words(lang: str) -> dict[str, str]:
    return _WORDS["ja" if lang == "ja" else "en"]


def _absent(kind: str, lang: str) -> str:
    return _words(lang)[f"absent-{kind}"]


def _judge(
    key: str,
    kind: str,
    must: bool,
    item: Any,
    found: Recommendation | Risk | None,
    where: Location,
    reasons: Reasons,
    lang: str,
) -> Finding:
    """One expectation against what the evaluation gave."""
    w = _words(lang)
    noun = w[kind]
    if found is None:
        if must:
            return Finding(
                key,
                item.id,
                False,
                _absent(kind, lang),
                where,
                item.note,
                tuple(reasons.missing(kind, item.id, lang)),
            )
        return Finding(key, item.id, True, _absent(kind, lang), where, item.note)
    if not must:
        return Finding(
            key, item.id, False, noun, where, item.note, tuple(reasons.present(kind, item.id, lang))
        )
    level_name = "priority" if kind == "recommendation" else "severity"
    wanted = getattr(item, level_name)
    actual = getattr(found, level_name)
    level, shown = w[level_name], value_name(actual, lang)
    if wanted is not None and wanted != actual:
        why = (w["set_by"].format(level=level, actual=shown, rule=found.rule),)
        message = w["level_differs"].format(
            noun=noun, level=level, actual=shown, wanted=value_name(wanted, lang)
        )
        return Finding(key, item.id, False, message, where, item.note, why)
    return Finding(
        key, item.id, True, w["level_ok"].format(noun=noun, level=level, actual=shown), where, item.note
    )


def check(
    expectations: LoadedExpectations, loaded: LoadedScenario, result: Result, *, lang: str = "en"
) -> CheckReport:
    """Check every expectation against an evaluation's result (after :func:`validate_against`)."""
    model = expectations.model
    recs: dict[str, Recommendation | Risk] = {r.id: r for r in result.recommendations}
    risks: dict[str, Recommendation | Risk] = {r.id: r for r in result.risks}
    findings: list[Finding] = []
    from policyengine.explain import Reasons

    reasons = Reasons(loaded, result)
    for key, (kind, must) in LISTS.items():
        present = recs if kind == "recommendation" else risks
        for i, item in enumerate(getattr(model, key)):
            where = expectations.location(key, i)
            findings.append(_judge(key, kind, must, item, present.get(item.id), where, reasons, lang))
    if model.expectations.exhaustive:
        where = expectations.header_location("exhaustive")
        listed = {i.id for i in model.recommended}
        listed_risks = {i.id for i in model.risks}
        for oid in recs:
            if oid not in listed:
                findings.append(
                    Finding(
                        "exhaustive",
                        oid,
                        False,
                        _words(lang)["unlisted"].format(
                            noun=_words(lang)["recommendation"], key="recommended"
                        ),
                        where,
                        None,
                        tuple(reasons.present("recommendation", oid, lang)),
                    )
                )
        for oid in risks:
            if oid not in listed_risks:
                findings.append(
                    Finding(
                        "exhaustive",
                        oid,
                        False,
                        _words(lang)["unlisted"].format(noun=_words(lang)["risk"], key="risks"),
                        where,
                        None,
                        tuple(reasons.present("risk", oid, lang)),
                    )
                )
    header = loaded.scenario.scenario
    return CheckReport(
        header.id,
        header.as_of.isoformat(),
        tuple(loaded.files),
        expectations.path,
        result.pack_id,
        tuple(findings),
    )


def check_files(
    scenario: str, expectations: str, rules: str | CompiledPack | None = None, *, lang: str = "en"
) -> CheckReport:
    """Load a scenario (a file or REV:PATH) and an expectations file, evaluate and check."""
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.core import evaluate, load_pack
    from policyengine.core.gitfiles import load_any

    # Both inputs are read before either error is reported, so that users see every problem.
    sink = DiagnosticSink()
    loaded: LoadedScenario | None = None
    expected: LoadedExpectations | None = None
    try:
        loaded = load_any(scenario)
    except InputError as exc:
        sink.extend(exc.diagnostics)
    try:
        expected = load_expectations(expectations)
    except InputError as exc:
        sink.extend(exc.diagnostics)
    sink.raise_if_any()
    assert loaded is not None and expected is not None
    pack = rules if isinstance(rules, CompiledPack) else load_pack(rules)
    expected = validate_against(expected, loaded, pack)
    return check(expected, loaded, evaluate(loaded, pack), lang=lang)
