"""Rendering counterfactual answers (``whatif``) and load-bearing facts (``sensitivity``)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from policyengine.counterfactual.changes import Change
from policyengine.counterfactual.describe import Describer
from policyengine.counterfactual.sensitivity import SensitivityResult
from policyengine.counterfactual.whatif import Answer, WhatIfResult
from policyengine.models.common import I18nText
from policyengine.models.scenario import SECTION_BY_KIND, assumptions
from policyengine.render.common import markdown_table, md_code, md_escape, md_join, text_table, to_json, wrap
from policyengine.text import Labels
from policyengine.validation.scenario import LoadedScenario

LABELS = Labels("whatif")


def _where(result: WhatIfResult, ch: Change) -> str | None:
    if ch.op == "add" and not ch.path:
        return None
    origin = result.loaded.origin(ch.fact)
    return origin.location.describe() if origin is not None else None


def _assumptions(loaded: LoadedScenario, fact_id: str) -> list[I18nText]:
    """The assumptions a scenario fact rests on (docs/scenarios.md, ``assumption``)."""
    kind, _, ident = fact_id.partition(":")
    section = SECTION_BY_KIND.get(kind)
    if section is None:
        return []
    fact = next((f for f in getattr(loaded.scenario, section.key) if section.identity(f) == ident), None)
    return assumptions(fact) if fact is not None else []


def _change_line(ch: Change, d: Describer, lang: str) -> str:
    sign = {"add": "+", "remove": "-", "alter": "~"}[ch.op]
    target = f"{ch.fact}#{ch.path}" if ch.path else ch.fact
    if ch.op == "alter":
        return f"{sign} {target}: {d.shown(ch.old, ch.path, lang)} -> {d.shown(ch.new, ch.path, lang)}"
    return f"{sign} {target}"


def _groups(result: WhatIfResult) -> list[tuple[list[Answer], list[Any] | None]]:
    """Single alterations of the same field with the same side effects, shown as one answer."""

    def key(a: Answer) -> tuple[Any, ...]:
        if len(a.changes) == 1 and a.changes[0].op == "alter":
            ch = a.changes[0]
            return ("alter", ch.fact, ch.path, a.lost, a.gained)
        return ("one", a.changes[0].key if a.changes else "", len(a.changes), id(a))

    out: list[tuple[list[Answer], list[Any] | None]] = []
    for k, items in groupby(result.answers, key=key):
        group = list(items)
        if k[0] == "alter" and len(group) > 1:
            out.append((group, [a.changes[0].new for a in group]))
        else:
            out.extend(([a], None) for a in group)
    return out


def _sentence(result: WhatIfResult, d: Describer, answer: Answer, lang: str, alts: list[Any] | None) -> str:
    return d.sentence(
        list(answer.changes),
        result.outcome_id,
        present=result.present,
        kind=result.kind,
        lang=lang,
        alternatives=alts,
    )


def _head(result: WhatIfResult, lang: str) -> list[str]:
    L = LABELS[lang]
    risk = "_risk" if result.kind == "risk" else ""
    q = L[("q_disappear" if result.present else "q_appear") + risk].format(id=result.outcome_id)
    now = L[("now_present" if result.present else "now_absent") + risk].format(
        rules=", ".join(result.rules) or "-"
    )
    header = result.loaded.scenario.scenario
    lines = [
        q,
        f"{L['scenario']}: {header.id} ({header.as_of.isoformat()}) — {' <- '.join(result.loaded.files)}",
        now,
        L["search"].format(
            n=result.max_changes, c=result.candidates, e=result.evaluations, r=result.rejected
        ),
    ]
    if result.stopped_early:
        lines.append(L["stopped"].format(why=result.stopped_early))
    return lines


def render_whatif_text(result: WhatIfResult, lang: str = "ja") -> str:
    L = LABELS[lang]
    d = Describer(result.loaded.scenario)
    out = [*_head(result, lang), ""]
    if not result.answers:
        out += [L["none"].format(n=result.max_changes, c=result.candidates)]
        return "\n".join(out) + "\n"
    groups = _groups(result)
    out += [L["found"].format(n=len(result.answers)), ""]
    for i, (answers, alts) in enumerate(groups, 1):
        first = answers[0]
        number = f"  {i}. "
        lines = wrap(_sentence(result, d, first, lang, alts), " " * len(number))
        out += [number + lines[0].lstrip(), *lines[1:]]
        for a in answers:
            for ch in a.changes:
                where = _where(result, ch)
                out.append(f"       {_change_line(ch, d, lang)}   ({where or L['new_fact']})")
                for said in _assumptions(result.loaded, ch.fact):
                    out += wrap(f"{L['assumption']}: {said.get(lang)}", "         ")
        if first.lost:
            out += wrap(f"{L['also_lost']}: {', '.join(first.lost)}", "       ")
        if first.gained:
            out += wrap(f"{L['also_gained']}: {', '.join(first.gained)}", "       ")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def whatif_to_dict(result: WhatIfResult) -> dict[str, Any]:
    d = Describer(result.loaded.scenario)
    header = result.loaded.scenario.scenario
    answers = []
    for a in result.answers:
        changes = []
        for ch in a.changes:
            item = ch.to_dict()
            item["location"] = _where(result, ch)
            item["description"] = {lang: d.clause(ch, lang) for lang in ("ja", "en")}
            changes.append(item)
        answers.append(
            {
                "changes": changes,
                "sentence": {lang: _sentence(result, d, a, lang, None) for lang in ("ja", "en")},
                "verified": True,
                "also_lost": list(a.lost),
                "also_gained": list(a.gained),
            }
        )
    return {
        "scenario": {"id": header.id, "as_of": header.as_of.isoformat(), "files": list(result.loaded.files)},
        "outcome": {"id": result.outcome_id, "kind": result.kind, "present": result.present},
        "question": "disappear" if result.present else "appear",
        "rules": list(result.rules),
        "max_changes": result.max_changes,
        "search": {
            "proposed": result.candidates,
            "evaluations": result.evaluations,
            "invalid": result.rejected,
            "stopped_early": result.stopped_early,
        },
        "answers": answers,
    }


def render_whatif_markdown(result: WhatIfResult, lang: str = "ja") -> str:
    L = LABELS[lang]
    d = Describer(result.loaded.scenario)
    head = _head(result, lang)
    out = [f"# {md_escape(head[0])}", ""] + [f"- {md_escape(line)}" for line in head[1:]] + [""]
    if not result.answers:
        return "\n".join([*out, L["none"].format(n=result.max_changes, c=result.candidates)]) + "\n"
    out += [L["found"].format(n=len(result.answers)), ""]
    for i, (answers, alts) in enumerate(_groups(result), 1):
        first = answers[0]
        out += [f"{i}. {md_escape(_sentence(result, d, first, lang, alts))}"]
        for a in answers:
            for ch in a.changes:
                where = _where(result, ch)
                out.append(f"   - {md_code(_change_line(ch, d, lang))} — {md_escape(where or L['new_fact'])}")
        if first.lost:
            out.append(f"   - {L['also_lost']}: " + ", ".join(md_code(x) for x in first.lost))
        if first.gained:
            out.append(f"   - {L['also_gained']}: " + ", ".join(md_code(x) for x in first.gained))
    return "\n".join(out) + "\n"


def render_whatif(result: WhatIfResult, fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json(whatif_to_dict(result))
    if fmt == "markdown":
        return render_whatif_markdown(result, lang)
    return render_whatif_text(result, lang)


# -- sensitivity ----------------------------------------------------------------------------------


def sensitivity_to_dict(result: SensitivityResult) -> dict[str, Any]:
    header = result.loaded.scenario.scenario
    return {
        "scenario": {"id": header.id, "as_of": header.as_of.isoformat(), "files": list(result.loaded.files)},
        "recommendations": list(result.recommendations),
        "facts": [
            {
                "fact": f.fact,
                "location": f.location.describe() if f.location else None,
                "removable": f.removable,
                "reason": f.reason,
                "carries": list(f.lost),
                "gained_without_it": list(f.gained),
                "evidence_of": list(f.evidence),
                "removed_with_it": list(f.dependents),
                "assumptions": [a.model_dump() for a in _assumptions(result.loaded, f.fact)],
            }
            for f in result.facts
        ],
        "single_points_of_failure": {k: list(v) for k, v in result.single_points.items()},
        "evaluations": result.evaluations,
    }


def _sens_rows(result: SensitivityResult) -> list[list[str]]:
    rows = []
    for f in result.facts:
        if not f.lost and not f.gained:
            continue
        rows.append(
            [
                f.fact,
                str(f.weight),
                ", ".join(f.lost) or "-",
                ", ".join(f.gained) or "-",
                str(f.location) if f.location else "-",
            ]
        )
    return rows


def render_sensitivity_text(result: SensitivityResult, lang: str = "ja") -> str:
    L = LABELS[lang]
    header = result.loaded.scenario.scenario
    out = [
        f"{L['s_title']}: {header.id} ({header.as_of.isoformat()})",
        L["s_note"].format(e=result.evaluations),
        "",
        L["s_load"],
        "",
    ]
    for f in result.facts:
        if not f.lost and not f.gained:
            continue
        loc = f" ({f.location})" if f.location else ""
        out.append(f"  {f.fact}  [{f.weight}]{loc}")
        if f.lost:
            out += wrap(f"{L['carries']}: {', '.join(f.lost)}", "      ")
        if f.gained:
            out += wrap(f"{L['gained']}: {', '.join(f.gained)}", "      ")
        if f.dependents:
            out += wrap(f"{L['s_dependents']}: {', '.join(f.dependents)}", "      ")
        for said in _assumptions(result.loaded, f.fact):
            out += wrap(f"{L['assumption']}: {said.get(lang)}", "      ")
    idle = [f for f in result.facts if not f.lost and not f.gained]
    out += ["", L["s_idle"].format(n=len(idle)), "", L["s_spof"], ""]
    rows = [[rid, ", ".join(facts) or L["s_none"]] for rid, facts in result.single_points.items()]
    out.append(text_table([L["recommendation"], L["spof"]], rows).rstrip())
    not_removable = [f for f in result.facts if not f.removable]
    for f in not_removable:
        out.append(f"  ! {f.fact}: {f.reason}")
    return "\n".join(out) + "\n"


def render_sensitivity_markdown(result: SensitivityResult, lang: str = "ja") -> str:
    L = LABELS[lang]
    header = result.loaded.scenario.scenario
    out = [
        f"# {L['s_title']}: {md_escape(header.id)} ({header.as_of.isoformat()})",
        "",
        L["s_note"].format(e=result.evaluations),
        "",
        f"## {L['s_load']}",
        "",
        markdown_table([L["fact"], "#", L["carries"], L["gained"], L["where"]], _sens_rows(result)).rstrip(),
        "",
        f"## {L['s_spof']}",
        "",
    ]
    rows = [
        [md_code(rid), md_join([md_code(x) for x in facts]) or L["s_none"]]
        for rid, facts in result.single_points.items()
    ]
    out.append(markdown_table([L["recommendation"], L["spof"]], rows).rstrip())
    return "\n".join(out) + "\n"


def render_sensitivity(result: SensitivityResult, fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json(sensitivity_to_dict(result))
    if fmt == "markdown":
        return render_sensitivity_markdown(result, lang)
    return render_sensitivity_text(result, lang)
