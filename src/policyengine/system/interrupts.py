"""Interrupts (Ctrl-C, SIGTERM) that arrive at moments when they can be handled safely.

durable-rules runs our actions from C and catches every exception they raise, BaseException
included, into the session state: a KeyboardInterrupt raised inside an action is silently lost
and the C engine is left mid-action. While the engine runs (``critical``), signals handled
through :func:`deliver` are therefore held and raised as soon as the engine has returned.
Outside the engine they are raised at once.

The CLI installs the handlers (:func:`install`). For a library user who does not, the
outermost ``critical`` block routes SIGINT through :func:`deliver` for its duration only and
restores the previous handler after it (a Ctrl-C held meanwhile then reaches that handler), so
that Ctrl-C cannot land inside an engine action either way. SIGTERM keeps its default there
(the process ends at once, which leaves nothing half-done in this process).
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

_state = threading.local()


class Terminated(BaseException):
    """The process was asked to terminate (SIGTERM). A BaseException, like KeyboardInterrupt,
    so that ``except Exception`` clauses do not swallow it and cleanups (``finally``) run."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(f"terminated by signal {signum}")
        self.signum = signum


def _depth() -> int:
    return int(getattr(_state, "depth", 0))


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """Hold interrupts delivered through :func:`deliver` until the block is left.

    On leaving the outermost block, a held interrupt is raised, unless an exception is already
    on its way out (it propagates, and the held interrupt is dropped: one is enough).
    """
    previous = _route_sigint() if _depth() == 0 else None
    _state.depth = _depth() + 1
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _state.depth = _depth() - 1
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        pending: BaseException | None = getattr(_state, "pending", None)
        if _state.depth == 0 and pending is not None:
            _state.pending = None
            if previous is None:
                previous = getattr(_state, "routed", None)  # see routed()
            if not failed:
                if (
                    previous is not None
                    and isinstance(pending, KeyboardInterrupt)
                    and callable(previous)
                    and previous is not signal.default_int_handler
                ):
                    previous(signal.SIGINT, None)  # the caller's own Ctrl-C handler
                else:
                    raise pending


@contextlib.contextmanager
def routed() -> Iterator[None]:
    """Route SIGINT through :func:`deliver` for a block that enters many critical blocks.

    The same as what each outermost ``critical`` block does for its own duration, done once for
    the whole block (an evaluation enters one per engine call; swapping the handler twice each
    time was a measurable part of its cost). Between critical blocks a Ctrl-C still reaches the
    handler that was installed before, as it would without this block.
    """
    if _depth() > 0 or getattr(_state, "routed", None) is not None:
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    current = signal.getsignal(signal.SIGINT)
    if not callable(current) or current is _on_sigint:
        yield  # installed already, ignored, default or set from outside Python: as before
        return
    signal.signal(signal.SIGINT, _on_sigint)
    _state.routed = current
    try:
        yield
    finally:
        _state.routed = None
        signal.signal(signal.SIGINT, current)


def _route_sigint() -> Any:
    """Route SIGINT through :func:`deliver` if nothing does; returns the handler to restore."""
    if getattr(_state, "routed", None) is not None:
        return None  # inside routed(): _on_sigint is installed (and asking costs an enum each time)
    if threading.current_thread() is not threading.main_thread():
        return None
    current = signal.getsignal(signal.SIGINT)
    if current is _on_sigint or current is signal.SIG_IGN or current is None:
        return None  # installed, ignored (worker processes), or set from outside Python
    signal.signal(signal.SIGINT, _on_sigint)
    return current


def deliver(exc: BaseException) -> None:
    """Raise ``exc`` now, or when the current critical block ends."""
    if _depth() > 0:
        if getattr(_state, "pending", None) is None:
            _state.pending = exc
        return
    raise exc


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    if _in_hook(frame):
        _thread.start_new_thread(_resend_later, (signum,))
        return
    previous = getattr(_state, "routed", None)
    if previous is not None and _depth() == 0 and previous is not signal.default_int_handler:
        previous(signum, frame)  # outside the engine, in a routed() block: the caller's handler
        return
    deliver(KeyboardInterrupt())


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    if _in_hook(frame):
        _thread.start_new_thread(_resend_later, (signum,))
        return
    deliver(Terminated(signum))


_previous_unraisablehook = sys.unraisablehook


def _resend_later(signum: int) -> None:
    """In a thread of its own: send ``signum`` to this process again, a moment from now."""
    time.sleep(0.005)
    os.kill(os.getpid(), signum)


def _on_unraisable(unraisable: Any) -> None:
    """An interrupt raised where Python cannot raise (a weakref callback, ``__del__``): ask again.

    The signal handler runs wherever the main thread is; inside such a callback its exception is
    printed as "Exception ignored" and lost, and the program carries on as if never interrupted.
    The signal is sent again a moment later, to be handled once that callback has returned. Only
    built-in functions are called here, so that a signal handled meanwhile finds this very frame
    (see :func:`_in_hook`), not one of a function it called.
    """
    exc = unraisable.exc_value
    if isinstance(exc, Terminated):
        _thread.start_new_thread(_resend_later, (exc.signum,))
    elif isinstance(exc, KeyboardInterrupt):
        _thread.start_new_thread(_resend_later, (signal.SIGINT,))
    else:
        _previous_unraisablehook(unraisable)


def _in_hook(frame: FrameType | None) -> bool:
    """Whether a signal arrived while :func:`_on_unraisable` ran, where raising would lose it too."""
    return frame is not None and frame.f_code is _on_unraisable.__code__


def install() -> None:
    """Route SIGINT and SIGTERM through :func:`deliver` (main thread only; else a no-op)."""
    global _previous_unraisablehook
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, _on_sigint)
    signal.signal(signal.SIGTERM, _on_sigterm)
    if sys.unraisablehook is not _on_unraisable:
        _previous_unraisablehook = sys.unraisablehook
        sys.unraisablehook = _on_unraisable
