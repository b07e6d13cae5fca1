"""The runtime's fast canonical keys are exactly what json.dumps gives (they order facts and supports)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from policyengine.engine.runtime import _canonical, _stable_key, _view_key
from policyengine.models.factview import ViewFact

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(),
    st.dates(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=dt.datetime(1, 1, 2)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
    ),
    max_leaves=12,
)


def _reference(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)


@given(st.dictionaries(st.text(max_size=8), values, max_size=6))
def test_canonical_equals_json_dumps(fields: dict[str, Any]) -> None:
    assert _canonical(fields) == _reference(fields)


@given(st.text(max_size=10), st.text(), st.text())
def test_view_key_equals_the_stable_key_of_origin_and_detail(kind: str, origin: str, detail: str) -> None:
    v = ViewFact(kind, {}, origin, detail)
    assert _view_key(v) == _stable_key(kind, {"o": origin, "d": detail})


def test_canonical_keeps_japanese_text_and_escapes_quotes() -> None:
    fields = {"b": '日本"', "a": [1, True, None, dt.date(2022, 5, 10)]}
    assert _canonical(fields) == '{"a": [1, true, null, "2022-05-10"], "b": "日本\\""}'
