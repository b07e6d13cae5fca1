"""The improvement plan file: who does what by when, for the report's areas for improvement.

The facilitator writes (or starts from ``exercise report LOG --plan-template``) a small YAML file::

    plan: {exercise: sea-lane-crisis}
    items:
      - issue: bilateral-cooperation/KOR      # an area for improvement of the report
        action: Set up a standing Japan-ROK maritime dialogue
        capability: maritime-coordination     # a capability the exercise declares
        owner: MOFA, Northeast Asia Division
        start: 2022-11-01
        due: 2023-03-31
        status: open                          # open | in-progress | complete | deferred

``exercise report LOG --plan PLAN.yaml`` reads it into the Improvement Plan table. Every problem
is reported at once, located, with "did you mean" hints (see docs/exercises.md).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pydantic import ValidationError

from policyengine.errors import DiagnosticSink, InputError
from policyengine.errors.suggest import hint_for
from policyengine.loading.documents import read_document
from policyengine.loading.yamltree import YMap, YSeq
from policyengine.models.exercise import PLAN_STATUSES, ImprovementPlanFile
from policyengine.text import t
from policyengine.validation.pydantic_errors import diagnostics_from

if TYPE_CHECKING:
    from policyengine.exercise.report import AfterActionReport, Finding


def load_plan(path: str, report: AfterActionReport) -> ImprovementPlanFile:
    """Read and check an improvement plan file against the report it completes.

    Raises :class:`InputError` (exit 2) with every problem: the file's shape (pydantic), a plan of
    another exercise, an issue that is not an area for improvement of this report, an unknown
    capability, an issue listed twice.
    """
    doc = read_document(path, path)
    try:
        plan = ImprovementPlanFile.model_validate(doc.tree)
    except ValidationError as exc:
        raise InputError(diagnostics_from(exc, doc.tree, ImprovementPlanFile)) from None
    sink = DiagnosticSink()
    exercise_id = report.run.exercise.id
    header = doc.tree.get("plan")
    if plan.plan.exercise != exercise_id and isinstance(header, YMap):
        sink.add(
            "E301",
            f"the plan is for exercise '{plan.plan.exercise}', the log's exercise is '{exercise_id}'",
            header.location("exercise", of_value=True),
            "start from `policyengine exercise report LOG --plan-template`",
        )
    issues = report.issues()
    capabilities = [c.id for c in report.run.exercise.exercise.exercise.capabilities]
    raw_items = doc.tree.get("items")
    first: dict[str, int] = {}
    for i, item in enumerate(plan.items):
        raw = raw_items[i] if isinstance(raw_items, YSeq) and isinstance(raw_items[i], YMap) else doc.tree
        if item.issue not in issues:
            sink.add(
                "E301",
                f"'{item.issue}' is not an area for improvement of this report",
                raw.location("issue", of_value=True),
                hint_for(item.issue, issues, noun="areas for improvement")
                or "the report has no area for improvement: remove the item",
            )
        elif item.issue in first:
            sink.add(
                "E302",
                f"issue '{item.issue}' is planned twice (first as item {first[item.issue] + 1})",
                raw.location("issue", of_value=True),
                "give each area for improvement one item",
            )
        else:
            first[item.issue] = i
        if item.capability is not None and item.capability not in capabilities:
            sink.add(
                "E301",
                f"unknown capability '{item.capability}'",
                raw.location("capability", of_value=True),
                hint_for(item.capability, capabilities, noun="capabilities")
                or "the exercise declares its capabilities under exercise.capabilities",
            )
    sink.raise_if_any()
    return plan


def _scalar(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def plan_template(report: AfterActionReport, lang: str) -> str:
    """A plan file pre-filled from the report: one item per area for improvement, its corrective
    action, capability and default owner (the cells the MSEL expected to act) filled in, the
    dates left for the facilitator. Comments in ``lang``; the file reads back with no error."""
    ex = report.run.exercise
    cells = {c.id: c.name.get(lang) for c in ex.exercise.cells}
    lines = [
        "# " + t("aar.plan_template_head", lang, exercise=ex.exercise.exercise.title.get(lang)),
        "# " + t("aar.plan_template_how", lang, statuses=" | ".join(PLAN_STATUSES)),
        f"plan: {{exercise: {ex.id}}}",
    ]
    rows = report.plan_rows()
    if not rows:
        lines.append("items: []  # " + t("aar.plan_template_none", lang))
        return "\n".join(lines) + "\n"
    lines.append("items:")
    for row in rows:
        f = row.finding
        title = f.recommendation.title[lang] if f.recommendation else f.action
        lines.append(f"  - issue: {_scalar(f.action)}  # {title}")
        lines.append(f"    action: {_scalar(corrective_action(row.finding, lang))}")
        if row.capability:
            lines.append(f"    capability: {row.capability}")
        owner = ", ".join(cells.get(c, c) for c in row.owner_cells)
        lines.append(f"    owner: {_scalar(owner)}" if owner else "    owner: null  # " + t("aar.tbd", lang))
        lines.append("    start: null  # YYYY-MM-DD")
        lines.append("    due: null    # YYYY-MM-DD")
        lines.append("    status: open")
    return "\n".join(lines) + "\n"


def corrective_action(finding: Finding, lang: str) -> str:
    """The report's default corrective action for an area for improvement: decide the
    recommendation (or the expected action) and report the decision back."""
    rec = finding.recommendation
    if rec is None:
        return t("aar.action_default_expected", lang, id=finding.action)
    return t("aar.action_default", lang, title=rec.title[lang], target=rec.target_name[lang])
