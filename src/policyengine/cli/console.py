"""The room's console: ``exercise run --interactive``, a command loop over the session controller.

The facilitator types commands (``help``, ``list``, ``injects``, ``release``, ``notes``,
``decisions``, ``note``, ``strike N``, ``undo``, ``status``, ``end``, ``quit``) or a decision (a
recommendation's number or id, or free text). Each command is one call of
:class:`policyengine.exercise.controller.Controller`; this module only asks, calls and prints,
every sentence from the message catalog (``console.*``) in the session's language. A short status
line comes before each prompt; a blank line does nothing; nothing the facilitator did not mean
as a decision (``?``, ``undo``, a misspelt command) is ever recorded as one.

``view="player"`` prints only what players may see (the screen may be projected): the move's
situation and questions, the injects released, the decisions taken; no recommendations, no
controller notes, no expected actions, no injects still to come.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from policyengine.exercise.controller import (
    Controller,
    DecisionView,
    InjectView,
    MoveHeader,
    Refused,
    Role,
)
from policyengine.exercise.log import MAX_TEXT
from policyengine.exercise.prompt import answer_problem
from policyengine.render.common import width, wrap_hanging
from policyengine.text import t

#: (question, words Tab completes, keep in history) -> the line typed; raises EOFError at the end
Ask = Callable[[str, Sequence[str], bool], str]
Show = Callable[[str], None]


class Quit(Exception):
    """The facilitator left the session (``quit``): the log keeps everything; resume later."""


@dataclass(frozen=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    player: bool  # available in the player view


#: command words, with aliases (Japanese ones for a Japanese keyboard's IME)
COMMANDS = (
    Command("help", ("?", "h", "ヘルプ", "？"), True),
    Command("list", ("ls", "一覧"), False),
    Command("injects", ("インジェクト",), True),
    Command("release", ("next", "配布"), True),
    Command("notes", ("統制", "統制メモ"), False),
    Command("decisions", ("決定一覧",), True),
    Command("decide", ("決定",), True),
    Command("note", ("メモ",), True),
    Command("strike", ("取消",), True),
    Command("undo", ("元に戻す",), True),
    Command("status", ("状況",), True),
    Command("end", ("終了",), True),
    Command("quit", ("exit", "中断"), True),
)
_YES = {"y", "yes", "はい", "ｙ"}


class Console:
    """One facilitator's console over ``controller`` (see the module's docstring)."""

    def __init__(
        self,
        controller: Controller,
        *,
        view: Role,
        ask: Ask,
        show: Show,
        warn: Show,
        columns: int = 100,
    ) -> None:
        self.ctl = controller
        self.lang = controller.lang
        self.view = view
        self._ask = ask
        self.show = show
        self.warn = warn
        self.columns = max(40, columns)
        self.last_by = ""
        self.commands = {
            word: c for c in COMMANDS if view == "facilitator" or c.player for word in (c.name, *c.aliases)
        }

    def m(self, key: str, **fields: object) -> str:
        return t(f"console.{key}", self.lang, **fields)

    def counted(self, key: str, n: int) -> str:
        """The message ``key`` for ``n`` things: its ``_one`` form for one."""
        return self.m(f"{key}_one" if n == 1 else key, n=n)

    # -- the loop ---------------------------------------------------------------------------------

    def run(self) -> None:
        """Play from where the session stands until ``quit`` (:class:`Quit`) or the end of input
        (:class:`EOFError`); after the last move, the hot wash goes on until either."""
        self.show_move()
        while True:
            self.show(self.status_line())
            prompt = (
                self.m("prompt_hot_wash") if self.ctl.finished else self.m("prompt", n=self._move_number())
            )
            line = self.ask(prompt, self._completions())
            if line is None or not line.strip():
                continue  # a blank line never ends the move
            self.handle(line.strip())

    def handle(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        command = self.commands.get(word.casefold()) or self.commands.get(word)
        if command is None and word.casefold() in {w for c in COMMANDS for w in (c.name, *c.aliases)}:
            self.warn(self.m("not_in_player_view", command=word))
            return
        if command is None:
            self.decide(line)
            return
        getattr(self, "cmd_" + command.name)(rest.strip())

    def ask(self, question: str, completions: Sequence[str] = (), *, history: bool = True) -> str | None:
        """The answer, or None when it cannot be recorded as typed (explained)."""
        answer = self._ask(question, completions, history)
        problem = answer_problem(answer, self.lang, MAX_TEXT)
        if problem is not None:
            self.warn(problem)
            return None
        return answer

    def confirm(self, question: str, *, default: bool) -> bool:
        while True:
            answer = self.ask(question, history=False)
            if answer is None:
                continue
            answer = answer.strip().casefold()
            if not answer:
                return default
            return answer in _YES

    # -- commands ---------------------------------------------------------------------------------

    def cmd_help(self, _: str) -> None:
        lines = [self.m("help_intro_" + self.view)]
        for c in COMMANDS:
            if c.name in self.commands:
                lines += self.wrap(self.m("help_" + c.name), "  ", "      ")
        lines += ["", *self.wrap(self.m("help_decision_" + self.view))]
        self.show("\n".join(lines))

    def cmd_list(self, _: str) -> None:
        if self._over():
            return
        recs = self.ctl.recommendations()
        lines = [self.m("list_heading", n=len(recs), move=self._move_number())]
        for r in recs:
            mark = "*" if r.decided else ("+" if r.new else ("~" if r.changed else " "))
            lines += self.wrap(
                f"{r.id} [{r.priority}] {r.title} — {r.target}", f" {mark}{r.number:>3}  ", " " * 7
            )
        lines.append(self.m("list_legend"))
        self.show("\n".join(lines))

    def cmd_injects(self, _: str) -> None:
        if self._over():
            return
        injects = self.ctl.injects(self.view)
        released = [i for i in injects if i.released]
        lines = [self.m("injects_released", n=len(released))]
        lines += [
            f"  [{i.number}] {i.title}" + self.m("released_at", time=_clock(i.released_at)) for i in released
        ]
        if self.view == "facilitator":
            coming = [i for i in injects if not i.released and i.applies]
            lines.append(self.m("injects_coming", n=len(coming)))
            lines += [f"  [{i.number}] {i.title}" for i in coming]
            skipped = [i for i in injects if not i.applies]
            if skipped:
                lines.append(self.m("injects_not_applying", n=len(skipped)))
                lines += [f"  [{i.number}] {i.title}" for i in skipped]
            if coming:
                lines.append(self.m("injects_hint"))
        else:
            status = self.ctl.status()
            lines.append(self.counted("injects_more", status.injects_total - status.injects_released))
        self.show("\n".join(lines))

    def cmd_release(self, number: str) -> None:
        try:
            inject = self.ctl.release(number or None, expect_seq=self.ctl.seq)
        except Refused as e:
            self.warn(e.message(self.lang))
            return
        self.show("\n".join(self.inject_text(inject)))

    def cmd_notes(self, _: str) -> None:
        if self._over():
            return
        view = self.ctl.facilitator_view(details=True)
        lines = [self.m("notes_heading")]
        if view.move_notes:
            lines += self.wrap(view.move_notes, "  ")
        for i in view.injects:
            extra = []
            if i.condition:
                extra.append(self.m("notes_condition", condition=_condition(i.condition, self.lang)))
            if i.notes:
                extra.append(i.notes)
            for e in i.expect:
                who = f" ({e.cell})" if e.cell else ""
                extra.append(self.m("notes_expected", action=e.action + who, note=e.note or ""))
            if extra:
                state = self.m("released") if i.released else self.m("not_released")
                lines.append(f"  [{i.number}] {i.title}" + self.m("inject_state", state=state))
                for text in extra:
                    lines += self.wrap(text, "    - ", "      ")
        if len(lines) == 1:
            lines.append("  " + self.m("notes_none"))
        self.show("\n".join(lines))

    def cmd_decisions(self, _: str) -> None:
        decisions = self.ctl.decisions()
        if self.view == "player":
            decisions = [d for d in decisions if not d.struck]
        if not decisions:
            self.show(self.m("decisions_none"))
            return
        lines = [self.m("decisions_heading", n=sum(1 for d in decisions if not d.struck))]
        for d in decisions:
            lines += self.wrap(self.decision_text(d), f"  #{d.number} ", " " * (4 + len(str(d.number))))
        self.show("\n".join(lines))

    def cmd_decide(self, text: str) -> None:
        if not text:
            self.warn(self.m("decide_what"))
            return
        self.decide(text, explicit=True)

    def cmd_note(self, text: str) -> None:
        if not text:
            self.warn(self.m("note_what"))
            return
        try:
            self.ctl.note(text, expect_seq=self.ctl.seq)
        except Refused as e:
            self.warn(e.message(self.lang))
            return
        self.show(self.m("note_recorded"))

    def cmd_strike(self, rest: str) -> None:
        number, _, reason = rest.partition(" ")
        number = number.lstrip("#")
        if not (number.isascii() and number.isdigit() and len(number) <= 9):
            self.warn(self.m("strike_what"))
            return
        try:
            struck = self.ctl.strike(
                int(number), reason=reason.strip(), by=self.last_by, expect_seq=self.ctl.seq
            )
        except Refused as e:
            self.warn(e.message(self.lang))
            return
        self.show(self.m("struck", n=struck.number, decision=self.decision_text(struck)))

    def cmd_undo(self, _: str) -> None:
        try:
            struck = self.ctl.undo(expect_seq=self.ctl.seq)
        except Refused as e:
            self.warn(e.message(self.lang))
            return
        self.show(self.m("struck", n=struck.number, decision=self.decision_text(struck)))

    def cmd_status(self, _: str) -> None:
        s = self.ctl.status()
        lines = [self.m("status_exercise", title=self.ctl.player_view().exercise)]
        if s.move is not None:
            lines.append(self.m("status_move", n=s.move.number, total=s.move.total, title=s.move.title))
            lines.append(
                self.m(
                    "status_elapsed", move=self._minutes(s.elapsed_move), total=self._minutes(s.elapsed_total)
                )
            )
            lines.append(self.m("status_injects", released=s.injects_released, total=s.injects_total))
        else:
            lines.append(self.m("status_over", total=self._minutes(s.elapsed_total)))
        lines.append(
            self.m("status_decisions", move=s.decisions_move, total=s.decisions_total, struck=s.struck)
        )
        self.show("\n".join(lines))

    def cmd_end(self, _: str) -> None:
        try:
            preview = self.ctl.end_preview()
        except Refused as e:
            self.warn(e.message(self.lang))
            return
        lines = [
            self.m("end_heading", n=preview.move.number, total=preview.move.total, title=preview.move.title)
        ]
        if preview.decisions:
            lines.append(self.m("end_decided", n=len(preview.decisions)))
            for d in preview.decisions:
                lines += self.wrap(self.decision_text(d), f"  #{d.number} ", " " * (4 + len(str(d.number))))
        else:
            lines.append(self.m("end_nothing_decided"))
        if preview.struck:
            lines.append(
                self.m("end_struck", numbers=self.m("separator").join(f"#{d.number}" for d in preview.struck))
            )
        if preview.unreleased:
            lines.append(self.m("end_unreleased", n=len(preview.unreleased)))
            if self.view == "facilitator":  # their titles would tell the players what is to come
                lines += [f"  [{i.number}] {i.title}" for i in preview.unreleased]
        self.show("\n".join(lines))
        question = self.m("end_confirm_last" if preview.last else "end_confirm", n=preview.move.number)
        try:
            confirmed = self.confirm(question, default=False)
        except KeyboardInterrupt:
            self.show("")
            confirmed = False
        if not confirmed:
            self.show(self.m("end_cancelled"))
            return
        try:
            ended = self.ctl.end_move(expect_seq=preview.seq)
        except Refused as e:
            self.warn(e.message(self.lang))
            return
        self.show(self.m("end_done", n=preview.move.number, decided=len(preview.decisions)))
        if ended.next is None:
            self.show(self.m("exercise_over"))
        else:
            self.show_move()

    def cmd_quit(self, _: str) -> None:
        raise Quit

    # -- a decision -------------------------------------------------------------------------------

    def decide(self, text: str, *, explicit: bool = False) -> None:
        """Ask what a decision needs and record it; Ctrl-C on the way records nothing."""
        try:
            self._decide(text, explicit=explicit)
        except KeyboardInterrupt:
            self.show("")
            self.warn(self.m("cancelled"))

    def _decide(self, text: str, *, explicit: bool) -> None:
        seq = self.ctl.seq
        try:
            resolved = self.ctl.resolve(text)
        except Refused as e:
            self.warn(e.message(self.lang))
            if not explicit and e.code == "not-a-decision":
                self.warn(self.m("type_help"))
            return
        action = resolved.action
        if resolved.kind == "suggest" and resolved.suggestion is not None:
            if self.confirm(self.m("did_you_mean_yn", id=resolved.suggestion), default=True):
                action = resolved.suggestion
            elif not self.confirm(self.m("free_confirm", text=text), default=True):
                return
        elif resolved.kind == "free" and not explicit:
            close = self._close_command(text)
            if close is not None:
                self.warn(self.m("unknown_command", word=text, command=close))
                return
            if not self.confirm(self.m("free_confirm", text=text), default=True):
                return
        elif resolved.kind in ("number", "recommendation"):
            self.show(self.m("resolved", number=resolved.number, id=resolved.action))
        cell = self._ask_cell()
        if cell is None:
            return
        rationale = self.ask(self.m("ask_rationale"), history=False)
        while rationale is None:
            rationale = self.ask(self.m("ask_rationale"), history=False)
        by = self.ask(
            self.m("ask_by", last=self.last_by) if self.last_by else self.m("ask_by_first"), history=False
        )
        while by is None:
            by = self.ask(self.m("ask_by_first"), history=False)
        by = by.strip() or self.last_by
        try:
            decision = self.ctl.decide(action, cell=cell, rationale=rationale, by=by, expect_seq=seq)
        except Refused as e:
            self.warn(e.message(self.lang))
            return
        self.last_by = by
        self.show(self.m("recorded", n=decision.number, decision=self.decision_text(decision)))

    def _ask_cell(self) -> str | None:
        cells = self.ctl.cells()
        if len(cells) == 1:
            return cells[0][0]
        question = self.m("ask_cell", cells=", ".join(c for c, _ in cells))
        while True:
            answer = self.ask(question, [c for c, _ in cells], history=False)
            if answer is None:
                continue
            try:
                return self.ctl.check_cell(answer)
            except Refused as e:
                self.warn(e.message(self.lang))

    def _close_command(self, text: str) -> str | None:
        if " " in text.strip():
            return None
        words = [c.name for c in COMMANDS if c.name in self.commands]
        close = difflib.get_close_matches(text.casefold(), words, n=1, cutoff=0.7)
        return close[0] if close else None

    # -- what is shown ----------------------------------------------------------------------------

    def status_line(self) -> str:
        s = self.ctl.status()
        if s.move is None:
            return self.m(
                "status_line_over", total=self._minutes(s.elapsed_total), decisions=s.decisions_total
            )
        return self.m(
            "status_line",
            n=s.move.number,
            total=s.move.total,
            elapsed=self._minutes(s.elapsed_move),
            decisions=s.decisions_move,
            released=s.injects_released,
            injects=s.injects_total,
        )

    def show_move(self) -> None:
        view = self.ctl.player_view()
        if view.move is None:
            self.show(self.m("exercise_over"))
            return
        lines = ["", *self.move_text(view.move)]
        status = view.status
        if self.view == "facilitator":
            recs = self.ctl.recommendations()
            new = [r for r in recs if r.new]
            lines += self.bottom_line()
            lines.append(self.m("move_injects", n=status.injects_total, released=status.injects_released))
            lines += self.wrap(self.m("move_recommendations", n=len(recs), new=len(new)))
            lines.append(self.m("type_help"))
        else:
            lines.append(self.m("move_injects_player"))
        self.show("\n".join(lines))
        if view.decisions:
            self.show(self.m("already_decided", n=len(view.decisions)))

    def bottom_line(self) -> list[str]:
        """The move's bottom line, as ``exercise run`` opens a move (render.exercise): the actions
        that matter most in it, with their numbers, then what its injects added, removed or
        changed (for the facilitator: it tells what the injects still to come will bring)."""
        from policyengine.render.evaluate import top_line
        from policyengine.render.exercise import before_of, move_change_lines, move_top, since_text

        ledger = self.ctl.ledger
        state = ledger.current()
        if state is None:
            return []
        numbers = ledger.recommendation_numbers
        lines = [t("briefing.bottom_line", self.lang)]
        for r in move_top(state):
            lines += self.wrap(top_line(r, self.lang), f"  {numbers[r.id]:>3}  ", " " * 7)
        lines.append(t("move_brief.changes", self.lang, since=since_text(state, self.lang)))
        changes = move_change_lines(state, before_of(ledger.run, state)[1], self.lang)
        for line in changes or [t("move_brief.changes_none", self.lang)]:
            lines += self.wrap(line, "    - " if changes else "      ", "      ")
        return lines

    def move_text(self, move: MoveHeader) -> list[str]:
        title = self.m("move_heading", n=move.number, total=move.total, title=move.title, date=move.date)
        lines = [title, "-" * width(title)]
        if move.situation:
            lines += self.wrap(move.situation)
        if move.questions:
            lines.append(self.m("questions"))
            for i, q in enumerate(move.questions, start=1):
                lines += self.wrap(q, f"  {i}. ", "     ")
        return lines

    def inject_text(self, inject: InjectView) -> list[str]:
        time = f" {inject.time}" if inject.time else ""
        lines = [f"[{inject.number}]{time} {inject.title}"]
        lines += self.wrap(inject.description, "  ")
        to = self.m("separator").join(inject.to) if inject.to else self.m("all_cells")
        sender = self.m("from", sender=inject.sender) if inject.sender else ""
        lines += self.wrap(sender + self.m("to", cells=to), "  ")
        if self.view == "facilitator":
            status = self.ctl.status()
            lines.append(self.counted("release_left", status.injects_total - status.injects_released))
        return lines

    def decision_text(self, d: DecisionView) -> str:
        who = d.cell_name or self.m("whole_room")
        text = f"[{who}] {d.action}"
        if d.recommendation is not None and self.view == "facilitator":
            text += f" ({d.recommendation})"
        if d.title:
            text += f" — {d.title}"
        if d.rationale:
            text += self.m("because", rationale=d.rationale)
        if d.by:
            text += self.m("decided_by", by=d.by)
        if d.struck:
            text += (
                self.m("struck_mark", reason=d.struck_reason)
                if d.struck_reason
                else self.m("struck_mark_bare")
            )
        return text

    def wrap(self, text: str, first: str = "", rest: str | None = None) -> list[str]:
        return wrap_hanging(text, first, first if rest is None else rest, self.columns)

    def _minutes(self, seconds: int) -> str:
        minutes = seconds // 60
        if minutes >= 60:
            return self.m("hours", h=minutes // 60, m=minutes % 60)
        return self.m("minutes", m=minutes)

    def _move_number(self) -> int:
        s = self.ctl.status()
        return s.move.number if s.move is not None else 0

    def _over(self) -> bool:
        if self.ctl.finished:
            self.warn(Refused("over").message(self.lang))
            return True
        return False

    def _completions(self) -> list[str]:
        words = list(self.commands)
        if self.view == "facilitator" and not self.ctl.finished:
            words += [r.id for r in self.ctl.recommendations()]
            words += list(self.ctl.ledger.recommendation_numbers)
        return words


def _clock(iso: str | None) -> str:
    """``09:03``: the local time of day of an ISO 8601 time (the log's clock is UTC)."""
    if not iso:
        return ""
    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%H:%M")
    except ValueError:
        return ""


def _condition(condition: dict[str, list[str]], lang: str) -> str:
    parts = []
    for key in ("decided", "not_decided", "applied"):
        if condition.get(key):
            parts.append(t(f"console.if_{key}", lang, ids=", ".join(condition[key])))
    return t("console.and", lang).join(parts)
