"""Re-evaluation of changed scenarios: the truth every counterfactual answer is checked against."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from policyengine.compiler.pipeline import CompiledPack
from policyengine.counterfactual.changes import Change, ChangeError, apply_changes
from policyengine.engine import prepare
from policyengine.engine.runtime import RawEvaluation
from policyengine.models.factview import build_view
from policyengine.validation.scenario import LoadedScenario


@dataclass(frozen=True)
class Outcomes:
    """The recommendation and risk ids of one evaluation."""

    recommendations: frozenset[str]
    risks: frozenset[str]


def outcomes_of(raw: RawEvaluation) -> Outcomes:
    recs = frozenset(o.id for o in raw.outcomes.values() if o.kind == "recommendation")
    risks = frozenset(o.id for o in raw.outcomes.values() if o.kind == "risk")
    return Outcomes(recs, risks)


class Evaluator:
    """Evaluates a scenario and changed copies of it against one compiled pack, counting runs.

    Only outcome ids are computed (no justifications), which is what comparisons need.
    """

    def __init__(self, loaded: LoadedScenario, compiled: CompiledPack) -> None:
        self.loaded = loaded
        self.compiled = compiled
        self.prepared = prepare(compiled)
        self.evaluations = 0
        self.rejected = 0
        self._cache: dict[frozenset[Change], Outcomes | None] = {}

    def raw(self, loaded: LoadedScenario) -> RawEvaluation:
        self.evaluations += 1
        view = build_view(loaded.scenario, self.compiled.base_kinds)
        # Ctrl-C is held while durable-rules runs (engine.runtime, interrupts.critical).
        return self.prepared.evaluate_view(view)

    def outcomes(self, loaded: LoadedScenario) -> Outcomes:
        return outcomes_of(self.raw(loaded))

    def changed(self, changes: Iterable[Change]) -> Outcomes | None:
        """Outcomes of the scenario with ``changes`` applied; None when the result is invalid.

        Results are cached by change set.
        """
        key = frozenset(changes)
        if key in self._cache:
            return self._cache[key]
        try:
            world = apply_changes(self.loaded, sorted(key))
        except ChangeError:
            self.rejected += 1
            self._cache[key] = None
            return None
        out = self.outcomes(world)
        self._cache[key] = out
        return out

    def is_cached(self, changes: Iterable[Change]) -> bool:
        return frozenset(changes) in self._cache
