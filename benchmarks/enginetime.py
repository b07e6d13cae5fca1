"""CPU time spent inside durable-rules' own calls, measured in the same run as the evaluation.

Every entry point of durable-rules that an evaluation calls is wrapped here, in the benchmark,
not in the library: the ``Ruleset`` methods policyengine calls (``assert_facts``,
``retract_facts``: the JSON encoding of the facts they do is durable-rules' own code) and the C
functions of ``durable_rules_engine`` (those, and the action loop's ``start_action_for_state``,
``update_state``, ``complete_and_start_action``, ``delete_state``). A call made from inside
another wrapped call is not counted twice. policyengine's actions run between the C calls of the
action loop, so their time is not counted as the engine's.

The wrappers add two clock reads per call (about 130 calls for korea_new_gov): they make the
engine's share look slightly larger, never smaller, than it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

C_FUNCTIONS = (
    "assert_facts",
    "retract_facts",
    "retract_fact",
    "delete_state",
    "start_action_for_state",
    "complete_and_start_action",
    "update_state",
    "abandon_action",
)
RULESET_METHODS = ("assert_facts", "retract_facts", "retract_fact")


class EngineClock:
    """Accumulates the CPU time of durable-rules' calls while installed."""

    def __init__(self, clock: Callable[[], float] = time.process_time) -> None:
        self.clock = clock
        self.seconds = 0.0
        self.calls = 0
        self._depth = 0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth:
                return fn(*args, **kwargs)
            self._depth += 1
            start = self.clock()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += self.clock() - start
                self.calls += 1
                self._depth -= 1

        return timed

    def reset(self) -> None:
        self.seconds = 0.0
        self.calls = 0


@contextmanager
def engine_clock() -> Iterator[EngineClock]:
    """Wrap durable-rules' entry points for the block; the clock holds the time spent in them."""
    import durable.engine as durable_engine
    import durable_rules_engine

    clock = EngineClock()
    saved: list[tuple[Any, str, Any]] = []
    for name in C_FUNCTIONS:
        saved.append((durable_rules_engine, name, getattr(durable_rules_engine, name)))
    for name in RULESET_METHODS:
        saved.append((durable_engine.Ruleset, name, getattr(durable_engine.Ruleset, name)))
    try:
        for owner, name, fn in saved:
            setattr(owner, name, clock.wrap(fn))
        yield clock
    finally:
        for owner, name, fn in saved:
            setattr(owner, name, fn)
