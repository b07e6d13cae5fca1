"""The high-level Python API: what the CLI calls, usable without click.

    from policyengine.api import evaluate
    result = evaluate("scenarios/korea_new_gov.yaml")
    print(result.ids)

This is the library's front door: it offers the core (:mod:`policyengine.core`: load, prepare,
evaluate, the world as of a date) and the features' entry points. Nothing inside policyengine
imports it; the features stand on :mod:`policyengine.core`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyengine.core import check_date, evaluate, load, load_pack, project

if TYPE_CHECKING:
    import datetime as dt

    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.engine.results import Result
    from policyengine.explain.nodes import Explanation
    from policyengine.render.evaluate import Reference
    from policyengine.validation.scenario import LoadedScenario

__all__ = ["brief", "check_date", "evaluate", "explain", "load", "load_pack", "project"]


def brief(
    scenario: str,
    rules: str | None = None,
    *,
    lang: str,
    as_of: dt.date | None = None,
    against: str | None = None,
) -> tuple[Result, Reference | None]:
    """A scenario's evaluation and the world its report compares it with: ``against``, else the
    scenario it extends (None when it extends nothing).

    The reference world is evaluated first and kept as the names its outcomes need in ``lang``,
    so that two evaluations of a large world are never held at once; what would refuse the
    scenario itself (E309, E308) is checked before. A world the scenario extends that does not
    load on its own is named as such (:meth:`Reference.unavailable`); a world named with
    ``against`` that does not load raises its errors.
    """
    from policyengine.core import check_size
    from policyengine.errors import InputError
    from policyengine.render.evaluate import Reference

    loaded = load(scenario)
    reference = None
    ref_path = against if against is not None else (loaded.files[1] if len(loaded.files) > 1 else None)
    if ref_path is not None:
        if as_of is not None:
            check_date(loaded, as_of)
        check_size(project(loaded, as_of) if as_of is not None else loaded, rules)
        try:
            reference = Reference.of(evaluate(ref_path, rules), lang)
        except InputError as exc:
            if against is not None:
                raise  # a world the user named: its errors are the answer
            reference = Reference.unavailable(ref_path, exc)
    return evaluate(loaded, rules, as_of=as_of), reference


def explain(
    scenario: str | LoadedScenario, outcome_id: str, rules: str | CompiledPack | None = None
) -> Explanation:
    """Why ``outcome_id`` (ACTION/TARGET) was recommended in a scenario, or why it was not."""
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.explain import explain_outcome

    loaded = load(scenario) if isinstance(scenario, str) else scenario
    compiled = rules if isinstance(rules, CompiledPack) else load_pack(rules)
    return explain_outcome(loaded, compiled, outcome_id)
