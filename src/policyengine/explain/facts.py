"""The facts of one evaluation as explanations show them: in words, with where they come from.

A scenario fact is located at the exact line of the entry the rule saw (the ``JPN`` in a
framework's ``members``, not only the framework), with the ``extends`` chain it was reached
through, and carries its own citation of the paper. A derived fact is explained by the rules
that derived it (see :mod:`~policyengine.explain.derivation`).
"""

from __future__ import annotations

from typing import Any

from policyengine.compiler.ir import RuleIR
from policyengine.compiler.pipeline import CompiledPack
from policyengine.compiler.wording import Wording, i18n
from policyengine.engine.runtime import EngineFact, RawEvaluation, fact_ref
from policyengine.errors.locations import Location, shorten
from policyengine.explain.nodes import FactNode, RuleInfo
from policyengine.loading.yamltree import YMap, YSeq
from policyengine.models.factview import ViewFact
from policyengine.models.names import Names
from policyengine.validation.scenario import LoadedScenario


def rule_info(rule: RuleIR) -> RuleInfo:
    src = rule.rule.source
    title = {"ja": rule.rule.title.ja, "en": rule.rule.title.en}
    location = str(shorten(rule.location))
    return RuleInfo(rule.id, title, location, src.document, src.section, src.quote, rule.stratum)


def view_location(loaded: LoadedScenario, view: ViewFact) -> Location | None:
    """Where the part of a scenario fact that a view fact shows is written."""
    origin = loaded.origin(view.origin)
    if origin is None:
        return None
    if not view.detail:
        return origin.location
    name, _, key = view.detail.partition(".")
    container = origin.raw.get(name)
    via = origin.location.via
    if isinstance(container, YMap) and key in container:
        return container.location(key).with_via(via)
    if isinstance(container, YSeq):
        for i, item in enumerate(container):
            if item == key or (isinstance(item, YMap) and item.get("id") == key):
                return container.location(i).with_via(via)
    return origin.field_location(name)


def _source(model: Any) -> dict[str, str] | None:
    src = getattr(model, "source", None)
    if src is None:
        return None
    out = {"document": src.document}
    if src.locator:
        out["locator"] = src.locator
    if src.quote:
        out["quote"] = src.quote
    return out


class FactIndex:
    """Looks facts up by the references trace events use, and describes them."""

    def __init__(self, raw: RawEvaluation, loaded: LoadedScenario, compiled: CompiledPack) -> None:
        self.raw = raw
        self.loaded = loaded
        self.compiled = compiled
        self.names = Names(loaded.scenario)
        self.wording = Wording(self.names, compiled.kinds, compiled.rules)
        self.by_ref: dict[str, EngineFact] = {fact_ref(f): f for f in raw.facts.values()}

    def fact(self, ref: str) -> EngineFact:
        return self.by_ref[ref]

    def model(self, f: EngineFact) -> Any:
        return f.view.model if f.view is not None else None

    def text(self, f: EngineFact) -> dict[str, str]:
        model = self.model(f)
        return i18n(lambda lang: self.wording.fact(f.kind, f.fields, model, lang))

    def node(self, f: EngineFact) -> FactNode:
        """A fact without its derivation (the derivation builder fills ``derived_by``)."""
        node = FactNode(fact_ref(f), f.kind, self.text(f), dict(f.fields))
        if f.view is not None:
            node.origin = f.view.origin
            loc = view_location(self.loaded, f.view)
            node.location = shorten(loc).describe() if loc is not None else None
            model = f.view.model
            node.source = _source(model)
            note = getattr(model, "note", None)
            node.note = note if isinstance(note, str) else None
        return node


__all__ = ["FactIndex", "rule_info", "view_location"]
