"""Rule-pack files: located trees -> validated RulePackFile models (shape only).

A pack is one YAML file, or a folder whose ``*.yaml`` files together form one pack.
What conditions mean is checked by the compiler (``policyengine.compiler``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from pydantic import ValidationError

from policyengine.errors import DiagnosticSink, InputError
from policyengine.errors.locations import Location
from policyengine.loading.documents import Reader, read_document
from policyengine.loading.packfiles import pack_files
from policyengine.loading.yamltree import DEFAULT_LIMITS, Limits, YMap, YSeq
from policyengine.models.rules import PackHeader, Rule, RulePackFile
from policyengine.validation.pydantic_errors import combine, diagnostics_from


@dataclass(frozen=True)
class LoadedRule:
    rule: Rule
    raw: YMap
    file: str

    @property
    def location(self) -> Location:
        return self.raw.location()


@dataclass
class LoadedRulePack:
    """A validated pack: its header (of the first file) and the rules of all its files."""

    pack: PackHeader
    rules: list[LoadedRule]
    files: list[str] = field(default_factory=list)
    path: str = ""

    def rule(self, rule_id: str) -> LoadedRule | None:
        return next((r for r in self.rules if r.rule.id == rule_id), None)


def load_rule_pack(
    path: str, *, reader: Reader | None = None, limits: Limits = DEFAULT_LIMITS
) -> LoadedRulePack:
    """Load and shape-check a rule pack (file or folder); every problem of every file at once."""
    sink = DiagnosticSink()
    pack = _load(path, sink, reader=reader, limits=limits, salvage=False)
    sink.raise_if_any()
    assert pack is not None
    return pack


def collect_rule_pack(
    path: str, sink: DiagnosticSink, *, reader: Reader | None = None, limits: Limits = DEFAULT_LIMITS
) -> LoadedRulePack | None:
    """Load what can be loaded of a pack; every problem goes to ``sink`` instead of being raised.

    For tools that report on a broken pack (``policyengine rules lint``): a file whose shape is
    wrong still contributes its well-formed rules. None when no file has a valid ``pack:``
    header. A path that names no pack at all is still an InputError.
    """
    return _load(path, sink, reader=reader, limits=limits, salvage=True)


def _salvage(tree: YMap) -> tuple[PackHeader | None, list[tuple[int, Rule]]]:
    """The header and the rules of a file that fail validation as a whole, each on its own."""
    header = None
    with contextlib.suppress(ValidationError):
        header = PackHeader.model_validate(tree.get("pack"))
    rules = []
    raw_rules = tree.get("rules")
    if isinstance(raw_rules, YSeq):
        for i, raw in enumerate(raw_rules):
            try:
                rules.append((i, Rule.model_validate(raw)))
            except ValidationError:
                continue
    return header, rules


def _load(
    path: str, sink: DiagnosticSink, *, reader: Reader | None, limits: Limits, salvage: bool
) -> LoadedRulePack | None:
    header: PackHeader | None = None
    rules: list[LoadedRule] = []
    files = pack_files(path)
    first_seen: dict[str, LoadedRule] = {}
    for name in files:
        try:
            doc = read_document(name, name, reader=reader, limits=limits, collect=True)
        except InputError as exc:
            sink.extend(exc.diagnostics)
            continue
        try:
            model = RulePackFile.model_validate(doc.tree)
            file_header: PackHeader | None = model.pack
            numbered = list(enumerate(model.rules))
        except ValidationError as exc:
            sink.extend(combine(doc.problems, diagnostics_from(exc, doc.tree, RulePackFile)))
            if not salvage:
                continue
            file_header, numbered = _salvage(doc.tree)
        else:
            sink.extend(doc.problems)
        if file_header is None:
            pass
        elif header is None:
            header = file_header
        elif file_header.id != header.id:
            sink.add(
                "E307",
                f"pack id '{file_header.id}' differs from '{header.id}' of {files[0]}",
                doc.tree.location("pack"),
                "all files of one pack share its id",
            )
        raw_rules = doc.tree.get("rules")
        for i, rule in numbered:
            raw = raw_rules[i] if isinstance(raw_rules, YSeq) and isinstance(raw_rules[i], YMap) else doc.tree
            loaded = LoadedRule(rule, raw, doc.display)
            if rule.id in first_seen:
                prev = first_seen[rule.id]
                sink.add(
                    "E302",
                    f"rule id '{rule.id}' is used twice (first at {prev.location})",
                    raw.location("id", of_value=True),
                    "rule ids are the contract of diffs and tests; rename one",
                )
                continue
            first_seen[rule.id] = loaded
            rules.append(loaded)
    if header is None:
        return None
    return LoadedRulePack(header, rules, files, path)
