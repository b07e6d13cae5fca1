"""The prose of an evaluation's results: justifications, risk messages, "because" lines, names.

An evaluation returns data (:mod:`policyengine.engine.results`): outcomes, the facts each
support bound, evidence. Its texts are written here, above the engine, when an output reads
them and in the language it reads: the engine never imports the display names or the wording
of conditions. A :class:`ResultProse` is made for a result on the first text read and shared
by all its texts; ``api.evaluate`` (and the other builders of results) hand the class to
``build_result``.
"""

from __future__ import annotations

from typing import Any

from policyengine.compiler.emit import COUNT
from policyengine.compiler.ir import Template
from policyengine.compiler.wording import Wording
from policyengine.engine.runtime import EngineFact, RawEvaluation, Support
from policyengine.models.names import Names


class ResultProse:
    """Writes the texts of one evaluation's results (``results.ProseWriter``)."""

    def __init__(self, raw: RawEvaluation, loaded: Any) -> None:
        self.raw = raw
        self.names = Names(loaded.scenario)
        self.wording = Wording(self.names, raw.compiled.kinds, raw.compiled.rules)
        self.rules = raw.compiled.rules

    def target(self, target: str, lang: str) -> str:
        """The display name of an outcome's target (a country, framework or grouping)."""
        if "+" in target:  # a grouping is a list of names: "Japan, Australia and the Republic of Korea"
            return self.names.in_sentence("target", target, lang)
        return self.names.target(target, lang)

    def template(self, tpl: Template, support: Support, lang: str) -> str:
        """A justification or message template with the facts the support bound."""
        rule = self.rules[support.rule]
        bound = dict(support.first())
        out = []
        for part in tpl.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            var, field_name = part
            fact = self.raw.facts[bound[var]]
            before = "".join(out).rstrip()
            start = not before or before.endswith((".", ":", "!", "?"))
            out.append(self._hole(fact, rule.var_kinds[var], field_name, lang, start=start))
        return "".join(out)

    def because(self, support: Support, lang: str) -> str:
        """The one-line summary of the conditions that held for this support."""
        rule = self.rules[support.rule]
        facts: dict[str, tuple[str, dict[str, Any], Any]] = {}
        counts: dict[int, int] = {}
        for name, fid in support.first():
            f = self.raw.facts[fid]
            if f.kind == COUNT:
                counts[int(name[1:])] = int(f.fields["n"])
            else:
                facts[name] = (f.kind, f.fields, f.view.model if f.view is not None else None)
        return self.wording.because(rule, facts, counts, lang)

    def _hole(
        self, fact: EngineFact, kind: str, field_name: str | None, lang: str, *, start: bool = False
    ) -> str:
        """A template's hole: in English, a name said in a sentence ("the United Kingdom")."""
        spec = self.raw.compiled.kinds.specs[kind]
        if field_name is None:
            name = self._fact_name(fact, kind, lang)
            if lang == "en" and spec.identity in spec.fields and kind not in ("mechanism", "capability"):
                refers = spec.fields[spec.identity].refers_to or kind
                name = self.names.in_sentence(refers, fact.fields.get(spec.identity), lang, start=start)
            return name
        fspec = spec.fields[field_name]
        return self.names.in_sentence(fspec.refers_to, fact.fields.get(field_name), lang, start=start)

    def _fact_name(self, fact: EngineFact, kind: str, lang: str) -> str:
        spec = self.raw.compiled.kinds.specs[kind]
        if spec.identity and spec.identity in spec.fields:
            fspec = spec.fields[spec.identity]
            raw = fact.fields.get(spec.identity)
            if kind == "mechanism" and fact.view is not None and fact.view.model is not None:
                return str(fact.view.model.name.get(lang))
            if kind == "capability":
                return self.names.entity("capability-domain", fact.fields.get("domain"), lang)
            if kind == "asset_protection":
                return self.names.country(str(raw), lang)
            return self.names.entity(fspec.refers_to or kind, raw, lang)
        parts = [
            self.names.entity(spec.fields[k].refers_to if k in spec.fields else None, v, lang)
            for k, v in fact.fields.items()
            if v is not None
        ]
        return ", ".join(parts)


__all__ = ["ResultProse"]
