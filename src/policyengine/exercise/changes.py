"""What changed from one move to the next: facts, recommendations, risks, and what caused what.

This is a narrow adapter: the exercise code needs only :func:`move_changes` and
:class:`MoveChanges`. The project's diff library (``policyengine.diff``, being built on another
branch, ``diff_results(old_loaded, old_result, new_loaded, new_result) -> Diff``) will compute
the same things with better links between fact changes and recommendation changes. When it
lands, the lead will switch this module to delegate to it and keep this interface; until then
it is implemented minimally here:

- facts are compared by identity (``kind:identity``, as scenario ``extends``/``remove`` use);
  a fact with the same identity but other content is *altered*;
- recommendations and risks are compared by id; one whose priority (severity) or justification
  (message) differs is *changed*;
- a recommendation or risk change is linked to the fact changes among its evidence (before and
  after); when none is (a rule that fired because a fact is *absent* names no evidence for it),
  to the fact changes that mention its target.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from policyengine.engine.results import Result
from policyengine.models.scenario import SECTIONS
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


def _facts(loaded: LoadedScenario) -> dict[str, str]:
    out: dict[str, str] = {}
    for section in SECTIONS:
        for fact in getattr(loaded.scenario, section.key):
            out[section.fact_id(fact)] = json.dumps(fact.model_dump(mode="json"), sort_keys=True)
    return out


def _outcomes(items: list[Any], text: str, level: str) -> dict[str, tuple[str, str, frozenset[str]]]:
    return {
        o.id: (getattr(o, level), json.dumps(getattr(o, text), sort_keys=True), frozenset(o.evidence))
        for o in items
    }


def move_changes(
    prev_loaded: LoadedScenario, prev_result: Result, loaded: LoadedScenario, result: Result
) -> MoveChanges:
    """Compare the world and the evaluation of one move with those of the previous one."""
    old_facts, new_facts = _facts(prev_loaded), _facts(loaded)
    added = sorted(set(new_facts) - set(old_facts))
    removed = sorted(set(old_facts) - set(new_facts))
    altered = sorted(k for k in set(old_facts) & set(new_facts) if old_facts[k] != new_facts[k])
    changed_facts = set(added) | set(removed) | set(altered)
    mentions = {fid: new_facts.get(fid) or old_facts.get(fid) or "" for fid in changed_facts}

    causes: dict[str, list[str]] = {}

    def compare(old: dict[str, Any], new: dict[str, Any], targets: dict[str, str]) -> tuple[list[str], ...]:
        plus = sorted(set(new) - set(old))
        minus = sorted(set(old) - set(new))
        diff = sorted(k for k in set(old) & set(new) if old[k][:2] != new[k][:2])
        for oid in (*plus, *minus, *diff):
            evidence = (
                (old.get(oid, (None, None, frozenset()))[2]) | (new.get(oid, (None, None, frozenset()))[2])
            )
            linked = sorted(evidence & changed_facts)
            if not linked:
                linked = sorted(fid for fid in changed_facts if _mentions(fid, mentions[fid], targets[oid]))
            causes[oid] = linked
        return plus, minus, diff

    targets = {r.id: r.target for r in (*prev_result.recommendations, *result.recommendations)}
    targets.update({k.id: k.target for k in (*prev_result.risks, *result.risks)})
    rec_plus, rec_minus, rec_diff = compare(
        _outcomes(prev_result.recommendations, "justification", "priority"),
        _outcomes(result.recommendations, "justification", "priority"),
        targets,
    )
    risk_plus, risk_minus, risk_diff = compare(
        _outcomes(prev_result.risks, "message", "severity"),
        _outcomes(result.risks, "message", "severity"),
        targets,
    )
    return MoveChanges(
        facts_added=added,
        facts_removed=removed,
        facts_altered=altered,
        recommendations_added=rec_plus,
        recommendations_removed=rec_minus,
        recommendations_changed=rec_diff,
        risks_added=risk_plus,
        risks_removed=risk_minus,
        risks_changed=risk_diff,
        causes=causes,
    )


def _mentions(fact_id: str, dumped: str, target: str) -> bool:
    """Whether a fact names a target: by its identity, or as a quoted value (a member, a party)."""
    if fact_id.split(":", 1)[1] == target:
        return True
    codes = target.split("+")
    return all(f'"{c}"' in dumped for c in codes)
