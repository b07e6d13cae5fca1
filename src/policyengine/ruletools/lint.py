"""Linting rule packs: located findings that a pack is broken, untrue to its source, or dead.

Everything is collected, nothing is raised: the loader's and the compiler's own diagnostics
(duplicate ids E302, unknown kinds and fields E401, unknown variables E402, templates naming
unbound variables E404, negation cycles E405 ...) become findings beside lint's own checks:

* E406  a quote or ``also`` passage that does not occur in the source text (whitespace ignored);
* L101  a rule that fires in none of the scenarios;
* L102  a derived fact no rule uses;
* L103  a missing translation (empty, identical in ja and en, ja without Japanese, en without Latin);
* L104  a quote or ``also`` passage found in another section than the rule names;
* L105  a source document the pack does not declare;
* L106  ja and en templates that name different facts.

Findings are :class:`~policyengine.errors.Diagnostic` values, sorted by location.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policyengine.compiler.pipeline import CompileContext, compile_pack
from policyengine.compiler.templates import TemplateSyntaxError, parse_template
from policyengine.errors import Diagnostic, DiagnosticSink, InputError, input_error, sort_diagnostics
from policyengine.errors.locations import Location, display_path, shorten
from policyengine.loading.documents import read_document
from policyengine.loading.packfiles import pack_files
from policyengine.loading.sources import SourceText, squash
from policyengine.loading.yamltree import YMap, locate
from policyengine.validation.rulepack import LoadedRule, LoadedRulePack, collect_rule_pack

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass
class LintReport:
    """What ``rules lint`` found in one pack."""

    pack: str
    findings: list[Diagnostic]
    rules: int
    scenarios: list[str]
    source: str
    notes: list[str] = field(default_factory=list)  # checks that could not run, and why

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "clean": self.clean,
            "rules": self.rules,
            "scenarios": list(self.scenarios),
            "source": self.source,
            "findings": [
                {
                    "file": d.location.file if d.location else None,
                    "line": d.location.line if d.location else None,
                    "column": d.location.column if d.location else None,
                    "code": d.code,
                    "message": d.message,
                    "hint": d.hint,
                }
                for d in self.findings
            ],
            "notes": list(self.notes),
        }


def default_scenarios() -> list[str]:
    """The scenarios lint runs by default: ``scenarios/*.yaml`` here, else beside the checkout."""
    for folder in (Path("scenarios"), Path(__file__).resolve().parents[3] / "scenarios"):
        found = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if found:
            return [display_path(str(f)) for f in found]
    return []


def scenario_files(paths: Sequence[str]) -> list[str]:
    """Files named, and the ``*.yaml`` files of folders named, sorted; missing ones are errors."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(str(f) for f in path.glob("*.yaml")))
        elif path.is_file():
            out.append(p)
        else:
            raise input_error(
                "E101", "scenario file not found", Location(p), "give a scenario file or a folder"
            )
    return out


# -- where things are written ------------------------------------------------------------------


# -- checks ------------------------------------------------------------------------------------


def _prefix_found(quote: str, source: SourceText) -> int:
    """Length of the longest prefix of the (squashed) quote that the source contains."""
    q = squash(quote)
    lo, hi = 0, len(q)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if source.contains(q[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return lo


@dataclass(frozen=True)
class _Passage:
    """One passage a rule cites: its main quote (``item`` None) or an item of ``also``."""

    text: str
    path: tuple[str | int, ...]  # in the rule's YAML
    item: int | None = None  # 1-based

    @property
    def name(self) -> str:
        return "quote" if self.item is None else f"'also' passage {self.item}"


def _passages(lr: LoadedRule) -> Iterator[_Passage]:
    src = lr.rule.source
    yield _Passage(src.quote, ("source", "quote"))
    for i, text in enumerate(src.also):
        yield _Passage(text, ("source", "also", i), i + 1)


def check_quotes(pack: LoadedRulePack, source: SourceText) -> Iterator[Diagnostic]:
    """Each rule's quote and ``also`` passages: in the source, and in the section it names."""
    declared = set(pack.pack.documents)
    for lr in pack.rules:
        src = lr.rule.source
        rid = lr.rule.id
        if declared and src.document not in declared:
            yield Diagnostic(
                locate(lr.raw, "source", "document"),
                "L105",
                f"rule '{rid}': cites document '{src.document}', which the pack does not declare",
                "declare it under pack.documents, or fix the id: " + ", ".join(sorted(declared)),
            )
        for p in _passages(lr):
            main = p.item is None
            if not source.contains(p.text):
                q = squash(p.text)
                k = _prefix_found(p.text, source)
                if k >= 4:
                    hint = (
                        f"the source has {'the quote' if main else 'the passage'} up to "
                        f"'…{q[max(0, k - 12) : k]}' but not '{q[k : k + 12]}…'"
                    )
                else:
                    hint = "no part of it was found: copy the passage from the source text"
                yield Diagnostic(
                    locate(lr.raw, *p.path),
                    "E406",
                    f"rule '{rid}': {p.name} not found in {source.name} (whitespace ignored)",
                    hint,
                )
                continue
            section = source.section_of(p.text)
            if section is not None and section != src.section:
                # the main quote places the rule, so its section is what to fix; an 'also'
                # passage elsewhere is the odd one out
                yield Diagnostic(
                    locate(lr.raw, "source", "section") if main else locate(lr.raw, *p.path),
                    "L104",
                    f"rule '{rid}': {'the quote' if main else p.name} is in section '{section}', "
                    f"not '{src.section}'",
                    f"write section: {section}" if main else "cite passages of the rule's section only",
                )


def _texts(lr: LoadedRule) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every ja/en text of a rule with its path in the YAML."""
    r = lr.rule
    yield ("title",), r.title
    if r.description is not None:
        yield ("description",), r.description
    if r.then.recommend is not None:
        yield ("then", "recommend", "justification"), r.then.recommend.justification
    if r.then.risk is not None:
        yield ("then", "risk", "message"), r.then.risk.message


def _translation(where: str, text: Any, raw: Any, path: tuple[str | int, ...]) -> Iterator[Diagnostic]:
    ja, en = text.ja, text.en
    loc_ja, loc_en = locate(raw, *path, "ja"), locate(raw, *path, "en")
    if not ja.strip():
        yield Diagnostic(loc_ja, "L103", f"{where}: the Japanese text is empty", "write it in Japanese")
    elif not _JAPANESE.search(ja):
        yield Diagnostic(loc_ja, "L103", f"{where}: the Japanese text has no Japanese in it", "translate it")
    if not en.strip():
        yield Diagnostic(loc_en, "L103", f"{where}: the English text is empty", "write it in English")
    elif not _LATIN.search(en):
        yield Diagnostic(loc_en, "L103", f"{where}: the English text has no English in it", "translate it")
    if ja.strip() and ja.strip() == en.strip():
        yield Diagnostic(loc_en, "L103", f"{where}: ja and en are the same text", "translate one of them")


def check_translations(pack: LoadedRulePack) -> Iterator[Diagnostic]:
    header_raw = _header_tree(pack)
    if header_raw is not None:
        h = pack.pack
        yield from _translation(f"pack '{h.id}' title", h.title, header_raw, ("pack", "title"))
        if h.description is not None:
            yield from _translation(
                f"pack '{h.id}' description", h.description, header_raw, ("pack", "description")
            )
        for doc_id, info in h.documents.items():
            yield from _translation(
                f"document '{doc_id}' title", info.title, header_raw, ("pack", "documents", doc_id, "title")
            )
    for lr in pack.rules:
        for path, text in _texts(lr):
            yield from _translation(f"rule '{lr.rule.id}' {path[-1]}", text, lr.raw, path)
            if path[-1] in ("justification", "message"):
                yield from _same_holes(lr, path, text)


def _same_holes(lr: LoadedRule, path: tuple[str | int, ...], text: Any) -> Iterator[Diagnostic]:
    try:
        ja = set(parse_template(text.ja).holes())
        en = set(parse_template(text.en).holes())
    except TemplateSyntaxError:
        return  # the compiler reports it (E404)
    bound = {c.as_ for c in lr.rule.when if c.as_}
    if any(var not in bound for var, _ in ja | en):
        return  # a hole names an unbound variable: the compiler reports it (E404)
    if ja != en:

        def names(holes: set[tuple[str, str | None]]) -> str:
            return ", ".join(sorted("{" + v + (f".{f}" if f else "") + "}" for v, f in holes)) or "none"

        yield Diagnostic(
            locate(lr.raw, *path, "en"),
            "L106",
            f"rule '{lr.rule.id}' {path[-1]}: ja names {names(ja - en)} that en does not, "
            f"en names {names(en - ja)} that ja does not",
            "both languages should say the same facts",
        )


def _header_tree(pack: LoadedRulePack) -> YMap | None:
    if not pack.files:
        return None
    try:
        return read_document(pack.files[0], pack.files[0]).tree
    except InputError:
        return None


def check_unused_derived(pack: LoadedRulePack) -> Iterator[Diagnostic]:
    used = {c.kind for lr in pack.rules for c in lr.rule.when}
    for lr in pack.rules:
        for i, d in enumerate(lr.rule.then.derive):
            if d.kind not in used:
                yield Diagnostic(
                    locate(lr.raw, "then", "derive", i, "kind"),
                    "L102",
                    f"rule '{lr.rule.id}': derives '{d.kind}', which no rule uses",
                    "use it in a 'when' condition, or remove the derivation",
                )


def check_fires(pack: LoadedRulePack, scenarios: Sequence[str]) -> Iterator[Diagnostic]:
    """Rules that fire in none of the scenarios (the pack must compile)."""
    from policyengine.engine import prepare
    from policyengine.validation.scenario import load_scenario

    compiled = compile_pack(pack)
    prepared = prepare(compiled)
    fired: set[int] = set()
    for path in scenarios:
        raw = prepared.evaluate(load_scenario(path)).raw
        assert raw is not None
        for f in raw.facts.values():
            fired.update(s.rule for s in f.supports)
        for o in raw.outcomes.values():
            fired.update(s.rule for s in o.supports)
    names = ", ".join(Path(s).name for s in scenarios)
    for r in compiled.rules:
        if r.index not in fired:
            lr = pack.rules[r.index]
            yield Diagnostic(
                locate(lr.raw, "id"),
                "L101",
                f"rule '{r.id}' fires in none of the {len(scenarios)} scenarios ({names})",
                "add a scenario in which it applies, or check its conditions "
                "(`policyengine explain SCENARIO ACTION/TARGET` says why an outcome is not made)",
            )


# -- the whole lint ----------------------------------------------------------------------------


def _compile_diagnostics(pack: LoadedRulePack) -> list[Diagnostic]:
    """Every diagnostic of the compiler's checking stages, without stopping at the first."""
    from policyengine.compiler.pipeline import STAGES

    ctx = CompileContext(pack)
    for name, stage in STAGES:
        if name == "emit":
            break
        stage(ctx)
    return list(ctx.sink.items)


def lint_pack(path: str, source: SourceText, scenarios: Sequence[str]) -> LintReport:
    """Lint the pack at ``path`` against a source text and scenario files.

    Raises InputError only when ``path`` names no pack at all (or a scenario cannot be loaded);
    everything wrong inside the pack is a finding.
    """
    if not Path(path).exists():
        raise input_error("E101", "rule pack not found", Location(path), "give a rule-pack file or folder")
    pack_files(path)  # a path that is no pack is a usage error, not a finding
    sink = DiagnosticSink()
    pack = collect_rule_pack(path, sink)
    report = LintReport(display_path(path), [], 0, list(scenarios), source.name)
    findings = list(sink.items)
    if pack is None:
        report.notes.append("no valid 'pack:' header: only the files' own errors are reported")
        report.findings = _shorten_all(findings)
        return report
    report.rules = len(pack.rules)
    compiler = _compile_diagnostics(pack)
    findings += compiler
    findings += check_quotes(pack, source)
    findings += check_translations(pack)
    if sink.items:
        report.notes.append("some rules could not be loaded: derived facts were not checked for use")
    else:
        findings += check_unused_derived(pack)
    if sink.items or compiler:
        report.notes.append("the pack has errors: its rules were not run against the scenarios")
    elif not scenarios:
        report.notes.append("no scenarios: rules were not run (give --scenarios)")
    else:
        findings += check_fires(pack, scenarios)
    report.findings = _shorten_all(findings)
    return report


def _shorten_all(findings: list[Diagnostic]) -> list[Diagnostic]:
    return sort_diagnostics(
        Diagnostic(shorten(d.location) if d.location else None, d.code, d.message, d.hint) for d in findings
    )


__all__ = [
    "LintReport",
    "check_fires",
    "check_quotes",
    "check_translations",
    "check_unused_derived",
    "default_scenarios",
    "lint_pack",
    "scenario_files",
]
