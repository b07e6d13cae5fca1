"""The core every feature stands on: load a scenario, prepare a rule pack, evaluate, project to a date.

Features (timeline, signposts, checks, diff, sweep, exercise, explain, counterfactual) call these
functions and never :mod:`policyengine.api`, which is the library's front door above them::

    cli -> api -> features -> core -> engine -> compiler -> validation -> loading -> models

Compiled rule packs are cached per process (keyed by the pack's files and their mtimes; the 16
most recently used), so repeated evaluations prepare the pack once, and on disk between processes
(keyed by the pack's contents and policyengine's code: :mod:`policyengine.core.packcache`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.engine.results import Result
    from policyengine.engine.trace import Tracer
    from policyengine.validation.scenario import LoadedScenario

__all__ = ["check_date", "evaluate", "load", "load_pack", "project"]

#: compiled packs by their files' signature; the least recently used go beyond _CACHE_MAX
_cache: OrderedDict[tuple[Any, ...], CompiledPack] = OrderedDict()
_CACHE_MAX = 16


def _signature(path: str) -> tuple[Any, ...]:
    from policyengine.loading.packfiles import pack_files

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
    from policyengine.core.pack import default_rules_path

    rules_path = path or default_rules_path()
    key = _signature(rules_path)
    compiled = _cache.get(key)
    if compiled is None:
        compiled = _compile_cached(rules_path, lambda: _compile(rules_path))
        _cache[key] = compiled
    _cache.move_to_end(key)
    while len(_cache) > _CACHE_MAX:
        _cache.popitem(last=False)
    return compiled


def _compile(rules_path: str) -> CompiledPack:
    from policyengine.compiler import compile_pack
    from policyengine.validation.rulepack import load_rule_pack

    return compile_pack(load_rule_pack(rules_path))


def _compile_cached(rules_path: str, build: Callable[[], CompiledPack]) -> CompiledPack:
    """The compiled pack from the cache on disk (:mod:`policyengine.core.packcache`), else
    ``build()``, written to the cache for the next process."""
    from policyengine.core import packcache
    from policyengine.system import diskcache

    if not diskcache.enabled():
        return build()
    from policyengine.loading.packfiles import pack_files

    try:
        entry = packcache.key(rules_path, pack_files(rules_path))
    except OSError:
        return build()  # a file that cannot be read: compiling reports it properly
    compiled = packcache.read(entry)
    if compiled is None:
        compiled = build()
        packcache.write(entry, compiled)
    return compiled


def load(scenario: str) -> LoadedScenario:
    """Load and validate a scenario file and everything it extends."""
    from policyengine.validation.scenario import load_scenario

    return load_scenario(scenario)


def check_date(loaded: LoadedScenario, date: dt.date) -> None:
    """Refuse a date before the start of the scenario's record (E309): what the scenario writes
    without a date is not known to hold then, and would be taken to (an anachronism)."""
    from policyengine.errors import input_error
    from policyengine.errors.locations import Location
    from policyengine.models.asof import record_start

    start = record_start(loaded.scenario)
    if date < start:
        root = loaded.files[-1] if loaded.files else loaded.path
        raise input_error(
            "E309",
            f"{date} is before the start of the scenario's record ({start}, the earliest as_of of "
            f"{' <- '.join(loaded.files)}): facts without a date are not known to hold then",
            Location(root),
            f"choose a date on or after {start}, or write a scenario whose as_of is that early "
            "(and date the facts that did not hold then)",
        )


def check_size(loaded: LoadedScenario, rules: str | CompiledPack | None = None) -> None:
    """Refuse a scenario that makes more facts for the rules than one evaluation takes (E308),
    as :func:`evaluate` would, without evaluating it."""
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.engine.runtime import check_view_size
    from policyengine.models.factview import build_view

    compiled = rules if isinstance(rules, CompiledPack) else load_pack(rules)
    check_view_size(len(build_view(loaded.scenario, compiled.base_kinds)), loaded)


def project(loaded: LoadedScenario, date: dt.date | None = None) -> LoadedScenario:
    """The loaded scenario as of ``date`` (its own date when None): every history read at that day
    (:mod:`policyengine.models.asof`), the files and origins kept."""
    from policyengine.validation.scenario import project as _project

    return _project(loaded, date)


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
    from policyengine.core.prose import ResultProse
    from policyengine.engine import prepare

    loaded = load(scenario) if isinstance(scenario, str) else scenario
    if as_of is not None:
        check_date(loaded, as_of)
        loaded = project(loaded, as_of)
    compiled = rules if isinstance(rules, CompiledPack) else load_pack(rules)
    return prepare(compiled).evaluate(loaded, tracer=tracer, prose=ResultProse)
