"""Rendering exercises: the facilitator's run, the after-action report, the player and facilitator handouts.

Everything is built as blocks (``policyengine.render.blocks``) and formatted as text, Markdown or
self-contained HTML. Renderers only format: the run, the report and the guide are computed by
``policyengine.exercise``. Nothing here prints times or file paths, so that a replayed run is
byte-identical to the session it replays, from any folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from policyengine.display import Names, format_date
from policyengine.models.exercise import Inject
from policyengine.models.vocabulary import LEVEL_SYMBOLS, VALUE_NAMES
from policyengine.render.blocks import (
    Block,
    Bullets,
    Cell,
    Code,
    Document,
    Heading,
    Inline,
    Para,
    Quote,
    Raw,
    Section,
    Strong,
    Table,
    to_html,
    to_markdown,
    to_text,
)

if TYPE_CHECKING:
    from policyengine.engine.results import Recommendation, Result, Risk
    from policyengine.exercise.changes import MoveChanges
    from policyengine.exercise.guide import GuideMove
    from policyengine.exercise.load import LoadedExercise
    from policyengine.exercise.report import AfterActionReport, MoveReview
    from policyengine.exercise.runner import Decision, ExerciseRun, MoveState
    from policyengine.matrix import Matrix
    from policyengine.validation.scenario import LoadedScenario

LABELS: dict[str, dict[str, str]] = {
    "ja": {
        "exercise": "演習",
        "start": "開始時のシナリオ",
        "start_line": "{title}（{id}、{date}時点）：推奨{n}件、リスク{r}件",
        "pack": "ルールパック",
        "cells": "プレイヤー・セル",
        "objectives": "演習目標",
        "move": "第{n}ムーブ（全{total}ムーブ）：{title}（{date}）",
        "move_short": "第{n}ムーブ",
        "situation": "状況",
        "injects": "インジェクト（MSEL）",
        "from": "発信元",
        "to": "宛先",
        "all_cells": "全セル",
        "notes": "統制官メモ",
        "if_decided": "条件：プレイヤーが以前のムーブで「{id}」を決定した場合",
        "if_not_decided": "条件：プレイヤーが以前のムーブで「{id}」を決定していない場合",
        "if_applied": "前のムーブでインジェクト「{id}」が発生した場合",
        "applied": "適用",
        "not_applied": "不適用",
        "facts": "事実の変更",
        "questions": "討議事項",
        "expected": "想定されるプレイヤーの行動（MSEL）",
        "recommended_here": "このムーブでルールが推奨",
        "not_recommended_here": "注意：このムーブではルールが推奨していない",
        "recommendations": "ルールによる推奨（{n}件。+ 新規、~ 変更）",
        "risks": "リスク・留意点（{n}件）",
        "changes": "{since}からの変化",
        "since_start": "開始時",
        "no_change": "変化なし。",
        "facts_changed": "事実",
        "recs_added": "新たな推奨",
        "recs_removed": "なくなった推奨",
        "recs_changed": "変わった推奨",
        "risks_added": "新たなリスク",
        "risks_removed": "なくなったリスク",
        "risks_changed": "変わったリスク",
        "because": "理由",
        "caused_by": "原因",
        "inject": "インジェクト",
        "priority": "優先度",
        "was": "変更前",
        "now": "変更後",
        "decisions": "プレイヤーの決定（{move}）",
        "no_decisions": "決定なし。",
        "rationale": "根拠",
        "decision_recommended": "このムーブの推奨",
        "decision_other": "このムーブの推奨外",
        "source": "出典",
        "none": "なし。",
        # report
        "aar_title": "事後検証報告書（AAR/IP）：{title}",
        "overview": "演習の概要",
        "item": "項目",
        "value": "内容",
        "moves_played": "実施したムーブ",
        "moves_played_value": "{done}／{total}",
        "session_started": "セッション開始",
        "summary": "評価の概要",
        "legend": "凡例",
        "matched": "一致",
        "matched-earlier": "一致（前のムーブで決定済み）",
        "not-considered": "未検討",
        "diverged": "相違",
        "anticipated": "先取り",
        "legend_text": "一致：ルールの推奨どおりに決定した。未検討：推奨されたが決定しなかった。"
        "相違：推奨にない決定をした。先取り：後のムーブで推奨される行動を先に決定した。",
        "timeline": "経過（ムーブとインジェクト）",
        "not_triggered": "発動せず",
        "analysis": "ムーブごとの検証：推奨（想定される結果）とプレイヤーの決定",
        "col_rec": "推奨",
        "col_priority": "優先度",
        "col_players": "プレイヤーの決定",
        "col_assessment": "評価",
        "col_move": "ムーブ",
        "col_date": "日付",
        "col_count": "推奨数",
        "col_cell": "セル",
        "col_decision": "決定",
        "col_expected": "想定行動",
        "col_met": "実施",
        "col_recommended": "ルールの推奨",
        "reasoning": "推奨の理由と論文の根拠（初出・変更・決定・想定のもの）",
        "outside": "推奨外の決定",
        "expected_review": "MSELの想定行動",
        "yes": "はい",
        "no": "いいえ",
        "matrix": "枠組み×協力分野の表：演習の前と後",
        "matrix_before": "演習前（{date}）",
        "matrix_after": "演習後（{date}）",
        "matrix_changes": "表の変化",
        "matrix_no_change": "表に変化はない。",
        "strengths": "強み",
        "improvements": "改善すべき点",
        "ip": "改善計画（IP）",
        "col_issue": "課題",
        "col_action": "是正措置",
        "col_responsible": "担当セル",
        "col_status": "状態",
        "open": "未着手",
        "others": "その他の未検討の推奨",
        "departures": "論文の推論から離れた決定（ホットウォッシュでの討議事項）",
        "final_risks": "演習終了時のリスク・留意点",
        "strength_matched": "{moves}で、論文の推論どおり「{title}」（{id}）を決定した（{cells}）。",
        "strength_expected": "{moves}で、MSELの想定どおり「{title}」（{id}）を決定した（{cells}）。",
        "strength_anticipated": "{moves}で「{id}」を決定した。ルールはこれを後のムーブで推奨しており、先を見た判断だった（{cells}）。",
        "improvement_expected": "MSELが想定した「{title}」（{id}）が{moves}で検討されなかった。",
        "improvement_missing": "MSELが想定した「{id}」が{moves}で決定されず、ルールも推奨していない（演習設計の見直しを要する）。",
        "improvement_open": "{moves}で推奨された「{title}」（{id}）が検討されなかった。",
        "departure": "{move}：{cell}が「{action}」を決定した（{status}）。",
        "departure_anticipated": "{move}：{cell}が「{action}」を決定した（{status}：ルールは{later}で推奨）。",
        "incomplete": "このセッションは{done}／{total}ムーブで中断している。",
        # handouts
        "player_title": "プレイヤー配布資料：{title}",
        "facilitator_title": "統制官ガイド：{title}",
        "your_roles": "セルと役割",
        "col_name": "名称",
        "col_role": "役割",
        "world": "開始時の状況（{date}時点）",
        "more_to_come": "以降の状況は演習中に統制官から伝えられる。",
        "msel": "MSEL（全インジェクト）",
        "col_time": "時刻",
        "col_id": "ID",
        "col_title": "件名",
        "col_condition": "条件",
        "col_facts": "事実の変更",
        "always": "常に",
        "engine_start": "開始時のルールの推奨（{n}件）",
        "engine_move": "プレイヤーが何も決定しない場合のルールの推奨（{n}件）",
        "branch_effects": "条件付きインジェクトの効果",
        "effect_none": "推奨に変化なし。",
        "effect_unknown": "決定なしの経路では適用できないため、効果は示せない。",
        "hot_wash": "ホットウォッシュ（演習直後の振り返り）",
        "hot_wash_items": "各セルに：うまくいった点（強み）|改善すべき点|論文の推論と異なる判断をした理由|"
        "次の演習で確かめたいこと",
    },
    "en": {
        "exercise": "Exercise",
        "start": "Starting scenario",
        "start_line": "{title} ({id}, as of {date}): {n} recommendations, {r} risks",
        "pack": "Rule pack",
        "cells": "Player cells",
        "objectives": "Exercise objectives",
        "move": "Move {n} of {total}: {title} ({date})",
        "move_short": "move {n}",
        "situation": "Situation",
        "injects": "Injects (MSEL)",
        "from": "From",
        "to": "To",
        "all_cells": "all cells",
        "notes": "Facilitator notes",
        "if_decided": "Conditional: if players decided '{id}' in an earlier move",
        "if_not_decided": "Conditional: if players did not decide '{id}' in an earlier move",
        "if_applied": "if inject '{id}' applied in an earlier move",
        "applied": "applied",
        "not_applied": "not applied",
        "facts": "Fact changes",
        "questions": "Discussion questions",
        "expected": "Expected player actions (MSEL)",
        "recommended_here": "recommended by the rules in this move",
        "not_recommended_here": "note: the rules do not recommend it in this move",
        "recommendations": "Recommendations of the rules ({n}; + new, ~ changed)",
        "risks": "Risks and cautions ({n})",
        "changes": "What changed since {since}",
        "since_start": "the start",
        "no_change": "No change.",
        "facts_changed": "Facts",
        "recs_added": "New recommendations",
        "recs_removed": "Recommendations gone",
        "recs_changed": "Recommendations changed",
        "risks_added": "New risks",
        "risks_removed": "Risks gone",
        "risks_changed": "Risks changed",
        "because": "Because",
        "caused_by": "Caused by",
        "inject": "inject",
        "priority": "priority",
        "was": "was",
        "now": "now",
        "decisions": "Players' decisions ({move})",
        "no_decisions": "No decisions.",
        "rationale": "Rationale",
        "decision_recommended": "a recommendation of this move",
        "decision_other": "not a recommendation of this move",
        "source": "Source",
        "none": "None.",
        "aar_title": "After-action report (AAR/IP): {title}",
        "overview": "Exercise overview",
        "item": "Item",
        "value": "Value",
        "moves_played": "Moves played",
        "moves_played_value": "{done} of {total}",
        "session_started": "Session started",
        "summary": "Summary of the analysis",
        "legend": "Legend",
        "matched": "matched",
        "matched-earlier": "matched (decided in an earlier move)",
        "not-considered": "not considered",
        "diverged": "diverged",
        "anticipated": "anticipated",
        "legend_text": "Matched: players decided what the rules recommend. Not considered: recommended, "
        "not decided. Diverged: a decision the rules do not recommend. Anticipated: decided before the "
        "rules recommend it in a later move.",
        "timeline": "Timeline of moves and injects",
        "not_triggered": "not triggered",
        "analysis": "Move by move: the rules' recommendations (expected outcomes) against the players' decisions",
        "col_rec": "Recommendation",
        "col_priority": "Priority",
        "col_players": "Players' decision",
        "col_assessment": "Assessment",
        "col_move": "Move",
        "col_date": "Date",
        "col_count": "Recommendations",
        "col_cell": "Cell",
        "col_decision": "Decision",
        "col_expected": "Expected action",
        "col_met": "Met",
        "col_recommended": "Recommended by the rules",
        "reasoning": "Reasons and the paper's passages (where first seen, changed, decided or expected)",
        "outside": "Decisions outside the recommendations",
        "expected_review": "MSEL expected actions",
        "yes": "yes",
        "no": "no",
        "matrix": "Framework x area matrix before and after the exercise",
        "matrix_before": "Before ({date})",
        "matrix_after": "After ({date})",
        "matrix_changes": "Changes in the matrix",
        "matrix_no_change": "The matrix did not change.",
        "strengths": "Strengths",
        "improvements": "Areas for improvement",
        "ip": "Improvement plan (IP)",
        "col_issue": "Issue",
        "col_action": "Corrective action",
        "col_responsible": "Responsible cell",
        "col_status": "Status",
        "open": "open",
        "others": "Other recommendations not considered",
        "departures": "Decisions that departed from the paper's reasoning (for the hot wash)",
        "final_risks": "Risks and cautions at the end of the exercise",
        "strength_matched": "In {moves}, players decided '{title}' ({id}), as the paper's reasoning suggests ({cells}).",
        "strength_expected": "In {moves}, players decided '{title}' ({id}), as the MSEL expected ({cells}).",
        "strength_anticipated": "In {moves}, players decided '{id}', which the rules recommend only in a later "
        "move: they looked ahead ({cells}).",
        "improvement_expected": "'{title}' ({id}), expected by the MSEL, was not considered in {moves}.",
        "improvement_missing": "'{id}', expected by the MSEL in {moves}, was not decided and the rules do not "
        "recommend it (review the exercise design).",
        "improvement_open": "'{title}' ({id}), recommended in {moves}, was not considered.",
        "departure": "{move}: {cell} decided '{action}' ({status}).",
        "departure_anticipated": "{move}: {cell} decided '{action}' ({status}: the rules recommend it in {later}).",
        "incomplete": "This session stopped after {done} of {total} moves.",
        "player_title": "Player handout: {title}",
        "facilitator_title": "Facilitator guide: {title}",
        "your_roles": "Cells and roles",
        "col_name": "Name",
        "col_role": "Role",
        "world": "The situation at the start (as of {date})",
        "more_to_come": "The facilitator will give further information during the exercise.",
        "msel": "MSEL (every inject)",
        "col_time": "Time",
        "col_id": "ID",
        "col_title": "Title",
        "col_condition": "Condition",
        "col_facts": "Fact changes",
        "always": "always",
        "engine_start": "The rules' recommendations at the start ({n})",
        "engine_move": "The rules' recommendations if players decide nothing ({n})",
        "branch_effects": "What the conditional injects change",
        "effect_none": "No change in the recommendations.",
        "effect_unknown": "It does not apply on the no-decision path, so its effect cannot be shown.",
        "hot_wash": "Hot wash (right after the exercise)",
        "hot_wash_items": "Ask each cell: what went well (strengths)|what to improve|why it departed from "
        "the paper's reasoning, where it did|what to test in the next exercise",
    },
}


def _l(lang: str, key: str, **kw: object) -> str:
    text = LABELS[lang][key]
    return text.format(**kw) if kw else text


def _date(d: object, lang: str) -> str:
    import datetime as dt

    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    assert isinstance(d, dt.date)
    return format_date(d, lang)


def _value(v: str, lang: str) -> str:
    names = VALUE_NAMES.get(v)
    return names[0 if lang == "ja" else 1] if names else v


def _join(items: Sequence[str], lang: str) -> str:
    return ("、" if lang == "ja" else ", ").join(items)


# -- shared pieces ------------------------------------------------------------------------------


def fact_label(fact_id: str, names: Names, lang: str) -> str:
    """``agreement:raa-jpn-gbr`` with its display name, when it has one."""
    kind, _, ident = fact_id.partition(":")
    name = {
        "country": names.country,
        "framework": names.framework,
        "agreement": names.agreement,
        "event": names.event,
        "interest": names.interest,
        "area": names.area,
        "asset_protection": names.country,
    }.get(kind)
    shown = name(ident, lang) if name else ident
    return fact_id if shown == ident else f"{fact_id} ({shown})"


def _cells(exercise: LoadedExercise, ids: Sequence[str], lang: str) -> str:
    names = {c.id: c.name.get(lang) for c in exercise.exercise.cells}
    return _join([names.get(i, i) for i in ids], lang) if ids else _l(lang, "all_cells")


def _condition(inject: Inject, lang: str) -> str:
    assert inject.when is not None
    quote = "」「" if lang == "ja" else "', '"
    parts = []
    if inject.when.decided:
        parts.append(_l(lang, "if_decided", id=quote.join(inject.when.decided)))
    if inject.when.not_decided:
        parts.append(_l(lang, "if_not_decided", id=quote.join(inject.when.not_decided)))
    if inject.when.applied:
        parts.append(_l(lang, "if_applied", id=quote.join(inject.when.applied)))
    return ("。" if lang == "ja" else "; ").join(parts)


def _fact_changes(inject: Inject) -> Inline:
    marks = {"add": "+", "replace": "~", "remove": "-"}
    out: list[str | Code | Strong] = []
    for i, (fid, block) in enumerate(sorted(inject.touched().items())):
        if i:
            out.append(", ")
        out += [f"{marks[block]} ", Code(fid)]
    return out


def _inject_blocks(
    exercise: LoadedExercise,
    inject: Inject,
    number: str,
    lang: str,
    *,
    facilitator: bool,
    applied: bool | None = None,
) -> list[Block]:
    title: list[str | Code | Strong] = [
        Strong(f"[{number}]{' ' + inject.time if inject.time else ''} {inject.title.get(lang)}")
    ]
    if facilitator:
        title += [" ", Code(inject.id)]
    blocks: list[Block] = [Para(title)]
    if applied is False:
        blocks.append(Para(f"{_condition(inject, lang)} — {_l(lang, 'not_applied')}", cls="note"))
        return [Section(blocks, cls="inject")]
    blocks.append(Para(inject.description.get(lang)))
    sender = f"{_l(lang, 'from')}: {inject.from_.get(lang)} → " if inject.from_ else ""
    blocks.append(Para(f"{sender}{_l(lang, 'to')}: {_cells(exercise, inject.to, lang)}", cls="note"))
    if facilitator:
        if inject.when is not None:
            state = "" if applied is None else f" — {_l(lang, 'applied')}"
            blocks.append(Para(_condition(inject, lang) + state, cls="note facilitator"))
        if inject.notes is not None:
            blocks.append(Para(f"{_l(lang, 'notes')}: {inject.notes.get(lang)}", cls="note facilitator"))
        if inject.touched():
            blocks.append(
                Para([f"{_l(lang, 'facts')}: ", *_as_list(_fact_changes(inject))], cls="note facilitator")
            )
    return [Section(blocks, cls="inject")]


def _as_list(text: Inline) -> list[str | Code | Strong]:
    if isinstance(text, (str, Code, Strong)):
        return [text]
    return list(text)


def _rec_line(r: Recommendation, lang: str, mark: str = "") -> Inline:
    return [
        f"{mark} " if mark else "",
        Code(r.id),
        f" [{_value(r.priority, lang)}] {r.title[lang]} — {r.target_name[lang]}",
    ]


def _risk_line(k: Risk, lang: str) -> Inline:
    return [Code(k.id), f" [{_value(k.severity, lang)}] {k.message[lang]}"]


def _source_quote(r: Recommendation | Risk) -> list[Block]:
    return [Quote(s.quote, f"{s.document}, {s.section}") for s in r.sources]


def _changes_blocks(
    changes: MoveChanges,
    before: tuple[LoadedScenario, Result],
    after: tuple[LoadedScenario, Result],
    injects: Sequence[Inject],
    lang: str,
    *,
    level: int = 3,
    since: str,
) -> list[Block]:
    blocks: list[Block] = [Heading(level, _l(lang, "changes", since=since))]
    if changes.empty:
        return [*blocks, Para(_l(lang, "no_change"))]
    new_names, old_names = Names(after[0].scenario), Names(before[0].scenario)
    by_fact: dict[str, list[str]] = {}
    for inj in injects:
        for fid in inj.touched():
            by_fact.setdefault(fid, []).append(inj.id)

    def cause(oid: str) -> list[str | Code | Strong]:
        facts = changes.causes.get(oid, [])
        if not facts:
            return []
        out: list[str | Code | Strong] = [f" {_l(lang, 'caused_by')}: "]
        for i, fid in enumerate(facts):
            out += [", " if i else "", Code(fid)]
            if by_fact.get(fid):
                out.append(f" ({_l(lang, 'inject')} {', '.join(by_fact[fid])})")
        return out

    marks = [
        ("+", changes.facts_added, new_names),
        ("~", changes.facts_altered, new_names),
        ("-", changes.facts_removed, old_names),
    ]
    fact_items: list[Inline] = []
    for mark, ids, names in marks:
        for fid in ids:
            via = f" — {_l(lang, 'inject')} {', '.join(by_fact[fid])}" if by_fact.get(fid) else ""
            fact_items.append(f"{mark} {fact_label(fid, names, lang)}{via}")
    if fact_items:
        blocks += [Para(Strong(_l(lang, "facts_changed"))), Bullets(fact_items)]
    new_recs = {r.id: r for r in after[1].recommendations}
    old_recs = {r.id: r for r in before[1].recommendations}
    if changes.recommendations_added:
        blocks.append(Para(Strong(_l(lang, "recs_added"))))
        for rid in changes.recommendations_added:
            r = new_recs[rid]
            blocks.append(Bullets([[*_as_list(_rec_line(r, lang, "+")), *cause(rid)]]))
            blocks.append(Para(f"{_l(lang, 'because')}: {r.justification[lang]}"))
            blocks += _source_quote(r)
    if changes.recommendations_removed:
        blocks.append(Para(Strong(_l(lang, "recs_removed"))))
        blocks.append(
            Bullets(
                [
                    [*_as_list(_rec_line(old_recs[rid], lang, "-")), *cause(rid)]
                    for rid in changes.recommendations_removed
                ]
            )
        )
    if changes.recommendations_changed:
        blocks.append(Para(Strong(_l(lang, "recs_changed"))))
        for rid in changes.recommendations_changed:
            o, n = old_recs[rid], new_recs[rid]
            blocks.append(Bullets([[*_as_list(_rec_line(n, lang, "~")), *cause(rid)]]))
            if o.priority != n.priority:
                blocks.append(
                    Para(f"{_l(lang, 'priority')}: {_value(o.priority, lang)} → {_value(n.priority, lang)}")
                )
            if o.justification != n.justification:
                blocks.append(Para(f"{_l(lang, 'now')}: {n.justification[lang]}"))
                blocks.append(Para(f"{_l(lang, 'was')}: {o.justification[lang]}", cls="note"))
    new_risks = {k.id: k for k in after[1].risks}
    old_risks = {k.id: k for k in before[1].risks}
    for key, ids, pool in (
        ("risks_added", changes.risks_added, new_risks),
        ("risks_removed", changes.risks_removed, old_risks),
        ("risks_changed", changes.risks_changed, new_risks),
    ):
        if ids:
            blocks += [
                Para(Strong(_l(lang, key))),
                Bullets([[*_as_list(_risk_line(pool[k], lang)), *cause(k)] for k in ids]),
            ]
    return blocks


# -- the run ------------------------------------------------------------------------------------


def run_header_blocks(run: ExerciseRun, lang: str) -> list[Block]:
    ex = run.exercise
    h = ex.exercise.exercise
    start = run.start_loaded.scenario.scenario
    blocks: list[Block] = [Heading(1, f"{_l(lang, 'exercise')}: {h.title.get(lang)} ({h.id})")]
    if h.description:
        blocks.append(Para(h.description.get(lang)))
    blocks.append(
        Bullets(
            [
                f"{_l(lang, 'start')}: "
                + _l(
                    lang,
                    "start_line",
                    title=start.title.get(lang),
                    id=start.id,
                    date=_date(start.as_of, lang),
                    n=len(run.start_result.recommendations),
                    r=len(run.start_result.risks),
                ),
                f"{_l(lang, 'pack')}: {run.pack.pack.id}",
                f"{_l(lang, 'cells')}: "
                + _join([f"{c.name.get(lang)} ({c.id})" for c in ex.exercise.cells], lang),
            ]
        )
    )
    return blocks


def move_blocks(run: ExerciseRun, state: MoveState, lang: str, *, guide: bool = False) -> list[Block]:
    """One move as the facilitator's console shows it.

    ``guide``: as the facilitator guide shows it, before the session: every inject in full with
    its condition and expected actions, the recommendations being those if players decide nothing.
    """
    ex = run.exercise
    move = state.move
    total = len(ex.moves)
    n = state.index + 1
    blocks: list[Block] = [
        Heading(
            2, _l(lang, "move", n=n, total=total, title=move.title.get(lang), date=_date(move.date, lang))
        )
    ]
    if move.situation:
        blocks += [Heading(3, _l(lang, "situation")), Para(move.situation.get(lang))]
    if move.notes:
        blocks.append(Para(f"{_l(lang, 'notes')}: {move.notes.get(lang)}", cls="note facilitator"))
    if state.injects:
        blocks.append(Heading(3, _l(lang, "injects")))
        for o in state.injects:
            applied = None if guide or o.inject.when is None else o.applied
            blocks += _inject_blocks(
                ex, o.inject, f"{n}.{o.index + 1}", lang, facilitator=True, applied=applied
            )
            if guide:
                for e in o.inject.expect:
                    who = f" ({_cells(ex, [e.cell], lang)})" if e.cell else ""
                    note = f" — {e.note.get(lang)}" if e.note else ""
                    blocks.append(
                        Para(
                            [f"{_l(lang, 'expected')}: ", Code(e.action), who + note], cls="note facilitator"
                        )
                    )
    if move.questions:
        blocks += [
            Heading(3, _l(lang, "questions")),
            Bullets([q.get(lang) for q in move.questions], ordered=True),
        ]
    expected = state.expected()
    if expected:
        ids = set(state.result.ids)
        items: list[Inline] = []
        for _, e in expected:
            who = f" ({_cells(ex, [e.cell], lang)})" if e.cell else ""
            status = _l(lang, "recommended_here") if e.action in ids else _l(lang, "not_recommended_here")
            items.append([Code(e.action), f"{who} — {status}"])
        blocks += [Heading(3, _l(lang, "expected")), Bullets(items)]
    added = set(state.changes.recommendations_added)
    changed = set(state.changes.recommendations_changed)
    recs = state.result.recommendations
    heading = "engine_move" if guide else "recommendations"
    blocks.append(Heading(3, _l(lang, heading, n=len(recs))))
    blocks.append(
        Bullets(
            [_rec_line(r, lang, "+" if r.id in added else ("~" if r.id in changed else "")) for r in recs],
            ordered=True,
        )
        if recs
        else Para(_l(lang, "none"))
    )
    if state.result.risks:
        blocks += [
            Heading(3, _l(lang, "risks", n=len(state.result.risks))),
            Bullets([_risk_line(k, lang) for k in state.result.risks]),
        ]
    if state.index:
        prev = run.moves[state.index - 1]
        before = (prev.loaded, prev.result)
        since = _l(lang, "move_short", n=state.index)
    else:
        before = (run.start_loaded, run.start_result)
        since = _l(lang, "since_start")
    blocks += _changes_blocks(
        state.changes, before, (state.loaded, state.result), state.applied, lang, since=since
    )
    return blocks


def decision_blocks(run: ExerciseRun, state: MoveState, lang: str) -> list[Block]:
    """The decisions players recorded in a move."""
    blocks: list[Block] = [Heading(3, _l(lang, "decisions", move=_l(lang, "move_short", n=state.index + 1)))]
    if not state.decisions:
        return [*blocks, Para(_l(lang, "no_decisions"))]
    ids = set(state.result.ids)
    items: list[Inline] = []
    for d in state.decisions:
        kind = _l(lang, "decision_recommended") if d.action in ids else _l(lang, "decision_other")
        line: list[str | Code | Strong] = [
            f"[{_cells(run.exercise, [d.cell], lang)}] ",
            Code(d.action),
            f" — {kind}",
        ]
        if d.rationale:
            line.append(f". {_l(lang, 'rationale')}: {d.rationale}")
        items.append(line)
    return [*blocks, Bullets(items)]


def render_blocks(blocks: Sequence[Block], fmt: str, lang: str, title: str = "") -> str:
    doc = Document(title, list(blocks), lang)
    if fmt == "markdown":
        return to_markdown(doc)
    if fmt == "html":
        return to_html(doc)
    return to_text(doc)


def render_run(run: ExerciseRun, fmt: str, lang: str, *, decisions: bool = True) -> str:
    """The whole run: header, then every move played and, if asked, its decisions."""
    parts = [render_blocks(run_header_blocks(run, lang), fmt, lang)]
    for state in run.moves:
        parts.append(render_move(run, state, fmt, lang))
        if decisions:
            parts.append(render_decisions(run, state, fmt, lang))
    return "\n".join(parts)


def render_header(run: ExerciseRun, fmt: str, lang: str) -> str:
    return render_blocks(run_header_blocks(run, lang), fmt, lang)


def render_move(run: ExerciseRun, state: MoveState, fmt: str, lang: str) -> str:
    return render_blocks(move_blocks(run, state, lang), fmt, lang)


def render_decisions(run: ExerciseRun, state: MoveState, fmt: str, lang: str) -> str:
    return render_blocks(decision_blocks(run, state, lang), fmt, lang)


# -- handouts -----------------------------------------------------------------------------------


def _matrix_raw(m: Matrix, lang: str, changed: frozenset[tuple[str, str]] = frozenset()) -> Raw:
    from policyengine.render.common import markdown_table
    from policyengine.render.matrix import LEGEND, html_table, matrix_rows

    headers, rows = matrix_rows(m, lang)
    md = markdown_table(headers, rows) + f"\n{LEGEND[lang]}\n"
    html = html_table(m, lang, changed=changed) + f'<p class="meta">{LEGEND[lang]}</p>\n'
    return Raw(text=md, markdown=md, html=html)


def _overview_blocks(exercise: LoadedExercise, lang: str) -> list[Block]:
    h = exercise.exercise.exercise
    blocks: list[Block] = []
    if h.description:
        blocks.append(Para(h.description.get(lang)))
    if h.objectives:
        blocks += [
            Heading(2, _l(lang, "objectives")),
            Bullets([o.text.get(lang) for o in h.objectives], ordered=True),
        ]
    rows = [[c.name.get(lang), c.role.get(lang) if c.role else ""] for c in exercise.exercise.cells]
    blocks += [Heading(2, _l(lang, "your_roles")), Table([_l(lang, "col_name"), _l(lang, "col_role")], rows)]
    return blocks


def _world_blocks(exercise: LoadedExercise, lang: str) -> list[Block]:
    from policyengine.matrix import build_matrix

    sc = exercise.start.scenario.scenario
    blocks: list[Block] = [
        Heading(2, _l(lang, "world", date=_date(sc.as_of, lang))),
        Para(sc.title.get(lang)),
    ]
    if sc.description:
        blocks.append(Para(sc.description.get(lang)))
    blocks.append(_matrix_raw(build_matrix(exercise.start.scenario), lang))
    return blocks


def player_handout(exercise: LoadedExercise, lang: str, *, through: str | None = None) -> Document:
    """The player handout: the situation, the cells, and each move's unconditional injects.

    No spoilers: no facilitator notes, no expected actions, no recommendations of the rules, no
    conditional injects (what they say depends on the players' own decisions).
    """
    h = exercise.exercise.exercise
    blocks: list[Block] = [Heading(1, _l(lang, "player_title", title=h.title.get(lang)))]
    blocks += _overview_blocks(exercise, lang)
    blocks += _world_blocks(exercise, lang)
    total = len(exercise.moves)
    for i, move in enumerate(exercise.moves):
        part: list[Block] = [
            Heading(
                2,
                _l(
                    lang,
                    "move",
                    n=i + 1,
                    total=total,
                    title=move.title.get(lang),
                    date=_date(move.date, lang),
                ),
            )
        ]
        if move.situation:
            part.append(Para(move.situation.get(lang)))
        shown = [inj for inj in move.injects if inj.when is None]
        for k, inj in enumerate(shown, start=1):
            part += _inject_blocks(exercise, inj, f"{i + 1}.{k}", lang, facilitator=False)
        if move.questions:
            part += [
                Heading(3, _l(lang, "questions")),
                Bullets([q.get(lang) for q in move.questions], ordered=True),
            ]
        blocks.append(Section(part, cls="move page-break" if i else "move"))
        if through is not None and move.id == through:
            break
    blocks.append(Para(_l(lang, "more_to_come"), cls="note"))
    return Document(_l(lang, "player_title", title=h.title.get(lang)), blocks, lang)


def facilitator_guide(run: ExerciseRun, guide: Sequence[GuideMove], lang: str) -> Document:
    """The facilitator guide: every inject with its notes, conditions, expected actions and effects."""
    exercise = run.exercise
    h = exercise.exercise.exercise
    title = _l(lang, "facilitator_title", title=h.title.get(lang))
    blocks: list[Block] = [Heading(1, title)]
    blocks += _overview_blocks(exercise, lang)
    blocks += _world_blocks(exercise, lang)
    blocks += [
        Heading(3, _l(lang, "engine_start", n=len(run.start_result.recommendations))),
        Bullets([_rec_line(r, lang) for r in run.start_result.recommendations], ordered=True),
    ]
    rows: list[list[Inline | Cell]] = []
    for mi, move in enumerate(exercise.moves):
        for ii, inj in enumerate(move.injects):
            rows.append(
                [
                    f"{mi + 1}.{ii + 1}",
                    inj.time or "",
                    Code(inj.id),
                    inj.title.get(lang),
                    _cells(exercise, inj.to, lang),
                    _condition(inj, lang) if inj.when else _l(lang, "always"),
                    _fact_changes(inj),
                ]
            )
    blocks += [
        Heading(2, _l(lang, "msel")),
        Table(
            [
                "#",
                _l(lang, "col_time"),
                _l(lang, "col_id"),
                _l(lang, "col_title"),
                _l(lang, "to"),
                _l(lang, "col_condition"),
                _l(lang, "col_facts"),
            ],
            rows,
        ),
    ]
    for gm in guide:
        state = gm.state
        part = move_blocks(run, state, lang, guide=True)
        if gm.effects:
            part.append(Heading(3, _l(lang, "branch_effects")))
            for eff in gm.effects:
                part.append(
                    Para(
                        [
                            Strong(eff.inject.title.get(lang)),
                            " ",
                            Code(eff.inject.id),
                            f" — {_condition(eff.inject, lang)}",
                        ]
                    )
                )
                if eff.changes is None:
                    part.append(Para(_l(lang, "effect_unknown"), cls="note"))
                    continue
                items: list[Inline] = []
                for mark, ids in (
                    ("+", eff.changes.recommendations_added),
                    ("-", eff.changes.recommendations_removed),
                    ("~", eff.changes.recommendations_changed),
                ):
                    items += [[f"{mark} ", Code(i)] for i in ids]
                for mark, ids in (("+", eff.changes.risks_added), ("-", eff.changes.risks_removed)):
                    items += [[f"{mark} ", Code(i)] for i in ids]
                part.append(Bullets(items) if items else Para(_l(lang, "effect_none"), cls="note"))
        blocks.append(Section(part, cls="move page-break"))
    blocks += [Heading(2, _l(lang, "hot_wash")), Bullets(_l(lang, "hot_wash_items").split("|"))]
    return Document(title, blocks, lang)


def render_handout(doc: Document, fmt: str) -> str:
    return to_html(doc) if fmt == "html" else to_markdown(doc)


# -- the after-action report --------------------------------------------------------------------


def _status_cell(status: str, lang: str) -> Cell:
    return Cell(_l(lang, status), cls=status.replace("matched-earlier", "matched"))


def _move_name(report: AfterActionReport, move_id: str, lang: str) -> str:
    ids = [m.id for m in report.run.exercise.moves]
    return _l(lang, "move_short", n=ids.index(move_id) + 1) if move_id in ids else move_id


def _moves_text(report: AfterActionReport, moves: Sequence[str], lang: str) -> str:
    return _join([_move_name(report, m, lang) for m in moves], lang)


def after_action_report(report: AfterActionReport, lang: str) -> Document:
    run = report.run
    ex = run.exercise
    h = ex.exercise.exercise
    title = _l(lang, "aar_title", title=h.title.get(lang))
    start = run.start_loaded.scenario.scenario
    blocks: list[Block] = [Heading(1, title)]
    # overview
    moves_played = [m.state for m in report.moves]
    rows: list[list[Inline | Cell]] = [
        [_l(lang, "exercise"), [h.title.get(lang), " ", Code(h.id)]],
        [_l(lang, "start"), [start.title.get(lang), " ", Code(start.id), f" ({_date(start.as_of, lang)})"]],
        [
            _l(lang, "moves_played"),
            _l(lang, "moves_played_value", done=report.completed, total=report.total_moves),
        ],
        [_l(lang, "cells"), _join([c.name.get(lang) for c in ex.exercise.cells], lang)],
        [
            _l(lang, "pack"),
            [Code(run.pack.pack.id), f" ({str(report.header['rules'].get('fingerprint', ''))[:12]})"],
        ],
    ]
    started = report.header.get("time")
    if isinstance(started, str) and started:
        rows.append([_l(lang, "session_started"), started])
    section: list[Block] = [
        Heading(2, _l(lang, "overview")),
        Table([_l(lang, "item"), _l(lang, "value")], rows),
    ]
    if h.description:
        section.append(Para(h.description.get(lang)))
    if report.completed < report.total_moves:
        section.append(Para(Strong(_l(lang, "incomplete", done=report.completed, total=report.total_moves))))
    if h.objectives:
        section += [
            Heading(3, _l(lang, "objectives")),
            Bullets([o.text.get(lang) for o in h.objectives], ordered=True),
        ]
    blocks.append(Section(section, anchor="overview"))
    # summary
    summary_rows: list[list[Inline | Cell]] = []
    for m in report.moves:
        s = m.state
        summary_rows.append(
            [
                _move_name(report, s.move.id, lang),
                _date(s.move.date, lang),
                str(len(s.result.recommendations)),
                str(m.count("matched") + m.count("matched-earlier")),
                str(m.count("not-considered")),
                str(m.count("diverged")),
                str(m.count("anticipated")),
            ]
        )
    blocks.append(
        Section(
            [
                Heading(2, _l(lang, "summary")),
                Table(
                    [
                        _l(lang, "col_move"),
                        _l(lang, "col_date"),
                        _l(lang, "col_count"),
                        _l(lang, "matched"),
                        _l(lang, "not-considered"),
                        _l(lang, "diverged"),
                        _l(lang, "anticipated"),
                    ],
                    summary_rows,
                ),
                Para(f"{_l(lang, 'legend')}: {_l(lang, 'legend_text')}", cls="note legend"),
            ],
            anchor="summary",
        )
    )
    # timeline
    timeline: list[Block] = [Heading(2, _l(lang, "timeline"))]
    for m in report.moves:
        s = m.state
        n = s.index + 1
        timeline.append(
            Heading(
                3,
                _l(
                    lang,
                    "move",
                    n=n,
                    total=report.total_moves,
                    title=s.move.title.get(lang),
                    date=_date(s.move.date, lang),
                ),
            )
        )
        items: list[Inline] = []
        for o in s.injects:
            time = f"{o.inject.time} " if o.inject.time else ""
            if o.applied:
                items.append(
                    [
                        Strong(f"{n}.{o.index + 1} {time}{o.inject.title.get(lang)}"),
                        " ",
                        Code(o.inject.id),
                        f": {o.inject.description.get(lang)}",
                    ]
                )
            else:
                items.append(
                    [
                        f"{n}.{o.index + 1} {o.inject.title.get(lang)} ",
                        Code(o.inject.id),
                        f" — {_l(lang, 'not_triggered')} ({_condition(o.inject, lang)})",
                    ]
                )
        timeline.append(Bullets(items) if items else Para(_l(lang, "none")))
    blocks.append(Section(timeline, anchor="timeline"))
    # per-move analysis
    blocks.append(Heading(2, _l(lang, "analysis")))
    seen: set[str] = set()
    for m in report.moves:
        blocks.append(
            Section(_analysis_blocks(report, m, seen, lang), cls="move", anchor=f"move-{m.state.move.id}")
        )
    # matrix
    before, after = report.matrix_before, report.matrix_after
    last_date = moves_played[-1].move.date if moves_played else start.as_of
    changed = frozenset((f, a) for f, a, _, _ in report.matrix_changes)
    matrix: list[Block] = [
        Heading(2, _l(lang, "matrix")),
        Heading(3, _l(lang, "matrix_before", date=_date(start.as_of, lang))),
        _matrix_raw(before, lang),
        Heading(3, _l(lang, "matrix_after", date=_date(last_date, lang))),
        _matrix_raw(after, lang, changed),
        Heading(3, _l(lang, "matrix_changes")),
    ]
    if report.matrix_changes:
        names = Names(moves_played[-1].loaded.scenario if moves_played else run.start_loaded.scenario)
        matrix.append(
            Bullets(
                [
                    f"{names.framework(f, lang)} × {names.area(a, lang)}: {LEVEL_SYMBOLS[b]} → {LEVEL_SYMBOLS[c]}"
                    for f, a, b, c in report.matrix_changes
                ]
            )
        )
    else:
        matrix.append(Para(_l(lang, "matrix_no_change")))
    blocks.append(Section(matrix, anchor="matrix", cls="page-break"))
    # strengths, areas for improvement, improvement plan
    blocks.append(Section(_findings_blocks(report, lang), anchor="findings"))
    return Document(title, blocks, lang)


def _analysis_blocks(report: AfterActionReport, m: MoveReview, seen: set[str], lang: str) -> list[Block]:
    s = m.state
    n = s.index + 1
    blocks: list[Block] = [
        Heading(
            3,
            _l(
                lang,
                "move",
                n=n,
                total=report.total_moves,
                title=s.move.title.get(lang),
                date=_date(s.move.date, lang),
            ),
        )
    ]
    rows: list[list[Inline | Cell]] = []
    for i, r in enumerate(m.recommendations, start=1):
        rec = r.recommendation
        mark = (
            "+ "
            if rec.id in s.changes.recommendations_added
            else ("~ " if rec.id in s.changes.recommendations_changed else "")
        )
        players = "; ".join(
            f"{_cells(report.run.exercise, [d.cell], lang)}" + (f": {d.rationale}" if d.rationale else "")
            for d in r.decisions
        )
        if r.status == "matched-earlier":
            players = f"{_moves_text(report, [r.decisions[0].move], lang)} — {players}"
        rows.append(
            [
                str(i),
                [mark, Code(rec.id), f" {rec.title[lang]} — {rec.target_name[lang]}"],
                _value(rec.priority, lang),
                players,
                _status_cell(r.status, lang),
            ]
        )
    blocks.append(
        Table(
            [
                "#",
                _l(lang, "col_rec"),
                _l(lang, "col_priority"),
                _l(lang, "col_players"),
                _l(lang, "col_assessment"),
            ],
            rows,
            cls="analysis",
        )
    )
    reasons: list[Block] = []
    for r in m.recommendations:
        rec = r.recommendation
        explain = (
            rec.id not in seen
            or rec.id in s.changes.recommendations_changed
            or r.status in ("matched", "matched-earlier")
            or r.expected
        )
        seen.add(rec.id)
        if not explain:
            continue
        reasons += [
            Para([Code(rec.id), f" — {rec.title[lang]}: {rec.justification[lang]}"]),
            *_source_quote(rec),
        ]
    if reasons:
        blocks += [Heading(4, _l(lang, "reasoning")), *reasons]
    outside = [d for d in m.decisions if d.status != "matched"]
    if outside:
        rows = []
        for d in outside:
            status = _status_cell(d.status, lang)
            if d.recommended_in:
                status = Cell(
                    f"{_l(lang, d.status)} ({_move_name(report, d.recommended_in, lang)})", cls=d.status
                )
            rows.append(
                [
                    _cells(report.run.exercise, [d.decision.cell], lang),
                    Code(d.decision.action),
                    d.decision.rationale,
                    status,
                ]
            )
        blocks += [
            Heading(4, _l(lang, "outside")),
            Table(
                [
                    _l(lang, "col_cell"),
                    _l(lang, "col_decision"),
                    _l(lang, "rationale"),
                    _l(lang, "col_assessment"),
                ],
                rows,
            ),
        ]
    if m.expected:
        rows = [
            [
                Code(e.expected.action),
                _cells(report.run.exercise, [e.expected.cell], lang) if e.expected.cell else "",
                Cell(
                    _l(lang, "yes") if e.met else _l(lang, "no"), cls="matched" if e.met else "not-considered"
                ),
                _l(lang, "yes") if e.recommended else _l(lang, "no"),
            ]
            for e in m.expected
        ]
        blocks += [
            Heading(4, _l(lang, "expected_review")),
            Table(
                [
                    _l(lang, "col_expected"),
                    _l(lang, "col_cell"),
                    _l(lang, "col_met"),
                    _l(lang, "col_recommended"),
                ],
                rows,
            ),
        ]
    return blocks


def _findings_blocks(report: AfterActionReport, lang: str) -> list[Block]:
    ex = report.run.exercise

    def cells(ids: Sequence[str]) -> str:
        return _cells(ex, ids, lang) if ids else "—"

    blocks: list[Block] = [Heading(2, _l(lang, "strengths"))]
    items: list[Inline] = []
    for f in report.strengths:
        moves = _moves_text(report, f.moves, lang)
        if f.reason == "anticipated":
            items.append(_l(lang, "strength_anticipated", moves=moves, id=f.action, cells=cells(f.cells)))
        else:
            assert f.recommendation is not None
            key = "strength_expected" if f.reason == "expected-met" else "strength_matched"
            items.append(
                _l(
                    lang,
                    key,
                    moves=moves,
                    title=f.recommendation.title[lang],
                    id=f.action,
                    cells=cells(f.cells),
                )
            )
    blocks.append(Bullets(items) if items else Para(_l(lang, "none")))
    blocks.append(Heading(2, _l(lang, "improvements")))
    if not report.improvements:
        blocks.append(Para(_l(lang, "none")))
    for f in report.improvements:
        moves = _moves_text(report, f.moves, lang)
        if f.recommendation is None:
            blocks.append(Para(_l(lang, "improvement_missing", id=f.action, moves=moves)))
            continue
        key = "improvement_expected" if f.reason == "expected-missed" else "improvement_open"
        blocks.append(
            Para(Strong(_l(lang, key, title=f.recommendation.title[lang], id=f.action, moves=moves)))
        )
        blocks.append(Para(f"{_l(lang, 'because')}: {f.recommendation.justification[lang]}"))
        blocks += _source_quote(f.recommendation)
    rows: list[list[Inline | Cell]] = []
    for i, f in enumerate(report.improvements, start=1):
        action = f.recommendation.title[lang] if f.recommendation else f.action
        rows.append(
            [
                str(i),
                Code(f.action),
                action,
                cells(f.cells),
                _moves_text(report, f.moves, lang),
                _l(lang, "open"),
            ]
        )
    if rows:
        blocks += [
            Heading(2, _l(lang, "ip")),
            Table(
                [
                    "#",
                    _l(lang, "col_issue"),
                    _l(lang, "col_action"),
                    _l(lang, "col_responsible"),
                    _l(lang, "col_move"),
                    _l(lang, "col_status"),
                ],
                rows,
            ),
        ]
    if report.departures:
        items = []
        for d in report.departures:
            key = "departure_anticipated" if d.recommended_in else "departure"
            text = _l(
                lang,
                key,
                move=_move_name(report, d.decision.move, lang),
                cell=cells([d.decision.cell]),
                action=d.decision.action,
                status=_l(lang, d.status),
                later=_move_name(report, d.recommended_in, lang) if d.recommended_in else "",
            )
            items.append(
                text + (f" {_l(lang, 'rationale')}: {d.decision.rationale}" if d.decision.rationale else "")
            )
        blocks += [Heading(2, _l(lang, "departures")), Bullets(items)]
    if report.others_not_considered:
        rows = [
            [
                Code(f.action),
                f.recommendation.title[lang] if f.recommendation else "",
                _value(f.recommendation.priority, lang) if f.recommendation else "",
                _moves_text(report, f.moves, lang),
            ]
            for f in report.others_not_considered
        ]
        blocks += [
            Heading(2, _l(lang, "others")),
            Table(
                [_l(lang, "col_rec"), _l(lang, "col_title"), _l(lang, "col_priority"), _l(lang, "col_move")],
                rows,
            ),
        ]
    final = report.moves[-1].state.result.risks if report.moves else report.run.start_result.risks
    blocks.append(Heading(2, _l(lang, "final_risks")))
    blocks.append(Bullets([_risk_line(k, lang) for k in final]) if final else Para(_l(lang, "none")))
    return blocks


def render_report(report: AfterActionReport, fmt: str, lang: str) -> str:
    doc = after_action_report(report, lang)
    return to_html(doc) if fmt == "html" else to_markdown(doc)
