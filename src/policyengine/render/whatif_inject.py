"""``whatif --as-inject``: each verified change set as an exercise inject, ready to paste under a
move's ``injects:`` (docs/exercises.md).

A whole fact removed becomes ``remove:``, a new fact ``add:``, and any other change ``update:``
with only the fields that change (of a mapping field, only the keys that change, since an update
merges mappings key by key). Applying the inject to the scenario's world gives exactly the
changed world the answer was verified on.
"""

from __future__ import annotations

from typing import Any

import yaml

from policyengine.counterfactual.changes import Change, apply_to_scenario, section_of
from policyengine.counterfactual.whatif import Answer, WhatIfResult
from policyengine.models.names import format_date
from policyengine.models.scenario import SECTIONS
from policyengine.text import both, t

_SECTION_ORDER = [s.key for s in SECTIONS]


def _dump(fact: Any, *, defaults: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = fact.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude_defaults=not defaults
    )
    return data


def _change(ch: Change) -> str:
    where = f"{ch.fact} {ch.path}".rstrip()
    if ch.op == "alter":
        old, new = ("(unset)" if v is None else v for v in (ch.old, ch.new))
        return f"{where}: {old} -> {new}"
    return f"{ch.op} {where}"


def _delta(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in [*new, *(k for k in old if k not in new)]:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            inner = _delta(before, after)
            gone = {k: None for k in before if k not in after}
            out[key] = {**inner, **gone}
        else:
            out[key] = after
    return out


def inject_of(result: WhatIfResult, answer: Answer, number: int) -> dict[str, Any]:
    """The inject (as plain data) that makes the answer's changes."""
    scenario = result.loaded.scenario
    changed = apply_to_scenario(scenario, answer.changes)
    blocks: dict[str, dict[str, list[Any]]] = {"remove": {}, "update": {}, "add": {}}
    for fact_id in sorted({ch.fact for ch in answer.changes}):
        section = section_of(fact_id)
        ident = fact_id.split(":", 1)[1]
        before = {section.identity(f): f for f in getattr(scenario, section.key)}.get(ident)
        after = {section.identity(f): f for f in getattr(changed, section.key)}.get(ident)
        if before is not None and after is None:
            blocks["remove"].setdefault(section.key, []).append(ident)
        elif before is None and after is not None:
            blocks["add"].setdefault(section.key, []).append(_dump(after, defaults=False))
        elif before is not None and after is not None:
            delta = _delta(_dump(before), _dump(after))
            if delta:
                item = {section.identity_field: ident, **delta}
                blocks["update"].setdefault(section.key, []).append(item)
    title = "whatif_inject.title_no_longer" if result.present else "whatif_inject.title_now"
    inject: dict[str, Any] = {
        "id": f"whatif-{number}",
        "title": both(title, id=result.outcome_id),
        "description": both("whatif_inject.description"),
    }
    for block in ("remove", "update", "add"):
        if blocks[block]:
            inject[block] = {k: blocks[block][k] for k in _SECTION_ORDER if k in blocks[block]}
    return inject


def render_as_inject(result: WhatIfResult, lang: str = "en") -> str:
    """YAML: one inject per verified change set, with a comment (in ``lang``) saying what it does."""
    scenario = result.loaded.scenario.scenario
    what = "comment_disappear" if result.present else "comment_appear"
    head = {"id": result.outcome_id, "scenario": scenario.id, "day": format_date(scenario.as_of, lang)}
    lines = [
        t("whatif_inject.comment_head", lang, **head),
        t(f"whatif_inject.{what}", lang, id=result.outcome_id),
        t("whatif_inject.comment_paste", lang),
    ]
    if not result.answers:
        lines.append(t("whatif_inject.comment_none", lang, n=result.max_changes))
        return "\n".join(lines) + "\n"
    for i, answer in enumerate(result.answers, 1):
        lines.append("")
        also = []
        if answer.lost:
            also.append(t("whatif_inject.also_removes", lang, ids=", ".join(answer.lost)))
        if answer.gained:
            also.append(t("whatif_inject.also_brings", lang, ids=", ".join(answer.gained)))
        said = t("whatif_inject.list_sep", lang).join(
            [" + ".join(_change(ch) for ch in answer.changes), *also]
        )
        lines.append(f"# {i}. {said}")
        text = yaml.safe_dump(
            [inject_of(result, answer, i)],
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=100,
        )
        lines += ["      " + line for line in text.rstrip("\n").split("\n")]
    return "\n".join(lines) + "\n"
