"""The high-level Python API: what the CLI calls, usable without click.

    from policyengine.api import evaluate
    result = evaluate("scenarios/korea_new_gov.yaml")
    print(result.ids)

Compiled rule packs are cached per process (keyed by the pack's files and their mtimes; the 16
most recently used), so repeated evaluations prepare the pack once.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.engine.results import Result
    from policyengine.engine.trace import Tracer
    from policyengine.explain.nodes import Explanation
    from policyengine.validation.scenario import LoadedScenario

#: compiled packs by their files' signature; the least recently used go beyond _CACHE_MAX
_cache: OrderedDict[tuple[Any, ...], CompiledPack] = OrderedDict()
_CACHE_MAX = 16


def _signature(path: str) -> tuple[Any, ...]:
    from policyengine.validation.rulepack import pack_files

    files = pack_files(path)
    sig: list[Any] = [os.path.abspath(path)]
    for f in files:
        try:
            st = os.stat(f)
            sig.append((os.path.abspath(f), st.st_mtime_ns, st.st_size))
        except OSError:
            sig.append((f, None))
    return tuple(sig)


def load_pack(path: str | None = None) -> CompiledPack:
    """Load, validate and compile a rule pack (the shipped default when ``path`` is None)."""
    from policyengine.compiler import compile_pack
    from policyengine.default_pack import default_rules_path
    from policyengine.validation.rulepack import load_rule_pack

    rules_path = path or default_rules_path()
    key = _signature(rules_path)
    compiled = _cache.get(key)
    if compiled is None:
        compiled = compile_pack(load_rule_pack(rules_path))
        _cache[key] = compiled
    _cache.move_to_end(key)
    while len(_cache) > _CACHE_MAX:
        _cache.popitem(last=False)
    return compiled


def load(scenario: str) -> LoadedScenario:
    """Load and validate a scenario file and everything it extends."""
    from policyengine.validation.scenario import load_scenario

    return load_scenario(scenario)


def evaluate(
    scenario: str | LoadedScenario,
    rules: str | CompiledPack | None = None,
    *,
    tracer: Tracer | None = None,
    as_of: dt.date | None = None,
) -> Result:
    """Evaluate a scenario (path or loaded) against a rule pack (path, compiled, or default).

    ``as_of``: evaluate the world as of that date instead of the scenario's own (see
    :mod:`policyengine.models.asof`); a date before the start of the scenario's record is E309.
    """
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.engine import prepare
    from policyengine.prose import ResultProse

    loaded = load(scenario) if isinstance(scenario, str) else scenario
    if as_of is not None:
        from policyengine.timeline import check_date, project

        check_date(loaded, as_of)
        loaded = project(loaded, as_of)
    compiled = rules if isinstance(rules, CompiledPack) else load_pack(rules)
    return prepare(compiled).evaluate(loaded, tracer=tracer, prose=ResultProse)


def explain(
    scenario: str | LoadedScenario, outcome_id: str, rules: str | CompiledPack | None = None
) -> Explanation:
    """Why ``outcome_id`` (ACTION/TARGET) was recommended in a scenario, or why it was not."""
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.explain import explain_outcome

    loaded = load(scenario) if isinstance(scenario, str) else scenario
    compiled = rules if isinstance(rules, CompiledPack) else load_pack(rules)
    return explain_outcome(loaded, compiled, outcome_id)
