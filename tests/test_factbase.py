"""The evaluation's one fact base (RawEvaluation.by_kind / lookup), shared by explain, diff, whatif."""

from __future__ import annotations

import datetime as dt

from policyengine.api import evaluate, load_pack
from policyengine.engine.matching import normal


def test_the_fact_base_groups_every_fact_by_kind_in_key_order_and_looks_up_field_values(korea) -> None:  # type: ignore[no-untyped-def]
    raw = evaluate(korea, load_pack()).raw
    assert raw is not None
    grouped = raw.by_kind()
    assert sorted(f.fid for facts in grouped.values() for f in facts) == sorted(raw.facts)
    for kind, facts in grouped.items():
        assert all(f.kind == kind for f in facts)
        assert [f.key for f in facts] == sorted(f.key for f in facts)
    assert raw.by_kind() is grouped  # built once
    members = raw.of_kind("membership")
    assert members and raw.of_kind("no-such-kind") == []
    for name in ("framework", "country"):
        for value in {f.fields[name] for f in members}:
            expected = [f for f in members if normal(f.fields.get(name)) == value]
            assert raw.lookup("membership", name, value) == expected
    assert raw.lookup("membership", "country", "no such country") == []
    # a list is looked up as the engine compares it (element-wise), dates as day numbers
    agreement = next(f for f in raw.of_kind("agreement") if f.fields.get("parties"))
    assert agreement in raw.lookup("agreement", "parties", list(agreement.fields["parties"]))
    fact, name = next(
        (f, k) for f in raw.of_kind("agreement") for k, v in f.fields.items() if isinstance(v, dt.date)
    )
    assert fact in raw.lookup("agreement", name, fact.fields[name].toordinal())
