"""The compiler as a table of named stages, run in order over one compilation context."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policyengine.compiler.emit import CountSpec
from policyengine.compiler.ir import Kinds, RuleIR
from policyengine.errors import DiagnosticSink
from policyengine.models.factview import BASE_KINDS
from policyengine.models.rules import PackHeader

if TYPE_CHECKING:
    # The stages' modules and the loaded pack are imported when a pack is compiled, not when a
    # compiled pack is read from the cache (policyengine.core.packcache) and evaluated.
    from policyengine.validation.rulepack import LoadedRulePack


@dataclass
class CompiledPack:
    """A rule pack ready to be registered with durable-rules and evaluated many times."""

    pack: PackHeader
    loaded: LoadedRulePack | None  # None when read from the cache: ``source`` loads it on first use
    rules: list[RuleIR]
    kinds: Kinds
    strata: int
    definition: dict[str, Any]  # durable-rules ruleset: rule name -> {"all": [...]}, no actions yet
    counts: list[CountSpec]
    base_kinds: frozenset[str]  # scenario view kinds the rules mention: only these are asserted
    fingerprint: str = ""
    path: str = ""  # the pack's file or folder, as given

    @property
    def source(self) -> LoadedRulePack:
        """The validated pack with its YAML locations (lint and the exercises read them)."""
        if self.loaded is None:
            from policyengine.validation.rulepack import load_rule_pack

            self.loaded = load_rule_pack(self.path)
        return self.loaded

    def rule(self, rule_id: str) -> RuleIR | None:
        return next((r for r in self.rules if r.id == rule_id), None)


@dataclass
class CompileContext:
    pack: LoadedRulePack
    sink: DiagnosticSink = field(default_factory=DiagnosticSink)
    rules: list[RuleIR] = field(default_factory=list)
    kinds: Kinds | None = None
    strata: int = 0
    definition: dict[str, Any] = field(default_factory=dict)
    counts: list[CountSpec] = field(default_factory=list)


def _resolve(ctx: CompileContext) -> None:
    from policyengine.compiler.resolve import resolve

    ctx.rules, ctx.kinds = resolve(ctx.pack, ctx.sink)


def _stratify(ctx: CompileContext) -> None:
    from policyengine.compiler.stratify import stratify

    ctx.strata = stratify(ctx.rules, ctx.sink)


def _products(ctx: CompileContext) -> None:
    from policyengine.compiler.products import assign_products

    assign_products(ctx.rules)


def _capacity(ctx: CompileContext) -> None:
    from policyengine.compiler.capacity import check_capacity

    check_capacity(ctx.rules, ctx.definition, ctx.sink)


def _emit(ctx: CompileContext) -> None:
    from policyengine.compiler.emit import CATCH_ALL, SESSION_OPEN, emit_rule, emit_tally
    from policyengine.compiler.products import group_rule

    definition: dict[str, Any] = {}
    for r in ctx.rules:
        assert ctx.kinds is not None
        # a rule of independent groups is registered group by group (compiler.products)
        parts = [(f"r{r.index}", r)]
        if r.groups:
            parts = [(f"r{r.index}g{j}", group_rule(r, group)) for j, group in enumerate(r.groups)]
        counts = []
        for name, part in parts:
            bodies, part_counts = emit_rule(part, ctx.kinds)
            counts.extend(part_counts)
            definition[name] = bodies[0]
            for k, variant in enumerate(bodies[1:], start=1):
                definition[f"{name}v{k}"] = variant
        for spec in counts:
            cond = r.conditions[[c.index for c in r.conditions].index(spec.cond_index)]
            definition[f"t{r.index}_{spec.cond_index}"] = emit_tally(r, cond)
        ctx.counts.extend(counts)
    definition["catch_all"] = CATCH_ALL
    definition["session_open"] = SESSION_OPEN
    ctx.definition = definition


#: The stages, in order. Each reads and extends the context; errors stop the pipeline.
STAGES: tuple[tuple[str, Callable[[CompileContext], None]], ...] = (
    ("resolve", _resolve),
    ("stratify", _stratify),
    ("products", _products),
    ("emit", _emit),
    ("capacity", _capacity),
)


def compile_pack(pack: LoadedRulePack) -> CompiledPack:
    """Run every stage; raise InputError with all diagnostics of the first failing stage."""
    ctx = CompileContext(pack)
    for _name, stage in STAGES:
        stage(ctx)
        ctx.sink.raise_if_any()
    assert ctx.kinds is not None
    used = frozenset(c.kind for r in ctx.rules for c in r.conditions if c.kind in BASE_KINDS)
    text = json.dumps(ctx.definition, sort_keys=True, ensure_ascii=False)
    return CompiledPack(
        pack=pack.pack,
        loaded=pack,
        rules=ctx.rules,
        kinds=ctx.kinds,
        strata=ctx.strata,
        definition=ctx.definition,
        counts=ctx.counts,
        base_kinds=used,
        fingerprint=hashlib.sha256(text.encode()).hexdigest()[:12],
        path=pack.path,
    )
