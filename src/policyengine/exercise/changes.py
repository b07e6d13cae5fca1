"""What changed from one move to the next: facts, recommendations, risks, and what caused what.

A narrow view of :func:`policyengine.diff.diff_results` for the exercise code: which fact and
outcome ids changed, and, for every recommendation or risk that changed, the fact changes the
diff links it to (evidence that appeared, vanished or changed, or a fact that blocks or unblocks
a rule through its absent-conditions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policyengine.engine.results import Result
from policyengine.validation.scenario import LoadedScenario


@dataclass(frozen=True)
class MoveChanges:
    """Changes between two evaluated worlds; every list sorted."""

    facts_added: list[str] = field(default_factory=list)
    facts_removed: list[str] = field(default_factory=list)
    facts_altered: list[str] = field(default_factory=list)
    recommendations_added: list[str] = field(default_factory=list)
    recommendations_removed: list[str] = field(default_factory=list)
    recommendations_changed: list[str] = field(default_factory=list)
    risks_added: list[str] = field(default_factory=list)
    risks_removed: list[str] = field(default_factory=list)
    risks_changed: list[str] = field(default_factory=list)
    #: recommendation or risk id -> the fact changes that caused its change
    causes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def facts_changed(self) -> list[str]:
        return sorted({*self.facts_added, *self.facts_removed, *self.facts_altered})

    @property
    def empty(self) -> bool:
        return not (
            self.facts_changed
            or self.recommendations_added
            or self.recommendations_removed
            or self.recommendations_changed
            or self.risks_added
            or self.risks_removed
            or self.risks_changed
        )


def move_changes(
    prev_loaded: LoadedScenario, prev_result: Result, loaded: LoadedScenario, result: Result
) -> MoveChanges:
    """Compare the world and the evaluation of one move with those of the previous one."""
    from policyengine.diff import diff_results

    d = diff_results(prev_loaded, prev_result, loaded, result)

    def ids(items: tuple[Any, ...], change: str) -> list[str]:
        return sorted(i.fact_id if hasattr(i, "fact_id") else i.id for i in items if i.change == change)

    causes = {o.id: sorted({c.fact_id for c in o.causes}) for o in (*d.recommendations, *d.risks)}
    return MoveChanges(
        facts_added=ids(d.facts, "added"),
        facts_removed=ids(d.facts, "removed"),
        facts_altered=ids(d.facts, "altered"),
        recommendations_added=ids(d.recommendations, "added"),
        recommendations_removed=ids(d.recommendations, "removed"),
        recommendations_changed=ids(d.recommendations, "changed"),
        risks_added=ids(d.risks, "added"),
        risks_removed=ids(d.risks, "removed"),
        risks_changed=ids(d.risks, "changed"),
        causes=causes,
    )
