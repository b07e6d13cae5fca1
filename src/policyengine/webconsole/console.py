"""One live session behind a lock, shared by every page of the web console.

Every change goes through :meth:`WebConsole.apply`: it checks the sequence number the page saw
against the log's (a double click or a stale tab changes nothing and is told so), calls the
session controller, which writes the very records the terminal console writes, and then wakes
every page that follows the session. Nothing here writes a log record itself.

The web framework is not imported here: the application (``app.py``) runs :meth:`apply` in a
worker thread and hands :meth:`subscribe` an ``asyncio`` queue.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policyengine.errors import input_error

if TYPE_CHECKING:
    from policyengine.exercise.runner import ExerciseRun, InjectOutcome, MoveState
    from policyengine.exercise.session import Session


class Stale(Exception):
    """A change asked from a page that had not seen the latest state (a double click, an old tab)."""

    def __init__(self, seen: int, now: int) -> None:
        super().__init__(f"stale: the page saw sequence {seen}, the log is at {now}")
        self.seen = seen
        self.now = now


@dataclass(frozen=True)
class DecisionView:
    number: int
    move: str
    cell: str
    action: str
    rationale: str
    who: str
    struck: bool


@dataclass(frozen=True)
class NoteView:
    move: str
    text: str
    time: str


@dataclass(frozen=True)
class Snapshot:
    """The state every page is shown, as JSON text, computed once per change."""

    version: int
    seq: int
    player: str
    facilitator: str


class WebConsole:
    """A session, its lock, and the queues of the pages that follow it."""

    def __init__(self, session: Session, actions: set[str], *, lang: str = "ja") -> None:
        self.session = session
        self.actions = actions
        self.lang = lang  # the pages' first language (each page switches on its own)
        self._version = 0
        self._lock = threading.Lock()
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[int]]] = set()
        self._snapshot = self._build()

    # -- what the views read ------------------------------------------------------------------

    @property
    def run(self) -> ExerciseRun:
        return self.session.run

    @property
    def seq(self) -> int:
        return self.session.seq

    @property
    def log_path(self) -> str:
        return self.session.log_path

    @property
    def finished(self) -> bool:
        return self._finished

    _finished = False

    @property
    def current(self) -> MoveState | None:
        return None if self._finished else self.session.current

    def released(self, state: MoveState) -> list[InjectOutcome]:
        return [o for o in state.injects if o.applied]

    def pending(self, state: MoveState) -> list[InjectOutcome]:
        return []

    def decisions_of(self, state: MoveState) -> list[DecisionView]:
        return [
            DecisionView(i + 1, d.move, d.cell, d.action, d.rationale, "", False)
            for i, d in enumerate(state.decisions)
        ]

    def notes(self) -> list[NoteView]:
        return []

    def recommendation_numbers(self) -> dict[str, int]:
        state = self.current
        recs = state.result.recommendations if state else []
        return {r.id: i + 1 for i, r in enumerate(recs)}

    def completion_ids(self) -> list[str]:
        from policyengine.exercise.load import known_targets

        state = self.current
        ids = {r.id for r in state.result.recommendations} if state else set()
        targets = known_targets(self.run.exercise)
        for action in self.actions:
            ids.update(f"{action}/{t}" for t in targets)
        return sorted(ids)

    # -- changes ------------------------------------------------------------------------------

    def apply(self, seen: int, op: str, args: dict[str, Any]) -> Snapshot:
        """Carry out one change asked by the facilitator's page, which had seen sequence ``seen``."""
        with self._lock:
            if seen != self.seq:
                raise Stale(seen, self.seq)
            if self._finished:
                raise input_error("E604", "this session is complete: every move has been played")
            handler = self._handlers().get(op)
            if handler is None:
                raise input_error("E501", f"unknown operation '{op}'")
            handler(args)
            self._snapshot = self._build()
            snapshot = self._snapshot
        self._wake(snapshot.seq)
        return snapshot

    def _handlers(self) -> dict[str, Callable[[dict[str, Any]], None]]:
        return {"decide": self._decide, "end": self._end}

    def _decide(self, args: dict[str, Any]) -> None:
        cell = _text(args, "cell") or self.run.exercise.cell_ids()[0]
        action = _text(args, "action").strip()
        if not action:
            raise input_error("E501", "a decision needs an action")
        self.session.decide(cell, action, _text(args, "rationale"))

    def _end(self, args: dict[str, Any]) -> None:
        if self.session.complete_move() is None:
            self._finished = True

    # -- following --------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        return self._snapshot

    def _build(self) -> Snapshot:
        from policyengine.webconsole.views import facilitator_view, player_view

        self._version += 1
        return Snapshot(self._version, self.seq, _json(player_view(self)), _json(facilitator_view(self)))

    def subscribe(self, queue: asyncio.Queue[int]) -> Callable[[], None]:
        """Wake ``queue`` (with the new sequence number) after every change; returns the unsubscribe."""
        entry = (asyncio.get_running_loop(), queue)
        self._subscribers.add(entry)
        return lambda: self._subscribers.discard(entry)

    def _wake(self, seq: int) -> None:
        for loop, queue in list(self._subscribers):
            loop.call_soon_threadsafe(queue.put_nowait, seq)

    def close(self) -> None:
        self.session.close()


def _text(args: dict[str, Any], key: str) -> str:
    value = args.get(key, "")
    if not isinstance(value, str):
        raise input_error("E501", f"'{key}' must be text")
    return value


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
