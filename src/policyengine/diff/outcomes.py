"""What changed in the conclusions: recommendations and risks added, removed or changed.

Outcomes are matched by id (``ACTION/TARGET``, ``KIND/TARGET``), the same in every scenario.
A recommendation has changed when its priority, justification, primary rule, supporting rules,
areas or evidence differ; a risk when its severity, message, rules or evidence differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policyengine.diff.facts import ADDED, REMOVED, FieldChange
from policyengine.engine.results import Recommendation, Result, Risk

CHANGED = "changed"  # facts are 'altered', outcomes 'changed'

#: The fields compared, in the order they are reported.
RECOMMENDATION_FIELDS = (
    "priority",
    "justification.ja",
    "justification.en",
    "rule",
    "rules",
    "areas",
    "evidence",
)
RISK_FIELDS = ("severity", "message.ja", "message.en", "rule", "rules", "evidence")


@dataclass(frozen=True)
class Cause:
    """A fact change that explains an outcome change.

    how: ``appeared`` (the fact is new and is evidence of the outcome), ``vanished`` (the fact
    was evidence and is gone), ``altered`` (the fact is evidence on either side and changed),
    ``blocks`` (the new or altered fact matches an absent-condition of the rule that made the
    outcome, so the rule no longer fires), ``unblocks`` (the fact that matched such a condition
    is gone or altered, so the rule now fires).
    """

    fact_id: str
    how: str
    rule: str | None = None
    condition: str | None = None  # the absent-condition the fact matches, for blocks/unblocks
    #: For blocks/unblocks, in plain words for reports (ja, en): the rule's title and what its
    #: condition needs; the data (JSON) keeps the rule's id and the condition as the rule says it.
    rule_title: tuple[str, str] | None = field(default=None, compare=False)
    needs: tuple[str, str] | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fact": self.fact_id, "how": self.how}
        if self.rule is not None:
            out["rule"] = self.rule
            out["condition"] = self.condition
        return out


@dataclass(frozen=True)
class OutcomeChange:
    """A recommendation or risk that appeared, disappeared or changed, and why."""

    id: str
    kind: str  # recommendation | risk
    change: str  # added | removed | changed
    old: Recommendation | Risk | None
    new: Recommendation | Risk | None
    fields: tuple[FieldChange, ...] = ()
    causes: tuple[Cause, ...] = field(default_factory=tuple)

    @property
    def current(self) -> Recommendation | Risk:
        """The newest version: the new one, or the old one for a removed outcome."""
        found = self.new or self.old
        assert found is not None
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "change": self.change,
            "old": self.old.to_dict() if self.old else None,
            "new": self.new.to_dict() if self.new else None,
            "fields": [{"path": f.path, "old": f.old, "new": f.new} for f in self.fields],
            "causes": [c.to_dict() for c in self.causes],
        }


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _compare(old: dict[str, Any], new: dict[str, Any], paths: tuple[str, ...]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(p, _get(old, p), _get(new, p)) for p in paths if _get(old, p) != _get(new, p))


def _diff(
    kind: str,
    old: dict[str, Recommendation] | dict[str, Risk],
    new: dict[str, Recommendation] | dict[str, Risk],
    paths: tuple[str, ...],
) -> list[OutcomeChange]:
    out: list[OutcomeChange] = []
    for oid in sorted(set(old) | set(new)):
        was, now = old.get(oid), new.get(oid)
        if was is None:
            out.append(OutcomeChange(oid, kind, ADDED, None, now))
        elif now is None:
            out.append(OutcomeChange(oid, kind, REMOVED, was, None))
        else:
            changes = _compare(was.to_dict(), now.to_dict(), paths)
            if changes:
                out.append(OutcomeChange(oid, kind, CHANGED, was, now, changes))
    return out


def diff_outcomes(old: Result, new: Result) -> tuple[list[OutcomeChange], list[OutcomeChange]]:
    """Recommendation changes and risk changes, each sorted by id (causes not yet attached)."""
    recs = _diff(
        "recommendation",
        {r.id: r for r in old.recommendations},
        {r.id: r for r in new.recommendations},
        RECOMMENDATION_FIELDS,
    )
    risks = _diff("risk", {r.id: r for r in old.risks}, {r.id: r for r in new.risks}, RISK_FIELDS)
    return recs, risks
