"""A live session: show each move, take the players' decisions, record them, go on.

Terminal-free: the caller passes ``ask`` (a question and its default -> the answer; it raises
``EOFError`` when input ends), ``show`` (the run's text, standard output) and ``note`` (prompts'
companions and notices, standard error). What ``show`` receives over a whole session is exactly
what replaying the session's log prints.

Every answer passes :func:`policyengine.exercise.prompt.checked` first: one holding an escape
sequence (an arrow key on a terminal without line editing), another control character, bytes
that are not UTF-8 or more text than the log takes is refused and asked again, so that nothing
the log reader would refuse is ever recorded.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from policyengine.exercise.load import known_targets
from policyengine.exercise.log import MAX_ACTION, MAX_TEXT
from policyengine.exercise.prompt import checked
from policyengine.exercise.runner import MoveState
from policyengine.exercise.session import Session
from policyengine.models.common import RECOMMENDATION_ID_PATTERN
from policyengine.render.exercise import render_decisions, render_header, render_move
from policyengine.suggest import hint_for

Ask = Callable[[str, str], str]
Show = Callable[[str], None]

_ID = re.compile(RECOMMENDATION_ID_PATTERN)

HELP = {
    "ja": (
        "第{n}ムーブの決定を記録します。"
        "行動は、一覧の番号、推奨ID（例 {example}）、または自由記述で入力してください。"
        "空行でこのムーブを終えます。"
    ),
    "en": (
        "Record the decisions of move {n}. Enter an action as a number from the list, a recommendation "
        "id (e.g. {example}) or free text. An empty line ends the move."
    ),
}
PROMPTS = {
    "ja": {
        "action": "[{move}] 決定",
        "cell": "セル（{cells}）",
        "rationale": "根拠",
        "confirm": "「{id}」のことですか？ [Y/n]",
    },
    "en": {
        "action": "[{move}] decision",
        "cell": "cell ({cells})",
        "rationale": "rationale",
        "confirm": "did you mean '{id}'? [Y/n]",
    },
}
NOTES = {
    "ja": {
        "recorded": "記録しました：[{cell}] {action}",
        "out_of_range": "{n}番の推奨はありません（1〜{max}）。",
        "too_long": "行動が長すぎます（{n:,}文字、上限{limit:,}文字）。短くしてください。",
        "unknown_cell": "セル「{cell}」はありません。{hint}",
        "already": "このムーブには既に{n}件の決定が記録されています。",
    },
    "en": {
        "recorded": "recorded: [{cell}] {action}",
        "out_of_range": "there is no recommendation number {n} (1 to {max})",
        "too_long": "the action is too long ({n:,} characters, at most {limit:,}); shorten it",
        "unknown_cell": "unknown cell '{cell}'. {hint}",
        "already": "{n} decision(s) already recorded for this move",
    },
}


def play_interactive(
    session: Session,
    *,
    fmt: str,
    lang: str,
    ask: Ask,
    show: Show,
    note: Show,
    actions: set[str],
    show_header: bool = True,
) -> None:
    """Play from the session's current move to the end, recording every decision as it is taken.

    ``actions`` are the rule pack's actions: an entry ``ACTION/TARGET`` with a known action and a
    target of the exercise is a recommendation id even when the rules do not recommend it in this
    move; an entry close to a recommendation of the move is confirmed ("did you mean").
    """
    run = session.run
    ask = checked(ask, note, lang, MAX_TEXT)
    first = True
    if show_header:
        show(render_header(run, fmt, lang))
        first = False
    state: MoveState | None = session.current
    while state is not None:
        show(("" if first else "\n") + render_move(run, state, fmt, lang))
        first = False
        if state.decisions:
            note(NOTES[lang]["already"].format(n=len(state.decisions)))
        _take_decisions(session, state, lang, ask, note, actions)
        show("\n" + render_decisions(run, state, fmt, lang))
        state = session.complete_move()


def _take_decisions(
    session: Session, state: MoveState, lang: str, ask: Ask, note: Show, actions: set[str]
) -> None:
    recs = state.result.recommendations
    example = recs[0].id if recs else "conclude-raa/FRA"
    note(HELP[lang].format(n=state.index + 1, example=example))
    p = PROMPTS[lang]
    cells = session.run.exercise.cell_ids()
    known = known_targets(session.run.exercise)
    while True:
        raw = ask(p["action"].format(move=state.move.id), "").strip()
        if not raw:
            return
        if len(raw) > MAX_ACTION:
            note(NOTES[lang]["too_long"].format(n=len(raw), limit=MAX_ACTION))
            continue
        action = _resolve(raw, state, lang, ask, note, actions, known)
        if action is None:
            continue
        cell = cells[0] if len(cells) == 1 else _ask_cell(cells, lang, ask, note)
        rationale = ask(p["rationale"], "").strip()
        session.decide(cell, action, rationale)
        note(NOTES[lang]["recorded"].format(cell=cell, action=action))


def _known_target(target: str, state: MoveState, known: set[str]) -> bool:
    return target in known or all(code in known for code in target.split("+"))


def _resolve(
    raw: str, state: MoveState, lang: str, ask: Ask, note: Show, actions: set[str], known: set[str]
) -> str | None:
    recs = state.result.recommendations
    # Only ASCII digits make a number: str.isdigit() also takes '²' and '٣', which int() refuses
    # or reads otherwise; and a number of thousands of digits is out of range, not converted.
    if raw.isascii() and raw.isdigit():
        if len(raw) <= 6 and 1 <= int(raw) <= len(recs):
            return recs[int(raw) - 1].id
        shown = raw.lstrip("0") or "0"
        shown = shown if len(shown) <= 12 else shown[:12] + "…"
        note(NOTES[lang]["out_of_range"].format(n=shown, max=len(recs)))
        return None
    by_lower = {r.id.lower(): r.id for r in recs}
    if raw.lower() in by_lower:
        return by_lower[raw.lower()]
    action, _, target = raw.partition("/")
    if _ID.match(raw) and action in actions and _known_target(target, state, known):
        return raw
    close = difflib.get_close_matches(raw.lower(), list(by_lower), n=1, cutoff=0.8)
    if close:
        answer = ask(PROMPTS[lang]["confirm"].format(id=by_lower[close[0]]), "y").strip().lower()
        if answer in ("", "y", "yes", "はい"):
            return by_lower[close[0]]
    return raw


def _ask_cell(cells: list[str], lang: str, ask: Ask, note: Show) -> str:
    while True:
        cell = ask(PROMPTS[lang]["cell"].format(cells=", ".join(cells)), "").strip()
        if cell in cells:
            return cell
        note(NOTES[lang]["unknown_cell"].format(cell=cell, hint=hint_for(cell, cells, noun="cells") or ""))
