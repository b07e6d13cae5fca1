"""The after-action report (AAR/IP): what players decided against what the paper's reasoning suggests.

For each move played, every recommendation of the rules (the expected outcomes) is *matched*
(players decided it in this move, or in an earlier one), or *not considered*. Only a recommendation
*relevant* to the move (added or changed by its injects, or expected by its MSEL) counts as not
considered there: the rest of the paper's recommendations were not what the move was about. Every
decision that is not a recommendation of its move *diverged*, unless the rules recommend it in a
later move: then the players *anticipated* it. Decisions struck in the log do not count.

Each exercise objective is rated on HSEEP's four-level scale from the MSEL's expected actions that
name it (:func:`rate`). Strengths, areas for improvement (with the players' own rationale), the
improvement plan (owners and dates from the facilitator's plan file) and the hot-wash notes follow
HSEEP's AAR/IP; the framework x area matrix is shown before and after the exercise.

Data only; ``policyengine.render.exercise`` formats it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policyengine.engine.results import PRIORITY_RANK, Recommendation
from policyengine.exercise.numbering import inject_number
from policyengine.exercise.runner import Decision, ExerciseRun, MoveState
from policyengine.exercise.session import Replayed
from policyengine.matrix import Matrix, build_matrix
from policyengine.models.exercise import ExpectedAction, ImprovementPlanFile, Inject, Objective, PlanItem

if TYPE_CHECKING:
    from policyengine.exercise.load import LoadedExercise

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

    @property
    def relevant(self) -> bool:
        """Whether the move is about it: changed by the move's injects or expected by its MSEL."""
        return self.new or self.expected


@dataclass(frozen=True)
class DecisionReview:
    decision: Decision
    status: str  # matched | diverged | anticipated
    recommended_in: str | None = None  # for 'anticipated': the later move that recommends it
    recommendation: Recommendation | None = None  # for 'anticipated': as that move recommends it


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
        """Recommendations and decisions with ``status``. Beyond the recommendations decided in
        this move, only those relevant to the move count (a recommendation decided in an earlier
        move, or never, that the move does not touch is not what the move was about)."""
        recs = sum(
            1 for r in self.recommendations if r.status == status and (r.relevant or status == MATCHED)
        )
        return recs + sum(1 for d in self.decisions if d.status == status and status != MATCHED)

    @property
    def relevant(self) -> int:
        """How many of the move's recommendations it is about (changed by it or expected)."""
        return sum(1 for r in self.recommendations if r.relevant)


# -- objectives rated on HSEEP's scale ------------------------------------------------------------

MET = "met"  # decided in the move that expected it, or before
LATE = "late"  # decided only in a later move
MISSED = "missed"  # never decided

#: HSEEP's four ratings, best first: performed without challenges, with some challenges, with
#: major challenges, unable to be performed.
RATINGS = ("P", "S", "M", "U")


def rate(outcomes: list[str]) -> str | None:
    """HSEEP's rating of an objective from the outcomes of the expected actions linked to it.

    A met action scores 1, a late one 1/2, a missed one 0. Every action met: P; at least half the
    full score: S; something achieved: M; nothing: U. None when no linked action was played
    (the objective cannot be rated from this session).
    """
    if not outcomes:
        return None
    score = sum(1.0 if o == MET else 0.5 if o == LATE else 0.0 for o in outcomes)
    if score == len(outcomes):
        return "P"
    if score * 2 >= len(outcomes):
        return "S"
    return "M" if score > 0 else "U"


@dataclass(frozen=True)
class ExpectationOutcome:
    """An MSEL expected action of a completed move, and whether players took it."""

    move: str
    number: str  # the inject's number, M.K
    inject: Inject
    expected: ExpectedAction
    outcome: str  # met | late | missed
    decisions: list[Decision]  # the decisions that took it, with the players' rationale
    capability: str | None  # the expected action's capability, else its first objective's


@dataclass(frozen=True)
class ObjectiveRating:
    objective: Objective
    rating: str | None  # P | S | M | U, or None: no linked expected action was played
    expectations: list[ExpectationOutcome]
    capabilities: list[str]


@dataclass(frozen=True)
class Note:
    """A facilitator's note from the log; ``move`` None: after the last move (the hot wash)."""

    move: str | None
    text: str
    by: str
    time: str


@dataclass(frozen=True)
class StruckDecision:
    """A decision taken back in the log (a strike record): it counts nowhere in the report."""

    number: int
    move: str
    cell: str
    action: str
    reason: str
    by: str


@dataclass(frozen=True)
class PlanRow:
    """A row of the improvement plan: an area for improvement with the facilitator's entries."""

    finding: Finding
    item: PlanItem | None  # the plan file's entry for it, if any
    capability: str | None
    owner_cells: list[str]  # the cells the MSEL expected to act, the default owner


@dataclass(frozen=True)
class Finding:
    """A strength or an area for improvement, tied to a recommendation where there is one."""

    kind: str  # strength | improvement
    action: str  # a recommendation id, or the decision's text
    moves: list[str]
    recommendation: Recommendation | None = None
    cells: list[str] = field(default_factory=list)
    reason: str = ""  # matched | expected-met | anticipated | expected-missed | not-considered
    decisions: list[Decision] = field(default_factory=list)  # the players' decisions behind it


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
    objectives: list[ObjectiveRating] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    struck: list[StruckDecision] = field(default_factory=list)
    plan: ImprovementPlanFile | None = None

    @property
    def completed(self) -> int:
        return sum(1 for m in self.moves if m.completed)

    @property
    def decisions(self) -> int:
        """Decisions that count (struck ones left out)."""
        return sum(len(m.state.decisions) for m in self.moves)

    def plan_rows(self) -> list[PlanRow]:
        """The improvement plan: one row per area for improvement, in the report's order, with the
        plan file's owner, dates and status where it has an entry."""
        items = {i.issue: i for i in self.plan.items} if self.plan else {}
        capability_of: dict[str, str] = {}
        for o in self.objectives:
            for e in o.expectations:
                if e.capability and e.expected.action not in capability_of:
                    capability_of[e.expected.action] = e.capability
        rows = []
        for f in self.improvements:
            item = items.get(f.action)
            capability = item.capability if item and item.capability else capability_of.get(f.action)
            rows.append(PlanRow(f, item, capability, f.cells))
        return rows

    def issues(self) -> list[str]:
        """The names an improvement plan file may give as ``issue``."""
        return [f.action for f in self.improvements]


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
        found = next(((m.move.id, r) for m in later if (r := m.result.recommendation(d.action))), None)
        if found is None:
            decisions.append(DecisionReview(d, DIVERGED))
        else:
            decisions.append(DecisionReview(d, ANTICIPATED, *found))
    expected = [
        ExpectedReview(
            inj, exp, exp.action in decided_now or exp.action in decided_before, exp.action in recommended
        )
        for inj, exp in state.expected()
    ]
    return MoveReview(state, completed, recs, decisions, expected)


def build_report(replayed: Replayed, plan: ImprovementPlanFile | None = None) -> AfterActionReport:
    """The after-action report of a session read back from its log (and the facilitator's
    improvement plan, already checked against it with :func:`check_plan`)."""
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
        objectives=rate_objectives(run.exercise, reviews),
        notes=log_notes(replayed.log.records),
        struck=struck_decisions(replayed.log.records),
        plan=plan,
    )


def rate_objectives(exercise: LoadedExercise, reviews: list[MoveReview]) -> list[ObjectiveRating]:
    """Every objective of the exercise, rated from the expected actions of completed moves that
    name it (:func:`rate`)."""
    header = exercise.exercise.exercise
    first_capability = {o.id: (o.capabilities[0] if o.capabilities else None) for o in header.objectives}
    decided: dict[str, list[tuple[int, Decision]]] = {}
    for i, m in enumerate(reviews):
        for d in m.state.decisions:
            decided.setdefault(d.action, []).append((i, d))
    outcomes: list[tuple[ExpectationOutcome, list[str]]] = []
    for i, m in enumerate(reviews):
        if not m.completed:
            continue
        index = {o.inject.id: o.index for o in m.state.injects}
        for inj, exp in m.state.expected():
            taken = decided.get(exp.action, [])
            if any(j <= i for j, _ in taken):
                outcome = MET
            elif any(reviews[j].completed for j, _ in taken):
                outcome = LATE
            else:
                outcome = MISSED
            capability = exp.capability or next(
                (first_capability[o] for o in exp.objectives if first_capability.get(o)), None
            )
            number = inject_number(m.state.index, index[inj.id])
            found = ExpectationOutcome(
                m.state.move.id, number, inj, exp, outcome, [d for _, d in taken], capability
            )
            outcomes.append((found, exp.objectives))
    ratings = []
    for o in header.objectives:
        linked = [e for e, objectives in outcomes if o.id in objectives]
        caps = list(dict.fromkeys([*o.capabilities, *(e.capability for e in linked if e.capability)]))
        ratings.append(ObjectiveRating(o, rate([e.outcome for e in linked]), linked, caps))
    return ratings


def log_notes(records: list[dict[str, Any]]) -> list[Note]:
    """The facilitator's notes of a log (``note`` records), in log order."""
    return [
        Note(
            r.get("move") if isinstance(r.get("move"), str) else None,
            str(r.get("text", "")),
            str(r.get("by", "")),
            str(r.get("time", "")),
        )
        for r in records
        if r.get("type") == "note"
    ]


def struck_decisions(records: list[dict[str, Any]]) -> list[StruckDecision]:
    """The decisions a log's ``strike`` records take back (decisions are numbered from 1 in log
    order, for the whole exercise)."""
    numbered = [r for r in records if r.get("type") == "decision"]
    out = []
    for r in records:
        if r.get("type") != "strike":
            continue
        n = r.get("decision")
        if not isinstance(n, int) or not 1 <= n <= len(numbered):
            continue  # the log reader refuses such a strike; nothing to report
        d = numbered[n - 1]
        out.append(
            StruckDecision(
                n,
                str(d.get("move", "")),
                str(d.get("cell", "")),
                str(d.get("action", "")),
                str(r.get("reason", "")),
                str(r.get("by", "")),
            )
        )
    return out


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
    in_play: dict[str, list[str]] = {}  # recommendation id -> the moves it was in play, not decided
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
                    matched[rid] = Finding(
                        "strength", rid, [mid], r.recommendation, cells, reason, list(r.decisions)
                    )
                else:
                    matched[rid] = Finding(
                        "strength",
                        rid,
                        [*f.moves, mid],
                        r.recommendation,
                        sorted({*f.cells, *cells}),
                        "expected-met" if r.expected else f.reason,
                        [*f.decisions, *r.decisions],
                    )
            elif r.status == NOT_CONSIDERED and rid not in decided_ever:
                moves, _, raised = open_recs.get(rid, ([], r.recommendation, False))
                open_recs[rid] = ([*moves, mid], r.recommendation, raised or r.new or r.expected)
                if r.relevant:
                    in_play.setdefault(rid, []).append(mid)
        for d in m.decisions:
            if d.status == ANTICIPATED:
                strengths.append(
                    Finding(
                        "strength",
                        d.decision.action,
                        [mid],
                        d.recommendation,
                        [d.decision.cell],
                        ANTICIPATED,
                        [d.decision],
                    )
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
                        # what the cell expected to act decided instead, with its reasons
                        [d for d in m.state.decisions if d.cell in cells_for.get(e.expected.action, [])],
                    )
                )
    strengths = sorted(matched.values(), key=_rank) + strengths
    for rid, (moves, rec, raised) in open_recs.items():
        # an area for improvement names the moves that were about it, not every move after
        moves = in_play.get(rid, moves)
        expected = any(e.expected.action == rid for m in reviews for e in m.expected)
        reason = "expected-missed" if expected else "not-considered"
        cells = cells_for.get(rid, [])
        instead = [
            d
            for m in reviews
            if m.state.move.id in moves
            for d in m.state.decisions
            if d.cell in cells and d.action != rid
        ]
        finding = Finding("improvement", rid, moves, rec, cells, reason, instead)
        (improvements if raised else others).append(finding)
    improvements.sort(key=_rank)
    others.sort(key=_rank)
    return strengths, improvements, others


def _rank(f: Finding) -> tuple[int, int, str]:
    priority = PRIORITY_RANK.get(f.recommendation.priority, 9) if f.recommendation else 9
    first = 0 if f.reason in ("expected-met", "expected-missed") else 1
    return (first, priority, f.action)
