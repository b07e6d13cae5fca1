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
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.explain.nodes import Explanation
    from policyengine.validation.scenario import LoadedScenario

__all__ = ["check_date", "evaluate", "explain", "load", "load_pack", "project"]


def explain(
    scenario: str | LoadedScenario, outcome_id: str, rules: str | CompiledPack | None = None
) -> Explanation:
    """Why ``outcome_id`` (ACTION/TARGET) was recommended in a scenario, or why it was not."""
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.explain import explain_outcome

    loaded = load(scenario) if isinstance(scenario, str) else scenario
    compiled = rules if isinstance(rules, CompiledPack) else load_pack(rules)
    return explain_outcome(loaded, compiled, outcome_id)
