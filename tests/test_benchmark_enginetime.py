"""The benchmark's clock of durable-rules' own calls counts them, once each, and then steps aside."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.enginetime import C_FUNCTIONS, RULESET_METHODS, EngineClock, engine_clock


def test_a_call_made_inside_a_counted_call_is_not_counted_again() -> None:
    ticks = iter(range(100))
    clock = EngineClock(clock=lambda: float(next(ticks)))
    inner = clock.wrap(lambda x: x + 1)
    outer = clock.wrap(lambda x: inner(x) * 2)
    assert outer(1) == 4
    assert (clock.calls, clock.seconds) == (1, 1.0)  # the outer call's two clock reads only
    assert inner(1) == 2
    assert clock.calls == 2


def test_the_engine_clock_counts_an_evaluation_s_engine_calls_and_restores_them(korea) -> None:  # type: ignore[no-untyped-def]
    import durable.engine as durable_engine
    import durable_rules_engine

    from policyengine.api import evaluate, load_pack

    pack = load_pack()
    evaluate(korea, pack)  # registered and warm
    before = {n: getattr(durable_rules_engine, n) for n in C_FUNCTIONS}
    methods = {n: getattr(durable_engine.Ruleset, n) for n in RULESET_METHODS}
    with engine_clock() as clock:
        result = evaluate(korea, pack)
        calls = clock.calls
        assert calls > 10
        assert clock.seconds > 0
        clock.reset()
        assert (clock.seconds, clock.calls) == (0.0, 0)
        evaluate(korea, pack)
        assert clock.calls == calls  # the same evaluation makes the same calls
    assert {n: getattr(durable_rules_engine, n) for n in C_FUNCTIONS} == before
    assert {n: getattr(durable_engine.Ruleset, n) for n in RULESET_METHODS} == methods
    assert result.recommendations
