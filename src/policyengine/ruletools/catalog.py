"""What a rule pack holds, rule by rule: for ``policyengine rules list`` and ``rules show``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from policyengine.compiler.ir import CondIR, Ref, RuleIR, Template
from policyengine.compiler.pipeline import CompiledPack
from policyengine.compiler.wording import FIELD_LABELS, I18n, Wording, i18n, no_bindings
from policyengine.errors import input_error
from policyengine.errors.locations import shorten
from policyengine.errors.suggest import hint_for
from policyengine.models.common import I18nText
from policyengine.models.names import Names
from policyengine.models.scenario import Scenario, ScenarioHeader

# Rules are read without a scenario: names stay as written (JPN, quad).
_NO_SCENARIO = Scenario(
    scenario=ScenarioHeader(id="none", title=I18nText(ja="なし", en="none"), as_of=dt.date(2000, 1, 1))
)


def produces(rule: RuleIR) -> list[str]:
    """``derive raa-partner``, ``recommend conclude-raa``, ``risk alienation``."""
    out = [f"derive {kind}" for kind, _ in rule.output.derive]
    if rule.output.recommend is not None:
        out.append(f"recommend {rule.output.recommend['action']}")
    if rule.output.risk is not None:
        out.append(f"risk {rule.output.risk['kind']}")
    return out


@dataclass(frozen=True)
class RuleSummary:
    id: str
    title: I18n
    stratum: int
    produces: list[str]
    section: str
    location: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": dict(self.title),
            "stratum": self.stratum,
            "produces": list(self.produces),
            "section": self.section,
            "location": self.location,
        }


def summary(rule: RuleIR) -> RuleSummary:
    title = {"ja": rule.rule.title.ja, "en": rule.rule.title.en}
    location = str(shorten(rule.location))
    return RuleSummary(rule.id, title, rule.stratum, produces(rule), rule.rule.source.section, location)


def list_rules(compiled: CompiledPack) -> list[RuleSummary]:
    """Every rule of the pack, in the pack's order."""
    return [summary(r) for r in compiled.rules]


@dataclass
class RuleDetail:
    """One rule in full: its source, its conditions in words, what it produces, its neighbours."""

    summary: RuleSummary
    description: I18n | None
    source: dict[str, str]
    conditions: list[I18n]
    outputs: list[I18n]
    depends_on: list[str] = field(default_factory=list)  # rules deriving what it matches
    used_by: list[str] = field(default_factory=list)  # rules matching what it derives
    also: list[str] = field(default_factory=list)  # further passages it encodes (source.also)

    def to_dict(self) -> dict[str, Any]:
        source: dict[str, Any] = dict(self.source)
        if self.also:
            source["also"] = list(self.also)
        return {
            **self.summary.to_dict(),
            "description": dict(self.description) if self.description else None,
            "source": source,
            "conditions": [dict(c) for c in self.conditions],
            "outputs": [dict(o) for o in self.outputs],
            "depends_on": list(self.depends_on),
            "used_by": list(self.used_by),
        }


def _template_text(tpl: Template) -> str:
    parts = []
    for p in tpl.parts:
        if isinstance(p, str):
            parts.append(p.replace("{", "{{").replace("}", "}}"))
        else:
            parts.append("{" + p[0] + (f".{p[1]}" if p[1] else "") + "}")
    return "".join(parts)


def _value_text(value: Any, lang: str) -> str:
    if isinstance(value, Ref):
        names = FIELD_LABELS.get(value.field)
        label = names[0 if lang == "ja" else 1] if names else value.field
        return f"{value.var}の{label}" if lang == "ja" else f"{value.var}'s {label}"
    return str(value)


def _outcome_text(what: str, action: str, target: Any, level: str, text: dict[str, Template]) -> I18n:
    """``recommend conclude-raa/[partner's code] (priority high): <justification>``."""
    words = {"recommend": ("推奨", "優先度", "priority"), "risk": ("リスク", "深刻度", "severity")}[what]
    ja_target, en_target = _value_text(target, "ja"), _value_text(target, "en")
    return {
        "ja": f"{words[0]} {action}/［{ja_target}］（{words[1]}：{level}）：{_template_text(text['ja'])}",
        "en": f"{what} {action}/[{en_target}] ({words[2]} {level}): {_template_text(text['en'])}",
    }


def _outputs(rule: RuleIR) -> list[I18n]:
    out: list[I18n] = []
    for kind, spec in rule.output.derive:
        out.append(
            {
                "ja": f"導出 {kind}（"
                + "、".join(f"{k}：{_value_text(v, 'ja')}" for k, v in spec.items())
                + "）",
                "en": f"derive {kind} ("
                + ", ".join(f"{k}: {_value_text(v, 'en')}" for k, v in spec.items())
                + ")",
            }
        )
    rec = rule.output.recommend
    if rec is not None:
        out.append(
            _outcome_text("recommend", rec["action"], rec["target"], rec["priority"], rec["justification"])
        )
    risk = rule.output.risk
    if risk is not None:
        out.append(_outcome_text("risk", risk["kind"], risk["target"], risk["severity"], risk["message"]))
    return out


def _condition_text(wording: Wording, rule: RuleIR) -> list[I18n]:
    out = []
    for cond in rule.conditions:
        text = i18n(partial(wording.condition, cond, no_bindings))
        if cond.var is not None:
            text = {"ja": f"{text['ja']}（{cond.var}とする）", "en": f"{text['en']}, as {cond.var}"}
        out.append(text)
    return out


def show_rule(compiled: CompiledPack, rule_id: str) -> RuleDetail:
    """One rule in full; an unknown id is an InputError (E501) with a "did you mean"."""
    rule = compiled.rule(rule_id)
    if rule is None:
        raise input_error(
            "E501",
            f"no rule '{rule_id}' in pack '{compiled.pack.id}'",
            None,
            hint_for(rule_id, [r.id for r in compiled.rules], noun="rules")
            or "list the rules with `policyengine rules list`",
        )
    wording = Wording(Names(_NO_SCENARIO), compiled.kinds, compiled.rules)
    src = rule.rule.source
    source = {"document": src.document, "section": src.section, "quote": src.quote}
    if src.locator:
        source["locator"] = src.locator
    if src.translation:
        source["translation"] = src.translation
    desc = rule.rule.description
    return RuleDetail(
        summary(rule),
        {"ja": desc.ja, "en": desc.en} if desc else None,
        source,
        _condition_text(wording, rule),
        _outputs(rule),
        depends_on=[r.id for r in compiled.rules if r is not rule and feeds(r, rule)],
        used_by=[r.id for r in compiled.rules if r is not rule and feeds(rule, r)],
        also=list(src.also),
    )


def _allowed(cond: CondIR, name: str) -> set[str] | None:
    """The values a condition allows for a field (None: any)."""
    allowed: set[str] | None = None
    for t in cond.tests:
        if t.field != name or isinstance(t.value, Ref):
            continue
        if t.op == "eq":
            values = {str(t.value)}
        elif t.op == "in":
            values = {str(v) for v in t.value}
        else:
            continue
        allowed = values if allowed is None else allowed & values
    return allowed


def feeds(producer: RuleIR, consumer: RuleIR) -> bool:
    """Can ``producer`` produce a fact one of ``consumer``'s conditions looks at?"""
    made = {k for k, _ in producer.output.derive}
    rec, risk = producer.output.recommend, producer.output.risk
    for cond in consumer.conditions:
        if cond.kind in made:
            return True
        if cond.kind == "recommendation" and rec is not None:
            allowed = _allowed(cond, "action")
            if allowed is None or rec["action"] in allowed:
                return True
        if cond.kind == "risk" and risk is not None:
            allowed = _allowed(cond, "kind")
            if allowed is None or risk["kind"] in allowed:
                return True
    return False


__all__ = ["RuleDetail", "RuleSummary", "feeds", "list_rules", "produces", "show_rule", "summary"]
