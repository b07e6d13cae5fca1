"""One live session behind a lock, shared by every page of the web console.

Every change goes through :meth:`WebConsole.apply`, which hands it to the session controller
(:class:`~policyengine.exercise.controller.Controller`, the one the terminal console drives) with
the sequence number the page last saw: the controller refuses a stale change (a double click, an
old tab) and writes nothing, else it writes the very record the terminal console writes. Then
every page that follows the session is woken. Nothing here writes a log record or keeps session
state of its own.

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

from policyengine.exercise.controller import Controller, Refused
from policyengine.text import LANGS

if TYPE_CHECKING:
    from policyengine.exercise.session import Session


class Stale(Exception):
    """A change asked from a page that had not seen the latest state (a double click, an old tab)."""

    def __init__(self, seen: int, now: int) -> None:
        super().__init__(f"stale: the page saw sequence {seen}, the log is at {now}")
        self.seen = seen
        self.now = now


class BadRequest(ValueError):
    """A request no page of the console sends (an unknown operation, a field of the wrong type)."""


class NotDone(Exception):
    """A change the controller refused (nothing recorded), with its reason in every language."""

    def __init__(self, code: str, messages: dict[str, str]) -> None:
        super().__init__(messages.get("en", code))
        self.code = code
        self.messages = messages


@dataclass(frozen=True)
class Snapshot:
    """The state every page is shown, as JSON text, computed once per change."""

    version: int
    seq: int
    player: str
    facilitator: str


class WebConsole:
    """A session, its controllers (one per language of the pages), and the pages that follow it."""

    def __init__(self, session: Session, *, lang: str = "ja") -> None:
        self.session = session
        self.lang = lang  # the pages' first language (each page switches on its own)
        # One controller per language: the views come in both, the pages switch without asking.
        # Changes go through one of them; all read the session's one ledger.
        self.controllers: dict[str, Controller] = {code: Controller(session, code) for code in LANGS}
        self.control = self.controllers[lang]
        self._lock = threading.Lock()
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[int]]] = set()
        self._version = 0
        self._snapshot = self._build()

    @property
    def seq(self) -> int:
        return self.control.seq

    @property
    def finished(self) -> bool:
        return self.control.finished

    @property
    def log_path(self) -> str:
        return self.session.log_path

    # -- changes ------------------------------------------------------------------------------

    def apply(self, seen: int, op: str, args: dict[str, Any]) -> Snapshot:
        """Carry out one change asked by the facilitator's page, which had seen sequence ``seen``."""
        handler = self._handlers().get(op)
        if handler is None:
            raise BadRequest(f"unknown operation '{op[:40]}' (expected one of {', '.join(self._handlers())})")
        with self._lock:
            try:
                handler(args, seen)
            except Refused as refused:
                if refused.code == "stale":
                    raise Stale(seen, self.seq) from None
                raise NotDone(refused.code, {code: refused.message(code) for code in LANGS}) from None
            self._snapshot = self._build()
            snapshot = self._snapshot
        self._wake(snapshot.seq)
        return snapshot

    def resolve(self, text: str) -> dict[str, Any]:
        """What ``text`` would be recorded as (the controller's ``resolve``): for "did you mean"."""
        with self._lock:
            try:
                resolved = self.control.resolve(text)
            except Refused as refused:
                raise NotDone(refused.code, {code: refused.message(code) for code in LANGS}) from None
        return {
            "kind": resolved.kind,
            "action": resolved.action,
            "number": resolved.number,
            "suggestion": resolved.suggestion,
        }

    def _handlers(self) -> dict[str, Callable[[dict[str, Any], int], object]]:
        ctl = self.control
        return {
            "release": lambda a, seq: ctl.release(_text(a, "inject") or None, expect_seq=seq),
            "decide": lambda a, seq: ctl.decide(
                _text(a, "action"),
                cell=_text(a, "cell") or None,
                rationale=_text(a, "rationale"),
                by=_text(a, "who"),
                expect_seq=seq,
            ),
            "strike": lambda a, seq: ctl.strike(
                _number(a, "number"), reason=_text(a, "reason"), by=_text(a, "who"), expect_seq=seq
            ),
            "note": lambda a, seq: ctl.note(_text(a, "text"), by=_text(a, "who"), expect_seq=seq),
            "end": lambda a, seq: ctl.end_move(expect_seq=seq),
        }

    # -- following --------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        return self._snapshot

    def _build(self) -> Snapshot:
        from policyengine.webconsole.views import facilitator_view, player_view

        self._version += 1
        return Snapshot(self._version, self.seq, _json(player_view(self)), _json(facilitator_view(self)))

    def subscribe(self, queue: asyncio.Queue[int]) -> Callable[[], None]:
        """Wake ``queue`` (with the new sequence number) after every change, or -1 when the
        server stops; returns the unsubscribe."""
        entry = (asyncio.get_running_loop(), queue)
        self._subscribers.add(entry)
        return lambda: self._subscribers.discard(entry)

    def end_streams(self) -> None:
        """Tell every page's event stream to end (the server is stopping)."""
        self.closing = True
        self._wake(-1)

    closing = False

    def _wake(self, seq: int) -> None:
        for loop, queue in list(self._subscribers):
            loop.call_soon_threadsafe(queue.put_nowait, seq)

    def close(self) -> None:
        self.session.close()


def _text(args: dict[str, Any], key: str) -> str:
    value = args.get(key, "")
    if not isinstance(value, str):
        raise BadRequest(f"'{key}' must be text")
    return value


def _number(args: dict[str, Any], key: str) -> int:
    value = args.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadRequest(f"'{key}' must be a whole number")
    return value


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
