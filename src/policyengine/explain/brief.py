"""Short reasons, a few lines each, for reports that name why without drawing the whole tree.

``policyengine check`` says why an expectation is broken. For an outcome that is missing, the
reasons are the why-not explanation of :mod:`~policyengine.explain.whynot` cut down to what
fails: each candidate rule at its nearest binding with its failing conditions, in words, and,
for a derived fact that is missing, the same one level down. For an outcome that should not be
there, the rules and evidence that made it, the conditions that held and the justification.

Lines are text in one language; a nested line starts with two spaces per level.
"""

from __future__ import annotations

import functools

from policyengine.engine.results import Result
from policyengine.explain.facts import FactIndex
from policyengine.explain.nodes import Application, ConditionNode, WhyNot
from policyengine.explain.whynot import WhyNotBuilder
from policyengine.models.names import Names, the
from policyengine.text import Labels
from policyengine.validation.scenario import LoadedScenario

#: How far missing derived facts are followed in a brief (the full explanation goes deeper).
BRIEF_DEPTH = 1

LABELS = Labels("explain_brief")


class Reasons:
    """Brief reasons about the outcomes of one evaluation (the why-not search is set up once,
    when first needed)."""

    def __init__(self, loaded: LoadedScenario, result: Result) -> None:
        self.loaded = loaded
        self.result = result

    @functools.cached_property
    def builder(self) -> WhyNotBuilder:
        raw = self.result.raw
        assert raw is not None, "why-not reasons need the raw evaluation"
        return WhyNotBuilder(
            FactIndex(raw, self.loaded, raw.compiled), [], self.result, max_depth=BRIEF_DEPTH
        )

    def missing(self, kind: str, outcome_id: str, lang: str) -> list[str]:
        """Why the recommendation (or risk) ``outcome_id`` is not among the results."""
        action, _, target = outcome_id.partition("/")
        return _why_not(self.builder.outcome(kind, action, target), lang, 0)

    def present(self, kind: str, outcome_id: str, lang: str) -> list[str]:
        """Which rules and evidence made ``outcome_id``, what held, and the reason they give."""
        L = LABELS[lang]
        if kind == "recommendation":
            rec = self.result.recommendation(outcome_id)
            if rec is None:
                return []
            rules, evidence, because = rec.rules, rec.evidence, rec.because
            text, label = rec.justification, L["justification"]
        else:
            risk = next((r for r in self.result.risks if r.id == outcome_id), None)
            if risk is None:
                return []
            rules, evidence, because = risk.rules, risk.evidence, risk.because
            text, label = risk.message, L["message"]
        names = Names(self.loaded.scenario)
        said = [names.fact_by_id(fid, lang) for fid in evidence]
        if lang == "en":
            said = [the(s) for s in said]
        return [
            L["made" if kind == "recommendation" else "raised"].format(
                rules=", ".join(rules), evidence=L["list_sep"].join(said)
            ),
            L["because"] + because[lang],
            label + text[lang],
        ]


def _why_not(why: WhyNot, lang: str, level: int) -> list[str]:
    pad = "  " * level
    if why.note is not None:
        return [pad + why.note[lang]]
    out: list[str] = []
    for app in why.attempts:
        out += _attempt(app, lang, level)
    return out


def _attempt(app: Application, lang: str, level: int) -> list[str]:
    L = LABELS[lang]
    pad = "  " * level
    title = app.rule.title[lang]
    if not app.failed:
        return [pad + L["rule_holds"].format(id=app.rule.id, title=title)]
    out = [pad + L["rule"].format(id=app.rule.id, title=title, n=app.failed, m=len(app.conditions))]
    for cond in app.conditions:
        if cond.holds:
            continue
        out.append(f"{pad}  ✗ {_condition(cond, lang)}")
        for missing in cond.missing:
            nested = _why_not(missing, lang, level + 2)
            if nested:
                nested[0] = f"{pad}    {L['why_not']}{nested[0].lstrip()}"
            out += nested
    return out


def _condition(cond: ConditionNode, lang: str) -> str:
    """A failing condition in words, as the full explanation says it, on one line."""
    c = LABELS[lang]["colon"]
    failures = [f[lang] for f in cond.failures]
    if cond.mode == "match" and cond.facts:
        return f"{cond.var}{c}{cond.facts[0].text[lang]}{c}{'; '.join(failures)}"
    if cond.mode == "match":
        return f"{cond.var}{c}{'; '.join(failures) or cond.text[lang]}"
    return f"{cond.text[lang]}{c}{'; '.join(failures)}" if failures else cond.text[lang]


__all__ = ["BRIEF_DEPTH", "Reasons"]
