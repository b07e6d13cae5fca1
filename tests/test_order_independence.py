"""Results never depend on the order of facts (the durable-rules negation trap)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.api import evaluate
from policyengine.render.evaluate import render_json
from worlds import shuffled


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_shuffling_every_fact_list_gives_byte_identical_json(korea, compiled_pack, seed: int) -> None:  # type: ignore[no-untyped-def]
    expected = render_json(evaluate(korea, compiled_pack))
    assert render_json(evaluate(shuffled(korea, seed), compiled_pack)) == expected


def test_repeated_evaluation_in_one_process_is_stable(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    first = render_json(evaluate(korea, compiled_pack))
    for _ in range(25):
        assert render_json(evaluate(korea, compiled_pack)) == first
