"""The after-action report (AAR/IP): what players decided against what the paper's reasoning suggests.

For each move played, every recommendation of the rules (the expected outcomes) is *matched*
(players decided it in this move, or in an earlier one), or *not considered*. Every decision that
is not a recommendation of its move *diverged*, unless the rules recommend it in a later move:
then the players *anticipated* it. Strengths, areas for improvement and the improvement plan
follow HSEEP's AAR/IP; the framework x area matrix is shown before and after the exercise.

Data only; ``policyengine.render.exercise`` formats it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policyengine.engine.results import PRIORITY_RANK, Recommendation
from policyengine.exercise.runner import Decision, ExerciseRun, MoveState
from policyengine.exercise.session import Replayed
from policyengine.matrix import Matrix, build_matrix
from policyengine.models.exercise import ExpectedAction, Inject

MATCHED = "matched"
MATCHED_EARLIER = "matched-earlier"
NOT_CONSIDERED = "not-considered"
DIVERGED = "diverged"
ANTICIPATED = "anticipated"


@dataclass(frozen=True)
class RecommendationReview:
    recommendation: Recommendation
    status: str  # matched | matched-earlier | not-considered
    decisions: list[Decision]  # the decisions that matched it
    new: bool  # added or changed by this move's injects
    expected: bool  # an MSEL expected action of this move


@dataclass(frozen=True)
class DecisionReview:
    decision: Decision
    status: str  # matched | diverged | anticipated
    recommended_in: str | None = None  # for 'anticipated': the later move that recommends it


@dataclass(frozen=True)
class ExpectedReview:
    inject: Inject
    expected: ExpectedAction
    met: bool
    recommended: bool  # whether the rules recommend it in this move


@dataclass
class MoveReview:
    state: MoveState
    completed: bool
    recommendations: list[RecommendationReview]
    decisions: list[DecisionReview]
    expected: list[ExpectedReview]

    def count(self, status: str) -> int:
        return sum(1 for r in self.recommendations if r.status == status) + sum(
            1 for d in self.decisions if d.status == status and status != MATCHED
        )


@dataclass(frozen=True)
class Finding:
    """A strength or an area for improvement, tied to a recommendation where there is one."""

    kind: str  # strength | improvement
    action: str  # a recommendation id, or the decision's text
    moves: list[str]
    recommendation: Recommendation | None = None
    cells: list[str] = field(default_factory=list)
    reason: str = ""  # matched | expected-met | anticipated | expected-missed | not-considered


@dataclass
class AfterActionReport:
    run: ExerciseRun
    moves: list[MoveReview]
    total_moves: int
    header: dict[str, Any]
    times: dict[str, str]  # move id -> time the move was completed
    matrix_before: Matrix
    matrix_after: Matrix
    matrix_changes: list[tuple[str, str, str | None, str | None]]  # framework, area, before, after
    strengths: list[Finding]
    improvements: list[Finding]
    others_not_considered: list[Finding]
    departures: list[DecisionReview]

    @property
    def completed(self) -> int:
        return sum(1 for m in self.moves if m.completed)


def review_move(
    state: MoveState, earlier: list[MoveState], later: list[MoveState], completed: bool
) -> MoveReview:
    decided_now = {d.action: d for d in state.decisions}
    decided_before: dict[str, list[Decision]] = {}
    for m in earlier:
        for d in m.decisions:
            decided_before.setdefault(d.action, []).append(d)
    changed = {*state.changes.recommendations_added, *state.changes.recommendations_changed}
    expected_ids = {e.action for _, e in state.expected()}
    recs = []
    for rec in state.result.recommendations:
        now = [d for d in state.decisions if d.action == rec.id]
        if now:
            status, matching = MATCHED, now
        elif rec.id in decided_before:
            status, matching = MATCHED_EARLIER, decided_before[rec.id]
        else:
            status, matching = NOT_CONSIDERED, []
        recs.append(RecommendationReview(rec, status, matching, rec.id in changed, rec.id in expected_ids))
    recommended = set(state.result.ids)
    decisions = []
    for d in state.decisions:
        if d.action in recommended:
            decisions.append(DecisionReview(d, MATCHED))
            continue
        later_move = next((m.move.id for m in later if d.action in m.result.ids), None)
        decisions.append(DecisionReview(d, ANTICIPATED if later_move else DIVERGED, later_move))
    expected = [
        ExpectedReview(
            inj, exp, exp.action in decided_now or exp.action in decided_before, exp.action in recommended
        )
        for inj, exp in state.expected()
    ]
    return MoveReview(state, completed, recs, decisions, expected)


def build_report(replayed: Replayed) -> AfterActionReport:
    """The after-action report of a session read back from its log."""
    run = replayed.run
    played = run.moves
    reviews = [
        review_move(s, played[:i], played[i + 1 :], i < replayed.completed) for i, s in enumerate(played)
    ]
    times = {r["move"]: str(r.get("time", "")) for r in replayed.log.records if r.get("type") == "move"}
    before = build_matrix(run.start_loaded.scenario)
    after = build_matrix(played[-1].loaded.scenario) if played else before
    strengths, improvements, others = _findings(reviews)
    departures = [d for m in reviews for d in m.decisions if d.status != MATCHED]
    return AfterActionReport(
        run=run,
        moves=reviews,
        total_moves=len(run.exercise.moves),
        header=replayed.log.header,
        times=times,
        matrix_before=before,
        matrix_after=after,
        matrix_changes=matrix_changes(before, after),
        strengths=strengths,
        improvements=improvements,
        others_not_considered=others,
        departures=departures,
    )


def matrix_changes(before: Matrix, after: Matrix) -> list[tuple[str, str, str | None, str | None]]:
    """Cells that differ, as (framework, area, level before, level after), in table order."""
    frameworks = [f.id for f in after.frameworks] + [
        f.id for f in before.frameworks if f.id not in {g.id for g in after.frameworks}
    ]
    areas = list(dict.fromkeys([*after.areas, *before.areas]))
    return [
        (f, a, before.level(f, a), after.level(f, a))
        for f in frameworks
        for a in areas
        if before.level(f, a) != after.level(f, a)
    ]


def _findings(reviews: list[MoveReview]) -> tuple[list[Finding], list[Finding], list[Finding]]:
    strengths: list[Finding] = []
    improvements: list[Finding] = []
    others: list[Finding] = []
    matched: dict[str, Finding] = {}
    open_recs: dict[str, tuple[list[str], Recommendation, bool]] = {}
    decided_ever = {d.action for m in reviews for d in m.state.decisions}
    cells_for: dict[str, list[str]] = {}
    for m in reviews:
        for e in m.expected:
            if e.expected.cell:
                cells_for.setdefault(e.expected.action, [])
                if e.expected.cell not in cells_for[e.expected.action]:
                    cells_for[e.expected.action].append(e.expected.cell)
    for m in reviews:
        mid = m.state.move.id
        for r in m.recommendations:
            rid = r.recommendation.id
            if r.status == MATCHED:
                f = matched.get(rid)
                cells = sorted({d.cell for d in r.decisions})
                if f is None:
                    reason = "expected-met" if r.expected else "matched"
                    matched[rid] = Finding("strength", rid, [mid], r.recommendation, cells, reason)
                else:
                    matched[rid] = Finding(
                        "strength",
                        rid,
                        [*f.moves, mid],
                        r.recommendation,
                        sorted({*f.cells, *cells}),
                        "expected-met" if r.expected else f.reason,
                    )
            elif r.status == NOT_CONSIDERED and rid not in decided_ever:
                moves, _, raised = open_recs.get(rid, ([], r.recommendation, False))
                open_recs[rid] = ([*moves, mid], r.recommendation, raised or r.new or r.expected)
        for d in m.decisions:
            if d.status == ANTICIPATED:
                strengths.append(
                    Finding("strength", d.decision.action, [mid], None, [d.decision.cell], ANTICIPATED)
                )
        for e in m.expected:
            if not e.met and not e.recommended:
                improvements.append(
                    Finding(
                        "improvement",
                        e.expected.action,
                        [mid],
                        None,
                        cells_for.get(e.expected.action, []),
                        "expected-missed",
                    )
                )
    strengths = sorted(matched.values(), key=_rank) + strengths
    for rid, (moves, rec, raised) in open_recs.items():
        expected = any(e.expected.action == rid for m in reviews for e in m.expected)
        reason = "expected-missed" if expected else "not-considered"
        finding = Finding("improvement", rid, moves, rec, cells_for.get(rid, []), reason)
        (improvements if raised else others).append(finding)
    improvements.sort(key=_rank)
    others.sort(key=_rank)
    return strengths, improvements, others


def _rank(f: Finding) -> tuple[int, int, str]:
    priority = PRIORITY_RANK.get(f.recommendation.priority, 9) if f.recommendation else 9
    first = 0 if f.reason in ("expected-met", "expected-missed") else 1
    return (first, priority, f.action)
