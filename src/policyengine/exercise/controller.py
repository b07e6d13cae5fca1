"""The session controller: what a facilitator does in the room, as calls that every console makes.

A console (the terminal's ``exercise run --interactive``, the browser's ``exercise serve``) turns
what the facilitator types or clicks into calls of one :class:`Controller`, and shows what the
calls return. The controller records every change in the session's log (through
:class:`~policyengine.exercise.session.Session`) and returns data, never text to print, except
the sentence of a :class:`Refused` in the session's language:

- :meth:`Controller.release` releases the move's next inject (or a named one) to the players;
- :meth:`Controller.decide` records a decision (a recommendation's stable number or id as people
  type it, or free text; with a cell, a rationale and who decided), :meth:`Controller.resolve`
  says beforehand what an entry would be recorded as (and "did you mean");
- :meth:`Controller.strike` takes a decision back by its number (a record of its own, never an
  edit of an earlier line), :meth:`Controller.undo` strikes the move's last decision;
- :meth:`Controller.note` records a facilitator's note (after the last move: the hot wash);
- :meth:`Controller.end_preview` names what the move decided, for a confirmation, and
  :meth:`Controller.end_move` ends it and plays the next;
- :meth:`Controller.status`, :meth:`Controller.recommendations`, :meth:`Controller.injects`,
  :meth:`Controller.decisions`, :meth:`Controller.notes`, :meth:`Controller.player_view` and
  :meth:`Controller.facilitator_view` read the state.

Every call that changes the log takes ``expect_seq``, the ``seq`` of the record the caller expects
to write (:attr:`Controller.seq`, as the caller last saw it): when another call wrote first, or the
same request arrives twice, the call is refused (``stale``) and records nothing. The state is what
replaying the log rebuilds (:class:`~policyengine.exercise.ledger.Ledger`), so a resumed session
goes on exactly where the log stops.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from policyengine.errors import InputError
from policyengine.exercise.ledger import Ledger, NumberedDecision
from policyengine.exercise.load import known_targets, pack_actions
from policyengine.exercise.log import MAX_ACTION, MAX_NAME, MAX_TEXT, Clock, utc_now
from policyengine.exercise.numbering import inject_number, move_number
from policyengine.exercise.prompt import answer_problem
from policyengine.models.common import RECOMMENDATION_ID_PATTERN
from policyengine.models.names import format_date
from policyengine.models.names import value as value_name
from policyengine.models.outcome_ids import candidates, canonical_id
from policyengine.text import t

if TYPE_CHECKING:
    from policyengine.engine.results import Recommendation
    from policyengine.exercise.runner import MoveState
    from policyengine.exercise.session import Session

_ID = re.compile(RECOMMENDATION_ID_PATTERN)
_T = TypeVar("_T")

Role = Literal["player", "facilitator"]


class Refused(Exception):
    """A call the controller refuses, recording nothing: ``code`` says why (stable, for programs),
    :meth:`message` says it in a language (for people)."""

    def __init__(self, code: str, **fields: Any) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields

    def message(self, lang: str) -> str:
        return t(f"console.refused_{self.code.replace('-', '_')}", lang, **self.fields)


# -- what the calls return ------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """What an entry for a decision would be recorded as.

    ``kind``: ``number`` (a recommendation's stable number), ``recommendation`` (an id of a
    recommendation of this move or an earlier one, as typed or in canonical form),
    ``anticipated`` (a rule's action on a target of the exercise that the rules do not recommend
    now), ``free`` (free text), ``suggest`` (close to ``suggestion``: ask "did you mean" and call
    :meth:`Controller.decide` with the answer's choice). ``action`` is what would be recorded.
    """

    kind: Literal["number", "recommendation", "anticipated", "free", "suggest"]
    action: str
    number: int | None = None  # the recommendation's stable number, when it has one
    suggestion: str | None = None


@dataclass(frozen=True)
class RecommendationView:
    number: int  # stable for the whole exercise
    id: str
    title: str
    target: str
    priority: str
    new: bool  # added by this move
    changed: bool  # changed by this move
    decided: bool  # a decision of this move (not struck) names it
    justification: str


@dataclass(frozen=True)
class ExpectedView:
    action: str
    cell: str | None  # the cell's name
    note: str | None


@dataclass(frozen=True)
class InjectView:
    number: str  # MOVE.K, as in every document of the exercise
    id: str
    time: str | None  # the scenario's clock time of the inject, if any
    title: str
    description: str
    sender: str | None
    to: list[str]  # the receiving cells' names; empty: every cell
    released: bool
    released_at: str | None  # ISO 8601
    # for the facilitator only (None or empty in the player's view):
    applies: bool = True  # a conditional inject whose condition does not hold does not apply
    notes: str | None = None
    expect: tuple[ExpectedView, ...] = ()
    condition: dict[str, list[str]] | None = None  # decided / not_decided / applied


@dataclass(frozen=True)
class DecisionView:
    number: int  # stable for the whole exercise: what strike N names
    move: str
    move_number: int
    cell: str | None
    cell_name: str | None
    action: str
    recommendation: int | None  # the stable number of the recommendation it names, if any
    title: str | None  # that recommendation's title
    rationale: str
    by: str
    time: str
    struck: bool
    struck_reason: str = ""


@dataclass(frozen=True)
class NoteView:
    move: str | None  # None: after the last move (the hot wash)
    text: str
    by: str
    time: str


@dataclass(frozen=True)
class MoveHeader:
    number: int
    total: int
    id: str
    title: str
    date: str  # in the session's language
    situation: str | None
    questions: list[str]


@dataclass(frozen=True)
class Status:
    seq: int  # the next record's seq: what the next state-changing call passes as expect_seq
    finished: bool
    move: MoveHeader | None  # None when every move is played
    elapsed_move: int  # seconds since the move began
    elapsed_total: int  # seconds since the session began
    decisions_move: int  # not struck
    decisions_total: int  # not struck
    struck: int
    injects_released: int  # of this move
    injects_total: int  # of this move that apply


@dataclass(frozen=True)
class PlayerView:
    """What players may see: the move, the injects released to them, the questions, their decisions."""

    exercise: str
    status: Status
    move: MoveHeader | None
    injects: list[InjectView]
    decisions: list[DecisionView]  # this move's, not struck


@dataclass(frozen=True)
class FacilitatorView:
    """Everything: with ``details``, the controller notes and the MSEL's expected actions too."""

    exercise: str
    status: Status
    move: MoveHeader | None
    injects: list[InjectView]  # every inject of the move, released or not
    recommendations: list[RecommendationView]
    decisions: list[DecisionView]  # the whole exercise's, struck ones included
    notes: list[NoteView]
    move_notes: str | None  # the move's controller notes (with details)
    expected: list[ExpectedView]  # the MSEL's expected actions of the move (with details)


@dataclass(frozen=True)
class EndPreview:
    """What ending the move would close: for a confirmation that names what was decided."""

    seq: int
    move: MoveHeader
    decisions: list[DecisionView]  # this move's, not struck
    struck: list[DecisionView]  # this move's, struck
    unreleased: list[InjectView]  # injects that apply and were never released
    last: bool  # ending this move ends the exercise


@dataclass(frozen=True)
class Ended:
    ended: EndPreview
    next: MoveHeader | None  # the move now being played; None: the exercise is over


# -- the controller -------------------------------------------------------------------------------


class Controller:
    """Drives one :class:`~policyengine.exercise.session.Session` (see the module's docstring).

    Calls are serialised by a lock: a web console may call from several threads.
    """

    def __init__(self, session: Session, lang: str) -> None:
        self.session: Session | None = session
        self.lang = lang
        self._lock = threading.RLock()
        self._ledger = session.ledger
        self._clock = session.clock
        self._actions = pack_actions(session.run.pack)
        self._targets = known_targets(session.run.exercise)

    @classmethod
    def viewer(cls, ledger: Ledger, lang: str, clock: Clock = utc_now) -> Controller:
        """A controller that only reads (a replayed log, a finished session): every call that
        would record something is refused (``read-only``)."""
        self = cls.__new__(cls)
        self.session, self.lang, self._lock = None, lang, threading.RLock()
        self._ledger, self._clock = ledger, clock
        self._actions = pack_actions(ledger.run.pack)
        self._targets = known_targets(ledger.run.exercise)
        return self

    # -- reading ----------------------------------------------------------------------------------

    @property
    def seq(self) -> int:
        """The ``seq`` the next record will carry (pass it as ``expect_seq``)."""
        return self.ledger.records

    @property
    def finished(self) -> bool:
        return self.ledger.finished

    @property
    def ledger(self) -> Ledger:
        """The state the log's records built (read it; change it only through the calls)."""
        return self._ledger

    @property
    def _session(self) -> Session:
        if self.session is None:
            raise Refused("read-only")
        return self.session

    def cells(self) -> list[tuple[str, str]]:
        """(id, name) of the exercise's cells."""
        return [(c.id, c.name.get(self.lang)) for c in self.ledger.run.exercise.exercise.cells]

    def status(self) -> Status:
        with self._lock:
            ledger = self.ledger
            state = ledger.current()
            now = self._clock()
            live = ledger.live()
            if state is None:
                return Status(
                    self.seq, True, None, 0, _seconds(ledger.started, now), 0, len(live),
                    len(ledger.struck), 0, 0,
                )  # fmt: skip
            return Status(
                seq=self.seq,
                finished=False,
                move=self._header(state),
                elapsed_move=_seconds(ledger.move_began(state.index), now),
                elapsed_total=_seconds(ledger.started, now),
                decisions_move=sum(1 for d in live if d.decision.move == state.move.id),
                decisions_total=len(live),
                struck=len(ledger.struck),
                injects_released=len(ledger.released(state.move.id)),
                injects_total=len(state.applied),
            )

    def recommendations(self) -> list[RecommendationView]:
        """The move's recommendations, by their stable numbers."""
        with self._lock:
            state = self.ledger.current()
            if state is None:
                return []
            return self._recommendations(state)

    def injects(self, role: Role = "facilitator") -> list[InjectView]:
        """The move's injects: for players, those released; for the facilitator, all of them."""
        with self._lock:
            state = self.ledger.current()
            return [] if state is None else self._injects(state, role)

    def decisions(self, move: str | None = None) -> list[DecisionView]:
        """Every decision of the exercise (or of ``move``), struck ones included, by number."""
        with self._lock:
            return [
                self._decision(d) for d in self.ledger.decisions if move is None or d.decision.move == move
            ]

    def notes(self) -> list[NoteView]:
        with self._lock:
            return [NoteView(n.move, n.text, n.by, n.time) for n in self.ledger.notes]

    def player_view(self) -> PlayerView:
        with self._lock:
            state = self.ledger.current()
            live = [] if state is None else self._live(state.move.id)
            return PlayerView(
                self._title(),
                self.status(),
                None if state is None else self._header(state),
                [] if state is None else self._injects(state, "player"),
                [self._decision(d) for d in live],
            )

    def facilitator_view(self, *, details: bool = False) -> FacilitatorView:
        with self._lock:
            state = self.ledger.current()
            move_notes = None
            expected: list[ExpectedView] = []
            if state is not None and details:
                move_notes = state.move.notes.get(self.lang) if state.move.notes else None
                expected = [self._expected(e) for _, e in state.expected()]
            return FacilitatorView(
                self._title(),
                self.status(),
                None if state is None else self._header(state),
                [] if state is None else self._injects(state, "facilitator", details=details),
                [] if state is None else self._recommendations(state),
                self.decisions(),
                self.notes(),
                move_notes,
                expected,
            )

    def resolve(self, text: str) -> Resolved:
        """What ``text`` would be recorded as by :meth:`decide` (refused: ``empty``,
        ``not-a-decision``, ``unknown-number``, ``bad-text``, ``ambiguous-id``: an id whose
        target names more than one thing, such as ``conclude-raa/Korea``)."""
        with self._lock:
            state = self._playing()
            raw = self._text(text, MAX_ACTION)
            if not any(ch.isalnum() for ch in raw):
                raise Refused("not-a-decision", text=raw)
            numbers = self.ledger.recommendation_numbers
            # Only ASCII digits make a number: str.isdigit() also takes '²' and '٣'.
            if raw.isascii() and raw.isdigit():
                by_number = {n: rid for rid, n in numbers.items()}
                if len(raw) <= 6 and int(raw) in by_number:
                    return Resolved("number", by_number[int(raw)], int(raw))
                shown = raw.lstrip("0") or "0"
                raise Refused("unknown-number", n=shown[:12], max=len(numbers))
            canonical = canonical_id(raw, state.loaded.scenario, self._actions)
            by_lower = {rid.lower(): rid for rid in numbers}
            for candidate in (raw, canonical):
                if candidate.lower() in by_lower:
                    rid = by_lower[candidate.lower()]
                    return Resolved("recommendation", rid, numbers[rid])
            action, _, target = canonical.partition("/")
            if _ID.match(canonical) and action in self._actions and self._known_target(target):
                return Resolved("anticipated", canonical)
            if action in self._actions:
                # a name of several targets (Korea: KOR or PRK) is asked again, one is offered
                meant = candidates(canonical, state.loaded.scenario, self._actions)
                if len(meant) > 1:
                    raise Refused("ambiguous-id", text=raw, ids=" / ".join(meant))
                if meant:
                    return Resolved("suggest", raw, None, meant[0])
            current = {rid.lower(): rid for rid in state.result.ids}
            pool = current or by_lower
            close = difflib.get_close_matches(canonical.lower(), list(pool), n=1, cutoff=0.8)
            if close:
                return Resolved("suggest", raw, None, pool[close[0]])
            return Resolved("free", raw)

    def end_preview(self) -> EndPreview:
        """What ending the move would close (refused ``over`` after the last move)."""
        with self._lock:
            state = self._playing()
            ledger = self.ledger
            mine = [d for d in ledger.decisions if d.decision.move == state.move.id]
            pending = {i for i, _ in ledger.unreleased(state)}
            return EndPreview(
                self.seq,
                self._header(state),
                [self._decision(d) for d in mine if d.number not in ledger.struck],
                [self._decision(d) for d in mine if d.number in ledger.struck],
                [v for v in self._injects(state, "facilitator") if v.id in pending],
                state.index == ledger.total - 1,
            )

    # -- changing the log -------------------------------------------------------------------------

    def release(self, number: str | None = None, *, expect_seq: int | None = None) -> InjectView:
        """Release the move's next inject (or the one numbered ``number``, e.g. ``"2.3"``).

        Refused: ``nothing-to-release`` when every inject that applies is out,
        ``unknown-inject`` / ``already-released`` / ``inject-does-not-apply`` for a number.
        """

        def act() -> InjectView:
            state = self._playing()
            ledger = self.ledger
            pending = ledger.unreleased(state)
            if number is None:
                if not pending:
                    raise Refused("nothing-to-release")
                inject, num = pending[0]
            else:
                num = number.strip().strip("[]")
                found = [i for i, n in pending if n == num]
                if not found:
                    self._why_not_releasable(state, num)
                inject = found[0]
            self._session.append({"type": "release", "move": state.move.id, "inject": inject, "number": num})
            return next(v for v in self._injects(state, "facilitator") if v.id == inject)

        return self._change(expect_seq, act)

    def decide(
        self,
        text: str,
        *,
        cell: str | None = None,
        rationale: str = "",
        by: str = "",
        expect_seq: int | None = None,
    ) -> DecisionView:
        """Record a decision of the move being played: ``text`` as :meth:`resolve` reads it (a
        ``suggest`` is recorded as typed: ask first). ``cell`` None: the only cell when there is
        one, else the whole room. Refused: ``unknown-cell`` and those of :meth:`resolve`."""

        def act() -> DecisionView:
            resolved = self.resolve(text)
            cell_id = self.check_cell(cell)
            reason = self._text(rationale, MAX_TEXT, empty=True)
            who = self._text(by, MAX_NAME, empty=True)
            self._session.decide(cell_id, resolved.action, reason, who)
            return self._decision(self.ledger.decisions[-1])

        return self._change(expect_seq, act)

    def strike(
        self, number: int, *, reason: str = "", by: str = "", expect_seq: int | None = None
    ) -> DecisionView:
        """Take back decision ``number`` (any move's): a ``strike`` record; the decision's line stays.

        A struck decision no longer counts: not in the report, not for the conditions of the
        injects of moves played after the strike. Refused: ``unknown-decision``, ``already-struck``.
        """

        def act() -> DecisionView:
            ledger = self.ledger
            if not 1 <= number <= len(ledger.decisions):
                raise Refused("unknown-decision", n=number, max=len(ledger.decisions))
            if number in ledger.struck:
                raise Refused("already-struck", n=number)
            record: dict[str, Any] = {"type": "strike", "decision": number}
            state = ledger.current()
            if state is not None:
                record["move"] = state.move.id
            record["reason"] = self._text(reason, MAX_TEXT, empty=True)
            if by.strip():
                record["by"] = self._text(by, MAX_NAME, empty=True)
            self._session.append(record)
            return self._decision(ledger.decisions[number - 1])

        return self._change(expect_seq, act)

    def undo(self, *, by: str = "", expect_seq: int | None = None) -> DecisionView:
        """Strike the last decision of the move being played (refused: ``nothing-to-undo``)."""
        with self._lock:
            state = self._playing()
            live = self._live(state.move.id)
            if not live:
                raise Refused("nothing-to-undo")
            return self.strike(
                live[-1].number, reason=t("console.undone", self.lang), by=by, expect_seq=expect_seq
            )

    def note(self, text: str, *, by: str = "", expect_seq: int | None = None) -> NoteView:
        """Record a facilitator's note in the move being played, or, after the last move, in the
        hot wash (refused: ``empty``, ``bad-text``)."""

        def act() -> NoteView:
            body = self._text(text, MAX_TEXT)
            record: dict[str, Any] = {"type": "note"}
            state = self.ledger.current()
            if state is not None:
                record["move"] = state.move.id
            record["text"] = body
            if by.strip():
                record["by"] = self._text(by, MAX_NAME, empty=True)
            full = self._session.append(record)
            return NoteView(full.get("move"), body, full.get("by", ""), full["time"])

        return self._change(expect_seq, act)

    def end_move(self, *, expect_seq: int | None = None) -> Ended:
        """End the move being played (a ``move`` record) and play the next one."""

        def act() -> Ended:
            preview = self.end_preview()
            state = self._session.complete_move()
            return Ended(preview, None if state is None else self._header(state))

        return self._change(expect_seq, act)

    # -- helpers ----------------------------------------------------------------------------------

    def _change(self, expect_seq: int | None, act: Callable[[], _T]) -> _T:
        with self._lock:
            if expect_seq is not None and expect_seq != self.seq:
                raise Refused("stale", expected=self.seq, got=expect_seq)
            try:
                return act()
            except InputError as e:
                # what Session.append refuses (a control character the checks above let through)
                raise Refused("bad-text", problem=e.diagnostics[0].message) from None

    def _playing(self) -> MoveState:
        state = self.ledger.current()
        if state is None:
            raise Refused("over")
        return state

    def _text(self, text: str, limit: int, *, empty: bool = False) -> str:
        value = text.strip()
        if not value and not empty:
            raise Refused("empty")
        problem = answer_problem(value, self.lang, limit)
        if problem is not None:
            raise Refused("bad-text", problem=problem)
        return value

    def check_cell(self, cell: str | None) -> str:
        """The id of the cell named ``cell`` (its id or its name, in any case): "" for none (the
        whole room) or, when the exercise has one cell, that cell. Refused: ``unknown-cell``."""
        ids = self.ledger.run.exercise.cell_ids()
        if cell is None or not cell.strip():
            return ids[0] if len(ids) == 1 else ""
        wanted = cell.strip()
        by_key = {c.casefold(): c for c in ids}
        for cid, name in self.cells():
            by_key.setdefault(name.casefold(), cid)
        if wanted.casefold() in by_key:
            return by_key[wanted.casefold()]
        close = difflib.get_close_matches(wanted.casefold(), list(by_key), n=1, cutoff=0.6)
        raise Refused(
            "unknown-cell",
            cell=wanted,
            cells=", ".join(ids),
            hint=t("console.did_you_mean", self.lang, id=by_key[close[0]]) if close else "",
        )

    def _known_target(self, target: str) -> bool:
        return target in self._targets or all(code in self._targets for code in target.split("+"))

    def _why_not_releasable(self, state: MoveState, num: str) -> None:
        numbers = {inject_number(state.index, o.index): o for o in state.injects}
        if num not in numbers:
            raise Refused("unknown-inject", number=num, numbers=", ".join(numbers))
        outcome = numbers[num]
        if not outcome.applied:
            raise Refused("inject-does-not-apply", number=num)
        raise Refused("already-released", number=num)

    def _live(self, move: str) -> list[NumberedDecision]:
        return self.ledger.live(move)

    def _title(self) -> str:
        return self.ledger.run.exercise.exercise.exercise.title.get(self.lang)

    def _header(self, state: MoveState) -> MoveHeader:
        move = state.move
        return MoveHeader(
            move_number(state.index),
            self.ledger.total,
            move.id,
            move.title.get(self.lang),
            format_date(move.date, self.lang),
            move.situation.get(self.lang) if move.situation else None,
            [q.get(self.lang) for q in move.questions],
        )

    def _recommendations(self, state: MoveState) -> list[RecommendationView]:
        numbers = self.ledger.recommendation_numbers
        decided = {d.decision.action for d in self._live(state.move.id)}
        added = set(state.changes.recommendations_added)
        changed = set(state.changes.recommendations_changed)
        out = [self._recommendation(r, numbers[r.id], r.id in added, r.id in changed, r.id in decided)
               for r in state.result.recommendations]  # fmt: skip
        return sorted(out, key=lambda v: v.number)

    def _recommendation(
        self, r: Recommendation, number: int, new: bool, changed: bool, decided: bool
    ) -> RecommendationView:
        lang = self.lang
        return RecommendationView(
            number,
            r.id,
            r.title[lang],
            r.target_name[lang],
            value_name(r.priority, lang),
            new,
            changed,
            decided,
            r.justification[lang],
        )

    def _injects(self, state: MoveState, role: Role, *, details: bool = False) -> list[InjectView]:
        ledger = self.ledger
        released = {r.inject: r.time for r in ledger.released(state.move.id)}
        names = dict(self.cells())
        out = []
        for o in state.injects:
            inj = o.inject
            if role == "player" and inj.id not in released:
                continue
            view = InjectView(
                inject_number(state.index, o.index),
                inj.id,
                inj.time,
                inj.title.get(self.lang),
                inj.description.get(self.lang),
                inj.from_.get(self.lang) if inj.from_ else None,
                [names.get(c, c) for c in inj.to],
                inj.id in released,
                released.get(inj.id),
            )
            if role == "facilitator":
                view = InjectView(
                    **{
                        **view.__dict__,
                        "applies": o.applied,
                        "notes": inj.notes.get(self.lang) if inj.notes and details else None,
                        "expect": tuple(self._expected(e) for e in inj.expect) if details else (),
                        "condition": None
                        if inj.when is None
                        else {
                            "decided": list(inj.when.decided),
                            "not_decided": list(inj.when.not_decided),
                            "applied": list(inj.when.applied),
                        },
                    }
                )
            out.append(view)
        return out

    def _expected(self, e: Any) -> ExpectedView:
        names = dict(self.cells())
        return ExpectedView(
            e.action, names.get(e.cell, e.cell) if e.cell else None, e.note.get(self.lang) if e.note else None
        )

    def _decision(self, d: NumberedDecision) -> DecisionView:
        ledger = self.ledger
        numbers = ledger.recommendation_numbers
        dec = d.decision
        index = next(i for i, m in enumerate(self.ledger.run.exercise.moves) if m.id == dec.move)
        title = None
        state = self.ledger.run.moves[index] if index < len(self.ledger.run.moves) else None
        if state is not None:
            rec = next((r for r in state.result.recommendations if r.id == dec.action), None)
            title = rec.title[self.lang] if rec is not None else None
        strike = ledger.struck.get(d.number)
        return DecisionView(
            d.number,
            dec.move,
            move_number(index),
            dec.cell or None,
            dict(self.cells()).get(dec.cell) if dec.cell else None,
            dec.action,
            numbers.get(dec.action),
            title,
            dec.rationale,
            dec.by,
            dec.time,
            strike is not None,
            strike.reason if strike is not None else "",
        )


def _seconds(since: str, now: dt.datetime) -> int:
    if not since:
        return 0
    try:
        began = dt.datetime.fromisoformat(since)
    except ValueError:
        return 0
    if began.tzinfo is None or now.tzinfo is None:
        began, now = began.replace(tzinfo=None), now.replace(tzinfo=None)
    return max(0, int((now - began).total_seconds()))
