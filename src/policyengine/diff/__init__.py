"""Differences between two evaluated worlds: facts, recommendations, risks, and the links between.

    from policyengine.diff import diff_results
    d = diff_results(old_loaded, old_result, new_loaded, new_result)
    d.facts            # FactChange: added / removed / altered, by identity, located
    d.recommendations  # OutcomeChange: added / removed / changed, each with its causes
    d.risks

Independent of files: any two ``LoadedScenario`` objects and their ``Result`` (evaluated with the
same rule pack) can be compared, e.g. two moves of a tabletop exercise. ``diff_scenarios``
evaluates two loaded scenarios and compares them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from policyengine.diff.causes import CauseFinder
from policyengine.diff.facts import FactChange, FieldChange, diff_facts, diff_header
from policyengine.diff.outcomes import Cause, OutcomeChange, diff_outcomes
from policyengine.models.names import Names

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.engine.results import Result
    from policyengine.validation.scenario import LoadedScenario

__all__ = [
    "Cause",
    "Diff",
    "FactChange",
    "FieldChange",
    "OutcomeChange",
    "Side",
    "diff_results",
    "diff_scenarios",
]


@dataclass(frozen=True)
class Side:
    """One of the two worlds compared."""

    scenario_id: str
    as_of: str
    title: dict[str, str]
    files: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.scenario_id,
            "as_of": self.as_of,
            "title": dict(self.title),
            "files": list(self.files),
        }


@dataclass(frozen=True)
class Diff:
    """What changed in the world, and what that changed in the recommendations and risks."""

    old: Side
    new: Side
    pack_id: str
    header: tuple[FieldChange, ...]
    facts: tuple[FactChange, ...]
    recommendations: tuple[OutcomeChange, ...]
    risks: tuple[OutcomeChange, ...]

    @property
    def empty(self) -> bool:
        """True when nothing differs, the scenario header included (``--exit-code`` gives 0)."""
        return not (self.header or self.facts or self.recommendations or self.risks)

    @property
    def outcomes_changed(self) -> bool:
        return bool(self.recommendations or self.risks)

    def caused_by(self, fact_id: str) -> list[OutcomeChange]:
        """The outcome changes a fact change is linked to."""
        return [
            o for o in (*self.recommendations, *self.risks) if any(c.fact_id == fact_id for c in o.causes)
        ]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of ``policyengine diff --format json``."""

        def count(items: tuple[Any, ...], *changes: str) -> dict[str, int]:
            return {c: sum(1 for i in items if i.change == c) for c in changes}

        return {
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
            "pack": self.pack_id,
            "summary": {
                "facts": count(self.facts, "added", "removed", "altered"),
                "recommendations": count(self.recommendations, "added", "removed", "changed"),
                "risks": count(self.risks, "added", "removed", "changed"),
            },
            "header": [f.to_dict() for f in self.header],
            "facts": [f.to_dict() for f in self.facts],
            "recommendations": [o.to_dict() for o in self.recommendations],
            "risks": [o.to_dict() for o in self.risks],
        }


def _side(loaded: LoadedScenario) -> Side:
    header = loaded.scenario.scenario
    return Side(
        header.id,
        header.as_of.isoformat(),
        {"ja": header.title.ja, "en": header.title.en},
        tuple(loaded.files),
    )


def diff_results(
    old_loaded: LoadedScenario, old_result: Result, new_loaded: LoadedScenario, new_result: Result
) -> Diff:
    """Compare two evaluated scenarios. Both results must come from the same rule pack.

    Causes are found when both results keep their raw evaluation (``Result.raw``), as those of
    ``api.evaluate`` do; without it, outcome changes are reported without causes.
    """
    from policyengine.core import project

    header = diff_header(old_loaded.scenario.scenario, new_loaded.scenario.scenario)
    # the worlds as of their dates: what the rules saw, every history read at its day
    facts = diff_facts(project(old_loaded), project(new_loaded))
    recs, risks = diff_outcomes(old_result, new_result)
    if old_result.raw is not None and new_result.raw is not None:
        header_changed = any(c.path in ("id", "as_of") for c in header)
        names = (Names(old_loaded.scenario), Names(new_loaded.scenario))
        finder = CauseFinder(
            old_result.raw, new_result.raw, facts, header_changed=header_changed, names=names
        )
        recs = [replace(o, causes=finder.causes(o)) for o in recs]
        risks = [replace(o, causes=finder.causes(o)) for o in risks]
    return Diff(
        old=_side(old_loaded),
        new=_side(new_loaded),
        pack_id=new_result.pack_id,
        header=tuple(header),
        facts=tuple(facts),
        recommendations=tuple(recs),
        risks=tuple(risks),
    )


def diff_scenarios(old: LoadedScenario, new: LoadedScenario, rules: str | CompiledPack | None = None) -> Diff:
    """Evaluate two loaded scenarios with one rule pack (the default when None) and compare them."""
    from policyengine.core import evaluate

    return diff_results(old, evaluate(old, rules), new, evaluate(new, rules))
