"""What would have to change: minimal change sets that flip one recommendation, verified.

``whatif(loaded, compiled, "propose-framework/AUS+JPN+KOR")`` answers "what is the smallest
change to the world that would make Japan stop (or start) needing this action?":

1. Evaluate the scenario; the outcome is present (the question is what removes it) or absent
   (what produces it).
2. Propose change sets from the rules (:mod:`.candidates`): single changes, then pairs, up to
   ``max_changes``.
3. Re-evaluate the changed scenario for each proposal, smallest first; skip proposals that
   contain an answer already found. A proposal that flips the outcome is kept only if no strict
   subset of it flips it too (checked by re-evaluation); if one does, that subset is reported.
4. Stop at the evaluation or time budget, and say so.

Answers are minimal (no strict subset flips) and verified (the changed scenario was evaluated
and the outcome flipped). They are not exhaustive: they are the minimal change sets among those
the rules suggest, within the budgets.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from policyengine.compiler.pipeline import CompiledPack
from policyengine.counterfactual.candidates import Analysis, ChangeSet
from policyengine.counterfactual.changes import Change
from policyengine.counterfactual.evaluator import Evaluator, Outcomes, outcomes_of
from policyengine.errors import input_error
from policyengine.errors.suggest import hint_for
from policyengine.explain import canonical_id, check_target
from policyengine.validation.scenario import LoadedScenario, project

DEFAULT_MAX_CHANGES = 2
DEFAULT_MAX_EVALUATIONS = 600
DEFAULT_TIME_BUDGET = 60.0


@dataclass(frozen=True)
class Answer:
    """A minimal verified change set, and what else it changes among the outcomes."""

    changes: tuple[Change, ...]
    lost: tuple[str, ...]  # other recommendations that disappear too
    gained: tuple[str, ...]  # recommendations that appear


@dataclass
class WhatIfResult:
    """The answer to one what-if question."""

    outcome_id: str
    kind: str  # recommendation | risk
    present: bool  # in the scenario as it is (so the question is what removes it)
    max_changes: int
    answers: list[Answer]
    candidates: int  # change sets proposed by the analysis
    evaluations: int  # scenarios evaluated (including the unchanged one)
    rejected: int  # proposals whose changed scenario was not valid
    stopped_early: str | None  # why the search stopped before trying every proposal, or None
    loaded: LoadedScenario
    rules: list[str] = field(default_factory=list)  # the rules that produce or could produce it

    @property
    def direction(self) -> str:
        return "disappear" if self.present else "appear"


def parse_outcome_id(text: str) -> tuple[str, str]:
    action, sep, target = text.partition("/")
    if not sep or not action or not target:
        raise input_error(
            "E501",
            f"'{text}' is not a recommendation id",
            None,
            "write ACTION/TARGET, e.g. extend-asset-protection/FRA or propose-framework/AUS+JPN+KOR",
        )
    return action, target


def _kind_of(compiled: CompiledPack, base: Outcomes, outcome_id: str, action: str) -> str:
    if outcome_id in base.recommendations:
        return "recommendation"
    if outcome_id in base.risks:
        return "risk"
    actions = {r.output.recommend["action"] for r in compiled.rules if r.output.recommend}
    kinds = {r.output.risk["kind"] for r in compiled.rules if r.output.risk}
    if action in actions:
        return "recommendation"
    if action in kinds:
        return "risk"
    raise input_error(
        "E501",
        f"no rule recommends '{action}' (nor raises a risk of that kind)",
        None,
        hint_for(outcome_id, sorted(base.recommendations | base.risks), noun="recommendations")
        or hint_for(action, sorted(actions | kinds), noun="actions"),
    )


def whatif(
    loaded: LoadedScenario,
    compiled: CompiledPack,
    outcome_id: str,
    *,
    max_changes: int = DEFAULT_MAX_CHANGES,
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS,
    time_budget: float = DEFAULT_TIME_BUDGET,
    clock: Callable[[], float] = time.monotonic,
) -> WhatIfResult:
    """Minimal verified change sets that make ``outcome_id`` disappear (present) or appear (absent)."""
    if max_changes < 1:
        raise input_error("E501", "--max-changes must be at least 1")
    actions = {r.output.recommend["action"] for r in compiled.rules if r.output.recommend}
    actions |= {r.output.risk["kind"] for r in compiled.rules if r.output.risk}
    outcome_id = canonical_id(outcome_id, loaded.scenario, actions)
    action, target = parse_outcome_id(outcome_id)
    started = clock()
    # changes are made to the world as of its date, where each history is one status
    loaded = project(loaded)
    ev = Evaluator(loaded, compiled)
    raw = ev.raw(loaded)
    base = outcomes_of(raw)
    kind = _kind_of(compiled, base, outcome_id, action)
    pool = base.recommendations if kind == "recommendation" else base.risks
    present = outcome_id in pool
    if not present:
        made = sorted(base.recommendations | base.risks)
        check_target(action, target, loaded, made, extra={m.partition("/")[2] for m in made})
    analysis = Analysis(loaded, compiled, raw, limit=max_changes)
    if present:
        outcome = raw.outcomes[f"{kind}:{outcome_id}"]
        family = analysis.disappear(outcome)
        rules = sorted({compiled.rules[s.rule].id for s in outcome.supports})
    else:
        family = analysis.appear(kind, action, target)
        name = "recommend" if kind == "recommendation" else "risk"
        key = "action" if kind == "recommendation" else "kind"
        rules = sorted(
            r.id
            for r in compiled.rules
            if getattr(r.output, name) is not None and getattr(r.output, name)[key] == action
        )
    proposals = sorted((s for s in family if s), key=lambda s: (len(s), [c.key for c in sorted(s)]))

    def flipped(out: Outcomes | None) -> bool:
        if out is None:
            return False
        now = out.recommendations if kind == "recommendation" else out.risks
        return (outcome_id in now) != present

    found: list[ChangeSet] = []
    stopped: str | None = (
        "the analysis was cut short (too many ways to combine)" if analysis.truncated else None
    )

    def budget_left() -> bool:
        nonlocal stopped
        if ev.evaluations >= max_evaluations:
            stopped = f"the evaluation budget ({max_evaluations}) was used up"
            return False
        if clock() - started > time_budget:
            stopped = f"the time budget ({time_budget:g} s) was used up"
            return False
        return True

    def smallest_flip(s: ChangeSet) -> ChangeSet | None:
        """``s`` if no strict subset flips; else a minimal flipping subset; None if out of budget."""
        for size in range(1, len(s)):
            for sub in itertools.combinations(sorted(s), size):
                subset = frozenset(sub)
                if not ev.is_cached(subset) and not budget_left():
                    return None
                if flipped(ev.changed(subset)):
                    return smallest_flip(subset)
        return s

    for proposal in proposals:
        if any(f <= proposal for f in found):
            continue
        if not ev.is_cached(proposal) and not budget_left():
            break
        if not flipped(ev.changed(proposal)):
            continue
        answer = smallest_flip(proposal)
        if answer is None:
            break
        if answer not in found:
            found = [f for f in found if not answer < f]
            found.append(answer)

    answers = []
    for s in sorted(found, key=lambda s: (len(s), [c.key for c in sorted(s)])):
        out = ev.changed(s)
        assert out is not None
        before, after = base.recommendations, out.recommendations
        answers.append(
            Answer(
                changes=tuple(sorted(s)),
                lost=tuple(sorted(before - after - {outcome_id})),
                gained=tuple(sorted(after - before - {outcome_id})),
            )
        )
    return WhatIfResult(
        outcome_id=outcome_id,
        kind=kind,
        present=present,
        max_changes=max_changes,
        answers=answers,
        candidates=len(proposals),
        evaluations=ev.evaluations,
        rejected=ev.rejected,
        stopped_early=stopped,
        loaded=loaded,
        rules=rules,
    )
